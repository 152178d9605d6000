// RapidCheck generators derived from the model: valid requests, labelled invalid requests (each
// draw carries the outcome it must produce), valid and labelled broken responses. Nothing here
// names a member of any particular operation; everything is read from spec::OperationView.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <rapidcheck/Gen.h>
#include <nlohmann/json.hpp>

#include "generators/pattern.h"
#include "spec/rules.h"
#include "spec/spec.h"
#include "validators/validators.h"

namespace lpe::generators {

// One violation an invalid request must produce (R7), by member path and constraint kind.
struct ExpectedViolation {
  std::string member;  // dotted member path as in R7 messages, e.g. "maxResults"
  validators::ConstraintKind constraint = validators::ConstraintKind::kRequired;
  friend bool operator==(const ExpectedViolation&, const ExpectedViolation&) = default;
};

// What an endpoint must answer to a request.
struct ExpectedOutcome {
  validators::Outcome outcome = validators::Outcome::kAccepted;
  int status = 200;
  std::string error_type;  // "", "SerializationException", "ValidationException", ...
  // Validation errors only: every violation, in the order R7 reports them (model member order,
  // then length, pattern, enum, range within a member).
  std::vector<ExpectedViolation> violations;
  // Validation errors only: the exact R7 message ("2 validation errors detected: Value ...; ..."),
  // assembled from the labels and the drawn values. Empty otherwise (R6 reasons are free-form).
  std::string message;
  // Accepted requests only: the input the endpoint must act on (model order, optional nulls and
  // unknown members dropped, the last of duplicate keys kept), as RequestVerdict::decoded.
  std::optional<nlohmann::ordered_json> decoded;
};

// A request as sent: raw body bytes (possibly not JSON, possibly not UTF-8), its Content-Type,
// the outcome it must produce, and a short description for reports ("length above max at x").
struct LabelledRequest {
  std::string body;
  std::string content_type = "application/json";
  ExpectedOutcome expected;
  std::string description;
  // Non-empty when R6 leaves the outcome to the implementation: nesting depth, the range of
  // numbers and lone surrogate escapes inside a member the operation does not define. `expected`
  // is what our validator answers; an endpoint may equally accept the request (200). The text
  // says why, for reports.
  std::string implementation_defined;
};

// One case of the coverage phase: a single constraint boundary, wrong JSON type, absent or null
// member, excluded pattern character or whole-body form, alone in an otherwise valid request, so
// that the outcome it must produce is exact.
struct CoverageCase {
  std::string member;       // the input member it concerns; "" for whole-body cases
  std::string constraint;   // "body", "required", "type", "length", "range", "enum" or "pattern"
  std::string name;         // the boundary or form: "max+1", "trailing '_'", "string \"5\""
  std::string value;        // the member's JSON text (non-ASCII escaped), "" when absent; a
                            // whole-body case: the body
  LabelledRequest request;  // the body and its exact expected outcome
};

// Knobs for request generation.
struct RequestGeneratorOptions {
  // Input members never set to a valid value (the harness leaves out the pagination token: a
  // made-up token is not a token the endpoint issued). Invalid requests may still carry them with
  // a value that breaks their own constraints or JSON type. A required member cannot be omitted.
  std::set<std::string> omit_members;
};

// Generators of requests for one operation's input structure.
class RequestGenerators {
 public:
  // Fails with a one-line reason when a member's pattern is outside the supported subset or its
  // constraints cannot be satisfied together.
  static Result<RequestGenerators> make(std::shared_ptr<const spec::Model> model,
                                        spec::OperationView operation,
                                        RequestGeneratorOptions options = {});

  // Valid input objects: required members always, optional ones sometimes, biased toward
  // boundaries (min/max lengths, range ends, the documented default, empty strings where allowed).
  rc::Gen<nlohmann::ordered_json> valid_input() const;
  // valid_input() serialized; expected: accepted (200).
  rc::Gen<LabelledRequest> valid_request() const;
  // Valid but unusual requests that must still be accepted: unknown members, optional members
  // set to null, duplicate keys (the last one valid), extra whitespace, `; charset=utf-8`.
  rc::Gen<LabelledRequest> unusual_valid_request() const;
  // Requests that must be rejected with a ValidationException: every constraint kind on every
  // member (length below/above, pattern near miss, range below/above, enum, required absent and
  // null), one or several violations at once.
  rc::Gen<LabelledRequest> validation_error_request() const;
  // Requests that must be rejected with a SerializationException (R6): wrong JSON types,
  // non-objects, malformed JSON, invalid UTF-8, overflowing and fractional numbers.
  rc::Gen<LabelledRequest> serialization_error_request() const;
  // Either of the two above.
  rc::Gen<LabelledRequest> invalid_request() const;

  // The coverage phase: deterministic cases derived from the model, the same on every call,
  // for every body member of the input: each length and range bound (min-1, min, max, max+1)
  // and the integer type's edges; absent and null; every JSON type the member does not take
  // (including "5", 1.0, 1e2, booleans, arrays, objects, invalid UTF-8); a value outside an enum;
  // for a pattern, every probe character (ASCII punctuation one by one, space, digit, letters,
  // control characters, non-ASCII letters and look-alikes) it rejects at the end of a valid
  // value, whitespace at the start, and an upper- or lower-cased value it rejects; and the
  // whole-body forms (empty, {}, not an object, not JSON). Every other member holds its value in
  // `base` (a known target's, say), or the simplest valid value when it is required and `base`
  // lacks it. Cases with the same body are sent once (their names joined); omitted members are
  // never given a valid value.
  std::vector<CoverageCase> coverage_cases(const nlohmann::ordered_json& base) const;

  // Bodies that must get the same verdict as `body`: the members of the input structure (and of
  // structures nested in it, but not inside lists or maps, whose values messages print) in another
  // order, other whitespace, other string escapes. A body that is not a JSON object with unique
  // keys (rewriting it could change its meaning) is returned unchanged.
  rc::Gen<std::string> equivalent_body(std::string body) const;

  const spec::OperationView& operation() const { return operation_; }

 private:
  RequestGenerators() = default;
  std::shared_ptr<const spec::Model> model_;
  spec::OperationView operation_;
  RequestGeneratorOptions options_;
  std::shared_ptr<const void> state_;  // precompiled per-member generators (internal)
};

// A response with the finding rules a correct checker must report for it.
struct LabelledResponse {
  wire::HttpResponse response;
  std::vector<spec::Rule> expected_rules;  // e.g. {R9.required}; empty for a correct response
  std::string description;
};

// Generators of responses for one operation, for testing response checkers.
class ResponseGenerators {
 public:
  static Result<ResponseGenerators> make(std::shared_ptr<const spec::Model> model,
                                         spec::OperationView operation);

  // Correct success responses: items consistent with the model (enum values, RFC 3339 times,
  // constrained strings), an optional token, the headers R8/R9 ask for.
  rc::Gen<wire::HttpResponse> valid_success() const;
  // Correct error responses for the declared and protocol errors.
  rc::Gen<wire::HttpResponse> valid_error() const;
  // Broken responses, each labelled with the rule(s) it breaks (missing required member, wrong
  // type, bad timestamp, token outside its pattern, error without a type, wrong status, ...).
  rc::Gen<LabelledResponse> broken_response() const;

 private:
  ResponseGenerators() = default;
  std::shared_ptr<const spec::Model> model_;
  spec::OperationView operation_;
  std::shared_ptr<const void> state_;
};

// Readable forms for RapidCheck counterexamples (found by argument-dependent lookup): the
// description, the body (invalid UTF-8 and control bytes escaped), the expected outcome.
void showValue(const LabelledRequest& request, std::ostream& os);
void showValue(const LabelledResponse& response, std::ostream& os);

}  // namespace lpe::generators

namespace lpe::wire {
// A response as it would be written on the wire, for RapidCheck counterexamples (in wire's
// namespace, where argument-dependent lookup finds it).
void showValue(const HttpResponse& response, std::ostream& os);
}  // namespace lpe::wire
