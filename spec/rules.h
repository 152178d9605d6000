// The contract's rule ids for responses and how much a finding matters, shared by the libraries
// that judge responses (validators), label the responses they draw (generators) and sort findings
// into checks (harness). Typed, so that a rule is spelled one way everywhere and a switch over
// rules is checked by the compiler for completeness; the text form is what reports print.
#pragma once

#include <iosfwd>
#include <string_view>

namespace lpe::spec {

// How much a finding matters: `must` fails a run, `should` warns (fails with --strict), `note`
// informs (unknown members and enum values of newer API versions, R9).
enum class Severity { kMust, kShould, kNote };

// "must", "should", "note".
std::string_view to_string(Severity severity);
std::ostream& operator<<(std::ostream& os, Severity severity);

// One finer rule of a response: the rule number (R8 error responses, R9 success responses, R10
// pagination) and what about the response it judges.
enum class Rule {
  // R8: error responses.
  kR8Status,               // the status is not a status code, or not the model's for the error
  kR8RequestId,            // no x-amzn-RequestId header (on any response)
  kR8ContentType,          // an error response without an application/json Content-Type
  kR8Body,                 // the error body is not a JSON object
  kR8ErrorType,            // no error type anywhere (header, body code or __type)
  kR8ErrorTypeHeader,      // the error type only in the body
  kR8UnknownErrorType,     // an error type neither declared nor an AWS protocol error
  kR8ProtocolErrorStatus,  // a protocol error with another status than AWS endpoints answer
  kR8Message,              // the error body has no message member
  // R9: success responses.
  kR9Status,            // a 2xx status other than the model's success status
  kR9ContentType,       // a success response without an application/json Content-Type
  kR9Json,              // the success body is not a JSON object
  kR9Type,              // a member of the wrong JSON type
  kR9Required,          // a required member absent or null
  kR9Constraint,        // a member outside its length, pattern, range or enum
  kR9UnknownMember,     // a member the model does not define (a note)
  kR9UnknownEnumValue,  // an enum value the model does not list (a note)
  kR9NullMember,        // an optional member that is null (a note)
  kR9TimestampFormat,   // a timestamp that is not an RFC 3339 UTC date-time
  kR9Presence,          // a member present where the presence rules exclude it
  kR9PresenceExpected,  // a member absent where the presence rules expect it
  // R10: pagination.
  kR10TokenFormat,  // the output token outside its pattern or length
};

// The rule as reports print it: the rule number and a finer name, "R9.required".
std::string_view to_string(Rule rule);
std::ostream& operator<<(std::ostream& os, Rule rule);

// The rule number: 8 for R8.*, 9 for R9.*, 10 for R10.*.
int rule_number(Rule rule);

}  // namespace lpe::spec
