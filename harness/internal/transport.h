// The seam between the harness and the endpoint: a Transport carries one request to the endpoint
// and brings back what came of it. HttpClient is the transport of a real run (a bounded HTTP/1.1
// client over a socket); tests answer requests in process through the same interface, so the
// check families run unchanged against a handler without sockets.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/harness.h"
#include "wire/http.h"
#include "wire/sigv4.h"

namespace lpe::harness::internal {

using SteadyTime = std::chrono::steady_clock::time_point;

// A request to send. Headers are sent exactly as given (plus Host, Content-Length and the
// signature headers); a method, path or header holding control characters is refused, never sent.
struct OutgoingRequest {
  std::string method = "POST";
  std::string path;
  wire::HeaderList headers;
  std::string body;
  bool sign = true;  // sign when the run has SigV4 credentials
  // Signing overrides for auth checks: other credentials, another clock.
  std::optional<wire::Credentials> credentials;
  std::optional<std::chrono::system_clock::time_point> signing_time;
};

// The full response (for judging) plus the exchange as reports show it (secrets redacted). The
// run's secret key and session token are masked in both, wherever a peer reflects them.
struct Received {
  Exchange exchange;
  wire::HttpResponse response;
  // The run's stop time (--max-time) came first: no verdict on the endpoint can be drawn.
  bool interrupted = false;
  bool transport_ok() const { return exchange.status != 0; }
};

// One worker's way to the endpoint. Not thread-safe: one per worker.
class Transport {
 public:
  virtual ~Transport() = default;
  // One exchange. `stop_at` is the run's stop time: reaching it interrupts the exchange
  // (Received::interrupted). Transport problems come back as Exchange::transport_error.
  virtual Received send(const OutgoingRequest& request, SteadyTime stop_at) = 0;
};

// Makes one transport per worker.
using TransportFactory = std::function<std::unique_ptr<Transport>()>;

}  // namespace lpe::harness::internal
