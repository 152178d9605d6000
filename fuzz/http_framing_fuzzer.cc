// http_framing: the bytes of one connection through the mock server's reading layer
// (mock::internal::RequestFramer, the code MockServer runs on every byte it receives).
//
// Input (read by FuzzInput): a control byte, then the connection's bytes. The control byte picks
//   bits 0-1  the limits: 0 and 1 the server's defaults, 2 small ones (request line 64, header
//             block 128, 4 headers, body 64, chunk line 16) so every limit is reachable in short
//             inputs, 3 tiny ones (request line 24, header block 32, 1 header, body 8);
//   bit 2     a body policy like the server's (only POST /ListParticipantEvents reads its body);
//   bits 3-7  how the bytes are cut into reads: one read of everything, or pieces whose sizes come
//             from a small cycle seeded by these bits (1 byte at a time included).
//
// Properties:
//  - never crashes, never loops: each next() consumes or stops; after kError or kClosed every
//    further next() is kClosed and feeding changes nothing;
//  - how the bytes are cut into reads changes nothing: the requests and the final error are the
//    same as when everything arrives in one read (no state depends on segment boundaries);
//  - what the buffer holds while waiting stays within the limits plus one read;
//  - every request is well framed: method a token, target visible ASCII, header names tokens,
//    values without CR, LF, NUL or other controls, the body within the limit, exactly one Host on
//    HTTP/1.1, never Content-Length together with Transfer-Encoding, at most one Content-Length
//    and, when present and the body was read, a body of exactly that length; a request whose
//    body was left unread ends the connection;
//  - every error has a 4xx/5xx status among 400, 413, 431, 501, 505, an error type ending in
//    `Exception` and a printable message that quotes no input byte.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "mock/internal/http_framing.h"
#include "wire/http.h"
#include "wire/text.h"

namespace {

using lpe::fuzz::escape;
using lpe::fuzz::FuzzInput;
using lpe::mock::internal::FramedRequest;
using lpe::mock::internal::FramingError;
using lpe::mock::internal::FramingLimits;
using lpe::mock::internal::RequestFramer;
using lpe::wire::iequals;
using lpe::wire::is_token;

// Several pipelined requests with bodies fit. Longer inputs only repeat what shorter ones reach:
// the small and tiny limits make every bound reachable well within it.
constexpr size_t kMaxInputSize = 8192;

// A comparable summary of what a connection's bytes gave.
struct Outcome {
  std::vector<FramedRequest> requests;
  bool failed = false;
  FramingError error;
};

std::string describe(const FramedRequest& r) {
  std::string out = escape(r.method, 64) + " " + escape(r.target, 128) + " 1." +
                    std::to_string(r.minor_version) + (r.keep_alive ? " keep-alive" : " close") +
                    (r.body_unread ? " body-unread" : "") + "\n";
  for (const auto& [n, v] : r.headers) out += "  " + escape(n, 64) + ": " + escape(v, 128) + "\n";
  out += "  body " + std::to_string(r.body.size()) + " bytes: " + escape(r.body, 128) + "\n";
  return out;
}

std::string describe(const Outcome& o) {
  std::string out;
  for (const auto& r : o.requests) out += describe(r);
  if (o.failed) {
    out += "error " + std::to_string(o.error.status) + " " + o.error.error_type + ": " +
           o.error.message + "\n";
  }
  return out;
}

bool same(const FramedRequest& a, const FramedRequest& b) {
  return a.method == b.method && a.target == b.target && a.minor_version == b.minor_version &&
         a.headers == b.headers && a.body == b.body && a.body_unread == b.body_unread &&
         a.keep_alive == b.keep_alive;
}

void check_request(const FramedRequest& r, const FramingLimits& limits) {
  const std::string what = describe(r);
  LPE_FUZZ_CHECK(is_token(r.method), what);
  LPE_FUZZ_CHECK(!r.target.empty(), what);
  for (const char c : r.target) {
    const auto u = static_cast<unsigned char>(c);
    LPE_FUZZ_CHECK(u > 0x20 && u < 0x7f, what);
  }
  LPE_FUZZ_CHECK(r.minor_version >= 0 && r.minor_version <= 9, what);
  LPE_FUZZ_CHECK(r.body.size() <= limits.max_body_bytes, what);
  LPE_FUZZ_CHECK(r.headers.size() <= limits.max_header_count, what);
  size_t hosts = 0, lengths = 0, encodings = 0;
  std::string length_value;
  for (const auto& [name, value] : r.headers) {
    LPE_FUZZ_CHECK(is_token(name), what);
    for (const char c : value) {
      const auto u = static_cast<unsigned char>(c);
      LPE_FUZZ_CHECK((u >= 0x20 || u == '\t') && u != 0x7f, what);
    }
    LPE_FUZZ_CHECK(value.empty() || (value.front() != ' ' && value.front() != '\t' &&
                                     value.back() != ' ' && value.back() != '\t'),
                   what);
    if (iequals(name, "Host")) ++hosts;
    if (iequals(name, "Content-Length")) {
      ++lengths;
      length_value = value;
    }
    if (iequals(name, "Transfer-Encoding")) ++encodings;
  }
  if (r.minor_version >= 1) LPE_FUZZ_CHECK(hosts == 1, what);
  LPE_FUZZ_CHECK(hosts <= 1 && lengths <= 1 && encodings <= 1, what);
  LPE_FUZZ_CHECK(lengths == 0 || encodings == 0, what);
  if (lengths == 1 && !r.body_unread) {
    // At most 19 digits were accepted, so the value fits in 64 bits.
    uint64_t declared = 0;
    for (const char c : length_value) {
      LPE_FUZZ_CHECK(c >= '0' && c <= '9', what);
      declared = declared * 10 + static_cast<uint64_t>(c - '0');
    }
    LPE_FUZZ_CHECK(declared == r.body.size(), what);
  }
  if (r.body_unread) LPE_FUZZ_CHECK(r.body.empty() && !r.keep_alive, what);
}

void check_error(const FramingError& e) {
  const std::string what = std::to_string(e.status) + " " + e.error_type + ": " + e.message;
  LPE_FUZZ_CHECK(
      e.status == 400 || e.status == 413 || e.status == 431 || e.status == 501 || e.status == 505,
      what);
  LPE_FUZZ_CHECK(
      e.error_type.size() > 9 && e.error_type.compare(e.error_type.size() - 9, 9, "Exception") == 0,
      what);
  LPE_FUZZ_CHECK(!e.message.empty(), what);
  for (const char c : e.message) {
    const auto u = static_cast<unsigned char>(c);
    LPE_FUZZ_CHECK(u >= 0x20 && u < 0x7f, what);
  }
}

// Feeds `bytes` in pieces of the given sizes (cycled; empty = one piece) and collects the outcome.
Outcome run(std::string_view bytes, const FramingLimits& limits, bool policy,
            const std::vector<size_t>& pieces) {
  RequestFramer::BodyPolicy body_policy;
  if (policy) {
    body_policy = [](std::string_view method, std::string_view target) {
      return method == "POST" && target.substr(0, target.find('?')) == "/ListParticipantEvents";
    };
  }
  RequestFramer framer(limits, body_policy);
  Outcome out;
  size_t pos = 0;
  size_t piece = 0;
  bool done = false;
  const size_t head_bound = limits.max_request_line + limits.max_header_bytes + 4 * 1024;
  while (!done) {
    size_t n = bytes.size() - pos;
    if (!pieces.empty()) n = std::min(n, pieces[piece++ % pieces.size()]);
    framer.feed(bytes.substr(pos, n));
    pos += n;
    // Drain, as the server does after every read.
    for (int guard = 0;; ++guard) {
      LPE_FUZZ_CHECK(guard < 100000, "next() does not make progress");
      FramedRequest request;
      FramingError error;
      const auto step = framer.next(request, error);
      if (step == RequestFramer::Step::kRequest) {
        check_request(request, limits);
        const bool ends = !request.keep_alive;
        out.requests.push_back(std::move(request));
        if (ends) LPE_FUZZ_CHECK(framer.closed(), describe(out));
        continue;
      }
      if (step == RequestFramer::Step::kError) {
        check_error(error);
        out.failed = true;
        out.error = std::move(error);
        LPE_FUZZ_CHECK(framer.closed(), describe(out));
      }
      if (step == RequestFramer::Step::kNeedMore) {
        // Waiting: at most a bounded head, or a body within its limit, plus the last read.
        LPE_FUZZ_CHECK(framer.buffered() <= head_bound + limits.max_body_bytes + n,
                       std::to_string(framer.buffered()));
        framer.take_continue();
      }
      break;
    }
    if (framer.closed()) {
      FramedRequest request;
      FramingError error;
      framer.feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      LPE_FUZZ_CHECK(framer.next(request, error) == RequestFramer::Step::kClosed, describe(out));
      LPE_FUZZ_CHECK(framer.buffered() == 0, describe(out));
      done = true;
    }
    if (pos == bytes.size()) done = true;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInputSize) return -1;
  FuzzInput in(data, size);
  const uint8_t control = in.byte();
  const std::string_view bytes = in.rest();

  FramingLimits limits;
  switch (control & 3) {
    case 2:
      limits = {64, 128, 4, 64, 16};
      break;
    case 3:
      limits = {24, 32, 1, 8, 8};
      break;
    default:
      break;
  }
  const bool policy = (control & 4) != 0;
  const uint8_t cut = control >> 3;
  std::vector<size_t> pieces;
  if (cut != 0) {
    // A short cycle of piece sizes from 1 to 32, derived from the five bits.
    uint32_t state = cut * 2654435761u;
    for (int i = 0; i < 4; ++i) {
      state = state * 1103515245u + 12345u;
      pieces.push_back(cut == 1 ? 1 : 1 + (state >> 16) % 32);
    }
  }

  const Outcome whole = run(bytes, limits, policy, {});
  const Outcome cut_up = run(bytes, limits, policy, pieces);
  const std::string both = "whole:\n" + describe(whole) + "cut:\n" + describe(cut_up);
  LPE_FUZZ_CHECK(whole.requests.size() == cut_up.requests.size(), both);
  for (size_t i = 0; i < whole.requests.size(); ++i) {
    LPE_FUZZ_CHECK(same(whole.requests[i], cut_up.requests[i]), both);
  }
  LPE_FUZZ_CHECK(whole.failed == cut_up.failed, both);
  if (whole.failed) {
    LPE_FUZZ_CHECK(whole.error.status == cut_up.error.status &&
                       whole.error.error_type == cut_up.error.error_type &&
                       whole.error.message == cut_up.error.message,
                   both);
  }
  return 0;
}
