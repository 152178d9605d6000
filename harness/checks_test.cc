// --target values and --targets-file datasets: both forms of a target, every way a value or a
// file can be wrong, and the message that says where.
#include <gtest/gtest.h>

#include "harness/harness.h"

namespace lpe::harness {
namespace {

constexpr const char* kStage = "arn:aws:ivs:us-east-1:123456789012:stage/confA1";
constexpr const char* kSession = "st-confSessionA1";

const spec::OperationView& operation() {
  static const auto model = spec::Model::bundled();
  static const auto op = model->operation().value();
  return op;
}

std::string error_of(const Result<Target>& parsed) {
  return parsed ? "(parsed)" : parsed.error().to_string();
}

TEST(ParseTarget, PlainValuesInListScopeOrder) {
  const auto parsed = parse_target(operation(), std::string(kStage) + "," + kSession + ",pOne");
  ASSERT_TRUE(parsed.ok()) << error_of(parsed);
  const auto& t = *parsed;
  EXPECT_EQ(t.scope_values, (std::vector<std::string>{kStage, kSession, "pOne"}));
  EXPECT_EQ(t.label(), std::string(kStage) + "," + kSession + ",pOne");
}

TEST(ParseTarget, NamedValuesInAnyOrderGiveTheSameTarget) {
  const auto parsed = parse_target(
      operation(), std::string("participantId=pOne,sessionId=") + kSession + ",stageArn=" + kStage);
  ASSERT_TRUE(parsed.ok()) << error_of(parsed);
  EXPECT_EQ(parsed->scope_values, (std::vector<std::string>{kStage, kSession, "pOne"}));
}

TEST(ParseTarget, WrongShapesSayWhatWasExpected) {
  EXPECT_EQ(error_of(parse_target(operation(), std::string(kStage) + "," + kSession)),
            "--target '" + std::string(kStage) + "," + kSession +
                "': expected 3 comma-separated values (stageArn,sessionId,participantId)");
  EXPECT_EQ(error_of(parse_target(operation(), "stageArn=x,sessionId")),
            "--target 'stageArn=x,sessionId': mix of name=value and plain values");
  EXPECT_EQ(error_of(parse_target(operation(), "stage=x,sessionId=y,participantId=z")),
            "--target: unknown member 'stage' (expected stageArn,sessionId,participantId)");
  EXPECT_EQ(error_of(parse_target(operation(), "stageArn=x,stageArn=y,participantId=z")),
            "--target: member 'stageArn' given twice");
  EXPECT_EQ(
      error_of(parse_target(operation(), std::string("stageArn=") + kStage + ",participantId=z")),
      "--target: missing sessionId (expected stageArn,sessionId,participantId)");
}

TEST(ParseTarget, ValuesAreCheckedAgainstTheirMembersConstraints) {
  // sessionId has a minimum length in AWS's model; participantId has a pattern.
  const std::string short_session =
      error_of(parse_target(operation(), std::string(kStage) + ",st-1,pOne"));
  EXPECT_EQ(short_session.rfind("--target value is not a valid sessionId: ", 0), 0u)
      << short_session;
  EXPECT_NE(short_session.find("Member must have length greater than or equal to 16"),
            std::string::npos)
      << short_session;
  const std::string bad_participant =
      error_of(parse_target(operation(), std::string(kStage) + "," + kSession + ",p one"));
  EXPECT_EQ(bad_participant.rfind("--target value is not a valid participantId: ", 0), 0u)
      << bad_participant;
  EXPECT_NE(bad_participant.find("regular expression pattern"), std::string::npos)
      << bad_participant;
  // Invalid UTF-8 is said so, not thrown.
  EXPECT_EQ(error_of(parse_target(operation(), std::string(kStage) + "," + kSession + ",p\xff")),
            "--target value is not a valid participantId: the value is not valid UTF-8");
}

nlohmann::ordered_json dataset(nlohmann::ordered_json participants) {
  return {
      {"stages",
       {{{"arn", kStage}, {"sessions", {{{"id", kSession}, {"participants", participants}}}}}}}};
}

std::string dataset_error(const nlohmann::ordered_json& data) {
  const auto read = targets_from_dataset(operation(), data, "d.json");
  return read ? "(read)" : read.error().to_string();
}

TEST(TargetsFromDataset, OneTargetPerParticipantInFileOrder) {
  const auto read = targets_from_dataset(
      operation(),
      dataset({{{"id", "pOne"}}, {{"id", "pTwo"}, {"events", nlohmann::json::array()}}}), "d.json");
  ASSERT_TRUE(read.ok());
  const auto& targets = *read;
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0].scope_values, (std::vector<std::string>{kStage, kSession, "pOne"}));
  EXPECT_EQ(targets[1].label(), std::string(kStage) + "," + kSession + ",pTwo");
}

TEST(TargetsFromDataset, EventsBecomeTheExpectedItems) {
  const nlohmann::ordered_json joined = {{"name", "JOINED"}, {"eventTime", "2024-03-01T12:00:00Z"}};
  const auto read = targets_from_dataset(
      operation(), dataset({{{"id", "pOne"}, {"events", {joined}}}, {{"id", "pTwo"}}}), "d.json");
  ASSERT_TRUE(read.ok());
  ASSERT_NE((*read)[0].expected_items, nullptr);
  EXPECT_EQ(*(*read)[0].expected_items, std::vector<nlohmann::ordered_json>{joined});
  // No "events": nothing is declared (not an empty list).
  EXPECT_EQ((*read)[1].expected_items, nullptr);
}

TEST(TargetsFromDataset, EventsMustBeItemsOfTheModel) {
  EXPECT_EQ(dataset_error(dataset({{{"id", "pOne"}, {"events", "none"}}})),
            "d.json: at /stages/0/sessions/0/participants/0/events: expected an array of events");
  const std::string e = dataset_error(
      dataset({{{"id", "pOne"},
                {"events",
                 {{{"name", "JOINED"}, {"eventTime", "2024-03-01T12:00:00Z"}},
                  {{"name", "NO_SUCH_EVENT"}, {"eventTime", "2024-03-01T12:00:00Z"}}}}}}));
  EXPECT_EQ(e.rfind("d.json: at /stages/0/sessions/0/participants/0/events/1/name: ", 0), 0u) << e;
  const std::string unknown = dataset_error(
      dataset({{{"id", "pOne"}, {"events", {{{"name", "JOINED"}, {"colour", "red"}}}}}}));
  EXPECT_NE(unknown.find("/events/0/colour: member 'colour' is not in the model"),
            std::string::npos)
      << unknown;
}

TEST(TargetsFromDataset, ErrorsNameTheFileAndThePlace) {
  EXPECT_EQ(dataset_error({{"stage", nlohmann::json::array()}}),
            "d.json: at : expected an array \"stages\"");
  EXPECT_EQ(dataset_error(dataset({{{"id", "pOne"}}, {{"id", 7}}})),
            "d.json: at /stages/0/sessions/0/participants/1: expected a string \"id\"");
  EXPECT_EQ(dataset_error(dataset(nlohmann::json::array())), "d.json: no participants");
  nlohmann::ordered_json bad_session = dataset({{{"id", "pOne"}}});
  bad_session["stages"][0]["sessions"][0]["id"] = "st-1";
  const std::string e = dataset_error(bad_session);
  EXPECT_EQ(e.rfind("d.json: at /stages/0/sessions/0/id: not a valid sessionId: ", 0), 0u) << e;
}

}  // namespace
}  // namespace lpe::harness
