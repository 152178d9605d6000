// Internals of generators/generators.h: changes to a request body that must not change its verdict
// (R4, R5): whitespace and escapes, optional members written as null, unknown members, shadowed
// duplicate keys, another member order. Not a public API.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "generators/internal/draw.h"
#include "generators/internal/raw_json.h"
#include "generators/internal/shape_plan.h"

namespace lpe::generators::internal {

// Whitespace, escapes and spacing of a body; shrinks toward compact text with plain escapes.
TextStyle draw_style(uint32_t plain_weight);

// Names no model member has, for unknown members (R5); plus a case variant of a real member.
std::vector<std::string> unknown_names(const ValuePlan& plan);

// Puts the members of `object` in another order (one pick: a seed, which shrinks to 0).
void shuffle_members(RawJson& object);

// Changes an object of a structure in ways that must not change the verdict (R4, R5): optional
// members written as null, unknown members, earlier duplicates of present members (the last one is
// the real one), another member order. Each feature applies with probability 1/`odds`. What was
// done is appended to `notes` when it is not null.
void decorate_structure(RawJson& object, const ValuePlan& plan, const DrawOptions& options,
                        int depth, uint32_t odds, std::vector<std::string>* notes);

// A valid value as a tree, decorated at every structure level.
RawJson decorate(const ValuePlan& plan, const nlohmann::ordered_json& value,
                 const DrawOptions& options, int depth, std::vector<std::string>* notes);

}  // namespace lpe::generators::internal
