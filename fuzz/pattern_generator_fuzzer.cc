// pattern_generator: Smithy `pattern` strings through the pattern parser and value generator (R1,
// R2), with RE2 as the independent oracle (differential).
//
// Input: the pattern, then (after the first NUL byte, if any) the recipe: length bounds, then the
// generator's choices, fed through generators::BytesChoiceSource.
//
// Properties, on every input:
//  - CompiledPattern::parse never crashes on any pattern; whatever it accepts, RE2 accepts too;
//  - for an accepted pattern and any bounds, BoundedPattern::make either fails with a reason or
//    offers ascending lengths within the bounds and the caps; every generated value is valid UTF-8,
//    has one of those lengths (in code points) and matches the pattern in RE2 with Smithy's search
//    semantics (a full match when the pattern is anchored at both ends);
//  - every near miss is valid UTF-8 within the bounds and the caps, and RE2 finds no match in it.
#include <re2/re2.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "generators/pattern.h"

namespace {

namespace gen = lpe::generators;
using lpe::fuzz::escape;

// AWS model patterns are well under 256 characters; 512 bytes leaves room for the recipe. Longer
// patterns only make RE2 and the automaton builder slower without reaching new parser states.
constexpr size_t kMaxInputSize = 512;

// Bounds drawn here stay small so that the length tables stay cheap; the caps themselves
// (kPatternLengthCap, kUnboundedLengthSpan) are still reached through unbounded patterns.
constexpr uint64_t kMaxDrawnBound = 300;

std::string describe(std::string_view pattern, const gen::LengthBounds& bounds) {
  return "pattern: " + escape(pattern) + "\nbounds: " + std::to_string(bounds.min) + ".." +
         (bounds.max ? std::to_string(*bounds.max) : std::string("")) + "\n";
}

bool oracle_matches(const re2::RE2& oracle, bool fully_anchored, std::string_view value) {
  const re2::StringPiece piece(value.data(), value.size());
  return fully_anchored ? re2::RE2::FullMatch(piece, oracle)
                        : re2::RE2::PartialMatch(piece, oracle);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInputSize) return -1;  // not added to the corpus
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string_view pattern = input.substr(0, nul);
  const std::string_view recipe =
      nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);

  auto parsed = gen::CompiledPattern::parse(pattern);
  if (!parsed) {
    const gen::PatternLimitation& limitation = parsed.error();
    LPE_FUZZ_CHECK(!limitation.construct.empty() && !limitation.message.empty() &&
                       limitation.offset <= pattern.size(),
                   "limitation '" + limitation.construct + "' at " +
                       std::to_string(limitation.offset) + " without a message for " +
                       escape(pattern));
    return 0;
  }
  const auto compiled = std::make_shared<const gen::CompiledPattern>(std::move(*parsed));

  // The oracle: RE2 compiled here, independently of the generator's own copy.
  re2::RE2::Options options;
  options.set_encoding(re2::RE2::Options::EncodingUTF8);
  options.set_log_errors(false);
  const re2::RE2 oracle(re2::StringPiece(pattern.data(), pattern.size()), options);
  LPE_FUZZ_CHECK(oracle.ok(), "the parser accepts what RE2 rejects (" + oracle.error() +
                                  "): " + escape(pattern));
  const bool fully_anchored = compiled->fully_anchored();

  lpe::fuzz::FuzzInput in(reinterpret_cast<const uint8_t*>(recipe.data()), recipe.size());
  gen::LengthBounds bounds;
  const uint8_t shape = in.byte();
  bounds.min = in.integer(0, kMaxDrawnBound);
  if (shape & 1) {
    bounds.max = (shape & 2) ? in.integer(0, bounds.min)  // possibly inverted
                             : bounds.min + in.integer(0, kMaxDrawnBound);
  }
  const std::string context = describe(pattern, bounds);
  const uint64_t cap =
      bounds.max ? std::min(*bounds.max, gen::kPatternLengthCap)
                 : std::min(bounds.min + gen::kUnboundedLengthSpan, gen::kPatternLengthCap);
  const std::string_view choice_bytes = in.rest();
  const std::span<const uint8_t> choices(reinterpret_cast<const uint8_t*>(choice_bytes.data()),
                                         choice_bytes.size());

  auto bounded = gen::BoundedPattern::make(compiled, bounds);
  if (!bounded) {
    LPE_FUZZ_CHECK(!bounded.error().message.empty(), context);
  } else {
    const auto& b = *bounded;
    const std::vector<uint64_t>& lengths = b.lengths();
    LPE_FUZZ_CHECK(!lengths.empty() && std::is_sorted(lengths.begin(), lengths.end()) &&
                       lengths.front() >= bounds.min && lengths.back() <= cap,
                   context + "lengths " + std::to_string(lengths.size()));
    gen::BytesChoiceSource source(choices);
    const std::string value = gen::generate(b, source);
    const auto length = gen::code_point_count(value);
    LPE_FUZZ_CHECK(length.has_value(), context + "invalid UTF-8: " + escape(value));
    LPE_FUZZ_CHECK(std::binary_search(lengths.begin(), lengths.end(), *length),
                   context + "length " + std::to_string(*length) + ": " + escape(value));
    LPE_FUZZ_CHECK(oracle_matches(oracle, fully_anchored, value),
                   context + "RE2 does not match the generated value: " + escape(value));
  }

  gen::BytesChoiceSource source(choices);
  const auto miss = gen::generate_near_miss(*compiled, bounds, source);
  if (!miss) {
    LPE_FUZZ_CHECK(!miss.error().message.empty(), context + "no near miss and no reason");
    return 0;
  }
  const auto length = gen::code_point_count(*miss);
  LPE_FUZZ_CHECK(length.has_value(), context + "invalid UTF-8 near miss: " + escape(*miss));
  LPE_FUZZ_CHECK(*length >= bounds.min && *length <= cap,
                 context + "near miss of length " + std::to_string(*length) + ": " + escape(*miss));
  LPE_FUZZ_CHECK(!re2::RE2::PartialMatch(re2::StringPiece(miss->data(), miss->size()), oracle),
                 context + "RE2 matches the near miss: " + escape(*miss));
  return 0;
}
