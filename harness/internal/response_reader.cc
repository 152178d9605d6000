#include "harness/internal/response_reader.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "wire/text.h"

namespace lpe::harness::internal {

using wire::iequals;
using wire::trim;

std::string seconds_text(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

void ResponseReader::timed_out(const char* what, Failure& failure) const {
  failure.reason =
      "no complete response within " + seconds_text(s_.timeout) + " (--timeout): timed out " + what;
}

void ResponseReader::too_large(Failure& failure) const {
  failure.reason = "response body larger than " + std::to_string(s_.max_response_bytes) + " bytes";
  failure.too_large = true;
}

ResponseReader::Got ResponseReader::line(std::string_view& text, size_t limit, const char* what,
                                         Failure& failure) {
  size_t scanned = 0;
  while (true) {
    const char* begin = c_.in.data() + c_.pos;
    const size_t avail = c_.buffered();
    const void* nl = std::memchr(begin + scanned, '\n', avail - scanned);
    if (nl != nullptr) {
      const size_t len = static_cast<size_t>(static_cast<const char*>(nl) - begin);
      if (len + 1 > limit) break;
      text = std::string_view(begin, len);
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      c_.pos += len + 1;
      head_bytes_ += len + 1;
      return Got::kLine;
    }
    scanned = avail;
    if (avail > limit) break;
    std::string error;
    const ssize_t n = c_.fill(deadline_, error);
    if (n > 0) {
      bytes_seen_ += static_cast<size_t>(n);
      continue;
    }
    if (n == 0) return Got::kEof;
    if (n == -2) {
      timed_out(what, failure);
    } else {
      failure.reason = "connection error " + std::string(what) + ": " + error;
    }
    return Got::kError;
  }
  failure.reason = "response header block larger than " + std::to_string(s_.max_header_bytes) +
                   " bytes (a line " + what + " did not end)";
  return Got::kError;
}

bool ResponseReader::need(size_t n, const char* what, Failure& failure) {
  while (c_.buffered() < n) {
    std::string error;
    const ssize_t got = c_.fill(deadline_, error);
    if (got > 0) {
      bytes_seen_ += static_cast<size_t>(got);
      continue;
    }
    if (got == 0) {
      failure.reason = std::string("the connection closed ") + what;
    } else if (got == -2) {
      timed_out(what, failure);
    } else {
      failure.reason = "connection error " + std::string(what) + ": " + error;
    }
    return false;
  }
  return true;
}

bool ResponseReader::read_head(wire::HttpResponse& out, int& minor, Failure& failure) {
  int interim = 0;
  while (true) {
    head_bytes_ = 0;
    out.headers.clear();
    std::string_view status_line;
    const Got got = line(status_line, s_.max_header_bytes, "reading the status line", failure);
    if (got == Got::kEof) {
      failure.reason = bytes_seen_ == 0 ? "the connection closed before a response"
                                        : "the connection closed in the status line";
      failure.retryable = bytes_seen_ == 0;
      return false;
    }
    if (got == Got::kError) return false;
    // HTTP/1.x SP 3DIGIT [SP reason]
    if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." ||
        (status_line[7] != '0' && status_line[7] != '1') || status_line[8] != ' ' ||
        !std::isdigit(static_cast<unsigned char>(status_line[9])) ||
        !std::isdigit(static_cast<unsigned char>(status_line[10])) ||
        !std::isdigit(static_cast<unsigned char>(status_line[11])) ||
        (status_line.size() > 12 && status_line[12] != ' ')) {
      failure.reason = "malformed status line '" + std::string(status_line.substr(0, 80)) + "'";
      return false;
    }
    minor = status_line[7] - '0';
    out.status =
        (status_line[9] - '0') * 100 + (status_line[10] - '0') * 10 + (status_line[11] - '0');
    if (out.status < 100 || out.status > 599) {
      failure.reason = "status " + std::to_string(out.status) + " outside 100-599";
      return false;
    }
    // Header lines.
    while (true) {
      std::string_view text;
      if (head_bytes_ > s_.max_header_bytes) {
        failure.reason =
            "response header block larger than " + std::to_string(s_.max_header_bytes) + " bytes";
        return false;
      }
      const Got g = line(text, s_.max_header_bytes - std::min(head_bytes_, s_.max_header_bytes),
                         "reading the headers", failure);
      if (g == Got::kEof) {
        failure.reason = "the connection closed in the headers";
        return false;
      }
      if (g == Got::kError) return false;
      if (text.empty()) break;
      if (out.headers.size() >= s_.max_header_count) {
        failure.reason = "more than " + std::to_string(s_.max_header_count) + " response headers";
        return false;
      }
      if (text.front() == ' ' || text.front() == '\t') {
        failure.reason = "obsolete header line folding (RFC 9112 5.2)";
        return false;
      }
      const auto colon = text.find(':');
      if (colon == std::string_view::npos || colon == 0 ||
          !std::all_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(colon),
                       wire::is_token_char)) {
        failure.reason = "malformed header line '" + std::string(text.substr(0, 80)) + "'";
        return false;
      }
      out.headers.emplace_back(std::string(text.substr(0, colon)),
                               std::string(trim(text.substr(colon + 1))));
    }
    if (out.status >= 200) return true;
    if (out.status == 101) {
      failure.reason = "101 Switching Protocols (the harness speaks HTTP/1.1 only)";
      return false;
    }
    if (++interim > s_.max_interim_responses) {
      failure.reason = "more than " + std::to_string(s_.max_interim_responses) +
                       " interim (1xx) responses before the final one";
      return false;
    }
  }
}

bool ResponseReader::read_chunked(std::string& body, Failure& failure) {
  while (true) {
    std::string_view size_line;
    head_bytes_ = 0;
    const Got got = line(size_line, 1024, "reading a chunk size", failure);
    if (got == Got::kEof) {
      failure.reason = "the connection closed in a chunked body";
      return false;
    }
    if (got == Got::kError) return false;
    const auto semicolon = size_line.find(';');
    const std::string_view hex = trim(size_line.substr(0, semicolon));
    uint64_t size = 0;
    const auto [p, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), size, 16);
    if (hex.empty() || ec != std::errc() || p != hex.data() + hex.size()) {
      failure.reason = "malformed chunk size '" + std::string(size_line.substr(0, 40)) + "'";
      return false;
    }
    if (size == 0) break;
    if (size > s_.max_response_bytes - body.size()) {
      too_large(failure);
      return false;
    }
    if (!need(static_cast<size_t>(size) + 2, "in a chunk", failure)) return false;
    body.append(c_.in.data() + c_.pos, static_cast<size_t>(size));
    c_.pos += static_cast<size_t>(size);
    if (c_.in.compare(c_.pos, 2, "\r\n") != 0 && c_.in[c_.pos] != '\n') {
      failure.reason = "a chunk does not end with CRLF";
      return false;
    }
    c_.pos += c_.in[c_.pos] == '\n' ? 1 : 2;
  }
  // Trailer section, bounded like headers.
  head_bytes_ = 0;
  for (size_t count = 0;; ++count) {
    std::string_view text;
    if (count > s_.max_header_count || head_bytes_ > s_.max_header_bytes) {
      failure.reason = "trailer section over the header limits";
      return false;
    }
    const Got g = line(text, s_.max_header_bytes, "reading the trailers", failure);
    if (g == Got::kEof) {
      failure.reason = "the connection closed in the trailers";
      return false;
    }
    if (g == Got::kError) return false;
    if (text.empty()) return true;
  }
}

bool ResponseReader::read_framing(const wire::HeaderList& headers, int minor, Framing& framing,
                                  bool& keep_alive, Failure& failure) const {
  for (const auto& [name, value] : headers) {
    if (iequals(name, "Connection")) {
      const std::string v = wire::to_lower(value);
      if (v.find("close") != std::string::npos) keep_alive = false;
      if (v.find("keep-alive") != std::string::npos && minor == 0) keep_alive = true;
    } else if (iequals(name, "Transfer-Encoding")) {
      framing.transfer_encoding = true;
      const std::string v = wire::to_lower(trim(value));
      const auto comma = v.rfind(',');
      framing.chunked =
          trim(std::string_view(v).substr(comma == std::string::npos ? 0 : comma + 1)) == "chunked";
      if (!framing.chunked) keep_alive = false;  // the body runs to the end of the connection
    } else if (iequals(name, "Content-Length")) {
      uint64_t v = 0;
      const std::string_view text = trim(value);
      const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (text.empty() || ec != std::errc() || p != text.data() + text.size()) {
        failure.reason = "invalid Content-Length '" + std::string(text.substr(0, 40)) + "'";
        return false;
      }
      if (framing.has_length && v != framing.length) {
        failure.reason = "conflicting Content-Length headers";
        return false;
      }
      framing.has_length = true;
      framing.length = v;
    }
  }
  return true;
}

bool ResponseReader::read_sized(std::string& body, uint64_t length, Failure& failure) {
  if (length > s_.max_response_bytes) {
    too_large(failure);
    return false;
  }
  if (!need(static_cast<size_t>(length), "reading the body", failure)) return false;
  body.assign(c_.in.data() + c_.pos, static_cast<size_t>(length));
  c_.pos += static_cast<size_t>(length);
  return true;
}

bool ResponseReader::read_until_close(std::string& body, Failure& failure) {
  while (true) {
    if (c_.buffered() > s_.max_response_bytes) {
      too_large(failure);
      return false;
    }
    std::string error;
    const ssize_t n = c_.fill(deadline_, error);
    if (n > 0) {
      bytes_seen_ += static_cast<size_t>(n);
      continue;
    }
    if (n == -2) {
      timed_out("reading a body that ends at close", failure);
      return false;
    }
    if (n == -1) {
      failure.reason = "connection error reading the body: " + error;
      return false;
    }
    body.assign(c_.in.data() + c_.pos, c_.buffered());
    c_.pos = c_.in.size();
    return true;
  }
}

bool ResponseReader::read(wire::HttpResponse& out, bool& keep_alive, Failure& failure) {
  int minor = 1;
  if (!read_head(out, minor, failure)) return false;
  keep_alive = minor == 1;
  Framing framing;
  if (!read_framing(out.headers, minor, framing, keep_alive, failure)) return false;
  if (head_request_ || out.status == 204 || out.status == 304) return true;
  if (framing.chunked) {
    if (framing.has_length) keep_alive = false;  // RFC 9112 6.3: chunked wins; do not reuse
    return read_chunked(out.body, failure);
  }
  if (framing.has_length && !framing.transfer_encoding) {
    return read_sized(out.body, framing.length, failure);
  }
  // No framing: the body ends when the peer closes.
  keep_alive = false;
  return read_until_close(out.body, failure);
}

}  // namespace lpe::harness::internal
