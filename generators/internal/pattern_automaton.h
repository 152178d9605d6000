// Internals of generators/pattern.h: the position (Glushkov) automaton that generation and
// near-miss checking walk, built from the syntax tree of spec/pattern_syntax.h. Not a public API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "generators/pattern.h"
#include "spec/pattern_syntax.h"
#include "spec/unicode.h"

namespace lpe::generators::internal {

// One position of the automaton: a character class occurrence in the expanded pattern.
struct Position {
  spec::PatternClass chars;
  // chars.sure restricted to printable ASCII, in the order generation prefers (a-z, 0-9, A-Z,
  // rest).
  std::vector<char32_t> preferred_ascii;
  // chars.sure without printable ASCII, a few notable members of it (é, 中, emoji...) and the
  // ends of its ranges (where off-by-one bugs live).
  spec::CodePointSet other;
  std::vector<char32_t> notable_other;
  std::vector<char32_t> other_edges;
};

// Position automaton: state 0 is the start, state s >= 1 means "just matched position s".
// Edges are labelled by the target's class. Counted repetitions are expanded, unanchored ends
// get a `.*`-like filler.
struct Automaton {
  std::vector<Position> positions;               // index 0 unused (start state)
  std::vector<std::vector<uint32_t>> follow;     // per state, sorted successor states
  std::vector<std::vector<uint32_t>> preceding;  // per state, sorted predecessor states
  std::vector<bool> accepting;
  uint64_t min_length = 0;             // over strings built from the `sure` sets
  std::optional<uint64_t> max_length;  // nullopt: unbounded
  bool empty_language = false;         // no string at all is built from the `sure` sets

  size_t state_count() const { return follow.size(); }
};

// Limits on the expanded automaton; bigger patterns are reported as a limitation.
inline constexpr size_t kMaxPositions = 5000;
inline constexpr size_t kMaxEdges = 50000;

// Builds the automaton (with fillers for unanchored ends), or a limitation when too large.
Result<Automaton, PatternLimitation> build_automaton(const spec::PatternSyntax& parsed);

// For every state, which remaining lengths 0..cap can be completed to an accepted string using
// the `sure` sets. Bits are stored per state, `words_per_state` words each.
struct LengthTable {
  uint64_t cap = 0;
  size_t words_per_state = 0;
  std::vector<uint64_t> bits;

  bool can_finish(uint32_t state, uint64_t remaining) const {
    if (remaining > cap) return false;
    return (bits[state * words_per_state + remaining / 64] >> (remaining % 64)) & 1U;
  }
};

// Computes the table up to `cap`. Cost: O(cap * transitions) at worst, usually far less because
// the per-length state sets become periodic.
LengthTable compute_lengths(const Automaton& automaton, uint64_t cap);

// Whether some engine might accept `code_points` (uses the `possible` sets). A false answer means
// no engine matches, which is what a near miss needs.
bool possibly_accepts(const Automaton& automaton, const std::vector<char32_t>& code_points);

// UTF-8 helpers (strict: no surrogates, no overlongs).
using spec::append_utf8;
using spec::decode_utf8;
using spec::encode_utf8;

}  // namespace lpe::generators::internal
