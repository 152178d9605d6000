// The bytes of one HTTP/1.1 response of the mock's server: the transport owns the framing
// headers, the handler everything else.
#pragma once

#include <string>
#include <string_view>

#include "mock/mock.h"

namespace lpe::mock::internal {

// Appends to `out` the status line, the handler's headers (never its Content-Length,
// Transfer-Encoding or Connection), Content-Length, `Connection: close` when the connection ends
// after it (else `Keep-Alive: <keep_alive>`), then the body (none for HEAD).
void serialize_response(const MockResponse& answer, bool close, bool head_only,
                        std::string_view keep_alive, std::string& out);

}  // namespace lpe::mock::internal
