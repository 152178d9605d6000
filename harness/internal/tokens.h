// The token checks of one target: an empty token is the first page, a token replays the same
// page, is bound to its list, and a tampered or foreign token is a ValidationException (R10).
// Tokens come from several positions of the target's longest walk, so that an endpoint whose
// tokens change form along a list (longer positions, padding) is probed where they change.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "harness/internal/pagination.h"
#include "harness/internal/run_context.h"

namespace lpe::harness::internal {

// Runs the selected token checks against target `target_index` with the tokens of `longest`, its
// walk at the smallest page size.
void token_checks(const RunParts& parts, Transport& client, size_t target_index,
                  const Walk& longest);

// The indexes into a walk's `token_count` tokens that the checks use: the first, the middle and
// the last one (which the last-but-one page returned), each once.
std::vector<size_t> probe_positions(size_t token_count);

// Tampered forms of `token`, each with a label: flipped characters, cut, extended, and a foreign
// token of the same length drawn from `seed`.
std::vector<std::pair<std::string, std::string>> tampered_tokens(const std::string& token,
                                                                 uint64_t seed);

// Near variants of `value`, a value of list-scope member `member`, each with a label: its case
// changed, one character changed, a character appended. Each is a valid value of the member when
// one of its kind exists (the label says when not: the endpoint may then refuse the value itself,
// which is the same 400 ValidationException). Variants equal to `value` are left out.
std::vector<std::pair<std::string, std::string>> scope_variants(const spec::Member& member,
                                                                const std::string& value);

}  // namespace lpe::harness::internal
