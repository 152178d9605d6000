// RFC 3339 timestamps as AWS restJson1 uses them (Smithy `date-time`): UTC only, `Z` suffix.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace lpe::wire {

// A point in time with millisecond precision, as milliseconds since the Unix epoch.
struct Timestamp {
  int64_t epoch_millis = 0;
  friend bool operator==(const Timestamp&, const Timestamp&) = default;
  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

// Parses `YYYY-MM-DDThh:mm:ss[.f+]Z` (uppercase T and Z, 1-9 fraction digits, real calendar dates,
// second 60 allowed for leap seconds). Offsets, missing `Z`, lowercase separators and epoch numbers
// are rejected with a reason (the error's message). Fractions beyond milliseconds are truncated in
// the returned value.
Result<Timestamp> parse_rfc3339(std::string_view text);

// Formats as `YYYY-MM-DDThh:mm:ssZ`, or with `.fff` when the milliseconds are not zero
// (the form the AWS services send).
std::string format_rfc3339(Timestamp t);

}  // namespace lpe::wire
