// Helpers shared by the fuzz targets: a failure macro that works the same under libFuzzer and the
// standalone replay runner, and a reader that turns fuzzer bytes into structured choices without
// allocating (so the targets stay fast).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace lpe::fuzz {

// Prints what broke (and `detail`) to stderr, then aborts, so libFuzzer saves the input as a crash
// and ctest's corpus replay fails.
[[noreturn]] inline void fail(const char* condition, const char* file, int line,
                              const std::string& detail) {
  std::fprintf(stderr, "\n%s:%d: fuzz property violated: %s\n%s\n", file, line, condition,
               detail.c_str());
  std::fflush(stderr);
  std::abort();
}

// Bytes made printable for failure messages: printable ASCII kept, the rest as \xHH.
inline std::string escape(std::string_view bytes, size_t max_length = 2048) {
  std::string out;
  for (size_t i = 0; i < bytes.size() && i < max_length; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  if (bytes.size() > max_length) out += "...";
  return out;
}

// Reads choices from fuzzer bytes front to back; once the bytes run out every answer is the
// smallest one, so any input is a valid recipe. Returned views point into the input.
class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  size_t remaining() const { return size_ - pos_; }
  bool empty() const { return pos_ == size_; }

  // The next byte, 0 when exhausted.
  uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }

  bool boolean() { return (byte() & 1) != 0; }

  // A value in [lo, hi] (inclusive), reading only as many bytes as the range needs.
  uint64_t integer(uint64_t lo, uint64_t hi) {
    if (lo >= hi) return lo;
    const uint64_t span = hi - lo;
    uint64_t value = 0;
    for (uint64_t left = span; left != 0 && !empty(); left >>= 8) value = (value << 8) | byte();
    return span == UINT64_MAX ? lo + value : lo + value % (span + 1);
  }

  // A string of at most `max_length` bytes: its length (as integer(0, max_length) reads it, one
  // byte up to 255), then the bytes themselves (fewer when the input runs out).
  std::string_view string(size_t max_length) {
    size_t length = integer(0, max_length);
    if (length > remaining()) length = remaining();
    const std::string_view out(reinterpret_cast<const char*>(data_ + pos_), length);
    pos_ += length;
    return out;
  }

  // Everything not read yet.
  std::string_view rest() {
    const std::string_view out(reinterpret_cast<const char*>(data_ + pos_), size_ - pos_);
    pos_ = size_;
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace lpe::fuzz

// Checks a fuzz property; `detail` (a std::string expression) is only evaluated on failure.
#define LPE_FUZZ_CHECK(condition, detail)                          \
  do {                                                             \
    if (!(condition)) {                                            \
      ::lpe::fuzz::fail(#condition, __FILE__, __LINE__, (detail)); \
    }                                                              \
  } while (false)
