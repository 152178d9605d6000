// The default synthetic dataset. This is the one file of the mock that knows IVS real-time event
// semantics: the order of events in a participant's life and what each kind of event refers to
// (the publisher a subscriber watches, an error, the stage a participant is replicated to, the
// tokens of a token exchange, whether a participant is a replica). Which member carries what is
// found in the model by shape and trait, never by member name:
// - the event name: the enum member whose values hold JOINED;
// - the time: the first timestamp member;
// - the participant: the member echoing the innermost list-scope input member
//   (lpe.conformance#echoesInput; else the member named like that input member);
// - the publisher: another member targeting the participant's shape;
// - the destination stage and session: members targeting the shapes of the outer list-scope
//   members (another stage of the layout and one of its sessions);
// - the error: another enum member (its values in turn);
// - tokens: structure members, the first the previous token, the second the new one, each built
//   from its shape (enum lists, string maps, strings and an expiry after the event's time);
// - the replica flag: a boolean member.
// Which events carry a member is the member's presence rule (lpe.conformance#presentWhen); for a
// model without our overlay, the IVS rule of its role (publisher on SUBSCRIBE_*, error on *_ERROR,
// destination on REPLICATION_*, tokens on TOKEN_EXCHANGED). The result goes through the same
// validation as a `--data` file.
#include <array>
#include <bit>
#include <optional>

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

// What a member of the item structure means to this dataset.
enum class Role {
  kOther,  // left out
  kName,
  kTime,
  kSelf,
  kPublisher,
  kDestinationStage,
  kDestinationSession,
  kError,
  kToken,
  kReplica,
};

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The IVS rule of a role, for members without a presence rule in the model.
bool ivs_presence(Role role, std::string_view event_name) {
  switch (role) {
    case Role::kPublisher:
      return starts_with(event_name, "SUBSCRIBE_");
    case Role::kError:
      return ends_with(event_name, "_ERROR");
    case Role::kDestinationStage:
    case Role::kDestinationSession:
      return starts_with(event_name, "REPLICATION_");
    case Role::kToken:
      return event_name == "TOKEN_EXCHANGED";
    case Role::kOther:
      return false;
    default:
      return true;
  }
}

// Whether `member` (of role `role`) is on `event`: its presence rule against the sibling's value
// as built so far, else the IVS rule of its role.
bool present_on(const spec::Member& member, Role role, const Json& event,
                std::string_view event_name) {
  if (!member.present_when) return ivs_presence(role, event_name);
  const auto sibling = event.find(member.present_when->sibling);
  return sibling != event.end() && sibling->is_string() &&
         spec::pattern_matches(member.present_when->pattern,
                               sibling->get_ref<const std::string&>());
}

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
// A token expires this long after the event that exchanged it (the new one twice as late).
constexpr int64_t kTokenLifetimeMillis = int64_t{12} * 3600 * 1000;

// Whether a participant is a replica: by its position in the layout, absent (the model's default
// applies), false or true in turn, so that every form appears.
enum class ReplicaState { kAbsent, kFalse, kTrue };
ReplicaState replica_state(size_t participant_ordinal) {
  return static_cast<ReplicaState>(participant_ordinal % 3);
}

const spec::Member* enum_member_with(const spec::Shape& item, std::string_view value) {
  for (const auto& m : item.members) {
    if (m.target == nullptr) continue;
    for (const auto& e : m.target->enum_values) {
      if (e.string_value == value) return &m;
    }
  }
  return nullptr;
}

// The item member echoing the innermost list-scope input member.
const spec::Member* self_member(const spec::Shape& item, const spec::Member& scope_member) {
  for (const auto& m : item.members) {
    if (m.echoes_input == scope_member.name) return &m;
  }
  return item.member(scope_member.name);
}

// A timestamp of `member` at `millis`, in the member's format; nullopt for HTTP dates (never in
// a JSON body of restJson1 by default, so not synthesized).
std::optional<Json> timestamp_value(const spec::Member& member, int64_t millis) {
  // restJson1 writes untagged timestamps as epoch seconds (as the validators read them).
  switch (member.constraints.timestamp_format.value_or(spec::TimestampFormat::kEpochSeconds)) {
    case spec::TimestampFormat::kDateTime:
      return Json(wire::format_rfc3339(wire::Timestamp{millis}));
    case spec::TimestampFormat::kEpochSeconds:
      if (millis % 1000 == 0) return Json(millis / 1000);
      return Json(static_cast<double>(millis) / 1000.0);
    default:
      return std::nullopt;
  }
}

// What a token is built from.
struct TokenContext {
  std::string_view participant;
  int64_t event_millis = 0;
  size_t exchange = 0;  // the how-many-th token exchange of the dataset
  size_t ordinal = 0;   // 0: the previous token, 1: the new one
};

// The k-th subset (in bitmask order) of `values` whose size the list's length constraint allows.
Json enum_subset(const spec::Member& list_member, const std::vector<spec::EnumValue>& values,
                 size_t k) {
  const size_t n = std::min<size_t>(values.size(), 8);
  const auto& length = list_member.constraints.length;
  std::vector<uint32_t> allowed;
  for (uint32_t mask = 0; mask < (1u << n); ++mask) {
    const auto size = static_cast<int64_t>(std::popcount(mask));
    if (length && length->min && size < *length->min) continue;
    if (length && length->max && size > *length->max) continue;
    allowed.push_back(mask);
  }
  Json out = Json::array();
  if (allowed.empty()) return out;
  const uint32_t mask = allowed[k % allowed.size()];
  for (size_t i = 0; i < n; ++i) {
    if ((mask >> i) & 1u) out.push_back(values[i].string_value);
  }
  return out;
}

// A value of `member` inside a token, from its shape; nullopt when this dataset has none to give
// (the member is then left out, and the checks say so if the model requires it).
std::optional<Json> token_part(const spec::Member& member, const TokenContext& ctx) {
  const spec::Shape* shape = member.target;
  if (shape == nullptr) return std::nullopt;
  const std::string participant(ctx.participant);
  switch (shape->type) {
    case spec::ShapeType::kList:
    case spec::ShapeType::kSet: {
      const spec::Shape* element = shape->members.empty() ? nullptr : shape->members[0].target;
      if (element == nullptr || element->enum_values.empty()) return std::nullopt;
      // Consecutive k for the two tokens of one exchange: they differ whenever the list can.
      return enum_subset(member, element->enum_values, 2 * ctx.exchange + ctx.ordinal + 1);
    }
    case spec::ShapeType::kMap: {
      if (shape->members.size() < 2 || shape->members[0].target == nullptr ||
          shape->members[1].target == nullptr ||
          shape->members[0].target->type != spec::ShapeType::kString ||
          shape->members[1].target->type != spec::ShapeType::kString ||
          !shape->members[0].target->enum_values.empty()) {
        return std::nullopt;
      }
      // Application attributes: who the token is for and which exchange made it.
      Json out = Json::object();
      out["displayName"] = participant;
      out["tokenGeneration"] = std::to_string(ctx.exchange + ctx.ordinal);
      return out;
    }
    case spec::ShapeType::kString:
      if (!shape->enum_values.empty()) return Json(shape->enum_values[0].string_value);
      return Json("user-" + participant);
    case spec::ShapeType::kTimestamp:
      return timestamp_value(
          member, ctx.event_millis + static_cast<int64_t>(ctx.ordinal + 1) * kTokenLifetimeMillis);
    default:
      return std::nullopt;
  }
}

// A token structure: each member the dataset can give a value that the model accepts (checked
// by the validators' engine, so a custom model's constraints are never broken here).
Json token_value(const spec::Shape& shape, const TokenContext& ctx) {
  Json out = Json::object();
  for (const auto& m : shape.members) {
    auto value = token_part(m, ctx);
    if (!value) continue;
    if (!validators::check_value(m, value->dump(), validators::ValueMode::kData).empty()) continue;
    out[m.name] = std::move(*value);
  }
  return out;
}

// The members of the item structure and their roles, found in the model.
struct Roles {
  const spec::Member* name = nullptr;
  std::vector<std::pair<const spec::Member*, Role>> members;  // model order, name excluded
};

Roles find_roles(const spec::Shape& item, const spec::OperationView& operation) {
  Roles roles;
  roles.name = enum_member_with(item, kAnchorEventName);
  const spec::Member* self = self_member(item, *operation.list_scope[2]);
  const spec::Shape* participant_shape =
      self != nullptr ? self->target : operation.list_scope[2]->target;
  const spec::Shape* stage_shape = operation.list_scope[0]->target;
  const spec::Shape* session_shape = operation.list_scope[1]->target;
  bool have_time = false;
  for (const auto& m : item.members) {
    if (&m == roles.name || m.target == nullptr || m.binding != spec::HttpBinding::kBody) continue;
    Role role = Role::kOther;
    if (&m == self) {
      role = Role::kSelf;
    } else if (m.target->type == spec::ShapeType::kTimestamp && !have_time) {
      role = Role::kTime;
      have_time = true;
    } else if (m.target == participant_shape) {
      role = Role::kPublisher;
    } else if (m.target == stage_shape) {
      role = Role::kDestinationStage;
    } else if (m.target == session_shape) {
      role = Role::kDestinationSession;
    } else if (!m.target->enum_values.empty() && m.target->type != spec::ShapeType::kIntEnum) {
      role = Role::kError;
    } else if (m.target->type == spec::ShapeType::kStructure) {
      role = Role::kToken;
    } else if (m.target->type == spec::ShapeType::kBoolean) {
      role = Role::kReplica;
    }
    roles.members.emplace_back(&m, role);
  }
  return roles;
}

// The event names in lifecycle order: known lifecycle names, then the model's other names before
// LEFT.
std::vector<std::string> lifecycle(const spec::Member* name_member) {
  std::vector<std::string> cycle;
  if (name_member == nullptr) return cycle;
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
  return cycle;
}

// Builds the fixture document of the layout, one stage, session, participant and event at a
// time. The counters run over the whole dataset so that every error code and token variant
// appears.
class SyntheticBuilder {
 public:
  SyntheticBuilder(const Roles& roles, std::vector<std::string> cycle)
      : roles_(roles), cycle_(std::move(cycle)), plan_(layout()) {}

  Json document() {
    Json stages = Json::array();
    for (size_t s = 0; s < plan_.size(); ++s) {
      // Where this stage's participants are replicated to: the next stage of the layout.
      stages.push_back(stage(plan_[s], plan_[(s + 1) % plan_.size()]));
    }
    Json out = Json::object();
    out[std::string(internal::kStagesKey)] = std::move(stages);
    return out;
  }

 private:
  // What one event is built from.
  struct EventContext {
    const ParticipantPlan& participant;
    std::string_view publisher;    // the participant a subscriber watches
    const StagePlan& destination;  // where replication goes
    size_t self_ordinal;           // the participant's and the publisher's place in the layout
    size_t publisher_ordinal;
    int64_t millis;  // the event's time
  };

  Json stage(const StagePlan& stage_plan, const StagePlan& destination) {
    Json sessions = Json::array();
    for (const auto& session_plan : stage_plan.sessions) {
      sessions.push_back(session(session_plan, destination));
      session_start_ += 3600 * 1000;  // the next session starts an hour later
    }
    Json out = Json::object();
    out[std::string(internal::kStageValueKey)] = std::string(stage_plan.arn);
    out[std::string(internal::kSessionsKey)] = std::move(sessions);
    return out;
  }

  Json session(const SessionPlan& session_plan, const StagePlan& destination) {
    Json participants = Json::array();
    const size_t count = session_plan.participants.size();
    const size_t first_ordinal = participant_ordinal_;
    for (size_t p = 0; p < count; ++p) {
      const auto& participant = session_plan.participants[p];
      // The publisher a subscriber watches: the next participant of the session.
      const size_t publisher_index = (p + 1) % count;
      Json events = Json::array();
      // Each participant starts 7 s after the previous one; events are 1.25 s apart, and every
      // tenth event shares the previous event's time (equal timestamps).
      int64_t t = session_start_ + static_cast<int64_t>(p) * 7000;
      for (int k = 0; k < participant.events; ++k) {
        if (k > 0 && k % 10 != 9) t += 1250;
        const EventContext ctx{participant,
                               session_plan.participants[publisher_index].id,
                               destination,
                               first_ordinal + p,
                               first_ordinal + publisher_index,
                               t};
        events.push_back(event(ctx, k));
      }
      Json participant_json = Json::object();
      participant_json[std::string(internal::kParticipantValueKey)] = std::string(participant.id);
      participant_json[std::string(internal::kItemsKey)] = std::move(events);
      participants.push_back(std::move(participant_json));
      ++participant_ordinal_;
    }
    Json out = Json::object();
    out[std::string(internal::kSessionValueKey)] = std::string(session_plan.id);
    out[std::string(internal::kParticipantsKey)] = std::move(participants);
    return out;
  }

  // The k-th event of a participant's life.
  Json event(const EventContext& ctx, int k) {
    Json event = Json::object();
    std::string name;
    if (!cycle_.empty()) {
      name = cycle_[static_cast<size_t>(k) % cycle_.size()];
      event[roles_.name->name] = name;
    }
    // On a subscribe event (a publisher member is present) the replica flag describes the
    // remote participant (R9).
    bool subscribes = false;
    for (const auto& [member, role] : roles_.members) {
      subscribes =
          subscribes || (role == Role::kPublisher && present_on(*member, role, event, name));
    }
    size_t token_ordinal = 0;
    bool exchanged = false;
    for (const auto& [member, role] : roles_.members) {
      if (!present_on(*member, role, event, name)) continue;
      if (role == Role::kToken) exchanged = true;
      auto value = member_value(*member, role, ctx, subscribes, token_ordinal);
      if (value) event[member->name] = std::move(*value);
    }
    if (exchanged) ++exchange_counter_;
    return event;
  }

  // The value of `member` (of role `role`) on an event, if it has one.
  std::optional<Json> member_value(const spec::Member& member, Role role, const EventContext& ctx,
                                   bool subscribes, size_t& token_ordinal) {
    switch (role) {
      case Role::kSelf:
        return Json(std::string(ctx.participant.id));
      case Role::kTime:
        return timestamp_value(member, ctx.millis);
      case Role::kPublisher:
        return Json(std::string(ctx.publisher));
      case Role::kDestinationStage:
        return Json(std::string(ctx.destination.arn));
      case Role::kDestinationSession:
        return Json(std::string(ctx.destination.sessions.front().id));
      case Role::kError: {
        // Every value in turn over the dataset.
        const auto& codes = member.target->enum_values;
        return Json(codes[error_counter_++ % codes.size()].string_value);
      }
      case Role::kToken:
        return token_value(*member.target,
                           {ctx.participant.id, ctx.millis, exchange_counter_, token_ordinal++});
      case Role::kReplica: {
        const ReplicaState state =
            replica_state(subscribes ? ctx.publisher_ordinal : ctx.self_ordinal);
        if (state == ReplicaState::kAbsent && !member.present_when) return std::nullopt;
        return Json(state == ReplicaState::kTrue);
      }
      case Role::kName:
      case Role::kOther:
        break;
    }
    return std::nullopt;
  }

  const Roles& roles_;
  const std::vector<std::string> cycle_;
  const std::vector<StagePlan> plan_;
  size_t error_counter_ = 0;
  size_t exchange_counter_ = 0;
  size_t participant_ordinal_ = 0;
  int64_t session_start_ = kEpochStartMillis;
};

}  // namespace

Result<Dataset, std::vector<DataError>> Dataset::synthetic(const spec::OperationView& operation) {
  constexpr std::string_view kName = "<synthetic dataset>";
  const auto parts_or = internal::resolve_parts(operation);
  if (!parts_or) {
    return std::vector<DataError>{{std::string(kName), "", parts_or.error().message}};
  }
  const spec::Shape& item = *parts_or->item_shape;
  if (operation.list_scope.size() != internal::kScopeDepth) {
    return std::vector<DataError>{
        {std::string(kName), "", "the default dataset needs a list scope of 3 members"}};
  }
  const Roles roles = find_roles(item, operation);
  SyntheticBuilder builder(roles, lifecycle(roles.name));
  return from_json(builder.document(), kName, operation);
}

}  // namespace lpe::mock
