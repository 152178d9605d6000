// The names of the defects, as tests and test names print them.
#include "mock/testing/defects.h"

#include <array>
#include <utility>

namespace lpe::mock::testing {
namespace {

constexpr std::array<std::pair<Defect, std::string_view>, 53> kNames = {{
    {Defect::kAcceptsPageSizeAboveMax, "AcceptsPageSizeAboveMax"},
    {Defect::kInternalErrorOnMalformedJson, "InternalErrorOnMalformedJson"},
    {Defect::kNoErrorTypeHeader, "NoErrorTypeHeader"},
    {Defect::kPageLargerThanPageSize, "PageLargerThanPageSize"},
    {Defect::kDefaultPageSize100, "DefaultPageSize100"},
    {Defect::kRepeatsLastToken, "RepeatsLastToken"},
    {Defect::kDuplicatesBoundaryItem, "DuplicatesBoundaryItem"},
    {Defect::kDropsBoundaryItem, "DropsBoundaryItem"},
    {Defect::kTokenNotBound, "TokenNotBound"},
    {Defect::kInternalErrorOnTamperedToken, "InternalErrorOnTamperedToken"},
    {Defect::kTimestampWithoutZ, "TimestampWithoutZ"},
    {Defect::kMissingItemsMember, "MissingItemsMember"},
    {Defect::kWrongErrorTypeName, "WrongErrorTypeName"},
    {Defect::kAcceptsUnsignedRequests, "AcceptsUnsignedRequests"},
    {Defect::kTokenOutsidePattern, "TokenOutsidePattern"},
    {Defect::kRejectsUnknownMembers, "RejectsUnknownMembers"},
    {Defect::kTokenReplayDifferentPage, "TokenReplayDifferentPage"},
    {Defect::kEmptyTokenRejected, "EmptyTokenRejected"},
    {Defect::kNoMediaTypeCheck, "NoMediaTypeCheck"},
    {Defect::kNoRequestId, "NoRequestId"},
    {Defect::kErrorBodyNotJson, "ErrorBodyNotJson"},
    {Defect::kUnknownScopeNotFound, "UnknownScopeNotFound"},
    {Defect::kEmptyTokenOnLastPage, "EmptyTokenOnLastPage"},
    {Defect::kFirstViolationOnly, "FirstViolationOnly"},
    {Defect::kWrongSuccessContentType, "WrongSuccessContentType"},
    // Found by the coverage phase
    {Defect::kCoercesNumericStringPageSize, "CoercesNumericStringPageSize"},
    {Defect::kCoercesBooleanPageSize, "CoercesBooleanPageSize"},
    {Defect::kAcceptsIntegralFloatPageSize, "AcceptsIntegralFloatPageSize"},
    {Defect::kWrapsPageSizeToInt32, "WrapsPageSizeToInt32"},
    {Defect::kPageSizeMaxOffByOne, "PageSizeMaxOffByOne"},
    {Defect::kLengthMaxOffByOne, "LengthMaxOffByOne"},
    {Defect::kPatternAcceptsUnderscore, "PatternAcceptsUnderscore"},
    {Defect::kPatternDollarBeforeNewline, "PatternDollarBeforeNewline"},
    {Defect::kTrimsStringsBeforeValidation, "TrimsStringsBeforeValidation"},
    {Defect::kCaseInsensitivePatterns, "CaseInsensitivePatterns"},
    {Defect::kNonAsciiLettersAccepted, "NonAsciiLettersAccepted"},
    {Defect::kStringsCutAtNul, "StringsCutAtNul"},
    {Defect::kEmptyBodyInternalError, "EmptyBodyInternalError"},
    // Found by the data oracle and the token probes
    {Defect::kDropsOneEvent, "DropsOneEvent"},
    {Defect::kSwapsTwoEvents, "SwapsTwoEvents"},
    {Defect::kShiftsEventTime, "ShiftsEventTime"},
    {Defect::kRenamesJoinedEvent, "RenamesJoinedEvent"},
    {Defect::kForeignParticipantEvent, "ForeignParticipantEvent"},
    {Defect::kErrorCodeOnLateEvent, "ErrorCodeOnLateEvent"},
    {Defect::kNoRemoteParticipantOnSubscribe, "NoRemoteParticipantOnSubscribe"},
    {Defect::kLaterTokensCheckedOnPrefix, "LaterTokensCheckedOnPrefix"},
    {Defect::kTokenBoundCaseInsensitively, "TokenBoundCaseInsensitively"},
    {Defect::kTokenBoundByPrefix, "TokenBoundByPrefix"},
    {Defect::kValidationCountAlwaysOne, "ValidationCountAlwaysOne"},
    {Defect::kViolationsSortedByName, "ViolationsSortedByName"},
    {Defect::kErrorBodyJsonArray, "ErrorBodyJsonArray"},
    {Defect::kErrorBodyWithoutMessage, "ErrorBodyWithoutMessage"},
    {Defect::kErrorBodyPlainText, "ErrorBodyPlainText"},
}};

}  // namespace

std::vector<Defect> all_defects() {
  std::vector<Defect> out;
  for (const auto& [d, name] : kNames) out.push_back(d);
  return out;
}

std::string_view to_string(Defect defect) {
  for (const auto& [d, name] : kNames) {
    if (d == defect) return name;
  }
  return "Unknown";
}

std::optional<Defect> defect_from_string(std::string_view name) {
  for (const auto& [d, n] : kNames) {
    if (n == name) return d;
  }
  return std::nullopt;
}

}  // namespace lpe::mock::testing
