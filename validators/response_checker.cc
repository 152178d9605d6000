#include <algorithm>
#include <cctype>
#include <charconv>

#include "validators/internal/json_tape.h"
#include "validators/internal/walker.h"
#include "validators/validators.h"

namespace lpe::validators {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

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

bool is_json_media_type(std::string_view content_type) {
  const auto semi = content_type.find(';');
  return iequals(trim(content_type.substr(0, semi)), "application/json");
}

std::optional<std::string_view> HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::variant<HttpResponse, std::string> parse_http_response(std::string_view raw) {
  constexpr size_t kMaxHeaders = 1000;
  HttpResponse out;
  size_t pos = 0;
  size_t line_no = 0;
  const auto next_line = [&](std::string_view& line) {
    if (pos >= raw.size()) return false;
    const auto nl = raw.find('\n', pos);
    const size_t end = nl == std::string_view::npos ? raw.size() : nl;
    line = raw.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = nl == std::string_view::npos ? raw.size() : nl + 1;
    ++line_no;
    return true;
  };
  std::string_view line;
  if (!next_line(line))
    return std::string("line 1: empty input, expected a status line 'HTTP/1.1 200 OK'");
  if (line.substr(0, 7) != "HTTP/1." && line.substr(0, 6) != "HTTP/2") {
    return "line 1: expected a status line starting with 'HTTP/1.1', got '" +
           std::string(line.substr(0, 40)) + "'";
  }
  const auto sp = line.find(' ');
  int status = 0;
  const auto code = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1, 3);
  const auto [ptr, ec] = std::from_chars(code.data(), code.data() + code.size(), status);
  if (code.size() != 3 || ec != std::errc() || ptr != code.data() + 3 || status < 100 ||
      status > 599) {
    return std::string("line 1: expected a 3-digit status code after the HTTP version");
  }
  out.status = status;
  bool ended = false;
  while (next_line(line)) {
    if (line.empty()) {
      ended = true;
      break;
    }
    if (out.headers.size() >= kMaxHeaders) return std::string("more than 1000 header lines");
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return "line " + std::to_string(line_no) + ": expected a header 'Name: value', got '" +
             std::string(line.substr(0, 60)) + "'";
    }
    out.headers.emplace_back(std::string(trim(line.substr(0, colon))),
                             std::string(trim(line.substr(colon + 1))));
  }
  if (!ended) return std::string("no blank line after the headers");
  std::string_view body = raw.substr(pos);
  if (const auto te = out.header("Transfer-Encoding"); te && iequals(trim(*te), "chunked")) {
    std::string decoded;
    size_t p = 0;
    while (true) {
      const auto nl = body.find('\n', p);
      if (nl == std::string_view::npos) return std::string("chunked body: missing chunk size line");
      std::string_view size_line = trim(body.substr(p, nl - p));
      size_line = size_line.substr(0, size_line.find(';'));
      size_t size = 0;
      const auto [sp2, ec2] =
          std::from_chars(size_line.data(), size_line.data() + size_line.size(), size, 16);
      if (ec2 != std::errc() || sp2 != size_line.data() + size_line.size()) {
        return std::string("chunked body: bad chunk size '" + std::string(size_line.substr(0, 20)) +
                           "'");
      }
      p = nl + 1;
      if (size == 0) break;
      if (size > body.size() - p) return std::string("chunked body: chunk longer than the data");
      decoded.append(body.substr(p, size));
      p += size;
      if (p < body.size() && body[p] == '\r') ++p;
      if (p < body.size() && body[p] == '\n') ++p;
    }
    out.body = std::move(decoded);
    return out;
  }
  if (const auto cl = out.header("Content-Length")) {
    const std::string_view v = trim(*cl);
    size_t length = 0;
    const auto [lp, lec] = std::from_chars(v.data(), v.data() + v.size(), length);
    if (lec != std::errc() || lp != v.data() + v.size()) {
      return "Content-Length '" + std::string(v.substr(0, 20)) + "' is not a number";
    }
    if (length > body.size()) {
      return "Content-Length says " + std::to_string(length) + " bytes, the body has " +
             std::to_string(body.size());
    }
    body = body.substr(0, length);
  }
  out.body = std::string(body);
  return out;
}

wire::ResolvedErrorType resolve_error_type(const HttpResponse& response) {
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

std::vector<Finding> ResponseChecker::check(const HttpResponse& response) const {
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
  if (needs_body && (!content_type || !is_json_media_type(*content_type))) {
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

void ResponseChecker::check_success(const HttpResponse& response, std::vector<Finding>& out) const {
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

void ResponseChecker::check_error(const HttpResponse& response, std::vector<Finding>& out) const {
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
