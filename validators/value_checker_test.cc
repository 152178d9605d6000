// One constraint engine: single values (dataset files, --target values) and success pages are
// judged by the same walker, presence rules (R9) included.
#include <gtest/gtest.h>

#include "validators/validators.h"

namespace lpe::validators {
namespace {

const spec::OperationView& op() {
  static const spec::OperationView view = spec::Model::bundled()->operation().value();
  return view;
}

const spec::Shape& event_shape() {
  return *op().output->member("events")->target->members.at(0).target;
}

std::vector<std::string> messages(const std::vector<ValueIssue>& issues) {
  std::vector<std::string> out;
  for (const auto& i : issues) out.push_back(i.pointer + " " + i.message);
  return out;
}

TEST(CheckValue, UsesTheR7PhrasesAndTheGivenName) {
  const spec::Member& session = *op().input->member("sessionId");
  EXPECT_TRUE(check_value(session, R"("st-a1b2c3d4e5f6g")", ValueMode::kData).empty());
  const auto issues = check_value(session, R"("st-1")", ValueMode::kData, "sessionId");
  ASSERT_EQ(issues.size(), 1u) << ::testing::PrintToString(messages(issues));
  EXPECT_EQ(issues[0].message,
            "Value 'st-1' at 'sessionId' failed to satisfy constraint: Member must have length "
            "greater than or equal to 16");
  EXPECT_EQ(issues[0].pointer, "");
  const auto typed = check_value(session, "5", ValueMode::kData);
  ASSERT_EQ(typed.size(), 1u);
  EXPECT_NE(typed[0].message.find("must be a string"), std::string::npos);
  const auto bad_json = check_value(session, "\"open", ValueMode::kData);
  ASSERT_EQ(bad_json.size(), 1u);
  EXPECT_NE(bad_json[0].message.find("not valid JSON"), std::string::npos);
}

TEST(CheckStructure, DataModeRejectsWhatTheModelDoesNotDefine) {
  const auto issues = check_structure_value(
      event_shape(),
      R"({"name":"NOT_AN_EVENT","participantId":"p1","eventTime":"2024-01-15T10:00:00Z","x":1})",
      ValueMode::kData);
  const auto text = ::testing::PrintToString(messages(issues));
  ASSERT_EQ(issues.size(), 2u) << text;
  EXPECT_NE(text.find("/name Value 'NOT_AN_EVENT' at 'name'"), std::string::npos) << text;
  EXPECT_NE(text.find("/x member 'x' is not in the model"), std::string::npos) << text;
  // The same in response mode: notes, not failures (R9: newer API versions).
  const auto notes = check_structure_value(
      event_shape(),
      R"({"name":"NOT_AN_EVENT","participantId":"p1","eventTime":"2024-01-15T10:00:00Z","x":1})",
      ValueMode::kResponse);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_TRUE(notes[0].note && notes[1].note);
}

TEST(CheckStructure, NestedMembersOfTheNewEventMembersAreChecked) {
  const auto issues = check_structure_value(
      event_shape(),
      R"({"name":"TOKEN_EXCHANGED","participantId":"p1","eventTime":"2024-01-15T10:00:00Z",
          "replica":"yes",
          "previousToken":{"capabilities":["PUBLISH","SUBSCRIBE","PUBLISH"],"attributes":{"a":1},
                           "userId":"u","expirationTime":"tomorrow"},
          "newToken":{"capabilities":["SHOUT"]}})",
      ValueMode::kResponse);
  const auto text = ::testing::PrintToString(messages(issues));
  EXPECT_NE(text.find("/replica Value at 'replica' must be a boolean"), std::string::npos) << text;
  EXPECT_NE(text.find("/previousToken/capabilities Value '[PUBLISH, SUBSCRIBE, PUBLISH]' at "
                      "'previousToken.capabilities' failed to satisfy constraint: Member must have "
                      "length less than or equal to 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("/previousToken/attributes/a Value at 'previousToken.attributes.a' must be "
                      "a string"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("/previousToken/expirationTime Value 'tomorrow'"), std::string::npos) << text;
  EXPECT_NE(text.find("/newToken/capabilities/0 value 'SHOUT'"), std::string::npos) << text;
}

// Presence rules each way: present where excluded is a failure, absent where expected a should.
TEST(Presence, EachWay) {
  const auto excluded = check_structure_value(
      event_shape(),
      R"({"name":"JOINED","participantId":"p1","eventTime":"2024-01-15T10:00:00Z",
          "errorCode":"QUOTA_EXCEEDED","destinationSessionId":"st-a1b2c3d4e5f6g"})",
      ValueMode::kResponse);
  const auto text = ::testing::PrintToString(messages(excluded));
  ASSERT_EQ(excluded.size(), 2u) << text;
  EXPECT_FALSE(excluded[0].note || excluded[0].should);
  EXPECT_NE(excluded[0].message.find("member 'errorCode' is present, but it belongs only where "
                                     "'name' matches _ERROR$, here 'JOINED'"),
            std::string::npos)
      << text;
  EXPECT_EQ(excluded[1].pointer, "/destinationSessionId");

  const auto expected = check_structure_value(
      event_shape(),
      R"({"name":"SUBSCRIBE_ERROR","participantId":"p1","eventTime":"2024-01-15T10:00:00Z",
          "remoteParticipantId":"p2"})",
      ValueMode::kResponse);
  ASSERT_EQ(expected.size(), 1u) << ::testing::PrintToString(messages(expected));
  EXPECT_TRUE(expected[0].should);
  EXPECT_EQ(expected[0].pointer, "/errorCode");
  EXPECT_NE(expected[0].message.find("is absent, but it is expected"), std::string::npos);

  // An event name the model does not know (a newer API version) is outside every rule: only
  // the note about the name itself.
  const auto newer = check_structure_value(
      event_shape(),
      R"({"name":"PUBLISH_ERROR_V2","participantId":"p1","eventTime":"2024-01-15T10:00:00Z",
          "errorCode":"QUOTA_EXCEEDED"})",
      ValueMode::kResponse);
  ASSERT_EQ(newer.size(), 1u) << ::testing::PrintToString(messages(newer));
  EXPECT_TRUE(newer[0].note);
  EXPECT_EQ(newer[0].pointer, "/name");

  // replica may appear on any event; all members of a TOKEN_EXCHANGED event in place.
  EXPECT_TRUE(check_structure_value(event_shape(),
                                    R"({"name":"TOKEN_EXCHANGED","participantId":"p1",
                      "eventTime":"2024-01-15T10:00:00.250Z","replica":true,
                      "previousToken":{"capabilities":["PUBLISH"],"attributes":{},"userId":"",
                                       "expirationTime":"2024-01-16T10:00:00Z"},
                      "newToken":{"capabilities":[]}})",
                                    ValueMode::kData)
                  .empty());
  // Requests never carry presence rules' members; a null optional counts as absent.
  EXPECT_TRUE(check_structure_value(
                  event_shape(),
                  R"({"name":"JOINED","participantId":"p1","eventTime":"2024-01-15T10:00:00Z",
                      "errorCode":null})",
                  ValueMode::kData)
                  .empty());
}

TEST(Presence, ResponseCheckerReportsThemUnderR9) {
  const ResponseChecker checker(spec::Model::bundled(), op());
  wire::HttpResponse response;
  response.status = 200;
  response.headers = {{"Content-Type", "application/json"}, {"x-amzn-RequestId", "r"}};
  response.body =
      R"({"events":[{"name":"LEFT","participantId":"p","eventTime":"2024-01-15T10:00:00Z",
          "remoteParticipantId":"p2"},
         {"name":"REPLICATION_STARTED","participantId":"p","eventTime":"2024-01-15T10:00:00Z",
          "destinationStageArn":"arn:aws:ivs:us-east-1:1:stage/x"}]})";
  const auto findings = checker.check(response);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].rule, spec::Rule::kR9Presence);
  EXPECT_EQ(findings[0].severity, spec::Severity::kMust);
  EXPECT_EQ(findings[0].path, "/events/0/remoteParticipantId");
  EXPECT_EQ(findings[1].rule, spec::Rule::kR9PresenceExpected);
  EXPECT_EQ(findings[1].severity, spec::Severity::kShould);
  EXPECT_EQ(findings[1].path, "/events/1/destinationSessionId");
}

}  // namespace
}  // namespace lpe::validators
