#include "wire/json_guard.h"

#include <gtest/gtest.h>

namespace lpe::wire {
namespace {

// The message of a refusal, or "(accepted)".
std::string problem(std::string_view text, size_t max_depth) {
  const Status checked = check_json_text(text, max_depth);
  return checked ? "(accepted)" : checked.error().message;
}

TEST(JsonGuard, AcceptsOrdinaryTextAndBracketsInsideStrings) {
  EXPECT_TRUE(check_json_text(R"({"a":[1,{"b":"[[[[{{{{\"]]"}]})", 3).ok());
  EXPECT_TRUE(check_json_text("", 0).ok());
  EXPECT_TRUE(check_json_text("[[]]", 2).ok());
}

TEST(JsonGuard, NamesTheNulByteAndItsPosition) {
  EXPECT_EQ(problem(std::string("{\"a\":1}\n  \0junk", 15), 8),
            "a NUL byte at line 2, column 3 (JSON text never holds one)");
  EXPECT_EQ(problem(std::string("\"a\0\"", 4), 8),
            "a NUL byte at line 1, column 3 (JSON text never holds one)");
}

TEST(JsonGuard, NamesTheFirstLevelPastTheLimit) {
  EXPECT_EQ(problem("[[[1]]]", 2), "nested deeper than 2 levels at line 1, column 3");
  const std::string deep(200000, '[');
  EXPECT_EQ(problem(deep, 128), "nested deeper than 128 levels at line 1, column 129");
}

}  // namespace
}  // namespace lpe::wire
