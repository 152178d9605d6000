// Internals of generators/generators.h: a JSON tree that can hold everything generated request
// and response bodies need and nlohmann::json cannot (number literals exactly as written, such as
// "1.0", "1e2" or "99999999999999999999"; duplicate keys; strings with invalid UTF-8; verbatim
// malformed fragments), its writer with several text styles, and the AWS message rendering of a
// value (R7). Not a public API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace lpe::generators::internal {

// One JSON value as it will be written.
struct RawJson {
  enum class Kind : uint8_t { kNull, kTrue, kFalse, kNumber, kString, kArray, kObject, kVerbatim };

  Kind kind = Kind::kNull;
  // kNumber: the literal as written; kString: the (decoded) bytes, possibly invalid UTF-8;
  // kVerbatim: text written as is (possibly not JSON at all).
  std::string text;
  std::vector<RawJson> items;                            // kArray
  std::vector<std::pair<std::string, RawJson>> members;  // kObject, in body order, keys may repeat

  static RawJson null() { return RawJson{}; }
  static RawJson boolean(bool value);
  static RawJson number(std::string literal);
  static RawJson string(std::string bytes);
  static RawJson array(std::vector<RawJson> items = {});
  static RawJson object(std::vector<std::pair<std::string, RawJson>> members = {});
  static RawJson verbatim(std::string text);
  // The same value; numbers keep nlohmann's text for them (which parses back to the same value).
  static RawJson from_json(const nlohmann::ordered_json& value);

  bool is_object() const { return kind == Kind::kObject; }
  // The last member named `key` (the one a reader keeps, R5), or nullptr.
  const RawJson* find(std::string_view key) const;
  RawJson* find(std::string_view key);
};

// How a tree is written. The default is compact, with only the escapes JSON requires.
struct TextStyle {
  enum class Spacing : uint8_t { kCompact, kSpaced, kPretty, kRandom };
  Spacing spacing = Spacing::kCompact;
  bool escape_non_ascii = false;  // every non-ASCII code point as \uXXXX (pairs beyond the BMP)
  bool random_escapes = false;    // any character may be written as \uXXXX, '/' as "\/"
  uint64_t seed = 0;              // drives kRandom spacing and random escapes
};

// The JSON text of `value` in `style`. Strings with invalid UTF-8 keep their raw bytes.
std::string write(const RawJson& value, const TextStyle& style = {});

// The value as AWS validation messages print it (R7): strings raw, numbers as written, true,
// false, null, lists as "[a, b]", objects as "{k=v, k2=v2}" in body order. Not cut.
std::string render_for_message(const RawJson& value);

// Cuts UTF-8 text after `max` code points, marking the cut with "..." (R7: values longer than
// 256 characters are cut in messages).
std::string cut_code_points(std::string_view text, size_t max);

// Text for humans: printable ASCII and valid UTF-8 as is, other bytes as \xHH, newlines and tabs
// as \n and \t; bodies longer than 2,000 bytes are cut in the middle.
std::string printable(std::string_view bytes);

// Parses JSON text into a tree (numbers keep their text; integers are written canonically).
// nullopt when nlohmann rejects the text or when some object holds a key twice (rewriting such a
// body could change which duplicate wins).
std::optional<RawJson> parse_without_duplicates(std::string_view text);

}  // namespace lpe::generators::internal
