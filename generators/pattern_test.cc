#include "generators/pattern.h"

#include <re2/re2.h>

#include <chrono>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "generators/internal/pattern_automaton.h"

namespace lpe::generators {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::shared_ptr<const CompiledPattern> compile(std::string_view pattern) {
  auto parsed = CompiledPattern::parse(pattern);
  if (!parsed) {
    ADD_FAILURE() << "pattern " << pattern << " rejected: " << parsed.error().message;
    return nullptr;
  }
  return std::make_shared<const CompiledPattern>(std::move(*parsed));
}

PatternLimitation limitation_of(std::string_view pattern) {
  auto parsed = CompiledPattern::parse(pattern);
  if (!parsed) return parsed.error();
  ADD_FAILURE() << "pattern " << pattern << " unexpectedly accepted";
  return {};
}

BoundedPattern bounded(std::string_view pattern, LengthBounds bounds) {
  auto made = BoundedPattern::make(compile(pattern), bounds);
  if (!made) {
    ADD_FAILURE() << pattern << ": " << made.error().message;
    std::abort();
  }
  return std::move(*made);
}

size_t code_points(const std::string& s) {
  auto n = code_point_count(s);
  EXPECT_TRUE(n.has_value()) << "invalid UTF-8";
  return n.value_or(0);
}

// Draws `count` values and checks each against RE2 and the bounds; returns the set of lengths.
std::set<size_t> draw_and_check(const BoundedPattern& b, int count, uint64_t seed,
                                std::vector<std::string>* values = nullptr) {
  SeededChoiceSource choices(seed);
  std::set<size_t> lengths;
  for (int i = 0; i < count; ++i) {
    const std::string value = generate(b, choices);
    EXPECT_TRUE(b.pattern().matches(value)) << b.pattern().source() << " vs " << value;
    if (b.pattern().fully_anchored()) {
      EXPECT_TRUE(RE2::FullMatch(value, b.pattern().re2())) << value;
    }
    const size_t n = code_points(value);
    EXPECT_GE(n, b.bounds().min) << value;
    if (b.bounds().max) {
      EXPECT_LE(n, *b.bounds().max) << value;
    }
    lengths.insert(n);
    if (values) values->push_back(value);
  }
  return lengths;
}

// --- Parser: supported constructs ---------------------------------------------------------

TEST(PatternParse, AcceptsEverySupportedConstruct) {
  for (std::string_view pattern : {"^abc$",
                                   "abc",
                                   "^abc",
                                   "abc$",
                                   "^$",
                                   "",
                                   "^a.c$",
                                   "^\\.\\-\\\\\\/\\+\\*\\?\\(\\)$",
                                   "^\\d\\w\\s\\D\\W\\S$",
                                   "^\\n\\t\\r\\f\\v$",
                                   "^\\x41\\x7e$",
                                   "^[a-zA-Z0-9+/=_-]$",
                                   "^[^abc]$",
                                   "^[\\d\\s.-]$",
                                   "^[-a]$",
                                   "^[a-]$",
                                   "^[\\]\\[\\\\]$",
                                   "^[a-c-e]$",
                                   "^(ab)$",
                                   "^(?:ab)$",
                                   "^(a|b|)$",
                                   "^a?b*c+$",
                                   "^a{3}b{2,}c{1,4}$",
                                   "^a??b*?c+?d{2}?$",
                                   "^é中😀$",
                                   "^[é-ü]$",
                                   "^((a|b)(c|d))*$",
                                   "^\\$\\^$",
                                   "^a\\\\$",
                                   "^[$^.*+?(){}|]$",
                                   "^\\_\\ \\#\\@$"}) {
    auto parsed = CompiledPattern::parse(pattern);
    EXPECT_TRUE(parsed.ok()) << pattern << ": " << parsed.error().message;
  }
}

TEST(PatternParse, AnchorsAreDetected) {
  EXPECT_TRUE(compile("^a$")->fully_anchored());
  EXPECT_TRUE(compile("^a")->anchored_start());
  EXPECT_FALSE(compile("^a")->anchored_end());
  EXPECT_FALSE(compile("a$")->anchored_start());
  EXPECT_TRUE(compile("a$")->anchored_end());
  EXPECT_FALSE(compile("a\\$")->anchored_end());   // escaped: a literal dollar
  EXPECT_TRUE(compile("a\\\\$")->anchored_end());  // escaped backslash, then the anchor
}

TEST(PatternParse, ClassesHaveTheRightMembers) {
  const auto p = compile("^[a-c-e]$");
  EXPECT_TRUE(p->matches("-"));
  EXPECT_EQ(p->achievable_lengths(5), (std::vector<uint64_t>{1}));
  // Every value drawn from a negated class avoids its members.
  const BoundedPattern b = bounded("^[^a-z0-9/\\s]{50}$", {50, 50});
  SeededChoiceSource choices(7);
  for (int i = 0; i < 50; ++i) {
    const std::string value = generate(b, choices);
    for (char c : value) {
      EXPECT_FALSE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == ' ');
    }
  }
}

// --- Parser: unsupported constructs -------------------------------------------------------

struct Unsupported {
  std::string pattern;
  std::string construct;
  size_t offset;
};

TEST(PatternParse, ReportsEachUnsupportedConstruct) {
  const std::vector<Unsupported> cases = {
      {"^(a)\\1$", "backreference", 4},
      {"^(?<n>a)\\k<n>$", "named group", 1},
      {"^(?P<n>a)$", "named group", 1},
      {"^(?=a)a$", "lookahead", 1},
      {"^(?!a)b$", "lookahead", 1},
      {"^(?<=a)b$", "lookbehind", 1},
      {"^(?<!a)b$", "lookbehind", 1},
      {"^(?>a)$", "atomic group", 1},
      {"(?i)abc", "inline flags", 0},
      {"^(?i:a)$", "inline flags", 1},
      {"^\\p{L}+$", "unicode property class", 1},
      {"^\\P{L}$", "unicode property class", 1},
      {"^a\\b$", "word boundary", 2},
      {"^a\\B$", "word boundary", 2},
      {"^[\\b]$", "backspace escape", 2},
      {"^a*+$", "possessive quantifier", 3},
      {"^a{2}+$", "possessive quantifier", 5},
      {"^a**$", "nested quantifier", 3},
      {"^a{2}{3}$", "nested quantifier", 5},
      {"^*a$", "quantifier without operand", 1},
      {"^a|*$", "quantifier without operand", 3},
      {"^a{1001}$", "repeat count over 1000", 2},
      {"^a{3,2}$", "invalid repeat range", 2},
      {"^a{,3}$", "unescaped brace", 2},
      {"^a}$", "unescaped brace", 2},
      {"^a]$", "unescaped closing bracket", 2},
      {"^[[:alpha:]]$", "POSIX class", 2},
      {"^[a[b]]$", "nested class", 3},
      {"^[a-z&&[^e]]$", "class intersection", 5},
      {"^[]a]$", "leading ']' in class", 2},
      {"^[\\d-z]$", "class escape in range", 2},
      {"^[z-a]$", "invalid range", 2},
      {"^[abc$", "unterminated class", 1},
      {"^(abc$", "unterminated group", 1},
      {"^abc)$", "unmatched ')'", 4},
      {"^a\\", "trailing backslash", 2},
      {"^\\x{41}$", "braced hex escape", 1},
      {"^\\xZZ$", "invalid hex escape", 1},
      {"^\\u0041$", "unicode escape", 1},
      {"^\\Aa$", "anchor escape", 1},
      {"^a\\z", "anchor escape", 2},
      {"^\\0$", "octal escape", 1},
      {"^\\cA$", "control escape", 1},
      {"^\\Qa\\E$", "quoted literal", 1},
      {"^\\C$", "single byte escape", 1},
      {"^\\q$", "unknown escape", 1},
      {"^\\é$", "unknown escape", 1},
      {"^a^b$", "anchor inside the pattern", 2},
      {"^a$b$", "anchor inside the pattern", 2},
      {"^(^a)$", "anchor inside the pattern", 2},
      {"^a|b$", "alternation across anchors", 2},
      {"^(?#c)a$", "comment group", 1},
      {"\xff", "invalid UTF-8", 0},
      {"ab\xc3", "invalid UTF-8", 2},
  };
  for (const auto& c : cases) {
    const PatternLimitation limitation = limitation_of(c.pattern);
    EXPECT_EQ(limitation.construct, c.construct) << c.pattern << ": " << limitation.message;
    EXPECT_EQ(limitation.offset, c.offset) << c.pattern;
    EXPECT_THAT(limitation.message, HasSubstr(c.construct)) << c.pattern;
  }
}

TEST(PatternParse, DeepNestingAndHugeExpansionsAreLimitations) {
  EXPECT_EQ(limitation_of(std::string(200, '(') + "a" + std::string(200, ')')).construct,
            "nesting too deep");
  EXPECT_EQ(limitation_of("^(a{1000}){1000}$").construct, "pattern too large");
  EXPECT_EQ(limitation_of("^((a?){100}){100}$").construct, "pattern too large");
}

// --- Length sets ---------------------------------------------------------------------------

TEST(PatternLengths, AchievableSetsPerConstruct) {
  EXPECT_THAT(compile("^(ab)*$")->achievable_lengths(9), ElementsAre(0, 2, 4, 6, 8));
  EXPECT_THAT(compile("^a{2,4}(bc){0,2}$")->achievable_lengths(20),
              ElementsAre(2, 3, 4, 5, 6, 7, 8));
  EXPECT_THAT(compile("^(abc|de)+$")->achievable_lengths(7), ElementsAre(2, 3, 4, 5, 6, 7));
  EXPECT_THAT(compile("^(abc){2}(x|)$")->achievable_lengths(100), ElementsAre(6, 7));
  EXPECT_THAT(compile("^(aaa|aaaaa)*$")->achievable_lengths(12),
              ElementsAre(0, 3, 5, 6, 8, 9, 10, 11, 12));
  EXPECT_THAT(compile("^$")->achievable_lengths(5), ElementsAre(0));
  EXPECT_THAT(compile("^[^\\s\\S]$")->achievable_lengths(5), ElementsAre());
  EXPECT_THAT(compile("^😀{2}é$")->achievable_lengths(10), ElementsAre(3));
}

TEST(PatternLengths, MinAndMax) {
  const auto arn = compile("^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$");
  EXPECT_EQ(arn->min_length(), 23u);
  EXPECT_EQ(arn->max_length(), std::nullopt);
  const auto counted = compile("^[A-Z]{2,4}(-[0-9]{1,3})?$");
  EXPECT_EQ(counted->min_length(), 2u);
  EXPECT_EQ(counted->max_length(), 8u);
  // An unanchored side adds filler: no maximum.
  EXPECT_EQ(compile("abc")->min_length(), 3u);
  EXPECT_EQ(compile("abc")->max_length(), std::nullopt);
  EXPECT_EQ(compile("^a{1000}$")->min_length(), 1000u);
  EXPECT_EQ(compile("^a{1000}$")->max_length(), 1000u);
}

TEST(PatternLengths, NoAchievableLengthIsAnErrorValue) {
  auto made = BoundedPattern::make(compile("^(ab)*$"), {3, 3});
  ASSERT_FALSE(made.ok());
  const std::string& message = made.error().message;
  EXPECT_THAT(message, HasSubstr("no achievable length"));
  EXPECT_THAT(message, HasSubstr("3..3"));
  EXPECT_THAT(message, HasSubstr("0, 2"));

  SeededChoiceSource choices(1);
  const auto none = generate(*compile("^(ab)*$"), {5, 5}, choices);
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.error().message, HasSubstr("no achievable length"));

  auto too_short = BoundedPattern::make(compile("^st-[a-z]{2}$"), {16, 16});
  ASSERT_FALSE(too_short.ok());
  EXPECT_THAT(too_short.error().message, HasSubstr("longest 5"));
}

TEST(PatternLengths, BoundsErrors) {
  auto inverted = BoundedPattern::make(compile("^a*$"), {5, 2});
  ASSERT_FALSE(inverted.ok());
  EXPECT_THAT(inverted.error().message, HasSubstr("inverted"));
  auto huge = BoundedPattern::make(compile("^a*$"), {kPatternLengthCap + 1, std::nullopt});
  ASSERT_FALSE(huge.ok());
  EXPECT_THAT(huge.error().message, HasSubstr("cap"));
  auto nothing = BoundedPattern::make(compile("^[^\\s\\S]$"), {0, 5});
  ASSERT_FALSE(nothing.ok());
  EXPECT_THAT(nothing.error().message, HasSubstr("matches no string"));
}

TEST(PatternLengths, CapsApply) {
  // No maximum: at most min + kUnboundedLengthSpan.
  EXPECT_EQ(bounded("^a*$", {10, std::nullopt}).lengths().back(), 10 + kUnboundedLengthSpan);
  // A maximum above the cap is cut to the cap.
  EXPECT_EQ(bounded("^a*$", {0, 1'000'000}).lengths().back(), kPatternLengthCap);
  const std::set<size_t> lengths = draw_and_check(bounded("^a*$", {0, 1'000'000}), 40, 3);
  EXPECT_EQ(*lengths.rbegin(), kPatternLengthCap);
}

// --- The project's real patterns -----------------------------------------------------------

TEST(ProjectPatterns, NextToken) {
  const BoundedPattern b = bounded("^[a-zA-Z0-9+/=_-]*$", {0, 1024});
  EXPECT_EQ(b.lengths().size(), 1025u);
  const std::set<size_t> lengths = draw_and_check(b, 300, 11);
  EXPECT_TRUE(lengths.count(0));
  EXPECT_TRUE(lengths.count(1024));
}

TEST(ProjectPatterns, ParticipantId) {
  const BoundedPattern b = bounded("^[a-zA-Z0-9-]*$", {0, 64});
  EXPECT_EQ(b.lengths().front(), 0u);
  EXPECT_EQ(b.lengths().back(), 64u);
  const std::set<size_t> lengths = draw_and_check(b, 300, 12);
  EXPECT_TRUE(lengths.count(0));
  EXPECT_TRUE(lengths.count(64));
}

TEST(ProjectPatterns, SessionId) {
  const BoundedPattern b = bounded("^st-[a-zA-Z0-9]+$", {16, 16});
  EXPECT_THAT(b.lengths(), ElementsAre(16));
  std::vector<std::string> values;
  draw_and_check(b, 200, 13, &values);
  for (const auto& v : values) {
    EXPECT_EQ(v.size(), 16u);
    EXPECT_EQ(v.substr(0, 3), "st-");
  }
}

TEST(ProjectPatterns, StageArn) {
  const BoundedPattern b = bounded("^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$", {1, 128});
  EXPECT_EQ(b.lengths().front(), 23u);
  EXPECT_EQ(b.lengths().back(), 128u);
  EXPECT_EQ(b.lengths().size(), 128u - 23u + 1u);
  const std::set<size_t> lengths = draw_and_check(b, 300, 14);
  EXPECT_TRUE(lengths.count(23));
  EXPECT_TRUE(lengths.count(128));
}

TEST(ProjectPatterns, EmptyChoicesGiveTheSimplestValues) {
  BytesChoiceSource none({});
  EXPECT_EQ(generate(bounded("^st-[a-zA-Z0-9]+$", {16, 16}), none), "st-aaaaaaaaaaaaa");
  EXPECT_EQ(
      generate(bounded("^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$", {1, 128}), none),
      "arn:aws:ivs:a:0:stage/a");
  EXPECT_EQ(generate(bounded("^[a-zA-Z0-9+/=_-]*$", {0, 1024}), none), "");
  EXPECT_EQ(generate(bounded("^[a-zA-Z0-9+/=_-]*$", {3, 1024}), none), "aaa");
  EXPECT_EQ(generate(bounded("^[0-9]{2}$", {0, 5}), none), "00");
  EXPECT_EQ(generate(bounded("^(foo|ba[rz])+\\.txt$", {0, 40}), none), "foo.txt");
}

TEST(ProjectPatterns, FuzzerBytesDriveTheChoices) {
  const BoundedPattern b = bounded("^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$", {1, 128});
  std::set<std::string> distinct;
  SeededChoiceSource seeds(99);
  for (int i = 0; i < 200; ++i) {
    std::vector<uint8_t> bytes(64);
    for (auto& byte : bytes) byte = static_cast<uint8_t>(seeds.choose(0, 255));
    BytesChoiceSource choices(bytes);
    const std::string value = generate(b, choices);
    EXPECT_TRUE(RE2::FullMatch(value, b.pattern().re2())) << value;
    distinct.insert(value);
  }
  EXPECT_GT(distinct.size(), 150u);
}

// --- Unicode and unanchored ----------------------------------------------------------------

TEST(PatternUnicode, DotDrawsNonAsciiAndCountsCodePoints) {
  const BoundedPattern b = bounded("^.{5}$", {5, 5});
  std::vector<std::string> values;
  draw_and_check(b, 400, 21, &values);
  bool non_ascii = false;
  for (const auto& v : values) {
    EXPECT_EQ(code_points(v), 5u);
    EXPECT_EQ(v.find('\n'), std::string::npos);
    EXPECT_EQ(v.find('\r'), std::string::npos);
    non_ascii = non_ascii || v.size() > 5;
  }
  EXPECT_TRUE(non_ascii);
}

TEST(PatternUnicode, NonAsciiLiteralsAndRanges) {
  std::vector<std::string> values;
  draw_and_check(bounded("^[é-ü]😀+$", {2, 4}), 100, 22, &values);
  for (const auto& v : values) EXPECT_NE(v.find("😀"), std::string::npos);
}

TEST(PatternUnanchored, SearchSemanticsWithFiller) {
  const BoundedPattern b = bounded("abc", {3, 20});
  std::vector<std::string> values;
  const std::set<size_t> lengths = draw_and_check(b, 200, 23, &values);
  for (const auto& v : values) EXPECT_NE(v.find("abc"), std::string::npos) << v;
  EXPECT_TRUE(lengths.count(3));
  EXPECT_TRUE(lengths.count(20));
  const BoundedPattern start_only = bounded("^ab", {2, 6});
  values.clear();
  draw_and_check(start_only, 100, 24, &values);
  for (const auto& v : values) EXPECT_EQ(v.substr(0, 2), "ab");
}

// --- Near misses (core) --------------------------------------------------------------------

TEST(NearMiss, ProjectPatterns) {
  const std::vector<std::pair<std::string, LengthBounds>> cases = {
      {"^[a-zA-Z0-9+/=_-]*$", {0, 1024}},
      {"^[a-zA-Z0-9-]*$", {0, 64}},
      {"^st-[a-zA-Z0-9]+$", {16, 16}},
      {"^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$", {1, 128}},
  };
  for (const auto& [pattern, bounds] : cases) {
    const auto p = compile(pattern);
    SeededChoiceSource choices(31);
    for (int i = 0; i < 200; ++i) {
      auto value = generate_near_miss(*p, bounds, choices);
      ASSERT_TRUE(value.ok()) << pattern << ": " << value.error().message;
      EXPECT_FALSE(p->matches(*value)) << pattern << " vs " << *value;
      const size_t n = code_points(*value);
      EXPECT_GE(n, bounds.min);
      EXPECT_LE(n, *bounds.max);
    }
  }
}

TEST(NearMiss, DotUsesNewlineAndEverythingPatternHasNone) {
  const auto dot = compile("^.*$");
  SeededChoiceSource choices(32);
  auto value = generate_near_miss(*dot, {2, 10}, choices);
  ASSERT_TRUE(value.ok()) << value.error().message;
  EXPECT_NE(value->find('\n'), std::string::npos);
  EXPECT_NE(value->back(), '\n');

  const auto everything = compile("^[\\s\\S]*$");
  const auto none = generate_near_miss(*everything, {0, 10}, choices);
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.error().message, HasSubstr("no near miss"));
}

TEST(NearMiss, UnmatchableLengthsStillGiveNearMisses) {
  const auto p = compile("^(ab)*$");
  SeededChoiceSource choices(33);
  auto value = generate_near_miss(*p, {3, 3}, choices);
  ASSERT_TRUE(value.ok()) << value.error().message;
  EXPECT_EQ(code_points(*value), 3u);
}

TEST(NearMiss, AmbiguousWhitespaceIsAvoided) {
  // \v and U+00A0 are \s in ECMAScript but not in RE2: never used as a \s near miss.
  const auto p = compile("^\\s{3}$");
  SeededChoiceSource choices(34);
  for (int i = 0; i < 200; ++i) {
    auto value = generate_near_miss(*p, {3, 3}, choices);
    ASSERT_TRUE(value.ok());
    EXPECT_EQ(value->find('\v'), std::string::npos);
    EXPECT_EQ(value->find("\u00a0"), std::string::npos);
  }
}

// --- Robustness ----------------------------------------------------------------------------

TEST(PatternRobustness, RandomPatternsNeverCrashAndDrawsMatch) {
  const std::string alphabet = "ab-z09^$.|()[]{}*+?\\,:^dwsDWSbpxnu= !<>é";
  SeededChoiceSource rng(41);
  const auto start = std::chrono::steady_clock::now();
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string pattern;
    const uint64_t length = rng.choose(0, 24);
    for (uint64_t k = 0; k < length; ++k) {
      if (rng.choose(0, 20) == 0) {
        pattern += static_cast<char>(rng.choose(0, 255));  // sometimes raw bytes
      } else {
        pattern += alphabet[rng.choose(0, alphabet.size() - 1)];
      }
    }
    auto parsed = CompiledPattern::parse(pattern);
    if (!parsed) {
      EXPECT_FALSE(parsed.error().construct.empty());
      EXPECT_LE(parsed.error().offset, pattern.size());
      continue;
    }
    ++accepted;
    const CompiledPattern& p = *parsed;
    const LengthBounds bounds{rng.choose(0, 5), rng.choose(0, 3) == 0
                                                    ? std::nullopt
                                                    : std::optional<uint64_t>(rng.choose(0, 40))};
    for (int k = 0; k < 3; ++k) {
      auto value = generate(p, bounds, rng);
      if (!value) {
        EXPECT_FALSE(value.error().message.empty());
        break;
      }
      EXPECT_TRUE(p.matches(*value)) << pattern << " vs " << *value;
      auto miss = generate_near_miss(p, bounds, rng);
      if (miss) {
        EXPECT_FALSE(p.matches(*miss)) << pattern << " vs near miss " << *miss;
      }
    }
  }
  EXPECT_GT(accepted, 100);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

// A random pattern of the supported subset, built from the grammar.
std::string random_regex(ChoiceSource& rng, int depth) {
  static const std::vector<std::string> atoms = {
      "a",       "b",       "é",      "😀",      ".",        "\\d",       "\\w",
      "\\s",     "\\D",     "\\W",    "\\S",    "\\.",      "\\-",       "\\\\",
      "\\/",     "\\+",     "\\x41",  "\\t",    "[a-c]",    "[^a-c]",    "[a-zA-Z0-9+/=_-]",
      "[^/\\s]", "[\\d.-]", "[é-ü😀]", "[^\\w]", "[\\s\\S]", "[^\\d\\s]", ":"};
  static const std::vector<std::string> quantifiers = {
      "", "", "", "?", "*", "+", "{2}", "{0,3}", "{1,}", "{2,4}?", "*?", "+?", "??"};
  std::string out;
  const uint64_t items = rng.choose(1, 4);
  for (uint64_t i = 0; i < items; ++i) {
    std::string atom;
    if (depth < 3 && rng.choose(0, 3) == 0) {
      atom = rng.choose(0, 1) ? "(" : "(?:";
      const uint64_t branches = rng.choose(1, 3);
      for (uint64_t b = 0; b < branches; ++b) {
        if (b > 0) atom += "|";
        atom += random_regex(rng, depth + 1);
      }
      atom += ")";
    } else {
      atom = atoms[rng.choose(0, atoms.size() - 1)];
    }
    out += atom + quantifiers[rng.choose(0, quantifiers.size() - 1)];
  }
  return out;
}

TEST(PatternRobustness, RandomSupportedPatternsAgreeWithRe2) {
  SeededChoiceSource rng(43);
  int drawn = 0;
  int misses = 0;
  int too_large = 0;
  for (int i = 0; i < 800; ++i) {
    std::string pattern = random_regex(rng, 0);
    const uint64_t anchoring = rng.choose(0, 4);
    if (anchoring != 1) pattern = "^" + pattern;
    if (anchoring != 2) pattern += "$";
    auto parsed = CompiledPattern::parse(pattern);
    if (!parsed) {
      ASSERT_EQ(parsed.error().construct, "pattern too large") << pattern;
      ++too_large;
      continue;
    }
    const auto p = std::make_shared<const CompiledPattern>(std::move(*parsed));
    const uint64_t min = rng.choose(0, 6);
    const LengthBounds bounds{min, rng.choose(0, 4) == 0
                                       ? std::nullopt
                                       : std::optional<uint64_t>(min + rng.choose(0, 30))};
    auto made = BoundedPattern::make(p, bounds);
    if (made) {
      for (int k = 0; k < 10; ++k) {
        const std::string value = generate(*made, rng);
        ++drawn;
        ASSERT_TRUE(RE2::PartialMatch(value, p->re2())) << pattern << " vs " << value;
        const size_t n = code_points(value);
        ASSERT_GE(n, bounds.min);
        if (bounds.max) {
          ASSERT_LE(n, *bounds.max);
        }
      }
    } else {
      // Cross-check the error with the length query.
      const auto lengths = p->achievable_lengths(bounds.max.value_or(bounds.min + 256));
      for (uint64_t length : lengths) EXPECT_LT(length, bounds.min) << pattern;
    }
    for (int k = 0; k < 3; ++k) {
      auto miss = generate_near_miss(*p, bounds, rng);
      if (!miss) continue;
      ++misses;
      ASSERT_FALSE(RE2::PartialMatch(*miss, p->re2())) << pattern << " vs near miss " << *miss;
      const size_t n = code_points(*miss);
      ASSERT_GE(n, bounds.min);
      if (bounds.max) {
        ASSERT_LE(n, *bounds.max);
      }
    }
  }
  EXPECT_GT(drawn, 3000);
  EXPECT_GT(misses, 600);
  EXPECT_LT(too_large, 30);
}

TEST(PatternRobustness, Re2IsTheOracle) {
  auto re = compile_re2("^a(b|c)$");
  ASSERT_TRUE(re.ok());
  EXPECT_TRUE(RE2::FullMatch("ab", **re));
  auto bad = compile_re2("(?<n>a)");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().construct, "rejected by RE2");
}

TEST(PatternRobustness, CodePointCount) {
  EXPECT_EQ(code_point_count("aé中😀"), 4u);
  EXPECT_EQ(code_point_count("\xed\xa0\x80"), std::nullopt);  // a surrogate
  EXPECT_EQ(code_point_count("\xc0\xaf"), std::nullopt);      // overlong
}

}  // namespace
}  // namespace lpe::generators
