// Text helpers of the mock: header-name comparison and request text quoted in messages.
#pragma once

#include <string>
#include <string_view>

namespace lpe::mock::internal {

// ASCII case-insensitive equality (header names, tokens), independent of the locale.
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto x = static_cast<unsigned char>(a[i]);
    const auto y = static_cast<unsigned char>(b[i]);
    if (x != y && ((x | 0x20) != (y | 0x20) || (x | 0x20) < 'a' || (x | 0x20) > 'z')) return false;
  }
  return true;
}

// Request text quoted in the mock's error messages: every byte outside printable ASCII replaced
// by '?', cut at 200 bytes ("..." then), so that a message never carries control bytes or invalid
// UTF-8 into a response or a log.
inline std::string printable(std::string_view text) {
  constexpr size_t kMaxQuoted = 200;
  std::string out;
  for (const char c : text.substr(0, kMaxQuoted)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7f ? c : '?');
  }
  if (text.size() > kMaxQuoted) out += "...";
  return out;
}

}  // namespace lpe::mock::internal
