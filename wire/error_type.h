// restJson1 error-type resolution, shared by the response checker, the harness and the mock's
// tests.
#pragma once

#include <string>
#include <string_view>

namespace lpe::wire {

// Normalizes an error type value as AWS SDKs do: keeps what follows the last `#` (drops the Smithy
// namespace) and what precedes the first `:` (drops a URL suffix), trimming blanks.
// "aws.protocoltests#FooError:http://internal.amazon.com/coral/" -> "FooError".
std::string sanitize_error_type(std::string_view raw);

// Where an error type was found (R8 order: header, then body `code`, then body `__type`).
enum class ErrorTypeSource { kNone, kHeader, kBodyCode, kBodyType };

// The resolved error type of an error response; `name` is empty when no source names one.
struct ResolvedErrorType {
  std::string name;
  ErrorTypeSource source = ErrorTypeSource::kNone;
};

}  // namespace lpe::wire
