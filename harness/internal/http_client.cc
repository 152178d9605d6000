#include "harness/internal/http_client.h"

#include <algorithm>
#include <thread>

#include "harness/internal/connection.h"
#include "harness/internal/response_reader.h"
#include "wire/sigv4.h"
#include "wire/text.h"

namespace lpe::harness::internal {

bool RateLimiter::acquire(SteadyTime stop_at) {
  if (rate_ <= 0) return true;
  std::chrono::steady_clock::time_point slot;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (next_ < now) next_ = now;
    slot = next_;
    if (slot > stop_at) return false;
    next_ += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(1.0 / rate_));
  }
  std::this_thread::sleep_until(slot);
  return true;
}

wire::HeaderList redact(const wire::HeaderList& headers) {
  wire::HeaderList out;
  out.reserve(headers.size());
  for (const auto& [k, v] : headers) out.emplace_back(k, wire::redact_header(k, v));
  return out;
}

SecretMasker secret_masker(const std::optional<SigningOptions>& sigv4) {
  SecretMasker masker;
  if (sigv4) {
    masker.add(sigv4->credentials.secret_access_key);
    masker.add(sigv4->credentials.session_token);
  }
  return masker;
}

namespace {

// The request as bytes on the wire: request line, headers, a Content-Length when the caller set
// none and the method carries a body, blank line, body.
std::string serialize_request(const std::string& method, const PreparedRequest& prepared,
                              const std::string& body) {
  std::string out;
  size_t size = method.size() + prepared.path.size() + 64 + body.size();
  for (const auto& [k, v] : prepared.headers) size += k.size() + v.size() + 4;
  out.reserve(size);
  out.append(method).append(" ").append(prepared.path).append(" HTTP/1.1\r\n");
  bool has_length = false;
  for (const auto& [k, v] : prepared.headers) {
    out.append(k).append(": ").append(v).append("\r\n");
    has_length = has_length || wire::iequals(k, "Content-Length");
  }
  if (!has_length && (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")) {
    out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  out.append("\r\n").append(body);
  return out;
}

// Sends `request` and reads the response into `response` over `c` (a kept-alive connection when
// it is still open, else a new one), before the exchange's deadline and `stop_at`. A kept-alive
// connection the server closed meanwhile is retried once on a fresh one.
bool exchange(Connection& c, const ClientSettings& s, std::string_view request, bool head_request,
              SteadyTime stop_at, wire::HttpResponse& response, Failure& failure) {
  const SteadyTime exchange_deadline = std::chrono::steady_clock::now() + s.timeout;
  const SteadyTime deadline = std::min(exchange_deadline, stop_at);
  for (int attempt = 0;; ++attempt) {
    const bool reused = c.fd >= 0 && c.idle_and_open();
    Failure f;
    std::string error;
    if (!reused && !c.open(s.endpoint, deadline, error)) {
      f.interrupted = std::chrono::steady_clock::now() >= stop_at;
      f.reason = error == "connect timed out"
                     ? "no connection within " + seconds_text(s.timeout) + " (--timeout)"
                     : error;
      failure = std::move(f);
      return false;
    }
    if (!c.write_all(request, deadline, error)) {
      if (error == "timeout") {
        f.reason =
            "the request was not accepted within " + seconds_text(s.timeout) + " (--timeout)";
      } else {
        f.reason = error;
        f.retryable = reused;
      }
    } else {
      ResponseReader reader(c, s, deadline, head_request);
      bool keep_alive = true;
      if (reader.read(response, keep_alive, f)) {
        ++c.exchanges;
        // Stray bytes after a response would be read as the next one: never reuse then.
        if (!keep_alive || c.buffered() != 0) c.close_socket();
        return true;
      }
      f.retryable = f.retryable && reused;
    }
    f.interrupted = std::chrono::steady_clock::now() >= stop_at && stop_at < exchange_deadline;
    if (f.retryable && attempt == 0 && !f.interrupted) {
      c.close_socket();
      continue;
    }
    failure = std::move(f);
    return false;
  }
}

}  // namespace

HttpClient::HttpClient(ClientSettings settings)
    : settings_(std::move(settings)),
      masker_(secret_masker(settings_.sigv4)),
      connection_(std::make_unique<Connection>()) {}

HttpClient::~HttpClient() = default;

PreparedRequest prepare_request(const OutgoingRequest& request, const ClientSettings& settings) {
  PreparedRequest out;
  out.headers.emplace_back("Host", settings.endpoint.host_header());
  for (const auto& h : request.headers) out.headers.push_back(h);
  out.path = settings.endpoint.base_path + request.path;
  if (request.sign && settings.sigv4) {
    wire::HttpRequest view{request.method, out.path, out.headers, request.body};
    const auto& signing = *settings.sigv4;
    wire::sign_request(view, request.credentials.value_or(signing.credentials), signing.region,
                       signing.service,
                       request.signing_time.value_or(std::chrono::system_clock::now()));
    out.headers = std::move(view.headers);
  }
  return out;
}

std::optional<std::string> unsendable(const std::string& method, const PreparedRequest& prepared) {
  const auto unsafe = [](std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
      const auto u = static_cast<unsigned char>(c);
      return u < 0x20 && u != '\t';
    });
  };
  for (const auto& [k, v] : prepared.headers) {
    if (!wire::is_token(k) || unsafe(v)) {
      return "refusing to send header '" + k.substr(0, 80) +
             "': its name or value holds control characters";
    }
  }
  const std::string& path = prepared.path;
  if (!wire::is_token(method) || path.empty() || path.front() != '/' ||
      std::any_of(path.begin(), path.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u >= 0x7f;
      })) {
    return "refusing to send a request with method or path holding control characters";
  }
  return std::nullopt;
}

Exchange request_exchange(const OutgoingRequest& request, const PreparedRequest& prepared) {
  Exchange out;
  out.method = request.method;
  out.path = prepared.path;
  out.request_headers = redact(prepared.headers);
  out.request_body = request.body;
  return out;
}

void finish_received(Received& out, bool responded, const SecretMasker& masker) {
  // A peer reflecting a secret: masked in what is judged too, so that no message, report or
  // record quotes it, not even cut in half.
  if (!masker.empty()) {
    for (auto& [k, v] : out.response.headers) masker.mask_in_place(v);
    masker.mask_in_place(out.response.body);
  }
  if (responded) {
    out.exchange.status = out.response.status;
    out.exchange.response_headers = out.response.headers;
    out.exchange.response_body = out.response.body;
  }
  if (masker.empty()) return;
  for (auto& [k, v] : out.exchange.request_headers) masker.mask_in_place(v);
  masker.mask_in_place(out.exchange.request_body);
  masker.mask_in_place(out.exchange.transport_error);
}

Received HttpClient::send(const OutgoingRequest& request, SteadyTime stop_at) {
  Received out;
  ++sent_;
  const PreparedRequest prepared = prepare_request(request, settings_);
  out.exchange = request_exchange(request, prepared);
  Failure f;
  if (settings_.limiter && !settings_.limiter->acquire(stop_at)) {
    f.interrupted = true;
  } else if (auto refusal = unsendable(request.method, prepared)) {
    // Method, path and header text are refused when they could split the request.
    f.reason = std::move(*refusal);
  } else if (exchange(*connection_, settings_,
                      serialize_request(request.method, prepared, request.body),
                      request.method == "HEAD", stop_at, out.response, f)) {
    finish_received(out, true, masker_);
    return out;
  }
  out.exchange.status = 0;
  out.interrupted = f.interrupted;
  out.exchange.transport_error = f.interrupted
                                     ? "stopped at --max-time before the exchange completed"
                                 : f.too_large ? f.reason
                                               : "no valid HTTP response: " + f.reason;
  connection_->close_socket();  // the connection state is unknown after an error
  finish_received(out, false, masker_);
  return out;
}

}  // namespace lpe::harness::internal
