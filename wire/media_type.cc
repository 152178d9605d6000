#include "wire/media_type.h"

#include "wire/text.h"

namespace lpe::wire {
namespace {

// The `type/subtype` part of a Content-Type value, as written.
std::string_view bare_type(std::string_view content_type) {
  return trim_left(trim_right(content_type.substr(0, content_type.find(';')), " \t\r"));
}

}  // namespace

std::string media_type(std::string_view content_type) { return to_lower(bare_type(content_type)); }

bool is_json_media_type(std::string_view content_type) {
  return iequals(bare_type(content_type), "application/json");
}

}  // namespace lpe::wire
