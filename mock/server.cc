// MockServer: the cpp-httplib adapter around MockHandler.
//
// cpp-httplib 0.11 serves each connection on one pool thread. This adapter replaces its
// per-connection loop (Server::process_and_close_socket, a virtual hook) with one that
// - buffers each response and writes it with a single send (headers and body in one segment),
// - can close a connection without writing anything (the `drop` fault) or right after a response
//   (a request body left unread),
// - sets TCP_NODELAY on every accepted socket,
// - notices a stop while a keep-alive connection idles, so stopping takes milliseconds, and still
//   answers a request that had already arrived.
// Bodies are read only for requests that reach the operation, through a content reader that stops
// at the limit; a Content-Length over the limit is refused before anything is read.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <httplib.h>

#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <thread>

#include "mock/mock.h"

namespace lpe::mock {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kFlushThreshold = 64 * 1024;
constexpr int kIdlePollMillis = 20;
// How long a keep-alive connection may idle on a worker that other connections wait for.
constexpr std::chrono::milliseconds kYieldAfterIdle{200};

// What the current request asks of its connection. One per connection, reached from the
// handlers through a thread-local pointer (a connection is served on one thread).
struct ConnectionState {
  Clock::time_point request_start;
  bool drop = false;   // close without writing the buffered response
  bool close = false;  // write the response, then close

  void reset() {
    request_start = Clock::now();
    drop = false;
    close = false;
  }
};

thread_local ConnectionState* current_connection = nullptr;

std::string address_text(const sockaddr_storage& addr, int& port) {
  char text[INET6_ADDRSTRLEN] = {0};
  port = -1;
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    port = ntohs(in->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    port = ntohs(in6->sin6_port);
  }
  return text;
}

// A socket stream that buffers reads (cpp-httplib reads request lines byte by byte) and writes
// (flushed after each request, or before reading more, so `100 Continue` still goes out).
class BufferedSocketStream final : public httplib::Stream {
 public:
  BufferedSocketStream(int sock, std::chrono::seconds read_timeout)
      : sock_(sock), read_timeout_ms_(static_cast<int>(read_timeout.count() * 1000)) {}

  bool is_readable() const override {
    return in_pos_ < in_len_ || wait(POLLIN, read_timeout_ms_) > 0;
  }
  bool is_writable() const override { return !failed_; }

  ssize_t read(char* ptr, size_t size) override {
    if (!out_.empty() && !flush()) return -1;
    if (in_pos_ == in_len_) {
      if (wait(POLLIN, read_timeout_ms_) <= 0) return -1;
      ssize_t n;
      do {
        n = ::recv(sock_, in_, sizeof in_, 0);
      } while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      in_pos_ = 0;
      in_len_ = static_cast<size_t>(n);
    }
    const size_t take = std::min(size, in_len_ - in_pos_);
    std::memcpy(ptr, in_ + in_pos_, take);
    in_pos_ += take;
    return static_cast<ssize_t>(take);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (failed_) return -1;
    out_.append(ptr, size);
    if (out_.size() >= kFlushThreshold && !flush()) return -1;
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      ip = address_text(addr, port);
    }
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      ip = address_text(addr, port);
    }
  }
  socket_t socket() const override { return sock_; }

  // Sends everything buffered; false when the peer is gone or the write timed out.
  bool flush() {
    size_t sent = 0;
    while (sent < out_.size() && !failed_) {
      const ssize_t n = ::send(sock_, out_.data() + sent, out_.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += static_cast<size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        failed_ = true;
      }
    }
    out_.clear();
    return !failed_;
  }
  void discard() { out_.clear(); }
  bool has_buffered_input() const { return in_pos_ < in_len_; }

  // poll() on the socket: >0 ready, 0 timeout, <0 error.
  int wait(short events, int timeout_ms) const {
    pollfd pfd{sock_, events, 0};
    int r;
    do {
      r = ::poll(&pfd, 1, timeout_ms);
    } while (r < 0 && errno == EINTR);
    return r;
  }

 private:
  int sock_;
  int read_timeout_ms_;
  char in_[16 * 1024];
  size_t in_pos_ = 0;
  size_t in_len_ = 0;
  std::string out_;
  bool failed_ = false;
};

// A fixed pool of workers that also says how many connections wait for one, so that busy
// keep-alive connections can make room (cpp-httplib holds a worker per open connection).
class FairThreadPool final : public httplib::TaskQueue {
 public:
  FairThreadPool(size_t threads, std::atomic<size_t>& waiting) : waiting_(waiting) {
    for (size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
  }
  ~FairThreadPool() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      jobs_.push_back(std::move(fn));
      waiting_.fetch_add(1);
    }
    ready_.notify_one();
  }

  // Runs every queued job, then joins the workers.
  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (shutdown_) return;
      shutdown_ = true;
    }
    ready_.notify_all();
    for (auto& t : workers_) t.join();
  }

 private:
  void work() {
    while (true) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [this] { return shutdown_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
        waiting_.fetch_sub(1);
      }
      job();
    }
  }

  std::atomic<size_t>& waiting_;
  std::vector<std::thread> workers_;
  std::deque<std::function<void()>> jobs_;
  std::mutex mutex_;
  std::condition_variable ready_;
  bool shutdown_ = false;
};

// cpp-httplib's server with this adapter's connection loop.
class HttpServer final : public httplib::Server {
 public:
  HttpServer(const ServerOptions& options, const std::atomic<bool>& stopping,
             const std::atomic<size_t>& waiting)
      : options_(options), stopping_(stopping), waiting_(waiting) {}

 private:
  bool process_and_close_socket(socket_t sock) override {
    const int one = 1;
    ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    BufferedSocketStream stream(sock, options_.read_timeout);
    ConnectionState state;
    current_connection = &state;
    bool ok = true;
    size_t remaining = std::max<size_t>(options_.keep_alive_max_requests, 1);
    while (remaining > 0) {
      // When connections wait for a worker, answer this request and make room.
      bool last = remaining == 1 || waiting_.load() > 0;
      if (!wait_for_request(stream, last)) break;
      state.reset();
      bool connection_closed = false;
      ok = process_request(stream, last, connection_closed, nullptr);
      if (state.drop) {
        stream.discard();
        break;
      }
      if (!stream.flush() || !ok || connection_closed || state.close || last) break;
      --remaining;
    }
    current_connection = nullptr;
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ok;
  }

  // Waits until the next request starts to arrive. On a stop, a request already arriving is
  // still served (as the connection's last); an idle connection is closed.
  bool wait_for_request(BufferedSocketStream& stream, bool& last) {
    if (stream.has_buffered_input()) {
      last = last || stopping_.load();
      return true;
    }
    const auto idle_since = Clock::now();
    const auto deadline = idle_since + options_.keep_alive_timeout;
    while (true) {
      // Stopping, or other connections have waited for a worker while this one idles: serve what
      // already arrived, then close. (An active client is not cut off mid-send: while connections
      // wait, its responses say `Connection: close` instead.)
      if (stopping_.load() ||
          (waiting_.load() > 0 && Clock::now() - idle_since >= kYieldAfterIdle)) {
        last = true;
        return stream.wait(POLLIN, 0) > 0;
      }
      const int r = stream.wait(POLLIN, kIdlePollMillis);
      if (r > 0) return true;
      if (r < 0 || Clock::now() >= deadline) return false;
    }
  }

  const ServerOptions& options_;
  const std::atomic<bool>& stopping_;
  const std::atomic<size_t>& waiting_;
};

// Printable ASCII for logs; anything else as %XX (no log injection).
std::string log_safe(std::string_view text, size_t max = 512) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text.substr(0, max)) {
    const auto u = static_cast<unsigned char>(c);
    if (u > 0x20 && u < 0x7f && c != '%') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    }
  }
  if (text.size() > max) out += "...";
  return out;
}

std::optional<uint64_t> parse_length(std::string_view text) {
  uint64_t v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

int default_thread_count() {
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  return static_cast<int>(std::max(16u, 4 * hw));
}

struct MockServer::Impl {
  Impl(std::shared_ptr<const MockHandler> h, ServerOptions o)
      : handler(std::move(h)), options(std::move(o)), server(options, stopping, waiting) {}

  // The request as the handler sees it (cpp-httplib's own pseudo headers removed).
  MockRequest to_mock_request(const httplib::Request& req, std::string body) const {
    MockRequest out;
    out.method = req.method;
    out.target = req.target;
    out.headers.reserve(req.headers.size());
    for (const auto& [name, value] : req.headers) {
      if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
          name == "LOCAL_PORT") {
        continue;
      }
      out.headers.emplace_back(name, value);
    }
    out.body = std::move(body);
    return out;
  }

  // Copies `answer` into cpp-httplib's response, applies the transport flags, logs the request.
  void respond(const httplib::Request& req, httplib::Response& res, MockResponse answer) const {
    if (answer.delay.count() > 0) std::this_thread::sleep_for(answer.delay);
    ConnectionState* state = current_connection;
    if (state != nullptr) {
      state->drop = state->drop || answer.drop_connection;
      state->close = state->close || answer.close_connection;
    }
    log(req, answer);
    res.status = answer.drop_connection ? 500 : answer.status;
    for (auto& [name, value] : answer.headers) res.set_header(name, value);
    if (answer.close_connection) res.set_header("Connection", "close");
    res.body = std::move(answer.body);
  }

  void log(const httplib::Request& req, const MockResponse& answer) const {
    if (!options.access_log) return;
    const auto now = std::chrono::system_clock::now();
    const ConnectionState* state = current_connection;
    const double latency_ms =
        state == nullptr
            ? 0.0
            : std::chrono::duration<double, std::milli>(Clock::now() - state->request_start)
                  .count();
    char latency[32];
    std::snprintf(latency, sizeof latency, "%.3fms", latency_ms);
    const std::string_view target = req.target;
    std::string line = wire::format_rfc3339(wire::Timestamp{
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()});
    line += ' ';
    line += log_safe(req.method, 32);
    line += ' ';
    line += log_safe(target.substr(0, target.find('?')));
    line += ' ';
    line += answer.drop_connection ? std::string("-") : std::to_string(answer.status);
    line += ' ';
    line += std::to_string(answer.drop_connection ? 0 : answer.body.size());
    line += "B ";
    line += latency;
    line += " id=";
    line += answer.request_id.empty() ? std::string("-") : log_safe(answer.request_id, 64);
    line += " key=";
    line +=
        answer.access_key_id.empty() ? std::string("-") : wire::mask_secret(answer.access_key_id);
    if (!answer.error_type.empty()) line += " error=" + log_safe(answer.error_type, 64);
    if (!answer.fault.empty()) line += " fault=" + answer.fault;
    options.access_log(line);
  }

  // The declared body length: nullopt when absent, ~0 when unreadable.
  static std::optional<uint64_t> declared_length(const httplib::Request& req) {
    if (!req.has_header("Content-Length")) return std::nullopt;
    return parse_length(req.get_header_value("Content-Length")).value_or(~uint64_t{0});
  }

  static bool chunked(const httplib::Request& req) { return req.has_header("Transfer-Encoding"); }

  httplib::Server::HandlerResponse pre_route(const httplib::Request& req, httplib::Response& res) {
    const auto now = std::chrono::system_clock::now();
    const auto length = declared_length(req);
    const bool has_body = chunked(req) || (length && *length > 0);
    if (handler->routes_to_operation(req.method, req.target)) {
      if (length && *length == ~uint64_t{0} && !chunked(req)) {
        auto answer = handler->error_response("SerializationException",
                                              "The Content-Length header is not a number");
        answer.close_connection = true;
        respond(req, res, std::move(answer));
        return httplib::Server::HandlerResponse::Handled;
      }
      if (length && *length > handler->options().max_body_bytes && !chunked(req)) {
        respond(req, res, too_large());
        return httplib::Server::HandlerResponse::Handled;
      }
      if (req.is_multipart_form_data()) {
        // Never a JSON body; cpp-httplib would parse it as a form, so refuse it unread.
        auto answer = handler->error_response(
            "UnsupportedMediaTypeException",
            "Unsupported Content-Type '" + log_safe(req.get_header_value("Content-Type"), 200) +
                "': a request body must be application/json");
        answer.close_connection = true;
        respond(req, res, std::move(answer));
        return httplib::Server::HandlerResponse::Handled;
      }
      if (has_body) return httplib::Server::HandlerResponse::Unhandled;  // read by on_operation
      // No Content-Length and not chunked: HTTP/1.1 says the body is empty (cpp-httplib would
      // read until the peer closes).
      respond(req, res, handler->handle(to_mock_request(req, {}), now));
      return httplib::Server::HandlerResponse::Handled;
    }
    // Every other request is answered without reading its body (404 or 405).
    auto answer = handler->handle(to_mock_request(req, {}), now);
    if (has_body) answer.close_connection = true;
    respond(req, res, std::move(answer));
    return httplib::Server::HandlerResponse::Handled;
  }

  MockResponse too_large() const {
    auto answer =
        handler->error_response("RequestEntityTooLargeException",
                                "The request body is larger than the limit of " +
                                    std::to_string(handler->options().max_body_bytes) + " bytes");
    answer.close_connection = true;
    return answer;
  }

  void on_operation(const httplib::Request& req, httplib::Response& res,
                    const httplib::ContentReader& reader) {
    const size_t max = handler->options().max_body_bytes;
    std::string body;
    if (const auto length = declared_length(req); length && *length <= max) {
      body.reserve(static_cast<size_t>(*length));
    }
    bool too_big = false;
    const bool read = reader([&](const char* data, size_t n) {
      if (body.size() + n > max) {
        too_big = true;
        return false;
      }
      body.append(data, n);
      return true;
    });
    if (too_big) {
      respond(req, res, too_large());
      return;
    }
    if (!read) {
      auto answer = handler->error_response("SerializationException",
                                            "The request body could not be read completely");
      answer.close_connection = true;
      respond(req, res, std::move(answer));
      return;
    }
    respond(
        req, res,
        handler->handle(to_mock_request(req, std::move(body)), std::chrono::system_clock::now()));
  }

  int on_expect_continue(const httplib::Request& req, httplib::Response& res) {
    const auto length = declared_length(req);
    if (handler->routes_to_operation(req.method, req.target) && length && !chunked(req) &&
        *length > handler->options().max_body_bytes) {
      respond(req, res, too_large());
      return res.status;
    }
    return 100;
  }

  std::shared_ptr<const MockHandler> handler;
  ServerOptions options;
  std::atomic<bool> stopping{false};
  std::atomic<size_t> waiting{0};  // accepted connections waiting for a worker
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> started{false};
  std::atomic<bool> listen_done{false};
  HttpServer server;
  std::thread thread;
  std::mutex join_mutex;
  int port = -1;
};

MockServer::MockServer(std::shared_ptr<const MockHandler> handler, ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(handler), std::move(options))) {}

MockServer::~MockServer() {
  stop();
  wait();
}

bool MockServer::start(std::string& error) {
  Impl& s = *impl_;
  if (s.started.load() || s.port >= 0) {
    error = "the server was already started";
    return false;
  }
  const int threads = s.options.threads > 0 ? s.options.threads : default_thread_count();
  s.server.new_task_queue = [threads, &s] {
    return new FairThreadPool(static_cast<size_t>(threads), s.waiting);
  };
  s.server.set_tcp_nodelay(true);
  // SO_REUSEADDR only: cpp-httplib's default adds SO_REUSEPORT, which lets a second server bind
  // the same port and silently share its traffic.
  s.server.set_socket_options([](socket_t sock) {
    const int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  s.server.set_keep_alive_max_count(std::max<size_t>(s.options.keep_alive_max_requests, 1));
  s.server.set_keep_alive_timeout(s.options.keep_alive_timeout.count());
  s.server.set_read_timeout(s.options.read_timeout.count(), 0);
  s.server.set_write_timeout(s.options.write_timeout.count(), 0);
  s.server.set_payload_max_length(s.handler->options().max_body_bytes);
  s.server.set_pre_routing_handler(
      [&s](const httplib::Request& req, httplib::Response& res) { return s.pre_route(req, res); });
  s.server.set_expect_100_continue_handler(
      [&s](const httplib::Request& req, httplib::Response& res) {
        return s.on_expect_continue(req, res);
      });
  const auto reader_handler = [&s](const httplib::Request& req, httplib::Response& res,
                                   const httplib::ContentReader& reader) {
    s.on_operation(req, res, reader);
  };
  const std::string& method = s.handler->operation().operation->http->method;
  // The pre-routing handler lets through only requests for the operation, so any path matches.
  if (method == "PUT") {
    s.server.Put(".*", reader_handler);
  } else if (method == "PATCH") {
    s.server.Patch(".*", reader_handler);
  } else if (method == "DELETE") {
    s.server.Delete(".*", reader_handler);
  } else {
    s.server.Post(".*", reader_handler);
  }
  errno = 0;
  const int port =
      s.options.port == 0
          ? s.server.bind_to_any_port(s.options.host)
          : (s.server.bind_to_port(s.options.host, s.options.port) ? s.options.port : -1);
  if (port < 0) {
    const int saved = errno;
    error = "cannot listen on " + s.options.host + ":" + std::to_string(s.options.port) +
            (saved != 0 ? std::string(": ") + std::strerror(saved) : std::string());
    return false;
  }
  s.port = port;
  s.thread = std::thread([&s] {
    s.server.listen_after_bind();
    s.listen_done.store(true);
  });
  s.started.store(true);
  // cpp-httplib ignores stop() until its accept loop runs: wait for it (bounded).
  while (!s.server.is_running() && !s.listen_done.load()) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return true;
}

int MockServer::port() const { return impl_->port; }

std::string MockServer::url() const {
  const std::string& host = impl_->options.host;
  const bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(impl_->port);
}

void MockServer::stop() {
  Impl& s = *impl_;
  s.stopping.store(true);
  if (!s.started.load() || s.stop_requested.exchange(true)) return;
  s.server.stop();
}

void MockServer::wait() {
  Impl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.join_mutex);
  if (s.thread.joinable()) s.thread.join();
}

}  // namespace lpe::mock
