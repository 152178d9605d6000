// The mock's dataset: the default synthetic dataset's promises, the fixture format, its
// validation errors (file, JSON pointer, what is wrong) and the dump round trip.
#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "mock/mock_test_support.h"
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
  if (loaded.ok()) return {};
  return loaded.error();
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
  ASSERT_TRUE(loaded.ok()) << loaded.error().front().to_string();
  const Dataset& d = *loaded;
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
  ASSERT_TRUE(loaded.ok());
  const auto scopes = loaded->scopes();
  const auto* items = loaded->items(scopes[0].values);
  EXPECT_EQ((*items)[0].dump(),
            R"({"name":"LEFT","participantId":"other","eventTime":"2024-01-01T00:00:00.500Z"})");
}

TEST(MockDataset, FileOrderIsKeptEvenWhenNotSortedByTime) {
  auto loaded = Dataset::load(with_event(R"({"name":"LEFT","eventTime":"2024-01-02T00:00:00Z"},
                                            {"name":"JOINED","eventTime":"2024-01-01T00:00:00Z"})"),
                              "f.json", operation());
  ASSERT_TRUE(loaded.ok());
  const auto& d = *loaded;
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
      // Scope values and events are judged by the validators' engine, in its R7 phrases.
      {R"({"stages":[{"arn":"arn:aws:ivs:us-east-1:1:stage/a b","sessions":[]}]})",
       "fixture.json: at /stages/0/arn: Value 'arn:aws:ivs:us-east-1:1:stage/a b' at 'stageArn' "
       "failed to satisfy constraint: Member must satisfy regular expression pattern: "
       "^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$"},
      {R"({"stages":[{"arn":5,"sessions":[]}]})",
       "fixture.json: at /stages/0/arn: Value at 'stageArn' must be a string, got a number 5"},
      {R"({"stages":[{"arn":"arn:aws:ivs:us-east-1:1:stage/a","sessions":[{"id":"st-1","participants":[]}]}]})",
       "fixture.json: at /stages/0/sessions/0/id: Value 'st-1' at 'sessionId' failed to satisfy "
       "constraint: Member must have length greater than or equal to 16"},
      {R"({"stages":[{"arn":"arn:aws:ivs:us-east-1:1:stage/a","sessions":[{"id":"st-a1b2c3d4e5f6g","participants":[{"id":"p_1","events":[]}]}]}]})",
       "fixture.json: at /stages/0/sessions/0/participants/0/id: Value 'p_1' at 'participantId' "
       "failed to satisfy constraint: Member must satisfy regular expression pattern: "
       "^[a-zA-Z0-9-]*$"},
      {R"({"stages":[{"arn":"arn:aws:ivs:us-east-1:1:stage/a","sessions":[{"id":"st-a1b2c3d4e5f6g","participants":[{"events":[]}]}]}]})",
       "fixture.json: at /stages/0/sessions/0/participants/0: missing 'id' (the participantId "
       "value)"},
      {R"({"stages":[{"arn":"arn:aws:ivs:us-east-1:1:stage/a","sessions":[{"id":"st-a1b2c3d4e5f6g","participants":[{"id":"p"}]}]}]})",
       "fixture.json: at /stages/0/sessions/0/participants/0: missing 'events' (a JSON array)"},
      {with_event(R"({"name":"JOINED2","eventTime":"2024-01-01T00:00:00Z"})"),
       "fixture.json: at /stages/0/sessions/0/participants/0/events/0/name: Value 'JOINED2' at "
       "'name' failed to satisfy constraint: Member must satisfy enum value set: [JOINED, LEFT,"},
      {with_event(R"({"name":"JOINED","eventTime":"2024-01-01T00:00:00"})"),
       "fixture.json: at /stages/0/sessions/0/participants/0/events/0/eventTime: Value "
       "'2024-01-01T00:00:00' at 'eventTime' is not an RFC 3339 UTC date-time"},
      {with_event(R"({"name":"JOINED","eventTime":"2024-01-01T00:00:00+02:00"})"),
       "/events/0/eventTime: Value '2024-01-01T00:00:00+02:00' at 'eventTime' is not an RFC 3339 "
       "UTC date-time"},
      // The model tags eventTime date-time: an epoch number is wrong here as in responses.
      {with_event(R"({"name":"JOINED","eventTime":1704067200})"),
       "/events/0/eventTime: Value at 'eventTime' must be an RFC 3339 date-time string, got a "
       "number 1704067200"},
      {with_event(
           R"({"name":"PUBLISH_ERROR","eventTime":"2024-01-01T00:00:00Z","errorCode":"OOPS"})"),
       "/events/0/errorCode: Value 'OOPS' at 'errorCode' failed to satisfy constraint: Member "
       "must satisfy enum value set: [INSUFFICIENT_CAPABILITIES,"},
      {with_event(
           R"({"name":"JOINED","eventTime":"2024-01-01T00:00:00Z","remoteParticipantID":"x"})"),
       "fixture.json: at /stages/0/sessions/0/participants/0/events/0/remoteParticipantID: member "
       "'remoteParticipantID' is not in the model"},
      {with_event(R"("JOINED")"),
       "fixture.json: at /stages/0/sessions/0/participants/0/events/0: Value at '<root>' must be "
       "an object, got a string \"JOINED\""},
      {with_event(R"({"name":5})"),
       "/events/0/name: Value at 'name' must be a string, got a number 5"},
      {with_event(R"({"name":"SUBSCRIBE_STARTED","remoteParticipantId":"x/y"})"),
       "/events/0/remoteParticipantId: Value 'x/y' at 'remoteParticipantId' failed to satisfy "
       "constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9-]*$"},
      {with_event(R"({"name":"LEFT","replica":"yes"})"),
       "fixture.json: at /stages/0/sessions/0/participants/0/events/0/replica: Value at 'replica' "
       "must be a boolean, got a string \"yes\""},
      // The participant id an event takes by default is checked like any other value.
      {with_event(R"({"name":"LEFT","participantId":"p_2"})"),
       "/events/0/participantId: Value 'p_2' at 'participantId' failed to satisfy constraint"},
  };
  for (const auto& c : cases) {
    const std::string got = only_error(c.text);
    EXPECT_NE(got.find(c.expected), std::string::npos)
        << "got:      " << got << "\nexpected: " << c.expected;
  }
}

// The errors of `text`, one "pointer message" line each.
std::vector<std::string> error_lines(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& e : load_errors(text)) out.push_back(e.pointer + " " + e.message);
  return out;
}

constexpr const char* kEventPointer = "/stages/0/sessions/0/participants/0/events/0";

// Presence rules of the model's overlay (R9) hold both ways in data files: a member where its
// rule excludes it, and a member missing where its rule expects it, are errors with the pointer.
TEST(MockDataset, PresenceRulesAreErrorsEachWay) {
  const std::string at = kEventPointer;
  EXPECT_EQ(
      error_lines(with_event(
          R"({"name":"JOINED","eventTime":"2024-01-01T00:00:00Z","errorCode":"QUOTA_EXCEEDED"})")),
      std::vector<std::string>{at + "/errorCode member 'errorCode' is present, but it belongs "
                                    "only where 'name' matches _ERROR$, here 'JOINED'"});
  EXPECT_EQ(
      error_lines(with_event(R"({"name":"SUBSCRIBE_STARTED","eventTime":"2024-01-01T00:00:00Z"})")),
      std::vector<std::string>{at + "/remoteParticipantId member 'remoteParticipantId' is "
                                    "absent, but it is expected where 'name' matches "
                                    "^SUBSCRIBE_, here 'SUBSCRIBE_STARTED'"});
  const auto replication = error_lines(with_event(
      R"({"name":"REPLICATION_STARTED","destinationStageArn":"arn:aws:ivs:us-east-1:1:stage/b"})"));
  ASSERT_EQ(replication.size(), 1u) << ::testing::PrintToString(replication);
  EXPECT_EQ(replication[0].rfind(at + "/destinationSessionId member 'destinationSessionId' is "
                                      "absent, but it is expected where 'name' matches "
                                      "^REPLICATION_",
                                 0),
            0u)
      << replication[0];
  const auto token = error_lines(with_event(
      R"({"name":"LEFT","previousToken":{"capabilities":[]},"newToken":{"capabilities":[]}})"));
  ASSERT_EQ(token.size(), 2u) << ::testing::PrintToString(token);
  EXPECT_EQ(token[0].rfind(at + "/previousToken member 'previousToken' is present", 0), 0u);
  EXPECT_EQ(token[1].rfind(at + "/newToken member 'newToken' is present", 0), 0u);
  // A null optional member is absent, so it never breaks a rule.
  EXPECT_TRUE(load_errors(with_event(R"({"name":"LEFT","errorCode":null})")).empty());
}

TEST(MockDataset, NestedMembersOfTokensAreCheckedWithExactPointers) {
  const std::string at = kEventPointer;
  const auto lines = error_lines(with_event(R"({"name":"TOKEN_EXCHANGED","replica":"yes",
      "previousToken":{"capabilities":["PUBLISH","SUBSCRIBE","PUBLISH"],"attributes":{"a":1},
                       "userId":"u","expirationTime":"2024-01-02T00:00:00"},
      "newToken":{"capabilities":["SHOUT"],"role":"x"}})"));
  EXPECT_EQ(lines,
            (std::vector<std::string>{
                at + "/replica Value at 'replica' must be a boolean, got a string \"yes\"",
                at + "/previousToken/capabilities Value '[PUBLISH, SUBSCRIBE, PUBLISH]' at "
                     "'previousToken.capabilities' failed to satisfy constraint: Member must have "
                     "length less than or equal to 2",
                at + "/previousToken/attributes/a Value at 'previousToken.attributes.a' must be a "
                     "string, got a number 1",
                at + "/previousToken/expirationTime Value '2024-01-02T00:00:00' at "
                     "'previousToken.expirationTime' is not an RFC 3339 UTC date-time "
                     "(YYYY-MM-DDThh:mm:ss[.fff]Z): missing 'Z' (the time must be UTC)",
                at + "/newToken/role member 'newToken.role' is not in the model",
                at + "/newToken/capabilities/0 Value 'SHOUT' at 'newToken.capabilities.0' failed "
                     "to satisfy constraint: Member must satisfy enum value set: [PUBLISH, "
                     "SUBSCRIBE]"}))
      << ::testing::PrintToString(lines);
  // userId: at most 128 code points (R2: an emoji is one).
  std::string user;
  for (int i = 0; i < 128; ++i) user += "\xF0\x9F\x98\x80";
  const std::string event = R"({"name":"TOKEN_EXCHANGED","previousToken":{"userId":")" + user +
                            R"("},"newToken":{"userId":")" + user + R"(x"}})";
  const auto long_user = error_lines(with_event(event));
  ASSERT_EQ(long_user.size(), 1u) << ::testing::PrintToString(long_user);
  EXPECT_EQ(long_user[0].rfind(at + "/newToken/userId Value '", 0), 0u);
  EXPECT_NE(long_user[0].find("Member must have length less than or equal to 128"),
            std::string::npos);
}

TEST(MockDataset, EveryMemberIsServedInModelOrderWithCanonicalTimes) {
  auto loaded = Dataset::load(with_event(R"({"newToken":{"expirationTime":"2024-01-02T00:00:00.5Z",
      "userId":"","attributes":{},"capabilities":["SUBSCRIBE","PUBLISH"]},
      "previousToken":{"capabilities":[]},"replica":false,"eventTime":"2024-01-01T00:00:00.000Z",
      "name":"TOKEN_EXCHANGED"})"),
                              "f.json", operation());
  ASSERT_TRUE(loaded.ok()) << loaded.error().front().to_string();
  const auto& d = *loaded;
  const auto* items = d.items(d.scopes()[0].values);
  EXPECT_EQ(
      (*items)[0].dump(),
      R"({"name":"TOKEN_EXCHANGED","participantId":"p1","eventTime":"2024-01-01T00:00:00Z","replica":false,"previousToken":{"capabilities":[]},"newToken":{"capabilities":["SUBSCRIBE","PUBLISH"],"attributes":{},"userId":"","expirationTime":"2024-01-02T00:00:00.500Z"}})");
}

// A NUL byte is an error with its position: the text after it is never silently dropped (the
// JSON reader would take it for the end of the input).
TEST(MockDataset, NulBytesAreErrorsWithTheirPosition) {
  const std::string valid = with_event(R"({"name":"LEFT"})");
  std::string text = valid;
  text.insert(text.find("LEFT"), std::string("\0", 1));
  EXPECT_EQ(only_error(text), "fixture.json: not valid JSON: a NUL byte at line 1, column " +
                                  std::to_string(valid.find("LEFT") + 1) +
                                  " (JSON text never holds one)");
  // After the document: the rest is not ignored.
  const std::string trailing = valid + "\n  " + std::string("\0", 1) + "garbage";
  EXPECT_EQ(only_error(trailing),
            "fixture.json: not valid JSON: a NUL byte at line 2, column 3 (JSON text never holds "
            "one)");
}

TEST(MockDataset, DeepNestingIsAnErrorNotACrash) {
  // In a file: refused before it is read, with the position (an item may nest 128 levels, the
  // format itself 8).
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::string text = with_event(R"({"name":"LEFT","x":)" + deep + "}");
  EXPECT_EQ(only_error(text),
            "fixture.json: not valid JSON: nested deeper than 136 levels at "
            "line 1, column " +
                std::to_string(text.find('[', text.find("\"x\"")) + 128));
  const std::string arn = std::string(130, '[') + std::string(130, ']');
  EXPECT_EQ(error_lines(R"({"stages":[{"arn":)" + arn + R"(,"sessions":[]}]})"),
            std::vector<std::string>{"/stages/0/arn nested deeper than 128 levels"});
  // In memory (Dataset::from_json): never copied nor dumped.
  Json document = Json::parse(with_event(R"({"name":"LEFT","x":null})"));
  Json* innermost = &document["stages"][0]["sessions"][0]["participants"][0]["events"][0]["x"];
  for (int i = 0; i < 100000; ++i) {
    *innermost = Json::array({nullptr});
    innermost = &(*innermost)[0];
  }
  auto loaded = Dataset::from_json(document, "memory", operation());
  ASSERT_FALSE(loaded.ok());
  const auto& errors = loaded.error();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].to_string(),
            "memory: at " + std::string(kEventPointer) + ": nested deeper than 128 levels");
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
  EXPECT_TRUE(loaded.ok());
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
      ASSERT_TRUE(t.ok());
      if (previous) {
        EXPECT_LE(*previous, *t);
        if (*previous == *t) ++equal_times;
      }
      previous = *t;
    }
  }
  EXPECT_EQ(names, all_names);
  EXPECT_EQ(codes, all_codes);
  EXPECT_GT(equal_times, 10u);
}

// The built-in dataset carries all of the model's Event members, each where the presence rules
// put it and with a meaning: every event names its participant, replication events another
// stage and one of its sessions, token exchanges two different tokens expiring after the event,
// and the replica flag is true, false and absent. Every event passes the one engine.
TEST(MockDataset, SyntheticEventsCarryEveryMemberMeaningfully) {
  const auto dataset = testing::default_dataset();
  ASSERT_NE(dataset, nullptr);
  const spec::Shape& event =
      *testing::operation().output->member("events")->target->members.at(0).target;
  std::map<std::string, std::set<std::string>> sessions_of;
  for (const auto& scope : dataset->scopes()) sessions_of[scope.values[0]].insert(scope.values[1]);
  std::set<std::string> members_seen;
  std::map<std::string, size_t> replica;
  size_t exchanges = 0, replications = 0;
  for (const auto& scope : dataset->scopes()) {
    for (const auto& item : *dataset->items(scope.values)) {
      const std::string text = item.dump();
      for (const auto mode : {validators::ValueMode::kData, validators::ValueMode::kResponse}) {
        const auto issues = validators::check_structure_value(event, text, mode);
        EXPECT_TRUE(issues.empty()) << text << ": " << issues.front().message;
      }
      for (auto it = item.begin(); it != item.end(); ++it) members_seen.insert(it.key());
      EXPECT_EQ(item.at("participantId"), scope.values[2]) << text;
      const std::string name = item.at("name");
      replica[item.contains("replica") ? item.at("replica").dump() : "absent"] += 1;
      const bool replication = name.rfind("REPLICATION_", 0) == 0;
      EXPECT_EQ(item.contains("destinationStageArn"), replication) << text;
      EXPECT_EQ(item.contains("destinationSessionId"), replication) << text;
      if (replication) {
        ++replications;
        const std::string stage = item.at("destinationStageArn");
        EXPECT_NE(stage, scope.values[0]) << text;
        ASSERT_EQ(sessions_of.count(stage), 1u) << text;
        EXPECT_EQ(sessions_of[stage].count(item.at("destinationSessionId").get<std::string>()), 1u)
            << text;
      }
      const bool exchange = name == "TOKEN_EXCHANGED";
      EXPECT_EQ(item.contains("previousToken"), exchange) << text;
      EXPECT_EQ(item.contains("newToken"), exchange) << text;
      if (exchange) {
        ++exchanges;
        const auto at = wire::parse_rfc3339(item.at("eventTime").get<std::string>());
        std::optional<wire::Timestamp> previous_expiry;
        for (const char* token : {"previousToken", "newToken"}) {
          const Json& t = item.at(token);
          EXPECT_TRUE(t.at("capabilities").is_array()) << text;
          EXPECT_LE(t.at("capabilities").size(), 2u) << text;
          EXPECT_FALSE(t.at("attributes").empty()) << text;
          EXPECT_EQ(t.at("userId"), "user-" + scope.values[2]) << text;
          const auto expiry = wire::parse_rfc3339(t.at("expirationTime").get<std::string>());
          ASSERT_TRUE(at && expiry) << text;
          EXPECT_GT(*expiry, *at) << text;
          if (previous_expiry) {
            EXPECT_GT(*expiry, *previous_expiry) << text;
          }
          previous_expiry = *expiry;
        }
        EXPECT_NE(item.at("previousToken"), item.at("newToken")) << text;
      }
    }
  }
  std::set<std::string> all_members;
  for (const auto& m : event.members) all_members.insert(m.name);
  EXPECT_EQ(members_seen, all_members);
  EXPECT_EQ(all_members.size(), 10u);
  EXPECT_GT(replica["true"], 0u);
  EXPECT_GT(replica["false"], 0u);
  EXPECT_GT(replica["absent"], 0u);
  EXPECT_GT(exchanges, 100u);
  EXPECT_GT(replications, 200u);
}

// tests/data/conform-small.json, the --data fixture of the conform tests, loads and carries the
// new Event members.
TEST(MockDataset, TheConformFixtureCarriesTheNewMembers) {
  const std::string path = std::string(LPE_TEST_DATA) + "/conform-small.json";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path;
  std::ostringstream text;
  text << in.rdbuf();
  auto loaded = Dataset::load(text.str(), path, operation());
  ASSERT_TRUE(loaded.ok()) << loaded.error().front().to_string();
  const Dataset& d = *loaded;
  std::set<std::string> members;
  for (const auto& scope : d.scopes()) {
    for (const auto& item : *d.items(scope.values)) {
      for (auto it = item.begin(); it != item.end(); ++it) members.insert(it.key());
      EXPECT_EQ(item.at("participantId"), scope.values[2]);
    }
  }
  EXPECT_EQ(members.size(), 10u) << ::testing::PrintToString(members);
  EXPECT_EQ(d.total_items(), 185u);
}

TEST(MockDataset, SyntheticIsDeterministic) {
  auto a = Dataset::synthetic(operation());
  auto b = Dataset::synthetic(operation());
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->to_json(), b->to_json());
}

TEST(MockDataset, DumpRoundTripsThroughLoad) {
  const auto dataset = testing::default_dataset();
  const std::string text = dataset->to_json().dump();
  auto reloaded = Dataset::load(text, "dump.json", operation());
  ASSERT_TRUE(reloaded.ok());
  EXPECT_EQ(reloaded->to_json(), dataset->to_json());
  EXPECT_EQ(reloaded->total_items(), dataset->total_items());

  auto example = Dataset::load(kIssueExample, "example.json", operation());
  ASSERT_TRUE(example.ok());
  const Json once = example->to_json();
  auto again = Dataset::load(once.dump(), "again.json", operation());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->to_json(), once);
}

TEST(MockDataset, EmptyNestingLevelsAreKept) {
  const std::string text =
      R"({"stages":[{"arn":"arn:aws:ivs:us-east-1:1:stage/a","sessions":[]},{"arn":"arn:aws:ivs:us-east-1:1:stage/b","sessions":[{"id":"st-a1b2c3d4e5f6g","participants":[]}]}]})";
  auto loaded = Dataset::load(text, "f.json", operation());
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->to_json(), Json::parse(text));
  EXPECT_TRUE(loaded->scopes().empty());
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
