#include "spec/internal/ascii_dfa.h"

#include "spec/pattern_syntax.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <random>
#include <string>

namespace lpe::spec::internal {
namespace {

// Appends a random text matching `node` under RE2 (repeats drawn at most three beyond their
// minimum), independently of the DFA.
void draw_match(const PatternNode& node, std::mt19937_64& rng, std::string& out) {
  switch (node.kind) {
    case PatternNode::Kind::kEmpty:
      return;
    case PatternNode::Kind::kClass:
      if (!node.chars.re2.empty()) {
        const char32_t c = node.chars.re2.nth(rng() % node.chars.re2.size());
        out += static_cast<char>(c);  // the DFA's classes are ASCII
      }
      return;
    case PatternNode::Kind::kConcat:
      for (const PatternNode& child : node.children) draw_match(child, rng, out);
      return;
    case PatternNode::Kind::kAlternation:
      draw_match(node.children[rng() % node.children.size()], rng, out);
      return;
    case PatternNode::Kind::kRepeat: {
      const uint32_t most =
          std::min(node.max_repeat.value_or(node.min_repeat + 3), node.min_repeat + 3);
      const uint32_t count = node.min_repeat + rng() % (most - node.min_repeat + 1);
      for (uint32_t i = 0; i < count; ++i) draw_match(node.children[0], rng, out);
      return;
    }
  }
}

// Compares the DFA with RE2 (the oracle) on texts drawn from the pattern's syntax tree, half of
// them with one byte replaced, inserted or dropped (bytes from the pattern itself and a few
// others), so that matches and near misses are both frequent: at least one trial in 20 of each,
// or the comparison would say little.
void expect_agrees_with_re2(const std::string& pattern, int trials = 20000) {
  const auto syntax = parse_pattern_syntax(pattern);
  ASSERT_TRUE(syntax.ok()) << pattern;
  const auto dfa = AsciiDfa::build(*syntax);
  ASSERT_NE(dfa, nullptr) << pattern;
  const RE2 re(pattern);
  ASSERT_TRUE(re.ok());
  std::mt19937_64 rng(42);
  std::string alphabet = "aZ09-_/+=:. \n\xC3\xA9";
  alphabet += pattern;
  int matches = 0;
  for (int t = 0; t < trials; ++t) {
    std::string s;
    draw_match(syntax->root, rng, s);
    const char byte = alphabet[rng() % alphabet.size()];
    const size_t at = s.empty() ? 0 : rng() % s.size();
    switch (rng() % 6) {
      case 0:
        if (!s.empty()) s[at] = byte;
        break;
      case 1:
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), byte);
        break;
      case 2:
        if (!s.empty()) s.erase(at, 1);
        break;
      default:
        break;
    }
    const bool expected = RE2::FullMatch(s, re);
    matches += expected;
    ASSERT_EQ(dfa->matches(s), expected) << pattern << " on '" << s << "'";
  }
  EXPECT_GE(matches, trials / 20) << pattern << ": too few texts match";
  EXPECT_LE(matches, trials - trials / 20) << pattern << ": too few texts fail to match";
}

TEST(AsciiDfa, AgreesWithRe2OnTheModelPatterns) {
  for (const std::string p : {"^[a-zA-Z0-9+/=_-]*$", "^[a-zA-Z0-9-]*$", "^st-[a-zA-Z0-9]+$",
                              "^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$"}) {
    expect_agrees_with_re2(p);
  }
}

TEST(AsciiDfa, AgreesWithRe2OnTheSubset) {
  for (const std::string p :
       {"^[A-Z]{2,4}(-[0-9]{1,3})?$", "^(foo|ba[rz])+\\.txt$", "^\\d+(\\.\\d+)?$", "^a*b?c+$",
        "^(ab)*$", "^(a|)b{3}$", "^[\\w.-]{0,5}$", "^(?:x|y){2,}z$", "^[a\\]]+$", "^[a-z]+[a-c]+$",
        "^abc$", "^[0-9]+:[a-z]+$", "^x[0-9]*$", "^[a-z]*-[0-9]*$", "^\\x41[\\x30-\\x39]?$",
        "^[\\s\\d]{2}$", "^a{0}b$", "^(a?){3}$"}) {
    expect_agrees_with_re2(p, 5000);
  }
}

// Every length around the 16-byte blocks of the run scan, with one bad byte at every position:
// the vector run scan, the copy of short texts and the read of a long text's last 16 bytes.
TEST(AsciiDfa, RunsAcrossBlockBoundaries) {
  for (const std::string p : {"^[a-zA-Z0-9+/=_-]*$", "^st-[a-zA-Z0-9]+$", "^[0-9]+:[a-z]+$",
                              "^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$"}) {
    const auto dfa = AsciiDfa::compile(p);
    ASSERT_NE(dfa, nullptr) << p;
    const RE2 re(p);
    std::mt19937_64 rng(7);
    const std::string good = "abcXYZ019-";
    for (size_t len = 0; len <= 70; ++len) {
      for (const std::string prefix : {"", "st-", "12:", "arn:aws:ivs:us-west-2:1234:stage/"}) {
        std::string s = prefix;
        for (size_t i = 0; i < len; ++i) s += good[rng() % good.size()];
        ASSERT_EQ(dfa->matches(s), RE2::FullMatch(s, re)) << p << " on '" << s << "'";
        for (size_t at = 0; at < s.size(); ++at) {
          for (const char bad : {' ', '\x7f', '\xC3', ':', '\0'}) {
            std::string t = s;
            t[at] = bad;
            ASSERT_EQ(dfa->matches(t), RE2::FullMatch(t, re)) << p << " on '" << t << "'";
          }
        }
      }
    }
  }
}

// Ids and ARNs are chains of literals and runs, matched without state lookups; branching and
// repeated groups are not chains and keep the table walk. Both agree with RE2 (tests above).
TEST(AsciiDfa, ChainsAreRecognised) {
  for (const char* p :
       {"^[a-zA-Z0-9+/=_-]*$", "^[a-zA-Z0-9-]*$", "^st-[a-zA-Z0-9]+$",
        "^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$", "^[0-9]+:[a-z]+$", "^abc$"}) {
    const auto dfa = AsciiDfa::compile(p);
    ASSERT_NE(dfa, nullptr) << p;
    EXPECT_TRUE(dfa->is_chain()) << p;
  }
  for (const char* p : {"^(ab)*$", "^(foo|ba[rz])+\\.txt$", "^[a-z]+[a-c]+$", "^a*b?c+$"}) {
    const auto dfa = AsciiDfa::compile(p);
    ASSERT_NE(dfa, nullptr) << p;
    EXPECT_FALSE(dfa->is_chain()) << p;
  }
}

TEST(AsciiDfa, MatchesExactly) {
  const auto dfa = AsciiDfa::compile("^st-[a-zA-Z0-9]+$");
  EXPECT_TRUE(dfa->matches("st-a1b2c3d4e5f6g"));
  EXPECT_FALSE(dfa->matches("st-"));
  EXPECT_FALSE(dfa->matches("st-a1\n"));
  EXPECT_FALSE(dfa->matches("xst-a1"));
  EXPECT_FALSE(dfa->matches("st-ab\xC3\xA9"));
  EXPECT_FALSE(dfa->matches(std::string("st-a\0b", 6)));
  EXPECT_LT(dfa->state_count(), 10u);
}

TEST(AsciiDfa, LeavesEverythingElseToRe2) {
  for (const char* p : {"[a-z]+",   "^[a-z]+", "[a-z]+$",   "^a|b$",         "^[^a]$", "^.$",
                        "^\\p{L}$", "^é$",     "^(?i)a$",   "^a{2,1}$",      "^a\\$",  "^(?P<n>a)$",
                        "^a{,3}$",  "^(a$",    "^a{5000}$", "^[[:alpha:]]$", "^\\bx$", "^a{1001}$",
                        "^[]a]+$",  "^a{01}$", "^[^\\n]$",  "^\\S$"}) {
    EXPECT_EQ(AsciiDfa::compile(p), nullptr) << p;
  }
}

}  // namespace
}  // namespace lpe::spec::internal
