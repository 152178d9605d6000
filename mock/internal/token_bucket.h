// The `throttle` fault's token bucket: RATE tokens a second up to BURST, one per request; an
// empty bucket means the request is throttled. Thread-safe. Time comes from the caller (the
// handler's `now`), so that tests can drive it; a clock that goes back refills nothing.
#pragma once

#include <algorithm>
#include <chrono>
#include <mutex>
#include <optional>

namespace lpe::mock::internal {

class TokenBucket {
 public:
  using Time = std::chrono::system_clock::time_point;

  TokenBucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}

  // Takes one token at `now`; false when the bucket is empty (the request is throttled).
  bool take(Time now) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (last_ && now > *last_) {
      const double elapsed = std::chrono::duration<double>(now - *last_).count();
      tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    }
    if (!last_ || now > *last_) last_ = now;
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  const double rate_;
  const double burst_;
  std::mutex mutex_;
  double tokens_;
  std::optional<Time> last_;
};

}  // namespace lpe::mock::internal
