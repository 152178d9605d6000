// The coverage phase's cases (RequestGenerators::coverage_cases): each case changes one member of
// a valid base request (or the whole body) and is labelled from the constraints as the random
// generators label theirs (violations_of, the R7 message forms), never by running the validator.
// No choice here is random: the same model and base give the same cases in the same order.
#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "generators/generators.h"
#include "generators/internal/draw.h"
#include "generators/internal/raw_json.h"
#include "generators/internal/request_state.h"
#include "generators/internal/shape_plan.h"
#include "spec/unicode.h"

namespace lpe::generators {
namespace {

using internal::RawJson;
using internal::RequestState;
using internal::ValuePlan;
using spec::ShapeType;

// A character tried against every pattern: at the end of a valid value, and also at its start
// when `leading` (whitespace that a server might trim, or that an unanchored `^` lets through).
struct Probe {
  char32_t code_point;
  const char* name;  // nullptr: the character itself, quoted
  bool leading = false;
};

const std::vector<Probe>& probes() {
  static const std::vector<Probe> list = [] {
    std::vector<Probe> out;
    for (const char c : std::string_view("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")) {
      out.push_back({static_cast<char32_t>(c), c == '\'' ? "apostrophe" : nullptr});
    }
    const std::vector<Probe> others = {
        {' ', "space", true},
        {'0', nullptr},
        {'a', nullptr},
        {'A', nullptr},
        {0x00, "U+0000 NUL"},
        {0x09, "tab", true},
        {0x0A, "newline", true},
        {0x0B, "U+000B vertical tab"},
        {0x0C, "U+000C form feed"},
        {0x0D, "carriage return", true},
        {0x1B, "U+001B escape"},
        {0x1F, "U+001F unit separator"},
        {0x7F, "U+007F delete"},
        {0x85, "U+0085 next line"},
        {0xA0, "U+00A0 no-break space", true},
        {0xB2, "U+00B2 superscript two"},
        {0xDF, "U+00DF sharp s"},
        {0xE9, "U+00E9 e acute"},
        {0x131, "U+0131 dotless i"},
        {0x17F, "U+017F long s"},
        {0x3BF, "U+03BF Greek omicron"},
        {0x430, "U+0430 Cyrillic a"},
        {0x663, "U+0663 Arabic-Indic three"},
        {0x200B, "U+200B zero-width space"},
        {0x2028, "U+2028 line separator"},
        {0x212A, "U+212A Kelvin sign"},
        {0x4E2D, "U+4E2D CJK ideograph"},
        {0xFEFF, "U+FEFF byte order mark"},
        {0xFF10, "U+FF10 fullwidth zero"},
        {0xFF21, "U+FF21 fullwidth A"},
        {0x1F600, "U+1F600 emoji"},
    };
    out.insert(out.end(), others.begin(), others.end());
    return out;
  }();
  return list;
}

std::string probe_name(const Probe& p) {
  if (p.name != nullptr) return p.name;
  return std::string("'") + static_cast<char>(p.code_point) + "'";
}

std::string utf8(char32_t cp) {
  std::string out;
  spec::append_utf8(cp, out);
  return out;
}

// `text` without its last code point.
std::string drop_last_code_point(std::string text) {
  while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) text.pop_back();
  if (!text.empty()) text.pop_back();
  return text;
}

std::string ascii_cased(std::string text, bool upper) {
  for (char& c : text) {
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// The simplest value of exactly `length` code points that satisfies the member's pattern (the
// first alternative and 'a'-like characters everywhere), or `length` times 'a' when the member
// has no pattern or no matching value has that length.
std::string value_of_length(const ValuePlan& plan, uint64_t length) {
  if (plan.pattern) {
    auto bounded = BoundedPattern::make(plan.pattern, {length, length});
    if (bounded) {
      BytesChoiceSource simplest({});
      return generate(*bounded, simplest);
    }
  }
  return std::string(length, 'a');
}

// "string \"5\"", "fraction 1.0", "boolean true": a wrong-type value as a case name.
std::string type_case_name(const RawJson& value) {
  const std::string text = internal::write(value);
  switch (value.kind) {
    case RawJson::Kind::kString:
      return "string " + text;
    case RawJson::Kind::kNumber:
      if (text.find_first_of("eE") != std::string::npos) return "exponent " + text;
      if (text.find('.') != std::string::npos) return "fraction " + text;
      return "integer " + text;
    case RawJson::Kind::kTrue:
    case RawJson::Kind::kFalse:
      return "boolean " + text;
    case RawJson::Kind::kArray:
      return "array " + text;
    case RawJson::Kind::kObject:
      return "object " + text;
    default:
      return text;
  }
}

// The name of an integer shape's JSON range in case names ("int32 max").
std::string integer_type_name(ShapeType type) {
  switch (type) {
    case ShapeType::kByte:
      return "int8";
    case ShapeType::kShort:
      return "int16";
    case ShapeType::kLong:
      return "int64";
    default:
      return "int32";
  }
}

class CoverageBuilder {
 public:
  CoverageBuilder(const RequestState& state, const spec::OperationView& op,
                  const nlohmann::ordered_json& base);
  std::vector<CoverageCase> build();

 private:
  void body_cases();
  void required_cases(size_t i);
  void type_cases(size_t i);
  void length_cases(size_t i);
  void range_cases(size_t i);
  void enum_cases(size_t i);
  void pattern_cases(size_t i);
  // The case of member `i` set to `value` (nullopt: absent); `wrong_type`: a JSON form the member
  // does not take (R6), else labelled with the value's R4/R7 violations.
  void add(size_t i, const std::string& constraint, const std::string& name,
           const std::optional<RawJson>& value, bool wrong_type = false);
  // A case whose request is made; a body already sent for this member is not sent again.
  void push(CoverageCase c);
  // Labels of an empty input (every required member null, R4).
  internal::Labels empty_input_labels() const;

  const RequestState& state_;
  std::vector<const ValuePlan*> members_;     // body members, model order
  std::vector<std::optional<RawJson>> base_;  // each member's base value, or absent
  std::vector<CoverageCase> cases_;
  std::map<std::string, size_t> by_body_;  // member + '\0' + body -> case
};

CoverageBuilder::CoverageBuilder(const RequestState& state, const spec::OperationView& op,
                                 const nlohmann::ordered_json& base)
    : state_(state) {
  for (const ValuePlan* m : state.root().members) {
    const spec::Member* member = op.input != nullptr ? op.input->member(m->name) : nullptr;
    if (member != nullptr && member->binding != spec::HttpBinding::kBody) continue;
    members_.push_back(m);
    std::optional<RawJson> value;
    if (state.omit.count(m->name) == 0) {
      const auto it = base.is_object() ? base.find(m->name) : base.end();
      if (it != base.end() && !it->is_null()) {
        value = RawJson::from_json(*it);
      } else if (m->must_be_present(internal::Flavor::kRequest)) {
        value = RawJson::from_json(
            internal::valid_value(*m, state.options(), 1)(rc::Random(1), 0).value());
      }
    }
    base_.push_back(std::move(value));
  }
}

std::vector<CoverageCase> CoverageBuilder::build() {
  body_cases();
  for (size_t i = 0; i < members_.size(); ++i) {
    required_cases(i);
    length_cases(i);
    range_cases(i);
    enum_cases(i);
    pattern_cases(i);
    type_cases(i);
  }
  return std::move(cases_);
}

internal::Labels CoverageBuilder::empty_input_labels() const {
  internal::Labels labels;
  for (const ValuePlan* m : members_) {
    if (m->must_be_present(internal::Flavor::kRequest)) {
      labels.violate(m->name, validators::ConstraintKind::kRequired,
                     internal::not_null_message(m->name));
    }
  }
  return labels;
}

void CoverageBuilder::body_cases() {
  const internal::Labels empty = empty_input_labels();
  ExpectedOutcome empty_outcome;
  if (empty.violations.empty()) {
    empty_outcome.decoded = nlohmann::ordered_json::object();
  } else {
    empty_outcome = internal::validation_outcome(state_, empty);
  }
  // R6: an empty body is read as {}; anything that is not a JSON object is malformed.
  const std::pair<const char*, const char*> forms[] = {
      {"empty", ""},       {"empty object", "{}"}, {"array", "[]"},     {"null", "null"},
      {"string", "\"x\""}, {"number", "5"},        {"boolean", "true"}, {"not JSON", "{\"x\""}};
  for (const auto& [name, body] : forms) {
    CoverageCase c;
    c.constraint = "body";
    c.name = name;
    c.value = body;
    c.request.body = body;
    const bool object = c.request.body.empty() || c.request.body == "{}";
    c.request.expected = object ? empty_outcome : internal::serialization_outcome(state_);
    c.request.description = std::string("coverage: body ") + name;
    push(std::move(c));
  }
}

void CoverageBuilder::add(size_t i, const std::string& constraint, const std::string& name,
                          const std::optional<RawJson>& value, bool wrong_type) {
  const ValuePlan& plan = *members_[i];
  RawJson tree = RawJson::object();
  for (size_t k = 0; k < members_.size(); ++k) {
    const std::optional<RawJson>& v = k == i ? value : base_[k];
    if (v) tree.members.emplace_back(members_[k]->name, *v);
  }
  internal::Labels labels;
  const bool null = !value || value->kind == RawJson::Kind::kNull;
  if (null && plan.must_be_present(internal::Flavor::kRequest)) {
    labels.violate(plan.name, validators::ConstraintKind::kRequired,
                   internal::not_null_message(plan.name));
  } else if (!null && !wrong_type) {
    for (const auto& v : internal::violations_of(plan, *value)) {
      labels.violate(plan.name, v.kind, internal::violation_message(plan.name, *value, v.phrase));
    }
  }
  CoverageCase c;
  c.member = plan.name;
  c.constraint = constraint;
  c.name = name;
  internal::TextStyle readable;
  readable.escape_non_ascii = true;
  c.value = value ? internal::write(*value, readable) : "";
  c.request.body = internal::write(tree);
  c.request.description = "coverage: " + plan.name + " " + constraint + " " + name;
  if (wrong_type) {
    c.request.expected = internal::serialization_outcome(state_);
  } else if (!labels.violations.empty()) {
    c.request.expected = internal::validation_outcome(state_, labels);
  } else {
    // A valid value of a member the caller never sets to one (a token it did not issue) has no
    // exact outcome.
    if (!null && state_.omit.count(plan.name) != 0) return;
    auto decoded = nlohmann::ordered_json::parse(c.request.body, nullptr, false);
    if (null && decoded.is_object()) decoded.erase(plan.name);  // an optional null is absent
    c.request.expected.decoded = std::move(decoded);
  }
  push(std::move(c));
}

void CoverageBuilder::push(CoverageCase c) {
  const std::string key = c.member + '\0' + c.request.body;
  const auto it = by_body_.find(key);
  if (it != by_body_.end()) {
    CoverageCase& earlier = cases_[it->second];
    if (earlier.constraint == c.constraint) earlier.name += ", " + c.name;
    return;
  }
  by_body_[key] = cases_.size();
  cases_.push_back(std::move(c));
}

void CoverageBuilder::required_cases(size_t i) {
  if (members_[i]->must_be_present(internal::Flavor::kRequest)) add(i, "required", "absent", {});
  add(i, "required", "null", RawJson::null());
}

void CoverageBuilder::type_cases(size_t i) {
  const ValuePlan& plan = *members_[i];
  std::vector<RawJson> wrong = internal::wrong_type_values(plan);
  if (plan.is_string_like()) {
    wrong.push_back(RawJson::number("1.0"));
    wrong.push_back(RawJson::number("1e2"));
  } else if (plan.ints) {
    wrong.push_back(RawJson::array());
  }
  for (const RawJson& value : wrong) add(i, "type", type_case_name(value), value, true);
  // R6: a body that is not valid UTF-8 (here inside the member's string) is malformed.
  if (plan.is_string_like()) add(i, "type", "invalid UTF-8", RawJson::string("a\xff"), true);
}

void CoverageBuilder::length_cases(size_t i) {
  const ValuePlan& plan = *members_[i];
  const auto& length = plan.constraints->length;
  if (!plan.is_string_like() || !length) return;
  const auto min = static_cast<uint64_t>(std::max<int64_t>(0, length->min.value_or(0)));
  std::vector<std::pair<std::string, uint64_t>> bounds;
  if (min > 0) bounds.emplace_back("min-1", min - 1);
  bounds.emplace_back("min", min);
  if (length->max) {
    const auto max = static_cast<uint64_t>(std::max<int64_t>(0, *length->max));
    bounds.emplace_back("max", max);
    bounds.emplace_back("max+1", max + 1);
  }
  for (const auto& [name, n] : bounds) {
    if (n > kPatternLengthCap) continue;
    add(i, "length", name, RawJson::string(value_of_length(plan, n)));
  }
}

void CoverageBuilder::range_cases(size_t i) {
  const ValuePlan& plan = *members_[i];
  if (!plan.ints || plan.type() == ShapeType::kBigInteger) return;
  const internal::IntDomain& d = *plan.ints;
  const auto number = [](int64_t v) { return RawJson::number(std::to_string(v)); };
  const auto& range = plan.constraints->range;
  if (range && range->min) {
    if (d.below) add(i, "range", "min-1", number(*d.below));
    add(i, "range", "min", number(d.lo));
  }
  if (range && range->max) {
    add(i, "range", "max", number(d.hi));
    if (d.above) add(i, "range", "max+1", number(*d.above));
  }
  // The JSON integer's type limits (R6): the edges are values, one beyond is malformed.
  const std::string type = integer_type_name(plan.type());
  const bool int64 = d.type_max == std::numeric_limits<int64_t>::max();
  add(i, "range", type + " max", number(d.type_max));
  add(i, "range", type + " max+1",
      RawJson::number(int64 ? "9223372036854775808" : std::to_string(d.type_max + 1)), true);
  add(i, "range", type + " min", number(d.type_min));
  add(i, "range", type + " min-1",
      RawJson::number(int64 ? "-9223372036854775809" : std::to_string(d.type_min - 1)), true);
}

void CoverageBuilder::enum_cases(size_t i) {
  const ValuePlan& plan = *members_[i];
  if (!plan.all_enum_values.empty()) {
    const auto& values = plan.all_enum_values;
    std::string other = ascii_cased(values.front(), true);
    if (other == values.front()) other = ascii_cased(values.front(), false);
    if (std::find(values.begin(), values.end(), other) != values.end()) other += "x";
    add(i, "enum", "not an enum value", RawJson::string(other));
  } else if (plan.type() == ShapeType::kIntEnum && !plan.all_int_enum_values.empty()) {
    const int64_t top =
        *std::max_element(plan.all_int_enum_values.begin(), plan.all_int_enum_values.end());
    if (plan.ints && top < plan.ints->type_max) {
      add(i, "enum", "not an enum value", RawJson::number(std::to_string(top + 1)));
    }
  }
}

void CoverageBuilder::pattern_cases(size_t i) {
  const ValuePlan& plan = *members_[i];
  if (!plan.pattern || !plan.constraints->pattern) return;
  const auto& length = plan.constraints->length;
  const uint64_t min = length && length->min ? static_cast<uint64_t>(*length->min) : 0;
  std::optional<uint64_t> max;
  if (length && length->max) max = static_cast<uint64_t>(*length->max);
  // A valid value of the shortest length that leaves a character to replace.
  auto bounded = BoundedPattern::make(plan.pattern, {std::max<uint64_t>(min, 1), max});
  if (!bounded) return;
  const uint64_t n = bounded->lengths().front();
  const std::string valid = value_of_length(plan, n);
  const bool room = !max || n + 1 <= *max;
  const std::string body = room ? valid : drop_last_code_point(valid);
  const auto try_value = [&](const std::string& name, const std::string& text) {
    if (!plan.pattern->matches(text)) add(i, "pattern", name, RawJson::string(text));
  };
  for (const Probe& p : probes()) {
    const std::string c = utf8(p.code_point);
    try_value("trailing " + probe_name(p), body + c);
    if (p.leading) try_value("leading " + probe_name(p), c + body);
  }
  // Case variants, where the pattern restricts case.
  for (const bool upper : {true, false}) {
    const std::string cased = ascii_cased(valid, upper);
    if (cased != valid) try_value(upper ? "upper-cased" : "lower-cased", cased);
  }
}

}  // namespace

std::vector<CoverageCase> RequestGenerators::coverage_cases(
    const nlohmann::ordered_json& base) const {
  const auto& state = internal::state_as<RequestState>(state_);
  return CoverageBuilder(state, operation_, base).build();
}

}  // namespace lpe::generators
