// The token checks of one target: an empty token is the first page, a token replays the same
// page, is bound to its list, and a tampered or foreign token is a ValidationException (R10).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "harness/internal/run_context.h"

namespace lpe::harness::internal {

// Runs the selected token checks against target `target_index`.
void token_checks(const RunParts& parts, Transport& client, size_t target_index);

// Tampered forms of `token`, each with a label: flipped characters, cut, extended, and a foreign
// token of the same length drawn from `seed`.
std::vector<std::pair<std::string, std::string>> tampered_tokens(const std::string& token,
                                                                 uint64_t seed);

}  // namespace lpe::harness::internal
