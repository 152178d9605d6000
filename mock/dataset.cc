// Dataset: the fixture format, its validation against the model, and lookups.
#include <algorithm>
#include <limits>
#include <unordered_set>

#include "mock/internal/fixture_format.h"
#include "mock/internal/operation_parts.h"
#include "mock/mock.h"

namespace lpe::mock {
namespace {

using internal::kItemsKey;
using internal::kParticipantsKey;
using internal::kParticipantValueKey;
using internal::kScopeDepth;
using internal::kSessionsKey;
using internal::kSessionValueKey;
using internal::kStagesKey;
using internal::kStageValueKey;
constexpr size_t kMaxErrors = 50;
constexpr int kMaxDepth = 64;

using Json = nlohmann::ordered_json;

std::string escape_token(std::string_view token) { return spec::escape_pointer_token(token); }

std::string child(const std::string& pointer, std::string_view key) {
  return pointer + "/" + escape_token(key);
}

std::string child(const std::string& pointer, size_t index) {
  return pointer + "/" + std::to_string(index);
}

std::string type_name(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::number_float:
      return "a number with a fraction";
    default:
      return "an integer";
  }
}

// A value as messages quote it: strings in single quotes, cut at 80 code units.
std::string quote(const Json& v) {
  std::string text = v.is_string() ? v.get_ref<const std::string&>()
                                   : v.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return v.is_string() ? "'" + text + "'" : text;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i != 0) out += ", ";
    out += names[i];
  }
  return out;
}

std::string enum_list(const spec::Shape& shape) {
  std::vector<std::string> names;
  for (const auto& e : shape.enum_values) {
    names.push_back(shape.type == spec::ShapeType::kIntEnum ? std::to_string(e.int_value)
                                                            : e.string_value);
  }
  return "[" + join_names(names) + "]";
}

// Collects errors, at most kMaxErrors, counting the rest.
class Collector {
 public:
  explicit Collector(std::string file) : file_(std::move(file)) {}

  void add(const std::string& pointer, std::string message) {
    if (errors_.size() < kMaxErrors) {
      errors_.push_back({file_, pointer, std::move(message)});
    } else {
      ++dropped_;
    }
  }
  bool empty() const { return errors_.empty(); }
  std::vector<DataError> take() {
    if (dropped_ > 0) {
      errors_.push_back({file_, "", "... and " + std::to_string(dropped_) + " more error(s)"});
    }
    return std::move(errors_);
  }

 private:
  std::string file_;
  std::vector<DataError> errors_;
  size_t dropped_ = 0;
};

bool in_int_bounds(spec::ShapeType type, int64_t v) {
  switch (type) {
    case spec::ShapeType::kByte:
      return v >= -128 && v <= 127;
    case spec::ShapeType::kShort:
      return v >= -32768 && v <= 32767;
    case spec::ShapeType::kInteger:
    case spec::ShapeType::kIntEnum:
      return v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
    default:
      return true;
  }
}

// Checks one value against a member (its target shape and effective constraints) and returns the
// value as it is served (timestamps normalized to RFC 3339 with milliseconds). Problems go to
// `errors`; the returned value is meaningless when there were any.
Json check_value(const Json& v, const spec::Member& member, const std::string& pointer,
                 Collector& errors, int depth);

Json check_structure(const Json& v, const spec::Shape& shape, const std::string& pointer,
                     Collector& errors, int depth, const spec::Member* defaulted = nullptr,
                     const std::string* default_value = nullptr) {
  if (!v.is_object()) {
    errors.add(pointer,
               "must be a JSON object (a " + std::string(shape.name()) + "), got " + type_name(v));
    return nullptr;
  }
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (shape.member(it.key()) == nullptr) {
      std::vector<std::string> names;
      for (const auto& m : shape.members) names.push_back(m.name);
      errors.add(child(pointer, it.key()), "unknown member '" + it.key() + "' (" +
                                               std::string(shape.name()) +
                                               " has: " + join_names(names) + ")");
    }
  }
  Json out = Json::object();
  for (const auto& m : shape.members) {
    const auto found = v.find(m.name);
    if (found == v.end() || found->is_null()) {
      if (defaulted == &m && default_value != nullptr) {
        out[m.name] = *default_value;
      } else if (m.required) {
        errors.add(pointer, "missing required member '" + m.name + "'");
      }
      continue;
    }
    out[m.name] = check_value(*found, m, child(pointer, m.name), errors, depth + 1);
  }
  return out;
}

Json check_value(const Json& v, const spec::Member& member, const std::string& pointer,
                 Collector& errors, int depth) {
  if (depth > kMaxDepth) {
    errors.add(pointer, "nested deeper than " + std::to_string(kMaxDepth) + " levels");
    return nullptr;
  }
  const spec::Shape& shape = *member.target;
  const spec::Constraints& c = member.constraints;
  const std::string invalid = quote(v) + " is not a valid " + member.name + ": ";
  const auto bad_type = [&](std::string_view expected) {
    errors.add(pointer,
               member.name + " must be " + std::string(expected) + ", got " + type_name(v));
    return Json(nullptr);
  };
  switch (shape.type) {
    case spec::ShapeType::kString:
    case spec::ShapeType::kEnum: {
      if (!v.is_string()) return bad_type("a JSON string");
      const std::string& s = v.get_ref<const std::string&>();
      if (!shape.enum_values.empty()) {
        const bool known =
            std::any_of(shape.enum_values.begin(), shape.enum_values.end(),
                        [&](const spec::EnumValue& e) { return e.string_value == s; });
        if (!known) {
          errors.add(pointer, invalid + "Member must satisfy enum value set: " + enum_list(shape));
        }
      }
      if (c.length) {
        const auto n = static_cast<int64_t>(spec::code_point_length(s));
        if (c.length->min && n < *c.length->min) {
          errors.add(pointer, invalid + "Member must have length greater than or equal to " +
                                  std::to_string(*c.length->min));
        }
        if (c.length->max && n > *c.length->max) {
          errors.add(pointer, invalid + "Member must have length less than or equal to " +
                                  std::to_string(*c.length->max));
        }
      }
      if (c.pattern && !spec::pattern_matches(*c.pattern, s)) {
        errors.add(pointer, invalid + "Member must satisfy regular expression pattern: " +
                                c.pattern->source);
      }
      return v;
    }
    case spec::ShapeType::kTimestamp: {
      const auto format = c.timestamp_format.value_or(spec::TimestampFormat::kDateTime);
      if (format == spec::TimestampFormat::kEpochSeconds) {
        if (!v.is_number()) return bad_type("a number of epoch seconds");
        return v;
      }
      if (!v.is_string()) return bad_type("an RFC 3339 UTC date-time string");
      if (format == spec::TimestampFormat::kHttpDate) return v;
      wire::Rfc3339Problem problem;
      const auto parsed = wire::parse_rfc3339(v.get_ref<const std::string&>(), &problem);
      if (!parsed) {
        errors.add(pointer, invalid +
                                "not an RFC 3339 UTC date-time (YYYY-MM-DDThh:mm:ss[.fff]Z): " +
                                problem.message);
        return nullptr;
      }
      return wire::format_rfc3339(*parsed);
    }
    case spec::ShapeType::kBoolean:
      if (!v.is_boolean()) return bad_type("true or false");
      return v;
    case spec::ShapeType::kByte:
    case spec::ShapeType::kShort:
    case spec::ShapeType::kInteger:
    case spec::ShapeType::kLong:
    case spec::ShapeType::kIntEnum: {
      if (!v.is_number_integer() ||
          (v.is_number_unsigned() &&
           v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))) {
        return bad_type("an integer");
      }
      const int64_t n = v.get<int64_t>();
      if (!in_int_bounds(shape.type, n)) {
        errors.add(pointer,
                   invalid + "out of range for a " + std::string(spec::to_string(shape.type)));
        return v;
      }
      if (shape.type == spec::ShapeType::kIntEnum &&
          std::none_of(shape.enum_values.begin(), shape.enum_values.end(),
                       [&](const spec::EnumValue& e) { return e.int_value == n; })) {
        errors.add(pointer, invalid + "Member must satisfy enum value set: " + enum_list(shape));
      }
      if (c.range && c.range->min && static_cast<double>(n) < *c.range->min) {
        errors.add(pointer, invalid + "Member must have value greater than or equal to " +
                                c.range->min_text);
      }
      if (c.range && c.range->max && static_cast<double>(n) > *c.range->max) {
        errors.add(pointer,
                   invalid + "Member must have value less than or equal to " + c.range->max_text);
      }
      return v;
    }
    case spec::ShapeType::kFloat:
    case spec::ShapeType::kDouble:
    case spec::ShapeType::kBigDecimal:
    case spec::ShapeType::kBigInteger: {
      if (!v.is_number()) return bad_type("a number");
      const double n = v.get<double>();
      if (c.range && c.range->min && n < *c.range->min) {
        errors.add(pointer, invalid + "Member must have value greater than or equal to " +
                                c.range->min_text);
      }
      if (c.range && c.range->max && n > *c.range->max) {
        errors.add(pointer,
                   invalid + "Member must have value less than or equal to " + c.range->max_text);
      }
      return v;
    }
    case spec::ShapeType::kList:
    case spec::ShapeType::kSet: {
      if (!v.is_array()) return bad_type("a JSON array");
      if (c.length) {
        const auto n = static_cast<int64_t>(v.size());
        if (c.length->min && n < *c.length->min) {
          errors.add(pointer, invalid + "Member must have length greater than or equal to " +
                                  std::to_string(*c.length->min));
        }
        if (c.length->max && n > *c.length->max) {
          errors.add(pointer, invalid + "Member must have length less than or equal to " +
                                  std::to_string(*c.length->max));
        }
      }
      Json out = Json::array();
      if (shape.members.empty()) return v;
      for (size_t i = 0; i < v.size(); ++i) {
        if (v[i].is_null() && c.sparse) {
          out.push_back(nullptr);
          continue;
        }
        out.push_back(check_value(v[i], shape.members[0], child(pointer, i), errors, depth + 1));
      }
      return out;
    }
    case spec::ShapeType::kStructure:
      return check_structure(v, shape, pointer, errors, depth + 1);
    case spec::ShapeType::kMap: {
      if (!v.is_object()) return bad_type("a JSON object");
      if (shape.members.size() < 2) return v;
      Json out = Json::object();
      for (auto it = v.begin(); it != v.end(); ++it) {
        out[it.key()] =
            check_value(it.value(), shape.members[1], child(pointer, it.key()), errors, depth + 1);
      }
      return out;
    }
    default:
      return v;
  }
}

// Checks that `object` is a JSON object holding only `allowed` keys.
bool check_object(const Json& object, const std::string& pointer, std::string_view what,
                  std::initializer_list<std::string_view> allowed, Collector& errors) {
  if (!object.is_object()) {
    errors.add(pointer, std::string(what) + " must be a JSON object, got " + type_name(object));
    return false;
  }
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
      std::vector<std::string> names(allowed.begin(), allowed.end());
      errors.add(child(pointer, it.key()), "unknown key '" + it.key() + "' in " +
                                               std::string(what) +
                                               " (expected: " + join_names(names) + ")");
    }
  }
  return true;
}

// The array under `key` of `object`, or null with an error.
const Json* required_array(const Json& object, const std::string& pointer, std::string_view key,
                           Collector& errors) {
  const auto it = object.find(std::string(key));
  if (it == object.end()) {
    errors.add(pointer, "missing '" + std::string(key) + "' (a JSON array)");
    return nullptr;
  }
  if (!it->is_array()) {
    errors.add(child(pointer, key),
               "'" + std::string(key) + "' must be a JSON array, got " + type_name(*it));
    return nullptr;
  }
  return &*it;
}

// The scope value under `key`, checked against `member`; nullopt with an error when invalid.
std::optional<std::string> scope_value(const Json& object, const std::string& pointer,
                                       std::string_view key, const spec::Member& member,
                                       Collector& errors) {
  const auto it = object.find(std::string(key));
  if (it == object.end() || it->is_null()) {
    errors.add(pointer, "missing '" + std::string(key) + "' (the " + member.name + " value)");
    return std::nullopt;
  }
  const std::string at = child(pointer, key);
  if (!it->is_string()) {
    errors.add(at, "'" + std::string(key) + "' (the " + member.name +
                       " value) must be a JSON string, got " + type_name(*it));
    return std::nullopt;
  }
  Collector local("");
  check_value(*it, member, at, local, 0);
  if (!local.empty()) {
    for (auto& e : local.take()) errors.add(e.pointer, std::move(e.message));
    return std::nullopt;
  }
  return it->get<std::string>();
}

// Records scope value `id` of entry `index` in the list at `list_ptr` (`value_key` of the entry
// holds it); a value already seen in this list is an error naming the first entry. `where` ends
// the message ("", " in this stage", ...).
void check_unique(std::map<std::string, size_t>& seen, const std::optional<std::string>& id,
                  size_t index, const std::string& list_ptr, std::string_view value_key,
                  const spec::Member& member, std::string_view where, Collector& errors) {
  if (!id) return;
  const auto [it, inserted] = seen.emplace(*id, index);
  if (inserted) return;
  errors.add(child(child(list_ptr, index), value_key),
             "duplicate " + member.name + " '" + *id + "'" + std::string(where) + " (first at " +
                 child(list_ptr, it->second) + ")");
}

std::string parse_error_message(const std::exception& e) {
  std::string what = e.what();
  // nlohmann prefixes "[json.exception.parse_error.101] "; keep what follows.
  if (const auto close = what.find("] ");
      what.rfind("[json.exception", 0) == 0 && close != std::string::npos) {
    what = what.substr(close + 2);
  }
  return what;
}

}  // namespace

std::string DataError::to_string() const {
  std::string out = file.empty() ? "data" : file;
  out += ": ";
  if (!pointer.empty()) out += "at " + pointer + ": ";
  out += message;
  return out;
}

std::string Dataset::key_of(std::span<const std::string_view> scope) {
  std::string key;
  for (const auto v : scope) {
    key += std::to_string(v.size());
    key += ':';
    key += v;
  }
  return key;
}

void Dataset::index_lists() {
  index_.clear();
  for (size_t i = 0; i < lists_.size(); ++i) {
    std::vector<std::string_view> views(lists_[i].scope.begin(), lists_[i].scope.end());
    index_.emplace(key_of(views), i);
  }
}

std::variant<Dataset, std::vector<DataError>> Dataset::load(std::string_view text,
                                                            std::string_view file_name,
                                                            const spec::OperationView& operation) {
  Json document;
  try {
    document = Json::parse(text.begin(), text.end());
  } catch (const std::exception& e) {
    return std::vector<DataError>{
        {std::string(file_name), "", "not valid JSON: " + parse_error_message(e)}};
  }
  return from_json(document, file_name, operation);
}

std::variant<Dataset, std::vector<DataError>> Dataset::from_json(
    const Json& document, std::string_view file_name, const spec::OperationView& operation) {
  Collector errors{std::string(file_name)};
  const auto parts_or = internal::resolve_parts(operation);
  if (const auto* why = std::get_if<std::string>(&parts_or)) {
    errors.add("", *why);
    return errors.take();
  }
  const auto& parts = std::get<internal::OperationParts>(parts_or);
  if (operation.list_scope.size() != kScopeDepth) {
    errors.add("", "the data format nests " + std::to_string(kScopeDepth) +
                       " list-scope members; operation " +
                       std::string(operation.operation->name()) + " has " +
                       std::to_string(operation.list_scope.size()));
    return errors.take();
  }
  const spec::Member& stage_member = *operation.list_scope[0];
  const spec::Member& session_member = *operation.list_scope[1];
  const spec::Member& participant_member = *operation.list_scope[2];
  // The item member that defaults to the innermost scope value.
  const spec::Member* defaulted = parts.item_shape->member(participant_member.name);

  Dataset out;
  if (!check_object(document, "", "the document", {kStagesKey}, errors)) return errors.take();
  const Json* stages = required_array(document, "", kStagesKey, errors);
  if (stages == nullptr) return errors.take();
  std::map<std::string, size_t> seen_stages;
  for (size_t si = 0; si < stages->size(); ++si) {
    const Json& stage_json = (*stages)[si];
    const std::string stage_ptr = child(child("", kStagesKey), si);
    if (!check_object(stage_json, stage_ptr, "a stage", {kStageValueKey, kSessionsKey}, errors)) {
      continue;
    }
    const auto arn = scope_value(stage_json, stage_ptr, kStageValueKey, stage_member, errors);
    const Json* sessions = required_array(stage_json, stage_ptr, kSessionsKey, errors);
    check_unique(seen_stages, arn, si, child("", kStagesKey), kStageValueKey, stage_member, "",
                 errors);
    Stage stage;
    stage.arn = arn.value_or("");
    if (sessions != nullptr) {
      std::map<std::string, size_t> seen_sessions;
      for (size_t ji = 0; ji < sessions->size(); ++ji) {
        const Json& session_json = (*sessions)[ji];
        const std::string session_ptr = child(child(stage_ptr, kSessionsKey), ji);
        if (!check_object(session_json, session_ptr, "a session",
                          {kSessionValueKey, kParticipantsKey}, errors)) {
          continue;
        }
        const auto id =
            scope_value(session_json, session_ptr, kSessionValueKey, session_member, errors);
        const Json* participants =
            required_array(session_json, session_ptr, kParticipantsKey, errors);
        check_unique(seen_sessions, id, ji, child(stage_ptr, kSessionsKey), kSessionValueKey,
                     session_member, " in this stage", errors);
        Session session;
        session.id = id.value_or("");
        if (participants != nullptr) {
          std::map<std::string, size_t> seen_participants;
          for (size_t pi = 0; pi < participants->size(); ++pi) {
            const Json& participant_json = (*participants)[pi];
            const std::string participant_ptr = child(child(session_ptr, kParticipantsKey), pi);
            if (!check_object(participant_json, participant_ptr, "a participant",
                              {kParticipantValueKey, kItemsKey}, errors)) {
              continue;
            }
            const auto pid = scope_value(participant_json, participant_ptr, kParticipantValueKey,
                                         participant_member, errors);
            const Json* items =
                required_array(participant_json, participant_ptr, kItemsKey, errors);
            check_unique(seen_participants, pid, pi, child(session_ptr, kParticipantsKey),
                         kParticipantValueKey, participant_member, " in this session", errors);
            List list;
            list.scope = {stage.arn, session.id, pid.value_or("")};
            if (items != nullptr) {
              list.items.reserve(items->size());
              for (size_t ei = 0; ei < items->size(); ++ei) {
                const std::string item_ptr = child(child(participant_ptr, kItemsKey), ei);
                list.items.push_back(check_structure((*items)[ei], *parts.item_shape, item_ptr,
                                                     errors, 0, defaulted, &list.scope[2]));
              }
            }
            session.participants.push_back({list.scope[2], out.lists_.size()});
            out.lists_.push_back(std::move(list));
          }
        }
        stage.sessions.push_back(std::move(session));
      }
    }
    out.stages_.push_back(std::move(stage));
  }
  if (!errors.empty()) return errors.take();
  for (auto& list : out.lists_) {
    list.serialized.reserve(list.items.size());
    for (const auto& item : list.items) {
      list.serialized.push_back(item.dump(-1, ' ', false, Json::error_handler_t::replace));
    }
  }
  out.index_lists();
  return out;
}

Json Dataset::to_json() const {
  Json stages = Json::array();
  for (const auto& stage : stages_) {
    Json sessions = Json::array();
    for (const auto& session : stage.sessions) {
      Json participants = Json::array();
      for (const auto& participant : session.participants) {
        Json items = Json::array();
        for (const auto& item : lists_[participant.list].items) items.push_back(item);
        Json p = Json::object();
        p[std::string(kParticipantValueKey)] = participant.id;
        p[std::string(kItemsKey)] = std::move(items);
        participants.push_back(std::move(p));
      }
      Json s = Json::object();
      s[std::string(kSessionValueKey)] = session.id;
      s[std::string(kParticipantsKey)] = std::move(participants);
      sessions.push_back(std::move(s));
    }
    Json st = Json::object();
    st[std::string(kStageValueKey)] = stage.arn;
    st[std::string(kSessionsKey)] = std::move(sessions);
    stages.push_back(std::move(st));
  }
  Json out = Json::object();
  out[std::string(kStagesKey)] = std::move(stages);
  return out;
}

std::vector<ListScope> Dataset::scopes() const {
  std::vector<ListScope> out;
  out.reserve(lists_.size());
  for (const auto& stage : stages_) {
    for (const auto& session : stage.sessions) {
      for (const auto& participant : session.participants) {
        const List& list = lists_[participant.list];
        out.push_back({list.scope, list.items.size()});
      }
    }
  }
  return out;
}

const std::vector<Json>* Dataset::items(std::span<const std::string> scope) const {
  std::vector<std::string_view> views(scope.begin(), scope.end());
  const auto it = index_.find(key_of(views));
  return it == index_.end() ? nullptr : &lists_[it->second].items;
}

const std::vector<std::string>* Dataset::serialized_items(
    std::span<const std::string_view> scope) const {
  const auto it = index_.find(key_of(scope));
  return it == index_.end() ? nullptr : &lists_[it->second].serialized;
}

size_t Dataset::total_items() const {
  size_t n = 0;
  for (const auto& list : lists_) n += list.items.size();
  return n;
}

Dataset Dataset::transformed(const std::function<void(Json& item)>& change) const {
  Dataset out = *this;
  for (auto& list : out.lists_) {
    list.serialized.clear();
    for (auto& item : list.items) {
      change(item);
      list.serialized.push_back(item.dump(-1, ' ', false, Json::error_handler_t::replace));
    }
  }
  out.index_lists();
  return out;
}

}  // namespace lpe::mock
