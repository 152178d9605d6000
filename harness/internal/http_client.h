// The harness's HTTP side: a bounded HTTP/1.1 client of its own (non-blocking socket, poll with
// deadlines), one keep-alive connection per worker (TCP_NODELAY), optional SigV4 signing through
// wire/ and a shared rate limiter. A hostile endpoint cannot hang or bloat it: every exchange
// (connect, send, interim responses, headers, body) has one hard deadline, the header block is
// bounded in size and count, interim (1xx) responses are capped, bodies are capped, and a
// run-wide stop time (--max-time) interrupts an exchange in flight.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "harness/harness.h"
#include "harness/internal/endpoint.h"
#include "harness/internal/text_safety.h"
#include "harness/internal/transport.h"
#include "wire/http.h"

namespace lpe::harness::internal {

// Spaces requests out to at most `rate` per second across all workers.
class RateLimiter {
 public:
  explicit RateLimiter(double rate) : rate_(rate) {}
  // Waits for the next slot; false (without waiting past it) when the slot is after `stop_at`.
  bool acquire(SteadyTime stop_at = SteadyTime::max());

 private:
  double rate_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point next_ = std::chrono::steady_clock::now();
};

struct Connection;

struct ClientSettings {
  Endpoint endpoint;
  std::chrono::milliseconds timeout{10000};  // the whole exchange, connect to last body byte
  size_t max_response_bytes = 8u << 20;      // body (decoded)
  size_t max_header_bytes = 64u << 10;       // status line + header block of one response
  size_t max_header_count = 100;
  int max_interim_responses = 10;  // 1xx responses before the final one
  std::optional<SigningOptions> sigv4;
  std::shared_ptr<RateLimiter> limiter;  // may be null
};

// One connection's worth of client: the transport of a real run. Not thread-safe: one per worker.
class HttpClient final : public Transport {
 public:
  explicit HttpClient(ClientSettings settings);
  ~HttpClient() override;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // One exchange. `stop_at` is the run's stop time: reaching it interrupts the exchange
  // (Received::interrupted). Transport problems come back as Exchange::transport_error.
  Received send(const OutgoingRequest& request, SteadyTime stop_at) override;
  Received send(const OutgoingRequest& request) { return send(request, SteadyTime::max()); }
  uint64_t requests_sent() const { return sent_; }

 private:
  ClientSettings settings_;
  SecretMasker masker_;
  std::unique_ptr<Connection> connection_;
  uint64_t sent_ = 0;
};

// The request as it leaves the harness: the Host header and the endpoint's base path added,
// signed (SigV4) when the settings and the request say so.
struct PreparedRequest {
  std::string path;
  wire::HeaderList headers;
};
PreparedRequest prepare_request(const OutgoingRequest& request, const ClientSettings& settings);

// Why `prepared` cannot be sent (a method, path or header holding control characters or
// other bytes that could split the request), or nothing when it can.
std::optional<std::string> unsendable(const std::string& method, const PreparedRequest& prepared);

// The request side of the exchange reports show: method, path, redacted headers, body.
Exchange request_exchange(const OutgoingRequest& request, const PreparedRequest& prepared);

// Fills the exchange's response side from `out.response` when the peer `responded`, and masks the
// run's secrets wherever they appear in `out`: request headers and body, transport error,
// response headers and body.
void finish_received(Received& out, bool responded, const SecretMasker& masker);

// Headers with secrets masked (Authorization, security tokens), for exchanges in reports.
wire::HeaderList redact(const wire::HeaderList& headers);

// The secret values of a run (secret access key, session token) as a masker.
SecretMasker secret_masker(const std::optional<SigningOptions>& sigv4);

}  // namespace lpe::harness::internal
