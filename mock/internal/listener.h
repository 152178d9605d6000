// The mock server's listening socket.
#pragma once

#include <string>

namespace lpe::mock::internal {

// A non-blocking listening TCP socket bound to `host`:`port` (0: a free port), or -1 with
// `error` set ("cannot listen on HOST:PORT: why"). `bound_port` receives the port bound.
int listen_socket(const std::string& host, int port, int& bound_port, std::string& error);

}  // namespace lpe::mock::internal
