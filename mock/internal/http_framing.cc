#include "mock/internal/http_framing.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "wire/http.h"
#include "wire/text.h"

namespace lpe::mock::internal {
namespace {

constexpr std::string_view kBadRequest = "BadRequestException";
constexpr std::string_view kHeadersTooLarge = "RequestHeaderFieldsTooLargeException";
constexpr std::string_view kTooLarge = "RequestEntityTooLargeException";
constexpr std::string_view kNotImplemented = "NotImplementedException";
constexpr std::string_view kVersionNotSupported = "HttpVersionNotSupportedException";
// Blank lines tolerated before a request line (RFC 9112 section 2.2 allows some).
constexpr size_t kMaxLeadingBlankLines = 4;
// A body is reserved up to this size from its Content-Length; beyond, it grows as bytes arrive.
constexpr size_t kMaxBodyReserve = size_t{64} << 10;
constexpr size_t kMaxChunkSizeDigits = 16;

// Field values: HTAB, visible ASCII, SP and obs-text; no other control byte (NUL, CR, LF, DEL).
bool is_field_value(std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7f) return false;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

RequestFramer::RequestFramer(FramingLimits limits, BodyPolicy reads_body)
    : limits_(limits), reads_body_(std::move(reads_body)) {}

void RequestFramer::feed(std::string_view bytes) {
  if (state_ == State::kClosed || bytes.empty()) return;
  compact();
  buffer_.append(bytes.data(), bytes.size());
}

bool RequestFramer::take_body_bytes() {
  const size_t take = std::min(body_remaining_, buffer_.size() - pos_);
  current_.body.append(buffer_, pos_, take);
  pos_ += take;
  scan_ = pos_;
  body_remaining_ -= take;
  if (body_remaining_ == 0) return true;
  compact();
  return false;
}

void RequestFramer::compact() {
  if (pos_ == 0) return;
  if (pos_ == buffer_.size()) {
    buffer_.clear();
  } else if (pos_ >= buffer_.size() / 2) {
    buffer_.erase(0, pos_);
  } else {
    return;
  }
  scan_ -= std::min(scan_, pos_);
  pos_ = 0;
}

bool RequestFramer::in_request() const {
  return state_ != State::kClosed && (state_ != State::kRequestLine || pos_ < buffer_.size());
}

bool RequestFramer::take_continue() {
  const bool pending = continue_pending_;
  continue_pending_ = false;
  return pending;
}

RequestFramer::Line RequestFramer::take_line(size_t limit, std::string_view& line) {
  const size_t from = std::max(scan_, pos_);
  const void* lf = from < buffer_.size()
                       ? std::memchr(buffer_.data() + from, '\n', buffer_.size() - from)
                       : nullptr;
  if (lf == nullptr) {
    scan_ = buffer_.size();
    // Even the LF still to come would not fit.
    return buffer_.size() - pos_ >= limit ? Line::kTooLong : Line::kIncomplete;
  }
  const size_t end = static_cast<size_t>(static_cast<const char*>(lf) - buffer_.data());
  if (end + 1 - pos_ > limit) return Line::kTooLong;
  if (end == pos_ || buffer_[end - 1] != '\r') return Line::kBadEnding;
  line = std::string_view(buffer_).substr(pos_, end - 1 - pos_);
  pos_ = end + 1;
  scan_ = pos_;
  return Line::kComplete;
}

RequestFramer::Step RequestFramer::fail(FramingError& error, int status, std::string_view type,
                                        std::string message) {
  error.status = status;
  error.error_type = std::string(type);
  error.message = std::move(message);
  error.method = current_.method;
  error.target = current_.target;
  state_ = State::kClosed;
  buffer_.clear();
  buffer_.shrink_to_fit();
  pos_ = 0;
  scan_ = 0;
  current_ = FramedRequest{};
  continue_pending_ = false;
  return Step::kError;
}

void RequestFramer::start_request() {
  current_ = FramedRequest{};
  header_bytes_ = 0;
  header_count_ = 0;
  body_remaining_ = 0;
  has_content_length_ = false;
  content_length_ = 0;
  chunked_ = false;
  host_count_ = 0;
  expect_continue_ = false;
  connection_close_ = false;
  connection_keep_alive_ = false;
  continue_pending_ = false;
}

RequestFramer::Step RequestFramer::parse_request_line(std::string_view line, FramingError& error) {
  const size_t first = line.find(' ');
  const size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
  if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos) {
    return fail(error, 400, kBadRequest,
                "The request line must be: method, one space, target, one space, HTTP version");
  }
  const std::string_view method = line.substr(0, first);
  const std::string_view target = line.substr(first + 1, second - first - 1);
  const std::string_view version = line.substr(second + 1);
  if (!wire::is_token(method)) {
    return fail(error, 400, kBadRequest, "The request method is not a token");
  }
  if (target.empty()) return fail(error, 400, kBadRequest, "The request target is empty");
  for (const char c : target) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
      return fail(error, 400, kBadRequest,
                  "The request target holds a byte that is not visible ASCII");
    }
  }
  current_.method = std::string(method);
  current_.target = std::string(target);
  if (version.size() != 8 || version.compare(0, 5, "HTTP/") != 0 || version[6] != '.' ||
      version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9') {
    return fail(error, 400, kBadRequest, "The request line does not end in HTTP/<digit>.<digit>");
  }
  if (version[5] != '1') {
    return fail(error, 505, kVersionNotSupported, "Only HTTP/1.0 and HTTP/1.1 are served");
  }
  current_.minor_version = version[7] - '0';
  return Step::kNeedMore;
}

RequestFramer::Step RequestFramer::parse_header_line(std::string_view line, FramingError& error) {
  const bool trailer = state_ == State::kTrailers;
  if (line.front() == ' ' || line.front() == '\t') {
    return fail(error, 400, kBadRequest,
                "A header line starts with whitespace (obsolete line folding is refused)");
  }
  if (++header_count_ > limits_.max_header_count) {
    return fail(error, 431, kHeadersTooLarge,
                std::string(trailer ? "The trailer" : "The request") + " has more than " +
                    std::to_string(limits_.max_header_count) + " header fields");
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    return fail(error, 400, kBadRequest, "A header line has no colon");
  }
  const std::string_view name = line.substr(0, colon);
  if (!wire::is_token(name)) {
    return fail(error, 400, kBadRequest,
                "A header name is not a token (whitespace before the colon is refused)");
  }
  const std::string_view value = wire::trim(line.substr(colon + 1));
  if (!is_field_value(value)) {
    return fail(error, 400, kBadRequest, "A header value holds a control byte");
  }
  if (trailer) return Step::kNeedMore;  // trailer fields are checked, then dropped

  if (wire::iequals(name, "Content-Length")) {
    if (has_content_length_) {
      return fail(error, 400, kBadRequest, "The request has more than one Content-Length");
    }
    has_content_length_ = true;
    if (value.empty() || value.size() > 19) {
      return fail(error, 400, kBadRequest, "Content-Length is not a number of 1 to 19 digits");
    }
    uint64_t n = 0;
    for (const char c : value) {
      if (c < '0' || c > '9') {
        return fail(error, 400, kBadRequest, "Content-Length is not a number of 1 to 19 digits");
      }
      n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    content_length_ = n;
  } else if (wire::iequals(name, "Transfer-Encoding")) {
    if (chunked_) {
      return fail(error, 400, kBadRequest, "The request has more than one Transfer-Encoding");
    }
    if (!wire::iequals(value, "chunked")) {
      return fail(error, 501, kNotImplemented,
                  "Transfer-Encoding must be exactly 'chunked' (no other coding is served)");
    }
    chunked_ = true;
  } else if (wire::iequals(name, "Host")) {
    ++host_count_;
  } else if (wire::iequals(name, "Connection")) {
    for (const std::string_view element : wire::split(value, ',')) {
      const std::string_view option = wire::trim(element);
      if (wire::iequals(option, "close")) connection_close_ = true;
      if (wire::iequals(option, "keep-alive")) connection_keep_alive_ = true;
    }
  } else if (wire::iequals(name, "Expect")) {
    if (wire::iequals(value, "100-continue")) expect_continue_ = true;
  }
  current_.headers.emplace_back(std::string(name), std::string(value));
  return Step::kNeedMore;
}

RequestFramer::Step RequestFramer::finish_head(FramedRequest& request, FramingError& error) {
  const bool http11 = current_.minor_version >= 1;
  if (http11 && host_count_ == 0) {
    return fail(error, 400, kBadRequest, "An HTTP/1.1 request must have a Host header");
  }
  if (host_count_ > 1) return fail(error, 400, kBadRequest, "The request has more than one Host");
  if (chunked_ && has_content_length_) {
    return fail(error, 400, kBadRequest,
                "The request has both Content-Length and Transfer-Encoding");
  }
  if (chunked_ && !http11) {
    return fail(error, 400, kBadRequest, "Transfer-Encoding is not allowed in HTTP/1.0");
  }
  current_.keep_alive = !connection_close_ && (http11 || connection_keep_alive_);
  const bool has_body = chunked_ || content_length_ > 0;
  if (!has_body) return deliver(request);
  if (reads_body_ && !reads_body_(current_.method, current_.target)) {
    current_.body_unread = true;
    current_.keep_alive = false;
    return deliver(request);
  }
  if (has_content_length_) {
    if (content_length_ > limits_.max_body_bytes) {
      return fail(error, 413, kTooLarge,
                  "The request body is larger than the limit of " +
                      std::to_string(limits_.max_body_bytes) + " bytes");
    }
    body_remaining_ = static_cast<size_t>(content_length_);
    current_.body.reserve(std::min(body_remaining_, kMaxBodyReserve));
    state_ = State::kBody;
  } else {
    state_ = State::kChunkSize;
  }
  continue_pending_ = expect_continue_ && http11 && pos_ == buffer_.size();
  return Step::kNeedMore;
}

RequestFramer::Step RequestFramer::deliver(FramedRequest& request) {
  const bool keep_alive = current_.keep_alive;
  request = std::move(current_);
  start_request();
  leading_blank_lines_ = 0;
  state_ = State::kRequestLine;
  if (!keep_alive) {
    // Nothing after this request is read as another one.
    state_ = State::kClosed;
    buffer_.clear();
    buffer_.shrink_to_fit();
    pos_ = 0;
    scan_ = 0;
  }
  return Step::kRequest;
}

RequestFramer::Step RequestFramer::next(FramedRequest& request, FramingError& error) {
  while (true) {
    std::optional<Step> done;
    switch (state_) {
      case State::kClosed:
        return Step::kClosed;
      case State::kRequestLine:
        done = read_request_line(error);
        break;
      case State::kHeaders:
      case State::kTrailers:
        done = read_header_line(request, error);
        break;
      case State::kBody:
        if (!take_body_bytes()) return Step::kNeedMore;
        return deliver(request);
      case State::kChunkSize:
        done = read_chunk_size(error);
        break;
      case State::kChunkData:
        if (!take_body_bytes()) return Step::kNeedMore;
        state_ = State::kChunkDataEnd;
        break;
      case State::kChunkDataEnd:
        done = read_chunk_data_end(error);
        break;
    }
    if (done) return *done;
  }
}

std::optional<RequestFramer::Step> RequestFramer::read_request_line(FramingError& error) {
  if (pos_ == buffer_.size()) {
    compact();
    return Step::kNeedMore;
  }
  std::string_view line;
  const Line got = take_line(limits_.max_request_line, line);
  if (got == Line::kIncomplete) return Step::kNeedMore;
  if (got == Line::kTooLong) {
    return fail(
        error, 400, kBadRequest,
        "The request line is longer than " + std::to_string(limits_.max_request_line) + " bytes");
  }
  if (got == Line::kBadEnding) {
    return fail(error, 400, kBadRequest, "The request line does not end in CRLF");
  }
  if (line.empty()) {
    if (++leading_blank_lines_ > kMaxLeadingBlankLines) {
      return fail(error, 400, kBadRequest, "Too many blank lines before the request line");
    }
    return std::nullopt;
  }
  start_request();
  if (parse_request_line(line, error) == Step::kError) return Step::kError;
  state_ = State::kHeaders;
  return std::nullopt;
}

std::optional<RequestFramer::Step> RequestFramer::read_header_line(FramedRequest& request,
                                                                   FramingError& error) {
  const size_t room = limits_.max_header_bytes - std::min(header_bytes_, limits_.max_header_bytes);
  std::string_view line;
  const Line got = take_line(room, line);
  if (got == Line::kIncomplete) return Step::kNeedMore;
  if (got == Line::kTooLong) {
    return fail(error, 431, kHeadersTooLarge,
                std::string(state_ == State::kTrailers ? "The trailer" : "The header block") +
                    " is longer than " + std::to_string(limits_.max_header_bytes) + " bytes");
  }
  if (got == Line::kBadEnding) {
    return fail(error, 400, kBadRequest, "A header line does not end in CRLF");
  }
  header_bytes_ += line.size() + 2;
  if (line.empty()) {
    if (state_ == State::kTrailers) return deliver(request);
    const Step step = finish_head(request, error);
    if (step != Step::kNeedMore) return step;
    return std::nullopt;  // on to the body
  }
  if (parse_header_line(line, error) == Step::kError) return Step::kError;
  return std::nullopt;
}

std::optional<RequestFramer::Step> RequestFramer::read_chunk_size(FramingError& error) {
  std::string_view line;
  const Line got = take_line(limits_.max_chunk_line, line);
  if (got == Line::kIncomplete) return Step::kNeedMore;
  if (got != Line::kComplete) {
    return fail(error, 400, kBadRequest, "A chunk-size line is too long or not ended by CRLF");
  }
  size_t digits = 0;
  uint64_t size = 0;
  while (digits < line.size() && hex_value(line[digits]) >= 0) {
    size = size * 16 + static_cast<uint64_t>(hex_value(line[digits]));
    if (++digits > kMaxChunkSizeDigits) {
      return fail(error, 400, kBadRequest, "A chunk size has more than 16 hex digits");
    }
  }
  if (digits == 0) return fail(error, 400, kBadRequest, "A chunk size is not hexadecimal");
  const std::string_view rest = wire::trim_left(line.substr(digits));
  if (!rest.empty() && (rest.front() != ';' || !is_field_value(rest))) {
    return fail(error, 400, kBadRequest, "A chunk size is followed by something else");
  }
  if (size > limits_.max_body_bytes - current_.body.size()) {
    return fail(error, 413, kTooLarge,
                "The request body is larger than the limit of " +
                    std::to_string(limits_.max_body_bytes) + " bytes");
  }
  if (size == 0) {
    header_bytes_ = 0;
    header_count_ = 0;
    state_ = State::kTrailers;
  } else {
    body_remaining_ = static_cast<size_t>(size);
    state_ = State::kChunkData;
  }
  return std::nullopt;
}

std::optional<RequestFramer::Step> RequestFramer::read_chunk_data_end(FramingError& error) {
  if (buffer_.size() - pos_ < 2) {
    if (pos_ < buffer_.size() && buffer_[pos_] != '\r') {
      return fail(error, 400, kBadRequest, "Chunk data is not followed by CRLF");
    }
    return Step::kNeedMore;
  }
  if (buffer_[pos_] != '\r' || buffer_[pos_ + 1] != '\n') {
    return fail(error, 400, kBadRequest, "Chunk data is not followed by CRLF");
  }
  pos_ += 2;
  scan_ = pos_;
  state_ = State::kChunkSize;
  return std::nullopt;
}

}  // namespace lpe::mock::internal
