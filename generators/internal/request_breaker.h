// Internals of generators/generators.h: drawing labelled broken request values (R6 wrong types, R7
// constraint violations) part by part. Not a public API.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "generators/internal/draw.h"
#include "generators/internal/raw_json.h"
#include "generators/internal/request_state.h"
#include "generators/internal/shape_plan.h"

namespace lpe::generators::internal {

// Draws labelled broken values, structures and wrong-type carriers, tracking the member path.
// Every member, element and entry is drawn as its own RapidCheck pick (part()), so shrinking one
// of them leaves the others as they were and failing requests shrink part by part.
class RequestBreaker {
 public:
  RequestBreaker(const RequestState& state, Labels& labels, std::vector<std::string> path = {})
      : state_(state), labels_(labels), options_(state.options()), path_(std::move(path)) {}

  // An object of structure `p` with at least one R7 violation, or (`need_type_break`) at least one
  // value of the wrong JSON type somewhere (then other members may break R7 too: R6 wins).
  RawJson structure(const ValuePlan& p, int depth, bool need_type_break, bool root);
  // A structure member that breaks R7: absent or null when required, else a violating value.
  std::optional<RawJson> violating_member(const ValuePlan& m, int depth);
  // A present value of `p` that breaks its constraints or its parts'.
  RawJson violating_value(const ValuePlan& p, int depth);
  // A value of the wrong JSON type here, or deeper inside (R6).
  RawJson type_carrier(const ValuePlan& p, int depth);

  // The ways a present value can break its own constraints (or, kParts, those of its parts).
  enum class ValueBreak { kShort, kLong, kNearMiss, kEnum, kBelow, kAbove, kFewer, kMore, kParts };

 private:
  enum class Mode { kUntouched, kViolate, kCarry };

  // Runs `body` as one RapidCheck pick, with its own breaker at the current path, and keeps its
  // labels. The body captures what it needs by value: RapidCheck replays it while shrinking.
  std::optional<RawJson> part(std::function<std::optional<RawJson>(RequestBreaker&)> body);
  // Which members of a structure break, and how.
  std::vector<Mode> member_modes(const ValuePlan& p, bool need_type_break);
  RawJson valid(const ValuePlan& p, int depth);
  // Appends the R7 labels of `value` (a value of `p` at the current path).
  void label(const ValuePlan& p, const RawJson& value);
  uint64_t count_with_one(const ValuePlan& p);
  std::vector<std::string> distinct_keys(const ValuePlan& p, uint64_t n, int depth);
  // A list or map holding one value of the wrong type among valid ones.
  RawJson container_carrier(const ValuePlan& p, int depth);

  // A value of `p` broken in way `b` (any but kParts).
  RawJson broken_value(const ValuePlan& p, ValueBreak b, int depth);
  RawJson wrong_length(const ValuePlan& p, ValueBreak b);
  RawJson out_of_range(const ValuePlan& p, bool below);
  RawJson wrong_count(const ValuePlan& p, ValueBreak b, int depth);

  // A list or map of valid length, or a structure, with broken elements, entries or members.
  RawJson broken_parts(const ValuePlan& p, int depth);
  RawJson broken_list(const ValuePlan& p, uint64_t n, const std::vector<bool>& bad, int depth);
  RawJson broken_map(const ValuePlan& p, uint64_t n, std::vector<bool> bad, int depth);
  // A bad map entry breaks its key or its value (null or violating), whichever the model allows.
  RawJson broken_entry(const ValuePlan& map, const ValuePlan& key_plan, const ValuePlan& value_plan,
                       const std::string& key, const std::vector<std::string>& used, int depth);
  // A list element or map value that breaks R7: null (non-sparse) or a violating value.
  RawJson broken_slot(const ValuePlan& container, const ValuePlan& slot, int depth);

  const RequestState& state_;
  Labels& labels_;
  DrawOptions options_;
  std::vector<std::string> path_;
};

}  // namespace lpe::generators::internal
