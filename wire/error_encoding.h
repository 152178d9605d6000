// restJson1 error responses (R8): status, `Content-Type: application/json`, `x-amzn-ErrorType`,
// `x-amzn-RequestId`, and a `{"exceptionMessage": "..."}` body. Shared by the mock endpoint and the
// harness's faulty endpoints. Nothing here throws.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "wire/http.h"

namespace lpe::wire {

// Encodes an R8 error response. Headers, in order: Content-Type, x-amzn-ErrorType,
// x-amzn-RequestId. The message is JSON-escaped (invalid UTF-8 becomes U+FFFD); control characters
// are dropped from the header values so they cannot split headers.
HttpResponse encode_error(int status, std::string_view error_type, std::string_view message,
                          std::string_view request_id);

// A UUID-shaped request id (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`, lowercase, version 4
// layout) derived deterministically from `seed_or_counter`, so runs replay exactly. Distinct
// inputs give distinct ids; the output does not reveal the input in an obvious way.
std::string new_request_id(uint64_t seed_or_counter);

}  // namespace lpe::wire
