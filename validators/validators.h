// Request and response validation derived from the model. Errors are values: nothing here throws,
// nothing stops at the first violation, and the same input always gives the same verdict.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "spec/rules.h"
#include "spec/spec.h"
#include "wire/error_type.h"
#include "wire/http.h"

namespace lpe::validators {

// The kind of constraint a violation breaks (R4 required, R2 length, R1 pattern, R3 range, enum).
enum class ConstraintKind { kRequired, kLength, kPattern, kRange, kEnum };

// "required", "length", "pattern", "range", "enum".
std::string_view to_string(ConstraintKind kind);

// One broken constraint of one member, with its AWS-style message (R7).
struct Violation {
  std::string path;    // JSON pointer into the request body, e.g. "/maxResults"
  std::string member;  // the member path AWS messages use, e.g. "maxResults" or "a.b.0"
  ConstraintKind constraint = ConstraintKind::kRequired;
  std::string message;  // "Value '0' at 'maxResults' failed to satisfy constraint: ..."
  friend bool operator==(const Violation&, const Violation&) = default;
};

// How a value is judged (the one constraint engine serves all three):
// - request: R4-R7 (unknown members ignored, unknown enum values are violations);
// - response: R9 (unknown members and enum values are notes, presence rules checked);
// - data: fixture files and --target values (anything the model does not define is an error,
//   presence rules checked).
enum class ValueMode { kRequest, kResponse, kData };

// One problem with a value checked by check_value / check_structure_value.
struct ValueIssue {
  std::string pointer;  // JSON pointer into the value
  std::string message;  // "Value 'x' at 'events.0.name' failed to satisfy constraint: ..."
  bool note = false;    // response mode: unknown members/enum values, optional nulls (R9)
  bool should = false;  // response mode: an expected member is absent (presence rules)
};

// `json_text` checked as a value of `member` (its target shape and effective constraints), by
// the walker that validates requests and responses; `member_path` names it in messages. A text
// that is not JSON is one issue saying why.
std::vector<ValueIssue> check_value(const spec::Member& member, std::string_view json_text,
                                    ValueMode mode, std::string_view member_path = {});
// `json_text` checked as a value of structure `shape`.
std::vector<ValueIssue> check_structure_value(const spec::Shape& shape, std::string_view json_text,
                                              ValueMode mode);

// What the endpoint must answer to a request body.
enum class Outcome { kAccepted, kSerializationError, kValidationError };

// The verdict on one request body. Status and error type come from the model's error shapes.
struct RequestVerdict {
  Outcome outcome = Outcome::kAccepted;
  int status = 200;
  // "", "SerializationException" or "ValidationException" (static text: no allocation per verdict)
  std::string_view error_type;
  std::string message;  // the complete exception message (R6 reason or R7 list)
  std::vector<Violation> violations;
  // When accepted: the members the model knows, in model order, nulls dropped, last duplicate kept.
  nlohmann::ordered_json decoded;

  bool accepted() const { return outcome == Outcome::kAccepted; }
  // The `lpe validate request` JSON form.
  nlohmann::ordered_json to_json() const;
};

// Which JSON reader decodes the body: the byte-level one (fast, default) or nlohmann's (the DOM
// path). Both feed the same constraint checks; tests and properties prove their verdicts agree.
enum class JsonReader { kFast, kNlohmann };

// Nesting deeper than this is a SerializationException (no stack overflow on hostile input).
inline constexpr int kMaxJsonDepth = 128;

// Validates request bodies of one operation (R1-R7). Thread-safe.
class RequestValidator {
 public:
  RequestValidator(std::shared_ptr<const spec::Model> model, spec::OperationView operation);

  // The verdict on `body`. `decode` = false skips building `decoded` (hot paths, benchmarks).
  RequestVerdict validate(std::string_view body, JsonReader reader = JsonReader::kFast,
                          bool decode = true) const;
  // The same verdict, written into `out` and reusing its memory: a caller that validates many
  // bodies (a server worker, a benchmark) keeps one verdict and allocates nothing per body once
  // its strings have grown.
  void validate_into(std::string_view body, RequestVerdict& out,
                     JsonReader reader = JsonReader::kFast, bool decode = true) const;

  const spec::OperationView& operation() const { return operation_; }

 private:
  std::shared_ptr<const spec::Model> model_;
  spec::OperationView operation_;
  int serialization_status_ = 400;
  int validation_status_ = 400;
};

// One thing a response checker observed about a response: the rule it breaks, how much that
// matters (a note merely informs), where and why.
struct Diagnostic {
  spec::Rule rule;  // R-number with a finer name, e.g. R9.required
  spec::Severity severity = spec::Severity::kMust;
  std::string path;  // JSON pointer into the body, or "header:<name>" / "status"
  std::string message;
  nlohmann::ordered_json to_json() const;
  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

// The error type of an error response, in the R8 order: `x-amzn-ErrorType`, then body `code`,
// then body `__type`, sanitized as SDKs do. Here rather than in wire/ because reading the body
// takes this library's bounded JSON reader.
wire::ResolvedErrorType resolve_error_type(const wire::HttpResponse& response);

// Checks responses of one operation against the model (R8 error shape, R9 success shape).
class ResponseChecker {
 public:
  ResponseChecker(std::shared_ptr<const spec::Model> model, spec::OperationView operation);

  // Every diagnostic about `response`; empty when it is a correct response.
  std::vector<Diagnostic> check(const wire::HttpResponse& response) const;

  const spec::OperationView& operation() const { return operation_; }

 private:
  void check_success(const wire::HttpResponse& response, std::vector<Diagnostic>& out) const;
  void check_error(const wire::HttpResponse& response, std::vector<Diagnostic>& out) const;

  std::shared_ptr<const spec::Model> model_;
  spec::OperationView operation_;
};

// The parts of a success page a pagination walk needs, read with the fast reader: each item's
// JSON text as sent, and the output token.
struct PageView {
  std::vector<std::string> items;    // each item's JSON text (scalars: their text, strings quoted)
  bool items_present = false;        // the items member exists and is an array
  std::optional<std::string> token;  // the token member when it is a string (possibly "")
};

// Reads `body` as a page; nullopt when it is not a JSON object.
std::optional<PageView> read_page(std::string_view body, std::string_view items_member,
                                  std::string_view token_member);

// The members `names` of `body` (the last of duplicate keys), as one JSON object without the
// others; nullopt when `body` is not a JSON object. Read with the fast reader: a request with a
// long token costs no document.
std::optional<nlohmann::ordered_json> object_members(std::string_view body,
                                                     const std::vector<std::string>& names);

// The value of member `member` in each item of `body`'s `items_member` array, in item order:
// nullopt for an item that is not an object or has no such member; nullopt as a whole when
// `body` is not a JSON object with that array. One pass of the fast reader; only the members
// asked for become JSON values, so a page of a hundred items costs no document of them all.
std::optional<std::vector<std::optional<nlohmann::ordered_json>>> item_members(
    std::string_view body, std::string_view items_member, std::string_view member);

// True when any diagnostic has severity `must` (or `should` when `strict`).
bool has_failure(const std::vector<Diagnostic>& diagnostics, bool strict = false);

}  // namespace lpe::validators
