// The in-process transport gives the Received a real exchange gives: the request prepared as
// HttpClient prepares it (Host, base path, signature), secrets redacted and masked, refusals,
// the stop time, and a throwing handler as a transport error.
#include "harness/internal/in_process_transport.h"

#include <gtest/gtest.h>

namespace lpe::harness::internal {
namespace {

constexpr const char* kSessionToken = "FwoGZXIvYXdzEBYaDLpeToken";
constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

ClientSettings settings(bool signing) {
  ClientSettings s;
  s.endpoint = parse_endpoint("http://localhost:8080/base").value();
  if (signing) {
    SigningOptions o;
    o.credentials = {"AKIDEXAMPLE", kSecret, kSessionToken};
    o.service = "ivs";
    s.sigv4 = o;
  }
  return s;
}

OutgoingRequest post(std::string body) {
  OutgoingRequest r;
  r.path = "/ListParticipantEvents";
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

wire::HttpResponse ok(std::string body) {
  wire::HttpResponse r;
  r.status = 200;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = std::move(body);
  return r;
}

TEST(InProcessTransport, TheHandlerSeesTheRequestAsTheEndpointWould) {
  OutgoingRequest seen;
  InProcessTransport transport(settings(true), [&](const OutgoingRequest& r) {
    seen = r;
    return ok("{\"events\":[]}");
  });
  const Received r = transport.send(post("{}"), SteadyTime::max());
  ASSERT_TRUE(r.transport_ok()) << r.exchange.transport_error;
  EXPECT_EQ(seen.path, "/base/ListParticipantEvents");
  EXPECT_EQ(seen.body, "{}");
  const auto header = [&](const wire::HeaderList& headers, const std::string& name) {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return std::string("(none)");
  };
  EXPECT_EQ(header(seen.headers, "Host"), "localhost:8080");
  EXPECT_EQ(
      header(seen.headers, "Authorization").rfind("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", 0),
      0u);
  EXPECT_EQ(header(seen.headers, "X-Amz-Security-Token"), kSessionToken);
  // The exchange for reports: the same request, with the secrets redacted.
  EXPECT_EQ(r.exchange.method, "POST");
  EXPECT_EQ(r.exchange.path, "/base/ListParticipantEvents");
  EXPECT_EQ(r.exchange.status, 200);
  EXPECT_EQ(r.exchange.response_body, "{\"events\":[]}");
  EXPECT_EQ(r.response.header("content-type").value_or(""), "application/json");
  const std::string shown = r.exchange.to_json().dump();
  EXPECT_EQ(shown.find(kSessionToken), std::string::npos) << shown;
  const std::string authorization = header(seen.headers, "Authorization");
  const std::string signature = authorization.substr(authorization.find("Signature=") + 10);
  EXPECT_EQ(signature.size(), 64u) << authorization;
  EXPECT_EQ(shown.find(signature), std::string::npos) << shown;
}

TEST(InProcessTransport, AReflectedSecretIsMaskedInTheResponseAndTheExchange) {
  InProcessTransport transport(settings(true), [](const OutgoingRequest&) {
    auto r = ok(std::string("{\"echo\":\"") + kSessionToken + "\",\"x\":1}");
    r.headers.emplace_back("X-Echo", std::string("tok-") + kSessionToken);
    return r;
  });
  const Received r =
      transport.send(post(std::string("{\"s\":\"") + kSecret + "\"}"), SteadyTime::max());
  ASSERT_TRUE(r.transport_ok());
  EXPECT_EQ(r.response.body, "{\"echo\":\"***\",\"x\":1}");
  EXPECT_EQ(r.response.header("X-Echo").value_or(""), "tok-***");
  const std::string shown = r.exchange.to_json().dump();
  EXPECT_EQ(shown.find(kSessionToken), std::string::npos) << shown;
  EXPECT_EQ(shown.find("wJalrXUtnFEMI"), std::string::npos) << shown;
}

TEST(InProcessTransport, RefusalsStopTimeAndThrowingHandlersAreTransportErrors) {
  int calls = 0;
  InProcessTransport transport(settings(false), [&](const OutgoingRequest& r) {
    ++calls;
    if (r.body == "throw") throw std::runtime_error("boom");
    return ok("{}");
  });
  auto split = post("{}");
  split.headers.emplace_back("X-Split", "a\r\nX-Injected: 1");
  Received r = transport.send(split, SteadyTime::max());
  EXPECT_FALSE(r.transport_ok());
  EXPECT_NE(r.exchange.transport_error.find("refusing to send header 'X-Split'"), std::string::npos)
      << r.exchange.transport_error;

  r = transport.send(post("{}"), std::chrono::steady_clock::now() - std::chrono::seconds(1));
  EXPECT_TRUE(r.interrupted);
  EXPECT_FALSE(r.transport_ok());
  EXPECT_EQ(calls, 0);

  r = transport.send(post("throw"), SteadyTime::max());
  EXPECT_FALSE(r.transport_ok());
  EXPECT_FALSE(r.interrupted);
  EXPECT_EQ(r.exchange.transport_error, "no valid HTTP response: the handler threw: boom");
  EXPECT_EQ(calls, 1);
}

TEST(InProcessTransport, AFactoryCountsWhatEveryTransportSent) {
  auto sent = std::make_shared<std::atomic<uint64_t>>(0);
  const TransportFactory factory = in_process_transports(
      settings(false), [](const OutgoingRequest&) { return ok("{}"); }, sent);
  auto a = factory();
  auto b = factory();
  EXPECT_TRUE(a->send(post("{}"), SteadyTime::max()).transport_ok());
  EXPECT_TRUE(b->send(post("{}"), SteadyTime::max()).transport_ok());
  EXPECT_EQ(sent->load(), 2u);
}

}  // namespace
}  // namespace lpe::harness::internal
