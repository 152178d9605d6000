// Dataset: the fixture format and lookups. Model constraints of scope values and items are
// checked by the validators' one engine (validators::check_value / check_structure_value in data
// mode: unknown members and enum values are errors, presence rules hold both ways); this file
// checks only what the fixture format adds (its keys, nesting and duplicate scope entries).
#include <algorithm>

#include "mock/internal/fixture_format.h"
#include "mock/internal/operation_parts.h"
#include "mock/mock.h"
#include "wire/json_guard.h"

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

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i != 0) out += ", ";
    out += names[i];
  }
  return out;
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

// The engine's issues about the value at `pointer` (their pointers are relative to it) as errors;
// true when there were none.
bool report(const std::vector<validators::ValueIssue>& issues, const std::string& pointer,
            Collector& errors) {
  for (const auto& issue : issues) errors.add(pointer + issue.pointer, issue.message);
  return issues.empty();
}

// True when `value` nests arrays and objects more than `limit` levels deep. Iterative, so that a
// hostile file cannot exhaust the stack here (nor in the dump that follows, which recurses).
bool nests_deeper_than(const Json& value, size_t limit) {
  std::vector<std::pair<const Json*, size_t>> stack = {{&value, 1}};
  while (!stack.empty()) {
    const auto [node, depth] = stack.back();
    stack.pop_back();
    if (!node->is_structured()) continue;
    if (depth > limit) return true;
    for (const auto& element : *node) stack.emplace_back(&element, depth + 1);
  }
  return false;
}

// False (with an error) when `value` nests deeper than the engine reads: such a value is never
// copied nor dumped (both recurse).
bool within_depth(const Json& value, const std::string& pointer, Collector& errors) {
  if (!nests_deeper_than(value, static_cast<size_t>(validators::kMaxJsonDepth))) return true;
  errors.add(pointer,
             "nested deeper than " + std::to_string(validators::kMaxJsonDepth) + " levels");
  return false;
}

// The compact JSON text of `value` (within_depth) for the engine, or nullopt (with an error) when
// it holds a string that is not UTF-8 (possible only for documents built in memory: parsed text
// is checked by the reader).
std::optional<std::string> engine_text(const Json& value, const std::string& pointer,
                                       Collector& errors) {
  try {
    return value.dump();
  } catch (const nlohmann::json::exception&) {
    errors.add(pointer, "holds a string that is not valid UTF-8");
    return std::nullopt;
  }
}

// How deep a fixture document may nest: the format's own levels (document, stages, a stage,
// sessions, a session, participants, a participant, events) and an item as deep as the engine
// reads one.
constexpr size_t kFormatLevels = 8;
constexpr size_t kMaxDocumentDepth = kFormatLevels + static_cast<size_t>(validators::kMaxJsonDepth);

// Where `text` first nests arrays and objects deeper than `limit`, as "line L, column C", or "".
// Checked before the document is read: nlohmann's DOM copies values recursively while it builds
// objects, so deep input would exhaust the stack there.
// The item member that takes the list's innermost scope value when an item leaves it out: the one
// the model says echoes that input member (lpe.conformance#echoesInput, R9), else the one named
// like it (models without our overlay).
const spec::Member* echo_member(const spec::Shape& item, const spec::Member& scope_member) {
  for (const auto& m : item.members) {
    if (m.echoes_input == scope_member.name) return &m;
  }
  return item.member(scope_member.name);
}

// A checked value as the endpoint serves it: structure members in model order, nulls left out,
// date-time timestamps in the one RFC 3339 form (wire::format_rfc3339: milliseconds only when not
// zero). Constraints are not looked at here: only values that passed the engine come this way, and
// depth is bounded by the model's shapes (checked values have no deeper nesting than they allow).
Json served_value(const Json& value, const spec::Shape& shape);

Json served_structure(const Json& value, const spec::Shape& shape) {
  Json out = Json::object();
  for (const auto& m : shape.members) {
    const auto it = value.find(m.name);
    if (it == value.end() || it->is_null() || m.target == nullptr) continue;
    out[m.name] = served_value(*it, *m.target);
  }
  return out;
}

Json served_value(const Json& value, const spec::Shape& shape) {
  switch (shape.type) {
    case spec::ShapeType::kTimestamp: {
      // A string the engine accepted is a date-time (then it parses) or an HTTP date (kept).
      if (!value.is_string()) return value;
      const auto parsed = wire::parse_rfc3339(value.get_ref<const std::string&>());
      return parsed ? Json(wire::format_rfc3339(*parsed)) : value;
    }
    case spec::ShapeType::kList:
    case spec::ShapeType::kSet: {
      if (!value.is_array() || shape.members.empty() || shape.members[0].target == nullptr) {
        return value;
      }
      Json out = Json::array();
      for (const auto& element : value) {
        out.push_back(element.is_null() ? element
                                        : served_value(element, *shape.members[0].target));
      }
      return out;
    }
    case spec::ShapeType::kMap: {
      if (!value.is_object() || shape.members.size() < 2 || shape.members[1].target == nullptr) {
        return value;
      }
      Json out = Json::object();
      for (auto it = value.begin(); it != value.end(); ++it) {
        out[it.key()] =
            it->is_null() ? it.value() : served_value(it.value(), *shape.members[1].target);
      }
      return out;
    }
    case spec::ShapeType::kStructure:
    case spec::ShapeType::kUnion:
      return value.is_object() ? served_structure(value, shape) : value;
    default:
      return value;
  }
}

// Checks one item (an object of the item structure) at `pointer`; returns it as served, or
// nullopt when it has errors. `echo` (may be null) is filled with `echo_value` when absent.
std::optional<Json> checked_item(const Json& item, const spec::Shape& shape,
                                 const spec::Member* echo, const std::string* echo_value,
                                 const std::string& pointer, Collector& errors) {
  if (!within_depth(item, pointer, errors)) return std::nullopt;
  const Json* subject = &item;
  Json filled;
  if (echo != nullptr && echo_value != nullptr && item.is_object()) {
    const auto it = item.find(echo->name);
    if (it == item.end() || it->is_null()) {
      filled = item;
      filled[echo->name] = *echo_value;
      subject = &filled;
    }
  }
  const auto text = engine_text(*subject, pointer, errors);
  if (!text) return std::nullopt;
  if (!report(validators::check_structure_value(shape, *text, validators::ValueMode::kData),
              pointer, errors)) {
    return std::nullopt;
  }
  return served_structure(*subject, shape);
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

// The scope value under `key`, checked against `member` by the engine; nullopt with errors when
// it is missing or invalid.
std::optional<std::string> scope_value(const Json& object, const std::string& pointer,
                                       std::string_view key, const spec::Member& member,
                                       Collector& errors) {
  const auto it = object.find(std::string(key));
  if (it == object.end() || it->is_null()) {
    errors.add(pointer, "missing '" + std::string(key) + "' (the " + member.name + " value)");
    return std::nullopt;
  }
  const std::string at = child(pointer, key);
  if (!within_depth(*it, at, errors)) return std::nullopt;
  const auto text = engine_text(*it, at, errors);
  if (!text) return std::nullopt;
  if (!report(validators::check_value(member, *text, validators::ValueMode::kData, member.name), at,
              errors)) {
    return std::nullopt;
  }
  if (!it->is_string()) {  // the fixture format keys lists by strings
    errors.add(at, "'" + std::string(key) + "' (the " + member.name +
                       " value) must be a JSON string, got " + type_name(*it));
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

Result<Dataset, std::vector<DataError>> Dataset::load(std::string_view text,
                                                      std::string_view file_name,
                                                      const spec::OperationView& operation) {
  // nlohmann's reader takes a NUL byte for the end of the input and would ignore what follows,
  // and copying a deeply nested DOM recurses: both are refused before it reads anything.
  if (const Status checked = wire::check_json_text(text, kMaxDocumentDepth); !checked) {
    return std::vector<DataError>{
        {std::string(file_name), "", "not valid JSON: " + checked.error().message}};
  }
  Json document;
  try {
    document = Json::parse(text.begin(), text.end());
  } catch (const std::exception& e) {
    return std::vector<DataError>{
        {std::string(file_name), "", "not valid JSON: " + parse_error_message(e)}};
  }
  return from_json(document, file_name, operation);
}

// Reads the stages of a fixture document into a Dataset, one nesting level per step, collecting
// every error (an entry with errors is skipped, its siblings are still read).
struct Dataset::FixtureReader {
  const spec::OperationView& operation;
  const spec::Shape& item_shape;
  const spec::Member* echo;  // the item member defaulting to the innermost scope value
  Collector& errors;
  Dataset& out;

  void read_stage(const Json& stage_json, size_t si, std::map<std::string, size_t>& seen) {
    const std::string stage_ptr = child(child("", kStagesKey), si);
    if (!check_object(stage_json, stage_ptr, "a stage", {kStageValueKey, kSessionsKey}, errors)) {
      return;
    }
    const spec::Member& member = *operation.list_scope[0];
    const auto arn = scope_value(stage_json, stage_ptr, kStageValueKey, member, errors);
    const Json* sessions = required_array(stage_json, stage_ptr, kSessionsKey, errors);
    check_unique(seen, arn, si, child("", kStagesKey), kStageValueKey, member, "", errors);
    Stage stage;
    stage.arn = arn.value_or("");
    if (sessions != nullptr) {
      std::map<std::string, size_t> seen_sessions;
      for (size_t ji = 0; ji < sessions->size(); ++ji) {
        read_session((*sessions)[ji], stage_ptr, ji, seen_sessions, stage);
      }
    }
    out.stages_.push_back(std::move(stage));
  }

  void read_session(const Json& session_json, const std::string& stage_ptr, size_t ji,
                    std::map<std::string, size_t>& seen, Stage& stage) {
    const std::string session_ptr = child(child(stage_ptr, kSessionsKey), ji);
    if (!check_object(session_json, session_ptr, "a session", {kSessionValueKey, kParticipantsKey},
                      errors)) {
      return;
    }
    const spec::Member& member = *operation.list_scope[1];
    const auto id = scope_value(session_json, session_ptr, kSessionValueKey, member, errors);
    const Json* participants = required_array(session_json, session_ptr, kParticipantsKey, errors);
    check_unique(seen, id, ji, child(stage_ptr, kSessionsKey), kSessionValueKey, member,
                 " in this stage", errors);
    Session session;
    session.id = id.value_or("");
    if (participants != nullptr) {
      std::map<std::string, size_t> seen_participants;
      for (size_t pi = 0; pi < participants->size(); ++pi) {
        read_participant((*participants)[pi], session_ptr, pi, seen_participants, stage.arn,
                         session);
      }
    }
    stage.sessions.push_back(std::move(session));
  }

  void read_participant(const Json& participant_json, const std::string& session_ptr, size_t pi,
                        std::map<std::string, size_t>& seen, const std::string& arn,
                        Session& session) {
    const std::string participant_ptr = child(child(session_ptr, kParticipantsKey), pi);
    if (!check_object(participant_json, participant_ptr, "a participant",
                      {kParticipantValueKey, kItemsKey}, errors)) {
      return;
    }
    const spec::Member& member = *operation.list_scope[2];
    const auto pid =
        scope_value(participant_json, participant_ptr, kParticipantValueKey, member, errors);
    const Json* items = required_array(participant_json, participant_ptr, kItemsKey, errors);
    check_unique(seen, pid, pi, child(session_ptr, kParticipantsKey), kParticipantValueKey, member,
                 " in this session", errors);
    List list;
    list.scope = {arn, session.id, pid.value_or("")};
    if (items != nullptr) {
      list.items.reserve(items->size());
      for (size_t ei = 0; ei < items->size(); ++ei) {
        const std::string item_ptr = child(child(participant_ptr, kItemsKey), ei);
        auto item = checked_item((*items)[ei], item_shape, echo, pid ? &list.scope[2] : nullptr,
                                 item_ptr, errors);
        if (item) list.items.push_back(std::move(*item));
      }
    }
    session.participants.push_back({list.scope[2], out.lists_.size()});
    out.lists_.push_back(std::move(list));
  }
};

Result<Dataset, std::vector<DataError>> Dataset::from_json(const Json& document,
                                                           std::string_view file_name,
                                                           const spec::OperationView& operation) {
  Collector errors{std::string(file_name)};
  const auto parts_or = internal::resolve_parts(operation);
  if (!parts_or) {
    errors.add("", parts_or.error().message);
    return errors.take();
  }
  const auto& parts = *parts_or;
  if (operation.list_scope.size() != kScopeDepth) {
    errors.add("", "the data format nests " + std::to_string(kScopeDepth) +
                       " list-scope members; operation " +
                       std::string(operation.operation->name()) + " has " +
                       std::to_string(operation.list_scope.size()));
    return errors.take();
  }
  // The item member that defaults to the innermost scope value.
  const spec::Member* echo = echo_member(*parts.item_shape, *operation.list_scope[2]);

  Dataset out;
  if (!check_object(document, "", "the document", {kStagesKey}, errors)) return errors.take();
  const Json* stages = required_array(document, "", kStagesKey, errors);
  if (stages == nullptr) return errors.take();
  FixtureReader reader{operation, *parts.item_shape, echo, errors, out};
  std::map<std::string, size_t> seen_stages;
  for (size_t si = 0; si < stages->size(); ++si) reader.read_stage((*stages)[si], si, seen_stages);
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

Dataset Dataset::transformed_lists(
    const std::function<void(std::span<const std::string> scope, std::vector<Json>& items)>& change)
    const {
  Dataset out = *this;
  for (auto& list : out.lists_) {
    change(list.scope, list.items);
    list.serialized.clear();
    for (const auto& item : list.items)
      list.serialized.push_back(item.dump(-1, ' ', false, Json::error_handler_t::replace));
  }
  out.index_lists();
  return out;
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
