#include "generators/internal/shape_plan.h"

#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace lpe::generators::internal {
namespace {

using spec::ShapeType;

// A list longer than its maximum is only drawn when the maximum is at most this (bigger lists
// would make every case slow).
constexpr uint64_t kMaxCountForLongLists = 64;
// Values longer than the maximum are drawn this many code points past it, at most.
constexpr uint64_t kOverLengthSpan = 16;

// Any text at all, for strings without a pattern.
std::shared_ptr<const CompiledPattern> any_text_pattern() {
  static const std::shared_ptr<const CompiledPattern> pattern = [] {
    auto parsed = CompiledPattern::parse("^[\\s\\S]*$");
    return std::make_shared<const CompiledPattern>(std::move(*parsed));
  }();
  return pattern;
}

// Saturating conversion of a (finite or infinite) double to int64.
int64_t saturate(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9223372036854775808.0) return std::numeric_limits<int64_t>::max();
  if (d < -9223372036854775808.0) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

// Exact comparisons of an integer with a range bound (v < d and v > d over the reals).
bool int_below(int64_t v, double d) {
  if (d >= 9223372036854775808.0) return true;
  if (d < -9223372036854775808.0) return false;
  return v < static_cast<int64_t>(std::ceil(d));
}
bool int_above(int64_t v, double d) {
  if (d < -9223372036854775808.0) return true;
  if (d >= 9223372036854775808.0) return false;
  return v > static_cast<int64_t>(std::floor(d));
}

struct TypeLimits {
  int64_t min;
  int64_t max;
};

TypeLimits limits_of(ShapeType t) {
  switch (t) {
    case ShapeType::kByte:
      return {INT8_MIN, INT8_MAX};
    case ShapeType::kShort:
      return {INT16_MIN, INT16_MAX};
    case ShapeType::kInteger:
    case ShapeType::kIntEnum:
      return {INT32_MIN, INT32_MAX};
    default:
      return {INT64_MIN, INT64_MAX};
  }
}

std::string describe_bounds(const LengthBounds& b) {
  return std::to_string(b.min) + ".." + (b.max ? std::to_string(*b.max) : std::string("*"));
}

}  // namespace

bool ValuePlan::is_integer() const {
  switch (type()) {
    case ShapeType::kByte:
    case ShapeType::kShort:
    case ShapeType::kInteger:
    case ShapeType::kLong:
    case ShapeType::kBigInteger:
    case ShapeType::kIntEnum:
      return true;
    default:
      return false;
  }
}

bool ValuePlan::is_float() const {
  return type() == ShapeType::kFloat || type() == ShapeType::kDouble ||
         type() == ShapeType::kBigDecimal;
}

uint64_t ValuePlan::count_cap(uint64_t span) const {
  const uint64_t cap = min_count + span;
  return max_count ? std::min(*max_count, cap) : cap;
}

Result<std::shared_ptr<const PlanSet>> PlanSet::build(const spec::Shape& root) {
  auto set = std::shared_ptr<PlanSet>(new PlanSet());
  ValuePlan& plan = set->plans_.emplace_back();
  plan.shape = &root;
  plan.constraints = &root.constraints;
  plan.label = "structure '" + std::string(root.name()) + "'";
  set->root_ = &plan;
  if (Status filled = set->fill(plan, ""); !filled) return filled.error();
  set->compute_can_violate();
  return std::shared_ptr<const PlanSet>(std::move(set));
}

const ValuePlan* PlanSet::root_member(std::string_view name) const {
  for (const ValuePlan* m : root_->members) {
    if (m->name == name) return m;
  }
  return nullptr;
}

Result<ValuePlan*> PlanSet::plan_for(const spec::Member& member, const std::string& path) {
  if (const auto it = by_member_.find(&member); it != by_member_.end()) return it->second;
  ValuePlan& plan = plans_.emplace_back();
  by_member_[&member] = &plan;
  plan.shape = member.target;
  plan.constraints = &member.constraints;
  plan.name = member.name;
  plan.required = member.required;
  plan.default_value = member.default_value;
  plan.label = "member '" + path + "'";
  if (Status filled = fill(plan, path); !filled) return filled.error();
  return &plan;
}

namespace {

// A failure of `plan`: the reason, where the member is.
Error plan_error(const ValuePlan& plan, std::string why) {
  return fail(std::move(why), plan.label);
}

// The model pattern of a string member, compiled for generation.
Status compile_pattern(ValuePlan& plan) {
  const spec::Constraints& c = *plan.constraints;
  if (!c.pattern) return {};
  auto parsed = CompiledPattern::parse(c.pattern->source);
  if (!parsed) {
    return plan_error(plan, "pattern `" + c.pattern->source +
                                "` is outside the supported subset (" + parsed.error().construct +
                                " at offset " + std::to_string(parsed.error().offset) +
                                "): " + parsed.error().message);
  }
  plan.pattern = std::make_shared<const CompiledPattern>(*parsed);
  return {};
}

// A string enum's values, and those of them that satisfy the length and the pattern.
Status fill_enum_values(ValuePlan& plan, const LengthBounds& bounds) {
  for (const auto& v : plan.shape->enum_values) plan.all_enum_values.push_back(v.string_value);
  if (plan.all_enum_values.empty()) return {};
  for (const auto& v : plan.all_enum_values) {
    const uint64_t n = code_point_count(v).value_or(0);
    const bool fits = n >= bounds.min && (!bounds.max || n <= *bounds.max);
    if (fits && (!plan.pattern || plan.pattern->matches(v))) plan.enum_values.push_back(v);
  }
  if (plan.enum_values.empty()) {
    return plan_error(plan, "no enum value satisfies the length and pattern");
  }
  return {};
}

// Valid text, text outside the length bounds and near misses of the pattern.
Status fill_text_generators(ValuePlan& plan, const LengthBounds& bounds) {
  const auto text_pattern = plan.pattern ? plan.pattern : any_text_pattern();
  if (plan.all_enum_values.empty()) {
    auto valid = BoundedPattern::make(text_pattern, bounds);
    if (!valid) {
      return plan_error(plan, valid.error().message);
    }
    plan.valid_text = gen_matching(std::move(*valid));
  }
  // Values outside the length bounds match the pattern when the pattern allows such lengths,
  // so that only the length is broken; otherwise they are any text (and break both).
  const auto outside = [&](LengthBounds wrong) -> rc::Gen<std::string> {
    auto matching = BoundedPattern::make(text_pattern, wrong);
    if (matching) return gen_matching(std::move(*matching));
    return gen_matching(any_text_pattern(), wrong);
  };
  if (plan.min_count > 0) plan.short_text = outside({0, plan.min_count - 1});
  if (plan.max_count && *plan.max_count + kOverLengthSpan <= kPatternLengthCap) {
    plan.long_text = outside({*plan.max_count + 1, *plan.max_count + kOverLengthSpan});
  }
  if (plan.pattern) {
    // A near miss exists when the pattern rejects some text of allowed length; probe a few.
    bool found = true;
    for (uint64_t seed = 1; seed <= 8 && found; ++seed) {
      SeededChoiceSource choices(seed);
      found = generate_near_miss(*plan.pattern, bounds, choices).ok();
    }
    if (found) plan.near_miss = gen_near_miss(plan.pattern, bounds);
  }
  return {};
}

Status fill_string(ValuePlan& plan) {
  const LengthBounds bounds{plan.min_count, plan.max_count};
  if (Status s = compile_pattern(plan); !s) return s;
  if (Status s = fill_enum_values(plan, bounds); !s) return s;
  if (Status s = fill_text_generators(plan, bounds); !s) return s;
  if (bounds.max && bounds.min > *bounds.max) {
    return plan_error(plan, "length bounds " + describe_bounds(bounds));
  }
  return {};
}

// The type's limits narrowed by the range (the values just outside it, when the type holds them).
Result<IntDomain> int_domain(const ValuePlan& plan) {
  const spec::ShapeType type = plan.type();
  const spec::Constraints& c = *plan.constraints;
  const TypeLimits limits = limits_of(type);
  IntDomain d;
  d.type_min = limits.min;
  d.type_max = limits.max;
  d.lo = limits.min;
  d.hi = limits.max;
  if (c.range && c.range->min) {
    const int64_t first = saturate(std::ceil(*c.range->min));
    if (!int_below(limits.max, *c.range->min) && first > d.lo) {
      d.lo = first;
      d.below = first - 1;
    } else if (int_below(limits.max, *c.range->min)) {
      return plan_error(plan, "no " + std::string(spec::to_string(type)) + " satisfies range min " +
                                  c.range->min_text);
    }
  }
  if (c.range && c.range->max) {
    const int64_t last = saturate(std::floor(*c.range->max));
    if (!int_above(limits.min, *c.range->max) && last < d.hi) {
      d.hi = last;
      d.above = last + 1;
    } else if (int_above(limits.min, *c.range->max)) {
      return plan_error(plan, "no " + std::string(spec::to_string(type)) + " satisfies range max " +
                                  c.range->max_text);
    }
  }
  if (d.lo > d.hi) {
    return plan_error(plan, "range " + c.range->min_text + ".." + c.range->max_text + " is empty");
  }
  return d;
}

Status fill_integer(ValuePlan& plan) {
  Result<IntDomain> domain = int_domain(plan);
  if (!domain) return domain.error();
  IntDomain& d = *domain;
  d.simplest = std::clamp<int64_t>(0, d.lo, d.hi);
  if (plan.default_value && plan.default_value->is_number_integer()) {
    const int64_t v = plan.default_value->get<int64_t>();
    if (v >= d.lo && v <= d.hi) d.simplest = v;
  }
  if (plan.type() == ShapeType::kIntEnum) {
    for (const auto& v : plan.shape->enum_values) {
      plan.all_int_enum_values.push_back(v.int_value);
      if (v.int_value >= d.lo && v.int_value <= d.hi) plan.int_enum_values.push_back(v.int_value);
    }
    if (plan.int_enum_values.empty())
      return plan_error(plan, "no intEnum value satisfies the range");
    d.simplest = plan.int_enum_values.front();
  }
  plan.ints = d;
  return {};
}

Status fill_float(ValuePlan& plan) {
  const spec::Constraints& c = *plan.constraints;
  FloatDomain d;
  d.single = plan.type() == ShapeType::kFloat;
  const double limit = d.single ? 3.0e38 : 1.0e300;
  d.lo = -limit;
  d.hi = limit;
  if (c.range && c.range->min) {
    d.lo = std::max(d.lo, *c.range->min);
    d.has_min = true;
  }
  if (c.range && c.range->max) {
    d.hi = std::min(d.hi, *c.range->max);
    d.has_max = true;
  }
  if (d.lo > d.hi) return plan_error(plan, "range is empty");
  d.simplest = std::clamp(0.0, d.lo, d.hi);
  if (plan.default_value && plan.default_value->is_number()) {
    const double v = plan.default_value->get<double>();
    if (v >= d.lo && v <= d.hi) d.simplest = v;
  }
  plan.floats = d;
  return {};
}

}  // namespace

Status PlanSet::fill(ValuePlan& plan, const std::string& path) {
  const spec::Constraints& c = *plan.constraints;
  plan.sparse = c.sparse;
  if (c.length) {
    plan.min_count = static_cast<uint64_t>(c.length->min.value_or(0));
    if (c.length->max) plan.max_count = static_cast<uint64_t>(*c.length->max);
  }
  switch (plan.type()) {
    case ShapeType::kString:
    case ShapeType::kEnum:
      return fill_string(plan);
    case ShapeType::kBlob:
      if (plan.max_count && *plan.max_count > kPatternLengthCap) plan.max_count = kPatternLengthCap;
      return {};
    case ShapeType::kBoolean:
    case ShapeType::kDocument:
      return {};
    case ShapeType::kByte:
    case ShapeType::kShort:
    case ShapeType::kInteger:
    case ShapeType::kLong:
    case ShapeType::kBigInteger:
    case ShapeType::kIntEnum:
      return fill_integer(plan);
    case ShapeType::kFloat:
    case ShapeType::kDouble:
    case ShapeType::kBigDecimal:
      return fill_float(plan);
    case ShapeType::kTimestamp:
      plan.timestamp_format = c.timestamp_format.value_or(spec::TimestampFormat::kEpochSeconds);
      return {};
    case ShapeType::kList:
    case ShapeType::kSet:
    case ShapeType::kMap:
    case ShapeType::kStructure:
    case ShapeType::kUnion:
      return fill_members(plan, path);
    default:
      return plan_error(plan,
                        "a " + std::string(spec::to_string(plan.type())) + " cannot be generated");
  }
}

Status PlanSet::fill_members(ValuePlan& plan, const std::string& path) {
  const spec::Shape& shape = *plan.shape;
  const auto add = [&](const spec::Member& member, const std::string& name) -> Status {
    Result<ValuePlan*> child = plan_for(member, path.empty() ? name : path + "." + name);
    if (!child) return child.error();
    plan.members.push_back(*child);
    return {};
  };
  if (plan.is_list()) return add(shape.members.at(0), "member");
  if (plan.is_map()) {
    if (Status s = add(shape.members.at(0), "key"); !s) return s;
    return add(shape.members.at(1), "value");
  }
  for (const auto& m : shape.members) {
    if (Status s = add(m, m.name); !s) return s;
  }
  // Presence rules come resolved and checked from the loader (spec::Member::present_when).
  for (const auto& m : shape.members) {
    if (!m.present_when) continue;
    by_member_.at(&m)->present_when = PresentWhen{
        m.present_when->sibling, m.present_when->pattern.source, m.present_when->pattern.regex};
  }
  return {};
}

const spec::Shape& empty_structure(Flavor flavor) {
  const auto make = [](const char* id) {
    spec::Shape s;
    s.id = id;
    s.type = ShapeType::kStructure;
    return s;
  };
  static const spec::Shape input = make("lpe.generated#EmptyInput");
  static const spec::Shape output = make("lpe.generated#EmptyOutput");
  return flavor == Flavor::kRequest ? input : output;
}

void PlanSet::compute_can_violate() {
  // A least fixpoint: recursive shapes start as unbreakable and become breakable through a part.
  bool changed = true;
  while (changed) {
    changed = false;
    for (ValuePlan& p : plans_) {
      if (p.can_violate) continue;
      bool can = false;
      switch (p.type()) {
        case ShapeType::kString:
        case ShapeType::kEnum:
          can = !p.all_enum_values.empty() || p.short_text || p.long_text || p.near_miss;
          break;
        case ShapeType::kBlob:
          can = p.min_count > 0 || p.max_count.has_value();
          break;
        case ShapeType::kFloat:
        case ShapeType::kDouble:
        case ShapeType::kBigDecimal:
          can = p.floats->has_min || p.floats->has_max;
          break;
        case ShapeType::kList:
        case ShapeType::kSet:
        case ShapeType::kMap: {
          const bool can_hold = !p.max_count || *p.max_count > 0;
          bool part = !p.sparse;
          for (const ValuePlan* m : p.members) part = part || m->can_violate;
          can = p.min_count > 0 || (p.max_count && *p.max_count <= kMaxCountForLongLists) ||
                (can_hold && part);
          break;
        }
        case ShapeType::kStructure:
        case ShapeType::kUnion:
          for (const ValuePlan* m : p.members) can = can || m->required || m->can_violate;
          break;
        default:
          if (p.ints) {
            can = p.ints->below || p.ints->above || p.type() == ShapeType::kIntEnum;
          }
      }
      if (can) {
        p.can_violate = true;
        changed = true;
      }
    }
  }
}

std::vector<PhrasedViolation> violations_of(const ValuePlan& plan, const RawJson& value) {
  using validators::ConstraintKind;
  std::vector<PhrasedViolation> out;
  const spec::Constraints& c = *plan.constraints;
  const auto length = [&](uint64_t n) {
    if (!c.length) return;
    if (c.length->min && n < static_cast<uint64_t>(*c.length->min)) {
      out.push_back({ConstraintKind::kLength, "Member must have length greater than or equal to " +
                                                  std::to_string(*c.length->min)});
    } else if (c.length->max && n > static_cast<uint64_t>(*c.length->max)) {
      out.push_back({ConstraintKind::kLength, "Member must have length less than or equal to " +
                                                  std::to_string(*c.length->max)});
    }
  };
  const auto range = [&](bool below, bool above) {
    if (below) {
      out.push_back({ConstraintKind::kRange,
                     "Member must have value greater than or equal to " + c.range->min_text});
    }
    if (above) {
      out.push_back({ConstraintKind::kRange,
                     "Member must have value less than or equal to " + c.range->max_text});
    }
  };
  if (plan.is_string_like() && value.kind == RawJson::Kind::kString) {
    length(code_point_count(value.text).value_or(value.text.size()));
    if (c.pattern && plan.pattern && !plan.pattern->matches(value.text)) {
      out.push_back({ConstraintKind::kPattern,
                     "Member must satisfy regular expression pattern: " + c.pattern->source});
    }
    if (!plan.all_enum_values.empty() &&
        std::find(plan.all_enum_values.begin(), plan.all_enum_values.end(), value.text) ==
            plan.all_enum_values.end()) {
      std::string set;
      for (const auto& v : plan.all_enum_values) set += (set.empty() ? "" : ", ") + v;
      out.push_back({ConstraintKind::kEnum, "Member must satisfy enum value set: [" + set + "]"});
    }
  } else if (plan.type() == ShapeType::kBlob && value.kind == RawJson::Kind::kString) {
    length(base64_decoded_size(value.text));
  } else if (plan.ints && value.kind == RawJson::Kind::kNumber) {
    int64_t v = 0;
    const auto [ptr, ec] =
        std::from_chars(value.text.data(), value.text.data() + value.text.size(), v);
    if (ec != std::errc() || ptr != value.text.data() + value.text.size()) return out;
    if (plan.type() == ShapeType::kIntEnum &&
        std::find(plan.all_int_enum_values.begin(), plan.all_int_enum_values.end(), v) ==
            plan.all_int_enum_values.end()) {
      std::string set;
      for (const int64_t e : plan.all_int_enum_values) {
        set += (set.empty() ? "" : ", ") + std::to_string(e);
      }
      out.push_back({ConstraintKind::kEnum, "Member must satisfy enum value set: [" + set + "]"});
    }
    if (c.range) {
      range(c.range->min && int_below(v, *c.range->min),
            c.range->max && int_above(v, *c.range->max));
    }
  } else if (plan.floats && value.kind == RawJson::Kind::kNumber) {
    const double v = std::strtod(value.text.c_str(), nullptr);
    if (c.range) range(c.range->min && v < *c.range->min, c.range->max && v > *c.range->max);
  } else if (plan.is_list() && value.kind == RawJson::Kind::kArray) {
    length(value.items.size());
  } else if (plan.is_map() && value.kind == RawJson::Kind::kObject) {
    length(value.members.size());
  }
  return out;
}

std::string violation_message(const std::string& path, const RawJson& value,
                              const std::string& phrase) {
  return "Value '" + cut_code_points(render_for_message(value), 256) + "' at '" + path +
         "' failed to satisfy constraint: " + phrase;
}

std::string not_null_message(const std::string& path) {
  return "Value null at '" + path + "' failed to satisfy constraint: " + kNotNullPhrase;
}

std::string base64(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) |
                       (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(n >> shift) & 0x3F];
  }
  if (i + 1 == bytes.size()) {
    const uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    out += kAlphabet[(n >> 18) & 0x3F];
    out += kAlphabet[(n >> 12) & 0x3F];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const uint32_t n =
        (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 0x3F];
    out += kAlphabet[(n >> 12) & 0x3F];
    out += kAlphabet[(n >> 6) & 0x3F];
    out += '=';
  }
  return out;
}

uint64_t base64_decoded_size(const std::string& text) {
  uint64_t padding = 0;
  if (!text.empty() && text.back() == '=') ++padding;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++padding;
  return text.size() / 4 * 3 - padding;
}

}  // namespace lpe::generators::internal
