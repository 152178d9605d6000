#include "wire/json_guard.h"

namespace lpe::wire {

Status check_json_text(std::string_view text, size_t max_depth) {
  size_t depth = 0;
  size_t line = 1;
  size_t line_start = 0;
  bool in_string = false;
  const auto at = [&](size_t i) {
    return "line " + std::to_string(line) + ", column " + std::to_string(i - line_start + 1);
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\0') return fail("a NUL byte at " + at(i) + " (JSON text never holds one)");
    if (c == '\n') {
      ++line;
      line_start = i + 1;
    }
    if (in_string) {
      if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\0') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        return fail("nested deeper than " + std::to_string(max_depth) + " levels at " + at(i));
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return {};
}

}  // namespace lpe::wire
