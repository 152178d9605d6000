// MockServer: an epoll transport around MockHandler.
//
// Why not cpp-httplib's server loop: it serves a connection on one pool thread from its first
// byte to its close, so an idle keep-alive connection or a client dripping one byte a second
// holds a worker, and its header reader has no size bound. Here connections wait in epoll, never
// on a thread:
// - every worker thread waits on one shared epoll set (EPOLLONESHOT: one thread at a time owns a
//   connection) and, when a socket is readable, reads what is there without blocking, feeds it to
//   the connection's RequestFramer (mock/internal/http_framing.h: bounded, strict HTTP/1.1
//   framing) and answers every complete request through the handler on the same thread (no
//   hand-off between threads per request), writing the response with one non-blocking send;
// - a sweeper thread enforces the deadlines (a whole request within `request_timeout` however
//   slowly it drips, then 408; an idle connection closed after `keep_alive_timeout`; a response
//   drained within `write_timeout`), writes responses held back by a latency fault when they are
//   due (a timer, not a sleeping worker), and runs the stop;
// - a stop closes the listener and idle connections at once, answers requests already received
//   (held-back responses go out immediately, with `Connection: close`), gives requests still
//   arriving at most `stop_grace`, then closes whatever is left.
// Every framing error is answered in the R8 form (x-amzn-ErrorType, x-amzn-RequestId, JSON body),
// logged, and ends the connection: nothing after it is read as another request.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <map>
#include <thread>

#include "mock/internal/access_log.h"
#include "mock/internal/connection.h"
#include "mock/internal/http_framing.h"
#include "mock/internal/listener.h"
#include "mock/internal/response_writer.h"
#include "mock/mock.h"

namespace lpe::mock {
namespace {

using Clock = std::chrono::steady_clock;
using internal::Connection;
using internal::FramedRequest;
using internal::FramingError;
using internal::LogRecord;
using internal::record_of;
using internal::RequestFramer;
using internal::serialize_response;

// epoll data of the two descriptors that are not connections; connection ids start above.
constexpr uint64_t kListenerId = 0;
constexpr uint64_t kWakeId = 1;
// Bytes read from one connection per wake-up, so that a fast client cannot keep a worker.
constexpr size_t kReadBudget = size_t{256} << 10;
// Pipelined requests are not parsed further while this much output waits for the peer.
constexpr size_t kMaxPendingOutput = size_t{256} << 10;
constexpr auto kSweepInterval = std::chrono::milliseconds(50);
constexpr auto kStoppingSweepInterval = std::chrono::milliseconds(10);
constexpr int kAcceptBatch = 64;
// After the server ends a connection it reads and discards what the peer still sends for at most
// this long, so that closing with unread bytes does not reset the connection before the peer has
// read the answer (a lingering close).
constexpr auto kLingerTime = std::chrono::milliseconds(1000);

}  // namespace

int default_thread_count() {
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  return static_cast<int>(std::max(16u, 4 * hw));
}

struct MockServer::Impl {
  Impl(std::shared_ptr<const RequestHandler> h, ServerOptions o)
      : handler(std::move(h)), options(std::move(o)) {
    limits.max_request_line = options.max_request_line_bytes;
    limits.max_header_bytes = options.max_header_bytes;
    limits.max_header_count = options.max_header_count;
    limits.max_body_bytes = handler->max_body_bytes();
  }

  ~Impl() {
    for (const int fd : {listen_fd, epoll_fd, wake_fd}) {
      if (fd >= 0) ::close(fd);
    }
  }

  // One access log line per answered request; a failing log sink must not take a connection
  // down.
  void log(const LogRecord& r) const {
    if (!options.access_log) return;
    try {
      options.access_log(internal::access_log_line(r));
    } catch (...) {
    }
  }

  // ---- Connections ----

  std::shared_ptr<Connection> find(uint64_t id) {
    std::lock_guard<std::mutex> lock(registry_mutex);
    const auto it = connections.find(id);
    return it == connections.end() ? nullptr : it->second;
  }

  void arm(Connection& c, uint32_t events) {
    epoll_event ev{};
    ev.events = events | EPOLLONESHOT | EPOLLRDHUP;
    ev.data.u64 = c.id;
    if (::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c.fd, &ev) != 0) close(c);
  }

  // Closes the connection (its mutex held).
  void close(Connection& c) {
    if (c.closed) return;
    c.closed = true;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    c.out.clear();
    c.delayed_bytes.clear();
    bool empty;
    {
      std::lock_guard<std::mutex> lock(registry_mutex);
      connections.erase(c.id);
      empty = connections.empty();
    }
    if (empty && stopping.load()) wake_sweeper();
  }

  // Ends a connection whose answer is out: a lingering close unless the peer already closed.
  void finish(Connection& c) {
    if (c.peer_closed || ::shutdown(c.fd, SHUT_WR) != 0) return close(c);
    c.lingering = true;
    c.linger_since = Clock::now();
    arm(c, EPOLLIN);
  }

  // Reads and drops input of a lingering connection; closes it at the peer's end of stream.
  void discard_input(Connection& c) {
    char buffer[16 * 1024];
    for (size_t total = 0; total < kReadBudget;) {
      const ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        total += static_cast<size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return arm(c, EPOLLIN);
      } else {
        return close(c);
      }
    }
    arm(c, EPOLLIN);
  }

  // Sends buffered output without blocking; false when the peer is gone.
  bool flush(Connection& c) {
    while (c.output_pending()) {
      const ssize_t n =
          ::send(c.fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos, MSG_NOSIGNAL);
      if (n > 0) {
        c.out_pos += static_cast<size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return true;
      } else {
        return false;
      }
    }
    c.out.clear();
    c.out_pos = 0;
    return true;
  }

  // Reads what the socket holds (up to the budget) into the framer; false on a socket error.
  bool read_some(Connection& c) {
    char buffer[16 * 1024];
    size_t total = 0;
    while (total < kReadBudget) {
      const ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        c.framer.feed(std::string_view(buffer, static_cast<size_t>(n)));
        total += static_cast<size_t>(n);
        if (static_cast<size_t>(n) < sizeof buffer) break;  // drained (epoll says if not)
      } else if (n == 0) {
        c.peer_closed = true;
        break;
      } else if (errno == EINTR) {
        continue;
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        break;
      } else {
        return false;
      }
    }
    return true;
  }

  // Answers one complete request. False when the connection must not be served further now
  // (closed, or its answer is held back by a latency fault).
  bool answer_request(Connection& c, FramedRequest& framed) {
    const Clock::time_point start = c.request_start.value_or(Clock::now());
    c.request_start.reset();
    c.idle_since = Clock::now();
    MockRequest request;
    request.method = std::move(framed.method);
    request.target = std::move(framed.target);
    request.headers = std::move(framed.headers);
    request.body = std::move(framed.body);
    MockResponse answer = handler->handle(request, std::chrono::system_clock::now());
    ++c.served;
    const bool close_after = !framed.keep_alive || framed.body_unread || answer.close_connection ||
                             stopping.load() ||
                             c.served >= std::max<size_t>(options.keep_alive_max_requests, 1);
    LogRecord record = record_of(request.method, request.target, start, answer);
    if (answer.drop_connection) {
      log(record);
      close(c);
      return false;
    }
    std::string bytes;
    const size_t max_requests = std::max<size_t>(options.keep_alive_max_requests, 1);
    const std::string keep_alive =
        "timeout=" +
        std::to_string(
            std::chrono::ceil<std::chrono::seconds>(options.keep_alive_timeout).count()) +
        ", max=" + std::to_string(max_requests - std::min(c.served, max_requests));
    serialize_response(answer, close_after, request.method == "HEAD", keep_alive, bytes);
    if (answer.delay.count() > 0 && !stopping.load()) {
      c.delayed = true;
      c.release_at = Clock::now() + answer.delay;
      c.delayed_bytes = std::move(bytes);
      c.delayed_log = std::move(record);
      c.close_after_output = close_after;
      schedule_release(c.release_at, c.id);
      return false;
    }
    log(record);
    c.out += bytes;
    c.close_after_output = close_after;
    return !close_after;
  }

  // Answers a framing error or a timeout in the R8 form; the connection ends after it.
  void answer_error(Connection& c, const FramingError& e) {
    MockResponse answer = handler->error_response(e.error_type, e.message);
    answer.status = e.status;
    log(record_of(e.method, e.target, c.request_start.value_or(Clock::now()), answer));
    serialize_response(answer, true, false, "", c.out);
    c.close_after_output = true;
  }

  // Everything a connection needs after epoll woke it or its held-back answer was released:
  // drain output, read, answer complete requests, then wait for the next event (or close).
  void serve(Connection& c) {
    try {
      serve_unguarded(c);
    } catch (...) {
      // Allocation failure: the connection goes, no exception text reaches the wire.
      close(c);
    }
  }

  void serve_unguarded(Connection& c) {
    if (c.closed || c.delayed) return;
    if (c.lingering) return discard_input(c);
    if (!flush(c)) return close(c);
    if (c.output_pending()) return arm(c, EPOLLOUT);
    if (c.close_after_output) return finish(c);
    if (!c.peer_closed && !c.framer.closed() && !read_some(c)) return close(c);
    FramedRequest request;
    FramingError error;
    while (!c.closed && !c.delayed && !c.close_after_output &&
           c.out.size() - c.out_pos <= kMaxPendingOutput) {
      const auto step = c.framer.next(request, error);
      if (step == RequestFramer::Step::kRequest) {
        if (!answer_request(c, request)) break;
        continue;
      }
      if (step == RequestFramer::Step::kError) {
        answer_error(c, error);
      } else if (step == RequestFramer::Step::kNeedMore && c.framer.take_continue()) {
        c.out += "HTTP/1.1 100 Continue\r\n\r\n";
      }
      break;
    }
    if (c.closed || c.delayed) return;
    const auto now = Clock::now();
    if (!flush(c)) return close(c);
    if (c.output_pending()) {
      c.output_since = now;
      return arm(c, EPOLLOUT);
    }
    if (c.close_after_output || c.framer.closed() || c.peer_closed) return finish(c);
    if (c.framer.in_request()) {
      if (!c.request_start) c.request_start = now;
    } else {
      if (stopping.load()) return close(c);
      if (c.request_start) c.idle_since = now;
      c.request_start.reset();
    }
    arm(c, EPOLLIN);
  }

  // ---- Accepting ----

  void accept_batch() {
    for (int i = 0; i < kAcceptBatch && !stopping.load(); ++i) {
      const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        // Out of descriptors or memory: the sweeper re-arms the listener on its next round.
        listener_paused.store(true);
        return;
      }
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      std::shared_ptr<Connection> c;
      {
        std::lock_guard<std::mutex> lock(registry_mutex);
        if (connections.size() >= std::max<size_t>(options.max_connections, 1)) {
          ::close(fd);
          continue;
        }
        c = std::make_shared<Connection>(fd, next_id++, limits, body_policy());
        connections.emplace(c->id, c);
      }
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLONESHOT | EPOLLRDHUP;
      ev.data.u64 = c->id;
      if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        std::lock_guard<std::mutex> lock(c->mutex);
        close(*c);
      }
    }
    if (!stopping.load() && !listener_paused.load()) arm_listener();
  }

  void arm_listener() {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.u64 = kListenerId;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, listen_fd, &ev);
  }

  RequestFramer::BodyPolicy body_policy() const {
    // Only requests for the operation have their body read; others are answered (404/405)
    // without it and the connection closes.
    const RequestHandler* h = handler.get();
    return [h](std::string_view method, std::string_view target) {
      return h->routes_to_operation(method, target);
    };
  }

  // ---- Threads ----

  void work() {
    epoll_event ev{};
    while (!finished.load()) {
      const int n = ::epoll_wait(epoll_fd, &ev, 1, 1000);
      if (n <= 0 || ev.data.u64 == kWakeId) continue;
      if (ev.data.u64 == kListenerId) {
        accept_batch();
        continue;
      }
      const auto c = find(ev.data.u64);
      if (c == nullptr) continue;
      std::lock_guard<std::mutex> lock(c->mutex);
      serve(*c);
    }
  }

  void schedule_release(Clock::time_point when, uint64_t id) {
    {
      std::lock_guard<std::mutex> lock(timer_mutex);
      releases.emplace(when, id);
      ++timer_generation;
    }
    timer_cv.notify_one();
  }

  void wake_sweeper() {
    {
      std::lock_guard<std::mutex> lock(timer_mutex);
      ++timer_generation;
    }
    timer_cv.notify_one();
  }

  // Sends a held-back answer now and serves the connection on (its mutex held).
  void release(Connection& c) {
    if (c.closed || !c.delayed) return;
    c.delayed = false;
    log(c.delayed_log);
    c.out += c.delayed_bytes;
    c.delayed_bytes.clear();
    if (stopping.load()) c.close_after_output = true;
    serve(c);
  }

  void sweep_loop() {
    std::unique_lock<std::mutex> lock(timer_mutex);
    auto next_scan = Clock::now();
    while (true) {
      auto wake = next_scan;
      if (!releases.empty()) wake = std::min(wake, releases.begin()->first);
      const uint64_t seen = timer_generation;
      timer_cv.wait_until(lock, wake, [&] { return timer_generation != seen; });
      const auto now = Clock::now();
      const bool stop = stopping.load();
      std::vector<uint64_t> due;
      while (!releases.empty() && (stop || releases.begin()->first <= now)) {
        due.push_back(releases.begin()->second);
        releases.erase(releases.begin());
      }
      const auto deadline = stop_deadline;
      lock.unlock();
      for (const uint64_t id : due) {
        if (const auto c = find(id)) {
          std::lock_guard<std::mutex> guard(c->mutex);
          release(*c);
        }
      }
      if (now >= next_scan || stop) {
        sweep(now, stop, deadline);
        next_scan = now + (stop ? kStoppingSweepInterval : kSweepInterval);
      }
      if (stop) {
        std::lock_guard<std::mutex> guard(registry_mutex);
        if (connections.empty()) break;
      }
      lock.lock();
    }
    finished.store(true);
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(wake_fd, &one, sizeof one);
  }

  // One pass over every connection: deadlines, and the stop.
  void sweep(Clock::time_point now, bool stop, Clock::time_point deadline) {
    std::vector<std::shared_ptr<Connection>> all;
    {
      std::lock_guard<std::mutex> lock(registry_mutex);
      all.reserve(connections.size());
      for (const auto& [id, c] : connections) all.push_back(c);
    }
    const bool force = stop && now >= deadline;
    for (const auto& c : all) {
      std::unique_lock<std::mutex> lock(c->mutex, std::try_to_lock);
      if (!lock.owns_lock()) {
        if (!force) continue;  // a worker is on it; next round
        lock.lock();
      }
      if (c->closed) continue;
      if (c->delayed) {
        if (stop) release(*c);
        continue;
      }
      if (force || (c->lingering && (stop || now - c->linger_since > kLingerTime))) {
        close(*c);
      } else if (c->lingering) {
        continue;
      } else if (c->output_pending()) {
        if (now - c->output_since > options.write_timeout) close(*c);
      } else if (c->request_start) {
        if (now - *c->request_start > options.request_timeout) time_out(*c);
      } else if (stop || now - c->idle_since > options.keep_alive_timeout) {
        close(*c);
      }
    }
    if (!stop && listener_paused.exchange(false)) arm_listener();
  }

  // A request that did not arrive whole in time: 408 in the R8 form (best effort), then close.
  void time_out(Connection& c) {
    try {
      FramingError e;
      e.status = 408;
      e.error_type = "RequestTimeoutException";
      e.message = "The request did not arrive completely within " +
                  std::to_string(options.request_timeout.count()) + " ms";
      answer_error(c, e);
      if (flush(c) && !c.output_pending()) return finish(c);
    } catch (...) {
      // Closing is what matters.
    }
    close(c);
  }

  std::shared_ptr<const RequestHandler> handler;
  ServerOptions options;
  internal::FramingLimits limits;
  int listen_fd = -1;
  int epoll_fd = -1;
  int wake_fd = -1;
  int port = -1;
  std::vector<std::thread> workers;
  std::thread sweeper;
  std::mutex registry_mutex;
  std::unordered_map<uint64_t, std::shared_ptr<Connection>> connections;
  uint64_t next_id = 2;
  std::mutex timer_mutex;
  std::condition_variable timer_cv;
  std::multimap<Clock::time_point, uint64_t> releases;  // held-back answers by due time
  uint64_t timer_generation = 0;
  Clock::time_point stop_deadline = Clock::time_point::max();
  std::atomic<bool> started{false};
  std::atomic<bool> stopping{false};
  std::atomic<bool> finished{false};
  std::atomic<bool> listener_paused{false};
  std::mutex join_mutex;
};

MockServer::MockServer(std::shared_ptr<const RequestHandler> handler, ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(handler), std::move(options))) {}

MockServer::~MockServer() {
  stop();
  wait();
}

Status MockServer::start() {
  Impl& s = *impl_;
  if (s.started.load() || s.listen_fd >= 0) return fail("the server was already started");
  auto listening = internal::listen_socket(s.options.host, s.options.port, s.port);
  if (!listening) return listening.error();
  s.listen_fd = *listening;
  s.epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  s.wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (s.epoll_fd < 0 || s.wake_fd < 0) {
    return fail(std::string("cannot start the server: ") + std::strerror(errno));
  }
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLONESHOT;
  ev.data.u64 = kListenerId;
  epoll_event wake{};
  wake.events = EPOLLIN;  // level-triggered and never read: wakes every worker once written
  wake.data.u64 = kWakeId;
  if (::epoll_ctl(s.epoll_fd, EPOLL_CTL_ADD, s.listen_fd, &ev) != 0 ||
      ::epoll_ctl(s.epoll_fd, EPOLL_CTL_ADD, s.wake_fd, &wake) != 0) {
    return fail(std::string("cannot start the server: ") + std::strerror(errno));
  }
  const int threads = s.options.threads > 0 ? s.options.threads : default_thread_count();
  for (int i = 0; i < threads; ++i) s.workers.emplace_back([&s] { s.work(); });
  s.sweeper = std::thread([&s] { s.sweep_loop(); });
  s.started.store(true);
  return {};
}

int MockServer::port() const { return impl_->port; }

std::string MockServer::url() const {
  const std::string& host = impl_->options.host;
  const bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(impl_->port);
}

void MockServer::stop() {
  Impl& s = *impl_;
  if (s.stopping.exchange(true) || !s.started.load()) return;
  {
    std::lock_guard<std::mutex> lock(s.timer_mutex);
    s.stop_deadline = Clock::now() + s.options.stop_grace;
    ++s.timer_generation;
  }
  // New connections are refused from now on (the descriptor closes in wait()).
  ::shutdown(s.listen_fd, SHUT_RDWR);
  s.timer_cv.notify_one();
}

void MockServer::wait() {
  Impl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.join_mutex);
  if (!s.started.load()) return;
  if (s.sweeper.joinable()) s.sweeper.join();
  for (auto& t : s.workers) {
    if (t.joinable()) t.join();
  }
  if (s.listen_fd >= 0) {
    ::close(s.listen_fd);
    s.listen_fd = -1;
  }
  // A connection accepted in the instant the stop began has no thread left to serve it.
  std::lock_guard<std::mutex> registry(s.registry_mutex);
  for (auto& [id, c] : s.connections) ::close(c->fd);
  s.connections.clear();
}

}  // namespace lpe::mock
