// Text that came from a peer or a file, made safe to show: escaping for terminals (a hostile
// response must not drive the user's terminal with ESC sequences; wire/text.h) and masking of a
// run's secret values (a server may reflect the session token in a body). Used by `lpe conform`
// (console, reports, records) and `lpe validate` (console).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wire/text.h"

namespace lpe::harness::internal {

// Escaping for terminals is generic text handling and lives in wire/text.h; the names are also
// spelled here for the console code that includes this header.
using wire::escape_for_terminal;
using wire::escape_json_for_terminal;

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
