// Data defects: the true handler serving lists with an event lost, moved or changed. The members
// they touch come from the model (the first timestamp member, the member echoing the list scope,
// the members with presence rules and the event-name member those rules read).
#include "mock/testing/defect_data.h"

#include <algorithm>

#include "wire/rfc3339.h"

namespace lpe::mock::testing {
namespace {

using Json = nlohmann::ordered_json;

constexpr Defect kDataDefects[] = {
    Defect::kDropsOneEvent,
    Defect::kSwapsTwoEvents,
    Defect::kShiftsEventTime,
    Defect::kRenamesJoinedEvent,
    Defect::kForeignParticipantEvent,
    Defect::kErrorCodeOnLateEvent,
    Defect::kNoRemoteParticipantOnSubscribe,
};

// The event (0-based) from which the late defects apply: past the first page of 50.
constexpr size_t kLateEvent = 51;
// What a foreign event's echoing member says.
constexpr const char* kForeignValue = "intruder";

// The members of the item structure the data defects touch.
struct ItemParts {
  std::string time;                             // the first timestamp member
  std::string echo;                             // the member echoing a list-scope input
  const spec::Member* first_ruled = nullptr;    // the first member with a presence rule
  const spec::Member* enum_ruled = nullptr;     // the first such member whose values are an enum
  std::string name;                             // the member presence rules read
  std::vector<std::string> names_without_rule;  // its values no presence rule matches
};

ItemParts parts_of(const spec::Shape& item) {
  ItemParts parts;
  std::vector<const spec::Member*> ruled;
  for (const auto& m : item.members) {
    if (m.target == nullptr) continue;
    if (parts.time.empty() && m.target->type == spec::ShapeType::kTimestamp) parts.time = m.name;
    if (parts.echo.empty() && !m.echoes_input.empty()) parts.echo = m.name;
    if (!m.present_when) continue;
    ruled.push_back(&m);
    if (parts.first_ruled == nullptr) parts.first_ruled = &m;
    if (parts.enum_ruled == nullptr && !m.target->enum_values.empty()) parts.enum_ruled = &m;
  }
  if (parts.first_ruled == nullptr) return parts;
  parts.name = parts.first_ruled->present_when->sibling;
  const spec::Member* name = item.member(parts.name);
  if (name == nullptr || name->target == nullptr) return parts;
  for (const auto& v : name->target->enum_values) {
    if (std::none_of(ruled.begin(), ruled.end(), [&](const spec::Member* m) {
          return spec::pattern_matches(m->present_when->pattern, v.string_value);
        })) {
      parts.names_without_rule.push_back(v.string_value);
    }
  }
  return parts;
}

bool rule_expects(const spec::Member& m, const Json& event) {
  const auto sibling = event.find(m.present_when->sibling);
  return sibling != event.end() && sibling->is_string() &&
         spec::pattern_matches(m.present_when->pattern, sibling->get<std::string>());
}

// The defects that move or remove events.
void reorder(const std::set<Defect>& defects, std::vector<Json>& events) {
  if (defects.count(Defect::kDropsOneEvent) != 0 && events.size() >= 3)
    events.erase(events.begin() + 2);
  if (defects.count(Defect::kSwapsTwoEvents) != 0) {
    for (size_t i = 1; i + 1 < events.size(); ++i) {
      if (events[i] == events[i + 1]) continue;
      std::swap(events[i], events[i + 1]);
      break;
    }
  }
}

// The defects that change the content of one or more events.
void change(const std::set<Defect>& defects, const ItemParts& parts, std::vector<Json>& events) {
  const auto has = [&](Defect d) { return defects.count(d) != 0; };
  if (has(Defect::kShiftsEventTime) && events.size() >= 2 && !parts.time.empty()) {
    auto time = events[1].find(parts.time);
    if (time != events[1].end() && time->is_string()) {
      if (const auto t = wire::parse_rfc3339(time->get<std::string>())) {
        *time = wire::format_rfc3339(wire::Timestamp{t->epoch_millis + 1});
      }
    }
  }
  if (has(Defect::kRenamesJoinedEvent) && events.size() >= 2 &&
      parts.names_without_rule.size() >= 2) {
    for (auto& event : events) {
      if (event.value(parts.name, std::string()) != parts.names_without_rule[0]) continue;
      event[parts.name] = parts.names_without_rule[1];
      break;
    }
  }
  if (has(Defect::kForeignParticipantEvent) && events.size() > kLateEvent && !parts.echo.empty())
    events[kLateEvent][parts.echo] = kForeignValue;
  if (has(Defect::kErrorCodeOnLateEvent) && parts.enum_ruled != nullptr) {
    const spec::Member& m = *parts.enum_ruled;
    for (size_t i = kLateEvent; i < events.size(); ++i) {
      if (rule_expects(m, events[i]) || events[i].contains(m.name)) continue;
      events[i][m.name] = m.target->enum_values.front().string_value;
      break;
    }
  }
  if (has(Defect::kNoRemoteParticipantOnSubscribe) && parts.first_ruled != nullptr) {
    for (auto& event : events) event.erase(parts.first_ruled->name);
  }
}

}  // namespace

bool is_data_defect(Defect defect) {
  return std::find(std::begin(kDataDefects), std::end(kDataDefects), defect) !=
         std::end(kDataDefects);
}

Result<std::shared_ptr<const Dataset>> with_data_defects(std::shared_ptr<const Dataset> dataset,
                                                         const spec::Shape& item,
                                                         const std::set<Defect>& defects) {
  if (std::none_of(defects.begin(), defects.end(), is_data_defect)) return dataset;
  if (dataset == nullptr) return fail("data defects need a dataset");
  const ItemParts parts = parts_of(item);
  return std::make_shared<const Dataset>(
      dataset->transformed_lists([&](std::span<const std::string>, std::vector<Json>& events) {
        reorder(defects, events);
        change(defects, parts, events);
      }));
}

}  // namespace lpe::mock::testing
