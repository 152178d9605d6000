// One TCP connection of the harness's HTTP client, with its read buffer. Every wait is a poll()
// bounded by a deadline; the host name is resolved once per connection object and kept across
// reconnections.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/internal/endpoint.h"

namespace lpe::harness::internal {

struct Connection {
  using Deadline = std::chrono::steady_clock::time_point;

  int fd = -1;
  std::string in;  // bytes received and not consumed yet (from `pos`)
  size_t pos = 0;
  uint64_t exchanges = 0;  // completed on this connection

  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() { close_socket(); }

  // Closes the socket and forgets what was buffered.
  void close_socket();
  size_t buffered() const { return in.size() - pos; }
  // Drops consumed bytes once they are all consumed or many.
  void compact();

  // Connects to one of the resolved addresses before `deadline`.
  bool open(const Endpoint& endpoint, Deadline deadline, std::string& error);
  // Sends all of `data`; false with `error` on a failure or the deadline ("timeout").
  bool write_all(std::string_view data, Deadline deadline, std::string& error);
  // Reads more bytes into `in`: > 0 bytes read, 0 the peer closed, -1 error (`error` set),
  // -2 the deadline passed.
  ssize_t fill(Deadline deadline, std::string& error);
  // True when an idle kept-alive connection is still usable (no EOF, no stray bytes).
  bool idle_and_open();

  // One resolved address of the endpoint.
  struct Address {
    int family = 0;
    sockaddr_storage address{};
    socklen_t length = 0;
  };

 private:
  // Waits for `events`; false when the deadline passed first.
  bool wait(short events, Deadline deadline);

  std::vector<Address> addresses_;  // resolved once per client, kept across reconnections
  // recv lands here and only the bytes received are appended to `in`: growing `in` by a whole
  // chunk before each recv zero-filled 16 KiB per read, a tenth of the harness's CPU.
  std::unique_ptr<char[]> chunk_;
};

}  // namespace lpe::harness::internal
