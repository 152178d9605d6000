#include "base/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace lpe {
namespace {

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return fail(std::string("not a digit: ") + c, "input");
  return c - '0';
}

TEST(Result, HoldsTheValueOrTheError) {
  const auto good = parse_digit('7');
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  const auto bad = parse_digit('x');
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "not a digit: x");
  EXPECT_EQ(bad.error().to_string(), "input: not a digit: x");
}

TEST(Result, ConvertsValuesAndMovesThemOut) {
  Result<std::shared_ptr<const int>> shared = std::make_shared<int>(3);
  ASSERT_TRUE(shared.ok());
  EXPECT_EQ(**shared, 3);
  Result<std::vector<int>> list = std::vector<int>{1, 2};
  std::vector<int> taken = std::move(list).value();
  EXPECT_EQ(taken.size(), 2u);
}

TEST(Result, TakesAnotherErrorType) {
  struct Problems {
    std::vector<std::string> list;
  };
  Result<int, Problems> r = Problems{{"a", "b"}};
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().list.size(), 2u);
}

TEST(Result, VoidIsSuccessOrAnError) {
  Status fine;
  EXPECT_TRUE(fine.ok());
  Status broken = fail("port in use");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().to_string(), "port in use");
}

TEST(ResultDeathTest, MisuseStopsWithAMessage) {
  const Result<int> bad = fail("nope");
  EXPECT_DEATH((void)bad.value(), "Result::value\\(\\) on an error");
}

}  // namespace
}  // namespace lpe
