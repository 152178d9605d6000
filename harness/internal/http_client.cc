#include "harness/internal/http_client.h"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <thread>

#include "wire/sigv4.h"

namespace lpe::harness::internal {

void RateLimiter::acquire() {
  if (rate_ <= 0) return;
  std::chrono::steady_clock::time_point slot;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (next_ < now) next_ = now;
    slot = next_;
    next_ += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(1.0 / rate_));
  }
  std::this_thread::sleep_until(slot);
}

std::string Endpoint::host_header() const {
  const bool v6 = host.find(':') != std::string::npos;
  std::string h = v6 ? "[" + host + "]" : host;
  const bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  if (!default_port) h += ":" + std::to_string(port);
  return h;
}

std::string Endpoint::origin() const {
  const bool v6 = host.find(':') != std::string::npos;
  return scheme + "://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool Endpoint::is_loopback() const {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::variant<Endpoint, std::string> parse_endpoint(std::string_view url) {
  Endpoint e;
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos)
    return std::string("endpoint must start with http:// or https://");
  e.scheme = std::string(url.substr(0, scheme_end));
  if (e.scheme != "http" && e.scheme != "https") {
    return "unsupported scheme '" + e.scheme + "' (use http or https)";
  }
  std::string_view rest = url.substr(scheme_end + 3);
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    e.base_path = std::string(rest.substr(slash));
    while (!e.base_path.empty() && e.base_path.back() == '/') e.base_path.pop_back();
  }
  if (authority.empty()) return std::string("endpoint has no host");
  std::string_view port_text;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos)
      return std::string("unterminated IPv6 address in endpoint");
    e.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::string("unexpected text after the IPv6 address");
      port_text = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.rfind(':');
    e.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (e.host.empty()) return std::string("endpoint has no host");
  if (port_text.empty()) {
    e.port = e.scheme == "https" ? 443 : 80;
  } else {
    int port = 0;
    const auto [p, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || p != port_text.data() + port_text.size() || port < 1 || port > 65535) {
      return "invalid port '" + std::string(port_text) + "' in endpoint";
    }
    e.port = port;
  }
  return e;
}

HeaderList redact(const HeaderList& headers) {
  HeaderList out;
  out.reserve(headers.size());
  for (const auto& [k, v] : headers) out.emplace_back(k, wire::redact_header(k, v));
  return out;
}

HttpClient::HttpClient(ClientSettings settings) : settings_(std::move(settings)) {
  client_ = std::make_unique<httplib::Client>(settings_.endpoint.origin());
  client_->set_keep_alive(true);
  client_->set_tcp_nodelay(true);
  const auto secs = settings_.timeout.count() / 1000;
  const auto usecs = (settings_.timeout.count() % 1000) * 1000;
  client_->set_connection_timeout(secs, usecs);
  client_->set_read_timeout(secs, usecs);
  client_->set_write_timeout(secs, usecs);
  client_->set_follow_location(false);
}

HttpClient::~HttpClient() = default;

Received HttpClient::send(const OutgoingRequest& request) {
  if (settings_.limiter) settings_.limiter->acquire();
  ++sent_;
  HeaderList headers;
  headers.emplace_back("Host", settings_.endpoint.host_header());
  for (const auto& h : request.headers) headers.push_back(h);
  const std::string path = settings_.endpoint.base_path + request.path;
  if (request.sign && settings_.sigv4) {
    wire::HttpRequestView view{request.method, path, headers, request.body};
    const auto& signing = *settings_.sigv4;
    wire::sign_request(view, request.credentials.value_or(signing.credentials), signing.region,
                       signing.service,
                       request.signing_time.value_or(std::chrono::system_clock::now()));
    headers = std::move(view.headers);
  }
  Received out;
  out.exchange.method = request.method;
  out.exchange.path = path;
  out.exchange.request_headers = redact(headers);
  out.exchange.request_body = request.body;

  httplib::Request req;
  req.method = request.method;
  req.path = path;
  for (const auto& [k, v] : headers) req.headers.emplace(k, v);
  req.body = request.body;
  std::string body;
  bool too_large = false;
  const size_t cap = settings_.max_response_bytes;
  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    if (body.size() + n > cap) {
      too_large = true;
      return false;
    }
    body.append(data, n);
    return true;
  };
  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  const bool ok = client_->send(req, res, error);
  if (!ok || too_large) {
    out.exchange.transport_error =
        too_large ? "response body larger than " + std::to_string(cap) + " bytes"
                  : "no valid HTTP response: " + httplib::to_string(error);
    if (too_large) out.exchange.status = 0;
    // Start afresh: the connection state is unknown after an error.
    client_->stop();
    return out;
  }
  out.response.status = res.status;
  for (const auto& [k, v] : res.headers) out.response.headers.emplace_back(k, v);
  out.response.body = std::move(body);
  out.exchange.status = res.status;
  out.exchange.response_headers = out.response.headers;
  out.exchange.response_body = out.response.body;
  return out;
}

}  // namespace lpe::harness::internal
