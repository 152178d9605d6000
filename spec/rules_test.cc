// Rule ids print as reports have always spelled them, each once, under their rule number.
#include "spec/rules.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace lpe::spec {
namespace {

TEST(Rules, PrintAsReportsSpellThem) {
  EXPECT_EQ(to_string(Rule::kR8Status), "R8.status");
  EXPECT_EQ(to_string(Rule::kR8ProtocolErrorStatus), "R8.protocol_error_status");
  EXPECT_EQ(to_string(Rule::kR9Required), "R9.required");
  EXPECT_EQ(to_string(Rule::kR9PresenceExpected), "R9.presence_expected");
  EXPECT_EQ(to_string(Rule::kR10TokenFormat), "R10.token_format");
}

TEST(Rules, EachRuleHasItsOwnNameUnderItsNumber) {
  std::set<std::string_view> names;
  const auto last = static_cast<int>(Rule::kR10TokenFormat);
  for (int i = 0; i <= last; ++i) {
    const auto rule = static_cast<Rule>(i);
    const std::string_view name = to_string(rule);
    const std::string prefix = "R" + std::to_string(rule_number(rule)) + ".";
    EXPECT_EQ(name.substr(0, prefix.size()), prefix) << name;
    EXPECT_GT(name.size(), prefix.size()) << name;
    EXPECT_TRUE(names.insert(name).second) << name << " named twice";
  }
  EXPECT_EQ(names.size(), 22u);
}

TEST(Severity, PrintsAsReportsSpellIt) {
  EXPECT_EQ(to_string(Severity::kMust), "must");
  EXPECT_EQ(to_string(Severity::kShould), "should");
  EXPECT_EQ(to_string(Severity::kNote), "note");
}

}  // namespace
}  // namespace lpe::spec
