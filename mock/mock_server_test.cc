// MockServer over loopback (port 0 only): every rule end to end, the body limit before buffering,
// faults, the access log, keep-alive fairness and a clean stop.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <mutex>
#include <regex>
#include <thread>

#include "mock/mock_test_support.h"
#include "tests/support/loopback.h"

namespace lpe::mock {
namespace {

using testing::body_for;
using testing::Json;
using testing::kSession;
using testing::kStage;
using Clock = std::chrono::steady_clock;

// A MockServer on a free loopback port for the life of the object.
class Running {
 public:
  explicit Running(MockOptions options = {}, ServerOptions server_options = {}) {
    handler_ = testing::make_handler(std::move(options));
    server_options.host = "127.0.0.1";
    server_options.port = 0;
    server_ = std::make_unique<MockServer>(handler_, std::move(server_options));
    const Status started = server_->start();
    EXPECT_TRUE(started.ok()) << started.error().to_string();
  }
  int port() const { return server_->port(); }
  MockServer& server() { return *server_; }
  const MockHandler& handler() const { return *handler_; }

 private:
  std::shared_ptr<const MockHandler> handler_;
  std::unique_ptr<MockServer> server_;
};

// A raw TCP connection for what an HTTP client library would hide.
using RawConnection = test_support::RawClient;

wire::HttpResponse parse(const std::string& raw) {
  auto parsed = wire::parse_http_response(raw);
  if (!parsed) {
    ADD_FAILURE() << parsed.error().to_string() << "\n" << raw.substr(0, 300);
    return {};
  }
  return std::move(*parsed);
}

wire::HttpResponse from(const httplib::Result& result) {
  wire::HttpResponse out;
  if (!result) {
    ADD_FAILURE() << "request failed: " << httplib::to_string(result.error());
    return out;
  }
  out.status = result->status;
  for (const auto& [k, v] : result->headers) out.headers.emplace_back(k, v);
  out.body = result->body;
  return out;
}

std::string error_type(const wire::HttpResponse& r) {
  const auto h = r.header("x-amzn-ErrorType");
  return h ? std::string(*h) : std::string();
}

httplib::Result post(httplib::Client& c, const Json& body) {
  return c.Post("/ListParticipantEvents", body.dump(), "application/json");
}

std::string request_text(const std::string& body, const std::string& extra_headers = "") {
  return "POST /ListParticipantEvents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
         "application/json\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" + body;
}

TEST(MockServer, ServesR9OverLoopbackWithKeepAlive) {
  Running mock;
  ASSERT_GT(mock.port(), 0);
  auto c = testing::client_for(mock.port());
  for (int i = 0; i < 20; ++i) {
    const auto r = from(post(*c, body_for(kStage, kSession, "p-51-events", 10)));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    EXPECT_TRUE(r.header("x-amzn-RequestId").has_value());
    EXPECT_EQ(Json::parse(r.body).at("events").size(), 10u);
    EXPECT_EQ(testing::must_findings(r), "");
  }
  // The same connection served them all: a raw connection gets two responses in a row.
  RawConnection raw(mock.port());
  const std::string req = request_text(body_for(kStage, kSession, "p-1-event").dump());
  ASSERT_TRUE(raw.send(req));
  EXPECT_EQ(parse(raw.read_response(std::chrono::seconds(2))).status, 200);
  ASSERT_TRUE(raw.send(req));
  const auto second = parse(raw.read_response(std::chrono::seconds(2)));
  EXPECT_EQ(second.status, 200);
  EXPECT_TRUE(second.header("Keep-Alive").has_value());
}

TEST(MockServer, WalkEveryParticipantWithPageSizes1_7_50_100) {
  Running mock;
  auto c = testing::client_for(mock.port());
  const auto dataset = testing::default_dataset();
  size_t requests = 0;
  for (const auto& scope : dataset->scopes()) {
    const auto* items = dataset->items(scope.values);
    for (int size : {1, 7, 50, 100}) {
      std::vector<Json> got;
      std::optional<std::string> token;
      size_t pages = 0;
      while (true) {
        const auto result =
            post(*c, body_for(scope.values[0], scope.values[1], scope.values[2], size, token));
        ++requests;
        ASSERT_TRUE(result) << httplib::to_string(result.error());
        ASSERT_EQ(result->status, 200) << result->body;
        const Json b = Json::parse(result->body);
        ASSERT_LE(b.at("events").size(), static_cast<size_t>(size));
        for (const auto& e : b.at("events")) got.push_back(e);
        ++pages;
        if (!b.contains("nextToken")) break;
        token = b.at("nextToken").get<std::string>();
        ASSERT_LT(pages, 10000u);
      }
      ASSERT_EQ(got, *items) << scope.values[2] << " page size " << size;
      EXPECT_EQ(pages, std::max<size_t>(1, (items->size() + size - 1) / size));
    }
  }
  EXPECT_GT(requests, 6000u);
}

TEST(MockServer, EveryKindOfResponsePassesTheResponseChecker) {
  MockOptions options;
  options.max_body_bytes = 2048;
  Running mock(options);
  auto c = testing::client_for(mock.port());
  std::vector<wire::HttpResponse> responses;
  for (const auto& scope : testing::default_dataset()->scopes()) {
    responses.push_back(
        from(post(*c, body_for(scope.values[0], scope.values[1], scope.values[2]))));
  }
  for (const std::string body : {"{", "[]", "{}", "{\"maxResults\":0}", "{\"nextToken\":\"!\"}"}) {
    responses.push_back(from(c->Post("/ListParticipantEvents", body, "application/json")));
  }
  responses.push_back(
      from(c->Post("/ListParticipantEvents", std::string(3000, ' '), "application/json")));
  responses.push_back(from(c->Post("/ListParticipantEvents", "{}", "text/plain")));
  responses.push_back(from(c->Get("/ListParticipantEvents")));
  responses.push_back(from(c->Post("/Other", "{}", "application/json")));
  for (const auto& r : responses) {
    EXPECT_EQ(testing::must_findings(r), "") << r.status << " " << r.body.substr(0, 200);
    EXPECT_TRUE(r.header("x-amzn-RequestId").has_value());
  }
}

TEST(MockServer, RoutingMethodsAndMediaTypesR12) {
  Running mock;
  auto c = testing::client_for(mock.port());
  auto r = from(c->Get("/ListParticipantEvents"));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(error_type(r), "MethodNotAllowedException");
  EXPECT_EQ(r.header("Allow"), "POST");
  r = from(c->Put("/ListParticipantEvents", "{}", "application/json"));
  EXPECT_EQ(r.status, 405);
  r = from(c->Post("/ListStages", "{}", "application/json"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(error_type(r), "UnknownOperationException");
  r = from(c->Get("/"));
  EXPECT_EQ(r.status, 404);
  const std::string body = body_for(kStage, kSession, "p-1-event").dump();
  r = from(c->Post("/ListParticipantEvents", body, "text/plain"));
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(error_type(r), "UnsupportedMediaTypeException");
  r = from(c->Post("/ListParticipantEvents", body, "application/json; charset=utf-8"));
  EXPECT_EQ(r.status, 200);
  r = from(c->Post("/ListParticipantEvents?trace=1", body, "application/json"));
  EXPECT_EQ(r.status, 200);
  httplib::MultipartFormDataItems form = {{"a", "b", "", ""}};
  r = from(c->Post("/ListParticipantEvents", form));
  EXPECT_EQ(r.status, 415);
  // A HEAD gets the status without a body.
  r = from(c->Head("/ListParticipantEvents"));
  EXPECT_EQ(r.status, 405);
  // The client still works on its connection afterwards.
  EXPECT_EQ(from(c->Post("/ListParticipantEvents", body, "application/json")).status, 200);
}

TEST(MockServer, ValidationAndSerializationOverHttp) {
  Running mock;
  auto c = testing::client_for(mock.port());
  auto r = from(post(*c, body_for(kStage, "st-1", "p")));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_type(r), "ValidationException");
  EXPECT_EQ(
      Json::parse(r.body).at("exceptionMessage"),
      "1 validation error detected: Value 'st-1' at 'sessionId' failed to satisfy constraint: "
      "Member must have length greater than or equal to 16");
  r = from(c->Post("/ListParticipantEvents", "{\"maxResults\":\"5\"}", "application/json"));
  EXPECT_EQ(error_type(r), "SerializationException");
  r = from(post(*c, body_for(kStage, kSession, "unknown-participant")));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"events":[]})");
}

TEST(MockServer, PostWithoutContentLengthHasAnEmptyBody) {
  Running mock;
  RawConnection raw(mock.port());
  ASSERT_TRUE(raw.send("POST /ListParticipantEvents HTTP/1.1\r\nHost: x\r\n\r\n"));
  const auto start = Clock::now();
  const auto r = parse(raw.read_response(std::chrono::seconds(3)));
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(1));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_type(r), "ValidationException");
}

TEST(MockServer, ContentLengthOverTheLimitIsRefusedBeforeTheBodyIsSent) {
  Running mock;  // default limit: 1 MiB
  RawConnection raw(mock.port());
  ASSERT_TRUE(raw.send(
      "POST /ListParticipantEvents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 1048577\r\n\r\n{"));
  bool closed = false;
  const std::string text = raw.read_all(std::chrono::seconds(3), &closed);
  EXPECT_TRUE(closed);
  const auto r = parse(text);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(error_type(r), "RequestEntityTooLargeException");
  EXPECT_EQ(r.header("Connection"), "close");
  EXPECT_EQ(testing::must_findings(r), "");
}

TEST(MockServer, ExpectContinueOverTheLimitGets413InsteadOf100) {
  Running mock;
  RawConnection raw(mock.port());
  ASSERT_TRUE(raw.send(
      "POST /ListParticipantEvents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 5000000\r\nExpect: 100-continue\r\n\r\n"));
  const std::string text = raw.read_all(std::chrono::seconds(3));
  EXPECT_EQ(text.rfind("HTTP/1.1 413", 0), 0u) << text;
  EXPECT_EQ(text.find("100 Continue"), std::string::npos);
}

TEST(MockServer, ChunkedBodyOverTheLimitIsCutOff) {
  MockOptions options;
  options.max_body_bytes = 1000;
  Running mock(options);
  RawConnection raw(mock.port());
  ASSERT_TRUE(raw.send(
      "POST /ListParticipantEvents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n"));
  const std::string chunk = "1f4\r\n" + std::string(500, ' ') + "\r\n";
  for (int i = 0; i < 3; ++i) raw.send(chunk);  // 1500 bytes, never terminated
  bool closed = false;
  const auto r = parse(raw.read_all(std::chrono::seconds(3), &closed));
  EXPECT_TRUE(closed);
  EXPECT_EQ(r.status, 413);

  // Under the limit, chunked bodies are read whole.
  RawConnection ok(mock.port());
  const std::string body = body_for(kStage, kSession, "p-1-event").dump();
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  ASSERT_TRUE(ok.send(
      "POST /ListParticipantEvents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n" +
      std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n"));
  EXPECT_EQ(parse(ok.read_response(std::chrono::seconds(3))).status, 200);
}

TEST(MockServer, BodyAtTheLimitIsRead) {
  MockOptions options;
  options.max_body_bytes = 1000;
  Running mock(options);
  auto c = testing::client_for(mock.port());
  std::string body = body_for(kStage, kSession, "p-1-event").dump();
  body += std::string(1000 - body.size(), ' ');
  EXPECT_EQ(from(c->Post("/ListParticipantEvents", body, "application/json")).status, 200);
  body += " ";
  EXPECT_EQ(from(c->Post("/ListParticipantEvents", body, "application/json")).status, 413);
}

TEST(MockServer, BodyOnAnotherPathIsNotReadAndClosesTheConnection) {
  Running mock;
  RawConnection raw(mock.port());
  ASSERT_TRUE(raw.send(
      "POST /Other HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
      "100000000\r\n\r\n"));
  bool closed = false;
  const auto r = parse(raw.read_all(std::chrono::seconds(3), &closed));
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(closed);
}

TEST(MockServer, DropFaultClosesWithoutAResponse) {
  MockOptions options;
  options.fault = {FaultKind::kDrop, 1.0, {}};
  Running mock(options);
  RawConnection raw(mock.port());
  ASSERT_TRUE(raw.send(request_text(body_for(kStage, kSession, "p-1-event").dump())));
  bool closed = false;
  EXPECT_EQ(raw.read_all(std::chrono::seconds(3), &closed), "");
  EXPECT_TRUE(closed);
  auto c = testing::client_for(mock.port());
  EXPECT_FALSE(post(*c, body_for(kStage, kSession, "p-1-event")));
}

TEST(MockServer, InternalAndLatencyFaults) {
  MockOptions options;
  options.fault = {FaultKind::kInternal, 1.0, {}};
  {
    Running mock(options);
    auto c = testing::client_for(mock.port());
    const auto r = from(post(*c, body_for(kStage, kSession, "p-1-event")));
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(error_type(r), "InternalServerException");
  }
  options.fault = {FaultKind::kLatency, 1.0, std::chrono::milliseconds(200)};
  Running mock(options);
  auto c = testing::client_for(mock.port());
  const auto start = Clock::now();
  const auto r = from(post(*c, body_for(kStage, kSession, "p-1-event")));
  EXPECT_EQ(r.status, 200);
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(200));
}

TEST(MockServer, FaultSequenceFollowsTheSeed) {
  MockOptions options;
  options.fault = {FaultKind::kInternal, 0.3, {}};
  options.seed = 1234;
  const auto sequence = [&]() {
    Running mock(options);
    auto c = testing::client_for(mock.port());
    std::string out;
    for (int i = 0; i < 60; ++i) {
      out += post(*c, body_for(kStage, kSession, "p-1-event"))->status == 500 ? 'I' : '.';
    }
    return out;
  };
  const std::string first = sequence();
  EXPECT_EQ(first, sequence());
  // And it is the handler's sequence: the transport adds nothing.
  const auto handler = testing::make_handler(options);
  std::string direct;
  for (int i = 0; i < 60; ++i) {
    direct += handler->handle(testing::post(body_for(kStage, kSession, "p-1-event")),
                              std::chrono::system_clock::now())
                          .status == 500
                  ? 'I'
                  : '.';
  }
  EXPECT_EQ(first, direct);
  EXPECT_NE(first.find('I'), std::string::npos);
  EXPECT_NE(first.find('.'), std::string::npos);
}

TEST(MockServer, SigV4OverHttpAndAMaskedAccessLog) {
  constexpr const char* kAkid = "AKIDLOGTEST0000WXYZ";
  constexpr const char* kSecret = "log/Secret+Key/0123456789SECRETVALUE";
  constexpr const char* kToken = "SESSIONTOKENVALUE0123456789";
  MockOptions options;
  options.auth = AuthMode::kSigV4;
  options.credentials.add(kAkid, kSecret);
  options.credentials.add("ASIATEMPLOGTEST0001", kSecret, kToken);
  std::mutex mutex;
  std::vector<std::string> lines;
  ServerOptions server_options;
  server_options.access_log = [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(mutex);
    lines.push_back(line);
  };
  Running mock(options, server_options);
  auto c = testing::client_for(mock.port());
  const auto signed_post = [&](const wire::Credentials& creds, const Json& body) {
    wire::HttpRequest req;
    req.method = "POST";
    req.target = "/ListParticipantEvents";
    req.headers = {{"Host", "127.0.0.1:" + std::to_string(mock.port())},
                   {"Content-Type", "application/json"}};
    req.body = body.dump();
    wire::sign_request(req, creds, "us-east-1", "ivs", std::chrono::system_clock::now());
    httplib::Headers headers;
    for (const auto& [k, v] : req.headers) {
      if (k != "Content-Type" && k != "Host") headers.emplace(k, v);
    }
    return from(c->Post("/ListParticipantEvents", headers, req.body, "application/json"));
  };
  auto r = signed_post({kAkid, kSecret, ""}, body_for(kStage, kSession, "p-1-event"));
  EXPECT_EQ(r.status, 200) << r.body;
  r = signed_post({"ASIATEMPLOGTEST0001", kSecret, kToken},
                  body_for(kStage, kSession, "p-1-event"));
  EXPECT_EQ(r.status, 200) << r.body;
  r = signed_post({kAkid, "wrong-secret", ""}, body_for(kStage, kSession, "p-1-event"));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(error_type(r), "InvalidSignatureException");
  r = from(post(*c, body_for(kStage, kSession, "p-1-event")));
  EXPECT_EQ(error_type(r), "MissingAuthenticationTokenException");
  from(c->Get("/nowhere?X-Amz-Signature=abcdef0123&X-Amz-Security-Token=SESSIONTOKENVALUE"));

  std::lock_guard<std::mutex> lock(mutex);
  ASSERT_EQ(lines.size(), 5u);
  const std::regex shape(
      R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z [A-Z]+ \S+ (\d{3}|-) \d+B \d+\.\d{3}ms id=[0-9a-f-]{36} key=\S+( error=\w+)?( fault=\w+)?$)");
  for (const auto& line : lines) {
    EXPECT_TRUE(std::regex_match(line, shape)) << line;
    EXPECT_EQ(line.find(kSecret), std::string::npos) << line;
    EXPECT_EQ(line.find("wrong-secret"), std::string::npos) << line;
    EXPECT_EQ(line.find(kToken), std::string::npos) << line;
    EXPECT_EQ(line.find("SESSIONTOKENVALUE"), std::string::npos) << line;
    EXPECT_EQ(line.find(kAkid), std::string::npos) << line;
    EXPECT_EQ(line.find("Signature="), std::string::npos) << line;
    EXPECT_EQ(line.find("abcdef0123"), std::string::npos) << line;
  }
  EXPECT_NE(lines[0].find(" POST /ListParticipantEvents 200 "), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(" key=****WXYZ"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(" key=****0001"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find(" 403 "), std::string::npos);
  EXPECT_NE(lines[2].find("error=InvalidSignatureException"), std::string::npos);
  EXPECT_NE(lines[3].find(" key=- error=MissingAuthenticationTokenException"), std::string::npos)
      << lines[3];
  EXPECT_NE(lines[4].find(" GET /nowhere 404 "), std::string::npos) << lines[4];
}

TEST(MockServer, FaultsAreLogged) {
  MockOptions options;
  options.fault = {FaultKind::kDrop, 1.0, {}};
  std::vector<std::string> lines;
  std::mutex mutex;
  ServerOptions server_options;
  server_options.access_log = [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(mutex);
    lines.push_back(line);
  };
  Running mock(options, server_options);
  auto c = testing::client_for(mock.port());
  post(*c, body_for(kStage, kSession, "p-1-event"));
  std::lock_guard<std::mutex> lock(mutex);
  ASSERT_GE(lines.size(), 1u);
  EXPECT_NE(lines[0].find(" - 0B "), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(" fault=drop"), std::string::npos) << lines[0];
}

TEST(MockServer, StopFinishesInFlightRequestsAndClosesIdleConnections) {
  MockOptions options;
  options.fault = {FaultKind::kLatency, 1.0, std::chrono::milliseconds(400)};
  Running mock(options);
  const int port = mock.port();
  // An idle keep-alive connection must not hold the stop back.
  auto idle = testing::client_for(port);
  ASSERT_EQ(post(*idle, body_for(kStage, kSession, "p-1-event"))->status, 200);
  auto in_flight = std::async(std::launch::async, [port] {
    auto c = testing::client_for(port);
    return from(post(*c, body_for(kStage, kSession, "p-51-events")));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  const auto start = Clock::now();
  mock.server().stop();
  mock.server().wait();
  const auto stop_time = Clock::now() - start;
  const auto r = in_flight.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json::parse(r.body).at("events").size(), 50u);
  EXPECT_LT(stop_time, std::chrono::milliseconds(1500));
  RawConnection after(port);
  EXPECT_FALSE(after.connected());
  mock.server().stop();  // idempotent
}

TEST(MockServer, StopRightAfterStartAndWithoutStart) {
  for (int i = 0; i < 5; ++i) {
    Running mock;
    mock.server().stop();
    mock.server().wait();
  }
  MockServer never(testing::make_handler(), ServerOptions{});
  never.stop();
  never.wait();
}

TEST(MockServer, MoreConnectionsThanWorkersAreAllServed) {
  ServerOptions server_options;
  server_options.threads = 2;
  Running mock({}, server_options);
  std::vector<std::future<int>> clients;
  const auto start = Clock::now();
  for (int i = 0; i < 8; ++i) {
    clients.push_back(std::async(std::launch::async, [port = mock.port()] {
      auto c = testing::client_for(port);
      int ok = 0;
      for (int k = 0; k < 25; ++k) {
        const auto r = post(*c, body_for(kStage, kSession, "p-51-events", 5));
        ok += r && r->status == 200 ? 1 : 0;
      }
      return ok;
    }));
  }
  int total = 0;
  for (auto& f : clients) total += f.get();
  EXPECT_EQ(total, 200);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(4));  // no keep-alive starvation
}

TEST(MockServer, BindingAUsedPortFails) {
  Running first;
  ServerOptions server_options;
  server_options.port = first.port();
  MockServer second(testing::make_handler(), server_options);
  const Status started = second.start();
  ASSERT_FALSE(started.ok());
  const std::string& error = started.error().message;
  EXPECT_NE(error.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())),
            std::string::npos)
      << error;
  EXPECT_EQ(first.server().url(), "http://127.0.0.1:" + std::to_string(first.port()));
}

}  // namespace
}  // namespace lpe::mock
