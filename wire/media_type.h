// Media types of Content-Type values (RFC 9110 8.3.1): the `type/subtype` before any parameters,
// compared case-insensitively.
#pragma once

#include <string>
#include <string_view>

namespace lpe::wire {

// The media type of a Content-Type value: `type/subtype` without parameters and blanks,
// lowercased ("Application/JSON; charset=utf-8" gives "application/json").
std::string media_type(std::string_view content_type);

// True when the media type of `content_type` is application/json (parameters such as charset
// allowed; R12).
bool is_json_media_type(std::string_view content_type);

}  // namespace lpe::wire
