// Text that came from a peer or a file, made safe to show: masking of a run's secret values (a
// server may reflect the session token in a body). Used by `lpe conform` (console, reports,
// records). Escaping for terminals, so that a hostile response cannot drive the user's terminal
// with ESC sequences, is generic text handling: wire/text.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lpe::harness::internal {

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

// Text for XML and HTML content and attribute values (the JUnit and HTML reports): & < > " ' as
// entities, and the control characters both forbid (below 0x20 but tab, newline and carriage
// return; DEL) written visibly as \xNN.
std::string markup_escape(std::string_view text);

}  // namespace lpe::harness::internal
