#include "spec/rules.h"

#include <ostream>

namespace lpe::spec {

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

std::string_view to_string(Rule rule) {
  switch (rule) {
    case Rule::kR8Status:
      return "R8.status";
    case Rule::kR8RequestId:
      return "R8.request_id";
    case Rule::kR8ContentType:
      return "R8.content_type";
    case Rule::kR8Body:
      return "R8.body";
    case Rule::kR8ErrorType:
      return "R8.error_type";
    case Rule::kR8ErrorTypeHeader:
      return "R8.error_type_header";
    case Rule::kR8UnknownErrorType:
      return "R8.unknown_error_type";
    case Rule::kR8ProtocolErrorStatus:
      return "R8.protocol_error_status";
    case Rule::kR8Message:
      return "R8.message";
    case Rule::kR9Status:
      return "R9.status";
    case Rule::kR9ContentType:
      return "R9.content_type";
    case Rule::kR9Json:
      return "R9.json";
    case Rule::kR9Type:
      return "R9.type";
    case Rule::kR9Required:
      return "R9.required";
    case Rule::kR9Constraint:
      return "R9.constraint";
    case Rule::kR9UnknownMember:
      return "R9.unknown_member";
    case Rule::kR9UnknownEnumValue:
      return "R9.unknown_enum_value";
    case Rule::kR9NullMember:
      return "R9.null_member";
    case Rule::kR9TimestampFormat:
      return "R9.timestamp_format";
    case Rule::kR9Presence:
      return "R9.presence";
    case Rule::kR9PresenceExpected:
      return "R9.presence_expected";
    case Rule::kR10TokenFormat:
      return "R10.token_format";
  }
  return "R9.type";
}

std::ostream& operator<<(std::ostream& os, Severity severity) { return os << to_string(severity); }

std::ostream& operator<<(std::ostream& os, Rule rule) { return os << to_string(rule); }

int rule_number(Rule rule) {
  if (rule == Rule::kR10TokenFormat) return 10;
  return rule < Rule::kR9Status ? 8 : 9;
}

}  // namespace lpe::spec
