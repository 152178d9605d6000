// The judge: turns one response (and what was expected of it) into observations, one per check.
// It sends nothing and records nothing; the recorder keeps what it observes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "generators/generators.h"
#include "harness/harness.h"
#include "harness/internal/http_client.h"
#include "harness/internal/run_context.h"

namespace lpe::harness::internal {

// Bodies in reports are cut to this many bytes.
inline constexpr size_t kReportBodyCap = 4096;

// `s`, cut to kReportBodyCap bytes with a note of its full size.
std::string cut_for_report(const std::string& s);

// Text a peer sent (a response body), parsed into a DOM only when it is safe to: a NUL byte or
// nesting deeper than 512 levels (a DOM copy recurses per level) gives a discarded value, as
// text that is not JSON does. The response checks judge such bodies with the bounded reader.
nlohmann::ordered_json parse_peer_json(std::string_view text);

// The response check a diagnostic of `rule` belongs to: timestamp_format, request_id_header and
// token_format have a rule each; other R8 rules are error_shape, other R9 rules response_schema.
std::string_view check_of(spec::Rule rule);

// One observation a case produced: a check passed, failed (with a message and level) or noted.
struct Observation {
  std::string check;
  bool failed = false;
  spec::Severity level = spec::Severity::kMust;
  std::string message;
  bool note = false;
  // What a failure is about (Finding::subject): never a generated value.
  std::string subject = {};
};

// Which of two failures of one check (and target) a run keeps as its finding: a must-level one
// before a should-level one, then the smallest subject, so that the finding and its id do not
// depend on which failure came first. False for equal ranks.
bool kept_before(spec::Severity level, const std::string& subject, spec::Severity other_level,
                 const std::string& other_subject);

// The subject of a failure on a request that carries `violations`: "member constraint" of each,
// sorted, joined with "; " (empty for a valid request).
std::string violations_subject(const std::vector<generators::ExpectedViolation>& violations);

// A passed observation of `check`.
Observation pass(std::string check);

// What an exchange should get: a status and, for errors, an error type (and the violations an
// invalid request carries), for the primary check the exchange serves.
struct Expectation {
  int status = 200;
  std::string error_type;  // empty: any (success)
  std::vector<generators::ExpectedViolation> violations;
  std::string check;
  nlohmann::ordered_json to_json() const;
};

class Judge {
 public:
  Judge(std::shared_ptr<const spec::Model> model, const spec::OperationView& op,
        const CheckSelection& selection);

  // Item members with lpe.conformance#echoesInput (items_match_request); set by the preflight.
  std::vector<const spec::Member*> echo_members;

  // Response-level checks on any response, plus not_a_server_error.
  void judge_response(const Received& r, std::vector<Observation>& out) const;
  // What is wrong with the status and error type, if anything.
  static std::optional<std::string> expectation_problem(const Received& r, const Expectation& e);
  // The exception message of an error body (exceptionMessage, message or Message).
  static std::string error_message(const Received& r);
  // validation_message: the R7 message names every violation the request carries, states their
  // number first ("N validation errors detected") and names the members in model order.
  void judge_validation_message(const Received& r, const Expectation& e,
                                std::vector<Observation>& out) const;
  // A case R6 leaves to the implementation (nesting depth, huge numbers, lone surrogates inside
  // members the operation does not define): accepting it and answering its R6 error are both
  // conformant, so the family's must-check is not asked. Anything else is a should-finding of
  // implementation_limits (a 5xx stays a not_a_server_error finding); an acceptance is a note.
  void judge_implementation_defined(const generators::LabelledRequest& lr, const Received& r,
                                    const Expectation& e, std::vector<Observation>& out) const;
  // items_match_request: item members that echo an input member (overlay echoesInput, R9) hold
  // the value the request asked for. `request_body` is what was sent, `page_body` the 200 page.
  void judge_items_match_request(const std::string& request_body, const std::string& page_body,
                                 std::vector<Observation>& out) const;
  // page_size_bound on a 200 page for the request body that asked for it.
  void judge_page_size(const std::string& request_body, const Received& r,
                       std::vector<Observation>& out) const;

 private:
  // "" when every violation of a member is named after those of the members before it in the
  // input structure; `found` holds where the message names each of `violations`.
  std::string member_order_problem(const std::vector<generators::ExpectedViolation>& violations,
                                   const std::vector<size_t>& found) const;

  const spec::OperationView& op_;
  const CheckSelection& selection_;
  validators::ResponseChecker checker_;
};

}  // namespace lpe::harness::internal
