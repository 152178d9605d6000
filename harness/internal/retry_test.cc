// Throttle detection in every R8 form, Retry-After, the backoff's bounds, the adaptive rate's
// cut and recovery, and Session::send's retries, give-up and request budget against scripted
// in-process transports.
#include "harness/internal/retry.h"

#include <gtest/gtest.h>

#include <deque>

#include "harness/internal/run_context.h"

namespace lpe::harness::internal {
namespace {

using std::chrono::milliseconds;

wire::HttpResponse answer(int status, wire::HeaderList headers = {}, std::string body = "{}") {
  wire::HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

TEST(IsThrottling, KnowsEveryR8FormAndNothingElse) {
  EXPECT_TRUE(is_throttling(answer(429)));
  EXPECT_TRUE(is_throttling(answer(400, {{"x-amzn-ErrorType", "ThrottlingException"}})));
  EXPECT_TRUE(is_throttling(
      answer(400, {{"x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/"}})));
  EXPECT_TRUE(is_throttling(answer(400, {}, R"({"code":"TooManyRequestsException"})")));
  EXPECT_TRUE(is_throttling(
      answer(400, {}, R"({"__type":"com.amazonaws.ec2#RequestLimitExceeded","message":"x"})")));
  EXPECT_FALSE(is_throttling(answer(400, {{"x-amzn-ErrorType", "ValidationException"}})));
  EXPECT_FALSE(is_throttling(answer(402, {{"x-amzn-ErrorType", "ServiceQuotaExceededException"}})));
  // A 5xx stays a verdict, whatever it calls itself.
  EXPECT_FALSE(is_throttling(answer(503, {{"x-amzn-ErrorType", "ThrottlingException"}})));
  EXPECT_FALSE(is_throttling(answer(500)));
  EXPECT_FALSE(is_throttling(answer(200, {}, R"({"events":[]})")));
}

TEST(RetryAfter, ReadsSecondsAndHttpDates) {
  const auto now = std::chrono::system_clock::from_time_t(784111777);  // 06 Nov 1994 08:49:37
  EXPECT_EQ(retry_after(answer(429, {{"Retry-After", "3"}}), now), milliseconds(3000));
  EXPECT_EQ(retry_after(answer(429, {{"Retry-After", " 0 "}}), now), milliseconds(0));
  EXPECT_EQ(retry_after(answer(429, {{"Retry-After", "Sun, 06 Nov 1994 08:49:47 GMT"}}), now),
            milliseconds(10000));
  EXPECT_EQ(retry_after(answer(429, {{"Retry-After", "Sun, 06 Nov 1994 08:49:00 GMT"}}), now),
            milliseconds(0));
  for (const char* bad : {"soon", "-1", "1.5", "Sun, 06 Nov 1994 25:49:47 GMT", "1234567890"}) {
    EXPECT_FALSE(retry_after(answer(429, {{"Retry-After", bad}}), now)) << bad;
  }
  EXPECT_FALSE(retry_after(answer(429), now));
}

TEST(Backoff, FullJitterUnderACappedCeilingAndDeterministic) {
  RetryPolicy policy;
  policy.base = milliseconds(100);
  policy.cap = milliseconds(1000);
  bool below_half = false;
  for (int retry = 1; retry <= 12; ++retry) {
    const auto ceiling = std::min<int64_t>(1000, 100LL << (retry - 1));
    for (uint64_t draw = 0; draw < 50; ++draw) {
      const auto d = backoff_delay(policy, retry, 7, draw, std::nullopt);
      EXPECT_GE(d.count(), 0);
      EXPECT_LE(d.count(), ceiling);
      EXPECT_EQ(d, backoff_delay(policy, retry, 7, draw, std::nullopt));
      below_half = below_half || d.count() < ceiling / 2;
    }
  }
  EXPECT_TRUE(below_half);  // jitter spreads over the whole range
  // Retry-After is honoured, up to max_wait.
  EXPECT_GE(backoff_delay(policy, 1, 7, 0, milliseconds(5000)), milliseconds(5000));
  policy.max_wait = milliseconds(2000);
  EXPECT_EQ(backoff_delay(policy, 1, 7, 0, milliseconds(3600000)), milliseconds(2000));
}

TEST(AdaptiveRate, OffUntilThrottledThenCutsAndRecoversSlowly) {
  AdaptiveRate rate;
  const auto t0 = AdaptiveRate::Clock::now();
  EXPECT_FALSE(rate.enabled());
  EXPECT_TRUE(rate.acquire(t0));  // off: never waits, even at a stop time already passed
  // 100 answers a second for two seconds, then a throttle.
  for (int i = 1; i <= 200; ++i) rate.on_response(false, t0 + milliseconds(10 * i));
  EXPECT_NEAR(rate.measured_rate(), 100, 15);
  rate.on_response(true, t0 + milliseconds(2005));
  ASSERT_TRUE(rate.enabled());
  const double cut = rate.rate();
  EXPECT_NEAR(cut, 0.7 * rate.measured_rate(), 10);
  // Answers at the cut rate: the rate climbs back towards ~100 over seconds, not at once.
  double at_one_second = 0;
  auto t = t0 + milliseconds(2005);
  for (int i = 0; i < 70 * 6; ++i) {
    t += milliseconds(1000 / 70);
    rate.on_response(false, t);
    if (i == 70) at_one_second = rate.rate();
  }
  EXPECT_LT(at_one_second, 100);
  EXPECT_GT(at_one_second, cut - 1);
  EXPECT_GT(rate.rate(), at_one_second);
  EXPECT_LE(rate.rate(), 2 * rate.measured_rate() + 1);
}

// A transport that plays a script of statuses (the last one repeats).
class ScriptedTransport final : public Transport {
 public:
  explicit ScriptedTransport(std::deque<int> statuses) : statuses_(std::move(statuses)) {}
  Received send(const OutgoingRequest& request, SteadyTime) override {
    ++sent;
    Received r;
    const int status = statuses_.size() > 1 ? statuses_.front() : statuses_.back();
    if (statuses_.size() > 1) statuses_.pop_front();
    r.response =
        answer(status, status == 400 ? wire::HeaderList{{"x-amzn-ErrorType", "ThrottlingException"}}
                                     : wire::HeaderList{});
    r.exchange.status = status;
    r.exchange.request_body = request.body;
    return r;
  }
  int sent = 0;

 private:
  std::deque<int> statuses_;
};

class SessionRetry : public ::testing::Test {
 protected:
  SessionRetry() : model_(spec::Model::bundled()), op_(model_->operation().value()) {
    options_.seed = 3;
  }
  std::unique_ptr<Session> session() {
    auto s = std::make_unique<Session>(op_, options_);
    s->retry_policy.base = milliseconds(1);
    s->retry_policy.cap = milliseconds(4);
    s->retry_policy.max_attempts = 4;
    return s;
  }
  std::shared_ptr<const spec::Model> model_;
  spec::OperationView op_;
  ConformOptions options_;
};

TEST_F(SessionRetry, ThrottledAnswersAreRetriedWithTheSameRequestAndCounted) {
  auto s = session();
  ScriptedTransport t({429, 400, 200});
  const Received r = s->send(t, s->post(R"({"nextToken":"same"})"));
  EXPECT_EQ(r.exchange.status, 200);
  EXPECT_EQ(r.exchange.request_body, R"({"nextToken":"same"})");
  EXPECT_EQ(t.sent, 3);
  EXPECT_EQ(s->requests(), 3u);
  EXPECT_EQ(s->retry_counts().throttled.load(), 2u);
  EXPECT_EQ(s->retry_counts().retried.load(), 2u);
  EXPECT_FALSE(s->out_of_time());
}

TEST_F(SessionRetry, AServerErrorIsNotRetried) {
  auto s = session();
  ScriptedTransport t({503, 200});
  EXPECT_EQ(s->send(t, s->post("{}")).exchange.status, 503);
  EXPECT_EQ(t.sent, 1);
  EXPECT_EQ(s->retry_counts().throttled.load(), 0u);
}

TEST_F(SessionRetry, ThrottledPastTheAttemptsStopsTheRunWithoutAVerdict) {
  auto s = session();
  ScriptedTransport t({429});
  const Received r = s->send(t, s->post("{}"));
  EXPECT_TRUE(r.interrupted);
  EXPECT_EQ(t.sent, 4);
  EXPECT_EQ(s->retry_counts().gave_up.load(), 1u);
  EXPECT_TRUE(s->out_of_time());
  EXPECT_NE(s->stop_reason().find("still throttled after 4 attempts"), std::string::npos)
      << s->stop_reason();
  RunResult result;
  s->report(result);
  EXPECT_EQ(result.throttled, 4u);
  EXPECT_EQ(result.gave_up_throttled, 1u);
  EXPECT_EQ(result.stop_reason, s->stop_reason());
}

TEST_F(SessionRetry, TheBudgetCountsRetriesAndIsNeverExceeded) {
  options_.max_requests = 3;
  auto s = session();
  ScriptedTransport t({429, 200});
  EXPECT_EQ(s->send(t, s->post("{}")).exchange.status, 200);  // 2 of 3
  EXPECT_EQ(s->send(t, s->post("{}")).exchange.status, 200);  // 3 of 3
  const Received refused = s->send(t, s->post("{}"));
  EXPECT_TRUE(refused.interrupted);
  EXPECT_EQ(t.sent, 3);
  EXPECT_NE(s->stop_reason().find("--max-requests budget of 3"), std::string::npos);
}

}  // namespace
}  // namespace lpe::harness::internal
