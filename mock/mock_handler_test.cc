// MockHandler without sockets: R6-R13, pagination tokens, faults, request ids and every
// test-only defect, each response also judged by validators::ResponseChecker.
#include <set>

#include "mock/mock_test_support.h"
#include "mock/testing/defects.h"

namespace lpe::mock {
namespace {

using testing::body_for;
using testing::fixed_now;
using testing::Json;
using testing::kSession;
using testing::kStage;
using testing::make_handler;
using testing::post;

constexpr const char* kAkid = "AKIDEXAMPLEMOCK01";
constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

Json body_json(const MockResponse& r) { return Json::parse(r.body); }

std::string error_type(const MockResponse& r) {
  const auto h = r.header("x-amzn-ErrorType");
  return h ? std::string(*h) : std::string();
}

std::string message(const MockResponse& r) {
  return body_json(r).value("exceptionMessage", std::string());
}

// Walks a whole list with `page_size` and returns its items.
std::vector<Json> walk(const MockHandler& handler, const std::vector<std::string>& scope,
                       std::optional<int> page_size, size_t* pages = nullptr) {
  std::vector<Json> out;
  std::optional<std::string> token;
  for (size_t page = 0; page < 10000; ++page) {
    const auto r =
        handler.handle(post(body_for(scope[0], scope[1], scope[2], page_size, token)), fixed_now());
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) break;
    const Json b = body_json(r);
    const size_t limit = page_size ? static_cast<size_t>(*page_size) : 50;
    EXPECT_LE(b.at("events").size(), limit);
    for (const auto& e : b.at("events")) out.push_back(e);
    if (pages != nullptr) *pages = page + 1;
    if (!b.contains("nextToken")) return out;
    token = b.at("nextToken").get<std::string>();
  }
  ADD_FAILURE() << "paging did not end";
  return out;
}

TEST(MockHandler, SuccessIsR9WithDefaultPageAndToken) {
  const auto handler = make_handler();
  const auto r = handler->handle(post(body_for(kStage, kSession, "p-51-events")), fixed_now());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  ASSERT_TRUE(r.header("x-amzn-RequestId").has_value());
  EXPECT_EQ(*r.header("x-amzn-RequestId"), r.request_id);
  const Json b = body_json(r);
  ASSERT_EQ(b.at("events").size(), 50u);  // the model's default page size
  EXPECT_TRUE(b.at("nextToken").is_string());
  EXPECT_LE(b.at("nextToken").get<std::string>().size(), 1024u);
  const std::vector<std::string> scope = {kStage, kSession, "p-51-events"};
  const auto* items = testing::default_dataset()->items(scope);
  for (size_t i = 0; i < 50; ++i) EXPECT_EQ(b.at("events")[i], (*items)[i]);
  EXPECT_EQ(testing::must_findings(r), "");
  // The members come in the model's order, items member first.
  EXPECT_EQ(r.body.rfind("{\"events\":[{\"name\":", 0), 0u);
}

// The page carries AWS's new Event members as stored (R9): destinations on replication events,
// both tokens on token exchanges, the replica flag; and the response checker finds nothing at
// all about it (no must, no should, no note).
TEST(MockHandler, ServedPagesCarryTheNewEventMembers) {
  const auto handler = make_handler();
  const std::vector<std::string> scope = {kStage, kSession, "p-shared"};
  const auto r = handler->handle(post(body_for(scope[0], scope[1], scope[2])), fixed_now());
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(testing::checker().check(r).empty()) << r.body;
  const Json events = body_json(r).at("events");
  const auto* items = testing::default_dataset()->items(scope);
  ASSERT_EQ(events.size(), items->size());
  std::set<std::string> members;
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i], (*items)[i]);
    for (auto it = events[i].begin(); it != events[i].end(); ++it) members.insert(it.key());
    const std::string name = events[i].at("name");
    if (name == "TOKEN_EXCHANGED") {
      EXPECT_EQ(events[i].at("previousToken").at("userId"), "user-p-shared");
      EXPECT_TRUE(events[i].at("newToken").at("expirationTime").is_string());
    }
    if (name == "REPLICATION_STARTED") {
      EXPECT_EQ(events[i].at("destinationStageArn"), testing::kStageB);
      EXPECT_EQ(events[i].at("destinationSessionId"), testing::kSessionB);
    }
  }
  EXPECT_EQ(members,
            (std::set<std::string>{"name", "participantId", "eventTime", "remoteParticipantId",
                                   "errorCode", "destinationStageArn", "destinationSessionId",
                                   "replica", "previousToken", "newToken"}));
  // The bytes are the stored serialization, members in the model's order.
  const auto token_event = r.body.find(R"({"name":"TOKEN_EXCHANGED","participantId":"p-shared",)");
  ASSERT_NE(token_event, std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("replica":true,"previousToken":{"capabilities":[)", token_event),
            std::string::npos)
      << r.body;
}

TEST(MockHandler, EveryPageOfTheDefaultDatasetHasNoFindingAtAll) {
  const auto handler = make_handler();
  for (const auto& scope : testing::default_dataset()->scopes()) {
    std::optional<std::string> token;
    for (int page = 0; page < 200; ++page) {
      const auto r = handler->handle(
          post(body_for(scope.values[0], scope.values[1], scope.values[2], 100, token)),
          fixed_now());
      const auto findings = testing::checker().check(r);
      ASSERT_TRUE(findings.empty()) << scope.values[2] << ": " << findings.front().rule << " "
                                    << findings.front().path << " " << findings.front().message;
      const Json b = body_json(r);
      if (!b.contains("nextToken")) break;
      token = b.at("nextToken").get<std::string>();
    }
  }
}

TEST(MockHandler, WalkingEveryListWithSeveralPageSizesGivesTheDataset) {
  const auto handler = make_handler();
  const auto dataset = testing::default_dataset();
  for (const auto& scope : dataset->scopes()) {
    const auto* items = dataset->items(scope.values);
    for (std::optional<int> size :
         {std::optional<int>(), std::optional<int>(13), std::optional<int>(100)}) {
      size_t pages = 0;
      const auto got = walk(*handler, scope.values, size, &pages);
      ASSERT_EQ(got, *items) << scope.values[2];
      const size_t per = size ? static_cast<size_t>(*size) : 50;
      EXPECT_EQ(pages, std::max<size_t>(1, (items->size() + per - 1) / per)) << scope.values[2];
    }
  }
}

TEST(MockHandler, LastPageHasNoTokenAtExactBoundaries) {
  const auto handler = make_handler();
  for (const char* p : {"p-50-events", "p-0-events", "p-1-event"}) {
    const auto r = handler->handle(post(body_for(kStage, kSession, p)), fixed_now());
    EXPECT_FALSE(body_json(r).contains("nextToken")) << p;
  }
  const auto r =
      handler->handle(post(body_for(kStage, testing::kSession2, "p-100-events", 100)), fixed_now());
  EXPECT_EQ(body_json(r).at("events").size(), 100u);
  EXPECT_FALSE(body_json(r).contains("nextToken"));
}

TEST(MockHandler, UnknownScopeIsEmptyListR11) {
  const auto handler = make_handler();
  for (const auto& b :
       {body_for(kStage, kSession, "nobody"), body_for(kStage, "st-lpeSession999", "p-50-events"),
        body_for("arn:aws:ivs:us-east-1:123456789012:stage/nostage", kSession, "p-50-events")}) {
    const auto r = handler->handle(post(b), fixed_now());
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, R"({"events":[]})");
    EXPECT_EQ(testing::must_findings(r), "");
  }
}

TEST(MockHandler, SerializationErrorsR6) {
  const auto handler = make_handler();
  for (const std::string body :
       {"{", "[]", "\"x\"", "{\"maxResults\":\"5\"}", "{\"maxResults\":1.5}",
        "{\"maxResults\":1e2}", "{\"maxResults\":true}", "{\"maxResults\":4294967296}",
        "{\"stageArn\":5}", "\xff"}) {
    const auto r = handler->handle(post(body), fixed_now());
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(error_type(r), "SerializationException") << body;
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    EXPECT_FALSE(message(r).empty());
    EXPECT_EQ(testing::must_findings(r), "") << body;
  }
}

TEST(MockHandler, ValidationMessagesR7AreExact) {
  const auto handler = make_handler();
  auto r = handler->handle(post(body_for(kStage, "st-1", "p")), fixed_now());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_type(r), "ValidationException");
  EXPECT_EQ(
      message(r),
      "1 validation error detected: Value 'st-1' at 'sessionId' failed to satisfy constraint: "
      "Member must have length greater than or equal to 16");
  Json b = Json::object();
  b["maxResults"] = 0;
  b["sessionId"] = kSession;
  b["participantId"] = "p";
  r = handler->handle(post(b), fixed_now());
  // Violations come in the order of AWS's model: stageArn, sessionId, participantId, nextToken,
  // maxResults (R7).
  EXPECT_EQ(message(r),
            "2 validation errors detected: Value null at 'stageArn' failed to satisfy constraint: "
            "Member must not be null; Value '0' at 'maxResults' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1");
  Json all = Json::object();
  all["maxResults"] = 101;
  all["nextToken"] = "%";
  all["participantId"] = "p_1";
  all["sessionId"] = "st_1";
  all["stageArn"] = "arn";
  r = handler->handle(post(all), fixed_now());
  EXPECT_EQ(message(r),
            "6 validation errors detected: Value 'arn' at 'stageArn' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: "
            "^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$; Value 'st_1' at 'sessionId' "
            "failed to satisfy constraint: Member must have length greater than or equal to 16; "
            "Value 'st_1' at 'sessionId' failed to satisfy constraint: Member must satisfy regular "
            "expression pattern: ^st-[a-zA-Z0-9]+$; Value 'p_1' at 'participantId' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9-]*$; "
            "Value '%' at 'nextToken' failed to satisfy constraint: Member must satisfy regular "
            "expression pattern: ^[a-zA-Z0-9+/=_-]*$; Value '101' at 'maxResults' failed to "
            "satisfy constraint: Member must have value less than or equal to 100");
  // An empty body is {} (R6) and then fails R4.
  r = handler->handle(post(std::string(), std::string()), fixed_now());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(message(r).rfind("3 validation errors detected: ", 0), 0u) << message(r);
  // Unknown members are ignored (R5), optional nulls are absent (R4).
  Json extra = body_for(kStage, kSession, "p-1-event");
  extra["destinationStageArn"] = "x";
  extra["maxResults"] = nullptr;
  extra["nextToken"] = nullptr;
  r = handler->handle(post(extra), fixed_now());
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_json(r).at("events").size(), 1u);
}

TEST(MockHandler, ErrorsHaveTheR8Form) {
  const auto handler = make_handler();
  const auto r = handler->handle(post(body_for(kStage, "st-1", "p")), fixed_now());
  ASSERT_EQ(r.headers.size(), 3u);
  EXPECT_EQ(r.headers[0],
            (std::pair<std::string, std::string>{"Content-Type", "application/json"}));
  EXPECT_EQ(r.headers[1],
            (std::pair<std::string, std::string>{"x-amzn-ErrorType", "ValidationException"}));
  EXPECT_EQ(r.headers[2].first, "x-amzn-RequestId");
  EXPECT_EQ(r.headers[2].second, r.request_id);
  const Json b = body_json(r);
  ASSERT_TRUE(b.is_object());
  EXPECT_EQ(b.size(), 1u);
  EXPECT_TRUE(b.at("exceptionMessage").is_string());
  EXPECT_EQ(r.error_type, "ValidationException");
}

TEST(MockHandler, RoutingAndMediaTypeR12) {
  const auto handler = make_handler();
  MockRequest other = post(body_for(kStage, kSession, "p-1-event"));
  other.target = "/ListStages";
  auto r = handler->handle(other, fixed_now());
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(error_type(r), "UnknownOperationException");
  EXPECT_EQ(testing::must_findings(r), "");

  MockRequest get = post(std::string());
  get.method = "GET";
  r = handler->handle(get, fixed_now());
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(error_type(r), "MethodNotAllowedException");
  EXPECT_EQ(r.header("Allow"), "POST");
  EXPECT_EQ(testing::must_findings(r), "");

  MockRequest query = post(body_for(kStage, kSession, "p-1-event"));
  query.target = "/ListParticipantEvents?x=1";
  EXPECT_EQ(handler->handle(query, fixed_now()).status, 200);

  const std::string body = body_for(kStage, kSession, "p-1-event").dump();
  for (const char* type :
       {"text/plain", "application/x-www-form-urlencoded", "application/jsonx", ""}) {
    r = handler->handle(post(body, type), fixed_now());
    EXPECT_EQ(r.status, 415) << type;
    EXPECT_EQ(error_type(r), "UnsupportedMediaTypeException");
    EXPECT_EQ(testing::must_findings(r), "");
  }
  for (const char* type :
       {"application/json", "application/json; charset=utf-8", "Application/JSON"}) {
    EXPECT_EQ(handler->handle(post(body, type), fixed_now()).status, 200) << type;
  }
  // No body: nothing to type.
  EXPECT_EQ(handler->handle(post(std::string(), std::string()), fixed_now()).status, 400);
}

TEST(MockHandler, BodyLimitWithoutServer) {
  MockOptions options;
  options.max_body_bytes = 100;
  const auto handler = make_handler(options);
  const auto r = handler->handle(post(std::string(101, ' ')), fixed_now());
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(error_type(r), "RequestEntityTooLargeException");
  EXPECT_TRUE(r.close_connection);
  EXPECT_EQ(testing::must_findings(r), "");
  EXPECT_EQ(handler->handle(post(std::string(100, ' ')), fixed_now()).status, 400);
}

TEST(MockHandler, TokensR10) {
  const auto handler = make_handler();
  const auto first = handler->handle(post(body_for(kStage, kSession, "p-101-events")), fixed_now());
  // p-101-events lives in session 2.
  EXPECT_EQ(body_json(first).at("events").size(), 0u);
  const std::string s2 = testing::kSession2;
  const auto page1 = handler->handle(post(body_for(kStage, s2, "p-101-events", 40)), fixed_now());
  const std::string token = body_json(page1).at("nextToken");
  const auto page2 =
      handler->handle(post(body_for(kStage, s2, "p-101-events", 40, token)), fixed_now());
  ASSERT_EQ(page2.status, 200);
  // Same request + token -> same page.
  const auto again =
      handler->handle(post(body_for(kStage, s2, "p-101-events", 40, token)), fixed_now());
  EXPECT_EQ(body_json(again), body_json(page2));
  // Changing the page size between pages is allowed.
  const auto bigger =
      handler->handle(post(body_for(kStage, s2, "p-101-events", 100, token)), fixed_now());
  EXPECT_EQ(body_json(bigger).at("events").size(), 61u);
  EXPECT_FALSE(body_json(bigger).contains("nextToken"));
  EXPECT_EQ(body_json(bigger).at("events")[0], body_json(page2).at("events")[0]);
  // Empty token = first page.
  const auto empty =
      handler->handle(post(body_for(kStage, s2, "p-101-events", 40, "")), fixed_now());
  EXPECT_EQ(body_json(empty), body_json(page1));

  const auto refused = [&](const Json& body, std::chrono::system_clock::time_point now,
                           const std::string& expected) {
    const auto r = handler->handle(post(body), now);
    EXPECT_EQ(r.status, 400) << body.dump();
    EXPECT_EQ(error_type(r), "ValidationException");
    EXPECT_EQ(message(r), expected);
    EXPECT_EQ(testing::must_findings(r), "");
  };
  // Cross-bound: same token, another participant / session / stage.
  refused(body_for(kStage, s2, "p-100-events", 40, token), fixed_now(),
          "The pagination token was issued for a different stageArn, sessionId and participantId");
  refused(body_for(kStage, kSession, "p-101-events", 40, token), fixed_now(),
          "The pagination token was issued for a different stageArn, sessionId and participantId");
  // Tampered.
  std::string tampered = token;
  tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
  refused(body_for(kStage, s2, "p-101-events", 40, tampered), fixed_now(),
          "The pagination token is invalid: it was not issued by this endpoint or it was modified");
  refused(body_for(kStage, s2, "p-101-events", 40, "A"), fixed_now(),
          "The pagination token is invalid: it is not a well-formed token");
  refused(body_for(kStage, s2, "p-101-events", 40, token + "+"), fixed_now(),
          "The pagination token is invalid: it contains characters no token contains");
  // Foreign: sealed by an endpoint with another secret.
  MockOptions other_options;
  other_options.token_secret = "another-secret";
  const auto other = make_handler(other_options);
  const std::string foreign =
      body_json(other->handle(post(body_for(kStage, s2, "p-101-events", 40)), fixed_now()))
          .at("nextToken");
  refused(body_for(kStage, s2, "p-101-events", 40, foreign), fixed_now(),
          "The pagination token is invalid: it was not issued by this endpoint or it was modified");
  // Expired: the default TTL is 24 h.
  refused(body_for(kStage, s2, "p-101-events", 40, token),
          fixed_now() + std::chrono::hours(24) + std::chrono::seconds(1),
          "The pagination token has expired");
  EXPECT_EQ(handler
                ->handle(post(body_for(kStage, s2, "p-101-events", 40, token)),
                         fixed_now() + std::chrono::hours(24))
                .status,
            200);
}

TEST(MockHandler, TokenTtlAndSecretOptions) {
  MockOptions options;
  options.token_ttl = std::chrono::seconds(10);
  options.token_secret = "shared";
  const auto a = make_handler(options);
  const auto b = make_handler(options);
  const std::string token =
      body_json(a->handle(post(body_for(kStage, kSession, "p-51-events")), fixed_now()))
          .at("nextToken");
  // Another process with the same secret accepts it (tokens survive restarts).
  EXPECT_EQ(
      b->handle(post(body_for(kStage, kSession, "p-51-events", std::nullopt, token)), fixed_now())
          .status,
      200);
  const auto late = b->handle(post(body_for(kStage, kSession, "p-51-events", std::nullopt, token)),
                              fixed_now() + std::chrono::seconds(11));
  EXPECT_EQ(late.status, 400);
  EXPECT_EQ(message(late), "The pagination token has expired");
}

// SigV4 (R13) against wire::sign_request.
class MockHandlerSigV4 : public ::testing::Test {
 protected:
  void SetUp() override {
    MockOptions options;
    options.auth = AuthMode::kSigV4;
    options.credentials.add(kAkid, kSecret);
    options.credentials.add("AKIDTEMPORARY0001", "temporary-secret-0123456789",
                            "session-token-xyz");
    options.region = "us-east-1";
    handler_ = make_handler(options);
  }

  MockRequest signed_request(const wire::Credentials& creds, std::string region = "us-east-1",
                             std::string service = "ivs",
                             std::chrono::system_clock::time_point at = fixed_now()) const {
    MockRequest r = post(body_for(kStage, kSession, "p-1-event"));
    wire::sign_request(r, creds, region, service, at);
    return r;
  }

  std::shared_ptr<const MockHandler> handler_;
};

TEST_F(MockHandlerSigV4, SignedRequestsAreAccepted) {
  auto r = handler_->handle(signed_request({kAkid, kSecret, ""}), fixed_now());
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.access_key_id, kAkid);
  r = handler_->handle(
      signed_request({"AKIDTEMPORARY0001", "temporary-secret-0123456789", "session-token-xyz"}),
      fixed_now() + std::chrono::minutes(14));
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(MockHandlerSigV4, FailuresHaveTheR13Types) {
  const auto expect = [&](const MockRequest& request, const std::string& type,
                          std::chrono::system_clock::time_point now = fixed_now()) {
    const auto r = handler_->handle(request, now);
    EXPECT_EQ(r.status, 403) << type << " " << r.body;
    EXPECT_EQ(error_type(r), type) << r.body;
    EXPECT_EQ(testing::must_findings(r), "");
  };
  expect(post(body_for(kStage, kSession, "p-1-event")), "MissingAuthenticationTokenException");
  MockRequest malformed = post(body_for(kStage, kSession, "p-1-event"));
  malformed.headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 garbage");
  expect(malformed, "IncompleteSignatureException");
  expect(signed_request({"AKIDUNKNOWN000001", kSecret, ""}), "UnrecognizedClientException");
  expect(signed_request({kAkid, "wrong-secret", ""}), "InvalidSignatureException");
  expect(signed_request({kAkid, kSecret, ""}), "InvalidSignatureException",
         fixed_now() + std::chrono::minutes(16));
  expect(signed_request({kAkid, kSecret, ""}, "eu-west-1"), "InvalidSignatureException");
  expect(signed_request({kAkid, kSecret, ""}, "us-east-1", "s3"), "InvalidSignatureException");
  // A session token alone grants nothing; a wrong one is an unknown client.
  expect(signed_request({"AKIDTEMPORARY0001", "temporary-secret-0123456789", "other-token"}),
         "UnrecognizedClientException");
  // A body changed after signing.
  MockRequest changed = signed_request({kAkid, kSecret, ""});
  changed.body = body_for(kStage, kSession, "p-50-events").dump();
  expect(changed, "InvalidSignatureException");
}

TEST_F(MockHandlerSigV4, AuthenticationComesBeforeValidation) {
  const auto r = handler_->handle(post(std::string("not json")), fixed_now());
  EXPECT_EQ(error_type(r), "MissingAuthenticationTokenException");
}

TEST(MockHandler, FaultsAreDeterministicPerSeed) {
  const auto statuses = [](uint64_t seed, FaultKind kind, double rate) {
    MockOptions options;
    options.fault = {kind, rate, std::chrono::milliseconds(250)};
    options.seed = seed;
    const auto handler = make_handler(options);
    std::string out;
    for (int i = 0; i < 200; ++i) {
      const auto r = handler->handle(post(body_for(kStage, kSession, "p-1-event")), fixed_now());
      out += r.drop_connection ? 'D' : r.delay.count() > 0 ? 'L' : r.status == 500 ? 'I' : '.';
    }
    return out;
  };
  const std::string a = statuses(42, FaultKind::kInternal, 0.3);
  EXPECT_EQ(a, statuses(42, FaultKind::kInternal, 0.3));
  EXPECT_NE(a, statuses(43, FaultKind::kInternal, 0.3));
  const auto faults = std::count(a.begin(), a.end(), 'I');
  EXPECT_GT(faults, 30);
  EXPECT_LT(faults, 90);
  EXPECT_EQ(statuses(1, FaultKind::kInternal, 0.0), std::string(200, '.'));
  EXPECT_EQ(statuses(1, FaultKind::kInternal, 1.0), std::string(200, 'I'));
  EXPECT_EQ(statuses(1, FaultKind::kDrop, 1.0), std::string(200, 'D'));
  EXPECT_EQ(statuses(1, FaultKind::kLatency, 1.0), std::string(200, 'L'));
  // The same seed picks the same requests whatever the fault kind.
  std::string drop = statuses(42, FaultKind::kDrop, 0.3);
  std::replace(drop.begin(), drop.end(), 'D', 'I');
  EXPECT_EQ(drop, a);
}

TEST(MockHandler, InjectedFaultsAreWellFormed) {
  MockOptions options;
  options.fault = {FaultKind::kInternal, 1.0, {}};
  auto r =
      make_handler(options)->handle(post(body_for(kStage, kSession, "p-1-event")), fixed_now());
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(error_type(r), "InternalServerException");
  EXPECT_EQ(r.fault, "internal");
  EXPECT_EQ(testing::must_findings(r), "");
  options.fault = {FaultKind::kLatency, 1.0, std::chrono::milliseconds(300)};
  r = make_handler(options)->handle(post(body_for(kStage, kSession, "p-1-event")), fixed_now());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.delay, std::chrono::milliseconds(300));
  EXPECT_EQ(r.fault, "latency");
  // Faults apply to the operation only: routing errors are never faulted.
  options.fault = {FaultKind::kDrop, 1.0, {}};
  MockRequest other = post(std::string("{}"));
  other.target = "/elsewhere";
  r = make_handler(options)->handle(other, fixed_now());
  EXPECT_EQ(r.status, 404);
  EXPECT_FALSE(r.drop_connection);
}

TEST(MockHandler, RequestIdsAreUniqueAndFollowTheSeed) {
  MockOptions options;
  options.seed = 9;
  const auto a = make_handler(options);
  const auto b = make_handler(options);
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    const auto ra = a->handle(post(std::string("{")), fixed_now());
    const auto rb = b->handle(post(std::string("{")), fixed_now());
    EXPECT_EQ(ra.request_id, rb.request_id);
    ids.insert(ra.request_id);
  }
  EXPECT_EQ(ids.size(), 100u);
}

TEST(MockHandler, HostileInputNeverThrowsAndStaysBounded) {
  const auto handler = make_handler();
  std::string deep(100000, '[');
  for (const std::string& body : {deep, std::string(1000, '{'), std::string("{\"a\":") + deep,
                                  std::string("\0\0\0", 3), std::string(200000, 'x')}) {
    const auto r = handler->handle(post(body), fixed_now());
    EXPECT_EQ(r.status, 400);
  }
  MockRequest weird;
  weird.method = std::string("\r\nX", 3);
  weird.target = std::string("\0/\xff", 3);
  EXPECT_EQ(handler->handle(weird, fixed_now()).status, 404);
}

// ---- Test-only defects: each one breaks exactly the behaviour it names. ------------------------

using testing::all_defects;
using testing::Defect;
using testing::defect_from_string;
using testing::DefectiveHandler;

struct DefectProbe {
  std::shared_ptr<const DefectiveHandler> handler;
  explicit DefectProbe(Defect d, bool sigv4 = false) {
    MockOptions options;
    options.dataset = testing::default_dataset();
    options.token_secret = "test-secret";
    if (sigv4) {
      options.auth = AuthMode::kSigV4;
      options.credentials.add(kAkid, kSecret);
    }
    auto created = DefectiveHandler::create(testing::model(), testing::operation(), options, {d});
    if (!created) {
      ADD_FAILURE() << created.error().to_string();
      return;
    }
    handler = std::move(*created);
  }
  MockResponse send(const Json& b) const { return handler->handle(post(b), fixed_now()); }
  MockResponse send(const std::string& b) const { return handler->handle(post(b), fixed_now()); }
};

TEST(MockDefects, EveryDefectHasANameAndIsOffByDefault) {
  EXPECT_EQ(all_defects().size(), 53u);
  std::set<std::string> names;
  for (const Defect d : all_defects()) {
    names.insert(std::string(to_string(d)));
    EXPECT_EQ(defect_from_string(to_string(d)), d);
  }
  EXPECT_EQ(names.size(), all_defects().size());
  EXPECT_EQ(MockOptions{}.hooks, nullptr);
}

TEST(MockDefects, EachBreaksItsBehaviour) {
  const std::string s2 = testing::kSession2;
  {
    DefectProbe p(Defect::kAcceptsPageSizeAboveMax);
    const auto r = p.send(body_for(kStage, s2, "p-101-events", 101));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(body_json(r).at("events").size(), 101u);
    EXPECT_EQ(p.send(body_for(kStage, s2, "p-101-events", 0)).status, 400);
  }
  {
    DefectProbe p(Defect::kInternalErrorOnMalformedJson);
    EXPECT_EQ(p.send(std::string("{")).status, 500);
  }
  {
    DefectProbe p(Defect::kNoErrorTypeHeader);
    const auto r = p.send(std::string("{"));
    EXPECT_EQ(r.status, 400);
    EXPECT_FALSE(r.header("x-amzn-ErrorType").has_value());
  }
  {
    DefectProbe p(Defect::kPageLargerThanPageSize);
    EXPECT_EQ(body_json(p.send(body_for(kStage, s2, "p-101-events", 10))).at("events").size(), 11u);
  }
  {
    DefectProbe p(Defect::kDefaultPageSize100);
    EXPECT_EQ(body_json(p.send(body_for(kStage, s2, "p-101-events"))).at("events").size(), 100u);
  }
  {
    DefectProbe p(Defect::kRepeatsLastToken);
    const std::string t =
        body_json(p.send(body_for(kStage, kSession, "p-51-events"))).at("nextToken");
    const auto last = body_json(p.send(body_for(kStage, kSession, "p-51-events", std::nullopt, t)));
    EXPECT_EQ(last.at("nextToken"), t);
  }
  {
    DefectProbe p(Defect::kDuplicatesBoundaryItem);
    const auto first = body_json(p.send(body_for(kStage, kSession, "p-51-events", 10)));
    const auto second = body_json(p.send(
        body_for(kStage, kSession, "p-51-events", 10, first.at("nextToken").get<std::string>())));
    EXPECT_EQ(second.at("events")[0], first.at("events")[9]);
  }
  {
    DefectProbe p(Defect::kDropsBoundaryItem);
    const auto r = p.send(body_for(kStage, kSession, "p-51-events", 10));
    const auto second = body_json(p.send(body_for(
        kStage, kSession, "p-51-events", 10, body_json(r).at("nextToken").get<std::string>())));
    const std::vector<std::string> scope = {kStage, kSession, "p-51-events"};
    EXPECT_EQ(second.at("events")[0], (*testing::default_dataset()->items(scope))[11]);
  }
  {
    DefectProbe p(Defect::kTokenNotBound);
    const std::string t =
        body_json(p.send(body_for(kStage, kSession, "p-51-events"))).at("nextToken");
    EXPECT_EQ(p.send(body_for(kStage, s2, "p-101-events", std::nullopt, t)).status, 200);
  }
  {
    DefectProbe p(Defect::kInternalErrorOnTamperedToken);
    EXPECT_EQ(p.send(body_for(kStage, kSession, "p-51-events", std::nullopt, "abc")).status, 500);
  }
  {
    DefectProbe p(Defect::kTimestampWithoutZ);
    const auto r = p.send(body_for(kStage, kSession, "p-1-event"));
    const std::string t = body_json(r).at("events")[0].at("eventTime");
    EXPECT_NE(t.back(), 'Z');
    EXPECT_NE(testing::must_findings(r), "");
  }
  {
    DefectProbe p(Defect::kMissingItemsMember);
    const auto r = p.send(body_for(kStage, kSession, "p-51-events"));
    EXPECT_FALSE(body_json(r).contains("events"));
    EXPECT_TRUE(body_json(r).contains("nextToken"));
    EXPECT_NE(testing::must_findings(r), "");
  }
  {
    DefectProbe p(Defect::kWrongErrorTypeName);
    EXPECT_EQ(error_type(p.send(body_for(kStage, "st-1", "p"))), "ValidationError");
  }
  {
    DefectProbe p(Defect::kAcceptsUnsignedRequests, true);
    EXPECT_EQ(p.send(body_for(kStage, kSession, "p-1-event")).status, 200);
    MockRequest bad = post(body_for(kStage, kSession, "p-1-event"));
    wire::sign_request(bad, {kAkid, "wrong", ""}, "us-east-1", "ivs", fixed_now());
    EXPECT_EQ(p.handler->handle(bad, fixed_now()).status, 403);
  }
  {
    DefectProbe p(Defect::kTokenOutsidePattern);
    const auto r = p.send(body_for(kStage, kSession, "p-51-events"));
    EXPECT_NE(body_json(r).at("nextToken").get<std::string>().find('!'), std::string::npos);
    EXPECT_NE(testing::must_findings(r), "");
  }
  {
    DefectProbe p(Defect::kRejectsUnknownMembers);
    Json b = body_for(kStage, kSession, "p-1-event");
    b["newMember"] = 1;
    EXPECT_EQ(p.send(b).status, 400);
    EXPECT_EQ(p.send(body_for(kStage, kSession, "p-1-event")).status, 200);
  }
  {
    DefectProbe p(Defect::kTokenReplayDifferentPage);
    const std::string t =
        body_json(p.send(body_for(kStage, kSession, "p-51-events", 10))).at("nextToken");
    const auto a = p.send(body_for(kStage, kSession, "p-51-events", 10, t));
    const auto b = p.send(body_for(kStage, kSession, "p-51-events", 10, t));
    EXPECT_NE(body_json(a).at("events"), body_json(b).at("events"));
  }
  {
    DefectProbe p(Defect::kEmptyTokenRejected);
    EXPECT_EQ(p.send(body_for(kStage, kSession, "p-1-event", std::nullopt, "")).status, 400);
  }
  {
    DefectProbe p(Defect::kNoMediaTypeCheck);
    EXPECT_EQ(p.handler
                  ->handle(post(body_for(kStage, kSession, "p-1-event").dump(), "text/plain"),
                           fixed_now())
                  .status,
              200);
  }
  {
    DefectProbe p(Defect::kNoRequestId);
    EXPECT_FALSE(p.send(body_for(kStage, kSession, "p-1-event")).header("x-amzn-RequestId"));
    EXPECT_FALSE(p.send(std::string("{")).header("x-amzn-RequestId"));
  }
  {
    DefectProbe p(Defect::kErrorBodyNotJson);
    const auto r = p.send(std::string("{"));
    EXPECT_FALSE(Json::accept(r.body));
  }
  {
    DefectProbe p(Defect::kUnknownScopeNotFound);
    const auto r = p.send(body_for(kStage, kSession, "nobody"));
    // AWS's model declares no ResourceNotFoundException for this operation; the defect answers
    // 404 as other IVS operations do, instead of the R11 200.
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(error_type(r), "ResourceNotFoundException");
    EXPECT_EQ(p.send(body_for(kStage, kSession, "p-0-events")).status, 200);
  }
  {
    DefectProbe p(Defect::kEmptyTokenOnLastPage);
    EXPECT_EQ(body_json(p.send(body_for(kStage, kSession, "p-1-event"))).at("nextToken"), "");
  }
  {
    DefectProbe p(Defect::kFirstViolationOnly);
    Json b = Json::object();
    b["maxResults"] = 0;
    EXPECT_EQ(message(p.send(b)).rfind("1 validation error detected: ", 0), 0u);
  }
  {
    DefectProbe p(Defect::kWrongSuccessContentType);
    EXPECT_EQ(p.send(body_for(kStage, kSession, "p-1-event")).header("Content-Type"), "text/plain");
  }
}

// The defects the data oracle and the token probes find.
TEST(MockDefects, DataAndTokenDefectsBreakTheirBehaviour) {
  const std::string s2 = testing::kSession2;
  const auto events = [](const DefectProbe& p, const Json& body) {
    return body_json(p.send(body)).at("events");
  };
  const DefectProbe truth(Defect::kNoRequestId);  // serves the true data
  const Json p51 = body_for(kStage, kSession, "p-51-events", 100);
  const Json p100 = body_for(kStage, s2, "p-100-events", 100);
  const Json expected = events(truth, p51);
  ASSERT_EQ(expected.size(), 51u);
  EXPECT_EQ(events(DefectProbe(Defect::kDropsOneEvent), p51).size(), 50u);
  {
    const Json swapped = events(DefectProbe(Defect::kSwapsTwoEvents), p51);
    EXPECT_EQ(swapped.size(), 51u);
    EXPECT_NE(swapped, expected);
  }
  EXPECT_NE(events(DefectProbe(Defect::kShiftsEventTime), p51)[1].at("eventTime"),
            expected[1].at("eventTime"));
  EXPECT_EQ(expected[0].at("name"), "JOINED");
  EXPECT_EQ(events(DefectProbe(Defect::kRenamesJoinedEvent), p51)[0].at("name"), "LEFT");
  EXPECT_EQ(events(DefectProbe(Defect::kForeignParticipantEvent), p100)[51].at("participantId"),
            "intruder");
  {
    const Json late = events(DefectProbe(Defect::kErrorCodeOnLateEvent), p100);
    size_t misplaced = 0;
    for (size_t k = 51; k < late.size(); ++k) {
      const std::string name = late[k].at("name");
      if (!name.ends_with("_ERROR") && late[k].contains("errorCode")) ++misplaced;
    }
    EXPECT_EQ(misplaced, 1u);
  }
  for (const auto& event : events(DefectProbe(Defect::kNoRemoteParticipantOnSubscribe), p100))
    EXPECT_FALSE(event.contains("remoteParticipantId")) << event.dump();
  // Tokens: the second one (issued on page 2) passes with its tail changed, and tokens pass with
  // scope values that differ in case or extend the issued ones.
  const auto second_token = [&](const DefectProbe& p) {
    const std::string first =
        body_json(p.send(body_for(kStage, kSession, "p-51-events", 1))).at("nextToken");
    return body_json(p.send(body_for(kStage, kSession, "p-51-events", 1, first)))
        .at("nextToken")
        .get<std::string>();
  };
  {
    const DefectProbe p(Defect::kLaterTokensCheckedOnPrefix);
    std::string token = second_token(p);
    token.back() = token.back() == 'A' ? 'B' : 'A';
    EXPECT_EQ(p.send(body_for(kStage, kSession, "p-51-events", 1, token)).status, 200);
    EXPECT_EQ(truth.send(body_for(kStage, kSession, "p-51-events", 1, token)).status, 400);
  }
  for (const auto& [defect, participant] :
       {std::pair{Defect::kTokenBoundCaseInsensitively, "p-51-EVENTS"},
        std::pair{Defect::kTokenBoundByPrefix, "p-51-eventsx"}}) {
    const DefectProbe p(defect);
    const std::string token = second_token(p);
    EXPECT_EQ(p.send(body_for(kStage, kSession, participant, 1, token)).status, 200)
        << to_string(defect);
  }
  // Messages: counted wrongly, or listed by member name.
  Json invalid = Json::object();
  invalid["maxResults"] = 0;
  const std::string one = message(DefectProbe(Defect::kValidationCountAlwaysOne).send(invalid));
  EXPECT_EQ(one.rfind("1 validation error detected: ", 0), 0u) << one;
  EXPECT_NE(one.find("at 'participantId'"), std::string::npos) << one;
  const std::string sorted = message(DefectProbe(Defect::kViolationsSortedByName).send(invalid));
  EXPECT_LT(sorted.find("at 'maxResults'"), sorted.find("at 'stageArn'")) << sorted;
  // Error bodies.
  EXPECT_EQ(DefectProbe(Defect::kErrorBodyJsonArray).send(invalid).body.front(), '[');
  const auto renamed = body_json(DefectProbe(Defect::kErrorBodyWithoutMessage).send(invalid));
  EXPECT_TRUE(renamed.contains("errorMessage") && !renamed.contains("exceptionMessage"));
  const auto text = DefectProbe(Defect::kErrorBodyPlainText).send(invalid);
  EXPECT_FALSE(Json::accept(text.body));
  EXPECT_EQ(text.header("Content-Type"), "text/plain; charset=utf-8");
}

// Without defects, no response of any kind has a must-level finding.
TEST(MockHandler, EveryResponseKindPassesTheResponseChecker) {
  MockOptions options;
  options.max_body_bytes = 4096;
  const auto handler = make_handler(options);
  std::vector<MockRequest> requests;
  for (const auto& scope : testing::default_dataset()->scopes()) {
    requests.push_back(post(body_for(scope.values[0], scope.values[1], scope.values[2])));
    requests.push_back(post(body_for(scope.values[0], scope.values[1], scope.values[2], 1)));
  }
  for (const std::string body :
       {"{", "[]", "{}", "{\"maxResults\":101}", "{\"nextToken\":\"%%\"}"}) {
    requests.push_back(post(body));
  }
  requests.push_back(post(std::string(5000, ' ')));
  requests.push_back(post(std::string("{}"), "text/xml"));
  MockRequest get = post(std::string());
  get.method = "DELETE";
  requests.push_back(get);
  for (const auto& request : requests) {
    const auto r = handler->handle(request, fixed_now());
    EXPECT_EQ(testing::must_findings(r), "") << request.body.substr(0, 100);
  }
}

// ---- The throttle fault ----------------------------------------------------------------------

TEST(MockHandlerThrottle, ABucketOfRateAndBurstThenThrottlingExceptionAsAwsAnswers) {
  MockOptions options;
  options.fault.kind = FaultKind::kThrottle;
  options.fault.throttle_rate = 10;  // one token every 100 ms
  options.fault.throttle_burst = 3;
  const auto handler = make_handler(options);
  const auto at = [](int ms) { return fixed_now() + std::chrono::milliseconds(ms); };
  std::string out;
  for (const int ms : {0, 0, 0, 0, 50, 100, 150, 199, 1000, 1000, 1000, 1000}) {
    const auto r = handler->handle(post(body_for(kStage, kSession, "p-1-event")), at(ms));
    out += r.status == 200 ? '.' : r.status == 429 ? 'T' : '?';
    if (r.status == 429) {
      // The R8 form AWS answers: the type in the header, a message, a request id; the status the
      // model's ThrottlingException shape (aws-common-errors.json) gives.
      EXPECT_EQ(error_type(r), "ThrottlingException");
      EXPECT_EQ(r.fault, "throttle");
      EXPECT_EQ(testing::must_findings(r), "");
      EXPECT_NE(r.body.find("exceptionMessage"), std::string::npos) << r.body;
    }
  }
  // Three at once, then one token per 100 ms (at 100, not at 150 or 199); a second later the
  // bucket is full again: three more, not eight.
  EXPECT_EQ(out, "...TT.TT...T");
}

TEST(MockHandlerThrottle, ABadRateOrBurstIsRefused) {
  for (const auto& [rate, burst] :
       std::vector<std::pair<double, double>>{{0, 1}, {-1, 1}, {2e6, 1}, {5, 0.5}, {5, 2e6}}) {
    MockOptions options;
    options.fault.kind = FaultKind::kThrottle;
    options.fault.throttle_rate = rate;
    options.fault.throttle_burst = burst;
    const auto created =
        MockHandler::create(testing::model(), testing::operation(), std::move(options));
    ASSERT_FALSE(created) << rate << " " << burst;
    EXPECT_NE(created.error().to_string().find("throttle fault"), std::string::npos);
  }
}

// The defects found by the coverage phase read the body as a lax server would: each serves its
// one trigger (200 where the true mock answers 400), and a valid body is read as sent.
TEST(MockDefects, LaxReadingsServeTheirTrigger) {
  const std::string s2 = testing::kSession2;
  const auto with = [&](const std::string& member, const Json& value) {
    Json b = body_for(kStage, s2, "p-101-events", 10);
    b[member] = value;
    return b;
  };
  const std::pair<Defect, Json> cases[] = {
      {Defect::kCoercesNumericStringPageSize, with("maxResults", "5")},
      {Defect::kCoercesBooleanPageSize, with("maxResults", true)},
      {Defect::kAcceptsIntegralFloatPageSize, with("maxResults", 5.0)},
      {Defect::kPageSizeMaxOffByOne, with("maxResults", 101)},
      {Defect::kLengthMaxOffByOne, with("participantId", std::string(65, 'p'))},
      {Defect::kPatternAcceptsUnderscore, with("participantId", "p_1")},
      {Defect::kPatternDollarBeforeNewline, with("participantId", "p1\n")},
      {Defect::kTrimsStringsBeforeValidation, with("participantId", " p1 ")},
      {Defect::kCaseInsensitivePatterns, with("sessionId", "ST-AAAAAAAAAAAAA")},
      {Defect::kNonAsciiLettersAccepted, with("participantId", "p\u0430")},
      {Defect::kStringsCutAtNul, with("participantId", std::string("p1\0x", 4))},
  };
  DefectProbe truth(Defect::kNoRequestId);  // no body defect: the true reading
  for (const auto& [defect, body] : cases) {
    SCOPED_TRACE(std::string(to_string(defect)) + " " + body.dump());
    DefectProbe p(defect);
    EXPECT_EQ(truth.send(body).status, 400);
    EXPECT_EQ(p.send(body).status, 200);
    EXPECT_EQ(p.send(body_for(kStage, s2, "p-101-events", 10)).status, 200);
  }
  DefectProbe wraps(Defect::kWrapsPageSizeToInt32);
  const auto wrapped =
      wraps.send(std::string(R"({"stageArn":")" + kStage + R"(","sessionId":")" + s2 +
                             R"(","participantId":"p1","maxResults":2147483648})"));
  EXPECT_EQ(wrapped.error_type, "ValidationException");
  DefectProbe empty(Defect::kEmptyBodyInternalError);
  EXPECT_EQ(empty.send(std::string()).status, 500);
  EXPECT_EQ(empty.send(std::string("{}")).status, 400);
}

}  // namespace
}  // namespace lpe::mock
