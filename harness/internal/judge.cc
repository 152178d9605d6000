// Judging responses: the response checks, expected statuses and error types, R7 messages,
// page sizes and items that echo the request.
#include "harness/internal/judge.h"

#include "wire/json_guard.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

namespace lpe::harness::internal {
namespace {

using Json = nlohmann::ordered_json;

// The level of a check's failure for a diagnostic of `severity` (must or should, never a note):
// a should-check, or a should-diagnostic, fails as should.
spec::Severity finding_level(const CheckInfo& check, spec::Severity severity) {
  return check.level == spec::Severity::kShould || severity == spec::Severity::kShould
             ? spec::Severity::kShould
             : spec::Severity::kMust;
}

const char* const kResponseChecks[] = {"response_schema", "error_shape", "timestamp_format",
                                       "request_id_header", "token_format"};

// The phrase R7 uses for a constraint kind (to find it in a message).
std::string_view phrase_of(validators::ConstraintKind kind) {
  switch (kind) {
    case validators::ConstraintKind::kRequired:
      return "Member must not be null";
    case validators::ConstraintKind::kLength:
      return "Member must have length";
    case validators::ConstraintKind::kPattern:
      return "Member must satisfy regular expression pattern";
    case validators::ConstraintKind::kRange:
      return "Member must have value";
    case validators::ConstraintKind::kEnum:
      return "Member must satisfy enum value set";
  }
  return "";
}

}  // namespace

std::string_view check_of(spec::Rule rule) {
  switch (rule) {
    case spec::Rule::kR9TimestampFormat:
      return "timestamp_format";
    case spec::Rule::kR8RequestId:
      return "request_id_header";
    case spec::Rule::kR10TokenFormat:
      return "token_format";
    case spec::Rule::kR8Status:
    case spec::Rule::kR8ContentType:
    case spec::Rule::kR8Body:
    case spec::Rule::kR8ErrorType:
    case spec::Rule::kR8ErrorTypeHeader:
    case spec::Rule::kR8UnknownErrorType:
    case spec::Rule::kR8ProtocolErrorStatus:
    case spec::Rule::kR8Message:
      return "error_shape";
    case spec::Rule::kR9Status:
    case spec::Rule::kR9ContentType:
    case spec::Rule::kR9Json:
    case spec::Rule::kR9Type:
    case spec::Rule::kR9Required:
    case spec::Rule::kR9Constraint:
    case spec::Rule::kR9UnknownMember:
    case spec::Rule::kR9UnknownEnumValue:
    case spec::Rule::kR9NullMember:
    case spec::Rule::kR9Presence:
    case spec::Rule::kR9PresenceExpected:
      return "response_schema";
  }
  return "response_schema";
}

nlohmann::ordered_json parse_peer_json(std::string_view text) {
  if (!wire::check_json_text(text, 512)) {
    return nlohmann::ordered_json(nlohmann::ordered_json::value_t::discarded);
  }
  return nlohmann::ordered_json::parse(text, nullptr, false);
}

std::string cut_for_report(const std::string& s) {
  if (s.size() <= kReportBodyCap) return s;
  return s.substr(0, kReportBodyCap) + "... (" + std::to_string(s.size()) + " bytes in all)";
}

namespace {

// "/events/12/eventTime" -> "/events/*/eventTime": the path without its item positions.
std::string path_pattern(const std::string& path) {
  std::string out;
  size_t i = 0;
  while (i < path.size()) {
    const size_t end = std::min(path.find('/', i + 1), path.size());
    const std::string segment = path.substr(i, end - i);
    const bool index =
        segment.size() > 1 && segment.find_first_not_of("/0123456789") == std::string::npos;
    out += index ? "/*" : segment;
    i = end;
  }
  return out;
}

}  // namespace

bool kept_before(spec::Severity level, const std::string& subject, spec::Severity other_level,
                 const std::string& other_subject) {
  const int mine = level == spec::Severity::kMust ? 0 : 1;
  const int theirs = other_level == spec::Severity::kMust ? 0 : 1;
  return std::tie(mine, subject) < std::tie(theirs, other_subject);
}

std::string violations_subject(const std::vector<generators::ExpectedViolation>& violations) {
  std::vector<std::string> parts;
  for (const auto& v : violations)
    parts.push_back(v.member + " " + std::string(validators::to_string(v.constraint)));
  std::sort(parts.begin(), parts.end());
  parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

Observation pass(std::string check) {
  return Observation{std::move(check), false, spec::Severity::kMust, "", false};
}

Json Expectation::to_json() const {
  Json out = {{"check", check}, {"status", status}};
  if (!error_type.empty()) out["errorType"] = error_type;
  if (!violations.empty()) {
    auto list = Json::array();
    for (const auto& v : violations) {
      list.push_back(
          {{"member", v.member}, {"constraint", std::string(validators::to_string(v.constraint))}});
    }
    out["violations"] = list;
  }
  return out;
}

Judge::Judge(std::shared_ptr<const spec::Model> model, const spec::OperationView& op,
             const CheckSelection& selection)
    : op_(op), selection_(selection), checker_(std::move(model), op) {}

void Judge::judge_response(const Received& r, std::vector<Observation>& out) const {
  if (!r.transport_ok()) {
    out.push_back({"not_a_server_error", true, spec::Severity::kMust, r.exchange.transport_error});
    return;
  }
  if (r.response.status >= 500) {
    out.push_back({"not_a_server_error", true, spec::Severity::kMust,
                   "status " + std::to_string(r.response.status) + ": " +
                       cut_for_report(r.response.body).substr(0, 300)});
  } else {
    out.push_back(pass("not_a_server_error"));
  }
  const auto diagnostics = checker_.check(r.response);
  std::map<std::string_view, const validators::Diagnostic*> first_failure;
  for (const auto& d : diagnostics) {
    const std::string_view check = check_of(d.rule);
    if (d.severity == spec::Severity::kNote) {
      out.push_back({std::string(check), false, spec::Severity::kMust,
                     std::string(spec::to_string(d.rule)) + " at " + d.path + ": " + d.message,
                     true});
      continue;
    }
    // Per check the first must-level diagnostic, else the first should-level one: a should
    // (a Content-Type) never hides a must (a body that is not a JSON object).
    const auto it = first_failure.find(check);
    if (it == first_failure.end() ||
        (it->second->severity != spec::Severity::kMust && d.severity == spec::Severity::kMust)) {
      first_failure[check] = &d;
    }
  }
  for (const char* check : kResponseChecks) {
    const auto it = first_failure.find(check);
    if (it == first_failure.end()) {
      out.push_back(pass(check));
      continue;
    }
    const auto* info = find_check(check);
    const auto& d = *it->second;
    out.push_back({check, true, finding_level(*info, d.severity),
                   std::string(spec::to_string(d.rule)) + (d.path.empty() ? "" : " at " + d.path) +
                       ": " + d.message});
    out.back().subject =
        (std::string(spec::to_string(d.rule)) + (d.path.empty() ? "" : " " + path_pattern(d.path)))
            .substr(0, 200);
  }
}

std::optional<std::string> Judge::expectation_problem(const Received& r, const Expectation& e) {
  if (!r.transport_ok()) return r.exchange.transport_error;
  const int status = r.response.status;
  // The error type only matters for error statuses (and costs a parse of the body).
  const auto type = status >= 300 ? validators::resolve_error_type(r.response).name : std::string();
  if (e.error_type.empty()) {
    if (status != e.status) {
      return "expected " + std::to_string(e.status) + ", got " + std::to_string(status) +
             (type.empty() ? "" : " " + type) + ": " +
             cut_for_report(r.response.body).substr(0, 400);
    }
    return std::nullopt;
  }
  if (status != e.status || type != e.error_type) {
    return "expected " + std::to_string(e.status) + " " + e.error_type + ", got " +
           std::to_string(status) + (type.empty() ? "" : " " + type) + ": " +
           cut_for_report(r.response.body).substr(0, 400);
  }
  return std::nullopt;
}

std::string Judge::error_message(const Received& r) {
  const auto body = parse_peer_json(r.response.body);
  if (!body.is_object()) return "";
  for (const char* key : {"exceptionMessage", "message", "Message"}) {
    const auto it = body.find(key);
    if (it != body.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

namespace {

// The count an R7 message begins with ("3 validation errors detected: ..."), if it does.
std::optional<size_t> stated_count(const std::string& message) {
  size_t digits = 0;
  while (digits < message.size() && digits < 6 &&
         std::isdigit(static_cast<unsigned char>(message[digits])))
    ++digits;
  if (digits == 0) return std::nullopt;
  const std::string_view rest = std::string_view(message).substr(digits);
  if (rest.rfind(" validation error detected", 0) != 0 &&
      rest.rfind(" validation errors detected", 0) != 0)
    return std::nullopt;
  return static_cast<size_t>(std::stoul(message.substr(0, digits)));
}

// Where `message` names a violation of `member` with `phrase` ("at 'member' failed to satisfy
// constraint: <phrase>..."), or npos.
size_t named_at(const std::string& message, const std::string& member, std::string_view phrase) {
  const std::string at = "at '" + member + "'";
  for (size_t pos = message.find(at); pos != std::string::npos; pos = message.find(at, pos + 1)) {
    const size_t colon = message.find(':', pos + at.size());
    if (colon == std::string::npos) return std::string::npos;
    size_t start = colon + 1;
    while (start < message.size() && message[start] == ' ') ++start;
    if (message.compare(start, phrase.size(), phrase) == 0) return pos;
  }
  return std::string::npos;
}

}  // namespace

void Judge::judge_validation_message(const Received& r, const Expectation& e,
                                     std::vector<Observation>& out) const {
  const std::string message = error_message(r);
  std::string problem;
  // Where each violation is named (npos: not named), and the member order R7 requires.
  std::vector<size_t> found;
  std::string missing;
  std::vector<generators::ExpectedViolation> unnamed;
  for (const auto& v : e.violations) {
    const size_t pos = named_at(message, v.member, phrase_of(v.constraint));
    found.push_back(pos);
    if (pos != std::string::npos) continue;
    missing += (missing.empty() ? "" : "; ") + v.member + " " +
               std::string(validators::to_string(v.constraint));
    unnamed.push_back(v);
  }
  const auto count = stated_count(message);
  // The finding's subject (its baseline id): the unnamed violations, else what is wrong.
  std::string subject;
  if (!missing.empty()) {
    problem = "the message does not name " + missing + " as R7 does";
    subject = violations_subject(unnamed);
  } else if (!count) {
    problem = "the message does not begin with the count ('N validation errors detected')";
    subject = "count";
  } else if (*count != e.violations.size()) {
    problem = "the message counts " + std::to_string(*count) +
              " validation errors, the request has " + std::to_string(e.violations.size());
    subject = "count";
  } else {
    problem = member_order_problem(e.violations, found);
    subject = "order";
  }
  out.push_back({"validation_message", !problem.empty(), spec::Severity::kShould,
                 problem.empty() ? "" : problem + ": '" + message.substr(0, 400) + "'"});
  if (!problem.empty()) out.back().subject = subject;
}

std::string Judge::member_order_problem(
    const std::vector<generators::ExpectedViolation>& violations,
    const std::vector<size_t>& found) const {
  // R7: members in the order of the input structure; within one member any order.
  const auto rank = [&](const std::string& member) {
    const int index = op_.input != nullptr ? op_.input->find_member(member) : -1;
    return index < 0 ? static_cast<int>(op_.input ? op_.input->members.size() : 0) : index;
  };
  for (size_t a = 0; a < violations.size(); ++a) {
    for (size_t b = 0; b < violations.size(); ++b) {
      if (rank(violations[a].member) < rank(violations[b].member) && found[a] > found[b]) {
        return "the message names " + violations[b].member + " before " + violations[a].member +
               "; R7 reports members in model order";
      }
    }
  }
  return "";
}

void Judge::judge_implementation_defined(const generators::LabelledRequest& lr, const Received& r,
                                         const Expectation& e,
                                         std::vector<Observation>& out) const {
  if (!r.transport_ok() || r.response.status >= 500) return;  // judged by not_a_server_error
  if (r.response.status == 200) {
    out.push_back({"implementation_limits", false, spec::Severity::kShould,
                   "the endpoint accepts bodies whose handling is its choice (" +
                       lr.implementation_defined + ")",
                   true});
    out.push_back(pass("implementation_limits"));
    return;
  }
  const auto problem = expectation_problem(r, e);
  out.push_back({"implementation_limits", problem.has_value(), spec::Severity::kShould,
                 problem ? lr.description + ": " + *problem + " (expected 200 or " +
                               std::to_string(e.status) + " " + e.error_type + "; " +
                               lr.implementation_defined + ")"
                         : ""});
}

void Judge::judge_items_match_request(const std::string& request_body, const std::string& page_body,
                                      std::vector<Observation>& out) const {
  if (echo_members.empty() || !selection_.selected("items_match_request")) return;
  // Only the members that matter are read (pages of a hundred items and requests with long
  // tokens are common, and documents of them cost more than the rest of the judging together).
  std::vector<std::string> inputs;
  for (const auto* m : echo_members) inputs.push_back(m->echoes_input);
  const auto request = validators::object_members(request_body, inputs);
  if (!request) return;
  const auto& items = op_.operation->paginated->items;
  std::vector<std::optional<std::vector<std::optional<Json>>>> got;
  for (const auto* m : echo_members) {
    got.push_back(validators::item_members(page_body, items, m->name));
    if (!got.back()) return;
  }
  std::string problem;
  for (size_t i = 0; i < got.front()->size() && problem.empty(); ++i) {
    for (size_t e = 0; e < echo_members.size(); ++e) {
      const auto* m = echo_members[e];
      const auto asked = request->find(m->echoes_input);
      const auto& value = (*got[e])[i];
      if (asked == request->end() || !value || *asked == *value) continue;
      problem = "item " + std::to_string(i) + " has " + m->name + " " +
                value->dump(-1, ' ', false, Json::error_handler_t::replace).substr(0, 100) +
                ", the request asked for " + m->echoes_input + " " +
                asked->dump(-1, ' ', false, Json::error_handler_t::replace).substr(0, 100);
      break;
    }
  }
  out.push_back({"items_match_request", !problem.empty(), spec::Severity::kShould, problem});
}

void Judge::judge_page_size(const std::string& request_body, const Received& r,
                            std::vector<Observation>& out) const {
  if (!op_.operation->paginated || !selection_.selected("page_size_bound")) return;
  const auto& p = *op_.operation->paginated;
  const auto request = parse_peer_json(request_body);
  const auto page = validators::read_page(r.response.body, p.items, p.output_token);
  if (!page || !page->items_present) return;
  int64_t limit = op_.default_page_size().value_or(-1);
  if (request.is_object() && !p.page_size.empty()) {
    const auto it = request.find(p.page_size);
    if (it != request.end() && it->is_number_integer()) limit = it->get<int64_t>();
  }
  if (limit < 0) return;
  const auto n = static_cast<int64_t>(page->items.size());
  out.push_back({"page_size_bound", n > limit, spec::Severity::kMust,
                 n > limit ? "page holds " + std::to_string(n) + " items, the page size is " +
                                 std::to_string(limit)
                           : ""});
}

}  // namespace lpe::harness::internal
