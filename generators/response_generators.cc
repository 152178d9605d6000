// Response generators: correct success pages and error responses of any operation, and broken
// responses labelled with the finding rules a correct response checker must report (R8, R9, R10).
// Each label follows from what was broken: a missing required member is R9.required, a value of
// the wrong JSON type R9.type, a bad date-time R9.timestamp_format, a constraint R9.constraint (the
// pagination token: R10.token_format), newer-version members and enum values notes, and the R8
// rules follow the order in which clients find an error's type (header, body `code`, body
// `__type`).
#include <algorithm>
#include <set>

#include <rapidcheck.h>
#include <re2/re2.h>

#include "generators/generators.h"
#include "generators/internal/draw.h"
#include "generators/internal/raw_json.h"
#include "generators/internal/shape_plan.h"
#include "wire/error_encoding.h"

namespace lpe::generators {
namespace {

using internal::chance;
using internal::choice;
using internal::DrawOptions;
using internal::Flavor;
using internal::index_below;
using internal::RawJson;
using internal::TextStyle;
using internal::ValuePlan;
using spec::ShapeType;
using validators::ConstraintKind;
using validators::HttpResponse;

// One error the operation can return, with what a correct response of it looks like.
struct ErrorInfo {
  std::string name;            // simple name, the x-amzn-ErrorType value
  std::string id;              // absolute shape id ("ns#Name"), the body `__type` form
  int status = 400;            // the model's httpError
  std::string message_member;  // the body member holding the message
  bool declared = true;        // declared by the model (else a protocol error of ours)
};

struct ResponseState {
  std::shared_ptr<const internal::PlanSet> plans;
  bool has_output = false;
  int success = 200;
  std::vector<ErrorInfo> errors;
  std::vector<std::string> known_error_names;
  std::string output_token;
  DrawOptions options;

  const ValuePlan& root() const { return plans->root(); }
};

const ResponseState& state_of(const std::shared_ptr<const void>& state) {
  return *static_cast<const ResponseState*>(state.get());
}

const spec::Shape& empty_structure() {
  static const spec::Shape shape = [] {
    spec::Shape s;
    s.id = "lpe.generated#EmptyOutput";
    s.type = ShapeType::kStructure;
    return s;
  }();
  return shape;
}

// The rules a broken response must produce (a set: one break may yield several findings).
struct Rules {
  std::set<std::string> rules;
  std::vector<std::string> notes;
  void add(const std::string& rule, std::string note) {
    rules.insert(rule);
    notes.push_back(std::move(note));
  }
};

std::vector<std::pair<std::string, std::string>> headers(bool content_type, bool request_id) {
  static const std::vector<std::string> kContentTypes = {
      "application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8"};
  std::vector<std::pair<std::string, std::string>> out;
  if (content_type) {
    out.emplace_back(*chance(1, 3) ? "content-type" : "Content-Type",
                     kContentTypes[*index_below(kContentTypes.size())]);
  }
  if (request_id) {
    out.emplace_back(*chance(1, 3) ? "x-amzn-requestid" : "x-amzn-RequestId",
                     wire::new_request_id(*internal::any_seed()));
  }
  return out;
}

TextStyle body_style() {
  TextStyle style;
  style.spacing = static_cast<TextStyle::Spacing>(*choice({4, 1, 1, 1}));
  style.random_escapes = *chance(1, 6);
  if (style.spacing == TextStyle::Spacing::kRandom || style.random_escapes) {
    style.seed = *internal::any_seed();
  }
  return style;
}

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

std::string joined(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& segment : path) out += (out.empty() ? "" : ".") + segment;
  return out;
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
    RawJson object =
        RawJson::from_json(internal::draw_valid_structure(p, state_.options, depth, root));
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
                           : RawJson::from_json(internal::draw_valid(m, state_.options, depth + 1));
        set_member(object, p, i, value(m, std::move(base), depth + 1, root));
      } else {
        rules_.add("R9.required", joined(path_) + (kind == kAbsent ? " absent" : " null"));
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
      rules_.add(present ? "R9.presence" : "R9.presence_expected",
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
    const std::string where = joined(path_);
    if (kind == 0) {
      const auto wrong = internal::wrong_type_values(p);
      RawJson v = wrong[*index_below(wrong.size())];
      const bool bad_time = p.type() == ShapeType::kTimestamp &&
                            p.timestamp_format == spec::TimestampFormat::kDateTime &&
                            v.kind == RawJson::Kind::kString;
      rules_.add(bad_time ? "R9.timestamp_format" : "R9.type",
                 where + (bad_time ? " not a date-time: " : " wrong type: ") + internal::write(v));
      return v;
    }
    if (kind == 1) {
      const auto breaks = constraint_breaks(p);
      RawJson v = broken(p, breaks[*index_below(breaks.size())], depth);
      for (const auto& violation : internal::violations_of(p, v)) {
        if (violation.kind == ConstraintKind::kEnum) {
          rules_.add("R9.unknown_enum_value", where + " unknown enum value (a note)");
        } else {
          rules_.add(
              root_member && p.name == state_.output_token ? "R10.token_format" : "R9.constraint",
              where + " " + violation.phrase);
        }
      }
      return v;
    }
    if (p.is_structure()) return structure(p, depth, false);
    // A list or map holding at least one element or entry, some of them broken.
    if (p.is_list()) {
      if (current.kind != RawJson::Kind::kArray || current.items.empty()) {
        current = RawJson::array(
            {RawJson::from_json(internal::draw_valid(*p.members[0], state_.options, depth + 1))});
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
    if (current.kind != RawJson::Kind::kObject || current.members.empty()) {
      std::string key =
          internal::draw_valid(*p.members[0], state_.options, depth + 1).get<std::string>();
      current = RawJson::object({{key, RawJson::from_json(internal::draw_valid(
                                           *p.members[1], state_.options, depth + 1))}});
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
      rules_.add("R9.required", joined(path_) + " null element");
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
              RawJson::from_json(internal::draw_valid(*p.members[0], state_.options, depth + 1)));
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
                            {name, internal::draw_any_json(1)});
      rules.add("R9.unknown_member", prefix + name + " unknown member (a note)");
      return true;
    }
    case kNullOptional: {
      const size_t i = absent_optional[*index_below(absent_optional.size())];
      set_member(object, plan, i, RawJson::null());
      rules.add("R9.null_member", prefix + plan.members[i]->name + " null (a note)");
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
      for (const auto& violation : internal::violations_of(m, v)) {
        rules.add(
            violation.kind == ConstraintKind::kEnum ? "R9.unknown_enum_value" : "R9.constraint",
            prefix + m.name + " " + violation.phrase);
      }
      set_member(object, plan, i, v);
      return true;
    }
  }
  return false;
}

ErrorInfo error_info(const spec::Shape& shape) {
  ErrorInfo e;
  e.name = std::string(shape.name());
  e.id = shape.id;
  e.status = shape.http_error.value_or(shape.error && *shape.error == "server" ? 500 : 400);
  e.message_member = "message";
  // The first string member of the body (AWS's error shapes bind several members to headers).
  for (const auto& m : shape.members) {
    if (m.target != nullptr && m.target->type == ShapeType::kString &&
        m.binding == spec::HttpBinding::kBody) {
      e.message_member = m.name;
      break;
    }
  }
  return e;
}

// The forms of an error type value clients resolve to the same name (R8).
std::string type_variant(const ErrorInfo& e) {
  switch (*choice({3, 1, 1})) {
    case 0:
      return e.name;
    case 1:
      return e.id;
    default:
      return e.name + ":http://internal.amazon.com/coral/com.amazon.coral.service/";
  }
}

std::string message_text() {
  static const std::vector<std::string> kMessages = {
      "The request failed.", "",
      "1 validation error detected: Value null at 'x' failed to satisfy constraint: Member must "
      "not be null",
      "Quote \" and backslash \\ and é中😀"};
  return kMessages[*index_below(kMessages.size())];
}

HttpResponse draw_valid_error(const ResponseState& s) {
  const ErrorInfo& e = s.errors[*index_below(s.errors.size())];
  RawJson body = RawJson::object({{e.message_member, RawJson::string(message_text())}});
  if (*chance(1, 4)) body.members.emplace_back("__type", RawJson::string(e.id));
  HttpResponse r;
  r.status = e.status;
  r.headers = headers(true, true);
  r.headers.insert(
      r.headers.begin() + static_cast<std::ptrdiff_t>(*index_below(r.headers.size() + 1)),
      {*chance(1, 3) ? "X-Amzn-ErrorType" : "x-amzn-ErrorType", type_variant(e)});
  r.body = internal::write(body, body_style());
  return r;
}

LabelledResponse draw_broken_error(const ResponseState& s) {
  LabelledResponse out;
  Rules rules;
  const ErrorInfo& e = s.errors[*index_below(s.errors.size())];
  HttpResponse& r = out.response;
  if (*chance(1, 12)) {
    // Not a status code at all: the only finding (nothing else is checked).
    static const std::vector<int> kInvalid = {0, 99, 600, 999};
    r.status = kInvalid[*index_below(kInvalid.size())];
    r.headers = headers(true, true);
    r.headers.emplace_back("x-amzn-ErrorType", e.name);
    r.body =
        internal::write(RawJson::object({{e.message_member, RawJson::string(message_text())}}));
    rules.add("R8.status", "status " + std::to_string(r.status) + " is not a status code");
    out.expected_rules.assign(rules.rules.begin(), rules.rules.end());
    out.description = "broken error: " + rules.notes.front();
    return out;
  }
  enum TypeMode { kHeader, kUnknownType, kBodyCode, kBodyType, kNoType };
  enum BodyMode { kWithMessage, kWithoutMessage, kNotObject };
  auto type_mode = static_cast<TypeMode>(*choice({3, 1, 1, 1, 1}));
  const auto body_mode = static_cast<BodyMode>(*choice({3, 1, 1}));
  bool wrong_status = *chance(1, 3);
  const bool drop_request_id = *chance(1, 6);
  const bool bad_content_type = *chance(1, 6);
  if (type_mode == kHeader && body_mode == kWithMessage && !wrong_status && !drop_request_id &&
      !bad_content_type) {
    wrong_status = true;  // something must be broken
  }
  std::vector<int> statuses;
  for (int st : {400, 401, 403, 404, 409, 413, 429, 500, 502, 503, 504}) {
    if (st != e.status && st != s.success) statuses.push_back(st);
  }
  r.status = wrong_status ? statuses[*index_below(statuses.size())] : e.status;
  static const std::vector<std::string> kBadContentTypes = {
      "text/plain", "application/x-amz-json-1.1", "text/html; charset=utf-8"};
  r.headers = headers(!bad_content_type, !drop_request_id);
  if (bad_content_type && *chance(1, 2)) {
    r.headers.emplace_back("Content-Type", kBadContentTypes[*index_below(kBadContentTypes.size())]);
  }
  if (drop_request_id) rules.add("R8.request_id", "no x-amzn-RequestId");
  if (bad_content_type) rules.add("R8.content_type", "no application/json Content-Type");
  std::string unknown;
  for (const char* candidate :
       {"ValidationError", "NoSuchThingException", "InternalFailure", "Throttling"}) {
    if (std::find(s.known_error_names.begin(), s.known_error_names.end(), candidate) ==
        s.known_error_names.end()) {
      unknown = candidate;
      break;
    }
  }
  if (type_mode == kUnknownType && unknown.empty()) type_mode = kHeader;
  if (type_mode == kHeader) r.headers.emplace_back("x-amzn-ErrorType", type_variant(e));
  if (type_mode == kUnknownType) r.headers.emplace_back("x-amzn-ErrorType", unknown);
  const bool body_object = body_mode != kNotObject;
  if (body_object) {
    RawJson body = RawJson::object();
    if (body_mode == kWithMessage) {
      body.members.emplace_back(e.message_member, RawJson::string(message_text()));
    } else if (*chance(1, 2)) {
      body.members.emplace_back(e.message_member, RawJson::number("5"));  // not a string
    }
    if (type_mode == kBodyCode) body.members.emplace_back("code", RawJson::string(type_variant(e)));
    if (type_mode == kBodyType) body.members.emplace_back("__type", RawJson::string(e.id));
    r.body = internal::write(body, body_style());
  } else {
    static const std::vector<std::string> kNotObjects = {
        "", "oops", "[]", "\"bad\"", "<html></html>", "null", "{\"exceptionMessage\":"};
    r.body = kNotObjects[*index_below(kNotObjects.size())];
    rules.add("R8.body", "the body is not a JSON object");
  }
  // The checker's order (R8): the type from the header, else the body's code, else __type.
  const bool type_in_body = body_object && (type_mode == kBodyCode || type_mode == kBodyType);
  if (type_mode == kNoType ||
      ((type_mode == kBodyCode || type_mode == kBodyType) && !type_in_body)) {
    rules.add("R8.error_type", "no error type anywhere");
  } else {
    if (type_in_body) rules.add("R8.error_type_header", "error type only in the body");
    if (type_mode == kUnknownType) {
      rules.add("R8.unknown_error_type", "unknown error type " + unknown);
    } else {
      if (r.status != e.status) {
        rules.add(e.declared ? "R8.status" : "R8.protocol_error_status",
                  "status " + std::to_string(r.status) + " for " + e.name);
      }
      if (body_mode == kWithoutMessage) rules.add("R8.message", "no message member");
    }
  }
  out.expected_rules.assign(rules.rules.begin(), rules.rules.end());
  out.description = "broken " + e.name + " error";
  for (size_t i = 0; i < rules.notes.size(); ++i)
    out.description += (i == 0 ? ": " : "; ") + rules.notes[i];
  return out;
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
      out.text = internal::write(breaker.structure(s.root(), 0, true), body_style());
      break;
    }
    case kNotJson: {
      static const std::vector<std::string> kBodies = {"",      "<html>", "{", "[]",
                                                       "\"x\"", "null",   "5", "{}x"};
      out.text = kBodies[*index_below(kBodies.size())];
      rules.add("R9.json", "the body is not a JSON object");
      break;
    }
    case kNotes: {
      RawJson body =
          RawJson::from_json(internal::draw_valid_structure(s.root(), s.options, 0, true));
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
      out.text = internal::write(body, body_style());
      break;
    }
  }
  return out;
}

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
    rules.add("R9.status", "success status " + std::to_string(r.status));
  }
  const bool drop_request_id = *chance(1, 6);
  const bool bad_content_type = *chance(1, 6);
  r.headers = headers(!bad_content_type, !drop_request_id);
  if (bad_content_type && *chance(1, 2)) r.headers.emplace_back("Content-Type", "text/plain");
  if (drop_request_id) rules.add("R8.request_id", "no x-amzn-RequestId");
  if (bad_content_type) {
    rules.add(r.status == s.success ? "R9.content_type" : "R8.content_type",
              "no application/json Content-Type");
  }
  out.expected_rules.assign(rules.rules.begin(), rules.rules.end());
  out.description = "broken success response";
  for (size_t i = 0; i < rules.notes.size(); ++i) {
    out.description += (i == 0 ? ": " : "; ") + rules.notes[i];
  }
  return out;
}

}  // namespace

std::variant<ResponseGenerators, std::string> ResponseGenerators::make(
    std::shared_ptr<const spec::Model> model, spec::OperationView operation) {
  auto state = std::make_shared<ResponseState>();
  state->has_output = operation.output != nullptr;
  const spec::Shape& output = state->has_output ? *operation.output : empty_structure();
  auto plans = internal::PlanSet::build(output);
  if (auto* error = std::get_if<std::string>(&plans)) return "cannot generate responses: " + *error;
  state->plans = std::get<std::shared_ptr<const internal::PlanSet>>(std::move(plans));
  if (operation.operation != nullptr && operation.operation->http) {
    state->success = operation.operation->http->code;
  }
  for (const auto* list : {&operation.declared_errors, &operation.protocol_errors}) {
    for (const spec::Shape* e : *list) {
      ErrorInfo info = error_info(*e);
      info.declared = list == &operation.declared_errors;
      if (std::find(state->known_error_names.begin(), state->known_error_names.end(), info.name) !=
          state->known_error_names.end()) {
        continue;  // the first one of a name is the one clients resolve (OperationView::find_error)
      }
      state->known_error_names.push_back(info.name);
      if (info.status != state->success) state->errors.push_back(std::move(info));
    }
  }
  if (state->errors.empty())
    return std::string("cannot generate responses: the operation has no errors");
  state->options.flavor = Flavor::kResponse;
  if (operation.operation != nullptr && operation.operation->paginated) {
    const auto& p = *operation.operation->paginated;
    state->output_token = p.output_token;
    state->options.items_member = p.items;
    state->options.max_items = 100;
    if (operation.input != nullptr && !p.page_size.empty()) {
      if (const spec::Member* size = operation.input->member(p.page_size);
          size != nullptr && size->constraints.range && size->constraints.range->max) {
        state->options.max_items =
            static_cast<uint64_t>(std::max(1.0, *size->constraints.range->max));
      }
    }
  }
  ResponseGenerators out;
  out.model_ = std::move(model);
  out.operation_ = std::move(operation);
  out.state_ = std::move(state);
  return out;
}

rc::Gen<HttpResponse> ResponseGenerators::valid_success() const {
  const auto state = state_;
  return rc::gen::exec([state] {
    const ResponseState& s = state_of(state);
    HttpResponse r;
    r.status = s.success;
    r.headers = headers(true, true);
    r.body = internal::write(
        RawJson::from_json(internal::draw_valid_structure(s.root(), s.options, 0, true)),
        body_style());
    return r;
  });
}

rc::Gen<HttpResponse> ResponseGenerators::valid_error() const {
  const auto state = state_;
  return rc::gen::exec([state] { return draw_valid_error(state_of(state)); });
}

rc::Gen<LabelledResponse> ResponseGenerators::broken_response() const {
  const auto state = state_;
  return rc::gen::exec([state] {
    const ResponseState& s = state_of(state);
    return *choice({5, 4}) == 0 ? draw_broken_success(s) : draw_broken_error(s);
  });
}

void showValue(const LabelledResponse& response, std::ostream& os) {
  os << response.description << "\nexpected rules:";
  for (const auto& rule : response.expected_rules) os << " " << rule;
  os << "\n";
  validators::showValue(response.response, os);
}

}  // namespace lpe::generators

namespace lpe::validators {

void showValue(const HttpResponse& response, std::ostream& os) {
  os << "HTTP/1.1 " << response.status << "\n";
  for (const auto& [name, value] : response.headers) os << name << ": " << value << "\n";
  os << "\n" << generators::internal::printable(response.body) << "\n";
}

}  // namespace lpe::validators
