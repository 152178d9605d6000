// Internals of generators/pattern.h: code point sets, the pattern parser and the position
// (Glushkov) automaton that generation and near-miss checking walk. Not a public API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "generators/pattern.h"

namespace lpe::generators::internal {

inline constexpr char32_t kMaxCodePoint = 0x10FFFF;

// A set of Unicode scalar values (surrogates never belong to it), as sorted, disjoint,
// non-adjacent inclusive ranges.
class CharSet {
 public:
  using Range = std::pair<char32_t, char32_t>;

  CharSet() = default;
  static CharSet of(char32_t c) { return range(c, c); }
  static CharSet range(char32_t lo, char32_t hi);
  static CharSet all() { return range(0, kMaxCodePoint); }

  // Adds [lo, hi] (surrogates dropped).
  void add(char32_t lo, char32_t hi);
  void add(const CharSet& other);
  CharSet complement() const;
  CharSet intersect(const CharSet& other) const;
  CharSet minus(const CharSet& other) const { return intersect(other.complement()); }

  bool contains(char32_t c) const;
  bool empty() const { return ranges_.empty(); }
  uint64_t size() const;
  // The index-th member in ascending order; index < size().
  char32_t nth(uint64_t index) const;
  const std::vector<Range>& ranges() const { return ranges_; }

  friend bool operator==(const CharSet&, const CharSet&) = default;

 private:
  void normalize();
  std::vector<Range> ranges_;
};

// What one pattern position may match. Engines disagree on a few classes (`\s`, `.`, `\v`):
// `sure` holds what every engine (RE2, ECMAScript, Java) matches there and is what generation
// draws from; `possible` holds what some engine might match and is what a near miss avoids.
struct ClassPair {
  CharSet sure;
  CharSet possible;
};

// Regex syntax tree of the supported subset.
struct Node {
  enum class Kind { kEmpty, kClass, kConcat, kAlternation, kRepeat };
  Kind kind = Kind::kEmpty;
  ClassPair chars;                     // kClass
  std::vector<Node> children;          // kConcat, kAlternation; kRepeat has exactly one
  uint32_t min_repeat = 0;             // kRepeat
  std::optional<uint32_t> max_repeat;  // kRepeat; nullopt = unbounded
};

struct ParsedPattern {
  Node root;  // without the anchors
  bool anchored_start = false;
  bool anchored_end = false;
};

// Parses `pattern` (UTF-8) into the supported subset, or names the first unsupported construct.
std::variant<ParsedPattern, PatternLimitation> parse_pattern(std::string_view pattern);

// One position of the automaton: a character class occurrence in the expanded pattern.
struct Position {
  ClassPair chars;
  // chars.sure restricted to printable ASCII, in the order generation prefers (a-z, 0-9, A-Z,
  // rest).
  std::vector<char32_t> preferred_ascii;
  // chars.sure without printable ASCII, a few notable members of it (é, 中, emoji...) and the
  // ends of its ranges (where off-by-one bugs live).
  CharSet other;
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
std::variant<Automaton, PatternLimitation> build_automaton(const ParsedPattern& parsed);

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
std::optional<std::vector<char32_t>> decode_utf8(std::string_view text);
void append_utf8(char32_t c, std::string& out);
std::string encode_utf8(const std::vector<char32_t>& code_points);

}  // namespace lpe::generators::internal
