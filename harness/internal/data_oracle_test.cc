// The data oracle (expected_data): what counts as the same item, and what a finding says; the
// token positions and scope variants the token checks use.
#include "harness/internal/data_oracle.h"

#include <gtest/gtest.h>

#include "harness/internal/tokens.h"

namespace lpe::harness::internal {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kStage = "arn:aws:ivs:us-east-1:123456789012:stage/confA1";
constexpr const char* kSession = "st-confSessionA1";

const spec::OperationView& operation() {
  static const auto model = spec::Model::bundled();
  static const auto op = model->operation().value();
  return op;
}

const spec::Shape& item() { return *item_shape_of(operation()); }

Target target_with(std::vector<Json> items) {
  return Target({kStage, kSession, "pOne"},
                std::make_shared<const std::vector<Json>>(std::move(items)));
}

const Json kJoined = {{"name", "JOINED"}, {"eventTime", "2024-03-01T12:00:00Z"}};
const Json kLeft = {{"name", "LEFT"}, {"eventTime", "2024-03-01T12:00:01Z"}};
const Json kPublished = {{"name", "PUBLISH_STARTED"}, {"eventTime", "2024-03-01T12:00:02Z"}};

// An item as an endpoint serves it: participantId and replica filled in.
std::string served(Json event, const char* participant = "pOne") {
  event["participantId"] = participant;
  event["replica"] = false;
  return event.dump();
}

TEST(DataOracle, ComparesWhatTheModelDefinesNotTheBytes) {
  DataOracle oracle(operation(), item(), target_with({kJoined}));
  // Members in another order, the default written out, the time with milliseconds, a member a
  // newer API version adds: the same item.
  const std::string same =
      R"({"replica":false,"eventTime":"2024-03-01T12:00:00.000Z","participantId":"pOne",)"
      R"("name":"JOINED","futureMember":1})";
  EXPECT_EQ(oracle.difference({same}, {0}, "walking"), std::nullopt);
  EXPECT_EQ(oracle.difference({served(kJoined)}, {0}, "walking"), std::nullopt);
  // The echoed participantId is filled from the target on the declared side only.
  EXPECT_EQ(
      oracle.difference({served(kJoined, "pTwo")}, {0}, "walking"),
      "walking gives 1 items, the data declares 1: item 0 (page 1) differs in "
      "participantId: expected \"pOne\", got \"pTwo\" (expected item "
      "{\"eventTime\":\"2024-03-01T12:00:00Z\",\"name\":\"JOINED\",\"participantId\":\"pOne\","
      "\"replica\":false})");
}

TEST(DataOracle, SaysWhichItemDiffersAndHow) {
  DataOracle oracle(operation(), item(), target_with({kJoined, kLeft, kPublished}));
  const auto a = served(kJoined), b = served(kLeft), c = served(kPublished);
  EXPECT_EQ(oracle.difference({a, b, c}, {0, 2}, "w"), std::nullopt);
  // Missing, extra, moved, changed, cut short.
  EXPECT_EQ(oracle.difference({a, c}, {0, 1}, "w")
                .value_or("")
                .rfind("w gives 2 items, the data declares 3: item 1 of the data is missing ({", 0),
            0u);
  EXPECT_EQ(
      oracle.difference({a, b, b, c}, {0, 2}, "w")
          .value_or("")
          .rfind("w gives 4 items, the data declares 3: item 2 (page 2) is not in the data ({", 0),
      0u);
  const auto moved = oracle.difference({a, c, b}, {0, 2}, "w").value_or("");
  EXPECT_EQ(moved.rfind("w gives 3 items, the data declares 3: item 1 (page 1) differs in "
                        "eventTime and name: expected \"2024-03-01T12:00:01Z\", got "
                        "\"2024-03-01T12:00:02Z\"",
                        0),
            0u)
      << moved;
  EXPECT_NE(moved.find("; the same items in another order"), std::string::npos) << moved;
  Json later = kLeft;
  later["eventTime"] = "2024-03-01T12:00:01.001Z";
  const auto changed = oracle.difference({a, served(later), c}, {0}, "w").value_or("");
  EXPECT_EQ(changed.rfind("w gives 3 items, the data declares 3: item 1 (page 1) differs in "
                          "eventTime: expected \"2024-03-01T12:00:01Z\", got "
                          "\"2024-03-01T12:00:01.001Z\"",
                          0),
            0u)
      << changed;
  EXPECT_EQ(changed.find("another order"), std::string::npos);
  EXPECT_EQ(
      oracle.difference({a}, {0}, "w")
          .value_or("")
          .rfind("w gives 1 items, the data declares 3: it ends before item 1 of the data", 0),
      0u);
  DataOracle empty(operation(), item(), target_with({}));
  EXPECT_EQ(empty.difference({a}, {0}, "w"),
            "w gives 1 items, the data declares 0: item 0 (page 1) and later ones are not in the "
            "data");
}

TEST(DataOracle, NestedTimestampsAndDefaultsToo) {
  const Json exchanged = {{"name", "TOKEN_EXCHANGED"},
                          {"eventTime", "2024-03-01T12:00:00Z"},
                          {"previousToken", {{"expirationTime", "2024-03-02T00:00:00Z"}}},
                          {"newToken", {{"expirationTime", "2024-03-03T00:00:00Z"}}}};
  DataOracle oracle(operation(), item(), target_with({exchanged}));
  Json got = exchanged;
  got["previousToken"]["expirationTime"] = "2024-03-02T00:00:00.000Z";
  EXPECT_EQ(oracle.difference({served(got)}, {0}, "w"), std::nullopt);
  got["newToken"]["expirationTime"] = "2024-03-03T00:00:01Z";
  EXPECT_NE(oracle.difference({served(got)}, {0}, "w"), std::nullopt);
}

TEST(TokenProbes, FirstMiddleAndLastTokenOnce) {
  EXPECT_EQ(probe_positions(0), std::vector<size_t>{});
  EXPECT_EQ(probe_positions(1), std::vector<size_t>{0});
  EXPECT_EQ(probe_positions(2), (std::vector<size_t>{0, 1}));
  EXPECT_EQ(probe_positions(7), (std::vector<size_t>{0, 3, 6}));
}

TEST(TokenProbes, ScopeVariantsStayValidWhenTheyCan) {
  const auto& scope = operation().list_scope;
  using Variants = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(scope_variants(*scope[2], "pEight"), (Variants{{"its case changed", "pEighT"},
                                                           {"one character changed", "pEighu"},
                                                           {"a character appended", "pEightx"}}));
  // A session id has exactly 16 characters: an appended one makes it invalid, and the label says
  // so (the endpoint may then refuse the value itself, the same ValidationException).
  EXPECT_EQ(scope_variants(*scope[1], "st-confSession19"),
            (Variants{{"its case changed", "st-confSessioN19"},
                      {"one character changed", "st-confSession18"},
                      {"a character appended (not a valid sessionId)", "st-confSession19x"}}));
  // The ARN's case-restricted parts are skipped for a variant the pattern allows.
  EXPECT_EQ(scope_variants(*scope[0], kStage).front(),
            (std::pair<std::string, std::string>{
                "its case changed", "arn:aws:ivs:us-east-1:123456789012:stage/confa1"}));
  // Nothing to change case or characters of: only the appended variant.
  EXPECT_EQ(scope_variants(*scope[2], ""), (Variants{{"a character appended", "x"}}));
}

}  // namespace
}  // namespace lpe::harness::internal
