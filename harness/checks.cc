// The check catalogue, targets, and the small value types of harness.h.
#include <algorithm>
#include <sstream>

#include "harness/harness.h"
#include "harness/internal/data_oracle.h"
#include "wire/text.h"

namespace lpe::harness {

std::string_view to_string(CheckFamily family) {
  switch (family) {
    case CheckFamily::kRequests:
      return "requests";
    case CheckFamily::kResponses:
      return "responses";
    case CheckFamily::kPagination:
      return "pagination";
    case CheckFamily::kAuth:
      return "auth";
  }
  return "requests";
}

const std::vector<CheckInfo>& all_checks() {
  static const std::vector<CheckInfo> checks = {
      {"positive_data_acceptance", "R4-R7", spec::Severity::kMust, CheckFamily::kRequests,
       "valid requests generated from the model get 200 and a valid page"},
      {"negative_data_rejection", "R6/R7", spec::Severity::kMust, CheckFamily::kRequests,
       "each labelled invalid request gets its 400 error type, never 2xx or 5xx"},
      {"validation_message", "R7", spec::Severity::kShould, CheckFamily::kRequests,
       "ValidationException messages name every violated member and constraint as R7 writes them, "
       "count them first and list the members in model order"},
      {"not_a_server_error", "R8", spec::Severity::kMust, CheckFamily::kRequests,
       "no request gets a 5xx, a dropped connection or a malformed HTTP response"},
      {"unknown_members_ignored", "R4/R5/R12", spec::Severity::kMust, CheckFamily::kRequests,
       "unknown members, optional nulls, duplicate keys and charset parameters are accepted"},
      {"implementation_limits", "R6", spec::Severity::kShould, CheckFamily::kRequests,
       "bodies whose handling R6 leaves to the implementation (nesting depth, huge numbers and "
       "lone surrogates inside unknown members) get 200 or their R6 error; which one is a note"},
      {"content_type", "R12", spec::Severity::kShould, CheckFamily::kRequests,
       "a non-JSON Content-Type gets 415, an unknown path 404, another method 405"},
      {"response_schema", "R9", spec::Severity::kMust, CheckFamily::kResponses,
       "success bodies match the output structure: required members, types, constraints"},
      {"error_shape", "R8", spec::Severity::kMust, CheckFamily::kResponses,
       "errors carry their model status, x-amzn-ErrorType (or code/__type) and a JSON object body "
       "(the operation's own errors: with the message member their model structure defines)"},
      {"timestamp_format", "R9", spec::Severity::kMust, CheckFamily::kResponses,
       "timestamps are RFC 3339 UTC date-times"},
      {"request_id_header", "R8", spec::Severity::kShould, CheckFamily::kResponses,
       "every response carries x-amzn-RequestId"},
      {"items_match_request", "R9", spec::Severity::kShould, CheckFamily::kResponses,
       "each item's members that echo the request (overlay echoesInput: an event's participantId) "
       "equal the values asked for"},
      {"page_size_bound", "R10", spec::Severity::kMust, CheckFamily::kPagination,
       "no page holds more items than the page size (or the model default when it is omitted)"},
      {"token_format", "R10", spec::Severity::kMust, CheckFamily::kPagination,
       "tokens match their pattern and length"},
      {"termination", "R10", spec::Severity::kMust, CheckFamily::kPagination,
       "a walk ends: no token is ever repeated, and the page count stays under the cap"},
      {"walk_consistency", "R10", spec::Severity::kMust, CheckFamily::kPagination,
       "walks with page sizes 1, 2, 7, 50, 100 and the default give the same items, no duplicates, "
       "no gaps"},
      {"token_replay", "R10", spec::Severity::kMust, CheckFamily::kPagination,
       "the same request with the same token gives the same page"},
      {"token_binding", "R10", spec::Severity::kMust, CheckFamily::kPagination,
       "a token used with another list scope (participant, session, stage: another target's value, "
       "or its own with the case or one character changed or one appended) gets 400 "
       "ValidationException"},
      {"token_tamper", "R10", spec::Severity::kMust, CheckFamily::kPagination,
       "flipped, truncated, extended and foreign forms of the first, middle and last token of the "
       "longest walk get 400 ValidationException, never 2xx or 5xx"},
      {"empty_token_is_first_page", "R10", spec::Severity::kShould, CheckFamily::kPagination,
       "an empty token gives the first page"},
      {"ignored_auth", "R13", spec::Severity::kMust, CheckFamily::kAuth,
       "unsigned, wrong-secret, unknown-key, stale and token-only requests get 403 with an auth "
       "error type"},
      // The data oracle: walks against the items the targets are declared to hold.
      {"expected_data", "R9/R10", spec::Severity::kMust, CheckFamily::kPagination,
       "every complete walk gives exactly the events declared for its target (--targets-file "
       "events, or the embedded dataset): count, order and content"},
  };
  return checks;
}

const CheckInfo* find_check(std::string_view name) {
  for (const auto& c : all_checks()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string Target::label() const {
  std::string out;
  for (const auto& v : scope_values) out += (out.empty() ? "" : ",") + v;
  return out;
}

namespace {

// Why `value` is not a valid value of `member`, in the R7 phrases of the validators' one engine
// (every violation, "; "-separated), or "" when it is valid.
std::string scope_value_problem(const spec::Member& member, const std::string& value) {
  std::string json;
  try {
    json = nlohmann::json(value).dump();
  } catch (const nlohmann::json::exception&) {
    return "the value is not valid UTF-8";
  }
  std::string out;
  for (const auto& issue :
       validators::check_value(member, json, validators::ValueMode::kData, member.name)) {
    out += (out.empty() ? "" : "; ") + issue.message;
  }
  return out;
}

// The declared items of a participant entry at `pointer` (its "events"), each checked against
// the item structure; null when the entry has none.
Result<std::shared_ptr<const std::vector<nlohmann::ordered_json>>> expected_items_of(
    const spec::OperationView& operation, const nlohmann::ordered_json& entry,
    const std::string& pointer, const std::string& file_name) {
  static constexpr const char* kItemsKey = "events";
  const auto events = entry.find(kItemsKey);
  if (events == entry.end()) return std::shared_ptr<const std::vector<nlohmann::ordered_json>>();
  const std::string at = file_name + ": at " + pointer + "/" + kItemsKey;
  if (!events->is_array()) return fail(at + ": expected an array of events");
  const spec::Shape* item = internal::item_shape_of(operation);
  if (item == nullptr) return fail(at + ": the operation's items are not structures");
  for (size_t i = 0; i < events->size(); ++i) {
    const std::string text =
        (*events)[i].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    for (const auto& issue :
         validators::check_structure_value(*item, text, validators::ValueMode::kData)) {
      if (issue.note || issue.should) continue;
      return fail(at + "/" + std::to_string(i) + issue.pointer + ": " + issue.message);
    }
  }
  return std::make_shared<const std::vector<nlohmann::ordered_json>>(events->begin(),
                                                                     events->end());
}

}  // namespace

Result<Target> parse_target(const spec::OperationView& operation, std::string_view text) {
  const auto& scope = operation.list_scope;
  if (scope.empty()) return fail("the operation has no list scope members");
  std::string names;
  for (const auto* m : scope) names += (names.empty() ? "" : ",") + m->name;
  const auto parts = wire::split(text, ',');
  Target t;
  t.scope_values.resize(scope.size());
  const bool named = text.find('=') != std::string_view::npos;
  if (named) {
    std::vector<bool> seen(scope.size(), false);
    for (const auto& part : parts) {
      const auto eq = part.find('=');
      if (eq == std::string_view::npos)
        return fail("--target '" + std::string(text) + "': mix of name=value and plain values");
      const std::string name(part.substr(0, eq));
      size_t i = 0;
      while (i < scope.size() && scope[i]->name != name) ++i;
      if (i == scope.size())
        return fail("--target: unknown member '" + name + "' (expected " + names + ")");
      if (seen[i]) return fail("--target: member '" + name + "' given twice");
      seen[i] = true;
      t.scope_values[i] = part.substr(eq + 1);
    }
    for (size_t i = 0; i < scope.size(); ++i) {
      if (!seen[i])
        return fail("--target: missing " + scope[i]->name + " (expected " + names + ")");
    }
  } else {
    if (parts.size() != scope.size()) {
      return fail("--target '" + std::string(text) + "': expected " + std::to_string(scope.size()) +
                  " comma-separated values (" + names + ")");
    }
    t.scope_values.assign(parts.begin(), parts.end());
  }
  for (size_t i = 0; i < scope.size(); ++i) {
    const std::string why = scope_value_problem(*scope[i], t.scope_values[i]);
    if (!why.empty()) return fail("--target value is not a valid " + scope[i]->name + ": " + why);
  }
  return t;
}

Result<std::vector<Target>> targets_from_dataset(const spec::OperationView& operation,
                                                 const nlohmann::ordered_json& dataset,
                                                 const std::string& file_name) {
  // Nesting of the `lpe mock --dump-data` format: stages[].arn > sessions[].id > participants[].id.
  static const char* kLevels[][2] = {{"stages", "arn"}, {"sessions", "id"}, {"participants", "id"}};
  if (operation.list_scope.size() != 3) {
    return fail("--targets-file needs an operation whose list scope has 3 members");
  }
  std::vector<Target> out;
  std::vector<std::string> values(3);
  std::string error;
  const std::function<void(const nlohmann::ordered_json&, size_t, const std::string&)> walk =
      [&](const nlohmann::ordered_json& node, size_t level, const std::string& ptr) {
        if (!error.empty()) return;
        const auto list = node.is_object() ? node.find(kLevels[level][0]) : node.end();
        if (list == node.end() || !list->is_array()) {
          error = file_name + ": at " + ptr + ": expected an array \"" + kLevels[level][0] + "\"";
          return;
        }
        for (size_t i = 0; i < list->size() && error.empty(); ++i) {
          const auto& item = (*list)[i];
          const std::string iptr = ptr + "/" + kLevels[level][0] + "/" + std::to_string(i);
          const auto id = item.is_object() ? item.find(kLevels[level][1]) : item.end();
          if (id == item.end() || !id->is_string()) {
            error =
                file_name + ": at " + iptr + ": expected a string \"" + kLevels[level][1] + "\"";
            return;
          }
          values[level] = id->get<std::string>();
          const std::string why = scope_value_problem(*operation.list_scope[level], values[level]);
          if (!why.empty()) {
            error = file_name + ": at " + iptr + "/" + kLevels[level][1] + ": not a valid " +
                    operation.list_scope[level]->name + ": " + why;
            return;
          }
          if (level == 2) {
            auto expected = expected_items_of(operation, item, iptr, file_name);
            if (!expected) {
              error = expected.error().message;
              return;
            }
            out.push_back(Target{values, std::move(*expected)});
            // The list's length, for the run plan (the items member, as the mock writes it).
            const auto* paginated =
                operation.operation->paginated ? &*operation.operation->paginated : nullptr;
            const auto items = paginated ? item.find(paginated->items) : item.end();
            if (items != item.end() && items->is_array()) out.back().known_items = items->size();
          } else {
            walk(item, level + 1, iptr);
          }
        }
      };
  walk(dataset, 0, "");
  if (!error.empty()) return fail(error);
  if (out.empty()) return fail(file_name + ": no participants");
  return out;
}

size_t RunResult::checks_ran() const {
  return static_cast<size_t>(
      std::count_if(tallies.begin(), tallies.end(), [](const CheckTally& t) { return t.ran; }));
}

int RunResult::exit_code(bool strict) const {
  if (!setup_error.empty()) return 2;
  const bool failed = std::any_of(findings.begin(), findings.end(), [&](const Finding& f) {
    return (f.level == spec::Severity::kMust || strict) && f.baseline != "known";
  });
  if (failed) return 1;
  return completed ? 0 : 2;
}

nlohmann::ordered_json Exchange::to_json() const {
  nlohmann::ordered_json out;
  out["request"] = {{"method", method}, {"path", path}};
  auto rh = nlohmann::ordered_json::object();
  for (const auto& [k, v] : request_headers) rh[k] = v;
  out["request"]["headers"] = rh;
  out["request"]["body"] = request_body;
  if (status == 0) {
    out["response"] = nullptr;
    out["transportError"] = transport_error;
    return out;
  }
  auto sh = nlohmann::ordered_json::object();
  for (const auto& [k, v] : response_headers) sh[k] = v;
  out["response"] = {{"status", status}, {"headers", sh}, {"body", response_body}};
  return out;
}

nlohmann::ordered_json Finding::to_json() const {
  nlohmann::ordered_json out = {{"id", id()},
                                {"check", check},
                                {"rule", rule},
                                {"level", level == spec::Severity::kMust ? "must" : "should"},
                                {"message", message}};
  if (!target.empty()) out["target"] = target;
  if (!subject.empty()) out["subject"] = subject;
  if (!baseline.empty()) out["baseline"] = baseline;
  out["exchange"] = exchange.to_json();
  if (!original_request_body.empty()) out["originalRequestBody"] = original_request_body;
  out["shrinkSteps"] = shrink_steps;
  out["reproduction"] = reproduction;
  return out;
}

}  // namespace lpe::harness
