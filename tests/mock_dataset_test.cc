// The mock's dataset: the default synthetic dataset's promises, the fixture format, its
// validation errors (file, JSON pointer, what is wrong) and the dump round trip.
#include <algorithm>
#include <map>
#include <set>

#include "tests/mock_test_support.h"
#include "wire/rfc3339.h"

namespace lpe::mock {
namespace {

using testing::Json;
using testing::operation;

// The issue's example fixture, verbatim.
constexpr const char* kIssueExample =
    R"({"stages":[{"arn":"arn:aws:ivs:us-east-1:123456789012:stage/abcd1234","sessions":[{"id":"st-a1b2c3d4e5f6g","participants":[{"id":"p1","events":[{"name":"JOINED","eventTime":"2024-01-01T00:00:00Z"},{"name":"SUBSCRIBE_STARTED","eventTime":"2024-01-01T00:00:01.250Z","remoteParticipantId":"p2"},{"name":"PUBLISH_ERROR","eventTime":"2024-01-01T00:00:02Z","errorCode":"BITRATE_EXCEEDED"}]}]}]}]})";

std::vector<DataError> load_errors(const std::string& text) {
  auto loaded = Dataset::load(text, "fixture.json", operation());
  if (std::holds_alternative<Dataset>(loaded)) return {};
  return std::get<std::vector<DataError>>(loaded);
}

// The single error of `text`, as one line.
std::string only_error(const std::string& text) {
  const auto errors = load_errors(text);
  EXPECT_EQ(errors.size(), 1u) << text;
  std::string all;
  for (const auto& e : errors) all += e.to_string() + "\n";
  return errors.empty() ? std::string()
                        : errors.front().to_string() + (errors.size() > 1 ? "\n" + all : "");
}

// The issue example with one event replaced.
std::string with_event(const std::string& event_json) {
  return R"({"stages":[{"arn":"arn:aws:ivs:us-east-1:123456789012:stage/abcd1234","sessions":[{"id":"st-a1b2c3d4e5f6g","participants":[{"id":"p1","events":[)" +
         event_json + "]}]}]}]}";
}

TEST(MockDataset, IssueExampleLoadsWithDefaultedParticipantIdInFileOrder) {
  auto loaded = Dataset::load(kIssueExample, "example.json", operation());
  ASSERT_TRUE(std::holds_alternative<Dataset>(loaded))
      << std::get<std::vector<DataError>>(loaded).front().to_string();
  const Dataset& d = std::get<Dataset>(loaded);
  ASSERT_EQ(d.list_count(), 1u);
  const std::vector<std::string> scope = {"arn:aws:ivs:us-east-1:123456789012:stage/abcd1234",
                                          "st-a1b2c3d4e5f6g", "p1"};
  const auto* items = d.items(scope);
  ASSERT_NE(items, nullptr);
  ASSERT_EQ(items->size(), 3u);
  EXPECT_EQ((*items)[0].dump(),
            R"({"name":"JOINED","participantId":"p1","eventTime":"2024-01-01T00:00:00Z"})");
  EXPECT_EQ(
      (*items)[1].dump(),
      R"({"name":"SUBSCRIBE_STARTED","participantId":"p1","eventTime":"2024-01-01T00:00:01.250Z","remoteParticipantId":"p2"})");
  EXPECT_EQ(
      (*items)[2].dump(),
      R"({"name":"PUBLISH_ERROR","participantId":"p1","eventTime":"2024-01-01T00:00:02Z","errorCode":"BITRATE_EXCEEDED"})");
  const auto scopes = d.scopes();
  ASSERT_EQ(scopes.size(), 1u);
  EXPECT_EQ(scopes[0].values, scope);
  EXPECT_EQ(scopes[0].item_count, 3u);
}

TEST(MockDataset, AnEventMayNameAnotherParticipantAndKeepsItsMemberOrderCanonical) {
  auto loaded = Dataset::load(
      with_event(R"({"eventTime":"2024-01-01T00:00:00.5Z","participantId":"other","name":"LEFT"})"),
      "f.json", operation());
  ASSERT_TRUE(std::holds_alternative<Dataset>(loaded));
  const auto scopes = std::get<Dataset>(loaded).scopes();
  const auto* items = std::get<Dataset>(loaded).items(scopes[0].values);
  EXPECT_EQ((*items)[0].dump(),
            R"({"name":"LEFT","participantId":"other","eventTime":"2024-01-01T00:00:00.500Z"})");
}

TEST(MockDataset, FileOrderIsKeptEvenWhenNotSortedByTime) {
  auto loaded = Dataset::load(with_event(R"({"name":"LEFT","eventTime":"2024-01-02T00:00:00Z"},
                                            {"name":"JOINED","eventTime":"2024-01-01T00:00:00Z"})"),
                              "f.json", operation());
  ASSERT_TRUE(std::holds_alternative<Dataset>(loaded));
  const auto& d = std::get<Dataset>(loaded);
  const auto* items = d.items(d.scopes()[0].values);
  EXPECT_EQ((*items)[0]["name"], "LEFT");
  EXPECT_EQ((*items)[1]["name"], "JOINED");
}

TEST(MockDataset, ErrorsNameFilePointerAndProblem) {
  struct Case {
    std::string text;
    std::string expected;  // substring of the one error line
  };
  const std::vector<Case> cases = {
      {"{\"stages\": [}", "fixture.json: not valid JSON: parse error at line 1, column 13"},
      {"[]", "fixture.json: the document must be a JSON object, got an array"},
      {"{}", "fixture.json: missing 'stages' (a JSON array)"},
      {R"({"stages":{}})",
       "fixture.json: at /stages: 'stages' must be a JSON array, got an object"},
      {R"({"stages":[],"extra":1})",
       "fixture.json: at /extra: unknown key 'extra' in the document (expected: stages)"},
      {R"({"stages":[{"arn":"arn:aws:ivs:us-east-1:1:stage/a b","sessions":[]}]})",
       "fixture.json: at /stages/0/arn: 'arn:aws:ivs:us-east-1:1:stage/a b' is not a valid "
       "stageArn: "
       "Member must satisfy regular expression pattern: ^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/"
       "[a-zA-Z0-9-]+$"},
      {R"({"stages":[{"arn":"arn:aws:ivs:us-east-1:1:stage/a","sessions":[{"id":"st-1","participants":[]}]}]})",
       "fixture.json: at /stages/0/sessions/0/id: 'st-1' is not a valid sessionId: Member must "
       "have length greater than or equal to 16"},
      {R"({"stages":[{"arn":"arn:aws:ivs:us-east-1:1:stage/a","sessions":[{"id":"st-a1b2c3d4e5f6g","participants":[{"id":"p_1","events":[]}]}]}]})",
       "fixture.json: at /stages/0/sessions/0/participants/0/id: 'p_1' is not a valid "
       "participantId: "
       "Member must satisfy regular expression pattern: ^[a-zA-Z0-9-]*$"},
      {R"({"stages":[{"arn":"arn:aws:ivs:us-east-1:1:stage/a","sessions":[{"id":"st-a1b2c3d4e5f6g","participants":[{"events":[]}]}]}]})",
       "fixture.json: at /stages/0/sessions/0/participants/0: missing 'id' (the participantId "
       "value)"},
      {R"({"stages":[{"arn":"arn:aws:ivs:us-east-1:1:stage/a","sessions":[{"id":"st-a1b2c3d4e5f6g","participants":[{"id":"p"}]}]}]})",
       "fixture.json: at /stages/0/sessions/0/participants/0: missing 'events' (a JSON array)"},
      {with_event(R"({"name":"JOINED2","eventTime":"2024-01-01T00:00:00Z"})"),
       "fixture.json: at /stages/0/sessions/0/participants/0/events/0/name: 'JOINED2' is not a "
       "valid "
       "name: Member must satisfy enum value set: [JOINED, LEFT,"},
      {with_event(R"({"name":"JOINED","eventTime":"2024-01-01T00:00:00"})"),
       "fixture.json: at /stages/0/sessions/0/participants/0/events/0/eventTime: "
       "'2024-01-01T00:00:00' is not a valid eventTime: not an RFC 3339 UTC date-time"},
      {with_event(R"({"name":"JOINED","eventTime":"2024-01-01T00:00:00+02:00"})"),
       "/events/0/eventTime: '2024-01-01T00:00:00+02:00' is not a valid eventTime"},
      {with_event(R"({"name":"JOINED","eventTime":1704067200})"),
       "/events/0/eventTime: eventTime must be an RFC 3339 UTC date-time string, got an integer"},
      {with_event(
           R"({"name":"PUBLISH_ERROR","eventTime":"2024-01-01T00:00:00Z","errorCode":"OOPS"})"),
       "/events/0/errorCode: 'OOPS' is not a valid errorCode: Member must satisfy enum value set"},
      {with_event(
           R"({"name":"JOINED","eventTime":"2024-01-01T00:00:00Z","remoteParticipantID":"x"})"),
       "at /stages/0/sessions/0/participants/0/events/0/remoteParticipantID: unknown member "
       "'remoteParticipantID' (Event has: name, participantId, eventTime, remoteParticipantId, "
       "errorCode)"},
      {with_event(R"("JOINED")"),
       "at /stages/0/sessions/0/participants/0/events/0: must be a JSON object (a Event), got a "
       "string"},
      {with_event(R"({"name":5})"), "/events/0/name: name must be a JSON string, got an integer"},
      {with_event(R"({"name":"JOINED","remoteParticipantId":"x/y"})"),
       "/events/0/remoteParticipantId: 'x/y' is not a valid remoteParticipantId"},
  };
  for (const auto& c : cases) {
    const std::string got = only_error(c.text);
    EXPECT_NE(got.find(c.expected), std::string::npos)
        << "got:      " << got << "\nexpected: " << c.expected;
  }
}

TEST(MockDataset, DuplicateScopeEntriesAreErrorsAtTheSecondOccurrence) {
  const std::string stage = R"({"arn":"arn:aws:ivs:us-east-1:1:stage/a","sessions":[]})";
  EXPECT_NE(
      only_error("{\"stages\":[" + stage + "," + stage + "]}")
          .find("at /stages/1/arn: duplicate stageArn 'arn:aws:ivs:us-east-1:1:stage/a' (first "
                "at /stages/0)"),
      std::string::npos);
  const std::string session = R"({"id":"st-a1b2c3d4e5f6g","participants":[]})";
  EXPECT_NE(only_error(R"({"stages":[{"arn":"arn:aws:ivs:us-east-1:1:stage/a","sessions":[)" +
                       session + "," + session + "]}]}")
                .find("at /stages/0/sessions/1/id: duplicate sessionId 'st-a1b2c3d4e5f6g' in this "
                      "stage (first at /stages/0/sessions/0)"),
            std::string::npos);
  const std::string p = R"({"id":"p1","events":[]})";
  EXPECT_NE(
      only_error(
          R"({"stages":[{"arn":"arn:aws:ivs:us-east-1:1:stage/a","sessions":[{"id":"st-a1b2c3d4e5f6g","participants":[)" +
          p + "," + p + "]}]}]}")
          .find("at /stages/0/sessions/0/participants/1/id: duplicate participantId 'p1' in "
                "this session (first at /stages/0/sessions/0/participants/0)"),
      std::string::npos);
  // The same ids under different parents are different lists.
  auto loaded = Dataset::load(
      R"({"stages":[{"arn":"arn:aws:ivs:us-east-1:1:stage/a","sessions":[{"id":"st-a1b2c3d4e5f6g","participants":[{"id":"p1","events":[]}]}]},
                    {"arn":"arn:aws:ivs:us-east-1:1:stage/b","sessions":[{"id":"st-a1b2c3d4e5f6g","participants":[{"id":"p1","events":[]}]}]}]})",
      "f.json", operation());
  EXPECT_TRUE(std::holds_alternative<Dataset>(loaded));
}

TEST(MockDataset, EveryErrorIsReportedUpToFiftyThenCounted) {
  std::string events;
  for (int i = 0; i < 60; ++i) {
    if (i != 0) events += ",";
    events += R"({"name":"NOPE"})";
  }
  const auto errors = load_errors(with_event(events));
  ASSERT_EQ(errors.size(), 51u);
  EXPECT_EQ(errors[49].pointer, "/stages/0/sessions/0/participants/0/events/49/name");
  EXPECT_EQ(errors[50].message, "... and 10 more error(s)");
}

TEST(MockDataset, SyntheticHitsThePagingBoundaries) {
  const auto dataset = testing::default_dataset();
  ASSERT_NE(dataset, nullptr);
  std::multiset<size_t> counts;
  std::set<std::vector<std::string>> distinct;
  for (const auto& s : dataset->scopes()) {
    counts.insert(s.item_count);
    distinct.insert(s.values);
    ASSERT_EQ(s.values.size(), 3u);
  }
  EXPECT_EQ(distinct.size(), dataset->scopes().size());
  for (size_t n : {0, 1, 49, 50, 51, 99, 100, 101, 250, 5000}) {
    EXPECT_GE(counts.count(n), 1u) << "no participant with " << n << " events";
  }
  std::set<std::string> stages, sessions;
  for (const auto& s : dataset->scopes()) {
    stages.insert(s.values[0]);
    sessions.insert(s.values[1]);
  }
  EXPECT_GE(stages.size(), 3u);
  EXPECT_GE(sessions.size(), 4u);
}

TEST(MockDataset, SyntheticHasEveryEventNameErrorCodesPublishersAndSortedTimes) {
  const auto dataset = testing::default_dataset();
  const spec::Shape* event = testing::model()->find("com.amazonaws.ivsrealtime#Event");
  ASSERT_NE(event, nullptr);
  std::set<std::string> all_names, all_codes;
  for (const auto& e : event->member("name")->target->enum_values) all_names.insert(e.string_value);
  for (const auto& e : event->member("errorCode")->target->enum_values)
    all_codes.insert(e.string_value);
  std::set<std::string> names, codes;
  size_t equal_times = 0;
  for (const auto& scope : dataset->scopes()) {
    const auto* items = dataset->items(scope.values);
    ASSERT_NE(items, nullptr);
    std::optional<wire::Timestamp> previous;
    for (const auto& item : *items) {
      const std::string name = item.at("name");
      names.insert(name);
      EXPECT_EQ(item.at("participantId"), scope.values[2]);
      const bool error = name.size() > 6 && name.substr(name.size() - 6) == "_ERROR";
      EXPECT_EQ(item.contains("errorCode"), error) << item.dump();
      if (error) codes.insert(item.at("errorCode").get<std::string>());
      const bool subscribe = name.rfind("SUBSCRIBE_", 0) == 0;
      EXPECT_EQ(item.contains("remoteParticipantId"), subscribe) << item.dump();
      if (subscribe) {
        const std::string publisher = item.at("remoteParticipantId");
        EXPECT_NE(publisher, scope.values[2]);
        bool in_session = false;
        for (const auto& other : dataset->scopes()) {
          in_session =
              in_session || (other.values[0] == scope.values[0] &&
                             other.values[1] == scope.values[1] && other.values[2] == publisher);
        }
        EXPECT_TRUE(in_session) << publisher;
      }
      const auto t = wire::parse_rfc3339(item.at("eventTime").get<std::string>());
      ASSERT_TRUE(t.has_value());
      if (previous) {
        EXPECT_LE(*previous, *t);
        if (*previous == *t) ++equal_times;
      }
      previous = t;
    }
  }
  EXPECT_EQ(names, all_names);
  EXPECT_EQ(codes, all_codes);
  EXPECT_GT(equal_times, 10u);
}

TEST(MockDataset, SyntheticIsDeterministic) {
  auto a = Dataset::synthetic(operation());
  auto b = Dataset::synthetic(operation());
  ASSERT_TRUE(std::holds_alternative<Dataset>(a));
  ASSERT_TRUE(std::holds_alternative<Dataset>(b));
  EXPECT_EQ(std::get<Dataset>(a).to_json(), std::get<Dataset>(b).to_json());
}

TEST(MockDataset, DumpRoundTripsThroughLoad) {
  const auto dataset = testing::default_dataset();
  const std::string text = dataset->to_json().dump();
  auto reloaded = Dataset::load(text, "dump.json", operation());
  ASSERT_TRUE(std::holds_alternative<Dataset>(reloaded));
  EXPECT_EQ(std::get<Dataset>(reloaded).to_json(), dataset->to_json());
  EXPECT_EQ(std::get<Dataset>(reloaded).total_items(), dataset->total_items());

  auto example = Dataset::load(kIssueExample, "example.json", operation());
  ASSERT_TRUE(std::holds_alternative<Dataset>(example));
  const Json once = std::get<Dataset>(example).to_json();
  auto again = Dataset::load(once.dump(), "again.json", operation());
  ASSERT_TRUE(std::holds_alternative<Dataset>(again));
  EXPECT_EQ(std::get<Dataset>(again).to_json(), once);
}

TEST(MockDataset, EmptyNestingLevelsAreKept) {
  const std::string text =
      R"({"stages":[{"arn":"arn:aws:ivs:us-east-1:1:stage/a","sessions":[]},{"arn":"arn:aws:ivs:us-east-1:1:stage/b","sessions":[{"id":"st-a1b2c3d4e5f6g","participants":[]}]}]})";
  auto loaded = Dataset::load(text, "f.json", operation());
  ASSERT_TRUE(std::holds_alternative<Dataset>(loaded));
  EXPECT_EQ(std::get<Dataset>(loaded).to_json(), Json::parse(text));
  EXPECT_TRUE(std::get<Dataset>(loaded).scopes().empty());
}

TEST(MockDataset, SerializedItemsMatchTheItems) {
  const auto dataset = testing::default_dataset();
  for (const auto& scope : dataset->scopes()) {
    std::vector<std::string_view> views(scope.values.begin(), scope.values.end());
    const auto* serialized = dataset->serialized_items(views);
    const auto* items = dataset->items(scope.values);
    ASSERT_NE(serialized, nullptr);
    ASSERT_EQ(serialized->size(), items->size());
    for (size_t i = 0; i < items->size(); ++i)
      EXPECT_EQ(Json::parse((*serialized)[i]), (*items)[i]);
  }
  const std::vector<std::string> unknown = {testing::kStage, testing::kSession, "nobody"};
  EXPECT_EQ(dataset->items(unknown), nullptr);
}

}  // namespace
}  // namespace lpe::mock
