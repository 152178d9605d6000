// Strings from Smithy `pattern` traits: draw values that match a model pattern and its length
// bounds (R1, R2), and near misses that respect the bounds but do not match.
//
// Supported regex subset: the one of spec/pattern_syntax.h (what AWS models use; counted repeats up
// to kMaxPatternRepeat). Anything else is reported as a PatternLimitation, never guessed at.
//
// Semantics: Smithy patterns are ECMA-262 regexes applied with *search* semantics. A side without
// an anchor behaves as if `.*` were there: matching values are drawn with a filler of `.`-like
// characters before / after the match, and a near miss must contain no match anywhere. Where
// engines disagree, generated values use only characters every engine (RE2, ECMAScript, Java)
// accepts there, and near misses only characters no engine accepts there: `.` draws any code point
// but \n, \r, U+0085, U+2028, U+2029; `\s` draws [\t\n\f\r ]; `\S` avoids every Unicode space.
// Drawn characters are mostly printable ASCII ('a' first, then '0', 'A', punctuation) and
// sometimes, where allowed, other code points (é, 中, emoji, any scalar value).
//
// Lengths count Unicode code points (R2). Caps: no generated value is longer than
// kPatternLengthCap code points; without a maximum bound, values are at most
// min + kUnboundedLengthSpan long. Unbounded quantifiers (`*`, `+`, `{m,}`) are therefore capped by
// the length cap, not by a repeat count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <rapidcheck/Gen.h>

#include "base/result.h"
#include "spec/pattern_syntax.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace lpe::generators {

namespace internal {
struct Automaton;
struct LengthTable;
}  // namespace internal

// Longest value (in code points) any generator here produces.
inline constexpr uint64_t kPatternLengthCap = 4096;
// Without a maximum bound, values are at most this many code points longer than the minimum.
inline constexpr uint64_t kUnboundedLengthSpan = 256;
// Largest repeat count accepted in `{m,n}`: the one limit of the pattern front end.
inline constexpr uint32_t kMaxPatternRepeat = spec::kMaxPatternRepeat;

// Why a pattern cannot be used: the unsupported construct (e.g. "lookahead", "backreference",
// "word boundary"), its byte offset in the pattern, and a sentence for humans.
struct PatternLimitation {
  std::string construct;
  size_t offset = 0;
  std::string message;
};

// Length bounds in Unicode code points (Smithy `length` trait), inclusive.
struct LengthBounds {
  uint64_t min = 0;
  std::optional<uint64_t> max;
};

// Why no value can be drawn for a pattern with given bounds (e.g. no achievable length).
struct GenerationError {
  std::string message;
};

// A parsed pattern, ready for drawing values; immutable and cheap to copy.
class CompiledPattern {
 public:
  // Parses the supported subset; anything else, or anything RE2 rejects, is a limitation.
  static Result<CompiledPattern, PatternLimitation> parse(std::string_view pattern);

  // The pattern exactly as given.
  const std::string& source() const { return source_; }
  // Whether the pattern starts with `^` / ends with `$` (full-match semantics on that side).
  bool anchored_start() const { return anchored_start_; }
  bool anchored_end() const { return anchored_end_; }
  bool fully_anchored() const { return anchored_start_ && anchored_end_; }

  // Shortest / longest value length the generator can produce (unbounded: nullopt). An
  // unanchored side adds filler, so such a pattern has no maximum.
  uint64_t min_length() const;
  std::optional<uint64_t> max_length() const;
  // Every length in 0..min(up_to, kPatternLengthCap) the generator can produce, ascending.
  std::vector<uint64_t> achievable_lengths(uint64_t up_to) const;

  // The same pattern compiled by RE2 (UTF-8 mode), the independent oracle.
  const re2::RE2& re2() const { return *re2_; }
  std::shared_ptr<const re2::RE2> shared_re2() const { return re2_; }
  // Smithy semantics via RE2: search (RE2::PartialMatch), which for a fully anchored pattern is
  // a full match.
  bool matches(std::string_view value) const;

  // Internal automaton, for the generation code in this library.
  const internal::Automaton& automaton() const { return *automaton_; }

 private:
  CompiledPattern() = default;
  std::string source_;
  bool anchored_start_ = false;
  bool anchored_end_ = false;
  std::shared_ptr<const internal::Automaton> automaton_;
  std::shared_ptr<const re2::RE2> re2_;
};

// Compiles `pattern` with RE2 in UTF-8 mode (errors not logged), for oracles.
Result<std::shared_ptr<const re2::RE2>, PatternLimitation> compile_re2(std::string_view pattern);

// Number of Unicode code points of UTF-8 text (R2); nullopt for invalid UTF-8.
std::optional<size_t> code_point_count(std::string_view utf8);

// A pattern combined with length bounds, with the achievable lengths worked out once. Build one
// and draw many values from it.
class BoundedPattern {
 public:
  // Fails when the bounds are inverted, start beyond kPatternLengthCap, or no value of the
  // pattern has a length within them (e.g. `^(ab)*$` with bounds 3..3).
  static Result<BoundedPattern, GenerationError> make(
      std::shared_ptr<const CompiledPattern> pattern, LengthBounds bounds);

  // The pattern and the bounds as given.
  const CompiledPattern& pattern() const { return *pattern_; }
  const LengthBounds& bounds() const { return bounds_; }
  // Lengths a drawn value can have (within the bounds and the caps), ascending, never empty.
  const std::vector<uint64_t>& lengths() const { return lengths_; }
  // Internal length table, for the generation code in this library.
  const internal::LengthTable& table() const { return *table_; }

 private:
  BoundedPattern() = default;
  std::shared_ptr<const CompiledPattern> pattern_;
  LengthBounds bounds_;
  std::vector<uint64_t> lengths_;
  std::shared_ptr<const internal::LengthTable> table_;
};

// Where generation decisions come from: RapidCheck picks, fuzzer bytes or a seeded PRNG.
// Smaller answers mean simpler output (shorter values, earlier alternatives, 'a'/'0'-like
// characters), so a source that leans toward `lo` yields small values.
class ChoiceSource {
 public:
  virtual ~ChoiceSource() = default;
  // A value in [lo, hi], inclusive; lo <= hi.
  virtual uint64_t choose(uint64_t lo, uint64_t hi) = 0;
  // Like choose, for the few strategy decisions (ASCII or not, which kind of character, which
  // near-miss mutation). Sources that scale answers by a size should not scale these.
  virtual uint64_t choose_strategy(uint64_t lo, uint64_t hi) { return choose(lo, hi); }
  // A value in [lo, hi] whose ends deserve extra attention (value lengths): by default `lo` and
  // `hi` about a fifth of the time each, otherwise choose(lo, hi).
  virtual uint64_t choose_with_ends(uint64_t lo, uint64_t hi);
};

// Choices read from bytes (libFuzzer input); when the bytes run out every answer is `lo`.
class BytesChoiceSource : public ChoiceSource {
 public:
  explicit BytesChoiceSource(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  uint64_t choose(uint64_t lo, uint64_t hi) override;

 private:
  std::span<const uint8_t> bytes_;
};

// Choices from a seeded PRNG (splitmix64), for tests and tools; uniform in the range.
class SeededChoiceSource : public ChoiceSource {
 public:
  explicit SeededChoiceSource(uint64_t seed) : state_(seed) {}
  uint64_t choose(uint64_t lo, uint64_t hi) override;

 private:
  uint64_t state_;
};

// Draws a value that matches the pattern and has one of bounded.lengths(); the length is a
// boundary one (shortest / longest achievable) about a fifth of the time each.
std::string generate(const BoundedPattern& bounded, ChoiceSource& choices);

// One-shot form of the above; fails as BoundedPattern::make does.
Result<std::string, GenerationError> generate(const CompiledPattern& pattern,
                                              const LengthBounds& bounds, ChoiceSource& choices);

// Draws a value within the bounds (and caps) that the pattern does not match, under Smithy
// semantics, according to both RE2 and the automaton (for all engines): a matching value with one
// character replaced by one not allowed there, one character inserted or dropped, or a random
// string. Tries kNearMissAttempts times; fails when none was found, e.g. the pattern accepts
// every string of those lengths.
Result<std::string, GenerationError> generate_near_miss(const CompiledPattern& pattern,
                                                        const LengthBounds& bounds,
                                                        ChoiceSource& choices);
inline constexpr int kNearMissAttempts = 16;

// RapidCheck generator of matching values, built on generate. Choices are drawn from RapidCheck's
// random stream (scaled by its size, so early cases are short) and recorded on a choice tape;
// shrinking drops chunks of the tape and lowers its entries, then replays it, so failing values
// shrink toward shorter ones, earlier alternatives and 'a'/'0'-like characters (e.g.
// "st-aaaaaaaaaaaaa"), keeping whatever character makes the property fail. When no value fits the
// bounds, every draw throws rc::GenerationFailure with the reason (RapidCheck discards the case
// and finally gives up, printing the reason).
rc::Gen<std::string> gen_matching(std::shared_ptr<const CompiledPattern> pattern,
                                  LengthBounds bounds);
rc::Gen<std::string> gen_matching(BoundedPattern bounded);

// RapidCheck generator of near misses (see generate_near_miss), shrinking like gen_matching. When
// a draw finds none it throws rc::GenerationFailure, which RapidCheck counts as a discarded case; a
// pattern that accepts everything of the allowed lengths (e.g. `^[\s\S]*$`) therefore makes the
// property give up rather than pass silently.
rc::Gen<std::string> gen_near_miss(std::shared_ptr<const CompiledPattern> pattern,
                                   LengthBounds bounds);

}  // namespace lpe::generators
