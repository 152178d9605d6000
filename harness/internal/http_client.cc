#include "harness/internal/http_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <thread>

#include "wire/sigv4.h"

namespace lpe::harness::internal {

bool RateLimiter::acquire(SteadyTime stop_at) {
  if (rate_ <= 0) return true;
  std::chrono::steady_clock::time_point slot;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (next_ < now) next_ = now;
    slot = next_;
    if (slot > stop_at) return false;
    next_ += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(1.0 / rate_));
  }
  std::this_thread::sleep_until(slot);
  return true;
}

HeaderList redact(const HeaderList& headers) {
  HeaderList out;
  out.reserve(headers.size());
  for (const auto& [k, v] : headers) out.emplace_back(k, wire::redact_header(k, v));
  return out;
}

SecretMasker secret_masker(const std::optional<SigningOptions>& sigv4) {
  SecretMasker masker;
  if (sigv4) {
    masker.add(sigv4->credentials.secret_access_key);
    masker.add(sigv4->credentials.session_token);
  }
  return masker;
}

namespace {

// Why an exchange failed; `interrupted` when the run's stop time ended it.
struct Failure {
  std::string reason;
  bool interrupted = false;
  bool too_large = false;
  bool retryable = false;  // nothing of a response arrived on a reused connection
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string seconds_text(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

}  // namespace

// One TCP connection with its read buffer. Every wait is a poll() bounded by a deadline.
struct HttpClient::Connection {
  int fd = -1;
  std::string in;  // bytes received and not consumed yet (from `pos`)
  size_t pos = 0;
  uint64_t exchanges = 0;  // completed on this connection

  ~Connection() { close_socket(); }
  void close_socket() {
    if (fd >= 0) ::close(fd);
    fd = -1;
    in.clear();
    pos = 0;
    exchanges = 0;
  }
  size_t buffered() const { return in.size() - pos; }
  void compact() {
    if (pos > 0 && (pos == in.size() || pos > (64u << 10))) {
      in.erase(0, pos);
      pos = 0;
    }
  }

  // Milliseconds to `deadline` for poll (at least 0, at most a day).
  static int remaining_ms(SteadyTime deadline) {
    const auto now = std::chrono::steady_clock::now();
    if (deadline <= now) return 0;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
    return static_cast<int>(std::min<int64_t>(ms, 86400000));
  }

  // Waits for `events`; false when the deadline passed first.
  bool wait(short events, SteadyTime deadline) {
    while (true) {
      pollfd p{fd, events, 0};
      const int n = ::poll(&p, 1, remaining_ms(deadline));
      if (n > 0) return true;
      if (n == 0) return false;
      if (errno != EINTR) return true;  // let the next syscall report the error
    }
  }

  // Connects to one of the resolved addresses before `deadline`.
  bool open(const Endpoint& endpoint, SteadyTime deadline, std::string& error) {
    close_socket();
    if (addresses.empty() && !resolve(endpoint, deadline, addresses, error)) return false;
    error = "cannot connect to " + endpoint.origin();
    for (const auto& a : addresses) {
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

  // One resolved address of the endpoint.
  struct Address {
    int family = 0;
    sockaddr_storage address{};
    socklen_t length = 0;
  };
  std::vector<Address> addresses;  // resolved once per client, kept across reconnections

  // Resolves the endpoint's host before `deadline`. getaddrinfo cannot be cancelled, so a name
  // is resolved on a detached thread that the deadline stops waiting for; IP literals directly.
  static bool resolve(const Endpoint& endpoint, SteadyTime deadline, std::vector<Address>& out,
                      std::string& error) {
    struct Lookup {
      std::mutex mutex;
      std::condition_variable done_cv;
      bool done = false;
      int rc = 0;
      std::vector<Address> addresses;
    };
    const auto run = [](const std::string& host, const std::string& port, bool numeric,
                        Lookup& lookup) {
      addrinfo hints{};
      hints.ai_family = AF_UNSPEC;
      hints.ai_socktype = SOCK_STREAM;
      hints.ai_flags = AI_NUMERICSERV | (numeric ? AI_NUMERICHOST : 0);
      addrinfo* list = nullptr;
      const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &list);
      std::vector<Address> found;
      for (addrinfo* a = rc == 0 ? list : nullptr; a != nullptr; a = a->ai_next) {
        if (a->ai_addrlen > sizeof(sockaddr_storage)) continue;
        Address address;
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

  // Sends all of `data`; false with `error` on a failure or the deadline.
  bool write_all(std::string_view data, SteadyTime deadline, std::string& error) {
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

  // Reads more bytes into `in`: > 0 bytes read, 0 the peer closed, -1 error (`error` set),
  // -2 the deadline passed.
  ssize_t fill(SteadyTime deadline, std::string& error) {
    compact();
    constexpr size_t kChunk = 16u << 10;
    while (true) {
      const size_t old = in.size();
      in.resize(old + kChunk);
      const ssize_t n = ::recv(fd, in.data() + old, kChunk, 0);
      in.resize(old + (n > 0 ? static_cast<size_t>(n) : 0));
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

  // True when an idle kept-alive connection is still usable (no EOF, no stray bytes).
  bool idle_and_open() {
    if (fd < 0 || buffered() != 0) return false;
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
  }
};

namespace {

// Reads one response from `c` under the limits, before `deadline`.
class ResponseReader {
 public:
  ResponseReader(HttpClient::Connection& c, const ClientSettings& s, SteadyTime deadline,
                 bool head_request)
      : c_(c), s_(s), deadline_(deadline), head_request_(head_request) {}

  // Fills `out`; on failure returns false with `failure` set (reason without the prefix).
  bool read(validators::HttpResponse& out, bool& keep_alive, Failure& failure);
  size_t bytes_seen() const { return bytes_seen_; }

 private:
  enum class Got { kLine, kEof, kError };
  // Reads one line (without CR LF) of at most `limit` bytes.
  Got line(std::string_view& text, size_t limit, const char* what, Failure& failure);
  bool need(size_t n, const char* what, Failure& failure);
  bool read_head(validators::HttpResponse& out, int& minor, Failure& failure);
  bool read_chunked(std::string& body, Failure& failure);
  void timed_out(const char* what, Failure& failure) const {
    failure.reason = "no complete response within " + seconds_text(s_.timeout) +
                     " (--timeout): timed out " + what;
  }

  HttpClient::Connection& c_;
  const ClientSettings& s_;
  SteadyTime deadline_;
  bool head_request_;
  size_t bytes_seen_ = 0;
  size_t head_bytes_ = 0;  // of the current header block
};

ResponseReader::Got ResponseReader::line(std::string_view& text, size_t limit, const char* what,
                                         Failure& failure) {
  size_t scanned = 0;
  while (true) {
    const char* begin = c_.in.data() + c_.pos;
    const size_t avail = c_.buffered();
    const void* nl = std::memchr(begin + scanned, '\n', avail - scanned);
    if (nl != nullptr) {
      const size_t len = static_cast<size_t>(static_cast<const char*>(nl) - begin);
      if (len + 1 > limit) break;
      text = std::string_view(begin, len);
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      c_.pos += len + 1;
      head_bytes_ += len + 1;
      return Got::kLine;
    }
    scanned = avail;
    if (avail > limit) break;
    std::string error;
    const ssize_t n = c_.fill(deadline_, error);
    if (n > 0) {
      bytes_seen_ += static_cast<size_t>(n);
      continue;
    }
    if (n == 0) return Got::kEof;
    if (n == -2) {
      timed_out(what, failure);
    } else {
      failure.reason = "connection error " + std::string(what) + ": " + error;
    }
    return Got::kError;
  }
  failure.reason = "response header block larger than " + std::to_string(s_.max_header_bytes) +
                   " bytes (a line " + what + " did not end)";
  return Got::kError;
}

bool ResponseReader::need(size_t n, const char* what, Failure& failure) {
  while (c_.buffered() < n) {
    std::string error;
    const ssize_t got = c_.fill(deadline_, error);
    if (got > 0) {
      bytes_seen_ += static_cast<size_t>(got);
      continue;
    }
    if (got == 0) {
      failure.reason = std::string("the connection closed ") + what;
    } else if (got == -2) {
      timed_out(what, failure);
    } else {
      failure.reason = "connection error " + std::string(what) + ": " + error;
    }
    return false;
  }
  return true;
}

bool ResponseReader::read_head(validators::HttpResponse& out, int& minor, Failure& failure) {
  int interim = 0;
  while (true) {
    head_bytes_ = 0;
    out.headers.clear();
    std::string_view status_line;
    const Got got = line(status_line, s_.max_header_bytes, "reading the status line", failure);
    if (got == Got::kEof) {
      failure.reason = bytes_seen_ == 0 ? "the connection closed before a response"
                                        : "the connection closed in the status line";
      failure.retryable = bytes_seen_ == 0;
      return false;
    }
    if (got == Got::kError) return false;
    // HTTP/1.x SP 3DIGIT [SP reason]
    if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." ||
        (status_line[7] != '0' && status_line[7] != '1') || status_line[8] != ' ' ||
        !std::isdigit(static_cast<unsigned char>(status_line[9])) ||
        !std::isdigit(static_cast<unsigned char>(status_line[10])) ||
        !std::isdigit(static_cast<unsigned char>(status_line[11])) ||
        (status_line.size() > 12 && status_line[12] != ' ')) {
      failure.reason = "malformed status line '" + std::string(status_line.substr(0, 80)) + "'";
      return false;
    }
    minor = status_line[7] - '0';
    out.status =
        (status_line[9] - '0') * 100 + (status_line[10] - '0') * 10 + (status_line[11] - '0');
    if (out.status < 100 || out.status > 599) {
      failure.reason = "status " + std::to_string(out.status) + " outside 100-599";
      return false;
    }
    // Header lines.
    while (true) {
      std::string_view text;
      if (head_bytes_ > s_.max_header_bytes) {
        failure.reason =
            "response header block larger than " + std::to_string(s_.max_header_bytes) + " bytes";
        return false;
      }
      const Got g = line(text, s_.max_header_bytes - std::min(head_bytes_, s_.max_header_bytes),
                         "reading the headers", failure);
      if (g == Got::kEof) {
        failure.reason = "the connection closed in the headers";
        return false;
      }
      if (g == Got::kError) return false;
      if (text.empty()) break;
      if (out.headers.size() >= s_.max_header_count) {
        failure.reason = "more than " + std::to_string(s_.max_header_count) + " response headers";
        return false;
      }
      if (text.front() == ' ' || text.front() == '\t') {
        failure.reason = "obsolete header line folding (RFC 9112 5.2)";
        return false;
      }
      const auto colon = text.find(':');
      if (colon == std::string_view::npos || colon == 0 ||
          !std::all_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(colon),
                       is_token_char)) {
        failure.reason = "malformed header line '" + std::string(text.substr(0, 80)) + "'";
        return false;
      }
      out.headers.emplace_back(std::string(text.substr(0, colon)),
                               std::string(trim(text.substr(colon + 1))));
    }
    if (out.status >= 200) return true;
    if (out.status == 101) {
      failure.reason = "101 Switching Protocols (the harness speaks HTTP/1.1 only)";
      return false;
    }
    if (++interim > s_.max_interim_responses) {
      failure.reason = "more than " + std::to_string(s_.max_interim_responses) +
                       " interim (1xx) responses before the final one";
      return false;
    }
  }
}

bool ResponseReader::read_chunked(std::string& body, Failure& failure) {
  while (true) {
    std::string_view size_line;
    head_bytes_ = 0;
    const Got got = line(size_line, 1024, "reading a chunk size", failure);
    if (got == Got::kEof) {
      failure.reason = "the connection closed in a chunked body";
      return false;
    }
    if (got == Got::kError) return false;
    const auto semicolon = size_line.find(';');
    const std::string_view hex = trim(size_line.substr(0, semicolon));
    uint64_t size = 0;
    const auto [p, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), size, 16);
    if (hex.empty() || ec != std::errc() || p != hex.data() + hex.size()) {
      failure.reason = "malformed chunk size '" + std::string(size_line.substr(0, 40)) + "'";
      return false;
    }
    if (size == 0) break;
    if (size > s_.max_response_bytes - body.size()) {
      failure.reason =
          "response body larger than " + std::to_string(s_.max_response_bytes) + " bytes";
      failure.too_large = true;
      return false;
    }
    if (!need(static_cast<size_t>(size) + 2, "in a chunk", failure)) return false;
    body.append(c_.in.data() + c_.pos, static_cast<size_t>(size));
    c_.pos += static_cast<size_t>(size);
    if (c_.in.compare(c_.pos, 2, "\r\n") != 0 && c_.in[c_.pos] != '\n') {
      failure.reason = "a chunk does not end with CRLF";
      return false;
    }
    c_.pos += c_.in[c_.pos] == '\n' ? 1 : 2;
  }
  // Trailer section, bounded like headers.
  head_bytes_ = 0;
  for (size_t count = 0;; ++count) {
    std::string_view text;
    if (count > s_.max_header_count || head_bytes_ > s_.max_header_bytes) {
      failure.reason = "trailer section over the header limits";
      return false;
    }
    const Got g = line(text, s_.max_header_bytes, "reading the trailers", failure);
    if (g == Got::kEof) {
      failure.reason = "the connection closed in the trailers";
      return false;
    }
    if (g == Got::kError) return false;
    if (text.empty()) return true;
  }
}

bool ResponseReader::read(validators::HttpResponse& out, bool& keep_alive, Failure& failure) {
  int minor = 1;
  if (!read_head(out, minor, failure)) return false;
  keep_alive = minor == 1;
  bool chunked = false;
  bool has_length = false;
  uint64_t length = 0;
  for (const auto& [name, value] : out.headers) {
    if (iequals(name, "Connection")) {
      const std::string v = lower(value);
      if (v.find("close") != std::string::npos) keep_alive = false;
      if (v.find("keep-alive") != std::string::npos && minor == 0) keep_alive = true;
    } else if (iequals(name, "Transfer-Encoding")) {
      const std::string v = lower(trim(value));
      const auto comma = v.rfind(',');
      chunked =
          trim(std::string_view(v).substr(comma == std::string::npos ? 0 : comma + 1)) == "chunked";
      if (!chunked) keep_alive = false;  // the body runs to the end of the connection
    } else if (iequals(name, "Content-Length")) {
      uint64_t v = 0;
      const std::string_view text = trim(value);
      const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (text.empty() || ec != std::errc() || p != text.data() + text.size()) {
        failure.reason = "invalid Content-Length '" + std::string(text.substr(0, 40)) + "'";
        return false;
      }
      if (has_length && v != length) {
        failure.reason = "conflicting Content-Length headers";
        return false;
      }
      has_length = true;
      length = v;
    }
  }
  const bool transfer_encoding = std::any_of(out.headers.begin(), out.headers.end(), [](auto& h) {
    return iequals(h.first, "Transfer-Encoding");
  });
  if (head_request_ || out.status == 204 || out.status == 304) return true;
  const std::string too_large =
      "response body larger than " + std::to_string(s_.max_response_bytes) + " bytes";
  if (chunked) {
    if (has_length) keep_alive = false;  // RFC 9112 6.3: chunked wins; do not reuse
    return read_chunked(out.body, failure);
  }
  if (has_length && !transfer_encoding) {
    if (length > s_.max_response_bytes) {
      failure.reason = too_large;
      failure.too_large = true;
      return false;
    }
    if (!need(static_cast<size_t>(length), "reading the body", failure)) return false;
    out.body.assign(c_.in.data() + c_.pos, static_cast<size_t>(length));
    c_.pos += static_cast<size_t>(length);
    return true;
  }
  // No framing: the body ends when the peer closes.
  keep_alive = false;
  while (true) {
    const size_t avail = c_.buffered();
    if (avail > s_.max_response_bytes) {
      failure.reason = too_large;
      failure.too_large = true;
      return false;
    }
    std::string error;
    const ssize_t n = c_.fill(deadline_, error);
    if (n > 0) {
      bytes_seen_ += static_cast<size_t>(n);
      continue;
    }
    if (n == -2) {
      timed_out("reading a body that ends at close", failure);
      return false;
    }
    if (n == -1) {
      failure.reason = "connection error reading the body: " + error;
      return false;
    }
    out.body.assign(c_.in.data() + c_.pos, c_.buffered());
    c_.pos = c_.in.size();
    return true;
  }
}

}  // namespace

HttpClient::HttpClient(ClientSettings settings)
    : settings_(std::move(settings)),
      masker_(secret_masker(settings_.sigv4)),
      connection_(std::make_unique<Connection>()) {}

HttpClient::~HttpClient() = default;

PreparedRequest prepare_request(const OutgoingRequest& request, const ClientSettings& settings) {
  PreparedRequest out;
  out.headers.emplace_back("Host", settings.endpoint.host_header());
  for (const auto& h : request.headers) out.headers.push_back(h);
  out.path = settings.endpoint.base_path + request.path;
  if (request.sign && settings.sigv4) {
    wire::HttpRequestView view{request.method, out.path, out.headers, request.body};
    const auto& signing = *settings.sigv4;
    wire::sign_request(view, request.credentials.value_or(signing.credentials), signing.region,
                       signing.service,
                       request.signing_time.value_or(std::chrono::system_clock::now()));
    out.headers = std::move(view.headers);
  }
  return out;
}

std::optional<std::string> unsendable(const std::string& method, const PreparedRequest& prepared) {
  const auto unsafe = [](std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
      const auto u = static_cast<unsigned char>(c);
      return u < 0x20 && u != '\t';
    });
  };
  for (const auto& [k, v] : prepared.headers) {
    if (k.empty() || !std::all_of(k.begin(), k.end(), is_token_char) || unsafe(v)) {
      return "refusing to send header '" + k.substr(0, 80) +
             "': its name or value holds control characters";
    }
  }
  const std::string& path = prepared.path;
  if (method.empty() || !std::all_of(method.begin(), method.end(), is_token_char) || path.empty() ||
      path.front() != '/' || std::any_of(path.begin(), path.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u >= 0x7f;
      })) {
    return "refusing to send a request with method or path holding control characters";
  }
  return std::nullopt;
}

Exchange request_exchange(const OutgoingRequest& request, const PreparedRequest& prepared) {
  Exchange out;
  out.method = request.method;
  out.path = prepared.path;
  out.request_headers = redact(prepared.headers);
  out.request_body = request.body;
  return out;
}

void finish_received(Received& out, bool responded, const SecretMasker& masker) {
  // A peer reflecting a secret: masked in what is judged too, so that no message, report or
  // record quotes it, not even cut in half.
  if (!masker.empty()) {
    for (auto& [k, v] : out.response.headers) masker.mask_in_place(v);
    masker.mask_in_place(out.response.body);
  }
  if (responded) {
    out.exchange.status = out.response.status;
    out.exchange.response_headers = out.response.headers;
    out.exchange.response_body = out.response.body;
  }
  if (masker.empty()) return;
  for (auto& [k, v] : out.exchange.request_headers) masker.mask_in_place(v);
  masker.mask_in_place(out.exchange.request_body);
  masker.mask_in_place(out.exchange.transport_error);
}

Received HttpClient::send(const OutgoingRequest& request, SteadyTime stop_at) {
  Received out;
  ++sent_;
  const PreparedRequest prepared = prepare_request(request, settings_);
  const HeaderList& headers = prepared.headers;
  const std::string& path = prepared.path;
  out.exchange = request_exchange(request, prepared);
  const auto fail = [&](const Failure& f) {
    out.exchange.status = 0;
    out.interrupted = f.interrupted;
    out.exchange.transport_error = f.interrupted
                                       ? "stopped at --max-time before the exchange completed"
                                   : f.too_large ? f.reason
                                                 : "no valid HTTP response: " + f.reason;
    connection_->close_socket();  // the connection state is unknown after an error
    finish_received(out, false, masker_);
    return out;
  };
  if (settings_.limiter && !settings_.limiter->acquire(stop_at)) {
    Failure f;
    f.interrupted = true;
    return fail(f);
  }
  // Method, path and header text are refused when they could split the request.
  if (auto refusal = unsendable(request.method, prepared)) {
    Failure f;
    f.reason = std::move(*refusal);
    return fail(f);
  }

  std::string wire_request;
  size_t size = request.method.size() + path.size() + 64 + request.body.size();
  for (const auto& [k, v] : headers) size += k.size() + v.size() + 4;
  wire_request.reserve(size);
  wire_request.append(request.method).append(" ").append(path).append(" HTTP/1.1\r\n");
  bool has_length = false;
  for (const auto& [k, v] : headers) {
    wire_request.append(k).append(": ").append(v).append("\r\n");
    has_length = has_length || iequals(k, "Content-Length");
  }
  if (!has_length && (!request.body.empty() || request.method == "POST" ||
                      request.method == "PUT" || request.method == "PATCH")) {
    wire_request.append("Content-Length: ").append(std::to_string(request.body.size()));
    wire_request.append("\r\n");
  }
  wire_request.append("\r\n").append(request.body);

  const auto started = std::chrono::steady_clock::now();
  const SteadyTime exchange_deadline = started + settings_.timeout;
  const SteadyTime deadline = std::min(exchange_deadline, stop_at);
  const bool head_request = request.method == "HEAD";
  Connection& c = *connection_;
  for (int attempt = 0;; ++attempt) {
    const bool reused = c.fd >= 0 && c.idle_and_open();
    if (!reused) {
      std::string error;
      if (!c.open(settings_.endpoint, deadline, error)) {
        Failure f;
        f.interrupted = std::chrono::steady_clock::now() >= stop_at;
        f.reason = error == "connect timed out"
                       ? "no connection within " + seconds_text(settings_.timeout) + " (--timeout)"
                       : error;
        return fail(f);
      }
    }
    Failure f;
    std::string error;
    if (!c.write_all(wire_request, deadline, error)) {
      if (error == "timeout") {
        f.reason = "the request was not accepted within " + seconds_text(settings_.timeout) +
                   " (--timeout)";
      } else {
        f.reason = error;
        f.retryable = reused;
      }
    } else {
      ResponseReader reader(c, settings_, deadline, head_request);
      bool keep_alive = true;
      if (reader.read(out.response, keep_alive, f)) {
        ++c.exchanges;
        // Stray bytes after a response would be read as the next one: never reuse then.
        if (!keep_alive || c.buffered() != 0) c.close_socket();
        finish_received(out, true, masker_);
        return out;
      }
      f.retryable = f.retryable && reused;
    }
    f.interrupted = std::chrono::steady_clock::now() >= stop_at && stop_at < exchange_deadline;
    // A kept-alive connection the server closed meanwhile: once more on a fresh one.
    if (f.retryable && attempt == 0 && !f.interrupted) {
      c.close_socket();
      continue;
    }
    return fail(f);
  }
}

}  // namespace lpe::harness::internal
