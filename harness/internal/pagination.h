// Pagination: walks of every target at several page sizes (page_size_bound, termination,
// token_format, items_match_request on each page), the comparison of the walks
// (walk_consistency) and with the target's declared items (expected_data), and the token checks
// on tokens of the longest walk, run as jobs over the workers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/internal/run_context.h"

namespace lpe::harness::internal {

// The items one walk saw.
struct Walk {
  int64_t page_size = -1;  // -1: omitted
  bool complete = false;
  std::vector<std::string> items;  // canonical JSON of each item
  std::vector<size_t> page_starts;
  bool shortened = false;  // stopped at the plan's page budget before the last page
  // The token each page but the last returned, in page order (tokens[i] asks for page i + 2).
  std::vector<std::string> tokens;
};

// The walks cut to the items all of them saw (complete and shortened ones, each marked complete),
// so that walks a page budget shortened are still compared on what they have in common.
std::vector<Walk> common_prefix(const std::vector<Walk>& walks);

// The complete walk the others are compared with (the largest page size), or nullptr.
const Walk* reference_walk(const std::vector<Walk>& walks);

// Empty when `w` gives the same items as `reference`; else the walk_consistency message: both
// counts, the first item that differs, whether it is duplicated or missing, and whether that is
// at one of `w`'s page boundaries.
std::optional<std::string> walk_difference(const Walk& w, const Walk& reference);

// A request body for target `t`; page_size <= 0 leaves the page size out.
std::string scope_body(const spec::OperationView& op, const Target& t, int64_t page_size,
                       const std::optional<std::string>& token);

// The page sizes walks use: the smallest, 2, 7, the default and the largest the model allows
// (those in range, once each), then -1 (omitted).
std::vector<int64_t> walk_page_sizes(const spec::OperationView& op);

// Walks every target at every page size and runs the token checks, on `workers` threads.
void run_pagination(const RunParts& parts, int workers);

}  // namespace lpe::harness::internal
