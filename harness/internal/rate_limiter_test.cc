// The rate limiter (--rate-limit): slots spaced 1/rate apart across threads, no burst banked
// while idle, and no wait for a slot after the run's stop time.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "harness/internal/http_client.h"

namespace lpe::harness::internal {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

TEST(RateLimiter, SpacesSlotsAcrossThreads) {
  RateLimiter limiter(50);  // one slot per 20 ms
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.acquire());
    });
  }
  for (auto& t : threads) t.join();
  // 12 slots: the first at once, the last 11 * 20 ms later.
  const auto elapsed = Clock::now() - start;
  EXPECT_GE(elapsed, milliseconds(215));
  EXPECT_LT(elapsed, milliseconds(5000));
}

TEST(RateLimiter, IdleTimeIsNotBankedForABurst) {
  RateLimiter limiter(20);  // one slot per 50 ms
  EXPECT_TRUE(limiter.acquire());
  std::this_thread::sleep_for(milliseconds(300));
  const auto start = Clock::now();
  EXPECT_TRUE(limiter.acquire());  // due long ago: at once
  EXPECT_TRUE(limiter.acquire());  // 50 ms after the previous one, not at once
  EXPECT_GE(Clock::now() - start, milliseconds(45));
}

TEST(RateLimiter, ASlotAfterTheStopTimeIsRefusedWithoutWaiting) {
  RateLimiter limiter(0.5);  // one slot per 2 s
  EXPECT_TRUE(limiter.acquire());
  const auto start = Clock::now();
  EXPECT_FALSE(limiter.acquire(start + milliseconds(100)));
  EXPECT_LT(Clock::now() - start, milliseconds(1000));
}

TEST(RateLimiter, ZeroRateMeansUnlimited) {
  RateLimiter limiter(0);
  const auto start = Clock::now();
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.acquire(start));
  EXPECT_LT(Clock::now() - start, milliseconds(1000));
}

}  // namespace
}  // namespace lpe::harness::internal
