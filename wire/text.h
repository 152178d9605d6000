// Text helpers every library of the project shares: ASCII case folding and comparison (HTTP
// header names, media types and protocol words compare case-insensitively), trimming, splitting,
// joining, and making untrusted bytes printable (for messages, terminals and logs). ASCII only:
// no locale is consulted, so the results never depend on the environment. Nothing here throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lpe::wire {

// HTTP optional whitespace (RFC 9110 5.6.3): space and horizontal tab.
inline constexpr std::string_view kBlanks = " \t";
// Every ASCII whitespace character (space, tab, CR, LF, VT, FF).
inline constexpr std::string_view kWhitespace = " \t\r\n\v\f";

// `c` with A-Z mapped to a-z; every other byte unchanged.
constexpr char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// `text` with A-Z mapped to a-z.
std::string to_lower(std::string_view text);

// True when `a` and `b` are equal ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b);

// `text` without the leading / trailing / both characters that are in `chars`.
std::string_view trim_left(std::string_view text, std::string_view chars = kBlanks);
std::string_view trim_right(std::string_view text, std::string_view chars = kBlanks);
std::string_view trim(std::string_view text, std::string_view chars = kBlanks);

// The parts of `text` between `separator`s, empty parts included ("a,,b" gives "a", "", "b"; ""
// gives one empty part). The views point into `text`.
std::vector<std::string_view> split(std::string_view text, char separator);

// `parts` joined with `separator` between them.
std::string join(std::span<const std::string> parts, std::string_view separator);
std::string join(std::initializer_list<std::string_view> parts, std::string_view separator);

// At most `max_length` bytes of `text` with every byte outside printable ASCII (0x20-0x7e)
// replaced by '?', and "..." appended when `text` was longer: client input quoted in an error
// message or log line, which then cannot inject lines or terminal sequences.
std::string printable_ascii(std::string_view text, size_t max_length);

// Length of the valid UTF-8 sequence at `text[i]` (1-4) with its code point in `code_point`, or 0
// when the bytes there are not valid UTF-8 (overlong forms, surrogates and values past U+10FFFF
// are not).
size_t utf8_sequence(std::string_view text, size_t i, uint32_t& code_point);

// Escapes what a terminal could interpret: C0 controls (ESC included) and DEL as \xNN, C1
// controls (U+0080..U+009F) as \u{NN}, invalid UTF-8 bytes as \xNN and a backslash as itself
// (unambiguous enough for reading; not meant to be parsed back). Newlines and tabs are kept when
// `keep_newlines` (multi-line console text), escaped otherwise.
std::string escape_for_terminal(std::string_view text, bool keep_newlines = true);

// Serialized JSON (valid UTF-8, control characters already \u-escaped by the serializer) with
// the characters a terminal still interprets escaped the JSON way: DEL and C1 controls become
// \u007f / \u0080..\u009f. The result is the same JSON value.
std::string escape_json_for_terminal(std::string_view json);

}  // namespace lpe::wire
