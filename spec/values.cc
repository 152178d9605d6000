// The model helpers that run per request and per response, apart from the model loader
// (spec.cc): fuzz builds leave the loader uninstrumented (fuzz/coverage-ignorelist.txt), and these
// stay instrumented.
#include <re2/re2.h>

#include "spec/internal/ascii_dfa.h"
#include "spec/spec.h"

namespace lpe::spec {

void append_escaped_pointer_token(std::string& out, std::string_view token) {
  bool plain = true;
  for (const char c : token) plain &= c != '~' && c != '/';
  if (plain) {
    out.append(token);  // nothing to escape (the usual member name)
    return;
  }
  for (const char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
}

std::string escape_pointer_token(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  append_escaped_pointer_token(out, token);
  return out;
}

size_t code_point_length(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

bool pattern_matches(const PatternTrait& pattern, std::string_view value) {
  if (pattern.dfa != nullptr) return pattern.dfa->matches(value);
  if (pattern.regex == nullptr) return false;
  return pattern.regex->Match(value, 0, value.size(),
                              pattern.anchored_both ? RE2::ANCHOR_BOTH : RE2::UNANCHORED, nullptr,
                              0);
}

}  // namespace lpe::spec
