// `--replay` files (JSONL written by `--record`), read as untrusted input: every field of every
// line is checked (type, range, characters) before anything is sent, lines and their count are
// bounded, and nothing from the file can split a request (no control characters in methods,
// header names or values; framing headers are the client's own). Errors say "file:line: field:
// what".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace lpe::harness::internal {

// One recorded request with its expectation, validated.
struct ReplayCase {
  size_t line = 0;     // 1-based line in the file
  std::string target;  // "" when the line has none
  std::string method = "POST";
  std::string path;  // as recorded ("" when absent); the runner replays the operation's own path
  // Headers to send again: Authorization, Host and x-amz-* are dropped (made afresh for the
  // endpoint replayed against).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string check = "negative_data_rejection";  // a known check name
  int status = 200;
  std::string error_type;  // "" when any
};

struct ReplayLimits {
  size_t max_line_bytes = 4u << 20;
  size_t max_cases = 200000;
  size_t max_headers = 100;
  size_t max_file_bytes = 1u << 30;
};

// Parses JSONL text; `name` prefixes errors ("name:line: field: what").
Result<std::vector<ReplayCase>> parse_replay(std::string_view text, const std::string& name,
                                             const ReplayLimits& limits = {});

// Reads and parses a file, never holding more than one line beyond the limits.
Result<std::vector<ReplayCase>> read_replay_file(const std::string& path,
                                                 const ReplayLimits& limits = {});

}  // namespace lpe::harness::internal
