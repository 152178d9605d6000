// Throttling: how the harness tells a throttled answer from a verdict, how long it waits before
// sending the request again (capped exponential backoff with full jitter, Retry-After honoured),
// and the adaptive sending rate that slows down when the endpoint throttles and recovers slowly
// (a cubic curve back towards the rate that was last throttled, as the AWS SDKs' adaptive retry
// mode does). A throttled answer is never judged: Session::send retries it, counts it, and gives
// up on the run (not on the endpoint's conformance) when one request stays throttled too long.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "wire/http.h"

namespace lpe::harness::internal {

// True when `response` says the request was throttled: status 429, or a 4xx whose error type (R8:
// header, body `code`, body `__type`; `namespace#` and `:suffix` stripped) is a throttling name
// (ThrottlingException, TooManyRequestsException, RequestLimitExceeded and the other names AWS
// services use). A 5xx is never a throttle: it stays a verdict.
bool is_throttling(const wire::HttpResponse& response);

// The wait a `Retry-After` header asks for (delta-seconds or an HTTP date, RFC 9110), or nothing
// when there is none or it cannot be read. A date in the past is a wait of zero.
std::optional<std::chrono::milliseconds> retry_after(const wire::HttpResponse& response,
                                                     std::chrono::system_clock::time_point now);

// How throttled requests are retried.
struct RetryPolicy {
  int max_attempts = 8;                       // sends per request, the first one included
  std::chrono::milliseconds base{500};        // the backoff ceiling of the first retry
  std::chrono::milliseconds cap{20000};       // the backoff ceiling of any retry
  std::chrono::milliseconds max_wait{60000};  // the longest Retry-After honoured
};

// The wait before retry `retry` (1 for the first): full jitter, uniform in [0, min(cap, base *
// 2^(retry-1))], drawn from a sequence fixed by `seed` and `draw` (so a run is reproducible);
// at least what Retry-After asks, up to policy.max_wait.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry, uint64_t seed,
                                        uint64_t draw,
                                        std::optional<std::chrono::milliseconds> asked);

// What retrying cost the run: every figure reports show (never judged).
struct RetryCounts {
  std::atomic<uint64_t> throttled{0};  // throttled answers received
  std::atomic<uint64_t> retried{0};    // requests sent again after one
  std::atomic<uint64_t> gave_up{0};    // requests still throttled after max_attempts
  std::atomic<uint64_t> waited_ms{0};  // time spent in backoff, all workers together
};

// The client-side sending rate of adaptive mode. Off until the first throttle; then each throttle
// cuts the rate to `kBeta` of what was being sent, and each success lets it grow back along a
// cubic curve whose plateau is the rate that was throttled, never faster than twice the measured
// sending rate. Thread-safe; `acquire` paces the workers together.
class AdaptiveRate {
 public:
  using Clock = std::chrono::steady_clock;

  // Waits for the next sending slot; false (without waiting past it) when it is after `stop_at`.
  bool acquire(Clock::time_point stop_at);
  // Feeds one answer back: throttled or not, received at `now`.
  void on_response(bool throttled, Clock::time_point now);

  bool enabled() const;
  double rate() const;           // requests per second while enabled
  double measured_rate() const;  // smoothed requests per second answered

 private:
  void measure(Clock::time_point now);
  void on_throttle(double now_s);
  void on_success(double now_s);
  double seconds(Clock::time_point t) const {
    return std::chrono::duration<double>(t - origin_).count();
  }

  mutable std::mutex mutex_;
  Clock::time_point origin_ = Clock::now();
  Clock::time_point next_slot_ = origin_;
  bool enabled_ = false;
  double fill_rate_ = 0;      // requests per second
  double last_max_rate_ = 0;  // the rate when last throttled
  double last_throttle_s_ = 0;
  double plateau_delay_s_ = 0;  // when the cubic curve reaches last_max_rate_ again
  double measured_ = 0;         // smoothed answers per second
  double window_start_s_ = 0;
  uint64_t window_count_ = 0;
  bool window_closed_ = false;  // a whole measuring window has passed
};

}  // namespace lpe::harness::internal
