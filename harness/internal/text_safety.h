// Text that came from a peer or a file, made safe to show: escaping for terminals (a hostile
// response must not drive the user's terminal with ESC sequences) and masking of secret values
// (a server may reflect the session token in a body). Used by `lpe conform` (console, reports,
// records) and `lpe validate` (console).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lpe::harness::internal {

// Escapes what a terminal could interpret: C0 controls (ESC included) and DEL as \xNN, C1
// controls (U+0080..U+009F) as \u{NN}, invalid UTF-8 bytes as \xNN and a backslash as itself
// (unambiguous enough for reading; not meant to be parsed back). Newlines and tabs are kept when
// `keep_newlines` (multi-line console text), escaped otherwise.
std::string escape_for_terminal(std::string_view text, bool keep_newlines = true);

// Serialized JSON (valid UTF-8, control characters already \u-escaped by the serializer) with
// the characters a terminal still interprets escaped the JSON way: DEL and C1 controls become
// \u007f / \u0080..\u009f. The result is the same JSON value.
std::string escape_json_for_terminal(std::string_view json);

// Replaces every occurrence of registered secret values by "***" (and their JSON-escaped forms).
// Values shorter than kMinSecretLength are not masked in free text (they would mask ordinary
// words); secrets only ever that short are caught in headers by name.
class SecretMasker {
 public:
  static constexpr size_t kMinSecretLength = 8;
  void add(std::string_view secret);
  bool empty() const { return secrets_.empty(); }
  std::string mask(std::string_view text) const;
  // In place; returns true when something was masked.
  bool mask_in_place(std::string& text) const;

 private:
  std::vector<std::string> secrets_;  // longest first, so that a secret inside another is covered
};

}  // namespace lpe::harness::internal
