#include "wire/rfc3339.h"

#include <array>
#include <cstdio>

namespace lpe::wire {
namespace {

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int64_t y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a civil date (proleptic Gregorian), Howard Hinnant's algorithm.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

Result<Timestamp> parse_rfc3339(std::string_view s) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, 0, 4, year) || s.size() < 5 || s[4] != '-' || !digits(s, 5, 2, month) ||
      s.size() < 8 || s[7] != '-' || !digits(s, 8, 2, day)) {
    return fail("expected a date YYYY-MM-DD at the start");
  }
  if (s.size() < 11 || s[10] != 'T') {
    return fail(s.size() > 10 && s[10] == 't' ? "date and time must be separated by 'T'"
                                              : "expected 'T' after the date");
  }
  if (!digits(s, 11, 2, hour) || s.size() < 14 || s[13] != ':' || !digits(s, 14, 2, minute) ||
      s.size() < 17 || s[16] != ':' || !digits(s, 17, 2, second)) {
    return fail("expected a time hh:mm:ss after 'T'");
  }
  if (month < 1 || month > 12) return fail("month out of range 01-12");
  if (day < 1 || day > days_in_month(year, month)) return fail("day out of range for month");
  if (hour > 23) return fail("hour out of range 00-23");
  if (minute > 59) return fail("minute out of range 00-59");
  if (second > 60) return fail("second out of range 00-60");
  size_t pos = 19;
  int millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n < 3) millis = millis * 10 + (s[pos] - '0');
      ++n;
      ++pos;
    }
    if (n == 0) return fail("expected digits after '.'");
    if (n > 9) return fail("more than 9 fraction digits");
    for (size_t k = n; k < 3; ++k) millis *= 10;
  }
  if (pos == s.size()) return fail("missing 'Z' (the time must be UTC)");
  if (s[pos] == '+' || s[pos] == '-') return fail("UTC offset instead of 'Z'");
  if (s[pos] == 'z') return fail("lowercase 'z' instead of 'Z'");
  if (s[pos] != 'Z') return fail("unexpected character after the time");
  if (pos + 1 != s.size()) return fail("trailing characters after 'Z'");
  const int64_t days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second;
  return Timestamp{secs * 1000 + millis};
}

std::string format_rfc3339(Timestamp t) {
  int64_t ms = t.epoch_millis;
  int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  const auto millis = static_cast<int>(ms - secs * 1000);
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  const int64_t rem = secs - days * 86400;
  int64_t y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  char buf[48];
  const int hh = static_cast<int>(rem / 3600), mm = static_cast<int>(rem / 60 % 60),
            ss = static_cast<int>(rem % 60);
  if (millis != 0) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
                  static_cast<long long>(y), m, d, hh, mm, ss, millis);
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ", static_cast<long long>(y), m,
                  d, hh, mm, ss);
  }
  return buf;
}

}  // namespace lpe::wire
