#include <algorithm>

#include "validators/internal/json_tape.h"
#include "validators/internal/walker.h"
#include "validators/validators.h"
#include "wire/media_type.h"

namespace lpe::validators {

using spec::Rule;
using spec::Severity;

namespace {

// Reads the body into the thread's tape; empty string on success.
std::string read_body(std::string_view body, internal::Tape& tape) {
  return internal::read_json_fast(body, kMaxJsonDepth, tape);
}

// The string member `name` of the root object, if the body is a JSON object holding one.
std::optional<std::string> root_string(const internal::Tape& tape, std::string_view name) {
  if (tape.nodes.empty() || tape.nodes[0].kind != internal::NodeKind::kObject) return std::nullopt;
  std::optional<std::string> found;
  uint32_t child = 1;
  for (uint32_t i = 0; i < tape.nodes[0].size; ++i) {
    const auto& key = tape.nodes[child];
    const auto& value = tape.nodes[child + 1];
    if (tape.text(key) == name && value.kind == internal::NodeKind::kString) {
      found = std::string(tape.text(value));
    }
    child = value.end;
  }
  return found;
}

// The rule an issue the walker found in a success body breaks, and how much that matters.
// `at_token`: the issue is about the output token.
std::pair<Rule, Severity> classify(const internal::Issue& issue, bool at_token) {
  switch (issue.kind) {
    case internal::IssueKind::kTypeMismatch:
      return {Rule::kR9Type, Severity::kMust};
    case internal::IssueKind::kConstraint:
      if (issue.constraint == ConstraintKind::kRequired)
        return {Rule::kR9Required, Severity::kMust};
      return {at_token ? Rule::kR10TokenFormat : Rule::kR9Constraint, Severity::kMust};
    case internal::IssueKind::kUnknownMember:
      return {Rule::kR9UnknownMember, Severity::kNote};
    case internal::IssueKind::kUnknownEnumValue:
      return {Rule::kR9UnknownEnumValue, Severity::kNote};
    case internal::IssueKind::kNullOptional:
      return {Rule::kR9NullMember, Severity::kNote};
    case internal::IssueKind::kBadTimestamp:
      return {Rule::kR9TimestampFormat, Severity::kMust};
    case internal::IssueKind::kPresentWhenExcluded:
      return {Rule::kR9Presence, Severity::kMust};
    case internal::IssueKind::kAbsentWhenExpected:
      // AWS documents when each member is given; a missing one is not malformed (a should).
      return {Rule::kR9PresenceExpected, Severity::kShould};
  }
  return {Rule::kR9Type, Severity::kMust};
}

// The message member of an error body (a JSON object already read into `tape`): a must for an
// error the operation declares in AWS's model (`declared`), a should for the others.
void check_error_message(const spec::Shape& shape, bool declared, const std::string& type_name,
                         const internal::Tape& tape, std::vector<Diagnostic>& out) {
  // The string body members the model's error structure defines (exceptionMessage for the
  // service's errors).
  std::vector<std::string> model_names;
  for (const auto& m : shape.members) {
    if (m.target->type == spec::ShapeType::kString && m.binding == spec::HttpBinding::kBody) {
      model_names.push_back(m.name);
    }
  }
  const auto has_any = [&](const std::vector<std::string>& names) {
    return std::any_of(names.begin(), names.end(),
                       [&](const std::string& n) { return root_string(tape, n).has_value(); });
  };
  const std::string wanted = model_names.empty() ? "exceptionMessage" : model_names.front();
  if (declared && !model_names.empty()) {
    // R8 and AWS's model: the body carries the structure's message member.
    if (!has_any(model_names)) {
      out.push_back({Rule::kR8Message, Severity::kMust, "/" + wanted,
                     "the " + type_name + " body has no " + wanted +
                         " member (a string), which the model's " + type_name + " defines"});
    }
    return;
  }
  // Other errors: the model's member or one of the names SDKs read (`message`, `Message`).
  std::vector<std::string> names = {"exceptionMessage", "message", "Message"};
  names.insert(names.end(), model_names.begin(), model_names.end());
  if (!has_any(names)) {
    out.push_back({Rule::kR8Message, Severity::kShould, "/exceptionMessage",
                   "the " + type_name + " body has no message member (exceptionMessage)"});
  }
}

}  // namespace

nlohmann::ordered_json Diagnostic::to_json() const {
  return {{"rule", std::string(spec::to_string(rule))},
          {"severity", std::string(spec::to_string(severity))},
          {"path", path},
          {"message", message}};
}

bool has_failure(const std::vector<Diagnostic>& diagnostics, bool strict) {
  return std::any_of(diagnostics.begin(), diagnostics.end(), [&](const Diagnostic& d) {
    return d.severity == Severity::kMust || (strict && d.severity == Severity::kShould);
  });
}

wire::ResolvedErrorType resolve_error_type(const wire::HttpResponse& response) {
  if (const auto h = response.header(wire::kErrorTypeHeader);
      h && !wire::sanitize_error_type(*h).empty()) {
    return {wire::sanitize_error_type(*h), wire::ErrorTypeSource::kHeader};
  }
  thread_local internal::Tape tape;
  if (!read_body(response.body, tape).empty()) return {};
  if (const auto code = root_string(tape, "code");
      code && !wire::sanitize_error_type(*code).empty()) {
    return {wire::sanitize_error_type(*code), wire::ErrorTypeSource::kBodyCode};
  }
  if (const auto type = root_string(tape, "__type");
      type && !wire::sanitize_error_type(*type).empty()) {
    return {wire::sanitize_error_type(*type), wire::ErrorTypeSource::kBodyType};
  }
  return {};
}

std::optional<PageView> read_page(std::string_view body, std::string_view items_member,
                                  std::string_view token_member) {
  thread_local internal::Tape tape;
  if (!read_body(body, tape).empty() || tape.nodes[0].kind != internal::NodeKind::kObject)
    return std::nullopt;
  PageView page;
  uint32_t child = 1;
  for (uint32_t i = 0; i < tape.nodes[0].size; ++i) {
    const std::string_view key = tape.text(tape.nodes[child]);
    const uint32_t value = child + 1;
    const auto& v = tape.nodes[value];
    if (key == items_member) {
      page.items.clear();
      page.items_present = v.kind == internal::NodeKind::kArray;
      if (page.items_present) {
        uint32_t item = value + 1;
        for (uint32_t k = 0; k < v.size; ++k) {
          const auto& n = tape.nodes[item];
          if (n.kind == internal::NodeKind::kObject || n.kind == internal::NodeKind::kArray) {
            page.items.emplace_back(body.substr(n.text_offset, n.text_length));
          } else if (n.kind == internal::NodeKind::kString) {
            page.items.push_back("\"" + std::string(tape.text(n)) + "\"");
          } else {
            page.items.emplace_back(n.kind == internal::NodeKind::kNumber
                                        ? std::string(tape.text(n))
                                    : n.kind == internal::NodeKind::kTrue  ? "true"
                                    : n.kind == internal::NodeKind::kFalse ? "false"
                                                                           : "null");
          }
          item = n.end;
        }
      }
    } else if (key == token_member) {
      page.token.reset();
      if (v.kind == internal::NodeKind::kString) page.token = std::string(tape.text(v));
    }
    child = v.end;
  }
  return page;
}

namespace {

// The node at `index` as a JSON value (containers and numbers through their text as sent).
nlohmann::ordered_json node_value(const internal::Tape& tape, std::string_view body,
                                  uint32_t index) {
  using Json = nlohmann::ordered_json;
  const auto& n = tape.nodes[index];
  switch (n.kind) {
    case internal::NodeKind::kNull:
      return nullptr;
    case internal::NodeKind::kFalse:
      return false;
    case internal::NodeKind::kTrue:
      return true;
    case internal::NodeKind::kString:
      return std::string(tape.text(n));
    case internal::NodeKind::kNumber:
      if (n.fits_int64) return n.int_value;
      return Json::parse(tape.text(n), nullptr, false);
    case internal::NodeKind::kArray:
    case internal::NodeKind::kObject:
      return Json::parse(body.substr(n.text_offset, n.text_length), nullptr, false);
  }
  return nullptr;
}

}  // namespace

std::optional<nlohmann::ordered_json> object_members(std::string_view body,
                                                     const std::vector<std::string>& names) {
  thread_local internal::Tape tape;
  if (!read_body(body, tape).empty() || tape.nodes[0].kind != internal::NodeKind::kObject)
    return std::nullopt;
  auto out = nlohmann::ordered_json::object();
  uint32_t child = 1;
  for (uint32_t i = 0; i < tape.nodes[0].size; ++i) {
    const std::string_view key = tape.text(tape.nodes[child]);
    if (std::find(names.begin(), names.end(), key) != names.end())
      out[std::string(key)] = node_value(tape, body, child + 1);
    child = tape.nodes[child + 1].end;
  }
  return out;
}

std::optional<std::vector<std::optional<nlohmann::ordered_json>>> item_members(
    std::string_view body, std::string_view items_member, std::string_view member) {
  std::optional<std::vector<std::optional<nlohmann::ordered_json>>> out;
  thread_local internal::Tape tape;
  if (!read_body(body, tape).empty() || tape.nodes[0].kind != internal::NodeKind::kObject)
    return out;
  uint32_t child = 1;
  for (uint32_t i = 0; i < tape.nodes[0].size; ++i) {
    const uint32_t value = child + 1;
    const auto& v = tape.nodes[value];
    if (tape.text(tape.nodes[child]) == items_member) {
      out.reset();  // duplicate keys: the last one wins, as in every other reader here
    }
    if (tape.text(tape.nodes[child]) == items_member && v.kind == internal::NodeKind::kArray) {
      out.emplace();
      uint32_t item = value + 1;
      for (uint32_t k = 0; k < v.size; ++k) {
        const auto& n = tape.nodes[item];
        std::optional<nlohmann::ordered_json> found;
        if (n.kind == internal::NodeKind::kObject) {
          uint32_t key = item + 1;
          for (uint32_t m = 0; m < n.size; ++m) {
            if (tape.text(tape.nodes[key]) == member) found = node_value(tape, body, key + 1);
            key = tape.nodes[key + 1].end;
          }
        }
        out->push_back(std::move(found));
        item = n.end;
      }
    }
    child = v.end;
  }
  return out;
}

ResponseChecker::ResponseChecker(std::shared_ptr<const spec::Model> model,
                                 spec::OperationView operation)
    : model_(std::move(model)), operation_(std::move(operation)) {}

std::vector<Diagnostic> ResponseChecker::check(const wire::HttpResponse& response) const {
  std::vector<Diagnostic> out;
  const int success = operation_.operation != nullptr && operation_.operation->http
                          ? operation_.operation->http->code
                          : 200;
  if (response.status < 100 || response.status > 599) {
    out.push_back(
        {Rule::kR8Status, Severity::kMust, "status",
         "HTTP status " + std::to_string(response.status) + " is not a valid status code"});
    return out;
  }
  if (!response.header(wire::kRequestIdHeader)) {
    out.push_back({Rule::kR8RequestId, Severity::kShould, "header:x-amzn-RequestId",
                   "no x-amzn-RequestId header (AWS endpoints send one on every response)"});
  }
  const auto content_type = response.header("Content-Type");
  const bool needs_body = response.status != 204;
  if (needs_body && (!content_type || !wire::is_json_media_type(*content_type))) {
    out.push_back({response.status == success ? Rule::kR9ContentType : Rule::kR8ContentType,
                   Severity::kShould, "header:Content-Type",
                   content_type
                       ? "Content-Type is '" + std::string(content_type->substr(0, 80)) +
                             "', expected application/json"
                       : std::string("no Content-Type header, expected application/json")});
  }
  if (response.status == success) {
    check_success(response, out);
  } else if (response.status >= 200 && response.status < 300) {
    out.push_back({Rule::kR9Status, Severity::kMust, "status",
                   "success status " + std::to_string(response.status) + " but the model says " +
                       std::to_string(success)});
    check_success(response, out);
  } else {
    check_error(response, out);
  }
  return out;
}

void ResponseChecker::check_success(const wire::HttpResponse& response,
                                    std::vector<Diagnostic>& out) const {
  thread_local internal::Tape tape;
  const std::string error = read_body(response.body, tape);
  if (!error.empty()) {
    out.push_back({Rule::kR9Json, Severity::kMust, "",
                   response.body.empty()
                       ? std::string("the success body is empty, expected a JSON object")
                       : "the success body is not valid JSON: " + error});
    return;
  }
  if (tape.nodes[0].kind != internal::NodeKind::kObject) {
    out.push_back({Rule::kR9Json, Severity::kMust, "", "the success body must be a JSON object"});
    return;
  }
  if (operation_.output == nullptr) return;
  internal::IssueList issues;
  internal::WalkOptions options;
  options.mode = ValueMode::kResponse;
  internal::walk_structure(tape, 0, *operation_.output, options, issues);
  const std::string token_pointer =
      operation_.operation->paginated ? "/" + operation_.operation->paginated->output_token : "";
  for (auto& issue : issues) {
    const auto [rule, severity] = classify(issue, issue.pointer == token_pointer);
    std::string message = rule == Rule::kR9Required
                              ? "required member '" + issue.member_path + "' is missing or null"
                              : std::move(issue.message);
    out.push_back({rule, severity, std::move(issue.pointer), std::move(message)});
  }
}

void ResponseChecker::check_error(const wire::HttpResponse& response,
                                  std::vector<Diagnostic>& out) const {
  const auto type = resolve_error_type(response);
  const spec::Shape* shape =
      type.source == wire::ErrorTypeSource::kNone ? nullptr : operation_.find_error(type.name);
  // An error AWS's model declares for the operation: R8 and the model define its body.
  const bool declared = shape != nullptr && std::find(operation_.declared_errors.begin(),
                                                      operation_.declared_errors.end(),
                                                      shape) != operation_.declared_errors.end();
  thread_local internal::Tape tape;
  const std::string body_error = read_body(response.body, tape);
  const bool body_is_object =
      body_error.empty() && tape.nodes[0].kind == internal::NodeKind::kObject;
  if (!body_is_object) {
    // Any body announced as JSON must be a JSON object; for another error in another media type
    // the Content-Type finding (a should) says what is wrong.
    const auto content_type = response.header("Content-Type");
    const bool announced_json = content_type && wire::is_json_media_type(*content_type);
    out.push_back(
        {Rule::kR8Body, declared || announced_json ? Severity::kMust : Severity::kShould, "",
         body_error.empty()      ? std::string("the error body must be a JSON object")
         : response.body.empty() ? std::string("the error body is empty, expected a JSON object")
                                 : "the error body is not valid JSON: " + body_error});
  }
  if (type.source == wire::ErrorTypeSource::kNone) {
    out.push_back({Rule::kR8ErrorType, Severity::kMust, "header:x-amzn-ErrorType",
                   "the error response names no error type (no x-amzn-ErrorType header, no code or "
                   "__type in the body)"});
    return;
  }
  if (type.source != wire::ErrorTypeSource::kHeader) {
    out.push_back({Rule::kR8ErrorTypeHeader, Severity::kShould, "header:x-amzn-ErrorType",
                   "no x-amzn-ErrorType header; the type '" + type.name +
                       "' came from the body's " +
                       (type.source == wire::ErrorTypeSource::kBodyCode ? "code" : "__type")});
  }
  if (shape == nullptr) {
    out.push_back({Rule::kR8UnknownErrorType, Severity::kShould, "header:x-amzn-ErrorType",
                   "error type '" + type.name +
                       "' is neither declared by the model nor an AWS protocol error"});
    return;
  }
  if (shape->http_error && *shape->http_error != response.status) {
    // The operation's own errors have their status in AWS's model (a must); the protocol errors'
    // statuses are what AWS endpoints usually answer (ThrottlingException comes as 400 or 429),
    // written by us, so a difference is a should (R14).
    out.push_back({declared ? Rule::kR8Status : Rule::kR8ProtocolErrorStatus,
                   declared ? Severity::kMust : Severity::kShould, "status",
                   "status " + std::to_string(response.status) + " for " + type.name +
                       (declared ? ", the model says " : ", AWS endpoints usually answer ") +
                       std::to_string(*shape->http_error)});
  }
  if (body_is_object) check_error_message(*shape, declared, type.name, tape, out);
}

}  // namespace lpe::validators
