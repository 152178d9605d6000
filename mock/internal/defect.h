// TEST-ONLY deliberate defects of the reference mock. Each one breaks exactly one behaviour of the
// contract, so that the conformance harness's own tests can prove every check fires on a faulty
// endpoint ("the mock with one behaviour broken each", issue 5). No command-line flag, environment
// variable or data file can turn one on: only code that fills MockOptions::defects does.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace lpe::mock {

// One deliberately broken behaviour. The comment says what the endpoint then does wrong.
enum class Defect {
  kAcceptsPageSizeAboveMax,       // a page size above the range max is served, not a 400 (R3/R7)
  kInternalErrorOnMalformedJson,  // a body that is not JSON gets 500 InternalServerException (R6)
  kNoErrorTypeHeader,             // error responses carry no x-amzn-ErrorType header (R8)
  kPageLargerThanPageSize,        // every page holds one item more than the page size (R10)
  kDefaultPageSize100,      // without a page size the page holds 100, not the model default (R3)
  kRepeatsLastToken,        // the last page returns the request's token again (R10, endless paging)
  kDuplicatesBoundaryItem,  // the next page starts with the last item of this page (R10)
  kDropsBoundaryItem,       // the next page skips the first item after this page (R10)
  kTokenNotBound,           // a token is accepted with any list scope (R10 binding)
  kInternalErrorOnTamperedToken,  // a tampered, foreign or malformed token gets 500 (R10)
  kTimestampWithoutZ,             // item timestamps lose their `Z` suffix (R9)
  kMissingItemsMember,            // success bodies omit the required items member (R9)
  kWrongErrorTypeName,            // error type names end in `Error`, e.g. ValidationError (R8)
  kAcceptsUnsignedRequests,       // with SigV4 on, a request without Authorization is served (R13)
  kTokenOutsidePattern,           // tokens contain characters outside the token pattern (R10)
  kRejectsUnknownMembers,         // unknown request members get 400 instead of being ignored (R5)
  kTokenReplayDifferentPage,      // presenting the same token again gives a different page (R10)
  kEmptyTokenRejected,            // an empty-string token is a 400 instead of the first page (R10)
  kNoMediaTypeCheck,              // bodies that are not application/json are served, not 415 (R12)
  kNoRequestId,                   // no response carries x-amzn-RequestId (R8/R9)
  kErrorBodyNotJson,              // error bodies are plain text, not a JSON object (R8)
  kUnknownScopeNotFound,     // an unknown stage/session/participant gets 404, not 200 empty (R11)
  kEmptyTokenOnLastPage,     // the last page carries an empty-string token instead of none (R10)
  kFirstViolationOnly,       // ValidationException messages report only the first violation (R7)
  kWrongSuccessContentType,  // success responses say Content-Type: text/plain (R9)
};

// Every defect, in declaration order.
std::vector<Defect> all_defects();

// The enumerator name without the `k`, e.g. "NoErrorTypeHeader".
std::string_view to_string(Defect defect);

// The defect with this name (as to_string prints it), if any.
std::optional<Defect> defect_from_string(std::string_view name);

}  // namespace lpe::mock
