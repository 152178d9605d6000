#include "validators/internal/json_tape.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

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

bool is_ascii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
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

  bool parse() {
    enum class Next { kValue, kKey, kAfterValue };
    Next next = Next::kValue;
    while (true) {
      switch (next) {
        case Next::kValue: {
          skip_ws();
          if (pos_ >= in_.size()) return fail("unexpected end of input, expected a value");
          const char c = in_[pos_];
          if (c == '{' || c == '[') {
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
              tape_.nodes[idx].end = static_cast<uint32_t>(tape_.nodes.size());
              tape_.nodes[idx].text_length =
                  static_cast<uint32_t>(pos_) - tape_.nodes[idx].text_offset;
              stack_.pop_back();
              next = Next::kAfterValue;
            } else {
              next = c == '{' ? Next::kKey : Next::kValue;
            }
            continue;
          }
          if (c == '"') {
            if (!string_node()) return false;
          } else if (c == '-' || (c >= '0' && c <= '9')) {
            if (!number_node()) return false;
          } else if (!literal_node()) {
            return false;
          }
          next = Next::kAfterValue;
          continue;
        }
        case Next::kKey: {
          skip_ws();
          if (pos_ >= in_.size() || in_[pos_] != '"') return fail("expected a member name string");
          if (!string_node()) return false;
          skip_ws();
          if (pos_ >= in_.size() || in_[pos_] != ':')
            return fail("expected ':' after a member name");
          ++pos_;
          next = Next::kValue;
          continue;
        }
        case Next::kAfterValue: {
          if (stack_.empty()) {
            skip_ws();
            if (pos_ != in_.size()) return fail("unexpected data after the JSON value");
            return true;
          }
          const uint32_t top = stack_.back();
          Node& container = tape_.nodes[top];
          ++container.size;
          skip_ws();
          if (pos_ >= in_.size()) return fail("unexpected end of input inside a container");
          const char c = in_[pos_];
          const bool object = container.kind == NodeKind::kObject;
          if (c == ',') {
            ++pos_;
            next = object ? Next::kKey : Next::kValue;
            continue;
          }
          if (c == (object ? '}' : ']')) {
            ++pos_;
            container.end = static_cast<uint32_t>(tape_.nodes.size());
            container.text_length = static_cast<uint32_t>(pos_) - container.text_offset;
            stack_.pop_back();
            next = Next::kAfterValue;
            continue;
          }
          return fail(object ? "expected ',' or '}'" : "expected ',' or ']'");
        }
      }
    }
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

  bool string_node() {
    ++pos_;  // opening quote
    const size_t start = pos_;
    bool ascii = true;
    // Fast scan: no escapes is the common case; the text then stays in the input. A block at a
    // time while none needs a closer look, then byte by byte.
    const char* const base = in_.data();
    const char* const end = base + in_.size();
    const char* p = base + pos_;
    while (true) {
      p = skip_plain(p, end);
      if (p == end) break;
      const auto c = static_cast<unsigned char>(*p);
      if (c == '"') {
        pos_ = static_cast<size_t>(p - base);
        const uint32_t idx = push(NodeKind::kString);
        Node& n = tape_.nodes[idx];
        n.text_offset = static_cast<uint32_t>(start);
        n.text_length = static_cast<uint32_t>(pos_ - start);
        n.ascii = ascii;
        ++pos_;
        finish_leaf(idx);
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
    // Slow path: decode escapes into the arena.
    std::string& arena = tape_.arena;
    const size_t arena_start = arena.size();
    arena.append(in_.substr(start, pos_ - start));
    while (pos_ < in_.size()) {
      const auto c = static_cast<unsigned char>(in_[pos_]);
      if (c == '"') {
        const uint32_t idx = push(NodeKind::kString);
        Node& n = tape_.nodes[idx];
        n.in_arena = true;
        n.text_offset = static_cast<uint32_t>(arena_start);
        n.text_length = static_cast<uint32_t>(arena.size() - arena_start);
        n.ascii = is_ascii(std::string_view(arena).substr(arena_start));
        ++pos_;
        finish_leaf(idx);
        return true;
      }
      if (c < 0x20) return fail("control character in a string");
      if (c >= 0x80) {
        const size_t from = pos_;
        if (!utf8_sequence()) return false;
        arena.append(in_.substr(from, pos_ - from));
        continue;
      }
      if (c != '\\') {
        arena += static_cast<char>(c);
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= in_.size()) return fail("unterminated escape");
      const char e = in_[pos_++];
      switch (e) {
        case '"':
          arena += '"';
          break;
        case '\\':
          arena += '\\';
          break;
        case '/':
          arena += '/';
          break;
        case 'b':
          arena += '\b';
          break;
        case 'f':
          arena += '\f';
          break;
        case 'n':
          arena += '\n';
          break;
        case 'r':
          arena += '\r';
          break;
        case 't':
          arena += '\t';
          break;
        case 'u': {
          uint32_t cp;
          if (!read_hex4(cp)) return false;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return fail("lone low surrogate in \\u escape");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (pos_ + 2 > in_.size() || in_[pos_] != '\\' || in_[pos_ + 1] != 'u') {
              return fail("high surrogate not followed by a low surrogate");
            }
            pos_ += 2;
            uint32_t low;
            if (!read_hex4(low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) {
              return fail("high surrogate not followed by a low surrogate");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(arena, cp);
          break;
        }
        default:
          --pos_;
          return fail("invalid escape");
      }
    }
    return fail("unterminated string");
  }

  std::string_view in_;
  int max_depth_;
  Tape& tape_;
  size_t pos_ = 0;
  std::vector<uint32_t>& stack_;
  std::string error_;
};

// nlohmann SAX events -> the same tape.
class NlohmannTapeBuilder {
 public:
  using number_integer_t = int64_t;
  using number_unsigned_t = uint64_t;
  using number_float_t = double;
  using string_t = std::string;
  using binary_t = std::vector<std::uint8_t>;

  NlohmannTapeBuilder(Tape& tape, int max_depth) : tape_(tape), max_depth_(max_depth) {}

  bool null() { return leaf(NodeKind::kNull); }
  bool boolean(bool v) { return leaf(v ? NodeKind::kTrue : NodeKind::kFalse); }
  bool number_integer(int64_t v) {
    Node n = number_node(true);
    n.fits_int64 = true;
    n.int_value = v;
    return add(n);
  }
  bool number_unsigned(uint64_t v) {
    Node n = number_node(true);
    if (v <= static_cast<uint64_t>(INT64_MAX)) {
      n.fits_int64 = true;
      n.int_value = static_cast<int64_t>(v);
    }
    store_text(n, std::to_string(v));
    return add(n);
  }
  bool number_float(double, const std::string& raw) {
    Node n = number_node(raw.find_first_of(".eE") == std::string::npos);
    store_text(n, raw);
    return add(n);
  }
  bool string(std::string& s) {
    Node n;
    n.kind = NodeKind::kString;
    n.ascii = is_ascii(s);
    store_text(n, s);
    return add(n);
  }
  bool binary(binary_t&) { return false; }
  bool key(std::string& s) { return string(s); }
  bool start_object(std::size_t) { return open(NodeKind::kObject); }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(NodeKind::kArray); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) {
    error_ = ex.what();
    if (const auto colon = error_.find(": "); colon != std::string::npos) {
      error_ = error_.substr(colon + 2);
    }
    error_position_ = position;
    return false;
  }

  const std::string& error() const { return error_; }
  bool depth_exceeded() const { return depth_exceeded_; }

 private:
  Node number_node(bool integral) {
    Node n;
    n.kind = NodeKind::kNumber;
    n.integral = integral;
    return n;
  }
  void store_text(Node& n, std::string_view s) {
    n.in_arena = true;
    n.text_offset = static_cast<uint32_t>(tape_.arena.size());
    n.text_length = static_cast<uint32_t>(s.size());
    tape_.arena.append(s);
  }
  bool add(const Node& n) {
    tape_.nodes.append() = n;
    tape_.nodes.back().end = static_cast<uint32_t>(tape_.nodes.size());
    count_child();
    return true;
  }
  bool leaf(NodeKind kind) {
    Node n;
    n.kind = kind;
    return add(n);
  }
  // Values (not keys) count as children; keys are counted by their value.
  void count_child() {
    if (stack_.empty()) return;
    Node& top = tape_.nodes[stack_.back()];
    if (top.kind == NodeKind::kObject) {
      pending_key_ = !pending_key_;
      if (pending_key_) return;  // this was a key
    }
    ++top.size;
  }
  bool open(NodeKind kind) {
    Node n;
    n.kind = kind;
    tape_.nodes.append() = n;
    stack_.push_back(static_cast<uint32_t>(tape_.nodes.size() - 1));
    key_state_.push_back(pending_key_);
    pending_key_ = false;
    if (static_cast<int>(stack_.size()) > max_depth_) {
      depth_exceeded_ = true;
      return false;
    }
    return true;
  }
  bool close() {
    tape_.nodes[stack_.back()].end = static_cast<uint32_t>(tape_.nodes.size());
    stack_.pop_back();
    pending_key_ = key_state_.back();
    key_state_.pop_back();
    count_child();
    return true;
  }

  Tape& tape_;
  int max_depth_;
  std::vector<uint32_t> stack_;
  std::vector<bool> key_state_;
  bool pending_key_ = false;
  bool depth_exceeded_ = false;
  std::string error_;
  size_t error_position_ = 0;
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

std::string read_json_nlohmann(std::string_view input, int max_depth, Tape& tape) {
  tape.clear(input);
  // nlohmann's lexer takes a NUL byte for the end of the input, so `{}\0junk` would pass. A raw
  // NUL is never valid JSON text (not whitespace, and strings must escape it): refuse it first.
  if (input.find('\0') != std::string_view::npos) {
    return "a NUL byte (U+0000) is not allowed in JSON text";
  }
  NlohmannTapeBuilder builder(tape, max_depth);
  const bool ok = nlohmann::json::sax_parse(input, &builder, nlohmann::json::input_format_t::json,
                                            /*strict=*/true, /*ignore_comments=*/false);
  if (ok) return {};
  if (builder.depth_exceeded()) {
    return "nesting deeper than " + std::to_string(max_depth) + " levels";
  }
  return builder.error().empty() ? std::string("invalid JSON") : builder.error();
}

}  // namespace lpe::validators::internal
