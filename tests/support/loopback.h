// Raw sockets on 127.0.0.1 for tests that play a hostile or minimal HTTP peer: a server on a
// free port that runs a function per connection, and a client that sends exact bytes and reads
// what comes back, each bounded in time. Nothing here leaves the loopback interface.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace lpe::test_support {

// Writes all of `data` to a blocking socket; false when the peer went away.
inline bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// The size of the first whole HTTP message in `buffered` (head, blank line and a
// `Content-Length: N` body), or 0 while it is incomplete.
inline size_t whole_message_size(const std::string& buffered) {
  const auto end = buffered.find("\r\n\r\n");
  if (end == std::string::npos) return 0;
  const auto cl = buffered.find("Content-Length: ");
  const size_t length = cl != std::string::npos && cl < end
                            ? std::strtoul(buffered.c_str() + cl + 16, nullptr, 10)
                            : 0;
  return buffered.size() >= end + 4 + length ? end + 4 + length : 0;
}

// A listening TCP socket on 127.0.0.1 with a port the kernel picked; -1 (and a test failure)
// when there is none.
inline int listen_on_loopback(int backlog, int& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(fd, backlog) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ADD_FAILURE() << "cannot listen on 127.0.0.1";
    if (fd >= 0) ::close(fd);
    return -1;
  }
  port = ntohs(addr.sin_port);
  return fd;
}

// One connection of a RawServer: reads requests (head and Content-Length body), writes bytes.
class RawConnection {
 public:
  explicit RawConnection(int fd) : fd_(fd) {
    timeval tv{1, 0};  // recv wakes up every second to notice a stopping server
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  // The next request; false when the client went away or `stop` was set.
  bool read_request(std::string& request, const std::atomic<bool>& stop) {
    char buf[8192];
    while (!stop) {
      if (const size_t size = whole_message_size(pending_); size > 0) {
        request = pending_.substr(0, size);
        pending_.erase(0, size);
        return true;
      }
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) return false;
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
        return false;
      }
      pending_.append(buf, static_cast<size_t>(n));
    }
    return false;
  }
  bool write(std::string_view data) { return send_all(fd_, data); }
  int fd() const { return fd_; }

 private:
  int fd_;
  std::string pending_;
};

// An HTTP peer on 127.0.0.1:0 that runs `serve` on a thread of its own for each connection and
// counts connections and requests; the destructor closes every connection and joins.
class RawServer {
 public:
  using Serve = std::function<void(RawConnection&, RawServer&)>;
  explicit RawServer(Serve serve) : serve_(std::move(serve)) {
    listen_fd_ = listen_on_loopback(64, port_);
    if (listen_fd_ < 0) return;
    acceptor_ = std::thread([this] {
      while (!stop) {
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) return;
        std::lock_guard<std::mutex> lock(mutex_);
        ++connections;
        fds_.push_back(fd);
        workers_.emplace_back([this, fd] {
          RawConnection c(fd);
          serve_(c, *this);
          ::shutdown(fd, SHUT_WR);
        });
      }
    });
  }
  ~RawServer() {
    stop = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    if (acceptor_.joinable()) acceptor_.join();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& w : workers_) w.join();
    for (int fd : fds_) ::close(fd);
  }
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

  // Takes a request from `c`, counting it; false when there is none.
  bool next_request(RawConnection& c, std::string& request) {
    if (!c.read_request(request, stop)) return false;
    std::lock_guard<std::mutex> lock(mutex_);
    ++requests;
    if (seen_.size() < 4096) seen_.push_back(request);
    return true;
  }

  // The requests received so far (at most 4096), in order.
  std::vector<std::string> seen() {
    std::lock_guard<std::mutex> lock(mutex_);
    return seen_;
  }

  std::atomic<bool> stop{false};
  std::atomic<int> connections{0};
  std::atomic<int> requests{0};

 private:
  Serve serve_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::mutex mutex_;
  std::vector<std::string> seen_;
  std::vector<int> fds_;
  std::thread acceptor_;
  std::vector<std::thread> workers_;
};

// A raw client connection to 127.0.0.1:PORT: sends what a hostile client would and reads what
// comes back, never waiting longer than it is told.
class RawClient {
 public:
  using Clock = std::chrono::steady_clock;
  using milliseconds = std::chrono::milliseconds;

  explicit RawClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  bool connected() const { return connected_; }

  // Sends everything, waiting at most `timeout` for room; false when the peer closed or stalled.
  bool send(std::string_view data, milliseconds timeout = milliseconds(5000)) {
    const auto deadline = Clock::now() + timeout;
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        data.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
      if (Clock::now() >= deadline) return false;
      pollfd pfd{fd_, POLLOUT, 0};
      ::poll(&pfd, 1, 20);
    }
    return true;
  }

  // Reads until the peer closes or `timeout` passes; `closed` says which.
  std::string read_all(milliseconds timeout, bool* closed = nullptr) {
    std::string out;
    const bool peer_closed = read_until(out, timeout, [] { return false; });
    if (closed != nullptr) *closed = peer_closed;
    return out;
  }

  // Reads until one whole response (head and Content-Length body) arrived, the peer closes or
  // `timeout` passes.
  std::string read_response(milliseconds timeout) {
    std::string out;
    read_until(out, timeout, [&out] { return whole_message_size(out) > 0; });
    return out;
  }

 private:
  // Appends what arrives to `out` until `done()`, the peer closes (true) or `timeout` passes.
  bool read_until(std::string& out, milliseconds timeout, const std::function<bool()>& done) {
    const auto deadline = Clock::now() + timeout;
    char buf[65536];
    while (!done() && Clock::now() < deadline) {
      pollfd pfd{fd_, POLLIN, 0};
      if (::poll(&pfd, 1, 20) <= 0) continue;
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return true;
      out.append(buf, static_cast<size_t>(n));
    }
    return false;
  }

  int fd_ = -1;
  bool connected_ = false;
};

}  // namespace lpe::test_support
