// Pieces the SigV4 sources share and the public header does not expose.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "wire/rfc3339.h"

namespace lpe::wire::internal {

// An X-Amz-Date value as a timestamp (`YYYYMMDDThhmmssZ`, real calendar date), whatever its year
// (parse_amz_date further requires system_clock to hold it).
std::optional<Timestamp> parse_amz_timestamp(std::string_view text);

// Client input quoted in a SigV4 error message: printable ASCII, at most 64 bytes.
std::string quote_input(std::string_view text);

// True when `name` is a lowercase HTTP token (signed header names are lowercase).
bool is_lowercase_token(std::string_view name);

// The first word of `text` (up to the first whitespace character).
std::string_view first_word(std::string_view text);

}  // namespace lpe::wire::internal
