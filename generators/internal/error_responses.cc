// Error responses: correct ones of the operation's declared and protocol errors, and broken ones
// labelled with the R8 rules a correct checker must report, which follow the order in which
// clients find an error's type (header, body `code`, body `__type`).
#include <algorithm>

#include <rapidcheck.h>

#include "generators/internal/response_state.h"

namespace lpe::generators::internal {

using spec::Rule;
using spec::ShapeType;
using wire::HttpResponse;

ErrorInfo error_info(const spec::Shape& shape) {
  ErrorInfo e;
  e.name = std::string(shape.name());
  e.id = shape.id;
  e.status = shape.http_error.value_or(shape.error && *shape.error == "server" ? 500 : 400);
  e.message_member = "message";
  // The first string member of the body (AWS's error shapes bind several members to headers).
  for (const auto& m : shape.members) {
    if (m.target != nullptr && m.target->type == ShapeType::kString &&
        m.binding == spec::HttpBinding::kBody) {
      e.message_member = m.name;
      break;
    }
  }
  return e;
}

namespace {

// The forms of an error type value clients resolve to the same name (R8).
std::string type_variant(const ErrorInfo& e) {
  switch (*choice({3, 1, 1})) {
    case 0:
      return e.name;
    case 1:
      return e.id;
    default:
      return e.name + ":http://internal.amazon.com/coral/com.amazon.coral.service/";
  }
}

std::string message_text() {
  static const std::vector<std::string> kMessages = {
      "The request failed.", "",
      "1 validation error detected: Value null at 'x' failed to satisfy constraint: Member must "
      "not be null",
      "Quote \" and backslash \\ and é中😀"};
  return kMessages[*index_below(kMessages.size())];
}

}  // namespace

HttpResponse draw_valid_error(const ResponseState& s) {
  const ErrorInfo& e = s.errors[*index_below(s.errors.size())];
  RawJson body = RawJson::object({{e.message_member, RawJson::string(message_text())}});
  if (*chance(1, 4)) body.members.emplace_back("__type", RawJson::string(e.id));
  HttpResponse r;
  r.status = e.status;
  r.headers = response_headers(true, true);
  r.headers.insert(
      r.headers.begin() + static_cast<std::ptrdiff_t>(*index_below(r.headers.size() + 1)),
      {*chance(1, 3) ? "X-Amzn-ErrorType" : "x-amzn-ErrorType", type_variant(e)});
  r.body = write(body, body_style());
  return r;
}

namespace {

// How an error response is broken: where its type is (if anywhere), what its body holds, and
// which of its status and headers are wrong.
struct ErrorBreaks {
  enum TypeMode { kHeader, kUnknownType, kBodyCode, kBodyType, kNoType };
  enum BodyMode { kWithMessage, kWithoutMessage, kNotObject };
  TypeMode type_mode = kHeader;
  BodyMode body_mode = kWithMessage;
  bool wrong_status = false;
  bool drop_request_id = false;
  bool bad_content_type = false;
};

ErrorBreaks draw_error_breaks() {
  ErrorBreaks b;
  b.type_mode = static_cast<ErrorBreaks::TypeMode>(*choice({3, 1, 1, 1, 1}));
  b.body_mode = static_cast<ErrorBreaks::BodyMode>(*choice({3, 1, 1}));
  b.wrong_status = *chance(1, 3);
  b.drop_request_id = *chance(1, 6);
  b.bad_content_type = *chance(1, 6);
  if (b.type_mode == ErrorBreaks::kHeader && b.body_mode == ErrorBreaks::kWithMessage &&
      !b.wrong_status && !b.drop_request_id && !b.bad_content_type) {
    b.wrong_status = true;  // something must be broken
  }
  return b;
}

// Not a status code at all: the only finding (nothing else is checked).
LabelledResponse invalid_status_error(const ErrorInfo& e) {
  LabelledResponse out;
  Rules rules;
  HttpResponse& r = out.response;
  static const std::vector<int> kInvalid = {0, 99, 600, 999};
  r.status = kInvalid[*index_below(kInvalid.size())];
  r.headers = response_headers(true, true);
  r.headers.emplace_back("x-amzn-ErrorType", e.name);
  r.body = write(RawJson::object({{e.message_member, RawJson::string(message_text())}}));
  rules.add(Rule::kR8Status, "status " + std::to_string(r.status) + " is not a status code");
  rules.label(out, "broken error");
  return out;
}

// The status: the error's own, or another error status that is not the success status either.
int error_status(const ResponseState& s, const ErrorInfo& e, bool wrong) {
  std::vector<int> statuses;
  for (int st : {400, 401, 403, 404, 409, 413, 429, 500, 502, 503, 504}) {
    if (st != e.status && st != s.success) statuses.push_back(st);
  }
  return wrong ? statuses[*index_below(statuses.size())] : e.status;
}

// The Content-Type and request id headers, either missing or (Content-Type) of another type.
void error_headers(const ErrorBreaks& b, HttpResponse& r, Rules& rules) {
  static const std::vector<std::string> kBadContentTypes = {
      "text/plain", "application/x-amz-json-1.1", "text/html; charset=utf-8"};
  r.headers = response_headers(!b.bad_content_type, !b.drop_request_id);
  if (b.bad_content_type && *chance(1, 2)) {
    r.headers.emplace_back("Content-Type", kBadContentTypes[*index_below(kBadContentTypes.size())]);
  }
  if (b.drop_request_id) rules.add(Rule::kR8RequestId, "no x-amzn-RequestId");
  if (b.bad_content_type) rules.add(Rule::kR8ContentType, "no application/json Content-Type");
}

// An error type name the operation does not have ("" when it has all the candidates).
std::string unknown_error_name(const ResponseState& s) {
  for (const char* candidate :
       {"ValidationError", "NoSuchThingException", "InternalFailure", "Throttling"}) {
    if (std::find(s.known_error_names.begin(), s.known_error_names.end(), candidate) ==
        s.known_error_names.end()) {
      return candidate;
    }
  }
  return "";
}

// The body: an object with or without its message (maybe of the wrong type) and maybe the type,
// or not a JSON object at all.
std::string error_body(const ErrorInfo& e, const ErrorBreaks& b, Rules& rules) {
  if (b.body_mode == ErrorBreaks::kNotObject) {
    static const std::vector<std::string> kNotObjects = {
        "", "oops", "[]", "\"bad\"", "<html></html>", "null", "{\"exceptionMessage\":"};
    rules.add(Rule::kR8Body, "the body is not a JSON object");
    return kNotObjects[*index_below(kNotObjects.size())];
  }
  RawJson body = RawJson::object();
  if (b.body_mode == ErrorBreaks::kWithMessage) {
    body.members.emplace_back(e.message_member, RawJson::string(message_text()));
  } else if (*chance(1, 2)) {
    body.members.emplace_back(e.message_member, RawJson::number("5"));  // not a string
  }
  if (b.type_mode == ErrorBreaks::kBodyCode) {
    body.members.emplace_back("code", RawJson::string(type_variant(e)));
  }
  if (b.type_mode == ErrorBreaks::kBodyType)
    body.members.emplace_back("__type", RawJson::string(e.id));
  return write(body, body_style());
}

// The R8 rules about the error's type, status and message, in the checker's order: the type from
// the header, else the body's code, else __type.
void error_type_rules(const ErrorInfo& e, const ErrorBreaks& b, int status,
                      const std::string& unknown, Rules& rules) {
  const bool body_object = b.body_mode != ErrorBreaks::kNotObject;
  const bool type_in_body = body_object && (b.type_mode == ErrorBreaks::kBodyCode ||
                                            b.type_mode == ErrorBreaks::kBodyType);
  if (b.type_mode == ErrorBreaks::kNoType ||
      ((b.type_mode == ErrorBreaks::kBodyCode || b.type_mode == ErrorBreaks::kBodyType) &&
       !type_in_body)) {
    rules.add(Rule::kR8ErrorType, "no error type anywhere");
    return;
  }
  if (type_in_body) rules.add(Rule::kR8ErrorTypeHeader, "error type only in the body");
  if (b.type_mode == ErrorBreaks::kUnknownType) {
    rules.add(Rule::kR8UnknownErrorType, "unknown error type " + unknown);
    return;
  }
  if (status != e.status) {
    rules.add(e.declared ? Rule::kR8Status : Rule::kR8ProtocolErrorStatus,
              "status " + std::to_string(status) + " for " + e.name);
  }
  if (b.body_mode == ErrorBreaks::kWithoutMessage) rules.add(Rule::kR8Message, "no message member");
}

}  // namespace

LabelledResponse draw_broken_error(const ResponseState& s) {
  const ErrorInfo& e = s.errors[*index_below(s.errors.size())];
  if (*chance(1, 12)) return invalid_status_error(e);
  ErrorBreaks breaks = draw_error_breaks();
  LabelledResponse out;
  Rules rules;
  HttpResponse& r = out.response;
  r.status = error_status(s, e, breaks.wrong_status);
  error_headers(breaks, r, rules);
  const std::string unknown = unknown_error_name(s);
  if (breaks.type_mode == ErrorBreaks::kUnknownType && unknown.empty()) {
    breaks.type_mode = ErrorBreaks::kHeader;
  }
  if (breaks.type_mode == ErrorBreaks::kHeader) {
    r.headers.emplace_back("x-amzn-ErrorType", type_variant(e));
  }
  if (breaks.type_mode == ErrorBreaks::kUnknownType) {
    r.headers.emplace_back("x-amzn-ErrorType", unknown);
  }
  r.body = error_body(e, breaks, rules);
  error_type_rules(e, breaks, r.status, unknown, rules);
  rules.label(out, "broken " + e.name + " error");
  return out;
}

}  // namespace lpe::generators::internal
