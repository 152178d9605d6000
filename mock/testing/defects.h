// lpe::mock_testing: the reference mock with deliberate defects, for tests only (the library is
// built only with the tests and fuzz targets; the `lpe` executable never links it).
//
// Each defect breaks exactly one behaviour of the contract, so that the conformance harness's own
// tests can prove every check fires on a faulty endpoint (mutation testing of the checker). No
// command-line flag, environment variable or data file can turn one on: only test code that
// builds a DefectiveHandler does.
//
// How a defect gets into the mock, without a branch of its own in the production handler:
// - decisions inside the handler's stages go through the MockHooks the handler is given
//   (mock/hooks.h; implemented in defect_hooks.cc);
// - what only changes the written answer (headers, error type names, bodies, the token of the
//   last page) is rewritten by DefectiveHandler around the true handler;
// - item timestamps without `Z` are a dataset served as it is (Dataset::transformed), and so are
//   lists with an event lost, moved or changed (defect_data.cc, Dataset::transformed_lists);
// - tokens accepted where they should not be are requests rewritten before the true handler sees
//   them, from what DefectiveHandler remembers of the tokens it issued.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "mock/mock.h"

namespace lpe::mock::testing {

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
  // Found by the coverage phase
  kCoercesNumericStringPageSize,  // a page size sent as a digit string ("5") is served (R6)
  kCoercesBooleanPageSize,        // a page size sent as true/false is read as 1/0 (R6)
  kAcceptsIntegralFloatPageSize,  // a page size written 1.0 or 1e2 is read as an integer (R6)
  kWrapsPageSizeToInt32,        // a page size beyond 32 bits wraps (2147483648 -> -2147483648) (R6)
  kPageSizeMaxOffByOne,         // a page size of exactly max+1 is served (R3/R7)
  kLengthMaxOffByOne,           // a string one code point over its max length is accepted (R2/R7)
  kPatternAcceptsUnderscore,    // the participant's pattern also accepts '_' (R1)
  kPatternDollarBeforeNewline,  // `$` matches before a trailing newline: "p1\n" passes (R1)
  kTrimsStringsBeforeValidation,  // leading/trailing whitespace is trimmed before validation (R1)
  kCaseInsensitivePatterns,       // patterns are matched ignoring ASCII case (R1)
  kNonAsciiLettersAccepted,       // any non-ASCII character passes where a letter does (R1)
  kStringsCutAtNul,               // strings end at their first NUL before validation (R1)
  kEmptyBodyInternalError,        // an empty body gets 500, not the R4 ValidationException (R6)
  // Found by the data oracle and the token probes
  kDropsOneEvent,            // the third event of each list is never served, at any page size (R10)
  kSwapsTwoEvents,           // two different neighbouring events of each list are served swapped
  kShiftsEventTime,          // the second event of each list is served 1 ms later than it happened
  kRenamesJoinedEvent,       // the first JOINED event of each list is served as LEFT (R9)
  kForeignParticipantEvent,  // event 52 of each list names another participant (R9)
  kErrorCodeOnLateEvent,     // the first non-error event from the 52nd on carries an errorCode (R9)
  kNoRemoteParticipantOnSubscribe,  // SUBSCRIBE_* events lack remoteParticipantId (R9)
  kLaterTokensCheckedOnPrefix,   // tokens after the first are checked on 43 characters only (R10)
  kTokenBoundCaseInsensitively,  // a token is accepted with scope values differing in case (R10)
  kTokenBoundByPrefix,           // a token is accepted with scope values that extend its own (R10)
  kValidationCountAlwaysOne,     // messages always begin "1 validation error detected" (R7)
  kViolationsSortedByName,       // violations are listed by member name, not in model order (R7)
  kErrorBodyJsonArray,           // error bodies are a JSON array around the error object (R8)
  kErrorBodyWithoutMessage,      // error bodies say "errorMessage" instead of exceptionMessage (R8)
  kErrorBodyPlainText,           // errors are text/plain bodies holding the message (R8)
};

// Every defect, in declaration order.
std::vector<Defect> all_defects();

// The enumerator name without the `k`, e.g. "NoErrorTypeHeader".
std::string_view to_string(Defect defect);

// The defect with this name (as to_string prints it), if any.
std::optional<Defect> defect_from_string(std::string_view name);

class RequestBodyDefects;  // mock/testing/request_defects.h

// The reference mock with `defects` (any set; empty: the true mock), servable by MockServer.
// Thread-safe like MockHandler.
class DefectiveHandler final : public RequestHandler {
 public:
  // The handler MockHandler::create builds from these arguments, broken as `defects` say.
  // `options.hooks` must be null (the defects fill it).
  static Result<std::shared_ptr<const DefectiveHandler>> create(
      std::shared_ptr<const spec::Model> model, spec::OperationView operation, MockOptions options,
      std::set<Defect> defects);

  MockResponse handle(const MockRequest& request,
                      std::chrono::system_clock::time_point now) const noexcept override;
  MockResponse error_response(std::string_view error_type, std::string_view message) const override;
  bool routes_to_operation(std::string_view method, std::string_view target) const override;
  size_t max_body_bytes() const override;

  // The true handler inside (its hooks carry the defects that need internals).
  const MockHandler& inner() const { return *inner_; }
  const std::set<Defect>& defects() const { return defects_; }

  // Not for direct use: create builds handlers.
  DefectiveHandler(std::shared_ptr<const MockHandler> inner, std::set<Defect> defects);

 private:
  bool has(Defect defect) const { return defects_.count(defect) != 0; }
  // Rewrites the true handler's `response` to `request` as the defects say (`request` is null
  // for an answer the transport asked for).
  void rewrite(const MockRequest* request, MockResponse& response) const;
  void rewrite_error(MockResponse& response) const;
  // Makes `response` a 500 InternalServerException.
  void make_internal_error(MockResponse& response) const;
  void rewrite_error_body(MockResponse& response) const;
  void rewrite_success(const MockRequest& request, MockResponse& response) const;
  // The token defects: `request` with its token and list-scope values replaced by those of a
  // token this endpoint issued, when a defect lets the request's token pass as that one;
  // nothing when the request goes through unchanged.
  std::optional<MockRequest> lenient_request(const MockRequest& request) const;
  // Remembers the token `response` issues for `request` (the token defects only).
  void remember_token(const MockRequest& request, const MockResponse& response) const;
  bool has_token_defect() const;

  std::shared_ptr<const MockHandler> inner_;
  std::set<Defect> defects_;
  std::shared_ptr<const RequestBodyDefects> body_defects_;  // null: bodies read as sent
  std::string items_member_;
  std::string input_token_member_;
  std::string output_token_member_;
  std::vector<std::string> scope_members_;
  // What the token defects know of the tokens issued: the list scope each is bound to, whether a
  // page after the first issued it, and the later tokens by their checked prefix.
  struct IssuedToken {
    std::vector<std::string> scope;
    bool later = false;
  };
  mutable std::mutex issued_mutex_;
  mutable std::unordered_map<std::string, IssuedToken> issued_;
  mutable std::unordered_map<std::string, std::string> later_by_prefix_;
};

}  // namespace lpe::mock::testing
