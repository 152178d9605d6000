// The bounded HTTP client against raw loopback peers: good answers in the forms HTTP/1.1 allows
// (keep-alive, chunked, close-delimited), and hostile ones (dripping, endless interim responses,
// endless header lines, too many headers, huge bodies) ending in a transport error within the
// exchange deadline, never a hang.
#include "harness/internal/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <thread>

namespace lpe::harness::internal {
namespace {

using Clock = std::chrono::steady_clock;

// Sends everything; false when the peer went away.
bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads one request head and its Content-Length body; false on EOF.
bool read_request(int fd, std::string& pending) {
  char buf[4096];
  while (true) {
    const auto end = pending.find("\r\n\r\n");
    if (end != std::string::npos) {
      size_t length = 0;
      const auto cl = pending.find("Content-Length: ");
      if (cl != std::string::npos && cl < end) length = std::stoul(pending.substr(cl + 16));
      if (pending.size() >= end + 4 + length) {
        pending.erase(0, end + 4 + length);
        return true;
      }
    }
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    pending.append(buf, static_cast<size_t>(n));
  }
}

// A loopback peer running `serve(fd, stop)` on each connection (one at a time).
class RawPeer {
 public:
  using Serve = std::function<void(int fd, const std::atomic<bool>& stop)>;
  explicit RawPeer(Serve serve) : serve_(std::move(serve)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot listen";
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      while (!stop_) {
        const int client = ::accept(fd_, nullptr, nullptr);
        if (client < 0) return;
        ++connections_;
        serve_(client, stop_);
        ::close(client);
      }
    });
  }
  ~RawPeer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    if (thread_.joinable()) thread_.join();
  }
  ClientSettings settings(std::chrono::milliseconds timeout) const {
    ClientSettings s;
    s.endpoint.scheme = "http";
    s.endpoint.host = "127.0.0.1";
    s.endpoint.port = port_;
    s.timeout = timeout;
    return s;
  }
  int connections() const { return connections_; }

 private:
  Serve serve_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

OutgoingRequest post() {
  OutgoingRequest r;
  r.path = "/ListParticipantEvents";
  r.headers = {{"Content-Type", "application/json"}};
  r.body = "{}";
  return r;
}

// Answers every request on the connection with `answer`.
RawPeer::Serve answer_each(std::string answer) {
  return [answer](int fd, const std::atomic<bool>& stop) {
    std::string pending;
    while (!stop && read_request(fd, pending)) {
      if (!send_all(fd, answer)) return;
    }
  };
}

// Reads a request, then writes `unit` forever (until the client goes or the test ends), with
// `pause` between writes.
RawPeer::Serve endless(std::string head, std::string unit, std::chrono::milliseconds pause) {
  return [=](int fd, const std::atomic<bool>& stop) {
    std::string pending;
    if (!read_request(fd, pending) || !send_all(fd, head)) return;
    while (!stop && send_all(fd, unit)) std::this_thread::sleep_for(pause);
  };
}

TEST(HttpClient, KeepAliveReusesOneConnection) {
  RawPeer peer(answer_each(
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"));
  HttpClient client(peer.settings(std::chrono::milliseconds(2000)));
  for (int i = 0; i < 20; ++i) {
    const auto r = client.send(post());
    ASSERT_TRUE(r.transport_ok()) << r.exchange.transport_error;
    EXPECT_EQ(r.response.status, 200);
    EXPECT_EQ(r.response.body, "{}");
  }
  EXPECT_EQ(peer.connections(), 1);
}

TEST(HttpClient, ChunkedAndCloseDelimitedBodiesAndInterimResponses) {
  RawPeer chunked(answer_each(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\nX: y\r\n\r\n"
      "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\nx-amzn-ErrorType: "
      "ValidationException\r\n\r\n5;ext=1\r\n{\"a\":\r\n3\r\n 1}\r\n0\r\nTrailer: t\r\n\r\n"));
  HttpClient client(chunked.settings(std::chrono::milliseconds(2000)));
  auto r = client.send(post());
  ASSERT_TRUE(r.transport_ok()) << r.exchange.transport_error;
  EXPECT_EQ(r.response.status, 400);
  EXPECT_EQ(r.response.body, "{\"a\": 1}");
  EXPECT_EQ(r.response.header("x-amzn-errortype").value_or(""), "ValidationException");

  RawPeer close_delimited([](int fd, const std::atomic<bool>&) {
    std::string pending;
    if (read_request(fd, pending)) send_all(fd, "HTTP/1.0 200 OK\r\n\r\n{\"events\":[]}");
  });
  HttpClient client2(close_delimited.settings(std::chrono::milliseconds(2000)));
  for (int i = 0; i < 2; ++i) {
    r = client2.send(post());
    ASSERT_TRUE(r.transport_ok()) << r.exchange.transport_error;
    EXPECT_EQ(r.response.body, "{\"events\":[]}");
  }
  EXPECT_EQ(close_delimited.connections(), 2);
}

struct Hostile {
  const char* name;
  RawPeer::Serve serve;
  const char* reason;
};

TEST(HttpClient, HostilePeersEndInAReasonWithinTheDeadline) {
  const std::string ok_head = "HTTP/1.1 200 OK\r\n";
  const Hostile cases[] = {
      {"drip", endless(ok_head, "X", std::chrono::milliseconds(100)),
       "no complete response within 1 s (--timeout)"},
      {"endless 100 Continue",
       endless("", "HTTP/1.1 100 Continue\r\n\r\n", std::chrono::milliseconds(0)),
       "more than 10 interim (1xx) responses"},
      {"endless header line",
       endless(ok_head + "X-Long: ", std::string(4096, 'a'), std::chrono::milliseconds(0)),
       "response header block larger than 65536 bytes"},
      {"endless headers", endless(ok_head, "X-A: b\r\n", std::chrono::milliseconds(0)),
       "more than 100 response headers"},
      {"huge Content-Length", answer_each("HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n"),
       "response body larger than 8388608 bytes"},
      {"endless chunks",
       endless(ok_head + "Transfer-Encoding: chunked\r\n\r\n",
               "1000\r\n" + std::string(4096, 'x') + "\r\n", std::chrono::milliseconds(0)),
       "response body larger than 8388608 bytes"},
      {"endless close-delimited body",
       endless(ok_head + "\r\n", std::string(65536, 'x'), std::chrono::milliseconds(0)),
       "response body larger than 8388608 bytes"},
      {"conflicting lengths",
       answer_each("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"),
       "conflicting Content-Length headers"},
      {"not HTTP", answer_each("SSH-2.0-OpenSSH\r\n\r\n"), "malformed status line"},
      {"silence", endless("", "", std::chrono::milliseconds(50)),
       "no complete response within 1 s (--timeout)"},
  };
  for (const auto& c : cases) {
    RawPeer peer(c.serve);
    HttpClient client(peer.settings(std::chrono::milliseconds(1000)));
    const auto started = Clock::now();
    const auto r = client.send(post());
    const auto took = Clock::now() - started;
    EXPECT_FALSE(r.transport_ok()) << c.name;
    EXPECT_FALSE(r.interrupted) << c.name;
    EXPECT_NE(r.exchange.transport_error.find(c.reason), std::string::npos)
        << c.name << ": " << r.exchange.transport_error;
    EXPECT_LT(took, std::chrono::milliseconds(1800)) << c.name;
  }
}

TEST(HttpClient, TheRunStopTimeInterruptsAnExchangeInFlight) {
  RawPeer peer(endless("HTTP/1.1 200 OK\r\n", "X", std::chrono::milliseconds(50)));
  HttpClient client(peer.settings(std::chrono::milliseconds(10000)));
  const auto started = Clock::now();
  const auto r = client.send(post(), started + std::chrono::milliseconds(300));
  EXPECT_LT(Clock::now() - started, std::chrono::milliseconds(1500));
  EXPECT_FALSE(r.transport_ok());
  EXPECT_TRUE(r.interrupted);
  EXPECT_NE(r.exchange.transport_error.find("stopped at --max-time"), std::string::npos)
      << r.exchange.transport_error;
}

TEST(HttpClient, RefusesToSendControlCharactersAndMasksSecrets) {
  RawPeer peer(answer_each(
      "HTTP/1.1 200 OK\r\nX-Echo: tok-FwoGZXIvYXdzEBYaDLpeToken\r\nContent-Length: 42\r\n\r\n"
      "{\"echo\":\"FwoGZXIvYXdzEBYaDLpeToken\",\"x\":1}"));
  ClientSettings settings = peer.settings(std::chrono::milliseconds(2000));
  SigningOptions signing;
  signing.credentials.access_key_id = "AKIDEXAMPLE";
  signing.credentials.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  signing.credentials.session_token = "FwoGZXIvYXdzEBYaDLpeToken";
  signing.service = "ivs";
  settings.sigv4 = signing;
  HttpClient client(settings);
  auto req = post();
  req.headers.emplace_back("X-Split", "a\r\nX-Injected: 1");
  auto r = client.send(req);
  EXPECT_FALSE(r.transport_ok());
  EXPECT_NE(r.exchange.transport_error.find("refusing to send header 'X-Split'"), std::string::npos)
      << r.exchange.transport_error;
  req = post();
  req.method = "POST /x HTTP/1.1\r\n";
  r = client.send(req);
  EXPECT_FALSE(r.transport_ok());
  EXPECT_EQ(peer.connections(), 0);

  r = client.send(post());
  ASSERT_TRUE(r.transport_ok()) << r.exchange.transport_error;
  // A reflected secret is masked in the response judged and in the exchange for reports.
  EXPECT_EQ(r.response.body, "{\"echo\":\"***\",\"x\":1}");
  EXPECT_EQ(r.response.header("X-Echo").value_or(""), "tok-***");
  const std::string shown = r.exchange.to_json().dump();
  EXPECT_EQ(shown.find("FwoGZXIvYXdzEBYaDLpeToken"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("wJalrXUtnFEMI"), std::string::npos) << shown;
}

}  // namespace
}  // namespace lpe::harness::internal
