// restJson1 error responses (R8): status, `Content-Type: application/json`, `x-amzn-ErrorType`,
// `x-amzn-RequestId`, and a `{"exceptionMessage": "..."}` body. Shared by the mock endpoint and the
// harness's faulty endpoints. Nothing here throws.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lpe::wire {

// A complete HTTP response, ready to be written by any server.
struct EncodedResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Encodes an R8 error response. Headers, in order: Content-Type, x-amzn-ErrorType,
// x-amzn-RequestId. The message is JSON-escaped (invalid UTF-8 becomes U+FFFD); control characters
// are dropped from the header values so they cannot split headers.
EncodedResponse encode_error(int status, std::string_view error_type, std::string_view message,
                             std::string_view request_id);

// A UUID-shaped request id (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`, lowercase, version 4
// layout) derived deterministically from `seed_or_counter`, so runs replay exactly. Distinct
// inputs give distinct ids; the output does not reveal the input in an obvious way.
std::string new_request_id(uint64_t seed_or_counter);

}  // namespace lpe::wire
