// Unicode pieces the pattern front end and its users share: sets of code points and strict UTF-8
// decoding / encoding (no surrogates, no overlong forms).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lpe::spec {

inline constexpr char32_t kMaxCodePoint = 0x10FFFF;

// A set of Unicode scalar values (surrogates never belong to it), as sorted, disjoint,
// non-adjacent inclusive ranges.
class CodePointSet {
 public:
  using Range = std::pair<char32_t, char32_t>;

  CodePointSet() = default;
  static CodePointSet of(char32_t c) { return range(c, c); }
  static CodePointSet range(char32_t lo, char32_t hi);
  static CodePointSet all() { return range(0, kMaxCodePoint); }

  // Adds [lo, hi] (surrogates dropped).
  void add(char32_t lo, char32_t hi);
  void add(const CodePointSet& other);
  CodePointSet complement() const;
  CodePointSet intersect(const CodePointSet& other) const;
  CodePointSet minus(const CodePointSet& other) const { return intersect(other.complement()); }

  bool contains(char32_t c) const;
  bool empty() const { return ranges_.empty(); }
  uint64_t size() const;
  // The index-th member in ascending order; index < size().
  char32_t nth(uint64_t index) const;
  const std::vector<Range>& ranges() const { return ranges_; }

  friend bool operator==(const CodePointSet&, const CodePointSet&) = default;

 private:
  void normalize();
  std::vector<Range> ranges_;
};

// Decodes the code point starting at byte `i` of `text` into `out`; returns its byte length, or 0
// when the bytes there are not valid UTF-8.
size_t decode_utf8_at(std::string_view text, size_t i, char32_t& out);
// The code points of `text`, or nullopt when it is not valid UTF-8.
std::optional<std::vector<char32_t>> decode_utf8(std::string_view text);
void append_utf8(char32_t c, std::string& out);
std::string encode_utf8(const std::vector<char32_t>& code_points);

}  // namespace lpe::spec
