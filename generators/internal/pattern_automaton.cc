#include "generators/internal/pattern_automaton.h"

#include <algorithm>
#include <deque>
#include <unordered_map>

namespace lpe::generators::internal {

// ---------------------------------------------------------------------------------------------
// CharSet

CharSet CharSet::range(char32_t lo, char32_t hi) {
  CharSet set;
  set.add(lo, hi);
  return set;
}

void CharSet::add(char32_t lo, char32_t hi) {
  hi = std::min(hi, kMaxCodePoint);
  if (lo > hi) return;
  if (lo <= 0xDFFF && hi >= 0xD800) {
    if (lo < 0xD800) ranges_.emplace_back(lo, 0xD7FF);
    if (hi > 0xDFFF) ranges_.emplace_back(0xE000, hi);
  } else {
    ranges_.emplace_back(lo, hi);
  }
  normalize();
}

void CharSet::add(const CharSet& other) {
  ranges_.insert(ranges_.end(), other.ranges_.begin(), other.ranges_.end());
  normalize();
}

void CharSet::normalize() {
  std::sort(ranges_.begin(), ranges_.end());
  std::vector<Range> merged;
  for (const Range& r : ranges_) {
    if (!merged.empty() && r.first <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, r.second);
    } else {
      merged.push_back(r);
    }
  }
  ranges_ = std::move(merged);
}

CharSet CharSet::complement() const {
  CharSet out;
  char32_t next = 0;
  for (const Range& r : ranges_) {
    if (r.first > next) out.add(next, r.first - 1);
    next = r.second + 1;
  }
  if (next <= kMaxCodePoint) out.add(next, kMaxCodePoint);
  return out;
}

CharSet CharSet::intersect(const CharSet& other) const {
  CharSet out;
  size_t i = 0;
  size_t j = 0;
  while (i < ranges_.size() && j < other.ranges_.size()) {
    const char32_t lo = std::max(ranges_[i].first, other.ranges_[j].first);
    const char32_t hi = std::min(ranges_[i].second, other.ranges_[j].second);
    if (lo <= hi) out.ranges_.emplace_back(lo, hi);
    if (ranges_[i].second < other.ranges_[j].second) {
      ++i;
    } else {
      ++j;
    }
  }
  out.normalize();
  return out;
}

bool CharSet::contains(char32_t c) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), c,
                             [](char32_t value, const Range& r) { return value < r.first; });
  if (it == ranges_.begin()) return false;
  --it;
  return c <= it->second;
}

uint64_t CharSet::size() const {
  uint64_t total = 0;
  for (const Range& r : ranges_) total += static_cast<uint64_t>(r.second - r.first) + 1;
  return total;
}

char32_t CharSet::nth(uint64_t index) const {
  for (const Range& r : ranges_) {
    const uint64_t width = static_cast<uint64_t>(r.second - r.first) + 1;
    if (index < width) return static_cast<char32_t>(r.first + index);
    index -= width;
  }
  return ranges_.empty() ? 0 : ranges_.back().second;
}

// ---------------------------------------------------------------------------------------------
// UTF-8

namespace {

// Decodes one code point at `i`; returns its byte length, 0 when invalid.
size_t decode_one(std::string_view text, size_t i, char32_t& out) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    out = b0;
    return 1;
  }
  size_t length = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2;
    value = b0 & 0x1F;
    minimum = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3;
    value = b0 & 0x0F;
    minimum = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4;
    value = b0 & 0x07;
    minimum = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    const unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) return 0;
    value = (value << 6) | (b & 0x3F);
  }
  if (value < minimum || value > kMaxCodePoint || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  out = value;
  return length;
}

}  // namespace

std::optional<std::vector<char32_t>> decode_utf8(std::string_view text) {
  std::vector<char32_t> out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    char32_t c = 0;
    const size_t n = decode_one(text, i, c);
    if (n == 0) return std::nullopt;
    out.push_back(c);
    i += n;
  }
  return out;
}

void append_utf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::string encode_utf8(const std::vector<char32_t>& code_points) {
  std::string out;
  out.reserve(code_points.size());
  for (char32_t c : code_points) append_utf8(c, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Character classes of the escapes and `.`

namespace {

ClassPair same(CharSet set) { return ClassPair{set, set}; }

ClassPair negate(const ClassPair& pair) {
  return ClassPair{pair.possible.complement(), pair.sure.complement()};
}

ClassPair digit_class() { return same(CharSet::range('0', '9')); }

ClassPair word_class() {
  CharSet set = CharSet::range('0', '9');
  set.add('A', 'Z');
  set.add('a', 'z');
  set.add('_', '_');
  return same(set);
}

// `\s`: RE2 matches [\t\n\f\r ]; Java adds \v; ECMAScript adds \v and Unicode spaces.
ClassPair space_class() {
  CharSet sure;
  sure.add('\t', '\n');
  sure.add('\f', '\r');
  sure.add(' ', ' ');
  CharSet possible = sure;
  possible.add('\v', '\v');
  for (char32_t c : {0xA0, 0x1680, 0x202F, 0x205F, 0x3000, 0xFEFF, 0x2028, 0x2029}) {
    possible.add(c, c);
  }
  possible.add(0x2000, 0x200A);
  return ClassPair{sure, possible};
}

// `.`: RE2 excludes only \n; ECMAScript and Java also exclude \r, U+2028, U+2029 (Java U+0085).
ClassPair dot_class() {
  CharSet all = CharSet::all();
  CharSet sure_excluded;
  for (char32_t c : {U'\n', U'\r', char32_t{0x85}, char32_t{0x2028}, char32_t{0x2029}}) {
    sure_excluded.add(c, c);
  }
  return ClassPair{all.minus(sure_excluded), all.minus(CharSet::of('\n'))};
}

// `\v`: vertical tab in RE2 and ECMAScript, any vertical whitespace in Java.
ClassPair vertical_tab_class() {
  CharSet possible;
  possible.add('\n', '\r');
  possible.add(0x85, 0x85);
  possible.add(0x2028, 0x2029);
  return ClassPair{CharSet::of('\v'), possible};
}

// Filler standing for `.*` on an unanchored side: drawn like `.`, but any character may be there.
ClassPair filler_class() { return ClassPair{dot_class().sure, CharSet::all()}; }

Node class_node(ClassPair chars) {
  Node node;
  node.kind = Node::Kind::kClass;
  node.chars = std::move(chars);
  return node;
}

bool is_ascii_alnum(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

constexpr char32_t kNone = 0xFFFFFFFF;
constexpr int kMaxNesting = 100;

// ---------------------------------------------------------------------------------------------
// Parser

struct Quantifier {
  uint32_t min = 0;
  std::optional<uint32_t> max;
};

class Parser {
 public:
  explicit Parser(std::string_view source) : source_(source) {}

  std::variant<ParsedPattern, PatternLimitation> run() {
    size_t bad_offset = 0;
    if (!decode(bad_offset)) {
      return PatternLimitation{
          "invalid UTF-8", bad_offset,
          "invalid UTF-8 at byte " + std::to_string(bad_offset) + ": patterns must be UTF-8 text"};
    }
    ParsedPattern parsed;
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
      const size_t n = decode_one(source_, i, c);
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
    error_ = PatternLimitation{construct, offset,
                               construct + " at byte " + std::to_string(offset) +
                                   " is not supported by the pattern generator: " + what};
  }

  Node parse_alternation(int depth) {
    std::vector<Node> branches;
    branches.push_back(parse_concat(depth));
    while (!error_ && peek() == '|') {
      if (depth == 0 && !top_level_bar_) top_level_bar_ = pos_;
      ++pos_;
      branches.push_back(parse_concat(depth));
    }
    if (branches.size() == 1) return std::move(branches[0]);
    Node node;
    node.kind = Node::Kind::kAlternation;
    node.children = std::move(branches);
    return node;
  }

  Node parse_concat(int depth) {
    Node node;
    node.kind = Node::Kind::kConcat;
    while (!error_ && !at_end() && peek() != '|' && peek() != ')') {
      Node atom = parse_atom(depth);
      if (error_) return {};
      parse_quantifier(atom);
      if (error_) return {};
      node.children.push_back(std::move(atom));
    }
    if (node.children.empty()) return Node{};
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

  void parse_quantifier(Node& atom) {
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
      return fail("repeat count over 1000", start,
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
    Node repeat;
    repeat.kind = Node::Kind::kRepeat;
    repeat.min_repeat = q.min;
    repeat.max_repeat = q.max;
    repeat.children.push_back(std::move(atom));
    atom = std::move(repeat);
  }

  Node parse_atom(int depth) {
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
        ClassPair chars;
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
        return class_node(same(CharSet::of(c)));
    }
  }

  Node parse_group(int depth) {
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
    Node inner = parse_alternation(depth + 1);
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
  bool parse_escape(bool in_class, ClassPair& chars, char32_t* literal = nullptr) {
    const size_t start = pos_;
    ++pos_;
    if (at_end()) {
      fail("trailing backslash", start, "the pattern ends with '\\'");
      return false;
    }
    const char32_t c = peek();
    ++pos_;
    const auto single = [&](char32_t value) {
      chars = same(CharSet::of(value));
      if (literal) *literal = value;
      return true;
    };
    switch (c) {
      case 'd':
        chars = digit_class();
        return false;
      case 'D':
        chars = negate(digit_class());
        return false;
      case 'w':
        chars = word_class();
        return false;
      case 'W':
        chars = negate(word_class());
        return false;
      case 's':
        chars = space_class();
        return false;
      case 'S':
        chars = negate(space_class());
        return false;
      case 'v':
        chars = vertical_tab_class();
        return false;
      case 'n':
        return single('\n');
      case 't':
        return single('\t');
      case 'r':
        return single('\r');
      case 'f':
        return single('\f');
      case 'x': {
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
        return single(static_cast<char32_t>(high * 16 + low));
      }
      case 'u':
        fail("unicode escape", start, "\\u is not supported by RE2; write the character");
        return false;
      case 'p':
      case 'P':
        fail("unicode property class", start, "\\p{..} classes are not supported");
        return false;
      case 'b':
        if (in_class) {
          fail("backspace escape", start, "[\\b] means backspace in ECMAScript only");
        } else {
          fail("word boundary", start, "\\b is not supported");
        }
        return false;
      case 'B':
        fail("word boundary", start, "\\B is not supported");
        return false;
      case 'A':
      case 'z':
      case 'Z':
      case 'G':
        fail("anchor escape", start, "use ^ and $ at the pattern ends");
        return false;
      case 'k':
        fail("backreference", start, "backreferences are not regular");
        return false;
      case '0':
        fail("octal escape", start, "\\0 and octal escapes are not supported");
        return false;
      case 'c':
        fail("control escape", start, "\\cX is not supported");
        return false;
      case 'Q':
      case 'E':
        fail("quoted literal", start, "\\Q...\\E is not supported");
        return false;
      case 'C':
        fail("single byte escape", start, "\\C is not supported");
        return false;
      default:
        break;
    }
    if (c >= '1' && c <= '9') {
      fail("backreference", start, "backreferences are not regular");
      return false;
    }
    if (c < 0x80 && !is_ascii_alnum(c)) return single(c);
    fail("unknown escape", start, "only punctuation may be escaped");
    return false;
  }

  // One class member: a literal (returns true, sets `literal`) or a class escape.
  bool parse_class_item(ClassPair& chars, char32_t& literal) {
    if (peek() == '\\') return parse_escape(true, chars, &literal);
    literal = peek();
    chars = same(CharSet::of(literal));
    ++pos_;
    return true;
  }

  Node parse_class() {
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
    ClassPair members;
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
      ClassPair item;
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
        ClassPair high_item;
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
        members.possible.add(low, high);
      } else {
        members.sure.add(item.sure);
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
  std::optional<PatternLimitation> error_;
};

// ---------------------------------------------------------------------------------------------
// Position automaton (Glushkov construction)

struct Fragment {
  bool nullable = true;
  std::vector<uint32_t> first;
  std::vector<uint32_t> last;
};

std::vector<uint32_t> merge(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  std::vector<uint32_t> out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

constexpr std::u32string_view kPreferredAscii =
    U"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
// Non-ASCII (and tab) characters worth trying where allowed: accents, scripts, emoji.
constexpr std::u32string_view kNotable =
    U"\u00e9\u00fc\u00df\u03a9\u0416\u4e2d\u65e5\ud55c\u2764"
    U"\U0001F600\U0001F389\t";

class AutomatonBuilder {
 public:
  AutomatonBuilder() {
    automaton_.positions.emplace_back();
    automaton_.follow.emplace_back();
  }

  bool overflow() const { return overflow_; }
  Automaton& automaton() { return automaton_; }

  Fragment build(const Node& node) {
    if (overflow_) return {};
    switch (node.kind) {
      case Node::Kind::kEmpty:
        return {};
      case Node::Kind::kClass: {
        const uint32_t state = new_position(node.chars);
        return Fragment{false, {state}, {state}};
      }
      case Node::Kind::kConcat: {
        Fragment acc;
        for (const Node& child : node.children) acc = concat(std::move(acc), build(child));
        return acc;
      }
      case Node::Kind::kAlternation: {
        Fragment acc{false, {}, {}};
        for (const Node& child : node.children) {
          Fragment f = build(child);
          acc.nullable = acc.nullable || f.nullable;
          acc.first = merge(acc.first, f.first);
          acc.last = merge(acc.last, f.last);
        }
        return acc;
      }
      case Node::Kind::kRepeat:
        return repeat(node);
    }
    return {};
  }

 private:
  uint32_t new_position(const ClassPair& chars) {
    if (automaton_.positions.size() > kMaxPositions) {
      overflow_ = true;
      return 0;
    }
    Position p;
    p.chars = chars;
    for (char32_t c : kPreferredAscii) {
      if (chars.sure.contains(c)) p.preferred_ascii.push_back(c);
    }
    for (char32_t c = 0x20; c <= 0x7E; ++c) {
      if (!is_ascii_alnum(c) && chars.sure.contains(c)) p.preferred_ascii.push_back(c);
    }
    p.other = chars.sure.minus(CharSet::range(0x20, 0x7E));
    for (char32_t c : kNotable) {
      if (p.other.contains(c)) p.notable_other.push_back(c);
    }
    for (const CharSet::Range& r : p.other.ranges()) {
      p.other_edges.push_back(r.first);
      if (r.second != r.first) p.other_edges.push_back(r.second);
    }
    automaton_.positions.push_back(std::move(p));
    automaton_.follow.emplace_back();
    return static_cast<uint32_t>(automaton_.positions.size() - 1);
  }

  void connect(const std::vector<uint32_t>& from, const std::vector<uint32_t>& to) {
    if (overflow_) return;
    edges_ += from.size() * to.size();
    if (edges_ > kMaxEdges) {
      overflow_ = true;
      return;
    }
    for (uint32_t p : from) {
      auto& list = automaton_.follow[p];
      list.insert(list.end(), to.begin(), to.end());
    }
  }

  Fragment concat(Fragment a, Fragment b) {
    connect(a.last, b.first);
    Fragment out;
    out.nullable = a.nullable && b.nullable;
    out.first = a.nullable ? merge(a.first, b.first) : std::move(a.first);
    out.last = b.nullable ? merge(a.last, b.last) : std::move(b.last);
    return out;
  }

  Fragment loop(Fragment f) {
    connect(f.last, f.first);
    return f;
  }

  static Fragment optional(Fragment f) {
    f.nullable = true;
    return f;
  }

  Fragment repeat(const Node& node) {
    const Node& child = node.children[0];
    const uint32_t min = node.min_repeat;
    if (!node.max_repeat) {
      if (min == 0) return optional(loop(build(child)));
      Fragment acc;
      for (uint32_t i = 0; i + 1 < min && !overflow_; ++i)
        acc = concat(std::move(acc), build(child));
      return concat(std::move(acc), loop(build(child)));
    }
    Fragment acc;
    for (uint32_t i = 0; i < min && !overflow_; ++i) acc = concat(std::move(acc), build(child));
    const uint32_t extra = *node.max_repeat - min;
    if (extra == 0 || overflow_) return acc;
    // x{0,k} as (x(x(x)?)?)? keeps the edge count linear in k.
    std::vector<Fragment> copies;
    for (uint32_t i = 0; i < extra && !overflow_; ++i) copies.push_back(build(child));
    if (overflow_) return {};
    Fragment tail = optional(std::move(copies.back()));
    for (size_t j = copies.size() - 1; j-- > 0;) {
      tail = optional(concat(std::move(copies[j]), std::move(tail)));
    }
    return concat(std::move(acc), std::move(tail));
  }

  Automaton automaton_;
  size_t edges_ = 0;
  bool overflow_ = false;
};

// Which states can still be part of an accepted string built from the `sure` sets.
std::vector<bool> live_states(const Automaton& a) {
  const size_t n = a.state_count();
  const auto usable = [&](uint32_t s) { return s == 0 || !a.positions[s].chars.sure.empty(); };
  std::vector<bool> reach(n, false);
  std::vector<uint32_t> stack{0};
  reach[0] = true;
  while (!stack.empty()) {
    const uint32_t s = stack.back();
    stack.pop_back();
    for (uint32_t t : a.follow[s]) {
      if (!reach[t] && usable(t)) {
        reach[t] = true;
        stack.push_back(t);
      }
    }
  }
  std::vector<bool> coreach(n, false);
  for (uint32_t s = 0; s < n; ++s) {
    if (a.accepting[s] && usable(s)) {
      coreach[s] = true;
      stack.push_back(s);
    }
  }
  while (!stack.empty()) {
    const uint32_t s = stack.back();
    stack.pop_back();
    if (s == 0) continue;  // the start has no predecessors; and s must be usable here
    for (uint32_t p : a.preceding[s]) {
      if (!coreach[p] && usable(p)) {
        coreach[p] = true;
        stack.push_back(p);
      }
    }
  }
  std::vector<bool> live(n);
  for (size_t s = 0; s < n; ++s) live[s] = reach[s] && coreach[s];
  return live;
}

void compute_min_max(Automaton& a) {
  const std::vector<bool> live = live_states(a);
  const size_t n = a.state_count();
  if (!live[0]) {
    a.empty_language = true;
    a.min_length = 0;
    a.max_length = 0;
    return;
  }
  // Shortest: BFS over live states.
  std::vector<uint64_t> dist(n, UINT64_MAX);
  std::deque<uint32_t> queue{0};
  dist[0] = 0;
  uint64_t shortest = UINT64_MAX;
  while (!queue.empty()) {
    const uint32_t s = queue.front();
    queue.pop_front();
    if (a.accepting[s]) shortest = std::min(shortest, dist[s]);
    for (uint32_t t : a.follow[s]) {
      if (live[t] && dist[t] == UINT64_MAX) {
        dist[t] = dist[s] + 1;
        queue.push_back(t);
      }
    }
  }
  a.min_length = shortest;
  // Longest: a cycle among live states means unbounded; otherwise longest path in the DAG.
  std::vector<size_t> indegree(n, 0);
  size_t live_count = 0;
  for (uint32_t s = 0; s < n; ++s) {
    if (!live[s]) continue;
    ++live_count;
    for (uint32_t t : a.follow[s]) {
      if (live[t]) ++indegree[t];
    }
  }
  std::vector<uint32_t> order;
  for (uint32_t s = 0; s < n; ++s) {
    if (live[s] && indegree[s] == 0) order.push_back(s);
  }
  for (size_t i = 0; i < order.size(); ++i) {
    for (uint32_t t : a.follow[order[i]]) {
      if (live[t] && --indegree[t] == 0) order.push_back(t);
    }
  }
  if (order.size() < live_count) {
    a.max_length = std::nullopt;
    return;
  }
  std::vector<int64_t> longest(n, -1);
  longest[0] = 0;
  uint64_t best = 0;
  for (uint32_t s : order) {
    if (longest[s] < 0) continue;
    if (a.accepting[s]) best = std::max(best, static_cast<uint64_t>(longest[s]));
    for (uint32_t t : a.follow[s]) {
      if (live[t]) longest[t] = std::max(longest[t], longest[s] + 1);
    }
  }
  a.max_length = best;
}

}  // namespace

std::variant<ParsedPattern, PatternLimitation> parse_pattern(std::string_view pattern) {
  return Parser(pattern).run();
}

std::variant<Automaton, PatternLimitation> build_automaton(const ParsedPattern& parsed) {
  Node root = parsed.root;
  const auto filler = [] {
    Node star;
    star.kind = Node::Kind::kRepeat;
    star.min_repeat = 0;
    star.children.push_back(class_node(filler_class()));
    return star;
  };
  if (!parsed.anchored_start || !parsed.anchored_end) {
    Node wrapped;
    wrapped.kind = Node::Kind::kConcat;
    if (!parsed.anchored_start) wrapped.children.push_back(filler());
    wrapped.children.push_back(std::move(root));
    if (!parsed.anchored_end) wrapped.children.push_back(filler());
    root = std::move(wrapped);
  }
  AutomatonBuilder builder;
  Fragment fragment = builder.build(root);
  if (builder.overflow()) {
    return PatternLimitation{"pattern too large", 0,
                             "pattern too large: after expanding counted repetitions it needs more "
                             "than " +
                                 std::to_string(kMaxPositions) + " positions or " +
                                 std::to_string(kMaxEdges) + " transitions"};
  }
  Automaton a = std::move(builder.automaton());
  a.follow[0] = fragment.first;
  a.accepting.assign(a.state_count(), false);
  a.accepting[0] = fragment.nullable;
  for (uint32_t s : fragment.last) a.accepting[s] = true;
  a.preceding.assign(a.state_count(), {});
  for (uint32_t s = 0; s < a.state_count(); ++s) {
    auto& list = a.follow[s];
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    for (uint32_t t : list) a.preceding[t].push_back(s);
  }
  compute_min_max(a);
  return a;
}

LengthTable compute_lengths(const Automaton& a, uint64_t cap) {
  const size_t n = a.state_count();
  LengthTable table;
  table.cap = cap;
  table.words_per_state = static_cast<size_t>(cap / 64 + 1);
  table.bits.assign(n * table.words_per_state, 0);
  const size_t set_words = n / 64 + 1;
  const auto set_bit = [&](uint32_t state, uint64_t length) {
    table.bits[state * table.words_per_state + length / 64] |= uint64_t{1} << (length % 64);
  };
  const auto usable = [&](uint32_t s) { return s != 0 && !a.positions[s].chars.sure.empty(); };

  // layers[t]: the states from which exactly t more characters can complete a match.
  std::vector<std::vector<uint64_t>> layers;
  std::unordered_map<uint64_t, std::vector<size_t>> seen;
  const auto record = [&](const std::vector<uint64_t>& layer, uint64_t length) {
    for (size_t w = 0; w < set_words; ++w) {
      for (uint64_t word = layer[w]; word != 0; word &= word - 1) {
        set_bit(static_cast<uint32_t>(w * 64 + __builtin_ctzll(word)), length);
      }
    }
  };
  std::vector<uint64_t> current(set_words, 0);
  for (uint32_t s = 0; s < n; ++s) {
    if (a.accepting[s]) current[s / 64] |= uint64_t{1} << (s % 64);
  }
  for (uint64_t t = 0; t <= cap; ++t) {
    if (t > 0) {
      std::vector<uint64_t> next(set_words, 0);
      for (size_t w = 0; w < set_words; ++w) {
        for (uint64_t word = current[w]; word != 0; word &= word - 1) {
          const auto s = static_cast<uint32_t>(w * 64 + __builtin_ctzll(word));
          if (!usable(s)) continue;
          for (uint32_t p : a.preceding[s]) next[p / 64] |= uint64_t{1} << (p % 64);
        }
      }
      current = std::move(next);
    }
    record(current, t);
    // The layers are a function of the previous one, so a repeated layer repeats forever.
    uint64_t hash = 1469598103934665603ULL;
    for (uint64_t word : current) hash = (hash ^ word) * 1099511628211ULL;
    auto& bucket = seen[hash];
    for (size_t earlier : bucket) {
      if (layers[earlier] == current) {
        const uint64_t period = t - earlier;
        for (uint64_t later = t + 1; later <= cap; ++later) {
          record(layers[earlier + (later - earlier) % period], later);
        }
        return table;
      }
    }
    bucket.push_back(static_cast<size_t>(t));
    layers.push_back(current);
  }
  return table;
}

bool possibly_accepts(const Automaton& a, const std::vector<char32_t>& code_points) {
  std::vector<uint32_t> current{0};
  std::vector<uint32_t> next;
  std::vector<char> marked(a.state_count(), 0);
  for (char32_t c : code_points) {
    next.clear();
    for (uint32_t s : current) {
      for (uint32_t t : a.follow[s]) {
        if (!marked[t] && a.positions[t].chars.possible.contains(c)) {
          marked[t] = 1;
          next.push_back(t);
        }
      }
    }
    for (uint32_t t : next) marked[t] = 0;
    if (next.empty()) return false;
    std::swap(current, next);
  }
  for (uint32_t s : current) {
    if (a.accepting[s]) return true;
  }
  return false;
}

}  // namespace lpe::generators::internal
