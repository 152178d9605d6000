// Internals of generators/generators.h: drawing valid values of a plan, values of the wrong JSON
// type, arbitrary JSON for unknown members, and the small RapidCheck choice primitives everything
// is built from. The draw_* functions pick from generators with `*gen`, so they run inside
// rc::gen::exec: RapidCheck records every pick and shrinks each one, which makes a failing request
// shrink member by member toward absent optional members, the first alternatives and the simplest
// values. Not a public API.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <rapidcheck/Gen.h>
#include <nlohmann/json.hpp>

#include "generators/internal/raw_json.h"
#include "generators/internal/shape_plan.h"

namespace lpe::generators::internal {

// A weighted choice of an option index, independent of the RapidCheck size; shrinks toward 0 (so
// list the simplest option first). An option of weight 0 is never drawn, nor reached by shrinking.
rc::Gen<size_t> choice(std::vector<uint32_t> weights);
// An index in [0, n), uniform, shrinking toward 0.
rc::Gen<size_t> index_below(size_t n);
// True with probability numerator/denominator; shrinks to false.
rc::Gen<bool> chance(uint32_t numerator, uint32_t denominator);
// An integer in [lo, hi], uniform, shrinking toward `target` (which must lie in [lo, hi]).
rc::Gen<int64_t> int_between(int64_t lo, int64_t hi, int64_t target);
// A seed for the writer's spacing and escapes; shrinks to 0.
rc::Gen<uint64_t> any_seed();

// What valid draws must respect beyond the plan.
struct DrawOptions {
  Flavor flavor = Flavor::kRequest;
  const std::set<std::string>* omit = nullptr;  // members of the root structure never drawn
  int max_depth = 6;  // deeper, optional members are left out and lists kept at their minimum
  std::string items_member;           // the root list member holding a page's items
  std::optional<uint64_t> max_items;  // at most this many items (the page size maximum)
};

// A valid value of the plan (a member's target under its constraints).
nlohmann::ordered_json draw_valid(const ValuePlan& plan, const DrawOptions& options, int depth);
// The same as one generator: picking it is a single RapidCheck pick, so that shrinking it leaves
// the picks drawn after it (other members, other elements) as they were.
rc::Gen<nlohmann::ordered_json> valid_value(const ValuePlan& plan, const DrawOptions& options,
                                            int depth);
// A structure member: absent or a valid value (always present when it must be), as one pick.
rc::Gen<std::optional<nlohmann::ordered_json>> valid_member(const ValuePlan& member,
                                                            const DrawOptions& options, int depth);
// `n` independent coin flips (true with probability numerator/denominator), as one pick.
rc::Gen<std::vector<bool>> flags(size_t n, uint32_t numerator, uint32_t denominator);
// A valid object of a structure plan (members in model order; `root` applies omit/items).
nlohmann::ordered_json draw_valid_structure(const ValuePlan& plan, const DrawOptions& options,
                                            int depth, bool root);
// An element count for a list or map plan within its bounds, biased to the ends.
uint64_t draw_count(const ValuePlan& plan, int depth, const DrawOptions& options);

// Any small JSON value: numbers (including 1e2, 1.5, -0.0 and integers beyond 64 bits), strings
// with escapes and non-ASCII text, nested arrays and objects. Always well-formed, never `-0`.
RawJson draw_any_json(int depth);

// Values of a JSON type the plan's shape does not accept (R6: strings for numbers, `1.0`, `1e2`,
// integers outside the type's range, ...), including date-time strings that are not RFC 3339.
// Empty for documents (they accept anything).
std::vector<RawJson> wrong_type_values(const ValuePlan& plan);
// Strings that are not `date-time` values (R9: `YYYY-MM-DDThh:mm:ss[.fff]Z`).
const std::vector<std::string>& bad_date_times();

// Valid values of the plan that also differ: used for shadowed duplicate keys.
RawJson draw_shadow_value(const ValuePlan& plan, const DrawOptions& options, int depth);

}  // namespace lpe::generators::internal
