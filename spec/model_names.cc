// The model loader: shape types, identifiers and shape ids, and how it fails (see model_builder.h).
#include "spec/internal/model_builder.h"

#include <algorithm>

namespace lpe::spec {
namespace {

struct TypeName {
  std::string_view name;
  ShapeType type;
};

constexpr TypeName kTypeNames[] = {
    {"blob", ShapeType::kBlob},
    {"boolean", ShapeType::kBoolean},
    {"string", ShapeType::kString},
    {"byte", ShapeType::kByte},
    {"short", ShapeType::kShort},
    {"integer", ShapeType::kInteger},
    {"long", ShapeType::kLong},
    {"float", ShapeType::kFloat},
    {"double", ShapeType::kDouble},
    {"bigInteger", ShapeType::kBigInteger},
    {"bigDecimal", ShapeType::kBigDecimal},
    {"timestamp", ShapeType::kTimestamp},
    {"document", ShapeType::kDocument},
    {"list", ShapeType::kList},
    {"set", ShapeType::kSet},
    {"map", ShapeType::kMap},
    {"structure", ShapeType::kStructure},
    {"union", ShapeType::kUnion},
    {"enum", ShapeType::kEnum},
    {"intEnum", ShapeType::kIntEnum},
    {"service", ShapeType::kService},
    {"operation", ShapeType::kOperation},
    {"resource", ShapeType::kResource},
};

}  // namespace

std::string_view to_string(ShapeType type) {
  for (const auto& t : kTypeNames) {
    if (t.type == type) return t.name;
  }
  return "unit";
}

std::optional<ShapeType> ModelBuilder::parse_type(std::string_view name) {
  for (const auto& t : kTypeNames) {
    if (t.name == name) return t.type;
  }
  return std::nullopt;
}

bool ModelBuilder::is_identifier(std::string_view s) {
  if (s.empty()) return false;
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!alpha(s[0]) && s[0] != '_') return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return alpha(c) || digit(c) || c == '_'; });
}

// "ns.a.b#Name": a namespace of dotted identifiers, '#', an identifier.
bool ModelBuilder::is_absolute_shape_id(std::string_view id) {
  const auto hash = id.find('#');
  if (hash == std::string_view::npos || id.find('#', hash + 1) != std::string_view::npos) {
    return false;
  }
  std::string_view ns = id.substr(0, hash);
  if (!is_identifier(id.substr(hash + 1))) return false;
  while (true) {
    const auto dot = ns.find('.');
    if (!is_identifier(ns.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    ns.remove_prefix(dot + 1);
  }
}

bool ModelBuilder::is_number_type(ShapeType t) {
  switch (t) {
    case ShapeType::kByte:
    case ShapeType::kShort:
    case ShapeType::kInteger:
    case ShapeType::kLong:
    case ShapeType::kFloat:
    case ShapeType::kDouble:
    case ShapeType::kBigInteger:
    case ShapeType::kBigDecimal:
    case ShapeType::kIntEnum:
      return true;
    default:
      return false;
  }
}

void ModelBuilder::fail(std::string pointer, std::string message) {
  throw LoadFailure{std::move(pointer), std::move(message)};
}

// "line L, column C" of a byte offset (1-based), for JSON syntax errors.
std::string ModelBuilder::line_column(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::string ModelBuilder::strip_nlohmann_prefix(std::string what) {
  // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
  if (const auto colon = what.find(": "); colon != std::string::npos) {
    return what.substr(colon + 2);
  }
  return what;
}

}  // namespace lpe::spec
