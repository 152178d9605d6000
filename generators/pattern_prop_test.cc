// Properties of the pattern generators: drawn values match (RE2 is the oracle) and respect the
// length bounds, near misses never match, and failing cases shrink to small values.
#include "generators/pattern.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace lpe::generators {
namespace {

struct PatternCase {
  std::string pattern;
  LengthBounds bounds;
  bool has_near_misses = true;
};

// The project's patterns plus made-up ones exercising every supported construct.
const std::vector<PatternCase>& cases() {
  static const std::vector<PatternCase> all = {
      {"^[a-zA-Z0-9+/=_-]*$", {0, 1024}},
      {"^[a-zA-Z0-9-]*$", {0, 64}},
      {"^st-[a-zA-Z0-9]+$", {16, 16}},
      {"^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$", {1, 128}},
      {"^[A-Z]{2,4}(-[0-9]{1,3})?$", {0, std::nullopt}},
      {"^(foo|ba[rz])+\\.txt$", {0, 40}},
      {"^[^/\\s]{1,10}$", {1, 10}},
      {"^\\d+(\\.\\d+)?$", {1, 20}},
      {"abc", {3, 20}},
      {"^.{3,8}$", {0, 12}},
      {"^(?:[a-f0-9]{8}-){2}[a-f0-9]{4}$", {0, 64}},
      {"^\\w+@\\w+\\.(com|org)$", {5, 30}},
      {"^[^\\x00-\\x7F]+$", {1, 5}},
      {"^(a|bc)*?d{0,2}$", {0, 15}},
      {"^\\S+\\s\\S+$", {3, 30}},
      {"^[\\-\\\\\\/.+]{2}\\*x\\?$", {0, 10}},
      {"^(ab)*$", {1, 9}},
      {"^é中😀?$", {2, 3}},
  };
  return all;
}

std::shared_ptr<const CompiledPattern> compiled(const PatternCase& c) {
  static std::map<std::string, std::shared_ptr<const CompiledPattern>> cache;
  auto& slot = cache[c.pattern];
  if (!slot) {
    auto parsed = CompiledPattern::parse(c.pattern);
    if (!parsed.ok()) {
      ADD_FAILURE() << c.pattern << ": " << parsed.error().message;
      std::abort();
    }
    slot = std::make_shared<const CompiledPattern>(std::move(*parsed));
  }
  return slot;
}

bool within(const LengthBounds& bounds, const std::string& value) {
  const auto n = code_point_count(value);
  return n && *n >= bounds.min && (!bounds.max || *n <= *bounds.max) && *n <= kPatternLengthCap;
}

RC_GTEST_PROP(PatternProperties, DrawnValuesMatchAndFitTheBounds, ()) {
  for (const PatternCase& c : cases()) {
    const auto pattern = compiled(c);
    const std::string value = *gen_matching(pattern, c.bounds);
    RC_LOG() << c.pattern << " drew '" << value << "'\n";
    RC_ASSERT(RE2::PartialMatch(value, pattern->re2()));
    if (pattern->fully_anchored()) RC_ASSERT(RE2::FullMatch(value, pattern->re2()));
    RC_ASSERT(within(c.bounds, value));
  }
}

RC_GTEST_PROP(PatternProperties, NearMissesNeverMatchAndFitTheBounds, ()) {
  for (const PatternCase& c : cases()) {
    if (!c.has_near_misses) continue;
    const auto pattern = compiled(c);
    const std::string value = *gen_near_miss(pattern, c.bounds);
    RC_LOG() << c.pattern << " near miss '" << value << "'\n";
    RC_ASSERT(!RE2::PartialMatch(value, pattern->re2()));
    RC_ASSERT(within(c.bounds, value));
  }
}

RC_GTEST_PROP(PatternProperties, BoundedPatternsAgreeWithTheOneShotForm, (uint64_t seed)) {
  // The same choices give the same value, whichever entry point is used.
  for (const PatternCase& c : cases()) {
    auto made = BoundedPattern::make(compiled(c), c.bounds);
    RC_ASSERT(made.ok());
    SeededChoiceSource first(seed);
    SeededChoiceSource second(seed);
    RC_ASSERT(generate(*made, first) == generate(*compiled(c), c.bounds, second).value());
  }
}

// --- Shrinking -----------------------------------------------------------------------------

// Follows the first shrink that keeps `keep` true until none does, as RapidCheck does.
std::string shrink_fully(rc::Shrinkable<std::string> shrinkable,
                         const std::function<bool(const std::string&)>& keep) {
  for (int steps = 0; steps < 100000; ++steps) {
    bool progressed = false;
    auto shrinks = shrinkable.shrinks();
    while (auto next = shrinks.next()) {
      if (keep(next->value())) {
        shrinkable = *next;
        progressed = true;
        break;
      }
    }
    if (!progressed) break;
  }
  return shrinkable.value();
}

std::string shrunk(const std::string& pattern, LengthBounds bounds,
                   const std::function<bool(const std::string&)>& keep, uint64_t seed) {
  const auto gen = gen_matching(compiled({pattern, bounds}), bounds);
  // Draw at full size until the predicate holds, then shrink.
  for (uint64_t attempt = 0; attempt < 200; ++attempt) {
    auto shrinkable = gen(rc::Random(seed + attempt), rc::kNominalSize);
    if (keep(shrinkable.value())) return shrink_fully(shrinkable, keep);
  }
  ADD_FAILURE() << "no value of " << pattern << " satisfies the predicate";
  return {};
}

TEST(PatternShrinking, ReachesTheSimplestValues) {
  const auto always = [](const std::string&) { return true; };
  EXPECT_EQ(shrunk("^[a-zA-Z0-9+/=_-]*$", {0, 1024}, always, 1), "");
  EXPECT_EQ(shrunk("^st-[a-zA-Z0-9]+$", {16, 16}, always, 2), "st-aaaaaaaaaaaaa");
  EXPECT_EQ(shrunk("^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$", {1, 128}, always, 3),
            "arn:aws:ivs:a:0:stage/a");
  EXPECT_EQ(shrunk("^[A-Z]{2,4}(-[0-9]{1,3})?$", {0, std::nullopt}, always, 4), "AA");
  EXPECT_EQ(shrunk("^(foo|ba[rz])+\\.txt$", {0, 40}, always, 5), "foo.txt");
  EXPECT_EQ(shrunk("^.{3,8}$", {0, 12}, always, 6), "aaa");
}

TEST(PatternShrinking, KeepsWhatMakesTheCaseFail) {
  const auto long_enough = [](const std::string& s) { return s.size() >= 5; };
  EXPECT_EQ(shrunk("^[a-zA-Z0-9+/=_-]*$", {0, 1024}, long_enough, 7), "aaaaa");
  const auto has_z = [](const std::string& s) { return s.find('Z') != std::string::npos; };
  EXPECT_EQ(shrunk("^[a-zA-Z0-9-]*$", {0, 64}, has_z, 8), "Z");
  const auto has_bar = [](const std::string& s) { return s.find("bar") != std::string::npos; };
  EXPECT_EQ(shrunk("^(foo|ba[rz])+\\.txt$", {0, 40}, has_bar, 9), "bar.txt");
  const auto has_fraction = [](const std::string& s) { return s.find('.') != std::string::npos; };
  EXPECT_EQ(shrunk("^\\d+(\\.\\d+)?$", {1, 20}, has_fraction, 10), "0.0");
  const auto non_ascii = [](const std::string& s) {
    return std::any_of(s.begin(), s.end(), [](char ch) { return (ch & 0x80) != 0; });
  };
  const std::string shrunk_dot = shrunk("^.{3,8}$", {0, 12}, non_ascii, 11);
  EXPECT_EQ(code_point_count(shrunk_dot), 3u) << shrunk_dot;
}

TEST(PatternShrinking, ImpossibleBoundsMakeTheGeneratorGiveUpWithTheReason) {
  const auto gen = gen_matching(compiled({"^(ab)*$", {3, 3}}), {3, 3});
  try {
    (void)gen(rc::Random(1), 10).value();
    ADD_FAILURE() << "expected rc::GenerationFailure";
  } catch (const rc::GenerationFailure& failure) {
    EXPECT_NE(std::string(failure.what()).find("no achievable length"), std::string::npos);
  }
}

}  // namespace
}  // namespace lpe::generators
