#include "spec/pattern_syntax.h"

#include <gtest/gtest.h>

#include <string>

namespace lpe::spec {
namespace {

TEST(PatternSyntax, ParsesAnchorsAndTree) {
  const auto parsed = parse_pattern_syntax("^st-[a-z0-9]+$");
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_TRUE(parsed->anchored_start);
  EXPECT_TRUE(parsed->anchored_end);
  const PatternNode& root = parsed->root;
  ASSERT_EQ(root.kind, PatternNode::Kind::kConcat);
  ASSERT_EQ(root.children.size(), 4u);  // s, t, -, [a-z0-9]+
  const PatternNode& run = root.children[3];
  ASSERT_EQ(run.kind, PatternNode::Kind::kRepeat);
  EXPECT_EQ(run.min_repeat, 1u);
  EXPECT_FALSE(run.max_repeat.has_value());
  EXPECT_EQ(run.children[0].chars.re2.size(), 36u);

  const auto escaped = parse_pattern_syntax("^a\\$");
  ASSERT_TRUE(escaped.ok());
  EXPECT_FALSE(escaped->anchored_end);  // a literal dollar
}

// `\s`, `.` and their negations: what every engine matches <= what RE2 matches <= what some
// engine might match.
TEST(PatternSyntax, ClassesKeepWhatEachEngineMatches) {
  for (const char* pattern : {"\\s", "\\S", ".", "\\v", "[^\\s]", "[\\S\\v]"}) {
    const auto parsed = parse_pattern_syntax(pattern);
    ASSERT_TRUE(parsed.ok()) << pattern;
    const PatternClass& c = parsed->root.chars;
    EXPECT_TRUE(c.sure.minus(c.re2).empty()) << pattern;
    EXPECT_TRUE(c.re2.minus(c.possible).empty()) << pattern;
  }
  const auto space = parse_pattern_syntax("\\s");
  EXPECT_FALSE(space->root.chars.re2.contains('\v'));  // RE2's \s is [\t\n\f\r ]
  EXPECT_TRUE(space->root.chars.possible.contains('\v'));
  const auto dot = parse_pattern_syntax(".");
  EXPECT_TRUE(dot->root.chars.re2.contains('\r'));
  EXPECT_FALSE(dot->root.chars.sure.contains('\r'));
  EXPECT_FALSE(dot->root.chars.re2.contains('\n'));
}

TEST(PatternSyntax, OneRepeatLimit) {
  const std::string limit = std::to_string(kMaxPatternRepeat);
  EXPECT_TRUE(parse_pattern_syntax("^a{" + limit + "}$").ok());
  const auto over = parse_pattern_syntax("^a{" + std::to_string(kMaxPatternRepeat + 1) + "}$");
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().construct, "repeat count over " + limit);
  EXPECT_EQ(over.error().offset, 2u);
}

// Errors name the construct and the byte offset where it starts.
TEST(PatternSyntax, ErrorsSayWhatAndWhere) {
  struct Case {
    const char* pattern;
    const char* construct;
    size_t offset;
  };
  for (const Case& c :
       {Case{"^a(?=b)$", "lookahead", 2}, Case{"^é\\b$", "word boundary", 3},
        Case{"^a{01}$", "unescaped brace", 2}, Case{"^[]a]$", "leading ']' in class", 2},
        Case{"^(a$", "unterminated group", 1}, Case{"^a|b$", "alternation across anchors", 2},
        Case{"^\xff$", "invalid UTF-8", 1}}) {
    const auto parsed = parse_pattern_syntax(c.pattern);
    ASSERT_FALSE(parsed.ok()) << c.pattern;
    EXPECT_EQ(parsed.error().construct, c.construct) << c.pattern;
    EXPECT_EQ(parsed.error().offset, c.offset) << c.pattern;
    EXPECT_EQ(parsed.error().to_string().rfind(
                  std::string(c.construct) + " at byte " + std::to_string(c.offset) + ": ", 0),
              0u)
        << parsed.error().to_string();
  }
}

}  // namespace
}  // namespace lpe::spec
