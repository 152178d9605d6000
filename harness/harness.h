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
#include <utility>
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
  // How many items the list holds, when known (a dataset file, the embedded mock): the run plan
  // counts its walks' pages exactly; unknown lists are walked within a page budget.
  std::optional<uint64_t> known_items = std::nullopt;
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

// One line of a run plan: what a phase of the run sends at most.
struct PlanLine {
  std::string family;  // "requests", "pagination", "auth", "setup", "reserve"
  std::string phase;   // "random cases, 4 families x 200"
  uint64_t requests = 0;
  bool bounded = true;  // false: unknown in advance (list sizes unknown, no budget)
};

// What a run will send, per phase, decided before anything is sent (--plan prints it).
struct RunPlan {
  uint64_t max_requests = 0;  // the budget planned for; 0 = none
  double rate = 0;            // requests per second the run is held to; 0 = unlimited
  std::vector<PlanLine> lines;
  std::vector<std::string> notes;  // walk caps and what they mean
  uint64_t total() const;
  bool bounded() const;
  // The plan as the console shows it: a heading with the expected duration, a table, the notes.
  std::string text() const;
  nlohmann::ordered_json to_json() const;
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
  // Request budget and throttling (--max-requests, the run plan, retries).
  uint64_t max_requests = 0;  // every request sent, retries included; 0 = no budget
  // Pages per walk the plan allows, by page size (-1: omitted); a walk that reaches its cap
  // stops there and is reported as shortened. Empty: walks end at max_pages only.
  std::vector<std::pair<int64_t, size_t>> walk_page_caps;
  // Requests the plan leaves for shrinking failures and retries after throttling.
  uint64_t spare_requests = UINT64_MAX;
  // Set by plan_run under a budget: the coverage cases sent (the others are reported not sent),
  // the targets that get token checks and the token positions probed on each (1 to 3).
  size_t coverage_limit = SIZE_MAX;
  size_t token_probe_targets = SIZE_MAX;
  size_t token_probe_positions = 3;
  // The plan plan_run made (reports show it); empty lines when none was made.
  RunPlan plan;
};

// Plans the run of `options` and fits it into options.max_requests when set: the fixed phases
// (coverage, probes, token checks) first, then the walks (capped by a page budget), then the
// random cases (options.cases lowered), then a reserve for shrinking and retries. Writes the
// decisions into `options`; an error when the budget cannot hold the fixed phases.
// `model` makes the generators whose coverage cases the plan counts (null: none counted).
Result<RunPlan> plan_run(std::shared_ptr<const spec::Model> model,
                         const spec::OperationView& operation, ConformOptions& options);

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
  // What the finding is about beyond its check and target, never a generated value: the member
  // and constraint a mishandled request violated ("maxResults range"), the rule and path of a
  // response diagnostic ("R9.timestamp_format /events/*/eventTime"); empty when the check and
  // target say it all.
  std::string subject;
  // Against --baseline: "new" or "known" (it is in the baseline); empty without one.
  std::string baseline;
  // A stable id: a hash of check, rule, subject and target (never the seed, the generated
  // values, times or ports), so that runs can be compared (--baseline).
  std::string id() const;
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

// One pagination walk of a target at one page size: the items each page returned (R10).
struct WalkSummary {
  std::string target;                // target label
  int64_t page_size = -1;            // the page size asked for; -1: omitted
  int64_t limit = -1;                // the bound in force (the default when omitted); -1: none
  std::vector<uint64_t> page_items;  // items on each page, in order
  bool complete = false;             // reached a last page
  nlohmann::ordered_json to_json() const;
};

// A finding of an earlier run, as its JSON report holds it (--baseline).
struct BaselineFinding {
  std::string id, check, rule, level, target, message;
  nlohmann::ordered_json to_json() const;
};

// The findings of an earlier `lpe conform --report-json` report.
struct Baseline {
  std::string file;
  std::vector<BaselineFinding> findings;
};

// Reads the findings of an earlier JSON report; the error names `file`, where and what is wrong.
Result<Baseline> read_baseline(const nlohmann::ordered_json& report, const std::string& file);

// A run compared with a baseline: its findings are new or known; the baseline's other findings
// are fixed when this run checked what they were about, else unchecked.
struct BaselineComparison {
  std::string file;
  size_t new_findings = 0;
  size_t known_findings = 0;
  std::vector<BaselineFinding> fixed;  // their check ran (on their target) and did not find them
  std::vector<BaselineFinding> unchecked;  // their check or target was not part of this run
  nlohmann::ordered_json to_json() const;
};

// One case of the coverage phase as reports show it: a deterministic case derived from the model
// (a bound, a wrong JSON type, an absent or null member, an excluded pattern character, a
// whole-body form), alone in an otherwise valid request, sent before the random cases.
struct CoverageResult {
  std::string member;      // the input member; "" for whole-body cases
  std::string constraint;  // "body", "required", "type", "length", "range", "enum", "pattern"
  std::string name;        // the boundary or form: "max+1", "trailing '_'"
  std::string value;       // the member's JSON text ("" when absent), or the whole body
  std::string expected;    // "200", "400 ValidationException", ...
  bool sent = false;
  bool passed = false;  // sent, and no selected check failed on its answer
  // Not sent: why. Not passed: the first check that failed and its message.
  std::string reason;
  bool must_failed = false;  // a must-level check failed on its answer
  nlohmann::ordered_json to_json() const;
};

// The outcome of a run.
struct RunResult {
  std::vector<CheckTally> tallies;  // all_checks() order, selected checks only
  std::vector<Finding> findings;    // must and should
  std::vector<Note> notes;          // deduplicated
  // The coverage phase's cases, in the order they were defined.
  std::vector<CoverageResult> coverage;
  uint64_t requests = 0;
  double seconds = 0;
  bool completed = true;    // false: stopped at --max-time
  std::string setup_error;  // non-empty: the run could not start (exit 2)
  // The contract judged against (R14): the operation, and the model's files with their sha256
  // and provenance (spec::ContractInfo::to_json), one line for the console.
  std::string operation;
  nlohmann::ordered_json contract;
  std::string contract_summary;
  // The pagination walks, by target and page size.
  std::vector<WalkSummary> walks;
  // Set by compare_with_baseline (--baseline).
  std::optional<BaselineComparison> baseline;
  // Throttling, budget and plan (never judged): throttled answers and retries, why the run
  // stopped early when it did, and the walks a page budget shortened.
  uint64_t throttled = 0;
  uint64_t retries = 0;
  uint64_t gave_up_throttled = 0;
  double backoff_seconds = 0;
  std::string stop_reason;  // "" or why the run stopped before every check ran
  std::vector<std::string> shortened_walks;
  // Selected checks that ran.
  size_t checks_ran() const;
  // 0 all must checks passed (and should ones with strict), 1 a finding, 2 could not run. With a
  // baseline only new findings count.
  int exit_code(bool strict) const;
};

// Marks each finding of `result` new or known against `baseline` and sets result.baseline
// (`targets`: this run's, to tell fixed findings from unchecked ones).
void compare_with_baseline(const Baseline& baseline, const std::vector<Target>& targets,
                           RunResult& result);

// The verdict of check `tally` in `result`: "passed", "failed", "warned" (should-level findings
// only, without --strict) or "skipped" (did not run).
std::string check_verdict(const CheckTally& tally, const RunResult& result, bool strict);

// Runs the selected checks against `options.endpoint`.
RunResult run_conformance(std::shared_ptr<const spec::Model> model,
                          const spec::OperationView& operation, const ConformOptions& options);

// Reports.
std::string console_summary(const RunResult& result, const ConformOptions& options);
std::string junit_report(const RunResult& result, const ConformOptions& options);
nlohmann::ordered_json json_report(const RunResult& result, const ConformOptions& options);
// One self-contained HTML page (inline style and script, a strict Content-Security-Policy, no
// request leaves it) rendered from a json_report() object: every text escaped, members it does
// not know shown as facts.
std::string html_report(const nlohmann::ordered_json& report);

}  // namespace lpe::harness
