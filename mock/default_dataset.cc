// The default synthetic dataset. This is the one file of the mock that knows IVS real-time event
// semantics (the order of events in a participant's life, that `*_ERROR` events carry an error
// code, that subscribe events name the publisher). Member names are found in the model: the
// event-name member is the enum member whose enum holds JOINED, the error-code member is the
// other enum member, the time member is the timestamp member, the publisher member is the other
// member targeting the participant-id shape. When such a member has the model's
// `lpe.conformance#presentWhen` trait, that rule says on which events it is present; otherwise
// the IVS rule above does. The result goes through the same validation as a `--data` file.
#include <array>
#include <optional>
#include <regex>

#include "mock/internal/fixture_format.h"
#include "mock/internal/operation_parts.h"
#include "mock/mock.h"

namespace lpe::mock {
namespace {

using Json = nlohmann::ordered_json;

// A participant's life, in the order events happen; names the model does not know are skipped
// and names it knows but this list lacks are played before LEFT.
constexpr std::array<std::string_view, 12> kLifecycle = {
    "JOINED",
    "PUBLISH_STARTED",
    "SUBSCRIBE_STARTED",
    "PUBLISH_ERROR",
    "SUBSCRIBE_ERROR",
    "SUBSCRIBE_STOPPED",
    "TOKEN_EXCHANGED",
    "REPLICATION_STARTED",
    "REPLICATION_STOPPED",
    "PUBLISH_STOPPED",
    "LEFT",
    "JOIN_ERROR",
};
constexpr std::string_view kAnchorEventName = "JOINED";
constexpr std::string_view kLeftEventName = "LEFT";
constexpr std::string_view kErrorSuffix = "_ERROR";
constexpr std::string_view kSubscribePrefix = "SUBSCRIBE_";
constexpr std::string_view kPresentWhenTrait = "lpe.conformance#presentWhen";

// When a member is present on an event: the model's presentWhen rule (a sibling member's value
// matches a pattern), else `fallback` applied to the event name.
class Presence {
 public:
  Presence(const spec::Member* member, bool (*fallback)(std::string_view name))
      : fallback_(fallback) {
    if (member == nullptr) return;
    const auto trait = member->traits.find(std::string(kPresentWhenTrait));
    if (trait == member->traits.end() || !trait->is_object()) return;
    const auto when = trait->find("member");
    const auto pattern = trait->find("pattern");
    if (when == trait->end() || pattern == trait->end() || !when->is_string() ||
        !pattern->is_string()) {
      return;
    }
    when_member_ = when->get<std::string>();
    try {
      pattern_ = std::regex(pattern->get<std::string>(), std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      when_member_.reset();
    }
  }

  bool present(const nlohmann::ordered_json& event, std::string_view name) const {
    if (!when_member_) return fallback_(name);
    const auto it = event.find(*when_member_);
    return it != event.end() && it->is_string() &&
           std::regex_search(it->get_ref<const std::string&>(), pattern_);
  }

 private:
  bool (*fallback_)(std::string_view);
  std::optional<std::string> when_member_;
  std::regex pattern_;
};

struct ParticipantPlan {
  std::string_view id;
  int events;
};
struct SessionPlan {
  std::string_view id;
  std::vector<ParticipantPlan> participants;
};
struct StagePlan {
  std::string_view arn;
  std::vector<SessionPlan> sessions;
};

// The layout (documented in mock/README.md). Item counts hit the paging boundaries for the
// default page size 50 and the maximum 100; `p-shared` appears in two stages so that tokens
// crossing scopes can be tried.
std::vector<StagePlan> layout() {
  return {
      {"arn:aws:ivs:us-east-1:123456789012:stage/lpeStageA001",
       {{"st-lpeSession001",
         {{"p-0-events", 0},
          {"p-1-event", 1},
          {"p-49-events", 49},
          {"p-50-events", 50},
          {"p-51-events", 51},
          {"p-shared", 12}}},
        {"st-lpeSession002", {{"p-99-events", 99}, {"p-100-events", 100}, {"p-101-events", 101}}}}},
      {"arn:aws:ivs:us-west-2:123456789012:stage/lpeStageB002",
       {{"st-lpeSession003", {{"p-250-events", 250}, {"p-5000-events", 5000}}}}},
      {"arn:aws:ivs:eu-west-1:210987654321:stage/lpeStageC003",
       {{"st-lpeSession004", {{"p-shared", 12}, {"p-2-events", 2}}}}},
  };
}

// Unix milliseconds of 2024-01-15T10:00:00Z, the first session's start.
constexpr int64_t kEpochStartMillis = 1705312800000;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_error_event(std::string_view name) { return ends_with(name, kErrorSuffix); }
bool is_subscribe_event(std::string_view name) { return name.rfind(kSubscribePrefix, 0) == 0; }

const spec::Member* enum_member_with(const spec::Shape& item, std::string_view value) {
  for (const auto& m : item.members) {
    if (m.target == nullptr || m.target->type != spec::ShapeType::kEnum) continue;
    for (const auto& e : m.target->enum_values) {
      if (e.string_value == value) return &m;
    }
  }
  return nullptr;
}

}  // namespace

std::variant<Dataset, std::vector<DataError>> Dataset::synthetic(
    const spec::OperationView& operation) {
  constexpr std::string_view kName = "<synthetic dataset>";
  const auto parts_or = internal::resolve_parts(operation);
  if (const auto* why = std::get_if<std::string>(&parts_or)) {
    return std::vector<DataError>{{std::string(kName), "", *why}};
  }
  const spec::Shape& item = *std::get<internal::OperationParts>(parts_or).item_shape;
  if (operation.list_scope.size() != internal::kScopeDepth) {
    return std::vector<DataError>{
        {std::string(kName), "", "the default dataset needs a list scope of 3 members"}};
  }
  const std::string participant_name = operation.list_scope[2]->name;
  const spec::Member* participant_member = item.member(participant_name);
  const spec::Member* name_member = enum_member_with(item, kAnchorEventName);
  const spec::Member* time_member = nullptr;
  const spec::Member* error_member = nullptr;
  const spec::Member* publisher_member = nullptr;
  for (const auto& m : item.members) {
    if (m.target == nullptr) continue;
    if (m.target->type == spec::ShapeType::kTimestamp && time_member == nullptr) time_member = &m;
    if (m.target->type == spec::ShapeType::kEnum && &m != name_member && error_member == nullptr) {
      error_member = &m;
    }
    if (participant_member != nullptr && &m != participant_member &&
        m.target_id == participant_member->target_id && publisher_member == nullptr) {
      publisher_member = &m;
    }
  }

  // The names in lifecycle order: known lifecycle names, then the model's other names before LEFT.
  std::vector<std::string> cycle;
  if (name_member != nullptr) {
    const auto& values = name_member->target->enum_values;
    const auto known = [&](std::string_view n) {
      for (const auto& e : values) {
        if (e.string_value == n) return true;
      }
      return false;
    };
    std::vector<std::string> extra;
    for (const auto& e : values) {
      bool listed = false;
      for (const auto n : kLifecycle) listed = listed || n == e.string_value;
      if (!listed) extra.push_back(e.string_value);
    }
    for (const auto n : kLifecycle) {
      if (n == kLeftEventName) cycle.insert(cycle.end(), extra.begin(), extra.end());
      if (known(n)) cycle.emplace_back(n);
    }
    if (!known(kLeftEventName)) cycle.insert(cycle.end(), extra.begin(), extra.end());
  }
  std::vector<std::string> error_codes;
  if (error_member != nullptr) {
    for (const auto& e : error_member->target->enum_values) error_codes.push_back(e.string_value);
  }

  const Presence publisher_presence(publisher_member, &is_subscribe_event);
  const Presence error_presence(error_member, &is_error_event);

  size_t error_counter = 0;
  Json stages = Json::array();
  int64_t session_start = kEpochStartMillis;
  for (const auto& stage_plan : layout()) {
    Json sessions = Json::array();
    for (const auto& session_plan : stage_plan.sessions) {
      Json participants = Json::array();
      const size_t count = session_plan.participants.size();
      for (size_t p = 0; p < count; ++p) {
        const auto& plan = session_plan.participants[p];
        // The publisher a subscriber watches: the next participant of the session.
        const std::string_view publisher = session_plan.participants[(p + 1) % count].id;
        Json events = Json::array();
        // Each participant starts 7 s after the previous one; events are 1.25 s apart, and every
        // tenth event shares the previous event's time (equal timestamps).
        int64_t t = session_start + static_cast<int64_t>(p) * 7000;
        for (int k = 0; k < plan.events; ++k) {
          if (k > 0 && k % 10 != 9) t += 1250;
          Json event = Json::object();
          std::string name;
          if (!cycle.empty()) {
            name = cycle[static_cast<size_t>(k) % cycle.size()];
            event[name_member->name] = name;
          }
          if (time_member != nullptr) {
            event[time_member->name] = wire::format_rfc3339(wire::Timestamp{t});
          }
          if (publisher_member != nullptr && publisher_presence.present(event, name)) {
            event[publisher_member->name] = std::string(publisher);
          }
          if (error_member != nullptr && !error_codes.empty() &&
              error_presence.present(event, name)) {
            event[error_member->name] = error_codes[error_counter++ % error_codes.size()];
          }
          events.push_back(std::move(event));
        }
        Json participant = Json::object();
        participant[std::string(internal::kParticipantValueKey)] = std::string(plan.id);
        participant[std::string(internal::kItemsKey)] = std::move(events);
        participants.push_back(std::move(participant));
      }
      Json session = Json::object();
      session[std::string(internal::kSessionValueKey)] = std::string(session_plan.id);
      session[std::string(internal::kParticipantsKey)] = std::move(participants);
      sessions.push_back(std::move(session));
      session_start += 3600 * 1000;  // the next session starts an hour later
    }
    Json stage = Json::object();
    stage[std::string(internal::kStageValueKey)] = std::string(stage_plan.arn);
    stage[std::string(internal::kSessionsKey)] = std::move(sessions);
    stages.push_back(std::move(stage));
  }
  Json document = Json::object();
  document[std::string(internal::kStagesKey)] = std::move(stages);
  return from_json(document, kName, operation);
}

}  // namespace lpe::mock
