#include "validators/internal/json_tape.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace lpe::validators::internal {
namespace {

// "line L, column C" (1-based) of a byte offset, for error messages.
std::string where(std::string_view input, size_t offset) {
  // memchr jumps from newline to newline (most bodies have none), instead of a compare per byte.
  const char* const begin = input.data();
  const char* const stop = begin + std::min(offset, input.size());
  size_t line = 1;
  const char* line_start = begin;
  for (const char* p = begin; p < stop;) {
    const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(stop - p)));
    if (nl == nullptr) break;
    ++line;
    line_start = p = nl + 1;
  }
  const auto column = static_cast<size_t>(stop - line_start) + 1;
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// True when a non-integral number (or an integral one beyond int64) is finite as a double; the
// nlohmann reader rejects numbers that overflow a double, and so does this one, to agree.
bool finite_double(std::string_view text) {
  std::string copy(text);
  const double v = std::strtod(copy.c_str(), nullptr);
  return std::isfinite(v);
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The byte-level reader: one pass, an explicit container stack, no recursion.
class FastReader {
 public:
  FastReader(std::string_view in, int max_depth, Tape& tape)
      : in_(in), max_depth_(max_depth), tape_(tape), stack_(tape.open_containers) {}

  std::string run() {
    tape_.clear(in_);
    if (in_.size() >= 3 && in_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // as nlohmann does
    stack_.clear();
    if (!parse()) return error_;
    return {};
  }

 private:
  bool fail(std::string what) {
    error_ = std::move(what) + " at " + where(in_, pos_);
    return false;
  }

  void skip_ws() {
    const char* p = in_.data() + pos_;
    const char* const end = in_.data() + in_.size();
    while (p != end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) ++p;
    pos_ = static_cast<size_t>(p - in_.data());
  }

  uint32_t push(NodeKind kind) {
    tape_.nodes.append().kind = kind;
    return static_cast<uint32_t>(tape_.nodes.size() - 1);
  }

  void finish_leaf(uint32_t idx) { tape_.nodes[idx].end = idx + 1; }

  // What the reader expects next. The steps of parse() below are forced inline: this loop is the
  // validator's hot path (bench/lpe_bench.cc), and it ran as one function before it had steps.
  enum class Next { kValue, kKey, kAfterValue };

  bool parse() {
    Next next = Next::kValue;
    while (true) {
      switch (next) {
        case Next::kValue:
          if (!value(next)) return false;
          continue;
        case Next::kKey:
          if (!member_name()) return false;
          next = Next::kValue;
          continue;
        case Next::kAfterValue:
          if (stack_.empty()) {
            skip_ws();
            if (pos_ != in_.size()) return fail("unexpected data after the JSON value");
            return true;
          }
          if (!after_value(next)) return false;
          continue;
      }
    }
  }

  // A value: a scalar node, or the opening of a container (`next` says what follows).
  [[gnu::always_inline]] bool value(Next& next) {
    skip_ws();
    if (pos_ >= in_.size()) return fail("unexpected end of input, expected a value");
    const char c = in_[pos_];
    if (c == '{' || c == '[') return open_container(c, next);
    if (c == '"') {
      if (!string_node()) return false;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      if (!number_node()) return false;
    } else if (!literal_node()) {
      return false;
    }
    next = Next::kAfterValue;
    return true;
  }

  // `{` or `[` at pos_: a container node on the stack, closed at once when it is empty.
  [[gnu::always_inline]] bool open_container(char c, Next& next) {
    const uint32_t idx = push(c == '{' ? NodeKind::kObject : NodeKind::kArray);
    tape_.nodes[idx].text_offset = static_cast<uint32_t>(pos_);  // source span start
    stack_.push_back(idx);
    if (static_cast<int>(stack_.size()) > max_depth_) {
      return fail("nesting deeper than " + std::to_string(max_depth_) + " levels");
    }
    ++pos_;
    skip_ws();
    if (pos_ < in_.size() && in_[pos_] == (c == '{' ? '}' : ']')) {
      ++pos_;
      close_container(tape_.nodes[idx]);
      next = Next::kAfterValue;
    } else {
      next = c == '{' ? Next::kKey : Next::kValue;
    }
    return true;
  }

  // The container on top of the stack ends at pos_ (just past its closing bracket).
  [[gnu::always_inline]] void close_container(Node& container) {
    container.end = static_cast<uint32_t>(tape_.nodes.size());
    container.text_length = static_cast<uint32_t>(pos_) - container.text_offset;
    stack_.pop_back();
  }

  // A member name and its ':'.
  [[gnu::always_inline]] bool member_name() {
    skip_ws();
    if (pos_ >= in_.size() || in_[pos_] != '"') return fail("expected a member name string");
    if (!string_node()) return false;
    skip_ws();
    if (pos_ >= in_.size() || in_[pos_] != ':') return fail("expected ':' after a member name");
    ++pos_;
    return true;
  }

  // After a value inside a container: ',' and the next element or member, or the closing bracket.
  [[gnu::always_inline]] bool after_value(Next& next) {
    Node& container = tape_.nodes[stack_.back()];
    ++container.size;
    skip_ws();
    if (pos_ >= in_.size()) return fail("unexpected end of input inside a container");
    const char c = in_[pos_];
    const bool object = container.kind == NodeKind::kObject;
    if (c == ',') {
      ++pos_;
      next = object ? Next::kKey : Next::kValue;
      return true;
    }
    if (c == (object ? '}' : ']')) {
      ++pos_;
      close_container(container);
      next = Next::kAfterValue;
      return true;
    }
    return fail(object ? "expected ',' or '}'" : "expected ',' or ']'");
  }

  bool literal_node() {
    const auto rest = in_.substr(pos_);
    NodeKind kind;
    size_t len;
    if (rest.substr(0, 4) == "true") {
      kind = NodeKind::kTrue;
      len = 4;
    } else if (rest.substr(0, 5) == "false") {
      kind = NodeKind::kFalse;
      len = 5;
    } else if (rest.substr(0, 4) == "null") {
      kind = NodeKind::kNull;
      len = 4;
    } else {
      return fail("unexpected character");
    }
    pos_ += len;
    finish_leaf(push(kind));
    return true;
  }

  bool number_node() {
    const size_t start = pos_;
    bool negative = false;
    if (in_[pos_] == '-') {
      negative = true;
      ++pos_;
    }
    if (pos_ >= in_.size() || in_[pos_] < '0' || in_[pos_] > '9') {
      return fail("expected a digit in a number");
    }
    uint64_t magnitude = 0;
    bool overflow = false;
    if (in_[pos_] == '0') {
      ++pos_;
    } else {
      while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') {
        const auto d = static_cast<uint64_t>(in_[pos_] - '0');
        if (magnitude > (UINT64_MAX - d) / 10) overflow = true;
        if (!overflow) magnitude = magnitude * 10 + d;
        ++pos_;
      }
    }
    bool integral = true;
    if (pos_ < in_.size() && in_[pos_] == '.') {
      integral = false;
      ++pos_;
      if (pos_ >= in_.size() || in_[pos_] < '0' || in_[pos_] > '9') {
        return fail("expected a digit after '.'");
      }
      while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') ++pos_;
    }
    if (pos_ < in_.size() && (in_[pos_] == 'e' || in_[pos_] == 'E')) {
      integral = false;
      ++pos_;
      if (pos_ < in_.size() && (in_[pos_] == '+' || in_[pos_] == '-')) ++pos_;
      if (pos_ >= in_.size() || in_[pos_] < '0' || in_[pos_] > '9') {
        return fail("expected a digit in the exponent");
      }
      while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') ++pos_;
    }
    const uint32_t idx = push(NodeKind::kNumber);
    Node& n = tape_.nodes[idx];
    n.integral = integral;
    n.text_offset = static_cast<uint32_t>(start);
    n.text_length = static_cast<uint32_t>(pos_ - start);
    if (integral && !overflow) {
      if (!negative && magnitude <= static_cast<uint64_t>(INT64_MAX)) {
        n.fits_int64 = true;
        n.int_value = static_cast<int64_t>(magnitude);
      } else if (negative && magnitude <= static_cast<uint64_t>(INT64_MAX) + 1) {
        n.fits_int64 = true;
        n.int_value = static_cast<int64_t>(0 - magnitude);
      }
    }
    // Only numbers outside uint64 become doubles in nlohmann; reject those that overflow one.
    const bool beyond_uint64 = integral ? (overflow || (negative && !n.fits_int64)) : true;
    if (beyond_uint64 && !finite_double(in_.substr(start, pos_ - start))) {
      pos_ = start;
      return fail("number out of range");
    }
    finish_leaf(idx);
    return true;
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool read_hex4(uint32_t& out) {
    if (pos_ + 4 > in_.size()) return fail("incomplete \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = hex(in_[pos_ + i]);
      if (h < 0) return fail("invalid \\u escape");
      v = v * 16 + static_cast<uint32_t>(h);
    }
    pos_ += 4;
    out = v;
    return true;
  }

  // Checks one UTF-8 sequence starting at pos_ (RFC 3629: no overlongs, no surrogates).
  bool utf8_sequence() {
    const auto b0 = static_cast<unsigned char>(in_[pos_]);
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      len = 3;
      if (b0 == 0xE0) lo = 0xA0;
      if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      len = 4;
      if (b0 == 0xF0) lo = 0x90;
      if (b0 == 0xF4) hi = 0x8F;
    } else {
      return fail("invalid UTF-8 byte");
    }
    if (pos_ + len > in_.size()) return fail("truncated UTF-8 sequence");
    for (size_t i = 1; i < len; ++i) {
      const auto b = static_cast<unsigned char>(in_[pos_ + i]);
      if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) {
        return fail("invalid UTF-8 sequence");
      }
    }
    pos_ += len;
    return true;
  }

  // Non-zero when one of the 8 bytes needs a closer look: '"', '\\', a control byte or
  // non-ASCII. The lowest set bit marks the first such byte (later bits may be spurious).
  static uint64_t special_in_word(uint64_t w) {
    constexpr uint64_t kOnes = 0x0101010101010101ULL;
    constexpr uint64_t kHigh = 0x8080808080808080ULL;
    const auto has_zero = [](uint64_t x) { return (x - kOnes) & ~x & kHigh; };
    const uint64_t quote = has_zero(w ^ (kOnes * '"'));
    const uint64_t backslash = has_zero(w ^ (kOnes * '\\'));
    const uint64_t control = (w - kOnes * 0x20) & ~w & kHigh;
    return quote | backslash | control | (w & kHigh);
  }

  // The first byte in [p, end) that needs a closer look inside a string ('"', '\\', a control
  // byte or non-ASCII), or a point from which to go byte by byte; `end` when there is none.
  static const char* skip_plain(const char* p, const char* const end) {
#if defined(__SSE2__)
    // Sixteen bytes at a time; controls and non-ASCII are the signed bytes below 0x20.
    while (end - p >= 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                                        _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                                           _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
      if (const int mask = _mm_movemask_epi8(special); mask != 0) {
        return p + __builtin_ctz(static_cast<unsigned>(mask));
      }
      p += 16;
    }
#endif
    while (end - p >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      if (const uint64_t mask = special_in_word(w); mask != 0) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        p += __builtin_ctzll(mask) / 8;  // straight to the first byte that matters
#endif
        return p;
      }
      p += 8;
    }
    return p;
  }

  // A string node at pos_ (its opening quote). Text without escapes, the common case, stays in
  // the input: a block at a time while none needs a closer look, then byte by byte.
  bool string_node() {
    ++pos_;  // opening quote
    const size_t start = pos_;
    bool ascii = true;
    const char* const base = in_.data();
    const char* const end = base + in_.size();
    const char* p = base + pos_;
    while (true) {
      p = skip_plain(p, end);
      if (p == end) break;
      const auto c = static_cast<unsigned char>(*p);
      if (c == '"') {
        pos_ = static_cast<size_t>(p - base);
        string_leaf(start, pos_ - start, ascii, false);
        return true;
      }
      if (c == '\\') break;
      if (c < 0x20) {
        pos_ = static_cast<size_t>(p - base);
        return fail("control character in a string");
      }
      if (c < 0x80) {
        ++p;
      } else {
        ascii = false;
        pos_ = static_cast<size_t>(p - base);
        if (!utf8_sequence()) return false;
        p = base + pos_;
      }
    }
    pos_ = static_cast<size_t>(p - base);
    if (pos_ >= in_.size()) return fail("unterminated string");
    return escaped_string(start);
  }

  // The string node of text at `offset`, `length` bytes (in the arena or the input); pos_ is at
  // its closing quote.
  [[gnu::always_inline]] void string_leaf(size_t offset, size_t length, bool ascii, bool in_arena) {
    const uint32_t idx = push(NodeKind::kString);
    Node& n = tape_.nodes[idx];
    n.in_arena = in_arena;
    n.text_offset = static_cast<uint32_t>(offset);
    n.text_length = static_cast<uint32_t>(length);
    n.ascii = ascii;
    ++pos_;
    finish_leaf(idx);
  }

  // The rest of a string that has escapes, from its first backslash at pos_: the text from
  // `start` is decoded into the arena.
  [[gnu::noinline]] bool escaped_string(size_t start) {
    std::string& arena = tape_.arena;
    const size_t arena_start = arena.size();
    arena.append(in_.substr(start, pos_ - start));
    while (pos_ < in_.size()) {
      const auto c = static_cast<unsigned char>(in_[pos_]);
      if (c == '"') {
        const size_t length = arena.size() - arena_start;
        string_leaf(arena_start, length, is_ascii(std::string_view(arena).substr(arena_start)),
                    true);
        return true;
      }
      if (c < 0x20) return fail("control character in a string");
      if (c >= 0x80) {
        const size_t from = pos_;
        if (!utf8_sequence()) return false;
        arena.append(in_.substr(from, pos_ - from));
        continue;
      }
      ++pos_;
      if (c != '\\') {
        arena += static_cast<char>(c);
      } else if (!escape(arena)) {
        return false;
      }
    }
    return fail("unterminated string");
  }

  // The escape after a backslash (pos_ is past the backslash), appended decoded to `out`.
  bool escape(std::string& out) {
    static constexpr std::string_view kSimple = "\"\\/bfnrt";
    static constexpr std::string_view kDecoded = "\"\\/\b\f\n\r\t";
    if (pos_ >= in_.size()) return fail("unterminated escape");
    const char e = in_[pos_++];
    if (e == 'u') return unicode_escape(out);
    if (const size_t k = kSimple.find(e); k != std::string_view::npos) {
      out += kDecoded[k];
      return true;
    }
    --pos_;
    return fail("invalid escape");
  }

  // The digits of a \u escape (and of the low surrogate escape that must follow a high one).
  bool unicode_escape(std::string& out) {
    uint32_t cp = 0;
    if (!read_hex4(cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return fail("lone low surrogate in \\u escape");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (pos_ + 2 > in_.size() || in_[pos_] != '\\' || in_[pos_ + 1] != 'u') {
        return fail("high surrogate not followed by a low surrogate");
      }
      pos_ += 2;
      uint32_t low = 0;
      if (!read_hex4(low)) return false;
      if (low < 0xDC00 || low > 0xDFFF) {
        return fail("high surrogate not followed by a low surrogate");
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(out, cp);
    return true;
  }

  std::string_view in_;
  int max_depth_;
  Tape& tape_;
  size_t pos_ = 0;
  std::vector<uint32_t>& stack_;
  std::string error_;
};

}  // namespace

void NodeBuffer::grow() {
  const size_t capacity = capacity_ == 0 ? 64 : capacity_ * 2;
  auto data = std::make_unique<Node[]>(capacity);
  std::copy(data_.get(), data_.get() + size_, data.get());
  data_ = std::move(data);
  capacity_ = capacity;
}

std::string read_json_fast(std::string_view input, int max_depth, Tape& tape) {
  FastReader reader(input, max_depth, tape);
  return reader.run();
}

}  // namespace lpe::validators::internal
