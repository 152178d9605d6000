// ascii_dfa: the model's fast pattern matcher (spec/internal/ascii_dfa.h) against RE2, the
// reference for Smithy pattern semantics (R1), on random patterns of the subset of
// spec/pattern_syntax.h and random texts (differential).
//
// Input: a first byte; when it is even, a pattern is built from the recipe that follows (literals,
// escapes, bracket classes, groups, alternation, quantifiers, mostly anchored `^...$`); when it
// is odd, the pattern is the bytes up to the next NUL, as written (so parser corners such as `{01}`
// or `[]a]` are reached too). Then up to kMaxTexts texts, each either bytes from the input or a
// value drawn from the pattern's syntax tree, optionally with one byte replaced, inserted or
// dropped (so that matching texts are frequent).
//
// Properties, on every input:
//  - parse_pattern_syntax never crashes; an error names a construct at an offset inside the
//    pattern; whatever it accepts, RE2 accepts too;
//  - a DFA exists only for patterns anchored at both ends;
//  - for every text, the DFA (when the pattern has one) says what RE2's search says (a full match
//    for `^...$`), and so does spec::pattern_matches on a PatternTrait built as the loader builds
//    it.
#include <re2/re2.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz/fuzz_support.h"
#include "spec/internal/ascii_dfa.h"
#include "spec/pattern_syntax.h"
#include "spec/spec.h"

namespace {

using lpe::fuzz::escape;
using lpe::fuzz::FuzzInput;
using lpe::spec::PatternNode;

// Model patterns are well under 256 characters and ids under 128; 1 KiB holds a pattern and its
// texts. Longer inputs only make RE2 and the DFA builder slower without new states.
constexpr size_t kMaxInputSize = 1024;
constexpr size_t kMaxTexts = 8;
constexpr int kMaxDepth = 4;
// Patterns whose counted repeats expand past this many classes are skipped: building their DFA
// takes up to a second under the sanitizers (the builder's own caps stop it), which would leave
// no time for the texts. The expansion limits themselves are unit-tested (spec/ascii_dfa_test.cc).
constexpr uint64_t kMaxExpandedClasses = 96;

// Literals worth writing, the special ones escaped when emitted.
constexpr std::string_view kLiterals = "abxyzAZ019-_:/.+*?()[]{}|^$\\ =,@#\t";
constexpr std::string_view kSpecial = ".+*?()[]{}|^$\\";
// Characters inside bracket classes; `]`, `[`, `\`, `^` and `-` are escaped when emitted.
constexpr std::string_view kClassChars = "abcmxzAMZ0159-_:/.+ ]^[\\";

void emit_literal(char c, std::string& out) {
  if (kSpecial.find(c) != std::string_view::npos) out += '\\';
  out += c;
}

void emit_class_char(char c, std::string& out) {
  if (c == ']' || c == '[' || c == '\\' || c == '^' || c == '-') out += '\\';
  out += c;
}

void emit_class(FuzzInput& in, std::string& out) {
  out += '[';
  if (in.integer(0, 7) == 0) out += '^';  // a negated class has no DFA (not ASCII)
  const uint64_t items = in.integer(1, 4);
  for (uint64_t i = 0; i < items; ++i) {
    switch (in.integer(0, 5)) {
      case 0:
        out += in.boolean() ? "\\d" : (in.boolean() ? "\\w" : "\\s");
        break;
      case 1:
      case 2: {  // a range; reversed ranges are errors the parser must report
        char lo = kClassChars[in.integer(0, kClassChars.size() - 1)];
        char hi = kClassChars[in.integer(0, kClassChars.size() - 1)];
        if (lo > hi && in.integer(0, 7) != 0) std::swap(lo, hi);
        emit_class_char(lo, out);
        out += '-';
        emit_class_char(hi, out);
        break;
      }
      default:
        emit_class_char(kClassChars[in.integer(0, kClassChars.size() - 1)], out);
    }
  }
  out += ']';
}

void emit_escape(FuzzInput& in, std::string& out) {
  static constexpr std::string_view kEscapes[] = {"\\d", "\\w", "\\s", "\\n", "\\t", "\\r",
                                                  "\\f", "\\v", "\\D", "\\W", "\\S"};
  const uint64_t pick = in.integer(0, std::size(kEscapes));
  if (pick < std::size(kEscapes)) {
    out += kEscapes[pick];
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  const uint8_t value = in.byte() & 0x7F;
  out += "\\x";
  out += kHex[value >> 4];
  out += kHex[value & 0xF];
}

void emit_quantifier(FuzzInput& in, std::string& out) {
  switch (in.integer(0, 7)) {
    case 0:
      out += '?';
      break;
    case 1:
      out += '*';
      break;
    case 2:
      out += '+';
      break;
    case 3:
      out += '{' + std::to_string(in.integer(0, 12)) + '}';
      break;
    case 4:
      out += '{' + std::to_string(in.integer(0, 12)) + ",}";
      break;
    case 5:
      out += '{' + std::to_string(in.integer(0, 6)) + ',' + std::to_string(in.integer(0, 12)) + '}';
      break;
    default:
      return;  // no quantifier
  }
  if (in.integer(0, 7) == 0) out += '?';  // lazy: the same strings match
}

void emit_alternation(FuzzInput& in, int depth, std::string& out);

void emit_atom(FuzzInput& in, int depth, std::string& out) {
  switch (in.integer(0, depth >= kMaxDepth ? 3 : 5)) {
    case 0:
    case 1:
      emit_literal(kLiterals[in.integer(0, kLiterals.size() - 1)], out);
      break;
    case 2:
      if (in.integer(0, 15) == 0) {
        out += '.';  // not ASCII: no DFA
      } else {
        emit_escape(in, out);
      }
      break;
    case 3:
      emit_class(in, out);
      break;
    default:
      out += in.boolean() ? "(?:" : "(";
      emit_alternation(in, depth + 1, out);
      out += ')';
  }
  emit_quantifier(in, out);
}

void emit_alternation(FuzzInput& in, int depth, std::string& out) {
  const uint64_t branches = in.integer(0, 3) == 0 ? in.integer(2, 3) : 1;
  for (uint64_t b = 0; b < branches; ++b) {
    if (b > 0) out += '|';
    const uint64_t atoms = in.integer(0, 4);
    for (uint64_t a = 0; a < atoms; ++a) emit_atom(in, depth, out);
  }
}

std::string build_pattern(FuzzInput& in) {
  const uint8_t anchors = in.byte();
  std::string out;
  if ((anchors & 7) != 1) out += '^';
  emit_alternation(in, (anchors & 7) == 2 ? 0 : 1, out);  // depth 0: '|' may be top-level
  if ((anchors & 7) != 3) out += '$';
  return out;
}

// Appends a value of `node` in RE2's reading, choices from the input.
void draw(const PatternNode& node, FuzzInput& in, std::string& out, size_t& budget) {
  if (budget == 0) return;
  switch (node.kind) {
    case PatternNode::Kind::kEmpty:
      return;
    case PatternNode::Kind::kClass: {
      const auto& set = node.chars.re2;
      if (set.empty()) return;
      // Mostly ASCII members (the DFA's alphabet, the first ones in order), else any member.
      const uint64_t ascii = set.intersect(lpe::spec::CodePointSet::range(0, 127)).size();
      uint64_t index = in.integer(0, set.size() - 1);
      if (ascii > 0 && in.integer(0, 7) != 0) index %= ascii;
      lpe::spec::append_utf8(set.nth(index), out);
      --budget;
      return;
    }
    case PatternNode::Kind::kConcat:
      for (const PatternNode& child : node.children) draw(child, in, out, budget);
      return;
    case PatternNode::Kind::kAlternation:
      draw(node.children[in.integer(0, node.children.size() - 1)], in, out, budget);
      return;
    case PatternNode::Kind::kRepeat: {
      const uint32_t most = node.max_repeat.value_or(node.min_repeat + 20);
      const auto count = static_cast<uint32_t>(in.integer(node.min_repeat, most));
      for (uint32_t i = 0; i < count && budget > 0; ++i) draw(node.children[0], in, out, budget);
      return;
    }
  }
}

// How many class occurrences `node` expands to (saturating at kMaxExpandedClasses + 1).
uint64_t expanded_classes(const PatternNode& node) {
  constexpr uint64_t kOver = kMaxExpandedClasses + 1;
  uint64_t total = 0;
  switch (node.kind) {
    case PatternNode::Kind::kEmpty:
      return 0;
    case PatternNode::Kind::kClass:
      return 1;
    case PatternNode::Kind::kConcat:
    case PatternNode::Kind::kAlternation:
      for (const PatternNode& child : node.children) total += expanded_classes(child);
      return std::min(total, kOver);
    case PatternNode::Kind::kRepeat:
      total = expanded_classes(node.children[0]);
      return std::min(total * (node.max_repeat.value_or(node.min_repeat) + 1), kOver);
  }
  return kOver;
}

std::string next_text(const PatternNode* root, FuzzInput& in) {
  if (root == nullptr || in.integer(0, 3) == 0) return std::string(in.string(96));
  std::string text;
  size_t budget = 200;
  draw(*root, in, text, budget);
  const uint8_t edit = in.byte();
  const size_t at = text.empty() ? 0 : in.integer(0, text.size() - 1);
  const auto byte = static_cast<char>(in.byte());
  if ((edit & 3) == 1 && !text.empty()) text[at] = byte;
  if ((edit & 3) == 2) text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), byte);
  if ((edit & 3) == 3 && !text.empty()) text.erase(at, 1);
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInputSize) return -1;  // not added to the corpus
  FuzzInput in(data, size);
  std::string pattern;
  if ((in.byte() & 1) == 0) {
    pattern = build_pattern(in);
  } else {
    const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - (size > 0));
    pattern = std::string(rest.substr(0, rest.find('\0')));
    const size_t used = std::min(rest.size(), pattern.size() + 1);
    in = FuzzInput(data + 1 + used, rest.size() - used);
  }

  const auto syntax = lpe::spec::parse_pattern_syntax(pattern);
  if (!syntax) {
    const auto& error = syntax.error();
    LPE_FUZZ_CHECK(
        !error.construct.empty() && !error.detail.empty() && error.offset <= pattern.size(),
        "error '" + error.to_string() + "' for " + escape(pattern));
    return 0;
  }
  if (expanded_classes(syntax->root) > kMaxExpandedClasses) return -1;
  re2::RE2::Options options;
  options.set_encoding(re2::RE2::Options::EncodingUTF8);
  options.set_log_errors(false);
  auto oracle = std::make_shared<const re2::RE2>(pattern, options);
  // RE2 has limits of its own on expanded repeats (and memory): not a disagreement on matching.
  if (!oracle->ok() && oracle->error_code() == re2::RE2::ErrorRepeatSize) return 0;
  LPE_FUZZ_CHECK(oracle->ok(), "the parser accepts what RE2 rejects (" + oracle->error() +
                                   "): " + escape(pattern));

  const std::shared_ptr<const lpe::spec::internal::AsciiDfa> dfa =
      lpe::spec::internal::AsciiDfa::build(*syntax);
  const bool anchored = syntax->anchored_start && syntax->anchored_end;
  LPE_FUZZ_CHECK(dfa == nullptr || anchored, "a DFA for an unanchored pattern: " + escape(pattern));
  lpe::spec::PatternTrait trait;
  trait.source = pattern;
  trait.regex = oracle;
  trait.anchored_both = anchored;
  trait.dfa = dfa;

  for (size_t t = 0; t < kMaxTexts && !in.empty(); ++t) {
    const std::string text = next_text(&syntax->root, in);
    const bool expected = re2::RE2::PartialMatch(text, *oracle);
    const std::string context = "pattern: " + escape(pattern) + "\ntext: " + escape(text) +
                                "\nRE2: " + (expected ? "match" : "no match");
    if (dfa) {
      const bool got = dfa->matches(text);
      LPE_FUZZ_CHECK(got == expected, context + "\nDFA: " + (got ? "match" : "no match"));
    }
    LPE_FUZZ_CHECK(lpe::spec::pattern_matches(trait, text) == expected,
                   context + "\npattern_matches disagrees");
  }
  return 0;
}
