// The one front end for Smithy `pattern` traits: a parser of the regex subset AWS models use into
// a syntax tree. The model's fast matcher (spec/internal/ascii_dfa.h) and the generators' automaton
// (generators/internal/pattern_automaton.h) are both built from this tree, so both read a pattern
// the same way and share one repeat limit.
//
// The subset:
//   - anchors `^` and `$`, only as the first / last character of the whole pattern;
//   - literals (any code point), escaped punctuation (`\.`, `\-`, `\\`, `\/`, `\+`, ...),
//     `\n \t \r \f \v`, `\xHH`;
//   - `.` and the classes `\d \w \s \D \W \S`;
//   - bracket classes with ranges, negation and escapes (`[a-zA-Z0-9+/=_-]`, `[^/\s]`);
//   - groups `( )` and `(?: )`, alternation `|` (inside a group when the pattern has an anchor);
//   - quantifiers `? * + {m} {m,} {m,n}` (m, n <= kMaxPatternRepeat) and their lazy `?` forms.
// Anything else (backreferences, lookarounds, `\p{..}`, `\b`, inline flags, possessive
// quantifiers, POSIX classes, constructs engines read differently such as `[]a]` or `a{01}`) is a
// PatternSyntaxError naming the construct and its byte offset, never guessed at.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "spec/unicode.h"

namespace lpe::spec {

// Largest count in `{m}`, `{m,}` and `{m,n}`. It is RE2's own limit: RE2 (which compiles every
// model pattern) rejects larger counts, so no larger bound could ever be matched.
inline constexpr uint32_t kMaxPatternRepeat = 1000;

// What one character class of a pattern matches. Engines disagree on a few classes (`\s`, `.`,
// `\v` and their negations): `sure` holds what every engine (RE2, ECMAScript, Java) matches,
// `re2` what RE2 matches (the project's reference for Smithy semantics), `possible` what some
// engine might match. Always sure ⊆ re2 ⊆ possible.
struct PatternClass {
  CodePointSet sure;
  CodePointSet re2;
  CodePointSet possible;
};

// Syntax tree of the subset.
struct PatternNode {
  enum class Kind { kEmpty, kClass, kConcat, kAlternation, kRepeat };
  Kind kind = Kind::kEmpty;
  PatternClass chars;                  // kClass
  std::vector<PatternNode> children;   // kConcat, kAlternation; kRepeat has exactly one
  uint32_t min_repeat = 0;             // kRepeat
  std::optional<uint32_t> max_repeat;  // kRepeat; nullopt = unbounded
};

struct PatternSyntax {
  PatternNode root;  // without the anchors
  bool anchored_start = false;
  bool anchored_end = false;
};

// Why a pattern is outside the subset: the construct ("lookahead", "repeat count over 1000", ...),
// its byte offset in the pattern and what is wrong with it.
struct PatternSyntaxError {
  std::string construct;
  size_t offset = 0;
  std::string detail;

  // "lookahead at byte 3: lookarounds are not regular".
  std::string to_string() const;
};

// Parses `pattern` (UTF-8).
Result<PatternSyntax, PatternSyntaxError> parse_pattern_syntax(std::string_view pattern);

// A class node matching exactly `chars`.
PatternNode class_node(PatternClass chars);
// The class of `.`: RE2 excludes only \n; ECMAScript and Java also exclude \r, U+2028, U+2029
// (Java U+0085).
PatternClass dot_class();

}  // namespace lpe::spec
