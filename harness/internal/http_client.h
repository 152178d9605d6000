// The harness's HTTP side: one keep-alive connection per worker (TCP_NODELAY), optional SigV4
// signing through wire/, a shared rate limiter, per-request timeouts and a response size cap.
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
#include "validators/validators.h"

namespace httplib {
class Client;
}

namespace lpe::harness::internal {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A request to send. Headers are sent exactly as given (plus Host and the signature headers).
struct OutgoingRequest {
  std::string method = "POST";
  std::string path;
  HeaderList headers;
  std::string body;
  bool sign = true;  // sign when the run has SigV4 credentials
  // Signing overrides for auth checks: other credentials, another clock.
  std::optional<wire::Credentials> credentials;
  std::optional<std::chrono::system_clock::time_point> signing_time;
};

// The full response (for judging) plus the exchange as reports show it (secrets redacted).
struct Received {
  Exchange exchange;
  validators::HttpResponse response;
  bool transport_ok() const { return exchange.status != 0; }
};

// Spaces requests out to at most `rate` per second across all workers.
class RateLimiter {
 public:
  explicit RateLimiter(double rate) : rate_(rate) {}
  void acquire();

 private:
  double rate_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point next_ = std::chrono::steady_clock::now();
};

// The parts of an endpoint URL.
struct Endpoint {
  std::string scheme;  // "http" / "https"
  std::string host;    // without brackets for IPv6
  int port = 0;
  std::string base_path;  // "" or "/prefix"
  std::string host_header() const;
  std::string origin() const;  // scheme://host:port
  bool is_loopback() const;
};

// Parses "http(s)://host[:port][/base]"; the error says what is wrong.
std::variant<Endpoint, std::string> parse_endpoint(std::string_view url);

struct ClientSettings {
  Endpoint endpoint;
  std::chrono::milliseconds timeout{10000};
  size_t max_response_bytes = 8u << 20;
  std::optional<SigningOptions> sigv4;
  std::shared_ptr<RateLimiter> limiter;  // may be null
};

// One connection's worth of client. Not thread-safe: one per worker.
class HttpClient {
 public:
  explicit HttpClient(ClientSettings settings);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Received send(const OutgoingRequest& request);
  uint64_t requests_sent() const { return sent_; }

 private:
  ClientSettings settings_;
  std::unique_ptr<httplib::Client> client_;
  uint64_t sent_ = 0;
};

// Headers with secrets masked (Authorization, security tokens), for exchanges in reports.
HeaderList redact(const HeaderList& headers);

}  // namespace lpe::harness::internal
