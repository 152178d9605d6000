// The in-process transport: HttpClient's request preparation and masking around a function call.
#include "harness/internal/in_process_transport.h"

#include <exception>
#include <string>
#include <utility>

namespace lpe::harness::internal {

InProcessTransport::InProcessTransport(ClientSettings settings, RequestHandler handler)
    : settings_(std::move(settings)),
      masker_(secret_masker(settings_.sigv4)),
      handler_(std::move(handler)) {}

Received InProcessTransport::send(const OutgoingRequest& request, SteadyTime stop_at) {
  Received out;
  const PreparedRequest prepared = prepare_request(request, settings_);
  out.exchange = request_exchange(request, prepared);
  const auto fail = [&](std::string reason, bool interrupted) {
    out.exchange.status = 0;
    out.interrupted = interrupted;
    out.exchange.transport_error =
        interrupted ? "stopped at --max-time before the exchange completed" : std::move(reason);
    out.response = wire::HttpResponse{};
    finish_received(out, false, masker_);
    return out;
  };
  if (settings_.limiter && !settings_.limiter->acquire(stop_at)) return fail("", true);
  if (std::chrono::steady_clock::now() >= stop_at) return fail("", true);
  if (auto refusal = unsendable(request.method, prepared))
    return fail("no valid HTTP response: " + *refusal, false);
  OutgoingRequest seen;
  seen.method = request.method;
  seen.path = prepared.path;
  seen.headers = prepared.headers;
  seen.body = request.body;
  seen.sign = false;
  try {
    out.response = handler_(seen);
  } catch (const std::exception& e) {
    return fail(std::string("no valid HTTP response: the handler threw: ") + e.what(), false);
  }
  if (out.response.status < 100 || out.response.status > 999)
    return fail("no valid HTTP response: status " + std::to_string(out.response.status), false);
  if (out.response.body.size() > settings_.max_response_bytes) {
    return fail(
        "response body larger than " + std::to_string(settings_.max_response_bytes) + " bytes",
        false);
  }
  finish_received(out, true, masker_);
  return out;
}

TransportFactory in_process_transports(ClientSettings settings, RequestHandler handler,
                                       std::shared_ptr<std::atomic<uint64_t>> sent) {
  return [settings = std::move(settings), handler = std::move(handler), sent] {
    RequestHandler counted = handler;
    if (sent) {
      counted = [handler, sent](const OutgoingRequest& r) {
        sent->fetch_add(1);
        return handler(r);
      };
    }
    return std::unique_ptr<Transport>(std::make_unique<InProcessTransport>(settings, counted));
  };
}

}  // namespace lpe::harness::internal
