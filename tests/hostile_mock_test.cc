// The mock against hostile peers (DESIGN.md "Hostile peers"): raw-socket clients on
// loopback against an in-process MockServer and against the `lpe mock` binary, one test per
// attack. Each asserts what a user expects (answered with status X in the R8 form, connection
// closed, stopped within N seconds, memory below M) and is bounded in time by its own deadlines.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>

#include "mock/mock_test_support.h"
#include "tests/support/loopback.h"
#include "tests/support/lpe_process.h"
#include "tests/support/temp_files.h"
#include "wire/http.h"
#include "wire/sigv4.h"
#include "wire/text.h"

#ifndef LPE_BINARY
#error "LPE_BINARY must name the lpe executable"
#endif

namespace lpe::mock {
namespace {

using testing::body_for;
using testing::kSession;
using testing::kStage;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

// ---- Helpers -------------------------------------------------------------------------------

// A raw loopback TCP connection: sends what a hostile client would, reads what comes back.
using Raw = test_support::RawClient;

// Every response in `raw`, in order (a trailing partial response is dropped).
std::vector<wire::HttpResponse> parse_responses(std::string_view raw) {
  std::vector<wire::HttpResponse> out;
  while (true) {
    const size_t end = raw.find("\r\n\r\n");
    if (end == std::string_view::npos || raw.substr(0, 9).substr(0, 5) != "HTTP/") return out;
    wire::HttpResponse r;
    const std::string_view head = raw.substr(0, end);
    r.status = std::atoi(std::string(head.substr(9, 3)).c_str());
    size_t pos = head.find("\r\n");
    while (pos != std::string_view::npos && pos < head.size()) {
      const size_t next = head.find("\r\n", pos + 2);
      const std::string_view line = head.substr(
          pos + 2, next == std::string_view::npos ? std::string_view::npos : next - pos - 2);
      const size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        r.headers.emplace_back(line.substr(0, colon), wire::trim_left(line.substr(colon + 1), " "));
      }
      pos = next;
    }
    const size_t length =
        std::strtoul(std::string(r.header("Content-Length").value_or("0")).c_str(), nullptr, 10);
    if (raw.size() < end + 4 + length) return out;
    r.body = std::string(raw.substr(end + 4, length));
    out.push_back(std::move(r));
    raw.remove_prefix(end + 4 + length);
  }
}

// The R8 error form: x-amzn-ErrorType, x-amzn-RequestId, Content-Type application/json and a JSON
// object body with a string exceptionMessage. Empty when `r` has it, else what is missing.
std::string r8_problems(const wire::HttpResponse& r, std::string_view error_type) {
  std::string out;
  if (r.header("x-amzn-ErrorType") != std::string(error_type)) {
    out += "x-amzn-ErrorType is '" + std::string(r.header("x-amzn-ErrorType").value_or("<none>")) +
           "'; ";
  }
  if (r.header("x-amzn-RequestId").value_or("").empty()) out += "no x-amzn-RequestId; ";
  if (r.header("Content-Type") != std::string("application/json")) out += "Content-Type; ";
  const auto body = nlohmann::json::parse(r.body, nullptr, false);
  if (!body.is_object() || !body.contains("exceptionMessage") ||
      !body["exceptionMessage"].is_string()) {
    out += "body is not {\"exceptionMessage\": ...}: " + r.body.substr(0, 200);
  }
  return out;
}

size_t rss_kb(pid_t pid) {
  std::ifstream in("/proc/" + (pid == 0 ? std::string("self") : std::to_string(pid)) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoul(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

// An in-process MockServer on a free loopback port, with its access log kept.
class Mock {
 public:
  explicit Mock(MockOptions options = {}, ServerOptions server_options = {}) {
    handler_ = testing::make_handler(std::move(options));
    server_options.host = "127.0.0.1";
    server_options.port = 0;
    server_options.access_log = [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(mutex_);
      log_.push_back(line);
    };
    server_ = std::make_unique<MockServer>(handler_, std::move(server_options));
    const Status started = server_->start();
    EXPECT_TRUE(started.ok()) << started.error().to_string();
  }
  int port() const { return server_->port(); }
  MockServer& server() { return *server_; }
  std::string log() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string out;
    for (const auto& l : log_) out += l + "\n";
    return out;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> log_;
  std::shared_ptr<const MockHandler> handler_;
  std::unique_ptr<MockServer> server_;
};

std::string valid_request(const std::string& extra_headers = "") {
  const std::string body = body_for(kStage, kSession, "p-1-event").dump();
  return "POST /ListParticipantEvents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
         "application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" + body;
}

// Sends `bytes` and expects exactly one answer: `status` in the R8 form with `error_type`, then
// the connection closed, all within `timeout`.
void expect_error_then_close(int port, const std::string& bytes, int status,
                             std::string_view error_type, milliseconds timeout = seconds(3)) {
  Raw raw(port);
  ASSERT_TRUE(raw.connected());
  raw.send(bytes);  // the server may close before reading everything
  bool closed = false;
  const auto start = Clock::now();
  const std::string text = raw.read_all(timeout, &closed);
  EXPECT_TRUE(closed) << "the connection stayed open";
  EXPECT_LT(Clock::now() - start, timeout);
  const auto responses = parse_responses(text);
  ASSERT_EQ(responses.size(), 1u) << text.substr(0, 600);
  EXPECT_EQ(responses[0].status, status) << text.substr(0, 600);
  EXPECT_EQ(r8_problems(responses[0], error_type), "");
  EXPECT_EQ(responses[0].header("Connection"), std::string("close"));
  EXPECT_EQ(text.find("EXCEPTION_WHAT"), std::string::npos);
}

// `lpe mock ARGS...` in the background (tests/support/lpe_process.h): its standard error kept in
// a temporary file, its port read from its first stdout line (-1 when it did not start).
class Binary {
 public:
  explicit Binary(const std::vector<std::string>& args)
      : process_(mock_command(args), err_.path()),
        port_(test_support::listening_port(process_.first_line(seconds(20)))) {}
  int port() const { return port_; }
  pid_t pid() const { return process_.pid(); }
  void signal(int sig) { process_.send_signal(sig); }
  // The exit code once it exits within `timeout`; -1 otherwise (or when killed by a signal).
  int wait_exit(milliseconds timeout) { return process_.wait_exit(timeout); }
  std::string err() const { return err_.read(); }

 private:
  static std::vector<std::string> mock_command(std::vector<std::string> args) {
    args.insert(args.begin(), "mock");
    return args;
  }

  test_support::TempFile err_{"mock.err"};
  test_support::LpeBackground process_;
  int port_ = -1;
};

// Clients that each send a request head one byte at a time, every `interval`, until stopped.
class Drippers {
 public:
  Drippers(int port, int count, milliseconds interval) {
    for (int i = 0; i < count; ++i) connections_.push_back(std::make_unique<Raw>(port));
    thread_ = std::thread([this, interval] {
      const std::string head =
          "POST /ListParticipantEvents HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " +
          std::string(4096, 'a');
      for (size_t i = 0; i < head.size() && !stop_.load(); ++i) {
        for (auto& c : connections_) c->send(head.substr(i, 1), milliseconds(50));
        std::this_thread::sleep_for(interval);
      }
    });
  }
  ~Drippers() {
    stop_.store(true);
    thread_.join();
  }

 private:
  std::vector<std::unique_ptr<Raw>> connections_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// One valid request on a fresh connection; returns its latency (or 10 s when it failed).
milliseconds timed_request(int port) {
  const auto start = Clock::now();
  Raw raw(port);
  if (!raw.connected() || !raw.send(valid_request())) return seconds(10);
  const auto responses = parse_responses(raw.read_response(seconds(10)));
  if (responses.size() != 1 || responses[0].status != 200) return seconds(10);
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

// ---- 1. Bounded request line and header block ---------------------------------------------

TEST(HostileMock, EndlessHeaderLineGets431InR8FormAndCloses) {
  Mock mock;
  const size_t rss_before = rss_kb(0);
  Raw raw(mock.port());
  raw.send("POST /ListParticipantEvents HTTP/1.1\r\nHost: x\r\nX-Endless: ");
  const std::string chunk(64 * 1024, 'a');
  // 64 MiB if the server kept reading; it stops at its header limit and answers.
  for (int i = 0; i < 1024 && raw.send(chunk, milliseconds(200)); ++i) {
  }
  bool closed = false;
  const auto responses = parse_responses(raw.read_all(seconds(3), &closed));
  EXPECT_TRUE(closed);
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 431);
  EXPECT_EQ(r8_problems(responses[0], "RequestHeaderFieldsTooLargeException"), "");
  EXPECT_LT(rss_kb(0), rss_before + 32 * 1024) << "kB; the server buffered the endless header";
  EXPECT_NE(mock.log().find(" 431 "), std::string::npos) << mock.log();
}

TEST(HostileMock, MillionsOfShortHeadersGet431AndClose) {
  Mock mock;
  Raw raw(mock.port());
  raw.send("POST /ListParticipantEvents HTTP/1.1\r\nHost: x\r\n");
  std::string many;
  for (int i = 0; i < 10000; ++i) many += "a:b\r\n";
  for (int i = 0; i < 200 && raw.send(many, milliseconds(200)); ++i) {  // 2 million headers
  }
  bool closed = false;
  const auto responses = parse_responses(raw.read_all(seconds(3), &closed));
  EXPECT_TRUE(closed);
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 431);
  EXPECT_EQ(r8_problems(responses[0], "RequestHeaderFieldsTooLargeException"), "");
  // The count limit holds for headers far below the byte limit too.
  std::string hundred_and_one = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 100; ++i) hundred_and_one += "h:1\r\n";
  expect_error_then_close(mock.port(), hundred_and_one + "\r\n", 431,
                          "RequestHeaderFieldsTooLargeException");
}

TEST(HostileMock, OverlongRequestLineGets400AndCloses) {
  Mock mock;
  expect_error_then_close(mock.port(), "GET /" + std::string(20000, 'a') + " HTTP/1.1\r\n\r\n", 400,
                          "BadRequestException");
}

TEST(HostileMock, BinaryStaysSmallUnderHeaderFloods) {
  Binary mock({"--port", "0", "--threads", "4"});
  ASSERT_GT(mock.port(), 0) << mock.err();
  std::vector<std::future<int>> floods;
  for (int i = 0; i < 16; ++i) {
    floods.push_back(std::async(std::launch::async, [port = mock.port()] {
      Raw raw(port);
      raw.send("POST /ListParticipantEvents HTTP/1.1\r\nHost: x\r\nX-Flood: ");
      const std::string chunk(64 * 1024, 'b');
      for (int k = 0; k < 256 && raw.send(chunk, milliseconds(200)); ++k) {
      }
      const auto responses = parse_responses(raw.read_all(seconds(3)));
      return responses.size() == 1 ? responses[0].status : 0;
    }));
  }
  for (auto& f : floods) EXPECT_EQ(f.get(), 431);
  EXPECT_EQ(timed_request(mock.port()) < seconds(2), true);
  EXPECT_LT(rss_kb(mock.pid()), 100u * 1024) << "kB";
  mock.signal(SIGTERM);
  EXPECT_EQ(mock.wait_exit(seconds(5)), 0);
}

// ---- 2. Slowloris and stopping -------------------------------------------------------------

TEST(HostileMock, DrippingRequestGets408AtItsDeadlineWhateverTheRate) {
  ServerOptions options;
  options.request_timeout = milliseconds(1000);
  Mock mock({}, options);
  Raw raw(mock.port());
  const std::string request = valid_request();
  const auto start = Clock::now();
  bool closed = false;
  std::string answer;
  // One byte every 50 ms: each byte arrives well within any per-read timeout.
  for (size_t i = 0; i < request.size() && Clock::now() - start < seconds(4); ++i) {
    if (!raw.send(request.substr(i, 1))) break;
    answer += raw.read_all(milliseconds(50), &closed);
    if (closed) break;
  }
  if (!closed) answer += raw.read_all(seconds(2), &closed);
  const auto elapsed = Clock::now() - start;
  EXPECT_TRUE(closed);
  EXPECT_GE(elapsed, milliseconds(900));
  EXPECT_LT(elapsed, milliseconds(2500));
  const auto responses = parse_responses(answer);
  ASSERT_EQ(responses.size(), 1u) << answer;
  EXPECT_EQ(responses[0].status, 408);
  EXPECT_EQ(r8_problems(responses[0], "RequestTimeoutException"), "");
  EXPECT_NE(mock.log().find("error=RequestTimeoutException"), std::string::npos) << mock.log();
}

TEST(HostileMock, DrippingClientsDoNotHoldTheWorkers) {
  ServerOptions options;
  options.threads = 2;
  Mock mock({}, options);
  Drippers drippers(mock.port(), 64, milliseconds(100));  // 32 times the workers
  std::this_thread::sleep_for(milliseconds(300));
  for (int i = 0; i < 5; ++i) EXPECT_LT(timed_request(mock.port()), milliseconds(500));
}

TEST(HostileMock, StopCompletesWithinSecondsWhileClientsDrip) {
  Mock mock;
  Drippers drippers(mock.port(), 32, milliseconds(100));
  std::this_thread::sleep_for(milliseconds(500));
  const auto start = Clock::now();
  mock.server().stop();
  mock.server().wait();
  EXPECT_LT(Clock::now() - start, seconds(3));
}

TEST(HostileMock, SigtermStopsTheBinaryWithinSecondsWhileClientsDrip) {
  Binary mock({"--port", "0", "--threads", "4"});
  ASSERT_GT(mock.port(), 0) << mock.err();
  Drippers drippers(mock.port(), 32, milliseconds(100));
  std::this_thread::sleep_for(milliseconds(500));
  const auto start = Clock::now();
  mock.signal(SIGTERM);
  EXPECT_EQ(mock.wait_exit(seconds(5)), 0) << mock.err();
  EXPECT_LT(Clock::now() - start, seconds(4));
}

TEST(HostileMock, SecondSignalStopsTheBinaryAtOnce) {
  Binary mock({"--port", "0"});
  ASSERT_GT(mock.port(), 0) << mock.err();
  Drippers drippers(mock.port(), 4, milliseconds(50));  // keeps the first stop in its grace
  std::this_thread::sleep_for(milliseconds(300));
  mock.signal(SIGINT);
  std::this_thread::sleep_for(milliseconds(100));
  const auto start = Clock::now();
  mock.signal(SIGINT);
  EXPECT_EQ(mock.wait_exit(seconds(2)), 128 + SIGINT) << mock.err();
  EXPECT_LT(Clock::now() - start, milliseconds(500));
  EXPECT_NE(mock.err().find("stopping at once"), std::string::npos) << mock.err();
}

TEST(HostileMock, SigtermDoesNotWaitOutALatencyFault) {
  Binary mock({"--port", "0", "--fault", "latency:600000", "--fault-rate", "1", "--seed", "1"});
  ASSERT_GT(mock.port(), 0) << mock.err();
  Raw raw(mock.port());
  ASSERT_TRUE(raw.send(valid_request()));
  std::this_thread::sleep_for(milliseconds(300));
  const auto start = Clock::now();
  mock.signal(SIGTERM);
  // The held-back answer goes out at once, then the process ends.
  const auto responses = parse_responses(raw.read_response(seconds(3)));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 200);
  EXPECT_EQ(mock.wait_exit(seconds(3)), 0) << mock.err();
  EXPECT_LT(Clock::now() - start, seconds(2));
}

TEST(HostileMock, LatencyFaultHoldsNoWorkerAndDoesNotDelayAStop) {
  MockOptions options;
  options.fault = {FaultKind::kLatency, 1.0, milliseconds(600000)};
  ServerOptions server_options;
  server_options.threads = 1;
  Mock mock(options, server_options);
  std::vector<std::unique_ptr<Raw>> waiting;
  for (int i = 0; i < 8; ++i) {
    waiting.push_back(std::make_unique<Raw>(mock.port()));
    ASSERT_TRUE(waiting.back()->send(valid_request()));
  }
  std::this_thread::sleep_for(milliseconds(200));
  const auto start = Clock::now();
  mock.server().stop();
  mock.server().wait();
  EXPECT_LT(Clock::now() - start, seconds(1));
  for (auto& raw : waiting) {
    const auto responses = parse_responses(raw->read_response(seconds(2)));
    ASSERT_EQ(responses.size(), 1u);
    EXPECT_EQ(responses[0].status, 200);
  }
}

// ---- 3. Idle keep-alive connections hold no worker -----------------------------------------

TEST(HostileMock, IdleConnectionFloodDoesNotDelayANormalRequest) {
  ServerOptions options;
  options.threads = 2;
  Mock mock({}, options);
  // 400 connections that never send anything, and 100 keep-alive ones idle after one request.
  std::vector<std::unique_ptr<Raw>> idle;
  for (int i = 0; i < 400; ++i) idle.push_back(std::make_unique<Raw>(mock.port()));
  for (int i = 0; i < 100; ++i) {
    idle.push_back(std::make_unique<Raw>(mock.port()));
    ASSERT_TRUE(idle.back()->send(valid_request()));
    ASSERT_EQ(parse_responses(idle.back()->read_response(seconds(5))).size(), 1u);
  }
  std::vector<milliseconds> latencies;
  for (int i = 0; i < 40; ++i) latencies.push_back(timed_request(mock.port()));
  std::sort(latencies.begin(), latencies.end());
  EXPECT_LT(latencies[latencies.size() / 2], milliseconds(50));
  EXPECT_LT(latencies.back(), milliseconds(500));
}

TEST(HostileMock, IdleConnectionsAreClosedAfterTheKeepAliveTimeout) {
  ServerOptions options;
  options.keep_alive_timeout = milliseconds(300);
  Mock mock({}, options);
  Raw never_sends(mock.port());
  Raw after_one(mock.port());
  ASSERT_TRUE(after_one.send(valid_request()));
  bool closed_a = false, closed_b = false;
  never_sends.read_all(seconds(2), &closed_a);
  const auto text = after_one.read_all(seconds(2), &closed_b);
  EXPECT_TRUE(closed_a);
  EXPECT_TRUE(closed_b);
  EXPECT_EQ(parse_responses(text).size(), 1u);
}

// ---- 4. Request smuggling: every framing error answers in R8 form and closes --------------

struct SmugglingCase {
  const char* name;
  std::string bytes;  // the framing error; a valid request for /smuggled follows it
  int status;
  const char* error_type;
};

const std::string kHead = "POST /ListParticipantEvents HTTP/1.1\r\nHost: x\r\n";
const std::string kThen = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

std::vector<SmugglingCase> smuggling_cases() {
  const std::string json = "Content-Type: application/json\r\n";
  return {
      {"ConflictingContentLength",
       kHead + json + "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}", 400,
       "BadRequestException"},
      {"DuplicateEqualContentLength",
       kHead + json + "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}", 400,
       "BadRequestException"},
      {"ContentLengthList", kHead + json + "Content-Length: 2, 2\r\n\r\n{}", 400,
       "BadRequestException"},
      {"SignedContentLength", kHead + json + "Content-Length: +2\r\n\r\n{}", 400,
       "BadRequestException"},
      {"ContentLengthOverTwentyDigits",
       kHead + json + "Content-Length: 000000000000000000002\r\n\r\n{}", 400,
       "BadRequestException"},
      {"ContentLengthWithTransferEncoding",
       kHead + json + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
       400, "BadRequestException"},
      {"TransferEncodingNotChunked", kHead + json + "Transfer-Encoding: gzip, chunked\r\n\r\n", 501,
       "NotImplementedException"},
      {"TransferEncodingTwice",
       kHead + json + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       400, "BadRequestException"},
      {"TransferEncodingInHttp10",
       "POST /ListParticipantEvents HTTP/1.0\r\n" + json +
           "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       400, "BadRequestException"},
      {"ChunkSizeNotHex", kHead + json + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
       400, "BadRequestException"},
      {"ChunkSizeOverflow",
       kHead + json + "Transfer-Encoding: chunked\r\n\r\n10000000000000002\r\n{}\r\n0\r\n\r\n", 400,
       "BadRequestException"},
      {"ChunkDataWithoutCrlf",
       kHead + json + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n", 400,
       "BadRequestException"},
      {"ChunkSizeWithGarbage",
       kHead + json + "Transfer-Encoding: chunked\r\n\r\n2 x\r\n{}\r\n0\r\n\r\n", 400,
       "BadRequestException"},
      {"HeaderOverTheLimit", kHead + "X-Big: " + std::string(20000, 'a') + "\r\n\r\n", 431,
       "RequestHeaderFieldsTooLargeException"},
      {"ObsFold", kHead + json + "X-Folded: a\r\n b\r\nContent-Length: 2\r\n\r\n{}", 400,
       "BadRequestException"},
      {"SpaceBeforeColon", kHead + json + "Content-Length : 2\r\n\r\n{}", 400,
       "BadRequestException"},
      {"BareLfLineEnding", "POST /ListParticipantEvents HTTP/1.1\nHost: x\n\n", 400,
       "BadRequestException"},
      {"BareCrInHeaderValue", kHead + "X-A: a\rContent-Length: 2\r\n\r\n{}", 400,
       "BadRequestException"},
      {"NulInHeaderValue", kHead + std::string("X-A: a\0b\r\n\r\n", 12), 400,
       "BadRequestException"},
      {"MalformedRequestLine", "POST  /ListParticipantEvents HTTP/1.1\r\nHost: x\r\n\r\n", 400,
       "BadRequestException"},
      {"HttpVersion2", "POST /ListParticipantEvents HTTP/2.0\r\nHost: x\r\n\r\n", 505,
       "HttpVersionNotSupportedException"},
      {"MissingHostInHttp11", "POST /ListParticipantEvents HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
       400, "BadRequestException"},
      {"TwoHosts", kHead + "Host: y\r\n\r\n", 400, "BadRequestException"},
  };
}

class Smuggling : public ::testing::TestWithParam<SmugglingCase> {};

TEST_P(Smuggling, FramingErrorIsAnsweredInR8FormLoggedAndClosesTheConnection) {
  const auto& c = GetParam();
  Mock mock;
  expect_error_then_close(mock.port(), c.bytes + kThen, c.status, c.error_type);
  const std::string log = mock.log();
  EXPECT_NE(log.find(" " + std::to_string(c.status) + " "), std::string::npos) << log;
  EXPECT_NE(log.find(std::string("error=") + c.error_type), std::string::npos) << log;
  EXPECT_EQ(log.find("/smuggled"), std::string::npos) << "parsed after a framing error:\n" << log;
}

INSTANTIATE_TEST_SUITE_P(HostileMock, Smuggling, ::testing::ValuesIn(smuggling_cases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(HostileMock, ValidPipelinedRequestsAreAllAnswered) {
  Mock mock;
  Raw raw(mock.port());
  ASSERT_TRUE(raw.send(valid_request() + valid_request() + valid_request("Connection: close\r\n") +
                       valid_request()));
  bool closed = false;
  const auto responses = parse_responses(raw.read_all(seconds(3), &closed));
  EXPECT_TRUE(closed);
  ASSERT_EQ(responses.size(), 3u);  // nothing after `Connection: close` is read
  for (const auto& r : responses) EXPECT_EQ(r.status, 200);
}

// ---- 5. Smaller ones -----------------------------------------------------------------------

TEST(HostileMock, HugeBodyLimitWithAHugeContentLengthNeverGives5xx) {
  MockOptions options;
  options.max_body_bytes = size_t{1} << 40;
  ServerOptions server_options;
  server_options.request_timeout = milliseconds(1000);
  Mock mock(options, server_options);
  const size_t rss_before = rss_kb(0);
  for (const std::string length : {"1099511627776", "1000000000000", "4294967296"}) {
    Raw raw(mock.port());
    raw.send(kHead + "Content-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n{");
    bool closed = false;
    const std::string text = raw.read_all(seconds(3), &closed);
    EXPECT_TRUE(closed);
    const auto responses = parse_responses(text);
    ASSERT_EQ(responses.size(), 1u) << text;
    EXPECT_LT(responses[0].status, 500) << text;
    EXPECT_EQ(responses[0].status, 408) << text;  // the body never came
    EXPECT_EQ(r8_problems(responses[0], "RequestTimeoutException"), "");
    EXPECT_EQ(text.find("EXCEPTION_WHAT"), std::string::npos);
    EXPECT_EQ(text.find("bad_alloc"), std::string::npos);
  }
  EXPECT_LT(rss_kb(0), rss_before + 32 * 1024) << "kB: a body was reserved from its Content-Length";
  // Over the limit, and over 64 bits: answered at once.
  expect_error_then_close(mock.port(),
                          kHead +
                              "Content-Type: application/json\r\nContent-Length: "
                              "1099511627777\r\n\r\n",
                          413, "RequestEntityTooLargeException");
  expect_error_then_close(mock.port(), kHead + "Content-Length: 99999999999999999999\r\n\r\n", 400,
                          "BadRequestException");
}

TEST(HostileMock, Http11WithoutHostIs400AndHttp10WithoutHostIsServed) {
  Mock mock;
  expect_error_then_close(mock.port(), "GET / HTTP/1.1\r\n\r\n", 400, "BadRequestException");
  Raw raw(mock.port());
  const std::string body = body_for(kStage, kSession, "p-1-event").dump();
  ASSERT_TRUE(
      raw.send("POST /ListParticipantEvents HTTP/1.0\r\nContent-Type: application/json\r\n"
               "Content-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body));
  bool closed = false;
  const auto responses = parse_responses(raw.read_all(seconds(3), &closed));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 200);
  EXPECT_TRUE(closed);  // HTTP/1.0 without keep-alive
}

TEST(HostileMock, FarFutureAmzDateIsInvalidSignature) {
  MockOptions options;
  options.auth = AuthMode::kSigV4;
  options.credentials.add("AKIDHOSTILE000000001", "hostile/secret/0123456789");
  Mock mock(options);
  wire::HttpRequest req;
  req.method = "POST";
  req.target = "/ListParticipantEvents";
  req.headers = {{"Host", "127.0.0.1:" + std::to_string(mock.port())},
                 {"Content-Type", "application/json"}};
  req.body = body_for(kStage, kSession, "p-1-event").dump();
  wire::sign_request(req, {"AKIDHOSTILE000000001", "hostile/secret/0123456789", ""}, "us-east-1",
                     "ivs", std::chrono::system_clock::now());
  for (auto& [name, value] : req.headers) {
    if (name == "X-Amz-Date" || name == "x-amz-date") value = "99991231T235959Z";
  }
  std::string text = req.method + " " + req.target + " HTTP/1.1\r\n";
  for (const auto& [name, value] : req.headers) text += name + ": " + value + "\r\n";
  text += "Content-Length: " + std::to_string(req.body.size()) + "\r\n\r\n" + req.body;
  Raw raw(mock.port());
  ASSERT_TRUE(raw.send(text));
  const auto responses = parse_responses(raw.read_response(seconds(3)));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 403);
  EXPECT_EQ(r8_problems(responses[0], "InvalidSignatureException"), "") << responses[0].body;
}

TEST(HostileMock, DataFileWithANulByteIsAnErrorWithFileAndLine) {
  const test_support::TempFile data("nul.json", std::string("{\"stages\": []}\n") + '\0' +
                                                    "{\"this text\": \"must not be ignored\"}\n");
  const auto run = test_support::run_lpe({"mock", "--data", data.path(), "--dump-data"});
  EXPECT_EQ(run.exit_code, 2) << test_support::describe(run);
  EXPECT_NE(run.err.find(data.path() + ":2:1:"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("NUL"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace lpe::mock
