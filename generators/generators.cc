// Request generators: valid, unusual-but-valid and labelled invalid requests for any operation.
// Labels are made while the value is drawn (the generator knows what it broke); the R7 labels of a
// broken value are worked out from the value and the constraints (internal/shape_plan.h), never by
// running the validator.
#include "generators/generators.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <utility>

#include <rapidcheck.h>

#include "generators/internal/draw.h"
#include "generators/internal/raw_json.h"
#include "generators/internal/shape_plan.h"

namespace lpe::generators {
namespace {

using internal::chance;
using internal::choice;
using internal::DrawOptions;
using internal::Flavor;
using internal::index_below;
using internal::int_between;
using internal::RawJson;
using internal::TextStyle;
using internal::ValuePlan;
using spec::ShapeType;
using validators::ConstraintKind;

constexpr std::string_view kValidationException = "ValidationException";
constexpr std::string_view kSerializationException = "SerializationException";

// What RequestGenerators keeps behind its opaque state pointer.
struct RequestState {
  std::shared_ptr<const internal::PlanSet> plans;
  std::set<std::string> omit;
  int validation_status = 400;
  int serialization_status = 400;
  bool root_can_carry = false;  // some input member can hold a value of the wrong JSON type

  DrawOptions options() const {
    DrawOptions o;
    o.flavor = Flavor::kRequest;
    o.omit = &omit;
    return o;
  }
  const ValuePlan& root() const { return plans->root(); }
};

const RequestState& state_of(const std::shared_ptr<const void>& state) {
  return *static_cast<const RequestState*>(state.get());
}

int status_of(const spec::OperationView& op, std::string_view error, int fallback) {
  const spec::Shape* shape = op.find_error(error);
  return shape != nullptr && shape->http_error ? *shape->http_error : fallback;
}

// An input structure with no members, for operations without input.
const spec::Shape& empty_structure() {
  static const spec::Shape shape = [] {
    spec::Shape s;
    s.id = "lpe.generated#EmptyInput";
    s.type = ShapeType::kStructure;
    return s;
  }();
  return shape;
}

// Whitespace, escapes and spacing of a body; shrinks toward compact text with plain escapes.
TextStyle draw_style(uint32_t plain_weight) {
  TextStyle style;
  style.spacing = static_cast<TextStyle::Spacing>(*choice({plain_weight, 1, 1, 2}));
  style.random_escapes = *chance(1, 4);
  style.escape_non_ascii = *chance(1, 8);
  if (style.spacing == TextStyle::Spacing::kRandom || style.random_escapes) {
    style.seed = *internal::any_seed();
  }
  return style;
}

// The labels of one request, gathered while it is drawn.
struct Labels {
  std::vector<ExpectedViolation> violations;
  std::vector<std::string> messages;
  std::vector<std::string> notes;  // what was done, for the description
  bool type_break = false;

  void violate(const std::string& member, ConstraintKind kind, std::string message) {
    violations.push_back({member, kind});
    messages.push_back(std::move(message));
  }
  void append(const Labels& other) {
    violations.insert(violations.end(), other.violations.begin(), other.violations.end());
    messages.insert(messages.end(), other.messages.begin(), other.messages.end());
    notes.insert(notes.end(), other.notes.begin(), other.notes.end());
    type_break = type_break || other.type_break;
  }
  std::string description(std::string_view prefix) const {
    std::string out(prefix);
    for (size_t i = 0; i < notes.size(); ++i) out += (i == 0 ? ": " : "; ") + notes[i];
    return out;
  }
};

std::string joined(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& segment : path) out += (out.empty() ? "" : ".") + segment;
  return out;
}

// Why a nesting depth is not contract: RFC 8259 section 9 lets a parser limit it, and R6 says so.
constexpr const char* kNestingIsImplementationDefined =
    "R6 leaves the nesting depth a server accepts to the implementation (RFC 8259 section 9)";

// Malformed-value tokens that RFC 8259 allows a parser to accept inside a member the operation
// does not define: numbers beyond any range, lone surrogate escapes.
bool leaves_to_implementation(std::string_view token) {
  return token == "1e400" || token == "-1e400" || token.find("\\ud800") != std::string_view::npos ||
         token.find("\\udc00") != std::string_view::npos;
}

// Names no model member has, for unknown members (R5); plus a case variant of a real member.
std::vector<std::string> unknown_names(const ValuePlan& plan) {
  std::vector<std::string> names = {"unknownMember", "newerField", "x",      "_meta", "",
                                    "$schema",       "a.b",        "ünïcode"};
  if (!plan.members.empty() && !plan.members[0]->name.empty()) {
    std::string variant = plan.members[0]->name;
    variant[0] = static_cast<char>(std::isupper(static_cast<unsigned char>(variant[0]))
                                       ? std::tolower(static_cast<unsigned char>(variant[0]))
                                       : std::toupper(static_cast<unsigned char>(variant[0])));
    names.push_back(variant);
  }
  std::erase_if(names, [&](const std::string& n) {
    return std::any_of(plan.members.begin(), plan.members.end(),
                       [&](const ValuePlan* m) { return m->name == n; });
  });
  return names;
}

// Changes an object of a structure in ways that must not change the verdict (R4, R5): optional
// members written as null, unknown members, earlier duplicates of present members (the last one is
// the real one), another member order. Each feature applies with probability 1/`odds`.
void decorate_structure(RawJson& object, const ValuePlan& plan, const DrawOptions& options,
                        int depth, uint32_t odds, std::vector<std::string>* notes) {
  if (*chance(1, odds)) {
    for (const ValuePlan* m : plan.members) {
      if (m->required || object.find(m->name) != nullptr) continue;
      if (options.omit != nullptr && depth == 0 && options.omit->count(m->name) != 0) continue;
      if (*chance(1, 2)) {
        object.members.emplace_back(m->name, RawJson::null());
        if (notes) notes->push_back("optional '" + m->name + "' null");
      }
    }
  }
  if (*chance(1, odds)) {
    const auto names = unknown_names(plan);
    const size_t n = 1 + *index_below(2);
    for (size_t i = 0; i < n && !names.empty(); ++i) {
      const std::string& name = names[*index_below(names.size())];
      object.members.emplace_back(name, internal::draw_any_json(1));
      if (notes) notes->push_back("unknown member '" + name + "'");
    }
  }
  if (object.members.size() > 1 && *chance(1, odds)) {
    uint64_t seed = *internal::any_seed();
    for (size_t i = object.members.size() - 1; i > 0; --i) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      std::swap(object.members[i], object.members[(seed >> 33) % (i + 1)]);
    }
    if (notes) notes->push_back("members reordered");
  }
  if (!object.members.empty() && *chance(1, odds)) {
    const size_t at = *index_below(object.members.size());
    const std::string name = object.members[at].first;
    const ValuePlan* member = nullptr;
    for (const ValuePlan* m : plan.members) {
      if (m->name == name) member = m;
    }
    RawJson shadow = member != nullptr ? internal::draw_shadow_value(*member, options, depth + 1)
                                       : internal::draw_any_json(1);
    object.members.insert(
        object.members.begin() + static_cast<std::ptrdiff_t>(*index_below(at + 1)),
        {name, std::move(shadow)});
    if (notes) notes->push_back("duplicate '" + name + "' (last wins)");
  }
}

// A valid value as a tree, decorated at every structure level.
RawJson decorate(const ValuePlan& plan, const nlohmann::ordered_json& value,
                 const DrawOptions& options, int depth, std::vector<std::string>* notes) {
  if (plan.is_structure() && value.is_object()) {
    RawJson out = RawJson::object();
    for (const ValuePlan* m : plan.members) {
      if (const auto it = value.find(m->name); it != value.end()) {
        out.members.emplace_back(m->name, decorate(*m, *it, options, depth + 1, notes));
      }
    }
    decorate_structure(out, plan, options, depth, depth == 0 ? 2 : 4, notes);
    return out;
  }
  if (plan.is_list() && value.is_array()) {
    RawJson out = RawJson::array();
    for (const auto& item : value)
      out.items.push_back(decorate(*plan.members[0], item, options, depth + 1, notes));
    return out;
  }
  if (plan.is_map() && value.is_object()) {
    RawJson out = RawJson::object();
    for (const auto& [key, item] : value.items()) {
      out.members.emplace_back(key, decorate(*plan.members[1], item, options, depth + 1, notes));
    }
    return out;
  }
  return RawJson::from_json(value);
}

// The ways a present value can break its own constraints (or, kParts, those of its parts).
enum class ValueBreak { kShort, kLong, kNearMiss, kEnum, kBelow, kAbove, kFewer, kMore, kParts };

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

// Draws labelled broken values, structures and wrong-type carriers, tracking the member path.
// Every member, element and entry is drawn as its own RapidCheck pick (part()), so shrinking one
// of them leaves the others as they were and failing requests shrink part by part.
class Breaker {
 public:
  Breaker(const RequestState& state, Labels& labels, std::vector<std::string> path = {})
      : state_(state), labels_(labels), options_(state.options()), path_(std::move(path)) {}

  // An object of structure `p` with at least one R7 violation, or (`need_type_break`) at least one
  // value of the wrong JSON type somewhere (then other members may break R7 too: R6 wins).
  RawJson structure(const ValuePlan& p, int depth, bool need_type_break, bool root) {
    const auto& members = p.members;
    const bool is_union = p.type() == ShapeType::kUnion;
    std::vector<size_t> breakable;
    std::vector<size_t> carriers;
    for (size_t i = 0; i < members.size(); ++i) {
      if (members[i]->required || members[i]->can_violate) breakable.push_back(i);
      if (members[i]->type() != ShapeType::kDocument) carriers.push_back(i);
    }
    enum Mode { kUntouched, kViolate, kCarry };
    std::vector<Mode> mode(members.size(), kUntouched);
    // Which members break: independent flags (about one in two requests has several), and when
    // none is set one member picked outright. Shrinking clears flags one by one, so a failure
    // tied to one member shrinks to that member alone.
    const auto flagged =
        is_union ? std::vector<bool>(breakable.size(), false)
                 : *internal::flags(breakable.size(), 1, several_odds(breakable.size()));
    bool any = false;
    for (size_t k = 0; k < breakable.size(); ++k) {
      if (flagged[k]) mode[breakable[k]] = kViolate;
      any = any || flagged[k];
    }
    if (need_type_break) {
      mode[carriers[*index_below(carriers.size())]] = kCarry;
    } else if (!any) {
      mode[breakable[*index_below(breakable.size())]] = kViolate;
    }
    RawJson object = RawJson::object();
    for (size_t i = 0; i < members.size(); ++i) {
      const ValuePlan* m = members[i];
      const int d = depth + 1;
      path_.push_back(m->name);
      std::optional<RawJson> value;
      if (mode[i] == kCarry) {
        value =
            part([m, d](Breaker& b) -> std::optional<RawJson> { return b.type_carrier(*m, d); });
      } else if (mode[i] == kViolate) {
        value = part([m, d](Breaker& b) { return b.violating_member(*m, d); });
      } else if (!is_union && !(root && state_.omit.count(m->name) != 0)) {
        if (auto valid = *internal::valid_member(*m, options_, depth))
          value = RawJson::from_json(*valid);
      }
      path_.pop_back();
      if (value) object.members.emplace_back(m->name, std::move(*value));
    }
    if (*chance(1, 3)) decorate_structure(object, p, options_, root ? 0 : depth, 3, nullptr);
    return object;
  }

  // A structure member that breaks R7: absent or null when required, else a violating value.
  std::optional<RawJson> violating_member(const ValuePlan& m, int depth) {
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
    labels_.violate(member, ConstraintKind::kRequired, internal::not_null_message(member));
    labels_.notes.push_back(member + (kind == kAbsent ? " absent" : " null"));
    if (kind == kAbsent) return std::nullopt;
    return RawJson::null();
  }

  // A present value of `p` that breaks its constraints or its parts'.
  RawJson violating_value(const ValuePlan& p, int depth) {
    const auto breaks = value_breaks(p);
    std::vector<uint32_t> weights;
    for (const auto& [b, w] : breaks) weights.push_back(w);
    const ValueBreak b = breaks[*choice(weights)].first;
    if (b == ValueBreak::kParts) return broken_parts(p, depth);
    RawJson value = broken_value(p, b, depth);
    labels_.notes.push_back(joined(path_) + " " + std::string(break_name(b)));
    label(p, value);
    return value;
  }

  // A value of the wrong JSON type here, or deeper inside (R6).
  RawJson type_carrier(const ValuePlan& p, int depth) {
    const auto wrong = internal::wrong_type_values(p);
    bool can_descend = false;
    if (p.is_structure()) {
      can_descend = p.type() == ShapeType::kStructure &&
                    std::any_of(p.members.begin(), p.members.end(), [](const ValuePlan* m) {
                      return m->type() != ShapeType::kDocument;
                    });
    } else if (p.is_list() || p.is_map()) {
      can_descend =
          (!p.max_count || *p.max_count > 0) && p.members.back()->type() != ShapeType::kDocument;
    }
    if (!can_descend || *choice({2, 1}) == 0) {
      RawJson value = wrong[*index_below(wrong.size())];
      labels_.type_break = true;
      labels_.notes.push_back("wrong type at '" + joined(path_) + "': " + internal::write(value));
      return value;
    }
    if (p.is_structure()) return structure(p, depth, true, false);
    const uint64_t n = count_with_one(p);
    const size_t carrier = *index_below(n);
    const ValuePlan* slot = p.members.back();
    const int d = depth + 1;
    const auto carry = [slot, d](Breaker& b) -> std::optional<RawJson> {
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
      out.members.emplace_back(keys[i],
                               i == carrier % keys.size() ? *part(carry) : valid(*slot, d));
      path_.pop_back();
    }
    return out;
  }

 private:
  // Runs `body` as one RapidCheck pick, with its own Breaker at the current path, and keeps its
  // labels. The body captures what it needs by value: RapidCheck replays it while shrinking.
  std::optional<RawJson> part(std::function<std::optional<RawJson>(Breaker&)> body) {
    const RequestState* state = &state_;
    Piece piece = *rc::gen::exec([state, path = path_, body] {
      Piece out;
      Breaker breaker(*state, out.labels, path);
      out.value = body(breaker);
      return out;
    });
    labels_.append(piece.labels);
    return std::move(piece.value);
  }

  RawJson valid(const ValuePlan& p, int depth) {
    return RawJson::from_json(*internal::valid_value(p, options_, depth));
  }

  // Appends the R7 labels of `value` (a value of `p` at the current path).
  void label(const ValuePlan& p, const RawJson& value) {
    const std::string member = joined(path_);
    for (const auto& v : internal::violations_of(p, value)) {
      labels_.violate(member, v.kind, internal::violation_message(member, value, v.phrase));
    }
  }

  uint64_t count_with_one(const ValuePlan& p) {
    const uint64_t lo = std::max<uint64_t>(1, p.min_count);
    const uint64_t hi = std::max(lo, p.count_cap(3));
    return lo == hi ? lo : *rc::gen::inRange<uint64_t>(lo, hi + 1);
  }

  std::vector<std::string> distinct_keys(const ValuePlan& p, uint64_t n, int depth) {
    std::vector<std::string> keys;
    for (uint64_t i = 0; i < n; ++i) {
      for (int attempt = 0; attempt < 4; ++attempt) {
        std::string key =
            internal::draw_valid(*p.members[0], options_, depth + 1).get<std::string>();
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
          keys.push_back(std::move(key));
          break;
        }
      }
    }
    if (keys.empty()) throw rc::GenerationFailure(p.label + ": could not draw a map key");
    return keys;
  }

  RawJson broken_value(const ValuePlan& p, ValueBreak b, int depth) {
    switch (b) {
      case ValueBreak::kShort:
        if (p.type() == ShapeType::kBlob) {
          return RawJson::string(internal::base64(random_bytes(
              static_cast<uint64_t>(*int_between(0, static_cast<int64_t>(p.min_count) - 1, 0)))));
        }
        return RawJson::string(*(*p.short_text));
      case ValueBreak::kLong:
        if (p.type() == ShapeType::kBlob) {
          const auto first = static_cast<int64_t>(*p.max_count) + 1;
          return RawJson::string(internal::base64(
              random_bytes(static_cast<uint64_t>(*int_between(first, first + 6, first)))));
        }
        return RawJson::string(*(*p.long_text));
      case ValueBreak::kNearMiss:
        return RawJson::string(*(*p.near_miss));
      case ValueBreak::kEnum:
        if (p.type() == ShapeType::kIntEnum) {
          return RawJson::number(std::to_string(draw_int_enum_miss(p)));
        }
        return RawJson::string(draw_enum_miss(p));
      case ValueBreak::kBelow:
        if (p.ints) {
          const int64_t below = *p.ints->below;
          switch (*choice({3, 1, 1})) {
            case 0:
              return RawJson::number(std::to_string(below));
            case 1:
              return RawJson::number(std::to_string(p.ints->type_min));
            default:
              return RawJson::number(std::to_string(*int_between(p.ints->type_min, below, below)));
          }
        } else {
          const double min = p.constraints->range->min.value();
          const double v = *choice({3, 1, 1}) == 0 ? std::nextafter(min, -1e308)
                           : *chance(1, 2)         ? min - 1
                                                   : min - 1000.5;
          return RawJson::from_json(v);
        }
      case ValueBreak::kAbove:
        if (p.ints) {
          const int64_t above = *p.ints->above;
          switch (*choice({3, 1, 1})) {
            case 0:
              return RawJson::number(std::to_string(above));
            case 1:
              return RawJson::number(std::to_string(p.ints->type_max));
            default:
              return RawJson::number(std::to_string(*int_between(above, p.ints->type_max, above)));
          }
        } else {
          const double max = p.constraints->range->max.value();
          const double v = *choice({3, 1, 1}) == 0 ? std::nextafter(max, 1e308)
                           : *chance(1, 2)         ? max + 1
                                                   : max + 1000.5;
          return RawJson::from_json(v);
        }
      case ValueBreak::kFewer:
      case ValueBreak::kMore: {
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
      case ValueBreak::kParts:
        break;
    }
    return RawJson::null();
  }

  // A list or map of valid length, or a structure, with broken elements, entries or members.
  RawJson broken_parts(const ValuePlan& p, int depth) {
    if (p.is_structure()) return structure(p, depth, false, false);
    const uint64_t n = count_with_one(p);
    auto bad = *internal::flags(n, 1, several_odds(n));
    if (std::none_of(bad.begin(), bad.end(), [](bool b) { return b; })) bad[*index_below(n)] = true;
    const ValuePlan* container = &p;
    if (p.is_list()) {
      const ValuePlan* element = p.members[0];
      RawJson out = RawJson::array();
      for (uint64_t i = 0; i < n; ++i) {
        path_.push_back(std::to_string(i));
        if (bad[i]) {
          out.items.push_back(
              *part([container, element, depth](Breaker& b) -> std::optional<RawJson> {
                return b.broken_slot(*container, *element, depth);
              }));
        } else {
          out.items.push_back(valid(*element, depth + 1));
        }
        path_.pop_back();
      }
      return out;
    }
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
      // A bad entry breaks its key or its value (null or violating), whichever the model allows;
      // drawn as one part whose value is the one-entry object {key: value}.
      const auto entry = *part([container, key_plan, value_plan, key, used, depth](Breaker& b) {
        return std::optional<RawJson>(
            b.broken_entry(*container, *key_plan, *value_plan, key, used, depth));
      });
      used.push_back(entry.members.front().first);
      out.members.push_back(entry.members.front());
    }
    return out;
  }

  RawJson broken_entry(const ValuePlan& map, const ValuePlan& key_plan, const ValuePlan& value_plan,
                       const std::string& key, const std::vector<std::string>& used, int depth) {
    const bool slot_ok = !map.sparse || value_plan.can_violate;
    if (key_plan.can_violate && (!slot_ok || *chance(1, 3))) {
      const auto breaks = value_breaks(key_plan);
      std::vector<uint32_t> weights;
      for (const auto& [kb, w] : breaks) weights.push_back(w);
      RawJson broken_key = broken_value(key_plan, breaks[*choice(weights)].first, depth + 1);
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

  // A list element or map value that breaks R7: null (non-sparse) or a violating value.
  RawJson broken_slot(const ValuePlan& container, const ValuePlan& slot, int depth) {
    const bool null_ok = !container.sparse;
    if (null_ok && (!slot.can_violate || *chance(1, 3))) {
      const std::string member = joined(path_);
      labels_.violate(member, ConstraintKind::kRequired, internal::not_null_message(member));
      labels_.notes.push_back(member + " null element");
      return RawJson::null();
    }
    return violating_value(slot, depth + 1);
  }

  const RequestState& state_;
  Labels& labels_;
  DrawOptions options_;
  std::vector<std::string> path_;
};

ExpectedOutcome validation_outcome(const RequestState& state, const Labels& labels) {
  ExpectedOutcome e;
  e.outcome = validators::Outcome::kValidationError;
  e.status = state.validation_status;
  e.error_type = std::string(kValidationException);
  e.violations = labels.violations;
  const size_t n = labels.messages.size();
  e.message = std::to_string(n) +
              (n == 1 ? " validation error detected: " : " validation errors detected: ");
  for (size_t i = 0; i < n; ++i) e.message += (i == 0 ? "" : "; ") + labels.messages[i];
  return e;
}

ExpectedOutcome serialization_outcome(const RequestState& state) {
  ExpectedOutcome e;
  e.outcome = validators::Outcome::kSerializationError;
  e.status = state.serialization_status;
  e.error_type = std::string(kSerializationException);
  return e;
}

ExpectedOutcome accepted_outcome(nlohmann::ordered_json decoded) {
  ExpectedOutcome e;
  e.decoded = std::move(decoded);
  return e;
}

// Offsets in `text` where a code point starts (and its end).
std::vector<size_t> code_point_starts(const std::string& text) {
  std::vector<size_t> out;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) out.push_back(i);
  }
  out.push_back(text.size());
  return out;
}

LabelledRequest draw_serialization_error(const RequestState& state) {
  static const std::vector<std::string> kNotObjects = {"[]",   "\"text\"", "5",  "true",  "false",
                                                       "null", "1.5",      "-1", "\"{}\""};
  static const std::vector<std::string> kBadTokens = {"01",
                                                      "1.",
                                                      ".5",
                                                      "-",
                                                      "+1",
                                                      "NaN",
                                                      "Infinity",
                                                      "-Infinity",
                                                      "tru",
                                                      "nul",
                                                      "'single'",
                                                      "\"\\x\"",
                                                      "\"\\u12\"",
                                                      "\"\\ud800\"",
                                                      "\"\\udc00\"",
                                                      "\"\\ud800\\u0041\"",
                                                      "\"a\tb\"",
                                                      "\"a\nb\"",
                                                      "\"unterminated",
                                                      "[1,]",
                                                      "{\"a\":}",
                                                      "1e400",
                                                      "-1e400",
                                                      "[1 2]",
                                                      "{\"a\" 1}",
                                                      "/*c*/1",
                                                      "\"\x01\"",
                                                      "0x10",
                                                      "1e",
                                                      "--1",
                                                      "[",
                                                      "{",
                                                      std::string("\"a\0b\"", 5),
                                                      std::string("1\0", 2)};
  static const std::vector<std::string> kBadFirstMembers = {
      "zz:1", "'zz':1", "\"zz\" 1", "\"zz\"::1", "\"zz\":1 \"yy\":2", ","};
  static const std::vector<std::string> kTrailing = {"x",
                                                     "}",
                                                     "{}",
                                                     ",",
                                                     " 1",
                                                     "]",
                                                     " null",
                                                     "\"\"",
                                                     std::string("\0", 1),
                                                     std::string("\0junk", 5)};
  static const std::vector<std::string> kInvalidUtf8 = {
      "\xFF",     "\xC0\xAF", "\xED\xA0\x80",         "\xF4\x90\x80\x80",
      "\xE2\x82", "\x80",     "\xF8\x88\x80\x80\x80", "\xC3"};
  Labels labels;
  Breaker breaker(state, labels);
  const DrawOptions options = state.options();
  const auto valid_tree = [&] {
    return RawJson::from_json(internal::draw_valid_structure(state.root(), options, 0, true));
  };
  LabelledRequest out;
  out.expected = serialization_outcome(state);
  enum Category { kMemberType, kNotObject, kMalformed, kBadUtf8, kTooDeep };
  const auto category =
      static_cast<Category>(*choice({state.root_can_carry ? 6u : 0u, 1, 4, 2, 1}));
  switch (category) {
    case kMemberType: {
      const RawJson tree = breaker.structure(state.root(), 0, true, true);
      out.body = internal::write(tree, draw_style(6));
      out.description = labels.description("serialization error");
      if (!labels.violations.empty()) out.description += " (with R7 violations too: R6 wins)";
      break;
    }
    case kNotObject: {
      if (*chance(1, 4)) {
        out.body = "[" + internal::write(valid_tree()) + "]";
      } else {
        out.body = kNotObjects[*index_below(kNotObjects.size())];
      }
      out.description = "serialization error: the body is not a JSON object";
      break;
    }
    case kMalformed: {
      RawJson tree = valid_tree();
      const std::string compact = internal::write(tree);
      switch (*choice({2, 1, 3, 2})) {
        case 0: {
          const auto cut =
              static_cast<size_t>(*int_between(1, static_cast<int64_t>(compact.size()) - 1, 1));
          out.body = compact.substr(0, cut);
          out.description = "serialization error: truncated JSON";
          break;
        }
        case 1:
          out.body = compact + kTrailing[*index_below(kTrailing.size())];
          out.description = "serialization error: text after the JSON object";
          break;
        case 2: {
          const std::string token = kBadTokens[*index_below(kBadTokens.size())];
          tree.members.insert(tree.members.begin() + static_cast<std::ptrdiff_t>(
                                                         *index_below(tree.members.size() + 1)),
                              {"zz", RawJson::verbatim(token)});
          out.body = internal::write(tree, draw_style(6));
          out.description = "serialization error: malformed value " + token;
          if (leaves_to_implementation(token)) {
            out.implementation_defined =
                "R6 leaves the range of numbers and lone surrogate escapes inside members the "
                "operation does not define to the implementation (RFC 8259 sections 6 and 8.2)";
          }
          break;
        }
        default: {
          const std::string bad = kBadFirstMembers[*index_below(kBadFirstMembers.size())];
          const std::string inner = compact.substr(1, compact.size() - 2);
          out.body = "{" + bad + (inner.empty() ? "" : "," + inner) + "}";
          out.description = "serialization error: malformed member syntax " + bad;
          break;
        }
      }
      break;
    }
    case kBadUtf8: {
      RawJson tree = valid_tree();
      const std::string bad = kInvalidUtf8[*index_below(kInvalidUtf8.size())];
      std::vector<size_t> string_members;
      for (size_t i = 0; i < tree.members.size(); ++i) {
        if (tree.members[i].second.kind == RawJson::Kind::kString) string_members.push_back(i);
      }
      const size_t target = *choice({2, 1, string_members.empty() ? 0u : 3u});
      const size_t member = target == 2 ? string_members[*index_below(string_members.size())] : 0;
      std::string text = target == 2 ? tree.members[member].second.text : std::string("abc");
      const auto starts = code_point_starts(text);
      text.insert(starts[*index_below(starts.size())], bad);
      if (target == 0) {
        tree.members.emplace_back("zz", RawJson::string(text));
      } else if (target == 1) {
        tree.members.emplace_back(text, RawJson::number("1"));
      } else {
        tree.members[member].second.text = text;
      }
      out.body = internal::write(tree, draw_style(6));
      out.description = "serialization error: invalid UTF-8 in a " +
                        std::string(target == 1 ? "key" : "string value");
      break;
    }
    case kTooDeep: {
      RawJson tree = valid_tree();
      // One level past the limit half the time (the boundary), deeper otherwise.
      const int64_t limit = validators::kMaxJsonDepth;
      const auto depth = static_cast<size_t>(
          *choice({1, 1}) == 0 ? limit : *int_between(limit + 1, 400, limit + 1));
      std::string deep;
      if (*chance(1, 2)) {
        for (size_t i = 0; i < depth; ++i) deep += "{\"a\":";
        deep += "1" + std::string(depth, '}');
      } else {
        deep = std::string(depth, '[') + std::string(depth, ']');  // the shrunk form: shortest
      }
      tree.members.emplace_back("zz", RawJson::verbatim(deep));
      out.body = internal::write(tree);
      out.description = "serialization error: nesting " + std::to_string(depth + 1) +
                        " levels deep (limit " + std::to_string(validators::kMaxJsonDepth) + ")";
      out.implementation_defined = kNestingIsImplementationDefined;
      break;
    }
  }
  return out;
}

}  // namespace

std::variant<RequestGenerators, std::string> RequestGenerators::make(
    std::shared_ptr<const spec::Model> model, spec::OperationView operation,
    RequestGeneratorOptions options) {
  const spec::Shape& input = operation.input != nullptr ? *operation.input : empty_structure();
  auto plans = internal::PlanSet::build(input);
  if (auto* error = std::get_if<std::string>(&plans)) return "cannot generate requests: " + *error;
  auto state = std::make_shared<RequestState>();
  state->plans = std::get<std::shared_ptr<const internal::PlanSet>>(std::move(plans));
  for (const auto& name : options.omit_members) {
    const ValuePlan* m = state->plans->root_member(name);
    if (m == nullptr) return "cannot omit '" + name + "': not a member of the input";
    if (m->must_be_present(Flavor::kRequest)) return "cannot omit '" + name + "': it is required";
  }
  state->omit = options.omit_members;
  state->validation_status = status_of(operation, kValidationException, 400);
  state->serialization_status = status_of(operation, kSerializationException, 400);
  for (const ValuePlan* m : state->root().members) {
    state->root_can_carry = state->root_can_carry || m->type() != ShapeType::kDocument;
  }
  RequestGenerators out;
  out.model_ = std::move(model);
  out.operation_ = std::move(operation);
  out.options_ = std::move(options);
  out.state_ = std::move(state);
  return out;
}

rc::Gen<nlohmann::ordered_json> RequestGenerators::valid_input() const {
  const auto state = state_;
  return rc::gen::exec([state] {
    const RequestState& s = state_of(state);
    return internal::draw_valid_structure(s.root(), s.options(), 0, true);
  });
}

rc::Gen<LabelledRequest> RequestGenerators::valid_request() const {
  const auto state = state_;
  return rc::gen::exec([state] {
    const RequestState& s = state_of(state);
    auto input = internal::draw_valid_structure(s.root(), s.options(), 0, true);
    LabelledRequest out;
    out.body = input.dump();
    out.description = "valid request";
    out.expected = accepted_outcome(std::move(input));
    return out;
  });
}

rc::Gen<LabelledRequest> RequestGenerators::unusual_valid_request() const {
  const auto state = state_;
  return rc::gen::exec([state] {
    static const std::vector<std::string> kContentTypes = {
        "application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8",
        "Application/JSON", "application/json ; charset=utf-8"};
    static const std::vector<std::string> kBlanks = {"", " ", "\n", " \r\n\t "};
    const RequestState& s = state_of(state);
    const DrawOptions options = s.options();
    auto input = internal::draw_valid_structure(s.root(), options, 0, true);
    std::vector<std::string> notes;
    LabelledRequest out;
    if (input.empty() && *chance(1, 4)) {
      out.body = kBlanks[*index_below(kBlanks.size())];
      notes.push_back("blank body (read as {})");
    } else {
      RawJson tree = decorate(s.root(), input, options, 0, &notes);
      if (*chance(1, 6)) {
        // Nesting up to the limit inside an unknown member: the root object is level 1, so
        // kMaxJsonDepth - 1 arrays reach the limit exactly (half the time).
        const int64_t limit = validators::kMaxJsonDepth;
        const auto depth = static_cast<size_t>(
            *choice({1, 1}) == 0 ? limit - 1 : *int_between(100, limit - 2, limit - 2));
        tree.members.emplace_back(
            unknown_names(s.root()).front(),
            RawJson::verbatim(std::string(depth, '[') + std::string(depth, ']')));
        notes.push_back("unknown member nested " + std::to_string(depth + 1) + " levels deep");
        out.implementation_defined = kNestingIsImplementationDefined;
      }
      const TextStyle style = draw_style(1);
      out.body = internal::write(tree, style);
      if (style.spacing != TextStyle::Spacing::kCompact) notes.push_back("extra whitespace");
      if (style.random_escapes || style.escape_non_ascii) notes.push_back("escaped characters");
    }
    out.content_type = kContentTypes[*index_below(kContentTypes.size())];
    if (out.content_type != "application/json") notes.push_back("Content-Type " + out.content_type);
    Labels labels;
    labels.notes = std::move(notes);
    out.description = labels.description("unusual valid request");
    out.expected = accepted_outcome(std::move(input));
    return out;
  });
}

rc::Gen<LabelledRequest> RequestGenerators::validation_error_request() const {
  const auto state = state_;
  if (!state_of(state).root().can_violate) {
    return rc::gen::exec([]() -> LabelledRequest {
      throw rc::GenerationFailure("the input has no constraint a request can break");
    });
  }
  return rc::gen::exec([state] {
    const RequestState& s = state_of(state);
    Labels labels;
    Breaker breaker(s, labels);
    const RawJson tree = breaker.structure(s.root(), 0, false, true);
    LabelledRequest out;
    out.body = internal::write(tree, draw_style(6));
    out.expected = validation_outcome(s, labels);
    out.description = labels.description("validation error");
    return out;
  });
}

rc::Gen<LabelledRequest> RequestGenerators::serialization_error_request() const {
  const auto state = state_;
  return rc::gen::exec([state] { return draw_serialization_error(state_of(state)); });
}

rc::Gen<LabelledRequest> RequestGenerators::invalid_request() const {
  const auto state = state_;
  const auto validation = validation_error_request();
  const auto serialization = serialization_error_request();
  const bool can_violate = state_of(state).root().can_violate;
  return rc::gen::exec([=] {
    if (can_violate && *chance(1, 2)) return *validation;
    return *serialization;
  });
}

rc::Gen<std::string> RequestGenerators::equivalent_body(std::string body) const {
  auto tree = internal::parse_without_duplicates(body);
  if (!tree || !tree->is_object()) return rc::gen::just(std::move(body));
  const auto state = state_;
  return rc::gen::exec([state, tree = std::move(*tree)] {
    RawJson copy = tree;
    // Reorders the members of structures reached through structures only (list and map values are
    // printed in messages in body order, so they stay as they are).
    const auto reorder = [](auto& self, RawJson& object, const ValuePlan& plan) -> void {
      if (object.members.size() > 1 && *chance(3, 4)) {
        uint64_t seed = *internal::any_seed();
        for (size_t i = object.members.size() - 1; i > 0; --i) {
          seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
          std::swap(object.members[i], object.members[(seed >> 33) % (i + 1)]);
        }
      }
      for (auto& [key, value] : object.members) {
        for (const ValuePlan* m : plan.members) {
          if (m->name == key && m->type() == ShapeType::kStructure && value.is_object()) {
            self(self, value, *m);
          }
        }
      }
    };
    reorder(reorder, copy, state_of(state).root());
    return internal::write(copy, draw_style(1));
  });
}

void showValue(const LabelledRequest& request, std::ostream& os) {
  os << request.description << "\nContent-Type: " << request.content_type << "\nbody ("
     << request.body.size() << " bytes): " << internal::printable(request.body) << "\nexpected: ";
  const ExpectedOutcome& e = request.expected;
  switch (e.outcome) {
    case validators::Outcome::kAccepted:
      os << "accepted " << e.status;
      break;
    case validators::Outcome::kSerializationError:
      os << e.status << " " << e.error_type;
      break;
    case validators::Outcome::kValidationError:
      os << e.status << " " << e.error_type;
      break;
  }
  for (const auto& v : e.violations) {
    os << "\n  " << v.member << ": " << validators::to_string(v.constraint);
  }
  if (!e.message.empty()) os << "\n  message: " << e.message;
  if (e.decoded) os << "\n  decoded: " << e.decoded->dump();
}

}  // namespace lpe::generators
