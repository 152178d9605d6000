// The mock server's listening socket.
#pragma once

#include <string>

#include "base/result.h"

namespace lpe::mock::internal {

// A non-blocking listening TCP socket bound to `host`:`port` (0: a free port), or why not
// ("cannot listen on HOST:PORT: why"). `bound_port` receives the port bound.
Result<int> listen_socket(const std::string& host, int port, int& bound_port);

}  // namespace lpe::mock::internal
