// Broken success responses, labelled with the finding rules a correct response checker must
// report for them (R8, R9, R10). Each label follows from what was broken: a missing required
// member is R9.required, a value of the wrong JSON type R9.type, a bad date-time
// R9.timestamp_format, a constraint R9.constraint (the pagination token: R10.token_format), and
// newer-version members and enum values are notes.
#include <algorithm>

#include <rapidcheck.h>
#include <re2/re2.h>

#include "generators/internal/response_state.h"

namespace lpe::generators::internal {
namespace {

using spec::Rule;
using spec::ShapeType;
using validators::ConstraintKind;
using wire::HttpResponse;

// Sets (or, with nullopt, removes) member `index` of a structure object, keeping model order.
void set_member(RawJson& object, const ValuePlan& plan, size_t index,
                std::optional<RawJson> value) {
  const std::string& name = plan.members[index]->name;
  std::erase_if(object.members, [&](const auto& entry) { return entry.first == name; });
  if (!value) return;
  size_t at = 0;
  for (size_t i = 0; i < index; ++i) {
    if (object.find(plan.members[i]->name) != nullptr) ++at;
  }
  object.members.insert(object.members.begin() + static_cast<std::ptrdiff_t>(at),
                        {name, std::move(*value)});
}

// Draws broken parts of a success body and the rules they break.
class ResponseBreaker {
 public:
  ResponseBreaker(const ResponseState& state, Rules& rules) : state_(state), rules_(rules) {}

  // Whether a present value of `p` can be broken in a way a checker must report.
  static bool breakable(const ValuePlan& p) {
    if (p.type() == ShapeType::kDocument) return false;
    return true;  // at least a value of the wrong JSON type
  }

  // A structure object with at least one broken member (R9 must findings).
  RawJson structure(const ValuePlan& p, int depth, bool root) {
    RawJson object = RawJson::from_json(draw_valid_structure(p, state_.options, depth, root));
    std::vector<size_t> candidates;
    for (size_t i = 0; i < p.members.size(); ++i) {
      if (p.members[i]->required || breakable(*p.members[i])) candidates.push_back(i);
    }
    const size_t first = candidates[*index_below(candidates.size())];
    for (size_t i : candidates) {
      if (i != first && !*chance(1, 6)) continue;
      const ValuePlan& m = *p.members[i];
      path_.push_back(m.name);
      enum Kind { kAbsent, kNull, kValue };
      const Kind kind = static_cast<Kind>(
          *choice({m.required ? 1u : 0u, m.required ? 1u : 0u, breakable(m) ? 3u : 0u}));
      if (kind == kValue) {
        const RawJson* current = object.find(m.name);
        RawJson base = current != nullptr
                           ? *current
                           : RawJson::from_json(draw_valid(m, state_.options, depth + 1));
        set_member(object, p, i, value(m, std::move(base), depth + 1, root));
      } else {
        rules_.add(Rule::kR9Required, joined(path_) + (kind == kAbsent ? " absent" : " null"));
        set_member(object, p, i,
                   kind == kAbsent ? std::nullopt : std::optional<RawJson>(RawJson::null()));
      }
      path_.pop_back();
    }
    label_presence(p, object);
    return object;
  }

 private:
  // Presence rules (lpe.conformance#presentWhen, R9) the broken object now breaks: a member
  // present where its sibling does not match (R9.presence), or absent where it does
  // (R9.presence_expected), judged as the checker judges them (a string sibling only).
  void label_presence(const ValuePlan& p, const RawJson& object) {
    for (const ValuePlan* m : p.members) {
      if (!m->present_when) continue;
      const RawJson* sibling = object.find(m->present_when->member);
      if (sibling == nullptr || sibling->kind != RawJson::Kind::kString) continue;
      // An enum value the model does not know (a newer API version) is outside every rule.
      const ValuePlan* sibling_plan = nullptr;
      for (const ValuePlan* candidate : p.members) {
        if (candidate->name == m->present_when->member) sibling_plan = candidate;
      }
      if (sibling_plan != nullptr && !sibling_plan->all_enum_values.empty() &&
          std::find(sibling_plan->all_enum_values.begin(), sibling_plan->all_enum_values.end(),
                    sibling->text) == sibling_plan->all_enum_values.end()) {
        continue;
      }
      const bool expected = RE2::PartialMatch(sibling->text, *m->present_when->pattern);
      const RawJson* own = object.find(m->name);
      const bool present = own != nullptr && own->kind != RawJson::Kind::kNull;
      if (present == expected) continue;
      path_.push_back(m->name);
      rules_.add(present ? Rule::kR9Presence : Rule::kR9PresenceExpected,
                 joined(path_) + (present ? " present where its presence rule excludes it"
                                          : " absent where its presence rule expects it"));
      path_.pop_back();
    }
  }

  // A broken version of a present value: wrong JSON type, broken constraint, or broken parts.
  RawJson value(const ValuePlan& p, RawJson current, int depth, bool root_member) {
    std::vector<std::pair<int, uint32_t>> kinds = {{0, 2}};  // 0 wrong type, 1 constraint, 2 parts
    if (constraint_breaks(p).size() > 0) kinds.push_back({1, 3});
    if (has_parts(p)) kinds.push_back({2, 3});
    std::vector<uint32_t> weights;
    for (const auto& k : kinds) weights.push_back(k.second);
    const int kind = kinds[*choice(weights)].first;
    if (kind == 0) return wrong_type(p);
    if (kind == 1) return broken_constraint(p, depth, root_member);
    if (p.is_structure()) return structure(p, depth, false);
    if (p.is_list()) return broken_elements(p, std::move(current), depth);
    return broken_entries(p, std::move(current), depth);
  }

  // A value of a JSON type the member does not accept (R9.type; R9.timestamp_format for a string
  // where a date-time belongs).
  RawJson wrong_type(const ValuePlan& p) {
    const auto wrong = wrong_type_values(p);
    RawJson v = wrong[*index_below(wrong.size())];
    const bool bad_time = p.type() == ShapeType::kTimestamp &&
                          p.timestamp_format == spec::TimestampFormat::kDateTime &&
                          v.kind == RawJson::Kind::kString;
    rules_.add(bad_time ? Rule::kR9TimestampFormat : Rule::kR9Type,
               joined(path_) + (bad_time ? " not a date-time: " : " wrong type: ") + write(v));
    return v;
  }

  // A well-typed value outside the member's constraints (an unknown enum value is only a note).
  RawJson broken_constraint(const ValuePlan& p, int depth, bool root_member) {
    const std::string where = joined(path_);
    const auto breaks = constraint_breaks(p);
    RawJson v = broken(p, breaks[*index_below(breaks.size())], depth);
    for (const auto& violation : violations_of(p, v)) {
      if (violation.kind == ConstraintKind::kEnum) {
        rules_.add(Rule::kR9UnknownEnumValue, where + " unknown enum value (a note)");
      } else {
        rules_.add(root_member && p.name == state_.output_token ? Rule::kR10TokenFormat
                                                                : Rule::kR9Constraint,
                   where + " " + violation.phrase);
      }
    }
    return v;
  }

  // A list holding at least one element, some of them broken.
  RawJson broken_elements(const ValuePlan& p, RawJson current, int depth) {
    if (current.kind != RawJson::Kind::kArray || current.items.empty()) {
      current = RawJson::array(
          {RawJson::from_json(draw_valid(*p.members[0], state_.options, depth + 1))});
    }
    const size_t first = *index_below(current.items.size());
    for (size_t i = 0; i < current.items.size(); ++i) {
      if (i != first && !*chance(1, 5)) continue;
      path_.push_back(std::to_string(i));
      current.items[i] = slot(p, *p.members[0], std::move(current.items[i]), depth);
      path_.pop_back();
    }
    return current;
  }

  // A map holding at least one entry, some of their values broken.
  RawJson broken_entries(const ValuePlan& p, RawJson current, int depth) {
    if (current.kind != RawJson::Kind::kObject || current.members.empty()) {
      std::string key = draw_valid(*p.members[0], state_.options, depth + 1).get<std::string>();
      current = RawJson::object(
          {{key, RawJson::from_json(draw_valid(*p.members[1], state_.options, depth + 1))}});
    }
    const size_t first = *index_below(current.members.size());
    for (size_t i = 0; i < current.members.size(); ++i) {
      if (i != first && !*chance(1, 5)) continue;
      path_.push_back(current.members[i].first);
      current.members[i].second =
          slot(p, *p.members[1], std::move(current.members[i].second), depth);
      path_.pop_back();
    }
    return current;
  }

  // A broken list element or map value: null (when the container is not sparse) or broken.
  RawJson slot(const ValuePlan& container, const ValuePlan& element, RawJson current, int depth) {
    const bool null_ok = !container.sparse;
    if (!breakable(element) || (null_ok && *chance(1, 4))) {
      rules_.add(Rule::kR9Required, joined(path_) + " null element");
      return RawJson::null();
    }
    return value(element, std::move(current), depth + 1, false);
  }

  bool has_parts(const ValuePlan& p) const {
    if (p.type() == ShapeType::kStructure) {
      return std::any_of(p.members.begin(), p.members.end(),
                         [](const ValuePlan* m) { return m->required || breakable(*m); });
    }
    if (p.is_list() || p.is_map()) {
      const bool can_hold = !p.max_count || *p.max_count > 0;
      return can_hold && (!p.sparse || breakable(*p.members.back()));
    }
    return false;
  }

  enum class Break { kShort, kLong, kNearMiss, kEnum, kBelow, kAbove, kFewer, kMore };

  // Constraint breaks a checker reports (unknown intEnum values are not reported in responses).
  static std::vector<Break> constraint_breaks(const ValuePlan& p) {
    std::vector<Break> out;
    if (p.is_string_like()) {
      if (p.short_text) out.push_back(Break::kShort);
      if (p.long_text) out.push_back(Break::kLong);
      if (p.near_miss) out.push_back(Break::kNearMiss);
      if (!p.all_enum_values.empty()) out.push_back(Break::kEnum);
    } else if (p.ints) {
      if (p.ints->below) out.push_back(Break::kBelow);
      if (p.ints->above) out.push_back(Break::kAbove);
    } else if (p.floats) {
      if (p.floats->has_min) out.push_back(Break::kBelow);
      if (p.floats->has_max) out.push_back(Break::kAbove);
    } else if (p.is_list()) {
      if (p.min_count > 0) out.push_back(Break::kFewer);
      if (p.max_count && *p.max_count <= 64) out.push_back(Break::kMore);
    }
    return out;
  }

  RawJson broken(const ValuePlan& p, Break b, int depth) {
    switch (b) {
      case Break::kShort:
        return RawJson::string(*(*p.short_text));
      case Break::kLong:
        return RawJson::string(*(*p.long_text));
      case Break::kNearMiss:
        return RawJson::string(*(*p.near_miss));
      case Break::kEnum: {
        static const std::vector<std::string> kNewer = {"ADDED_IN_A_NEWER_VERSION", "NEW_VALUE",
                                                        "v2"};
        std::vector<std::string> candidates;
        for (const auto& c : kNewer) {
          if (std::find(p.all_enum_values.begin(), p.all_enum_values.end(), c) ==
              p.all_enum_values.end()) {
            candidates.push_back(c);
          }
        }
        return RawJson::string(candidates[*index_below(candidates.size())]);
      }
      case Break::kBelow:
        if (p.ints) return RawJson::number(std::to_string(*p.ints->below));
        return RawJson::from_json(p.constraints->range->min.value() - 1);
      case Break::kAbove:
        if (p.ints) return RawJson::number(std::to_string(*p.ints->above));
        return RawJson::from_json(p.constraints->range->max.value() + 1);
      case Break::kFewer:
      case Break::kMore: {
        const uint64_t n = b == Break::kFewer ? p.min_count - 1 : *p.max_count + 1;
        RawJson out = RawJson::array();
        for (uint64_t i = 0; i < n; ++i) {
          out.items.push_back(
              RawJson::from_json(draw_valid(*p.members[0], state_.options, depth + 1)));
        }
        return out;
      }
    }
    return RawJson::null();
  }

  const ResponseState& state_;
  Rules& rules_;
  std::vector<std::string> path_;
};

// Adds one thing a newer API version may send (R9: notes, never failures) to a structure object.
bool add_note(RawJson& object, const ValuePlan& plan, Rules& rules, const std::string& where) {
  enum Kind { kUnknownMember, kNullOptional, kUnknownEnum };
  std::vector<size_t> absent_optional;
  std::vector<size_t> present_enums;
  for (size_t i = 0; i < plan.members.size(); ++i) {
    const ValuePlan& m = *plan.members[i];
    if (!m.required && object.find(m.name) == nullptr) absent_optional.push_back(i);
    if (m.type() == ShapeType::kEnum && !m.all_enum_values.empty() &&
        object.find(m.name) != nullptr) {
      present_enums.push_back(i);
    }
  }
  const auto kind = static_cast<Kind>(
      *choice({2, absent_optional.empty() ? 0u : 1u, present_enums.empty() ? 0u : 2u}));
  const std::string prefix = where.empty() ? "" : where + ".";
  switch (kind) {
    case kUnknownMember: {
      static const std::vector<std::string> kNames = {"addedLater", "replica", "previousToken",
                                                      "zz"};
      std::vector<std::string> names;
      for (const auto& n : kNames) {
        if (std::none_of(plan.members.begin(), plan.members.end(),
                         [&](const ValuePlan* m) { return m->name == n; })) {
          names.push_back(n);
        }
      }
      const std::string name = names[*index_below(names.size())];
      object.members.insert(object.members.begin() + static_cast<std::ptrdiff_t>(
                                                         *index_below(object.members.size() + 1)),
                            {name, draw_any_json(1)});
      rules.add(Rule::kR9UnknownMember, prefix + name + " unknown member (a note)");
      return true;
    }
    case kNullOptional: {
      const size_t i = absent_optional[*index_below(absent_optional.size())];
      set_member(object, plan, i, RawJson::null());
      rules.add(Rule::kR9NullMember, prefix + plan.members[i]->name + " null (a note)");
      return true;
    }
    case kUnknownEnum: {
      const size_t i = present_enums[*index_below(present_enums.size())];
      const ValuePlan& m = *plan.members[i];
      // A value shaped like the known ones (so that only the enum differs, when the model has no
      // other constraint on it).
      std::string value = "NEWER_" + m.all_enum_values.front();
      while (std::find(m.all_enum_values.begin(), m.all_enum_values.end(), value) !=
             m.all_enum_values.end()) {
        value += "_X";
      }
      const RawJson v = RawJson::string(value);
      for (const auto& violation : violations_of(m, v)) {
        rules.add(violation.kind == ConstraintKind::kEnum ? Rule::kR9UnknownEnumValue
                                                          : Rule::kR9Constraint,
                  prefix + m.name + " " + violation.phrase);
      }
      set_member(object, plan, i, v);
      return true;
    }
  }
  return false;
}

// The body of a broken success response and the rules it breaks.
struct SuccessBody {
  std::string text;
  Rules rules;
};

SuccessBody draw_broken_success_body(const ResponseState& s) {
  SuccessBody out;
  Rules& rules = out.rules;
  enum BodyMode { kMemberBreaks, kNotJson, kNotes };
  const bool walkable =
      s.has_output &&
      std::any_of(s.root().members.begin(), s.root().members.end(),
                  [](const ValuePlan* m) { return m->required || ResponseBreaker::breakable(*m); });
  const auto body_mode =
      static_cast<BodyMode>(*choice({walkable ? 5u : 0u, 1, walkable ? 2u : 0u}));
  switch (body_mode) {
    case kMemberBreaks: {
      ResponseBreaker breaker(s, rules);
      out.text = write(breaker.structure(s.root(), 0, true), body_style());
      break;
    }
    case kNotJson: {
      static const std::vector<std::string> kBodies = {"",      "<html>", "{", "[]",
                                                       "\"x\"", "null",   "5", "{}x"};
      out.text = kBodies[*index_below(kBodies.size())];
      rules.add(Rule::kR9Json, "the body is not a JSON object");
      break;
    }
    case kNotes: {
      RawJson body = RawJson::from_json(draw_valid_structure(s.root(), s.options, 0, true));
      // At the top level, or in one item of a list of structures.
      std::vector<RawJson*> items;
      std::vector<const ValuePlan*> item_plans;
      std::vector<std::string> item_paths;
      for (const ValuePlan* m : s.root().members) {
        RawJson* list = body.find(m->name);
        if (!m->is_list() || list == nullptr || list->kind != RawJson::Kind::kArray) continue;
        if (m->members[0]->type() != ShapeType::kStructure) continue;
        for (size_t i = 0; i < list->items.size(); ++i) {
          if (list->items[i].is_object()) {
            items.push_back(&list->items[i]);
            item_plans.push_back(m->members[0]);
            item_paths.push_back(m->name + "." + std::to_string(i));
          }
        }
      }
      if (!items.empty() && *chance(1, 2)) {
        const size_t i = *index_below(items.size());
        add_note(*items[i], *item_plans[i], rules, item_paths[i]);
      } else {
        add_note(body, s.root(), rules, "");
      }
      out.text = write(body, body_style());
      break;
    }
  }
  return out;
}

}  // namespace

LabelledResponse draw_broken_success(const ResponseState& s) {
  // The body is one pick, drawn first: shrinking the status or the headers leaves it as it is.
  const ResponseState* state = &s;
  SuccessBody body = *rc::gen::exec([state] { return draw_broken_success_body(*state); });
  LabelledResponse out;
  Rules rules = std::move(body.rules);
  HttpResponse& r = out.response;
  r.body = std::move(body.text);
  r.status = s.success;
  if (*chance(1, 6)) {
    std::vector<int> others;
    for (int st : {201, 202, 203, 206}) {
      if (st != s.success) others.push_back(st);
    }
    r.status = others[*index_below(others.size())];
    rules.add(Rule::kR9Status, "success status " + std::to_string(r.status));
  }
  const bool drop_request_id = *chance(1, 6);
  const bool bad_content_type = *chance(1, 6);
  r.headers = response_headers(!bad_content_type, !drop_request_id);
  if (bad_content_type && *chance(1, 2)) r.headers.emplace_back("Content-Type", "text/plain");
  if (drop_request_id) rules.add(Rule::kR8RequestId, "no x-amzn-RequestId");
  if (bad_content_type) {
    rules.add(r.status == s.success ? Rule::kR9ContentType : Rule::kR8ContentType,
              "no application/json Content-Type");
  }
  rules.label(out, "broken success response");
  return out;
}

}  // namespace lpe::generators::internal
