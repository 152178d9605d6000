// The mock server's access log: what it records about one answered request and the line it
// writes (documented on MockServer). Lines never hold secrets or raw request bytes.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "mock/mock.h"

namespace lpe::mock::internal {

// What the access log says about one answered request, kept until the answer is written.
struct LogRecord {
  std::string method;  // "-" when the request line was not read
  std::string path;    // the target without its query; "-" when unknown
  std::chrono::steady_clock::time_point start;
  int status = 0;
  bool dropped = false;
  size_t body_bytes = 0;
  std::string request_id;
  std::string access_key_id;
  std::string error_type;
  std::string fault;
};

// The record of `answer` to the request `method` `target` that began at `start`.
LogRecord record_of(std::string_view method, std::string_view target,
                    std::chrono::steady_clock::time_point start, const MockResponse& answer);

// The log line of `r` (no trailing newline), its latency measured until now.
std::string access_log_line(const LogRecord& r);

}  // namespace lpe::mock::internal
