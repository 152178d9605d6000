#include "harness/internal/connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

namespace lpe::harness::internal {
namespace {

// Milliseconds to `deadline` for poll (at least 0, at most a day).
int remaining_ms(Connection::Deadline deadline) {
  const auto now = std::chrono::steady_clock::now();
  if (deadline <= now) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
  return static_cast<int>(std::min<int64_t>(ms, 86400000));
}

// Resolves the endpoint's host before `deadline`. getaddrinfo cannot be cancelled, so a name
// is resolved on a detached thread that the deadline stops waiting for; IP literals directly.
bool resolve(const Endpoint& endpoint, Connection::Deadline deadline,
             std::vector<Connection::Address>& out, std::string& error) {
  struct Lookup {
    std::mutex mutex;
    std::condition_variable done_cv;
    bool done = false;
    int rc = 0;
    std::vector<Connection::Address> addresses;
  };
  const auto run = [](const std::string& host, const std::string& port, bool numeric,
                      Lookup& lookup) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | (numeric ? AI_NUMERICHOST : 0);
    addrinfo* list = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &list);
    std::vector<Connection::Address> found;
    for (addrinfo* a = rc == 0 ? list : nullptr; a != nullptr; a = a->ai_next) {
      if (a->ai_addrlen > sizeof(sockaddr_storage)) continue;
      Connection::Address address;
      address.family = a->ai_family;
      std::memcpy(&address.address, a->ai_addr, a->ai_addrlen);
      address.length = a->ai_addrlen;
      found.push_back(address);
    }
    if (list != nullptr) ::freeaddrinfo(list);
    std::lock_guard<std::mutex> lock(lookup.mutex);
    lookup.rc = rc;
    lookup.addresses = std::move(found);
    lookup.done = true;
    lookup.done_cv.notify_all();
  };
  const std::string port = std::to_string(endpoint.port);
  in6_addr v6{};
  in_addr v4{};
  const bool numeric = ::inet_pton(AF_INET, endpoint.host.c_str(), &v4) == 1 ||
                       ::inet_pton(AF_INET6, endpoint.host.c_str(), &v6) == 1;
  auto lookup = std::make_shared<Lookup>();
  if (numeric) {
    run(endpoint.host, port, true, *lookup);
  } else {
    std::thread([run, host = endpoint.host, port, lookup] {
      run(host, port, false, *lookup);
    }).detach();
  }
  std::unique_lock<std::mutex> lock(lookup->mutex);
  if (!lookup->done_cv.wait_until(lock, deadline, [&] { return lookup->done; })) {
    error = "cannot resolve " + endpoint.host + " before the deadline";
    return false;
  }
  if (lookup->rc != 0 || lookup->addresses.empty()) {
    error = "cannot resolve " + endpoint.host + ": " +
            (lookup->rc != 0 ? gai_strerror(lookup->rc) : "no address");
    return false;
  }
  out = std::move(lookup->addresses);
  return true;
}

}  // namespace

void Connection::close_socket() {
  if (fd >= 0) ::close(fd);
  fd = -1;
  in.clear();
  pos = 0;
  exchanges = 0;
}

void Connection::compact() {
  if (pos > 0 && (pos == in.size() || pos > (64u << 10))) {
    in.erase(0, pos);
    pos = 0;
  }
}

bool Connection::wait(short events, Deadline deadline) {
  while (true) {
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, remaining_ms(deadline));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return true;  // let the next syscall report the error
  }
}

bool Connection::open(const Endpoint& endpoint, Deadline deadline, std::string& error) {
  close_socket();
  if (addresses_.empty() && !resolve(endpoint, deadline, addresses_, error)) return false;
  error = "cannot connect to " + endpoint.origin();
  for (const auto& a : addresses_) {
    const int s = ::socket(a.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
    if (s < 0) continue;
    const int one = 1;
    ::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int result = ::connect(s, reinterpret_cast<const sockaddr*>(&a.address), a.length);
    if (result != 0 && errno == EINPROGRESS) {
      fd = s;
      if (!wait(POLLOUT, deadline)) {
        ::close(s);
        fd = -1;
        error = "connect timed out";
        return false;
      }
      int so_error = 0;
      socklen_t len = sizeof so_error;
      ::getsockopt(s, SOL_SOCKET, SO_ERROR, &so_error, &len);
      result = so_error == 0 ? 0 : -1;
      errno = so_error;
    }
    if (result == 0) {
      fd = s;
      return true;
    }
    error = "cannot connect to " + endpoint.origin() + ": " + std::strerror(errno);
    ::close(s);
    fd = -1;
  }
  return false;
}

bool Connection::write_all(std::string_view data, Deadline deadline, std::string& error) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait(POLLOUT, deadline)) {
        error = "timeout";
        return false;
      }
      continue;
    }
    error = std::string("cannot send the request: ") + std::strerror(errno);
    return false;
  }
  return true;
}

ssize_t Connection::fill(Deadline deadline, std::string& error) {
  compact();
  constexpr size_t kChunk = 16u << 10;
  if (!chunk_) chunk_ = std::make_unique<char[]>(kChunk);
  while (true) {
    const ssize_t n = ::recv(fd, chunk_.get(), kChunk, 0);
    if (n > 0) in.append(chunk_.get(), static_cast<size_t>(n));
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!wait(POLLIN, deadline)) return -2;
      continue;
    }
    error = std::strerror(errno);
    return -1;
  }
}

bool Connection::idle_and_open() {
  if (fd < 0 || buffered() != 0) return false;
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 0;
}

}  // namespace lpe::harness::internal
