#include "validators/internal/message_text.h"

#include <nlohmann/json.hpp>

namespace lpe::validators::internal {

std::string_view kind_name(NodeKind k) {
  switch (k) {
    case NodeKind::kNull:
      return "null";
    case NodeKind::kFalse:
    case NodeKind::kTrue:
      return "a boolean";
    case NodeKind::kNumber:
      return "a number";
    case NodeKind::kString:
      return "a string";
    case NodeKind::kArray:
      return "an array";
    case NodeKind::kObject:
      return "an object";
  }
  return "a value";
}

std::string cut(std::string_view text, size_t max) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (count == max) return std::string(text.substr(0, i)) + "...";
      ++count;
    }
  }
  return std::string(text);
}

std::string render_json(const Tape& tape, uint32_t index) {
  const Node& n = tape.nodes[index];
  if (n.kind == NodeKind::kString) {
    return nlohmann::json(cut(tape.text(n), 64))
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return number_text(tape, n);
}

std::string number_text(const Tape& tape, const Node& n) {
  if (n.fits_int64) return std::to_string(n.int_value);
  return cut(tape.text(n), kMaxRenderedCodePoints);
}

void render_for_message(const Tape& tape, uint32_t index, std::string& out, int depth) {
  const Node& n = tape.nodes[index];
  if (out.size() > 4 * kMaxRenderedCodePoints + 8 || depth > 16) return;
  switch (n.kind) {
    case NodeKind::kNull:
      out += "null";
      break;
    case NodeKind::kTrue:
      out += "true";
      break;
    case NodeKind::kFalse:
      out += "false";
      break;
    case NodeKind::kNumber:
      out += number_text(tape, n);
      break;
    case NodeKind::kString:
      out += tape.text(n);
      break;
    case NodeKind::kArray:
    case NodeKind::kObject: {
      const bool object = n.kind == NodeKind::kObject;
      out += object ? '{' : '[';
      uint32_t child = index + 1;
      for (uint32_t i = 0; i < n.size; ++i) {
        if (i != 0) out += ", ";
        if (object) {
          out += tape.text(tape.nodes[child]);
          out += '=';
          ++child;
        }
        render_for_message(tape, child, out, depth + 1);
        child = tape.nodes[child].end;
        if (out.size() > 4 * kMaxRenderedCodePoints + 8) break;
      }
      out += object ? '}' : ']';
      break;
    }
  }
}

}  // namespace lpe::validators::internal
