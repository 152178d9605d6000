#include <algorithm>

#include "validators/internal/json_tape.h"
#include "validators/internal/walker.h"
#include "validators/validators.h"
#include "wire/media_type.h"

namespace lpe::validators {
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

}  // namespace

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::kMust:
      return "must";
    case Severity::kShould:
      return "should";
    case Severity::kNote:
      return "note";
  }
  return "must";
}

nlohmann::ordered_json Finding::to_json() const {
  return {{"rule", rule},
          {"severity", std::string(to_string(severity))},
          {"path", path},
          {"message", message}};
}

bool has_failure(const std::vector<Finding>& findings, bool strict) {
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) {
    return f.severity == Severity::kMust || (strict && f.severity == Severity::kShould);
  });
}

wire::ResolvedErrorType resolve_error_type(const wire::HttpResponse& response) {
  if (const auto h = response.header("x-amzn-ErrorType");
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

ResponseChecker::ResponseChecker(std::shared_ptr<const spec::Model> model,
                                 spec::OperationView operation)
    : model_(std::move(model)), operation_(std::move(operation)) {}

std::vector<Finding> ResponseChecker::check(const wire::HttpResponse& response) const {
  std::vector<Finding> out;
  const int success = operation_.operation != nullptr && operation_.operation->http
                          ? operation_.operation->http->code
                          : 200;
  if (response.status < 100 || response.status > 599) {
    out.push_back(
        {"R8.status", Severity::kMust, "status",
         "HTTP status " + std::to_string(response.status) + " is not a valid status code"});
    return out;
  }
  if (!response.header("x-amzn-RequestId")) {
    out.push_back({"R8.request_id", Severity::kShould, "header:x-amzn-RequestId",
                   "no x-amzn-RequestId header (AWS endpoints send one on every response)"});
  }
  const auto content_type = response.header("Content-Type");
  const bool needs_body = response.status != 204;
  if (needs_body && (!content_type || !wire::is_json_media_type(*content_type))) {
    out.push_back({response.status == success ? "R9.content_type" : "R8.content_type",
                   Severity::kShould, "header:Content-Type",
                   content_type
                       ? "Content-Type is '" + std::string(content_type->substr(0, 80)) +
                             "', expected application/json"
                       : std::string("no Content-Type header, expected application/json")});
  }
  if (response.status == success) {
    check_success(response, out);
  } else if (response.status >= 200 && response.status < 300) {
    out.push_back({"R9.status", Severity::kMust, "status",
                   "success status " + std::to_string(response.status) + " but the model says " +
                       std::to_string(success)});
    check_success(response, out);
  } else {
    check_error(response, out);
  }
  return out;
}

void ResponseChecker::check_success(const wire::HttpResponse& response,
                                    std::vector<Finding>& out) const {
  thread_local internal::Tape tape;
  const std::string error = read_body(response.body, tape);
  if (!error.empty()) {
    out.push_back({"R9.json", Severity::kMust, "",
                   response.body.empty()
                       ? std::string("the success body is empty, expected a JSON object")
                       : "the success body is not valid JSON: " + error});
    return;
  }
  if (tape.nodes[0].kind != internal::NodeKind::kObject) {
    out.push_back({"R9.json", Severity::kMust, "", "the success body must be a JSON object"});
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
    Finding f;
    f.path = std::move(issue.pointer);
    f.message = std::move(issue.message);
    switch (issue.kind) {
      case internal::IssueKind::kTypeMismatch:
        f.rule = "R9.type";
        break;
      case internal::IssueKind::kConstraint:
        if (issue.constraint == ConstraintKind::kRequired) {
          f.rule = "R9.required";
          f.message = "required member '" + issue.member_path + "' is missing or null";
        } else {
          f.rule = f.path == token_pointer ? "R10.token_format" : "R9.constraint";
        }
        break;
      case internal::IssueKind::kUnknownMember:
        f.rule = "R9.unknown_member";
        f.severity = Severity::kNote;
        break;
      case internal::IssueKind::kUnknownEnumValue:
        f.rule = "R9.unknown_enum_value";
        f.severity = Severity::kNote;
        break;
      case internal::IssueKind::kNullOptional:
        f.rule = "R9.null_member";
        f.severity = Severity::kNote;
        break;
      case internal::IssueKind::kBadTimestamp:
        f.rule = "R9.timestamp_format";
        break;
      case internal::IssueKind::kPresentWhenExcluded:
        f.rule = "R9.presence";
        break;
      case internal::IssueKind::kAbsentWhenExpected:
        // AWS documents when each member is given; a missing one is not malformed (a should).
        f.rule = "R9.presence_expected";
        f.severity = Severity::kShould;
        break;
    }
    out.push_back(std::move(f));
  }
}

void ResponseChecker::check_error(const wire::HttpResponse& response,
                                  std::vector<Finding>& out) const {
  const auto type = resolve_error_type(response);
  thread_local internal::Tape tape;
  const std::string body_error = read_body(response.body, tape);
  const bool body_is_object =
      body_error.empty() && tape.nodes[0].kind == internal::NodeKind::kObject;
  if (!body_is_object) {
    out.push_back({"R8.body", Severity::kMust, "",
                   body_error.empty() ? std::string("the error body must be a JSON object")
                   : response.body.empty()
                       ? std::string("the error body is empty, expected a JSON object")
                       : "the error body is not valid JSON: " + body_error});
  }
  if (type.source == wire::ErrorTypeSource::kNone) {
    out.push_back({"R8.error_type", Severity::kMust, "header:x-amzn-ErrorType",
                   "the error response names no error type (no x-amzn-ErrorType header, no code or "
                   "__type in the body)"});
    return;
  }
  if (type.source != wire::ErrorTypeSource::kHeader) {
    out.push_back({"R8.error_type_header", Severity::kShould, "header:x-amzn-ErrorType",
                   "no x-amzn-ErrorType header; the type '" + type.name +
                       "' came from the body's " +
                       (type.source == wire::ErrorTypeSource::kBodyCode ? "code" : "__type")});
  }
  const spec::Shape* shape = operation_.find_error(type.name);
  if (shape == nullptr) {
    out.push_back({"R8.unknown_error_type", Severity::kShould, "header:x-amzn-ErrorType",
                   "error type '" + type.name +
                       "' is neither declared by the model nor an AWS protocol error"});
    return;
  }
  if (shape->http_error && *shape->http_error != response.status) {
    // The operation's own errors have their status in AWS's model (a must); the protocol errors'
    // statuses are what AWS endpoints usually answer (ThrottlingException comes as 400 or 429),
    // written by us, so a difference is a should (R14).
    const bool declared =
        std::find(operation_.declared_errors.begin(), operation_.declared_errors.end(), shape) !=
        operation_.declared_errors.end();
    out.push_back({declared ? "R8.status" : "R8.protocol_error_status",
                   declared ? Severity::kMust : Severity::kShould, "status",
                   "status " + std::to_string(response.status) + " for " + type.name +
                       (declared ? ", the model says " : ", AWS endpoints usually answer ") +
                       std::to_string(*shape->http_error)});
  }
  if (!body_is_object) return;
  // A human message: the string member the model declares (exceptionMessage for the service's
  // errors), or one of the names SDKs read (`message`, `Message`).
  std::vector<std::string> names = {"exceptionMessage", "message", "Message"};
  for (const auto& m : shape->members) {
    if (m.target->type == spec::ShapeType::kString && m.binding == spec::HttpBinding::kBody) {
      names.push_back(m.name);
    }
  }
  const bool has_message = std::any_of(names.begin(), names.end(), [&](const std::string& n) {
    return root_string(tape, n).has_value();
  });
  if (!has_message) {
    out.push_back({"R8.message", Severity::kShould, "/exceptionMessage",
                   "the " + type.name + " body has no message member (exceptionMessage)"});
  }
}

}  // namespace lpe::validators
