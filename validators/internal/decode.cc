#include "validators/internal/decode.h"

#include <climits>
#include <cstdlib>
#include <string>
#include <vector>

#include "validators/validators.h"

namespace lpe::validators::internal {
namespace {

using spec::Shape;
using spec::ShapeType;

nlohmann::ordered_json decode_value(const Tape& tape, uint32_t index, const Shape* shape,
                                    int depth);

nlohmann::ordered_json decode_any(const Tape& tape, uint32_t index, int depth) {
  return decode_value(tape, index, nullptr, depth);
}

nlohmann::ordered_json decode_value(const Tape& tape, uint32_t index, const Shape* shape,
                                    int depth) {
  const Node& n = tape.nodes[index];
  if (depth > kMaxJsonDepth) return nullptr;
  switch (n.kind) {
    case NodeKind::kNull:
      return nullptr;
    case NodeKind::kTrue:
      return true;
    case NodeKind::kFalse:
      return false;
    case NodeKind::kString:
      return std::string(tape.text(n));
    case NodeKind::kNumber: {
      if (n.fits_int64) return n.int_value;
      const std::string text(tape.text(n));
      if (n.integral && !text.empty() && text[0] != '-') {
        char* end = nullptr;
        const unsigned long long u = std::strtoull(text.c_str(), &end, 10);
        if (end != nullptr && *end == '\0' && u != ULLONG_MAX) return static_cast<uint64_t>(u);
      }
      return std::strtod(text.c_str(), nullptr);
    }
    case NodeKind::kArray: {
      auto out = nlohmann::ordered_json::array();
      const Shape* element = nullptr;
      if (shape != nullptr && (shape->type == ShapeType::kList || shape->type == ShapeType::kSet)) {
        element = shape->members.at(0).target;
      }
      uint32_t child = index + 1;
      for (uint32_t i = 0; i < n.size; ++i) {
        out.push_back(decode_value(tape, child, element, depth + 1));
        child = tape.nodes[child].end;
      }
      return out;
    }
    case NodeKind::kObject: {
      if (shape != nullptr &&
          (shape->type == ShapeType::kStructure || shape->type == ShapeType::kUnion)) {
        return decode_structure(tape, index, *shape);
      }
      const Shape* value_shape = shape != nullptr && shape->type == ShapeType::kMap
                                     ? shape->members.at(1).target
                                     : nullptr;
      auto out = nlohmann::ordered_json::object();
      uint32_t child = index + 1;
      for (uint32_t i = 0; i < n.size; ++i) {
        out[std::string(tape.text(tape.nodes[child]))] =
            value_shape != nullptr ? decode_value(tape, child + 1, value_shape, depth + 1)
                                   : decode_any(tape, child + 1, depth + 1);
        child = tape.nodes[child + 1].end;
      }
      return out;
    }
  }
  return nullptr;
}

}  // namespace

nlohmann::ordered_json decode_structure(const Tape& tape, uint32_t index, const Shape& shape) {
  auto out = nlohmann::ordered_json::object();
  const Node& object = tape.nodes[index];
  if (object.kind != NodeKind::kObject) return out;
  std::vector<uint32_t> found(shape.members.size(), 0);
  uint32_t child = index + 1;
  for (uint32_t i = 0; i < object.size; ++i) {
    const std::string_view key = tape.text(tape.nodes[child]);
    if (const int m = shape.find_member(key);
        m >= 0 && shape.members[static_cast<size_t>(m)].binding == spec::HttpBinding::kBody) {
      found[m] = child + 1;
    }
    child = tape.nodes[child + 1].end;
  }
  for (size_t m = 0; m < shape.members.size(); ++m) {
    if (found[m] == 0 || tape.nodes[found[m]].kind == NodeKind::kNull) continue;
    out[shape.members[m].name] = decode_value(tape, found[m], shape.members[m].target, 1);
  }
  return out;
}

}  // namespace lpe::validators::internal
