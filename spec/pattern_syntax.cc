#include "spec/pattern_syntax.h"

#include <algorithm>

namespace lpe::spec {
namespace {

PatternClass same(CodePointSet set) { return PatternClass{set, set, set}; }

PatternClass negate(const PatternClass& c) {
  return PatternClass{c.possible.complement(), c.re2.complement(), c.sure.complement()};
}

PatternClass digit_class() { return same(CodePointSet::range('0', '9')); }

PatternClass word_class() {
  CodePointSet set = CodePointSet::range('0', '9');
  set.add('A', 'Z');
  set.add('a', 'z');
  set.add('_', '_');
  return same(set);
}

// `\s`: RE2 matches [\t\n\f\r ]; Java adds \v; ECMAScript adds \v and Unicode spaces.
PatternClass space_class() {
  CodePointSet sure;
  sure.add('\t', '\n');
  sure.add('\f', '\r');
  sure.add(' ', ' ');
  CodePointSet possible = sure;
  possible.add('\v', '\v');
  for (char32_t c : {0xA0, 0x1680, 0x202F, 0x205F, 0x3000, 0xFEFF, 0x2028, 0x2029}) {
    possible.add(c, c);
  }
  possible.add(0x2000, 0x200A);
  return PatternClass{sure, sure, possible};
}

// `\v`: vertical tab in RE2 and ECMAScript, any vertical whitespace in Java.
PatternClass vertical_tab_class() {
  CodePointSet possible;
  possible.add('\n', '\r');
  possible.add(0x85, 0x85);
  possible.add(0x2028, 0x2029);
  return PatternClass{CodePointSet::of('\v'), CodePointSet::of('\v'), possible};
}

bool is_ascii_alnum(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

constexpr char32_t kNone = 0xFFFFFFFF;
constexpr int kMaxNesting = 100;

struct Quantifier {
  uint32_t min = 0;
  std::optional<uint32_t> max;
};

class Parser {
 public:
  explicit Parser(std::string_view source) : source_(source) {}

  Result<PatternSyntax, PatternSyntaxError> run() {
    size_t bad_offset = 0;
    if (!decode(bad_offset)) {
      return PatternSyntaxError{"invalid UTF-8", bad_offset, "patterns must be UTF-8 text"};
    }
    PatternSyntax parsed;
    size_t begin = 0;
    size_t end = code_points_.size();
    if (end > 0 && code_points_[0] == '^') {
      parsed.anchored_start = true;
      begin = 1;
    }
    if (end > begin && code_points_[end - 1] == '$') {
      size_t backslashes = 0;
      while (end - 1 - backslashes > begin && code_points_[end - 2 - backslashes] == '\\') {
        ++backslashes;
      }
      if (backslashes % 2 == 0) {
        parsed.anchored_end = true;
        --end;
      }
    }
    pos_ = begin;
    end_ = end;
    parsed.root = parse_alternation(0);
    if (!error_ && pos_ < end_) {
      fail("unmatched ')'", pos_, "a ')' without a matching '('");
    }
    if (!error_ && top_level_bar_ && (parsed.anchored_start || parsed.anchored_end)) {
      fail("alternation across anchors", *top_level_bar_,
           "a top-level '|' with '^'/'$' binds the anchors to the first/last alternative only; "
           "write ^(a|b)$");
    }
    if (error_) return *error_;
    return parsed;
  }

 private:
  bool decode(size_t& bad_offset) {
    for (size_t i = 0; i < source_.size();) {
      char32_t c = 0;
      const size_t n = decode_utf8_at(source_, i, c);
      if (n == 0) {
        bad_offset = i;
        return false;
      }
      code_points_.push_back(c);
      offsets_.push_back(i);
      i += n;
    }
    offsets_.push_back(source_.size());
    return true;
  }

  bool at_end() const { return pos_ >= end_; }
  char32_t peek(size_t ahead = 0) const {
    return pos_ + ahead < end_ ? code_points_[pos_ + ahead] : kNone;
  }

  void fail(const std::string& construct, size_t index, const std::string& what) {
    if (error_) return;
    const size_t offset = offsets_[std::min(index, offsets_.size() - 1)];
    error_ = PatternSyntaxError{construct, offset, what};
  }

  PatternNode parse_alternation(int depth) {
    std::vector<PatternNode> branches;
    branches.push_back(parse_concat(depth));
    while (!error_ && peek() == '|') {
      if (depth == 0 && !top_level_bar_) top_level_bar_ = pos_;
      ++pos_;
      branches.push_back(parse_concat(depth));
    }
    if (branches.size() == 1) return std::move(branches[0]);
    PatternNode node;
    node.kind = PatternNode::Kind::kAlternation;
    node.children = std::move(branches);
    return node;
  }

  PatternNode parse_concat(int depth) {
    PatternNode node;
    node.kind = PatternNode::Kind::kConcat;
    while (!error_ && !at_end() && peek() != '|' && peek() != ')') {
      PatternNode atom = parse_atom(depth);
      if (error_) return {};
      parse_quantifier(atom);
      if (error_) return {};
      node.children.push_back(std::move(atom));
    }
    if (node.children.empty()) return PatternNode{};
    if (node.children.size() == 1) return std::move(node.children[0]);
    return node;
  }

  // A `{m}`, `{m,}` or `{m,n}` at the current position (without consuming it).
  std::optional<Quantifier> peek_braces(size_t& length) const {
    size_t i = 0;
    if (peek(i) != '{') return std::nullopt;
    ++i;
    const auto read_number = [&](uint32_t& value) {
      // RE2 reads `{01}` as literal text, ECMAScript as a repeat: a leading zero is not a count.
      if (peek(i) == '0' && peek(i + 1) >= '0' && peek(i + 1) <= '9') return false;
      size_t digits = 0;
      uint64_t v = 0;
      while (peek(i) >= '0' && peek(i) <= '9') {
        v = std::min<uint64_t>(v * 10 + (peek(i) - '0'), 10'000'000);
        ++i;
        ++digits;
      }
      value = static_cast<uint32_t>(v);
      return digits > 0;
    };
    Quantifier q;
    if (!read_number(q.min)) return std::nullopt;
    if (peek(i) == '}') {
      q.max = q.min;
    } else if (peek(i) == ',') {
      ++i;
      uint32_t max = 0;
      if (read_number(max)) q.max = max;
      if (peek(i) != '}') return std::nullopt;
    } else {
      return std::nullopt;
    }
    length = i + 1;
    return q;
  }

  bool quantifier_here() const {
    const char32_t c = peek();
    size_t length = 0;
    return c == '*' || c == '+' || c == '?' || peek_braces(length).has_value();
  }

  void parse_quantifier(PatternNode& atom) {
    const size_t start = pos_;
    Quantifier q;
    const char32_t c = peek();
    size_t length = 0;
    if (c == '*') {
      q = {0, std::nullopt};
      ++pos_;
    } else if (c == '+') {
      q = {1, std::nullopt};
      ++pos_;
    } else if (c == '?') {
      q = {0, 1};
      ++pos_;
    } else if (auto braces = peek_braces(length)) {
      q = *braces;
      pos_ += length;
    } else {
      return;
    }
    if (q.min > kMaxPatternRepeat || (q.max && *q.max > kMaxPatternRepeat)) {
      return fail("repeat count over " + std::to_string(kMaxPatternRepeat), start,
                  "counted repetition allows at most " + std::to_string(kMaxPatternRepeat));
    }
    if (q.max && *q.max < q.min) {
      return fail("invalid repeat range", start, "{m,n} with n < m");
    }
    if (peek() == '?') {
      ++pos_;  // lazy: same set of strings
    } else if (peek() == '+') {
      return fail("possessive quantifier", pos_, "possessive quantifiers (a*+) change matching");
    }
    if (quantifier_here()) {
      return fail("nested quantifier", pos_, "a quantifier directly after a quantifier");
    }
    PatternNode repeat;
    repeat.kind = PatternNode::Kind::kRepeat;
    repeat.min_repeat = q.min;
    repeat.max_repeat = q.max;
    repeat.children.push_back(std::move(atom));
    atom = std::move(repeat);
  }

  PatternNode parse_atom(int depth) {
    const char32_t c = peek();
    size_t length = 0;
    switch (c) {
      case '(':
        return parse_group(depth);
      case '[':
        return parse_class();
      case '.':
        ++pos_;
        return class_node(dot_class());
      case '\\': {
        PatternClass chars;
        parse_escape(false, chars);
        return class_node(std::move(chars));
      }
      case '*':
      case '+':
      case '?':
        fail("quantifier without operand", pos_, "nothing to repeat");
        return {};
      case '{':
        if (peek_braces(length)) {
          fail("quantifier without operand", pos_, "nothing to repeat");
        } else {
          fail("unescaped brace", pos_, "write \\{ for a literal brace");
        }
        return {};
      case '}':
        fail("unescaped brace", pos_, "write \\} for a literal brace");
        return {};
      case ']':
        fail("unescaped closing bracket", pos_, "write \\] for a literal bracket");
        return {};
      case '^':
      case '$':
        fail("anchor inside the pattern", pos_,
             "'^' and '$' are supported only as the first and last character");
        return {};
      default:
        ++pos_;
        return class_node(same(CodePointSet::of(c)));
    }
  }

  PatternNode parse_group(int depth) {
    const size_t start = pos_;
    if (depth >= kMaxNesting) {
      fail("nesting too deep", start, "more than 100 nested groups");
      return {};
    }
    ++pos_;
    if (peek() == '?') {
      const char32_t kind = peek(1);
      if (kind == ':') {
        pos_ += 2;
      } else if (kind == '=' || kind == '!') {
        fail("lookahead", start, "lookarounds are not regular");
        return {};
      } else if (kind == '<' && (peek(2) == '=' || peek(2) == '!')) {
        fail("lookbehind", start, "lookarounds are not regular");
        return {};
      } else if (kind == '<' || kind == '\'' || (kind == 'P' && peek(2) == '<')) {
        fail("named group", start, "use (...) or (?:...)");
        return {};
      } else if (kind == 'P' && peek(2) == '=') {
        fail("backreference", start, "backreferences are not regular");
        return {};
      } else if (kind == '>') {
        fail("atomic group", start, "atomic groups change matching");
        return {};
      } else if (kind == '#') {
        fail("comment group", start, "remove the comment");
        return {};
      } else if (is_ascii_alnum(kind) || kind == '-' || kind == '^') {
        fail("inline flags", start, "flags such as (?i) change matching");
        return {};
      } else {
        fail("group modifier", start, "unknown (?... group");
        return {};
      }
    }
    PatternNode inner = parse_alternation(depth + 1);
    if (error_) return {};
    if (peek() != ')') {
      fail("unterminated group", start, "'(' without a matching ')'");
      return {};
    }
    ++pos_;
    return inner;
  }

  // Parses an escape at `\`. Returns true with `literal` set for a single character; a class
  // escape fills `chars` (single characters fill it too).
  bool parse_escape(bool in_class, PatternClass& chars, char32_t* literal = nullptr) {
    const size_t start = pos_;
    ++pos_;
    if (at_end()) {
      fail("trailing backslash", start, "the pattern ends with '\\'");
      return false;
    }
    const char32_t c = peek();
    ++pos_;
    if (auto set = class_escape(c)) {
      chars = std::move(*set);
      return false;
    }
    char32_t value = 0;
    switch (c) {
      case 'n':
        value = '\n';
        break;
      case 't':
        value = '\t';
        break;
      case 'r':
        value = '\r';
        break;
      case 'f':
        value = '\f';
        break;
      case 'x':
        if (!hex_escape(start, value)) return false;
        break;
      default:
        if (c >= 0x80 || is_ascii_alnum(c)) {
          reject_escape(c, in_class, start);
          return false;
        }
        value = c;  // escaped punctuation
    }
    chars = same(CodePointSet::of(value));
    if (literal) *literal = value;
    return true;
  }

  // The class of `\d \D \w \W \s \S \v`, else nullopt.
  static std::optional<PatternClass> class_escape(char32_t c) {
    switch (c) {
      case 'd':
        return digit_class();
      case 'D':
        return negate(digit_class());
      case 'w':
        return word_class();
      case 'W':
        return negate(word_class());
      case 's':
        return space_class();
      case 'S':
        return negate(space_class());
      case 'v':
        return vertical_tab_class();
      default:
        return std::nullopt;
    }
  }

  // `\xHH` after the `x`; `start` is the backslash.
  bool hex_escape(size_t start, char32_t& value) {
    if (peek() == '{') {
      fail("braced hex escape", start, "\\x{...} is not ECMAScript; use \\xHH");
      return false;
    }
    const auto hex = [](char32_t h) -> int {
      if (h >= '0' && h <= '9') return static_cast<int>(h - '0');
      if (h >= 'a' && h <= 'f') return static_cast<int>(h - 'a' + 10);
      if (h >= 'A' && h <= 'F') return static_cast<int>(h - 'A' + 10);
      return -1;
    };
    const int high = hex(peek());
    const int low = hex(peek(1));
    if (high < 0 || low < 0) {
      fail("invalid hex escape", start, "\\x needs two hex digits");
      return false;
    }
    pos_ += 2;
    value = static_cast<char32_t>(high * 16 + low);
    return true;
  }

  // Fails on an escape of a letter, digit or non-ASCII character the subset does not have.
  void reject_escape(char32_t c, bool in_class, size_t start) {
    switch (c) {
      case 'u':
        return fail("unicode escape", start, "\\u is not supported by RE2; write the character");
      case 'p':
      case 'P':
        return fail("unicode property class", start, "\\p{..} classes are not supported");
      case 'b':
        if (in_class) {
          return fail("backspace escape", start, "[\\b] means backspace in ECMAScript only");
        }
        return fail("word boundary", start, "\\b is not supported");
      case 'B':
        return fail("word boundary", start, "\\B is not supported");
      case 'A':
      case 'z':
      case 'Z':
      case 'G':
        return fail("anchor escape", start, "use ^ and $ at the pattern ends");
      case 'k':
        return fail("backreference", start, "backreferences are not regular");
      case '0':
        return fail("octal escape", start, "\\0 and octal escapes are not supported");
      case 'c':
        return fail("control escape", start, "\\cX is not supported");
      case 'Q':
      case 'E':
        return fail("quoted literal", start, "\\Q...\\E is not supported");
      case 'C':
        return fail("single byte escape", start, "\\C is not supported");
      default:
        break;
    }
    if (c >= '1' && c <= '9') return fail("backreference", start, "backreferences are not regular");
    fail("unknown escape", start, "only punctuation may be escaped");
  }

  // One class member: a literal (returns true, sets `literal`) or a class escape.
  bool parse_class_item(PatternClass& chars, char32_t& literal) {
    if (peek() == '\\') return parse_escape(true, chars, &literal);
    literal = peek();
    chars = same(CodePointSet::of(literal));
    ++pos_;
    return true;
  }

  PatternNode parse_class() {
    const size_t start = pos_;
    ++pos_;
    bool negated = false;
    if (peek() == '^') {
      negated = true;
      ++pos_;
    }
    if (peek() == ']') {
      fail("leading ']' in class", pos_, "engines disagree on [] and []...]; escape it as \\]");
      return {};
    }
    PatternClass members;
    for (;;) {
      if (at_end()) {
        fail("unterminated class", start, "'[' without a matching ']'");
        return {};
      }
      const char32_t c = peek();
      if (c == ']') {
        ++pos_;
        break;
      }
      if (c == '[') {
        const char32_t next = peek(1);
        if (next == ':' || next == '=' || next == '.') {
          fail("POSIX class", pos_, "[[:alpha:]] and friends are not ECMAScript");
        } else {
          fail("nested class", pos_, "engines disagree on '[' inside a class; escape it as \\[");
        }
        return {};
      }
      if (c == '&' && peek(1) == '&') {
        fail("class intersection", pos_, "&& means intersection in Java only; escape it");
        return {};
      }
      const size_t item_start = pos_;
      PatternClass item;
      char32_t low = 0;
      const bool is_literal = parse_class_item(item, low);
      if (error_) return {};
      if (peek() == '-' && peek(1) != ']' && peek(1) != kNone) {
        if (!is_literal) {
          fail("class escape in range", item_start, "a class escape cannot bound a range");
          return {};
        }
        ++pos_;
        if (peek() == '[') {
          fail("nested class", pos_, "engines disagree on '[' inside a class; escape it as \\[");
          return {};
        }
        const size_t high_start = pos_;
        PatternClass high_item;
        char32_t high = 0;
        if (!parse_class_item(high_item, high)) {
          if (!error_)
            fail("class escape in range", high_start, "a class escape cannot bound a range");
          return {};
        }
        if (high < low) {
          fail("invalid range", item_start, "range end before range start");
          return {};
        }
        members.sure.add(low, high);
        members.re2.add(low, high);
        members.possible.add(low, high);
      } else {
        members.sure.add(item.sure);
        members.re2.add(item.re2);
        members.possible.add(item.possible);
      }
    }
    return class_node(negated ? negate(members) : members);
  }

  std::string_view source_;
  std::vector<char32_t> code_points_;
  std::vector<size_t> offsets_;
  size_t pos_ = 0;
  size_t end_ = 0;
  std::optional<size_t> top_level_bar_;
  std::optional<PatternSyntaxError> error_;
};

}  // namespace

std::string PatternSyntaxError::to_string() const {
  return construct + " at byte " + std::to_string(offset) + ": " + detail;
}

PatternNode class_node(PatternClass chars) {
  PatternNode node;
  node.kind = PatternNode::Kind::kClass;
  node.chars = std::move(chars);
  return node;
}

// `.`: RE2 excludes only \n; ECMAScript and Java also exclude \r, U+2028, U+2029 (Java U+0085).
PatternClass dot_class() {
  const CodePointSet all = CodePointSet::all();
  CodePointSet sure_excluded;
  for (char32_t c : {U'\n', U'\r', char32_t{0x85}, char32_t{0x2028}, char32_t{0x2029}}) {
    sure_excluded.add(c, c);
  }
  const CodePointSet re2 = all.minus(CodePointSet::of('\n'));
  return PatternClass{all.minus(sure_excluded), re2, re2};
}

Result<PatternSyntax, PatternSyntaxError> parse_pattern_syntax(std::string_view pattern) {
  return Parser(pattern).run();
}

}  // namespace lpe::spec
