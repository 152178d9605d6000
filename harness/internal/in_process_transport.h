// A transport for tests: each request is answered in process by a function, without sockets, so
// that the harness's pieces (judge, recorder, pagination walks, token checks, request families)
// can be unit-tested against a handler written in a few lines.
//
// The Received it gives is the one HttpClient gives for the same response: the request is
// prepared the same way (Host header, the endpoint's base path, SigV4 signing when the settings
// carry credentials), refused the same way (control characters), its exchange redacted and the
// run's secrets masked the same way, the rate limiter and the stop time honoured. What differs,
// because there is no wire: the handler sees no Content-Length header, its response is taken as
// given (no framing, no header bounds, no interim responses, no Content-Length added), and a body
// over ClientSettings::max_response_bytes is a transport error as on the wire. A handler that
// throws gives a transport error that names the exception.
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include "harness/internal/http_client.h"
#include "harness/internal/transport.h"

namespace lpe::harness::internal {

// Answers one request. It receives the request as the endpoint would see it: the path with the
// base path, the Host header and, on a signing run, the signature headers.
using RequestHandler = std::function<wire::HttpResponse(const OutgoingRequest&)>;

class InProcessTransport final : public Transport {
 public:
  InProcessTransport(ClientSettings settings, RequestHandler handler);

  Received send(const OutgoingRequest& request, SteadyTime stop_at) override;

 private:
  ClientSettings settings_;
  SecretMasker masker_;
  RequestHandler handler_;
};

// A factory for Session::transport_factory: every transport answers through `handler` (which
// must then be safe to call from several workers at once) and counts into `*sent` when given.
TransportFactory in_process_transports(ClientSettings settings, RequestHandler handler,
                                       std::shared_ptr<std::atomic<uint64_t>> sent = nullptr);

}  // namespace lpe::harness::internal
