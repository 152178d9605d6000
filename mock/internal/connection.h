// One connection of the mock's server: its socket, its request framer, the output waiting for
// the peer and the deadlines the sweeper enforces (mock/server.cc).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "mock/internal/access_log.h"
#include "mock/internal/http_framing.h"

namespace lpe::mock::internal {

// One accepted connection. Its mutex is held by whoever works on it: the worker that epoll woke
// (EPOLLONESHOT makes that one thread) or the sweeper.
struct Connection {
  Connection(int socket, uint64_t connection_id, internal::FramingLimits limits,
             RequestFramer::BodyPolicy policy)
      : fd(socket),
        id(connection_id),
        framer(limits, std::move(policy)),
        idle_since(std::chrono::steady_clock::now()) {}

  std::mutex mutex;
  const int fd;
  const uint64_t id;
  RequestFramer framer;
  std::string out;  // response bytes not yet sent
  size_t out_pos = 0;
  std::chrono::steady_clock::time_point idle_since;  // no request in progress since then
  std::optional<std::chrono::steady_clock::time_point>
      request_start;                                   // first byte of the request in progress
  std::chrono::steady_clock::time_point output_since;  // output has waited for the peer since then
  // A response held back by a latency fault: the connection is out of epoll until it is sent.
  bool delayed = false;
  std::chrono::steady_clock::time_point release_at;
  std::string delayed_bytes;
  LogRecord delayed_log;
  bool close_after_output = false;
  bool lingering = false;  // answered and shut down for writing; input is discarded
  std::chrono::steady_clock::time_point linger_since;
  bool peer_closed = false;
  bool closed = false;
  size_t served = 0;

  bool output_pending() const { return out_pos < out.size(); }
};

}  // namespace lpe::mock::internal
