// Throttle detection, Retry-After, backoff and the adaptive sending rate.
#include "harness/internal/retry.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <thread>

#include "validators/validators.h"
#include "wire/text.h"

namespace lpe::harness::internal {
namespace {

// The error types AWS services answer when a caller sends too fast.
constexpr std::array<std::string_view, 9> kThrottlingTypes = {
    "ThrottlingException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "Throttling",
    "ThrottledException",
    "RequestThrottledException",
    "RequestThrottled",
    "SlowDown",
    "ProvisionedThroughputExceededException",
};

// Adaptive mode's constants: how deep a throttle cuts, how fast the cubic curve climbs, how
// smooth the measured rate is, the slowest rate it goes down to.
constexpr double kBeta = 0.7;
constexpr double kScale = 0.4;
constexpr double kSmooth = 0.8;
constexpr double kMinRate = 0.5;
constexpr double kWindowSeconds = 0.5;

// SplitMix64: the jitter sequence.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate, the form RFC 9110 says senders use).
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  const auto number = [&](size_t at, size_t width) -> int {
    int v = 0;
    for (size_t i = at; i < at + width; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  std::tm tm{};
  tm.tm_mday = number(5, 2);
  const auto month = std::find(kMonths.begin(), kMonths.end(), text.substr(8, 3));
  tm.tm_year = number(12, 4) - 1900;
  tm.tm_hour = number(17, 2);
  tm.tm_min = number(20, 2);
  tm.tm_sec = number(23, 2);
  if (month == kMonths.end() || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_year < 70 ||
      tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 || tm.tm_sec < 0 ||
      tm.tm_sec > 60 || text[11] != ' ' || text[16] != ' ' || text[19] != ':' || text[22] != ':')
    return std::nullopt;
  tm.tm_mon = static_cast<int>(month - kMonths.begin());
  const std::time_t t = ::timegm(&tm);
  if (t < 0) return std::nullopt;
  return std::chrono::system_clock::from_time_t(t);
}

}  // namespace

bool is_throttling(const wire::HttpResponse& response) {
  if (response.status == 429) return true;
  if (response.status < 400 || response.status >= 500) return false;
  const std::string type = validators::resolve_error_type(response).name;
  return std::find(kThrottlingTypes.begin(), kThrottlingTypes.end(), type) !=
         kThrottlingTypes.end();
}

std::optional<std::chrono::milliseconds> retry_after(const wire::HttpResponse& response,
                                                     std::chrono::system_clock::time_point now) {
  const auto header = response.header("Retry-After");
  if (!header) return std::nullopt;
  std::string_view value = *header;
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (!value.empty() && value.size() <= 9 &&
      std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::chrono::milliseconds(std::stoll(std::string(value)) * 1000);
  }
  const auto date = parse_http_date(value);
  if (!date) return std::nullopt;
  if (*date <= now) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(*date - now);
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry, uint64_t seed,
                                        uint64_t draw,
                                        std::optional<std::chrono::milliseconds> asked) {
  const int doublings = std::clamp(retry - 1, 0, 30);
  const double ceiling =
      std::min(static_cast<double>(policy.cap.count()),
               static_cast<double>(policy.base.count()) * std::ldexp(1.0, doublings));
  const double u =
      static_cast<double>(mix(mix(seed) ^ (draw * 0xd1b54a32d192ed03ULL)) >> 11) * 0x1.0p-53;
  auto delay = std::chrono::milliseconds(static_cast<int64_t>(u * ceiling));
  if (asked) delay = std::max(delay, std::min(*asked, policy.max_wait));
  return delay;
}

bool AdaptiveRate::acquire(Clock::time_point stop_at) {
  Clock::time_point slot;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!enabled_) return true;
    const auto now = Clock::now();
    if (next_slot_ < now) next_slot_ = now;
    slot = next_slot_;
    if (slot > stop_at) return false;
    next_slot_ += std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1.0 / fill_rate_));
  }
  std::this_thread::sleep_until(slot);
  return true;
}

void AdaptiveRate::measure(Clock::time_point now) {
  const double t = seconds(now);
  if (!window_closed_ && window_count_ == 0) window_start_s_ = t;  // the first answer
  ++window_count_;
  const double span = t - window_start_s_;
  if (span < kWindowSeconds) {
    // Until the first window closes, the rate so far is the best estimate there is.
    if (!window_closed_) measured_ = static_cast<double>(window_count_) / std::max(span, 0.001);
    return;
  }
  const double current = static_cast<double>(window_count_) / span;
  measured_ = window_closed_ ? current * kSmooth + measured_ * (1 - kSmooth) : current;
  window_closed_ = true;
  window_start_s_ = t;
  window_count_ = 0;
}

void AdaptiveRate::on_throttle(double now_s) {
  // What was really being sent: the measured rate, or less when the limiter held it lower.
  double sending = enabled_ ? std::min(measured_, fill_rate_) : measured_;
  if (sending <= 0) sending = kMinRate;
  last_max_rate_ = sending;
  plateau_delay_s_ = std::cbrt(last_max_rate_ * (1 - kBeta) / kScale);
  last_throttle_s_ = now_s;
  fill_rate_ = std::max(sending * kBeta, kMinRate);
  enabled_ = true;
}

void AdaptiveRate::on_success(double now_s) {
  if (!enabled_) return;
  const double x = now_s - last_throttle_s_ - plateau_delay_s_;
  const double cubic = kScale * x * x * x + last_max_rate_;
  const double ceiling = measured_ > 0 ? 2 * measured_ : cubic;
  fill_rate_ = std::max(std::min(cubic, ceiling), kMinRate);
}

void AdaptiveRate::on_response(bool throttled, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  measure(now);
  if (throttled) {
    on_throttle(seconds(now));
  } else {
    on_success(seconds(now));
  }
}

bool AdaptiveRate::enabled() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return enabled_;
}

double AdaptiveRate::rate() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return fill_rate_;
}

double AdaptiveRate::measured_rate() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return measured_;
}

}  // namespace lpe::harness::internal
