// The conformance harness: named checks derived from the model, run against any endpoint, with
// shrinking of failures, record/replay and reports. It never depends on the mock: the `lpe` CLI
// starts the reference mock and hands its URL and targets here.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "spec/rules.h"
#include "spec/spec.h"
#include "validators/validators.h"
#include "wire/http.h"
#include "wire/sigv4.h"

namespace lpe::harness {

// The families of checks: what a check sends and judges.
enum class CheckFamily {
  kRequests,    // generated requests and the status and error type they get
  kResponses,   // the responses to those requests, against the model
  kPagination,  // walks and tokens, per target
  kAuth,        // unsigned and wrongly signed requests, once
};

// "requests", "responses", "pagination", "auth": the family's name in --list-checks and reports.
std::string_view to_string(CheckFamily family);

// One named check: what it verifies, under which rule, how much it matters.
struct CheckInfo {
  std::string name;  // "page_size_bound"
  std::string rule;  // "R10"
  // How a failure counts: `must` fails the run, `should` warns (fails with --strict). Never a
  // note: a check passes or fails; notes are observations beside it.
  spec::Severity level = spec::Severity::kMust;
  CheckFamily family = CheckFamily::kRequests;
  std::string description;  // one line
};

// Every check the harness knows, in report order.
const std::vector<CheckInfo>& all_checks();
// The check with this name, or nullptr.
const CheckInfo* find_check(std::string_view name);

// A participant (in general: one list) known to exist at the endpoint: the values of the
// operation's list-scope members, outermost first (R10).
struct Target {
  Target() = default;
  explicit Target(std::vector<std::string> values,
                  std::shared_ptr<const std::vector<nlohmann::ordered_json>> items = nullptr)
      : scope_values(std::move(values)), expected_items(std::move(items)) {}

  std::vector<std::string> scope_values;
  // The items the endpoint is declared to serve for this list, in serving order (the events of a
  // --targets-file in the `lpe mock --dump-data` format, or the embedded mock's dataset); null
  // when unknown. The expected_data check compares every complete walk with them.
  std::shared_ptr<const std::vector<nlohmann::ordered_json>> expected_items;
  // "v1,v2,v3", as --target takes it.
  std::string label() const;
};

// Parses a --target value for `operation`: "v1,v2,v3" (list-scope order) or "name=value,..."
// in any order. Each value is checked against its member's constraints.
Result<Target> parse_target(const spec::OperationView& operation, std::string_view text);

// Reads targets from a `lpe mock --dump-data` style file (nesting follows the list scope). A
// participant's "events", when present, become its expected items: each must be a valid item of
// the model (a clear error with the file and JSON pointer otherwise).
Result<std::vector<Target>> targets_from_dataset(const spec::OperationView& operation,
                                                 const nlohmann::ordered_json& dataset,
                                                 const std::string& file_name);

// SigV4 settings for signed runs.
struct SigningOptions {
  wire::Credentials credentials;
  std::string region = "us-east-1";
  std::string service;  // empty: the model's sigv4 name
};

// Everything a run needs.
struct ConformOptions {
  std::string endpoint;  // http(s)://host[:port]
  std::vector<Target> targets;
  uint64_t seed = 0;
  int cases = 200;                       // generated requests per request-check family
  std::vector<std::string> only_checks;  // empty: all
  std::vector<std::string> excluded_checks;
  bool strict = false;
  int workers = 4;
  double rate_limit = 0;  // requests per second, 0 = unlimited
  std::chrono::milliseconds timeout{10000};
  std::chrono::milliseconds max_time{0};  // 0 = unbounded
  size_t max_pages = 20000;               // per walk (termination)
  size_t max_response_bytes = 8u << 20;
  int max_shrink_steps = 300;
  std::optional<SigningOptions> sigv4;
  std::string record_path;       // JSONL of every exchange
  std::string replay_path;       // re-send recorded requests instead of generating
  std::string reproduce_prefix;  // "lpe conform --endpoint ... --target ..." for reproduction lines
  bool show_progress = false;    // a live line on stderr (terminal only)
};

// An HTTP exchange as reports and records show it: the wire::HttpRequest that was sent and the
// wire::HttpResponse that came back, flattened into one record with secrets redacted and bodies
// cut (harness/internal/http_client.h builds it: request_exchange, finish_received).
struct Exchange {
  std::string method;
  std::string path;  // the request target
  wire::HeaderList request_headers;
  std::string request_body;
  int status = 0;  // 0: no response (transport error)
  wire::HeaderList response_headers;
  std::string response_body;
  std::string transport_error;
  nlohmann::ordered_json to_json() const;
};

// A failed (or warned) check with its evidence.
struct Finding {
  std::string check;
  std::string rule;
  spec::Severity level = spec::Severity::kMust;  // must or should (never a note)
  std::string target;                 // target label for pagination/auth checks, empty otherwise
  std::string message;                // what was wrong
  Exchange exchange;                  // the minimal failing exchange (after shrinking)
  std::string original_request_body;  // before shrinking, when it differs
  int shrink_steps = 0;
  std::string reproduction;  // one-line command
  nlohmann::ordered_json to_json() const;
};

// Per-check counts.
struct CheckTally {
  std::string check;
  uint64_t passed = 0;
  uint64_t failed = 0;
  uint64_t notes = 0;
  bool ran = false;
  // Why a selected check did not run (every report form shows it; R14: no silent skips).
  std::string skip_reason;
};

// A note (informational: unknown members or enum values a newer API adds, R9).
struct Note {
  std::string check;
  std::string message;
};

// The outcome of a run.
struct RunResult {
  std::vector<CheckTally> tallies;  // all_checks() order, selected checks only
  std::vector<Finding> findings;    // must and should
  std::vector<Note> notes;          // deduplicated
  uint64_t requests = 0;
  double seconds = 0;
  bool completed = true;    // false: stopped at --max-time
  std::string setup_error;  // non-empty: the run could not start (exit 2)
  // The contract judged against (R14): the operation, and the model's files with their sha256
  // and provenance (spec::ContractInfo::to_json), one line for the console.
  std::string operation;
  nlohmann::ordered_json contract;
  std::string contract_summary;
  // Selected checks that ran.
  size_t checks_ran() const;
  // 0 all must checks passed (and should ones with strict), 1 a finding, 2 could not run.
  int exit_code(bool strict) const;
};

// Runs the selected checks against `options.endpoint`.
RunResult run_conformance(std::shared_ptr<const spec::Model> model,
                          const spec::OperationView& operation, const ConformOptions& options);

// Reports.
std::string console_summary(const RunResult& result, const ConformOptions& options);
std::string junit_report(const RunResult& result, const ConformOptions& options);
nlohmann::ordered_json json_report(const RunResult& result, const ConformOptions& options);

}  // namespace lpe::harness
