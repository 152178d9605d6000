// The harness client's reader of one HTTP/1.1 response from a socket, strict and bounded: the
// status line and header block are capped in size and count, interim (1xx) responses are capped,
// the body is capped, and every read waits at most until the exchange's deadline. (Files and
// fuzzer bytes are read by wire::parse_http_response, which is lenient and reads from memory.)
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "harness/internal/connection.h"
#include "harness/internal/http_client.h"
#include "wire/http.h"

namespace lpe::harness::internal {

// Why an exchange failed; `interrupted` when the run's stop time ended it.
struct Failure {
  std::string reason;
  bool interrupted = false;
  bool too_large = false;
  bool retryable = false;  // nothing of a response arrived on a reused connection
};

// "1.5 s": a duration as messages quote it.
std::string seconds_text(std::chrono::milliseconds ms);

// Reads one response from `c` under the limits of `s`, before `deadline`.
class ResponseReader {
 public:
  ResponseReader(Connection& c, const ClientSettings& s, SteadyTime deadline, bool head_request)
      : c_(c), s_(s), deadline_(deadline), head_request_(head_request) {}

  // Fills `out`; on failure returns false with `failure` set (reason without the prefix).
  // `keep_alive` says whether the connection may carry another exchange.
  bool read(wire::HttpResponse& out, bool& keep_alive, Failure& failure);
  size_t bytes_seen() const { return bytes_seen_; }

 private:
  // How the body of a response is delimited (RFC 9112 6).
  struct Framing {
    bool chunked = false;            // the last transfer coding is chunked
    bool transfer_encoding = false;  // any Transfer-Encoding header
    bool has_length = false;
    uint64_t length = 0;  // Content-Length, when has_length
  };
  enum class Got { kLine, kEof, kError };
  // Reads one line (without CR LF) of at most `limit` bytes.
  Got line(std::string_view& text, size_t limit, const char* what, Failure& failure);
  bool need(size_t n, const char* what, Failure& failure);
  bool read_head(wire::HttpResponse& out, int& minor, Failure& failure);
  bool read_framing(const wire::HeaderList& headers, int minor, Framing& framing, bool& keep_alive,
                    Failure& failure) const;
  bool read_chunked(std::string& body, Failure& failure);
  bool read_sized(std::string& body, uint64_t length, Failure& failure);
  bool read_until_close(std::string& body, Failure& failure);
  void timed_out(const char* what, Failure& failure) const;
  void too_large(Failure& failure) const;

  Connection& c_;
  const ClientSettings& s_;
  SteadyTime deadline_;
  bool head_request_;
  size_t bytes_seen_ = 0;
  size_t head_bytes_ = 0;  // of the current header block
};

}  // namespace lpe::harness::internal
