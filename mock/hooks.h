// Points where a test may make the reference mock deviate from the contract inside the stages of
// MockHandler::handle (DESIGN.md R3-R13). The conformance harness is proven by mutation: its tests
// run it against the mock with one behaviour broken and expect the matching check to fire
// (mock/testing/ holds those deliberate defects). The production mock has no hooks
// (MockOptions::hooks is null) and each stage then follows the contract alone.
//
// One virtual per decision the contract makes inside a stage, so that a deviation needs no
// branch of its own in the handler. Answers that only change what is written (headers, bodies,
// error type names) are not hooks: a wrapper around the handler rewrites them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "validators/validators.h"
#include "wire/wire.h"

namespace lpe::mock {

// Implementations must be thread-safe: the handler calls them from many threads at once.
class MockHooks {
 public:
  virtual ~MockHooks() = default;

  // Authentication (R13): true serves a request without an Authorization header although
  // SigV4 is required.
  virtual bool serves_unsigned_requests() const = 0;

  // Media type (R12): false serves a body whatever its Content-Type says.
  virtual bool checks_media_type() const = 0;

  // Validation (R7): true serves a request that `verdict` rejects as invalid (not as malformed),
  // with the members the model knows decoded from the body as they are.
  virtual bool serves_invalid_request(const validators::RequestVerdict& verdict) const = 0;
  // Validation (R7): the ValidationException message for `verdict`.
  virtual std::string validation_message(const validators::RequestVerdict& verdict) const = 0;
  // Validation (R5): after a request passed, a ValidationException message to refuse it with
  // anyway, or nothing.
  virtual std::optional<std::string> refuse_valid_request(
      const wire::HttpRequest& request) const = 0;

  // List (R11): true answers a request for a list the dataset lacks with 404
  // ResourceNotFoundException instead of an empty page.
  virtual bool unknown_list_not_found() const = 0;
  // Pagination (R10): false issues and accepts tokens bound to no list.
  virtual bool binds_tokens_to_list() const = 0;

  // Page size (R3): how many items a page holds, given whether the request set a page size and
  // what the contract serves (the request's size, else the default; at least 1).
  virtual int64_t page_size(bool requested, int64_t contract_size) const = 0;

  // Pagination (R10): true refuses an empty-string token with 400 instead of serving the first
  // page.
  virtual bool rejects_empty_token() const = 0;
  // Pagination (R10): true answers a token that cannot be read (malformed, wrong signature,
  // unknown version) with 500 InternalServerException instead of 400.
  virtual bool unreadable_token_is_internal_error() const = 0;
  // Pagination (R10): where a page resumes for `token`, sealed with `position`, in a list of
  // `list_size` items; a result past the end is a 400.
  virtual uint64_t resume_position(std::string_view token, uint64_t position,
                                   size_t list_size) const = 0;
  // Pagination (R10): where the next page starts after the page [begin, end) of a list of
  // `list_size` items (`end` < `list_size`).
  virtual size_t next_page_start(size_t begin, size_t end, size_t list_size) const = 0;
};

}  // namespace lpe::mock
