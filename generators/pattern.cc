#include "generators/pattern.h"

#include <re2/re2.h>

#include <algorithm>
#include <functional>
#include <utility>

#include <rapidcheck.h>
#include <rapidcheck/gen/detail/ScaleInteger.h>

#include "generators/internal/pattern_automaton.h"

namespace lpe::generators {

namespace {

using internal::Automaton;
using internal::LengthTable;
using internal::Position;

// Characters near misses are made of. None of them is treated differently by RE2, ECMAScript and
// Java in the supported subset, except '\n' at the very end (Java's `$` accepts it), which is never
// put there.
const std::vector<char32_t>& near_miss_pool() {
  static const std::vector<char32_t> pool = [] {
    std::vector<char32_t> chars;
    for (char32_t c = 0x20; c <= 0x7E; ++c) chars.push_back(c);
    for (char32_t c : std::u32string_view(U"\t\n\u00e9\u00df\u03a9\u0416\u4e2d\U0001F600")) {
      chars.push_back(c);
    }
    return chars;
  }();
  return pool;
}

template <typename T>
const T& pick(const std::vector<T>& items, ChoiceSource& choices) {
  return items.size() == 1 ? items[0] : items[choices.choose(0, items.size() - 1)];
}

// A member of the position's `sure` set: mostly printable ASCII in preference order ('a' first),
// sometimes another character: a notable one (é, 中, emoji), the end of a range (U+0000, U+10FFFF,
// U+D7FF...) or any code point.
char32_t pick_char(const Position& position, ChoiceSource& choices) {
  const bool has_ascii = !position.preferred_ascii.empty();
  const bool has_other = !position.other.empty();
  bool use_other = !has_ascii;
  if (has_ascii && has_other) use_other = choices.choose_strategy(0, 9) == 9;
  if (!use_other) return pick(position.preferred_ascii, choices);
  const uint64_t kind = choices.choose_strategy(0, 3);
  if (kind <= 1 && !position.notable_other.empty()) return pick(position.notable_other, choices);
  if (kind == 2) return pick(position.other_edges, choices);
  const uint64_t size = position.other.size();
  return position.other.nth(size == 1 ? 0 : choices.choose(0, size - 1));
}

// Walks the automaton for exactly `length` characters; the table guarantees every step has a way
// to finish. `path` receives the position of every character.
std::vector<char32_t> walk(const Automaton& a, const LengthTable& table, uint64_t length,
                           ChoiceSource& choices, std::vector<uint32_t>* path) {
  std::vector<char32_t> out;
  out.reserve(length);
  uint32_t state = 0;
  std::vector<uint32_t> candidates;
  for (uint64_t remaining = length; remaining > 0; --remaining) {
    candidates.clear();
    for (uint32_t next : a.follow[state]) {
      if (!a.positions[next].chars.sure.empty() && table.can_finish(next, remaining - 1)) {
        candidates.push_back(next);
      }
    }
    if (candidates.empty()) break;  // unreachable: lengths come from the same table
    const uint32_t chosen = pick(candidates, choices);
    out.push_back(pick_char(a.positions[chosen], choices));
    if (path) path->push_back(chosen);
    state = chosen;
  }
  return out;
}

std::vector<char32_t> draw_match(const BoundedPattern& bounded, ChoiceSource& choices,
                                 std::vector<uint32_t>* path) {
  const std::vector<uint64_t>& lengths = bounded.lengths();
  const uint64_t length =
      lengths.size() == 1 ? lengths[0] : lengths[choices.choose_with_ends(0, lengths.size() - 1)];
  return walk(bounded.pattern().automaton(), bounded.table(), length, choices, path);
}

std::string describe_bounds(const LengthBounds& bounds) {
  return std::to_string(bounds.min) + ".." +
         (bounds.max ? std::to_string(*bounds.max) : std::string("(no maximum)"));
}

// The longest length to consider for `bounds`, or why the bounds are unusable.
Result<uint64_t, GenerationError> length_cap(const LengthBounds& bounds) {
  if (bounds.max && *bounds.max < bounds.min) {
    return GenerationError{"length bounds " + describe_bounds(bounds) + " are inverted"};
  }
  if (bounds.min > kPatternLengthCap) {
    return GenerationError{"minimum length " + std::to_string(bounds.min) +
                           " exceeds the generator cap of " + std::to_string(kPatternLengthCap) +
                           " code points"};
  }
  return bounds.max ? std::min(*bounds.max, kPatternLengthCap)
                    : std::min(bounds.min + kUnboundedLengthSpan, kPatternLengthCap);
}

// Per state, the pool characters that no engine accepts there (near-miss replacements).
std::vector<std::vector<char32_t>> replacements_per_state(const Automaton& a) {
  std::vector<std::vector<char32_t>> out(a.state_count());
  for (size_t s = 1; s < a.state_count(); ++s) {
    for (char32_t c : near_miss_pool()) {
      if (!a.positions[s].chars.possible.contains(c)) out[s].push_back(c);
    }
  }
  return out;
}

// Draws choices from RapidCheck's random stream and records them (as offsets from `lo`) on a
// tape. Ordinary choices are scaled by the RapidCheck size like rc::gen::inRange; strategy choices
// are not. Forced choices (lo == hi) are not recorded.
class RecordingChoices final : public ChoiceSource {
 public:
  RecordingChoices(const rc::Random& random, int size) : random_(random), size_(size) {}
  uint64_t choose(uint64_t lo, uint64_t hi) override { return record(lo, hi, size_); }
  uint64_t choose_strategy(uint64_t lo, uint64_t hi) override {
    return record(lo, hi, rc::kNominalSize);
  }
  // Records only the outcome, so that a shorter or smaller tape always means a value nearer `lo`.
  uint64_t choose_with_ends(uint64_t lo, uint64_t hi) override {
    if (lo >= hi) return lo;
    const uint64_t mode = draw(0, 9, rc::kNominalSize);
    const uint64_t any = draw(lo, hi, size_);
    const uint64_t value = mode <= 5 ? any : mode <= 7 ? lo : hi;
    tape_.push_back(value - lo);
    return value;
  }
  std::vector<uint64_t> take_tape() { return std::move(tape_); }

 private:
  uint64_t draw(uint64_t lo, uint64_t hi, int size) {
    const uint64_t scaled = rc::gen::detail::scaleInteger(hi - lo, size);
    const uint64_t value = random_.next();
    return lo + (scaled == UINT64_MAX ? value : value % (scaled + 1));
  }
  uint64_t record(uint64_t lo, uint64_t hi, int size) {
    if (lo >= hi) return lo;
    const uint64_t value = draw(lo, hi, size);
    tape_.push_back(value - lo);
    return value;
  }

  rc::Random random_;
  int size_;
  std::vector<uint64_t> tape_;
};

// Replays a (possibly shrunk) tape; out-of-range entries wrap, and past its end every answer is
// `lo`, the simplest choice.
class ReplayChoices final : public ChoiceSource {
 public:
  explicit ReplayChoices(const std::vector<uint64_t>& tape) : tape_(tape) {}
  uint64_t choose(uint64_t lo, uint64_t hi) override {
    if (lo >= hi || next_ == tape_.size()) return lo;
    const uint64_t value = tape_[next_++];
    const uint64_t span = hi - lo;
    return span == UINT64_MAX ? lo + value : lo + value % (span + 1);
  }
  uint64_t choose_with_ends(uint64_t lo, uint64_t hi) override { return choose(lo, hi); }

 private:
  const std::vector<uint64_t>& tape_;
  size_t next_ = 0;
};

// Shrinks of a choice tape, smallest first: the empty tape, then chunks of halving sizes removed,
// (then, appended by the caller, each entry shrunk toward 0). Linear in the tape length.
class TapeRemovals {
 public:
  explicit TapeRemovals(std::vector<uint64_t> tape) : tape_(std::move(tape)) {
    while (chunk_ * 2 <= tape_.size()) chunk_ *= 2;
    if (tape_.empty()) chunk_ = 0;
  }

  rc::Maybe<std::vector<uint64_t>> operator()() {
    if (!tried_empty_) {
      tried_empty_ = true;
      if (!tape_.empty()) return std::vector<uint64_t>{};
    }
    while (chunk_ > 0) {
      if (start_ < tape_.size() && chunk_ < tape_.size()) {
        std::vector<uint64_t> out;
        out.reserve(tape_.size());
        const size_t stop = std::min(start_ + chunk_, tape_.size());
        out.insert(out.end(), tape_.begin(), tape_.begin() + static_cast<std::ptrdiff_t>(start_));
        out.insert(out.end(), tape_.begin() + static_cast<std::ptrdiff_t>(stop), tape_.end());
        start_ += chunk_;
        return out;
      }
      chunk_ /= 2;
      start_ = 0;
    }
    return rc::Nothing;
  }

 private:
  std::vector<uint64_t> tape_;
  size_t chunk_ = 1;
  size_t start_ = 0;
  bool tried_empty_ = false;
};

rc::Seq<std::vector<uint64_t>> shrink_tape(const std::vector<uint64_t>& tape) {
  return rc::seq::concat(rc::makeSeq<TapeRemovals>(tape),
                         rc::shrink::eachElement(tape, [](uint64_t entry) {
                           return rc::shrink::towards<uint64_t>(entry, 0);
                         }));
}

// A RapidCheck generator over a ChoiceSource-driven draw. A value is its choice tape; shrinking
// edits the tape (drop chunks, lower entries) and replays it, so shrinks move toward fewer and
// smaller choices: shorter values, earlier alternatives, 'a'/'0'-like characters. When `draw`
// cannot produce a value, its reason is thrown as rc::GenerationFailure.
using Draw = std::function<Result<std::string, GenerationError>(ChoiceSource&)>;

rc::Gen<std::string> tape_gen(Draw draw) {
  return rc::Gen<std::string>([draw](const rc::Random& random, int size) {
    RecordingChoices recorder(random, size);
    (void)draw(recorder);
    return rc::shrinkable::map(rc::shrinkable::shrinkRecur(recorder.take_tape(), &shrink_tape),
                               [draw](const std::vector<uint64_t>& tape) {
                                 ReplayChoices replay(tape);
                                 auto value = draw(replay);
                                 if (!value) throw rc::GenerationFailure(value.error().message);
                                 return std::move(*value);
                               });
  });
}

rc::Gen<std::string> failing_gen(std::string message) {
  return rc::gen::exec([message]() -> std::string { throw rc::GenerationFailure(message); });
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// CompiledPattern

Result<CompiledPattern, PatternLimitation> CompiledPattern::parse(std::string_view pattern) {
  auto parsed = spec::parse_pattern_syntax(pattern);
  if (!parsed) {
    const spec::PatternSyntaxError& error = parsed.error();
    return PatternLimitation{error.construct, error.offset,
                             error.construct + " at byte " + std::to_string(error.offset) +
                                 " is not supported by the pattern generator: " + error.detail};
  }
  auto automaton = internal::build_automaton(*parsed);
  if (!automaton) return automaton.error();
  auto re2 = compile_re2(pattern);
  if (!re2) return std::move(re2).error();

  CompiledPattern compiled;
  compiled.source_ = std::string(pattern);
  compiled.anchored_start_ = parsed->anchored_start;
  compiled.anchored_end_ = parsed->anchored_end;
  compiled.automaton_ = std::make_shared<const Automaton>(std::move(*automaton));
  compiled.re2_ = std::move(*re2);
  return compiled;
}

uint64_t CompiledPattern::min_length() const { return automaton_->min_length; }

std::optional<uint64_t> CompiledPattern::max_length() const { return automaton_->max_length; }

std::vector<uint64_t> CompiledPattern::achievable_lengths(uint64_t up_to) const {
  std::vector<uint64_t> out;
  if (automaton_->empty_language) return out;
  uint64_t cap = std::min(up_to, kPatternLengthCap);
  if (automaton_->max_length) cap = std::min(cap, *automaton_->max_length);
  const LengthTable table = internal::compute_lengths(*automaton_, cap);
  for (uint64_t length = 0; length <= cap; ++length) {
    if (table.can_finish(0, length)) out.push_back(length);
  }
  return out;
}

bool CompiledPattern::matches(std::string_view value) const {
  return re2::RE2::PartialMatch(re2::StringPiece(value.data(), value.size()), *re2_);
}

Result<std::shared_ptr<const re2::RE2>, PatternLimitation> compile_re2(std::string_view pattern) {
  re2::RE2::Options options;
  options.set_encoding(re2::RE2::Options::EncodingUTF8);
  options.set_log_errors(false);
  auto compiled =
      std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!compiled->ok()) {
    return PatternLimitation{
        "rejected by RE2", 0,
        "RE2 rejects the pattern: " + compiled->error() + " (" + compiled->error_arg() + ")"};
  }
  return compiled;
}

std::optional<size_t> code_point_count(std::string_view utf8) {
  auto decoded = internal::decode_utf8(utf8);
  if (!decoded) return std::nullopt;
  return decoded->size();
}

// ---------------------------------------------------------------------------------------------
// BoundedPattern and generation

Result<BoundedPattern, GenerationError> BoundedPattern::make(
    std::shared_ptr<const CompiledPattern> pattern, LengthBounds bounds) {
  if (!pattern) return GenerationError{"no pattern given"};
  auto cap_or_error = length_cap(bounds);
  if (!cap_or_error) return cap_or_error.error();
  const uint64_t cap = *cap_or_error;
  const Automaton& a = pattern->automaton();
  const std::string quoted = "pattern `" + pattern->source() + "`";
  if (a.empty_language) {
    return GenerationError{"no achievable length: " + quoted + " matches no string"};
  }
  const uint64_t table_cap = a.max_length ? std::min(cap, *a.max_length) : cap;
  auto table = std::make_shared<const LengthTable>(internal::compute_lengths(a, table_cap));

  BoundedPattern bounded;
  for (uint64_t length = bounds.min; length <= table_cap; ++length) {
    if (table->can_finish(0, length)) bounded.lengths_.push_back(length);
  }
  if (bounded.lengths_.empty()) {
    std::string achievable;
    size_t listed = 0;
    for (uint64_t length = 0; length <= table_cap && listed < 8; ++length) {
      if (!table->can_finish(0, length)) continue;
      achievable += (listed++ == 0 ? "" : ", ") + std::to_string(length);
    }
    std::string message = "no achievable length: " + quoted + " has no match with " +
                          describe_bounds(bounds) + " code points";
    if (cap < bounds.min || !bounds.max || *bounds.max > cap) {
      message += " within the generator cap of " + std::to_string(cap);
    }
    message += " (its lengths: shortest " + std::to_string(a.min_length) + ", longest " +
               (a.max_length ? std::to_string(*a.max_length) : std::string("unbounded"));
    if (!achievable.empty()) {
      message += "; achievable up to " + std::to_string(table_cap) + ": " + achievable +
                 (listed == 8 ? ", ..." : "");
    }
    message += ")";
    return GenerationError{std::move(message)};
  }
  bounded.pattern_ = std::move(pattern);
  bounded.bounds_ = bounds;
  bounded.table_ = std::move(table);
  return bounded;
}

uint64_t ChoiceSource::choose_with_ends(uint64_t lo, uint64_t hi) {
  if (lo >= hi) return lo;
  const uint64_t mode = choose_strategy(0, 9);
  const uint64_t any = choose(lo, hi);
  return mode <= 5 ? any : mode <= 7 ? lo : hi;
}

uint64_t BytesChoiceSource::choose(uint64_t lo, uint64_t hi) {
  if (lo >= hi) return lo;
  const uint64_t span = hi - lo;
  uint64_t value = 0;
  for (uint64_t remaining = span; remaining != 0 && !bytes_.empty(); remaining >>= 8) {
    value = (value << 8) | bytes_.front();
    bytes_ = bytes_.subspan(1);
  }
  return span == UINT64_MAX ? lo + value : lo + value % (span + 1);
}

uint64_t SeededChoiceSource::choose(uint64_t lo, uint64_t hi) {
  if (lo >= hi) return lo;
  state_ += 0x9E3779B97F4A7C15ULL;
  uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  const uint64_t span = hi - lo;
  return span == UINT64_MAX ? lo + z : lo + z % (span + 1);
}

std::string generate(const BoundedPattern& bounded, ChoiceSource& choices) {
  return internal::encode_utf8(draw_match(bounded, choices, nullptr));
}

Result<std::string, GenerationError> generate(const CompiledPattern& pattern,
                                              const LengthBounds& bounds, ChoiceSource& choices) {
  auto bounded = BoundedPattern::make(std::make_shared<const CompiledPattern>(pattern), bounds);
  if (!bounded) return bounded.error();
  return generate(*bounded, choices);
}

// ---------------------------------------------------------------------------------------------
// Near misses

namespace {

struct NearMissPlan {
  std::shared_ptr<const CompiledPattern> pattern;
  uint64_t min_length = 0;
  uint64_t max_length = 0;
  // Matching values one code point shorter / longer than allowed included, so that inserting or
  // dropping a character lands within the bounds. Absent when nothing matches near the bounds.
  std::optional<BoundedPattern> matching;
  std::vector<std::vector<char32_t>> replacements;
};

Result<NearMissPlan, GenerationError> make_near_miss_plan(
    std::shared_ptr<const CompiledPattern> pattern, const LengthBounds& bounds) {
  if (!pattern) return GenerationError{"no pattern given"};
  auto cap_or_error = length_cap(bounds);
  if (!cap_or_error) return cap_or_error.error();
  NearMissPlan plan;
  plan.min_length = bounds.min;
  plan.max_length = *cap_or_error;
  const LengthBounds wider{bounds.min > 0 ? bounds.min - 1 : 0,
                           std::min(plan.max_length + 1, kPatternLengthCap)};
  auto matching = BoundedPattern::make(pattern, wider);
  if (matching) plan.matching = std::move(*matching);
  plan.replacements = replacements_per_state(pattern->automaton());
  plan.pattern = std::move(pattern);
  return plan;
}

// Whether no engine matches `value` (our automaton, for all engines) and RE2 agrees.
bool is_sure_miss(const CompiledPattern& pattern, const std::vector<char32_t>& value,
                  const std::string& encoded) {
  return !internal::possibly_accepts(pattern.automaton(), value) && !pattern.matches(encoded);
}

// Mutates one matching value; false when the drawn value admits no mutation of the kind.
bool mutate_match(const NearMissPlan& plan, uint64_t strategy, ChoiceSource& choices,
                  std::vector<char32_t>& value) {
  std::vector<uint32_t> path;
  value = draw_match(*plan.matching, choices, &path);
  const uint64_t length = value.size();
  const auto allowed = [&](uint64_t n) { return n >= plan.min_length && n <= plan.max_length; };
  const bool can_replace = length >= 1 && allowed(length);
  const bool can_insert = allowed(length + 1);
  const bool can_drop = length >= 1 && allowed(length - 1);
  enum class Op { kReplace, kInsert, kDrop, kNone };
  Op op = strategy <= 4 ? Op::kReplace : strategy <= 6 ? Op::kInsert : Op::kDrop;
  if ((op == Op::kReplace && !can_replace) || (op == Op::kInsert && !can_insert) ||
      (op == Op::kDrop && !can_drop)) {
    op = can_replace ? Op::kReplace : can_insert ? Op::kInsert : can_drop ? Op::kDrop : Op::kNone;
  }
  switch (op) {
    case Op::kReplace: {
      std::vector<size_t> eligible;
      for (size_t i = 0; i < length; ++i) {
        const auto& chars = plan.replacements[path[i]];
        const bool only_newline = chars.size() == 1 && chars[0] == '\n';
        if (!chars.empty() && !(i + 1 == length && only_newline)) eligible.push_back(i);
      }
      if (eligible.empty()) return false;
      const size_t index = pick(eligible, choices);
      std::vector<char32_t> chars = plan.replacements[path[index]];
      if (index + 1 == length) std::erase(chars, U'\n');
      value[index] = pick(chars, choices);
      return true;
    }
    case Op::kInsert: {
      const size_t index = choices.choose(0, length);
      std::vector<char32_t> chars = near_miss_pool();
      if (index == length) std::erase(chars, U'\n');
      value.insert(value.begin() + static_cast<std::ptrdiff_t>(index), pick(chars, choices));
      return true;
    }
    case Op::kDrop:
      value.erase(value.begin() + static_cast<std::ptrdiff_t>(choices.choose(0, length - 1)));
      return true;
    case Op::kNone:
      break;
  }
  return false;
}

std::vector<char32_t> random_value(const NearMissPlan& plan, ChoiceSource& choices) {
  const uint64_t longest = std::min(plan.max_length, plan.min_length + 32);
  const uint64_t length = choices.choose(plan.min_length, longest);
  std::vector<char32_t> value;
  std::vector<char32_t> no_newline = near_miss_pool();
  std::erase(no_newline, U'\n');
  for (uint64_t i = 0; i < length; ++i) {
    value.push_back(pick(i + 1 == length ? no_newline : near_miss_pool(), choices));
  }
  return value;
}

Result<std::string, GenerationError> near_miss(const NearMissPlan& plan, ChoiceSource& choices) {
  for (int attempt = 0; attempt < kNearMissAttempts; ++attempt) {
    std::vector<char32_t> value;
    const uint64_t strategy = choices.choose_strategy(0, 9);
    if (strategy <= 7 && plan.matching) {
      if (!mutate_match(plan, strategy, choices, value)) continue;
    } else {
      value = random_value(plan, choices);
    }
    std::string encoded = internal::encode_utf8(value);
    if (is_sure_miss(*plan.pattern, value, encoded)) return encoded;
  }
  return GenerationError{"no near miss found for pattern `" + plan.pattern->source() +
                         "` with lengths " + std::to_string(plan.min_length) + ".." +
                         std::to_string(plan.max_length) + " after " +
                         std::to_string(kNearMissAttempts) +
                         " attempts (the pattern may accept nearly every string of these lengths)"};
}

}  // namespace

Result<std::string, GenerationError> generate_near_miss(const CompiledPattern& pattern,
                                                        const LengthBounds& bounds,
                                                        ChoiceSource& choices) {
  auto plan = make_near_miss_plan(std::make_shared<const CompiledPattern>(pattern), bounds);
  if (!plan) return plan.error();
  return near_miss(*plan, choices);
}

// ---------------------------------------------------------------------------------------------
// RapidCheck

rc::Gen<std::string> gen_matching(std::shared_ptr<const CompiledPattern> pattern,
                                  LengthBounds bounds) {
  auto bounded = BoundedPattern::make(std::move(pattern), bounds);
  if (!bounded) return failing_gen(bounded.error().message);
  return gen_matching(std::move(*bounded));
}

rc::Gen<std::string> gen_matching(BoundedPattern bounded) {
  auto shared = std::make_shared<const BoundedPattern>(std::move(bounded));
  return tape_gen([shared](ChoiceSource& choices) -> Result<std::string, GenerationError> {
    return generate(*shared, choices);
  });
}

rc::Gen<std::string> gen_near_miss(std::shared_ptr<const CompiledPattern> pattern,
                                   LengthBounds bounds) {
  auto plan = make_near_miss_plan(std::move(pattern), bounds);
  if (!plan) return failing_gen(plan.error().message);
  auto shared = std::make_shared<const NearMissPlan>(std::move(*plan));
  return tape_gen([shared](ChoiceSource& choices) { return near_miss(*shared, choices); });
}

}  // namespace lpe::generators
