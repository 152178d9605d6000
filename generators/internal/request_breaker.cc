// Labels are made while the value is drawn (the breaker knows what it broke); the R7 labels of a
// broken value are worked out from the value and the constraints (shape_plan.h), never by running
// the validator.
#include "generators/internal/request_breaker.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <rapidcheck.h>

#include "generators/internal/decorate.h"

namespace lpe::generators::internal {
namespace {

using spec::ShapeType;
using validators::ConstraintKind;
using ValueBreak = RequestBreaker::ValueBreak;

std::vector<std::pair<ValueBreak, uint32_t>> value_breaks(const ValuePlan& p) {
  std::vector<std::pair<ValueBreak, uint32_t>> out;
  if (p.is_string_like()) {
    if (p.short_text) out.push_back({ValueBreak::kShort, 2});
    if (p.long_text) out.push_back({ValueBreak::kLong, 2});
    if (p.near_miss) out.push_back({ValueBreak::kNearMiss, 3});
    if (!p.all_enum_values.empty()) out.push_back({ValueBreak::kEnum, 3});
  } else if (p.type() == ShapeType::kBlob) {
    if (p.min_count > 0) out.push_back({ValueBreak::kShort, 1});
    if (p.max_count) out.push_back({ValueBreak::kLong, 1});
  } else if (p.ints) {
    if (p.ints->below) out.push_back({ValueBreak::kBelow, 2});
    if (p.ints->above) out.push_back({ValueBreak::kAbove, 2});
    if (p.type() == ShapeType::kIntEnum) out.push_back({ValueBreak::kEnum, 2});
  } else if (p.floats) {
    if (p.floats->has_min) out.push_back({ValueBreak::kBelow, 2});
    if (p.floats->has_max) out.push_back({ValueBreak::kAbove, 2});
  } else if (p.is_list() || p.is_map()) {
    const bool can_hold = !p.max_count || *p.max_count > 0;
    bool part = !p.sparse;
    for (const ValuePlan* m : p.members) part = part || m->can_violate;
    if (p.min_count > 0) out.push_back({ValueBreak::kFewer, 1});
    if (p.max_count && *p.max_count <= 64) out.push_back({ValueBreak::kMore, 1});
    if (can_hold && part) out.push_back({ValueBreak::kParts, 3});
  } else if (p.is_structure() && p.can_violate) {
    out.push_back({ValueBreak::kParts, 1});
  }
  return out;
}

// One of the ways `p` can break, by weight.
ValueBreak draw_break(const ValuePlan& p) {
  const auto breaks = value_breaks(p);
  std::vector<uint32_t> weights;
  for (const auto& [b, w] : breaks) weights.push_back(w);
  return breaks[*choice(weights)].first;
}

std::string_view break_name(ValueBreak b) {
  switch (b) {
    case ValueBreak::kShort:
      return "too short";
    case ValueBreak::kLong:
      return "too long";
    case ValueBreak::kNearMiss:
      return "pattern near miss";
    case ValueBreak::kEnum:
      return "not in enum";
    case ValueBreak::kBelow:
      return "below range";
    case ValueBreak::kAbove:
      return "above range";
    case ValueBreak::kFewer:
      return "too few elements";
    case ValueBreak::kMore:
      return "too many elements";
    case ValueBreak::kParts:
      return "broken parts";
  }
  return "";
}

// Strings not in a string enum: case changes, suffixes, the empty string.
std::string draw_enum_miss(const ValuePlan& p) {
  std::vector<std::string> candidates;
  const std::string& first = p.all_enum_values.front();
  std::string lower = first;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string upper = first;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  for (std::string c : {lower, upper, first + "_X", std::string(), std::string("UNKNOWN_VALUE"),
                        " " + first, first + " "}) {
    if (std::find(p.all_enum_values.begin(), p.all_enum_values.end(), c) ==
            p.all_enum_values.end() &&
        std::find(candidates.begin(), candidates.end(), c) == candidates.end()) {
      candidates.push_back(std::move(c));
    }
  }
  return candidates[*index_below(candidates.size())];
}

int64_t draw_int_enum_miss(const ValuePlan& p) {
  const auto& all = p.all_int_enum_values;
  const auto [lo, hi] = std::minmax_element(all.begin(), all.end());
  std::vector<int64_t> candidates;
  for (int64_t c : {*hi < p.ints->type_max ? *hi + 1 : *lo, *lo > p.ints->type_min ? *lo - 1 : *hi,
                    int64_t{0}, int64_t{-1}, int64_t{7}, int64_t{1000}}) {
    if (c >= p.ints->type_min && c <= p.ints->type_max &&
        std::find(all.begin(), all.end(), c) == all.end() &&
        std::find(candidates.begin(), candidates.end(), c) == candidates.end()) {
      candidates.push_back(c);
    }
  }
  if (candidates.empty()) throw rc::GenerationFailure(p.label + ": every integer is an enum value");
  return candidates[*index_below(candidates.size())];
}

std::string random_bytes(uint64_t n) {
  std::string bytes;
  for (uint64_t i = 0; i < n; ++i) bytes += static_cast<char>(*int_between(0, 255, 0));
  return bytes;
}

// Denominator of the odds that each of `n` candidates is broken, so that about one draw in three
// breaks several of them (the rest break one, picked outright).
uint32_t several_odds(size_t n) { return static_cast<uint32_t>(std::max<size_t>(3, 2 * n)); }

// One independent part of a broken request: its value (nullopt: absent) and its labels.
struct Piece {
  std::optional<RawJson> value;
  Labels labels;
};

}  // namespace

RawJson RequestBreaker::structure(const ValuePlan& p, int depth, bool need_type_break, bool root) {
  const auto& members = p.members;
  const bool is_union = p.type() == ShapeType::kUnion;
  const std::vector<Mode> mode = member_modes(p, need_type_break);
  RawJson object = RawJson::object();
  for (size_t i = 0; i < members.size(); ++i) {
    const ValuePlan* m = members[i];
    const int d = depth + 1;
    path_.push_back(m->name);
    std::optional<RawJson> value;
    if (mode[i] == Mode::kCarry) {
      value = part(
          [m, d](RequestBreaker& b) -> std::optional<RawJson> { return b.type_carrier(*m, d); });
    } else if (mode[i] == Mode::kViolate) {
      value = part([m, d](RequestBreaker& b) { return b.violating_member(*m, d); });
    } else if (!is_union && !(root && state_.omit.count(m->name) != 0)) {
      if (auto valid = *valid_member(*m, options_, depth)) value = RawJson::from_json(*valid);
    }
    path_.pop_back();
    if (value) object.members.emplace_back(m->name, std::move(*value));
  }
  if (*chance(1, 3)) decorate_structure(object, p, options_, root ? 0 : depth, 3, nullptr);
  return object;
}

std::vector<RequestBreaker::Mode> RequestBreaker::member_modes(const ValuePlan& p,
                                                               bool need_type_break) {
  const auto& members = p.members;
  std::vector<size_t> breakable;
  std::vector<size_t> carriers;
  for (size_t i = 0; i < members.size(); ++i) {
    if (members[i]->required || members[i]->can_violate) breakable.push_back(i);
    if (members[i]->type() != ShapeType::kDocument) carriers.push_back(i);
  }
  std::vector<Mode> mode(members.size(), Mode::kUntouched);
  // Which members break: independent flags (about one in two requests has several), and when
  // none is set one member picked outright. Shrinking clears flags one by one, so a failure
  // tied to one member shrinks to that member alone.
  const auto flagged = p.type() == ShapeType::kUnion
                           ? std::vector<bool>(breakable.size(), false)
                           : *flags(breakable.size(), 1, several_odds(breakable.size()));
  bool any = false;
  for (size_t k = 0; k < breakable.size(); ++k) {
    if (flagged[k]) mode[breakable[k]] = Mode::kViolate;
    any = any || flagged[k];
  }
  if (need_type_break) {
    mode[carriers[*index_below(carriers.size())]] = Mode::kCarry;
  } else if (!any) {
    mode[breakable[*index_below(breakable.size())]] = Mode::kViolate;
  }
  return mode;
}

std::optional<RawJson> RequestBreaker::violating_member(const ValuePlan& m, int depth) {
  enum Kind { kAbsent, kNull, kValue };
  std::vector<Kind> kinds;
  std::vector<uint32_t> weights;
  if (m.must_be_present(Flavor::kRequest)) {
    kinds.push_back(kAbsent);
    weights.push_back(1);
  }
  if (m.required) {
    kinds.push_back(kNull);
    weights.push_back(1);
  }
  if (m.can_violate) {
    kinds.push_back(kValue);
    weights.push_back(3);
  }
  const Kind kind = kinds[*choice(weights)];
  const std::string member = joined(path_);
  if (kind == kValue) return violating_value(m, depth);
  labels_.violate(member, ConstraintKind::kRequired, not_null_message(member));
  labels_.notes.push_back(member + (kind == kAbsent ? " absent" : " null"));
  if (kind == kAbsent) return std::nullopt;
  return RawJson::null();
}

RawJson RequestBreaker::violating_value(const ValuePlan& p, int depth) {
  const ValueBreak b = draw_break(p);
  if (b == ValueBreak::kParts) return broken_parts(p, depth);
  RawJson value = broken_value(p, b, depth);
  labels_.notes.push_back(joined(path_) + " " + std::string(break_name(b)));
  label(p, value);
  return value;
}

RawJson RequestBreaker::type_carrier(const ValuePlan& p, int depth) {
  const auto wrong = wrong_type_values(p);
  bool can_descend = false;
  if (p.is_structure()) {
    can_descend = p.type() == ShapeType::kStructure &&
                  std::any_of(p.members.begin(), p.members.end(),
                              [](const ValuePlan* m) { return m->type() != ShapeType::kDocument; });
  } else if (p.is_list() || p.is_map()) {
    can_descend =
        (!p.max_count || *p.max_count > 0) && p.members.back()->type() != ShapeType::kDocument;
  }
  if (!can_descend || *choice({2, 1}) == 0) {
    RawJson value = wrong[*index_below(wrong.size())];
    labels_.type_break = true;
    labels_.notes.push_back("wrong type at '" + joined(path_) + "': " + write(value));
    return value;
  }
  if (p.is_structure()) return structure(p, depth, true, false);
  return container_carrier(p, depth);
}

RawJson RequestBreaker::container_carrier(const ValuePlan& p, int depth) {
  const uint64_t n = count_with_one(p);
  const size_t carrier = *index_below(n);
  const ValuePlan* slot = p.members.back();
  const int d = depth + 1;
  const auto carry = [slot, d](RequestBreaker& b) -> std::optional<RawJson> {
    return b.type_carrier(*slot, d);
  };
  if (p.is_list()) {
    RawJson out = RawJson::array();
    for (uint64_t i = 0; i < n; ++i) {
      path_.push_back(std::to_string(i));
      out.items.push_back(i == carrier ? *part(carry) : valid(*slot, d));
      path_.pop_back();
    }
    return out;
  }
  RawJson out = RawJson::object();
  const auto keys = distinct_keys(p, n, depth);
  for (size_t i = 0; i < keys.size(); ++i) {
    path_.push_back(keys[i]);
    out.members.emplace_back(keys[i], i == carrier % keys.size() ? *part(carry) : valid(*slot, d));
    path_.pop_back();
  }
  return out;
}

std::optional<RawJson> RequestBreaker::part(
    std::function<std::optional<RawJson>(RequestBreaker&)> body) {
  const RequestState* state = &state_;
  Piece piece = *rc::gen::exec([state, path = path_, body] {
    Piece out;
    RequestBreaker breaker(*state, out.labels, path);
    out.value = body(breaker);
    return out;
  });
  labels_.append(piece.labels);
  return std::move(piece.value);
}

RawJson RequestBreaker::valid(const ValuePlan& p, int depth) {
  return RawJson::from_json(*valid_value(p, options_, depth));
}

void RequestBreaker::label(const ValuePlan& p, const RawJson& value) {
  const std::string member = joined(path_);
  for (const auto& v : violations_of(p, value)) {
    labels_.violate(member, v.kind, violation_message(member, value, v.phrase));
  }
}

uint64_t RequestBreaker::count_with_one(const ValuePlan& p) {
  const uint64_t lo = std::max<uint64_t>(1, p.min_count);
  const uint64_t hi = std::max(lo, p.count_cap(3));
  return lo == hi ? lo : *rc::gen::inRange<uint64_t>(lo, hi + 1);
}

std::vector<std::string> RequestBreaker::distinct_keys(const ValuePlan& p, uint64_t n, int depth) {
  std::vector<std::string> keys;
  for (uint64_t i = 0; i < n; ++i) {
    for (int attempt = 0; attempt < 4; ++attempt) {
      std::string key = draw_valid(*p.members[0], options_, depth + 1).get<std::string>();
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        keys.push_back(std::move(key));
        break;
      }
    }
  }
  if (keys.empty()) throw rc::GenerationFailure(p.label + ": could not draw a map key");
  return keys;
}

RawJson RequestBreaker::broken_value(const ValuePlan& p, ValueBreak b, int depth) {
  switch (b) {
    case ValueBreak::kShort:
    case ValueBreak::kLong:
      return wrong_length(p, b);
    case ValueBreak::kNearMiss:
      return RawJson::string(*(*p.near_miss));
    case ValueBreak::kEnum:
      if (p.type() == ShapeType::kIntEnum) {
        return RawJson::number(std::to_string(draw_int_enum_miss(p)));
      }
      return RawJson::string(draw_enum_miss(p));
    case ValueBreak::kBelow:
    case ValueBreak::kAbove:
      return out_of_range(p, b == ValueBreak::kBelow);
    case ValueBreak::kFewer:
    case ValueBreak::kMore:
      return wrong_count(p, b, depth);
    case ValueBreak::kParts:
      break;
  }
  return RawJson::null();
}

// Text outside the length bounds, or a blob of too few or too many bytes.
RawJson RequestBreaker::wrong_length(const ValuePlan& p, ValueBreak b) {
  const bool shorter = b == ValueBreak::kShort;
  if (p.type() == ShapeType::kBlob) {
    const int64_t lo = shorter ? 0 : static_cast<int64_t>(*p.max_count) + 1;
    const int64_t hi = shorter ? static_cast<int64_t>(p.min_count) - 1 : lo + 6;
    return RawJson::string(base64(random_bytes(static_cast<uint64_t>(*int_between(lo, hi, lo)))));
  }
  return RawJson::string(shorter ? *(*p.short_text) : *(*p.long_text));
}

// A number just past the range bound (most often), at the type's limit, or anywhere between.
RawJson RequestBreaker::out_of_range(const ValuePlan& p, bool below) {
  if (p.ints) {
    const int64_t first = below ? *p.ints->below : *p.ints->above;
    const int64_t limit = below ? p.ints->type_min : p.ints->type_max;
    switch (*choice({3, 1, 1})) {
      case 0:
        return RawJson::number(std::to_string(first));
      case 1:
        return RawJson::number(std::to_string(limit));
      default:
        return RawJson::number(std::to_string(below ? *int_between(limit, first, first)
                                                    : *int_between(first, limit, first)));
    }
  }
  const double bound =
      below ? p.constraints->range->min.value() : p.constraints->range->max.value();
  const double outward = below ? -1 : 1;
  const double v = *choice({3, 1, 1}) == 0 ? std::nextafter(bound, outward * 1e308)
                   : *chance(1, 2)         ? bound + outward * 1
                                           : bound + outward * 1000.5;
  return RawJson::from_json(v);
}

// A list or map with fewer elements than its minimum or more than its maximum.
RawJson RequestBreaker::wrong_count(const ValuePlan& p, ValueBreak b, int depth) {
  const uint64_t n =
      b == ValueBreak::kFewer
          ? static_cast<uint64_t>(*int_between(0, static_cast<int64_t>(p.min_count) - 1,
                                               static_cast<int64_t>(p.min_count) - 1))
          : static_cast<uint64_t>(*int_between(static_cast<int64_t>(*p.max_count) + 1,
                                               static_cast<int64_t>(*p.max_count) + 3,
                                               static_cast<int64_t>(*p.max_count) + 1));
  if (p.is_list()) {
    RawJson out = RawJson::array();
    for (uint64_t i = 0; i < n; ++i) out.items.push_back(valid(*p.members[0], depth + 1));
    return out;
  }
  RawJson out = RawJson::object();
  const auto keys = n == 0 ? std::vector<std::string>{} : distinct_keys(p, n, depth);
  if (keys.size() != n) throw rc::GenerationFailure(p.label + ": too few distinct map keys");
  for (const auto& key : keys) out.members.emplace_back(key, valid(*p.members[1], depth + 1));
  return out;
}

RawJson RequestBreaker::broken_parts(const ValuePlan& p, int depth) {
  if (p.is_structure()) return structure(p, depth, false, false);
  const uint64_t n = count_with_one(p);
  auto bad = *flags(n, 1, several_odds(n));
  if (std::none_of(bad.begin(), bad.end(), [](bool b) { return b; })) bad[*index_below(n)] = true;
  if (p.is_list()) return broken_list(p, n, bad, depth);
  return broken_map(p, n, std::move(bad), depth);
}

RawJson RequestBreaker::broken_list(const ValuePlan& p, uint64_t n, const std::vector<bool>& bad,
                                    int depth) {
  const ValuePlan* container = &p;
  const ValuePlan* element = p.members[0];
  RawJson out = RawJson::array();
  for (uint64_t i = 0; i < n; ++i) {
    path_.push_back(std::to_string(i));
    if (bad[i]) {
      out.items.push_back(
          *part([container, element, depth](RequestBreaker& b) -> std::optional<RawJson> {
            return b.broken_slot(*container, *element, depth);
          }));
    } else {
      out.items.push_back(valid(*element, depth + 1));
    }
    path_.pop_back();
  }
  return out;
}

RawJson RequestBreaker::broken_map(const ValuePlan& p, uint64_t n, std::vector<bool> bad,
                                   int depth) {
  const ValuePlan* container = &p;
  const ValuePlan* key_plan = p.members[0];
  const ValuePlan* value_plan = p.members[1];
  const auto keys = distinct_keys(p, n, depth);
  if (keys.size() < n &&
      std::none_of(bad.begin(), bad.begin() + static_cast<std::ptrdiff_t>(keys.size()),
                   [](bool b) { return b; })) {
    bad[0] = true;  // fewer distinct keys than drawn: the bad entry must be among them
  }
  std::vector<std::string> used = keys;
  RawJson out = RawJson::object();
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string key = keys[i];
    if (!bad[i]) {
      out.members.emplace_back(key, valid(*value_plan, depth + 1));
      continue;
    }
    // Drawn as one part whose value is the one-entry object {key: value}.
    const auto entry =
        *part([container, key_plan, value_plan, key, used, depth](RequestBreaker& b) {
          return std::optional<RawJson>(
              b.broken_entry(*container, *key_plan, *value_plan, key, used, depth));
        });
    used.push_back(entry.members.front().first);
    out.members.push_back(entry.members.front());
  }
  return out;
}

RawJson RequestBreaker::broken_entry(const ValuePlan& map, const ValuePlan& key_plan,
                                     const ValuePlan& value_plan, const std::string& key,
                                     const std::vector<std::string>& used, int depth) {
  const bool slot_ok = !map.sparse || value_plan.can_violate;
  if (key_plan.can_violate && (!slot_ok || *chance(1, 3))) {
    RawJson broken_key = broken_value(key_plan, draw_break(key_plan), depth + 1);
    // A broken key never equals a valid one (it is outside the bounds, the pattern or the
    // enum); two broken keys may collide, then this entry keeps its valid key.
    if (std::find(used.begin(), used.end(), broken_key.text) == used.end()) {
      path_.push_back(broken_key.text);
      labels_.notes.push_back(joined(path_) + " broken map key");
      label(key_plan, broken_key);
      path_.pop_back();
      return RawJson::object({{broken_key.text, valid(value_plan, depth + 1)}});
    }
  }
  path_.push_back(key);
  RawJson value = slot_ok ? broken_slot(map, value_plan, depth) : valid(value_plan, depth + 1);
  path_.pop_back();
  return RawJson::object({{key, std::move(value)}});
}

RawJson RequestBreaker::broken_slot(const ValuePlan& container, const ValuePlan& slot, int depth) {
  const bool null_ok = !container.sparse;
  if (null_ok && (!slot.can_violate || *chance(1, 3))) {
    const std::string member = joined(path_);
    labels_.violate(member, ConstraintKind::kRequired, not_null_message(member));
    labels_.notes.push_back(member + " null element");
    return RawJson::null();
  }
  return violating_value(slot, depth + 1);
}

}  // namespace lpe::generators::internal
