#include "wire/json_guard.h"

#include <gtest/gtest.h>

namespace lpe::wire {
namespace {

TEST(JsonGuard, AcceptsOrdinaryTextAndBracketsInsideStrings) {
  EXPECT_EQ(json_text_problem(R"({"a":[1,{"b":"[[[[{{{{\"]]"}]})", 3), "");
  EXPECT_EQ(json_text_problem("", 0), "");
  EXPECT_EQ(json_text_problem("[[]]", 2), "");
}

TEST(JsonGuard, NamesTheNulByteAndItsPosition) {
  EXPECT_EQ(json_text_problem(std::string("{\"a\":1}\n  \0junk", 15), 8),
            "a NUL byte at line 2, column 3 (JSON text never holds one)");
  EXPECT_EQ(json_text_problem(std::string("\"a\0\"", 4), 8),
            "a NUL byte at line 1, column 3 (JSON text never holds one)");
}

TEST(JsonGuard, NamesTheFirstLevelPastTheLimit) {
  EXPECT_EQ(json_text_problem("[[[1]]]", 2), "nested deeper than 2 levels at line 1, column 3");
  const std::string deep(200000, '[');
  EXPECT_EQ(json_text_problem(deep, 128), "nested deeper than 128 levels at line 1, column 129");
}

}  // namespace
}  // namespace lpe::wire
