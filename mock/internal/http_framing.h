// HTTP/1.1 request framing for the mock's server, without sockets: bytes of one connection in,
// complete and bounded requests (or one framing error) out. Shared by MockServer and the
// http_framing fuzz target, so what the fuzzer proves is what the server runs.
//
// Strict by design (RFC 9112, request smuggling): lines end in CRLF (a bare CR or LF is an
// error), no obs-fold, no whitespace before a header colon, at most one Content-Length (digits
// only), never Content-Length with Transfer-Encoding, Transfer-Encoding only `chunked` and only on
// HTTP/1.1, chunk sizes in bounded hex, HTTP/1.1 requests carry exactly one Host. The request line,
// the header block (bytes and count), chunk lines, trailers and the body are bounded. After an
// error, or after a request whose body is left unread or which asks to close, nothing more on the
// connection is parsed: the server answers and closes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wire/http.h"

namespace lpe::mock::internal {

// Bounds on what one request may hold.
struct FramingLimits {
  size_t max_request_line = 8192;   // bytes, CRLF included
  size_t max_header_bytes = 16384;  // the header lines together, CRLFs included
  size_t max_header_count = 100;
  size_t max_body_bytes = size_t{1} << 20;  // decoded body
  size_t max_chunk_line = 1024;             // a chunk-size line with its extensions
};

// One complete request as it came off the wire.
struct FramedRequest {
  std::string method;
  std::string target;
  int minor_version = 1;     // HTTP/1.<minor>
  wire::HeaderList headers;  // wire order, values trimmed
  std::string body;          // decoded (chunked framing removed)
  // The request declared a body that was not read (the body policy said so): answer, then close.
  bool body_unread = false;
  // The connection persists after this request (HTTP/1.1 without `Connection: close`, or
  // HTTP/1.0 with `Connection: keep-alive`, and the body was read).
  bool keep_alive = true;
};

// Why the bytes cannot be a request: the status and R8 error type to answer with, and a message
// that quotes no request bytes.
struct FramingError {
  int status = 400;
  std::string error_type;
  std::string message;
  // The request line's method and path when it was read ("" otherwise), for the access log.
  std::string method;
  std::string target;
};

// Assembles the requests of one connection. Not thread-safe; one per connection.
class RequestFramer {
 public:
  // Says, from a complete request head, whether its body is read (true) or left unread (the
  // request is then delivered without body and the connection ends after it).
  using BodyPolicy = std::function<bool(std::string_view method, std::string_view target)>;

  explicit RequestFramer(FramingLimits limits = {}, BodyPolicy reads_body = {});

  enum class Step {
    kNeedMore,  // no complete request yet: feed more bytes
    kRequest,   // `request` holds the next request
    kError,     // `error` says why; the connection is done
    kClosed,    // nothing more will be parsed on this connection
  };

  // Appends bytes received from the peer (ignored once closed). Call next() until kNeedMore
  // before feeding more, so the buffer stays bounded by the limits plus one feed.
  void feed(std::string_view bytes);
  // Parses as far as the buffered bytes allow.
  Step next(FramedRequest& request, FramingError& error);

  // True while bytes of a request that is not complete yet are buffered (or its head was read).
  bool in_request() const;
  // True once when a request's head asked `Expect: 100-continue` and its body has not arrived:
  // the server then writes `100 Continue`.
  bool take_continue();
  // True after an error or a closing request: the connection must end.
  bool closed() const { return state_ == State::kClosed; }
  // Bytes buffered and not yet consumed.
  size_t buffered() const { return buffer_.size() - pos_; }

 private:
  enum class State {
    kRequestLine,
    kHeaders,
    kBody,  // Content-Length body
    kChunkSize,
    kChunkData,
    kChunkDataEnd,  // the CRLF after chunk data
    kTrailers,
    kClosed,
  };
  enum class Line { kComplete, kIncomplete, kTooLong, kBadEnding };

  Line take_line(size_t limit, std::string_view& line);
  Step fail(FramingError& error, int status, std::string_view type, std::string message);
  Step parse_request_line(std::string_view line, FramingError& error);
  Step parse_header_line(std::string_view line, FramingError& error);
  Step finish_head(FramedRequest& request, FramingError& error);
  // The steps of next(), one per state that reads bytes: each returns what next() returns, or
  // nothing to go on parsing in the state it left.
  std::optional<Step> read_request_line(FramingError& error);
  std::optional<Step> read_header_line(FramedRequest& request, FramingError& error);
  std::optional<Step> read_chunk_size(FramingError& error);
  std::optional<Step> read_chunk_data_end(FramingError& error);
  Step deliver(FramedRequest& request);
  void start_request();
  void compact();
  // Moves up to body_remaining_ buffered bytes into the current body; true once none remain
  // (false: the buffer is compacted and more bytes are needed).
  bool take_body_bytes();

  FramingLimits limits_;
  BodyPolicy reads_body_;
  State state_ = State::kRequestLine;
  std::string buffer_;
  size_t pos_ = 0;   // first unconsumed byte
  size_t scan_ = 0;  // where the search for the current line's LF resumes
  // The request being assembled.
  FramedRequest current_;
  size_t header_bytes_ = 0;
  size_t header_count_ = 0;
  size_t body_remaining_ = 0;  // kBody: bytes left; kChunkData: bytes left in this chunk
  size_t leading_blank_lines_ = 0;
  // What the head said about framing and the connection.
  bool has_content_length_ = false;
  uint64_t content_length_ = 0;
  bool chunked_ = false;
  size_t host_count_ = 0;
  bool expect_continue_ = false;
  bool connection_close_ = false;
  bool connection_keep_alive_ = false;
  bool continue_pending_ = false;
};

}  // namespace lpe::mock::internal
