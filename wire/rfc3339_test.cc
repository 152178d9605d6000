#include "wire/rfc3339.h"

#include <gtest/gtest.h>

#include "wire/error_type.h"

namespace lpe::wire {
namespace {

struct Rfc3339Case {
  const char* text;
  bool valid;
  int64_t millis;
};

class Rfc3339Table : public ::testing::TestWithParam<Rfc3339Case> {};

TEST_P(Rfc3339Table, ParsesExactly) {
  const auto& c = GetParam();
  const auto t = parse_rfc3339(c.text);
  ASSERT_EQ(t.ok(), c.valid) << c.text << ": " << (t ? "" : t.error().message);
  if (c.valid) {
    EXPECT_EQ(t->epoch_millis, c.millis) << c.text;
  } else {
    EXPECT_FALSE(t.error().message.empty()) << c.text;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Forms, Rfc3339Table,
    ::testing::Values(Rfc3339Case{"1970-01-01T00:00:00Z", true, 0},
                      Rfc3339Case{"2024-01-01T00:00:00Z", true, 1704067200000},
                      Rfc3339Case{"2024-01-01T00:00:01.250Z", true, 1704067201250},
                      Rfc3339Case{"2024-01-01T00:00:01.2Z", true, 1704067201200},
                      Rfc3339Case{"2024-01-01T00:00:01.123456789Z", true, 1704067201123},
                      Rfc3339Case{"2024-02-29T12:00:00Z", true, 1709208000000},
                      Rfc3339Case{"1969-12-31T23:59:59.999Z", true, -1},
                      Rfc3339Case{"2024-01-01T00:00:00", false, 0},
                      Rfc3339Case{"2024-01-01T00:00:00+01:00", false, 0},
                      Rfc3339Case{"2024-01-01T00:00:00-00:00", false, 0},
                      Rfc3339Case{"2024-01-01t00:00:00Z", false, 0},
                      Rfc3339Case{"2024-01-01T00:00:00z", false, 0},
                      Rfc3339Case{"2024-01-01 00:00:00Z", false, 0},
                      Rfc3339Case{"1704067200", false, 0},
                      Rfc3339Case{"2023-02-29T00:00:00Z", false, 0},
                      Rfc3339Case{"2024-13-01T00:00:00Z", false, 0},
                      Rfc3339Case{"2024-01-01T24:00:00Z", false, 0},
                      Rfc3339Case{"2024-01-01T00:00:00.Z", false, 0},
                      Rfc3339Case{"2024-01-01T00:00:00.1234567890Z", false, 0},
                      Rfc3339Case{"2024-01-01T00:00:00ZZ", false, 0}, Rfc3339Case{"", false, 0}));

TEST(Rfc3339, FormatsMillisOnlyWhenPresent) {
  EXPECT_EQ(format_rfc3339({1704067200000}), "2024-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339({1704067201250}), "2024-01-01T00:00:01.250Z");
  EXPECT_EQ(format_rfc3339({-1}), "1969-12-31T23:59:59.999Z");
}

TEST(Rfc3339, RoundTripsOverAWideRange) {
  for (int64_t ms = -86400000LL * 800; ms < 86400000LL * 40000; ms += 86400000LL * 3 + 12345) {
    const auto back = parse_rfc3339(format_rfc3339({ms}));
    ASSERT_TRUE(back.ok()) << ms;
    EXPECT_EQ(back->epoch_millis, ms);
  }
}

TEST(ErrorType, SanitizesLikeTheSdks) {
  EXPECT_EQ(sanitize_error_type("ValidationException"), "ValidationException");
  EXPECT_EQ(sanitize_error_type("com.amazonaws.ivsrealtime#ValidationException"),
            "ValidationException");
  EXPECT_EQ(sanitize_error_type("ValidationException:http://internal.amazon.com/coral/com.amazon/"),
            "ValidationException");
  EXPECT_EQ(sanitize_error_type("aws.protocoltests#FooError:http://x/"), "FooError");
  EXPECT_EQ(sanitize_error_type(""), "");
}

}  // namespace
}  // namespace lpe::wire
