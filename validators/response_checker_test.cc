#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "validators/validators.h"

namespace lpe::validators {
namespace {

const ResponseChecker& checker() {
  static const ResponseChecker c = [] {
    auto model = spec::Model::bundled();
    return ResponseChecker(model, model->operation().value());
  }();
  return c;
}

wire::HttpResponse ok(std::string body) {
  return {
      200, {{"Content-Type", "application/json"}, {"x-amzn-RequestId", "r-1"}}, std::move(body)};
}

wire::HttpResponse error(int status, std::string type, std::string body) {
  wire::HttpResponse r{
      status, {{"Content-Type", "application/json"}, {"x-amzn-RequestId", "r-1"}}, std::move(body)};
  if (!type.empty()) r.headers.emplace_back("x-amzn-ErrorType", std::move(type));
  return r;
}

const std::string kEvents =
    R"([{"name":"JOINED","participantId":"p1","eventTime":"2024-01-01T00:00:00Z"},)"
    R"({"name":"SUBSCRIBE_STARTED","participantId":"p1","eventTime":"2024-01-01T00:00:01.250Z","remoteParticipantId":"p2"},)"
    R"({"name":"PUBLISH_ERROR","participantId":"p1","eventTime":"2024-01-01T00:00:02Z","errorCode":"BITRATE_EXCEEDED"}])";

// The diagnostics reduced to "rule@path:severity" strings, for exact comparison.
std::vector<std::string> summary(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics) {
    out.push_back(std::string(to_string(d.rule)) + "@" + d.path + ":" +
                  std::string(to_string(d.severity)));
  }
  return out;
}

using Summary = std::vector<std::string>;

TEST(ResponseSuccess, CorrectPagesHaveNoFindings) {
  EXPECT_EQ(summary(checker().check(ok(R"({"events":)" + kEvents + "}"))), Summary{});
  EXPECT_EQ(summary(checker().check(ok(R"({"events":[],"nextToken":"abc+/=_-"})"))), Summary{});
  EXPECT_EQ(summary(checker().check(ok(R"({"events":[]})"))), Summary{});
}

struct SuccessCase {
  const char* name;
  std::string body;
  Summary expected;
};

class ResponseSuccessBreaks : public ::testing::TestWithParam<SuccessCase> {};

TEST_P(ResponseSuccessBreaks, GiveExactFindings) {
  EXPECT_EQ(summary(checker().check(ok(GetParam().body))), GetParam().expected);
}

std::string event(const std::string& members) {
  return R"({"events":[{"name":"JOINED","participantId":"p1",)" + members + "}]}";
}

INSTANTIATE_TEST_SUITE_P(
    R9, ResponseSuccessBreaks,
    ::testing::Values(
        SuccessCase{"missing_events", "{}", {"R9.required@/events:must"}},
        SuccessCase{"null_events", R"({"events":null})", {"R9.required@/events:must"}},
        SuccessCase{"events_not_array", R"({"events":{}})", {"R9.type@/events:must"}},
        SuccessCase{"events_string", R"({"events":"[]"})", {"R9.type@/events:must"}},
        SuccessCase{"not_json", "<html>", {"R9.json@:must"}},
        SuccessCase{"empty_body", "", {"R9.json@:must"}},
        SuccessCase{"array_body", "[]", {"R9.json@:must"}},
        SuccessCase{"no_offset",
                    event(R"("eventTime":"2024-01-01T00:00:00")"),
                    {"R9.timestamp_format@/events/0/eventTime:must"}},
        SuccessCase{"plus_offset",
                    event(R"("eventTime":"2024-01-01T01:00:00+01:00")"),
                    {"R9.timestamp_format@/events/0/eventTime:must"}},
        SuccessCase{"epoch_number",
                    event(R"("eventTime":1704067200)"),
                    {"R9.type@/events/0/eventTime:must"}},
        SuccessCase{"epoch_string",
                    event(R"("eventTime":"1704067200")"),
                    {"R9.timestamp_format@/events/0/eventTime:must"}},
        SuccessCase{"space_separator",
                    event(R"("eventTime":"2024-01-01 00:00:00Z")"),
                    {"R9.timestamp_format@/events/0/eventTime:must"}},
        SuccessCase{
            "unknown_name",
            R"({"events":[{"name":"TELEPORTED","participantId":"p","eventTime":"2024-01-01T00:00:00Z"}]})",
            {"R9.unknown_enum_value@/events/0/name:note"}},
        SuccessCase{"unknown_error_code",
                    event(R"("eventTime":"2024-01-01T00:00:00Z","errorCode":"NEW_CODE")"),
                    {"R9.unknown_enum_value@/events/0/errorCode:note",
                     "R9.presence@/events/0/errorCode:must"}},
        SuccessCase{
            "newer_members",
            event(R"("eventTime":"2024-01-01T00:00:00Z","destinationRegion":"x","shiny":true)"),
            {"R9.unknown_member@/events/0/destinationRegion:note",
             "R9.unknown_member@/events/0/shiny:note"}},
        SuccessCase{"replica_not_boolean",
                    event(R"("eventTime":"2024-01-01T00:00:00Z","replica":"yes")"),
                    {"R9.type@/events/0/replica:must"}},
        SuccessCase{"replication_member_on_join",
                    event(R"("eventTime":"2024-01-01T00:00:00Z","destinationStageArn":"arn")"),
                    {"R9.constraint@/events/0/destinationStageArn:must",
                     "R9.presence@/events/0/destinationStageArn:must"}},
        SuccessCase{"top_unknown",
                    R"({"events":[],"previousToken":"x"})",
                    {"R9.unknown_member@/previousToken:note"}},
        SuccessCase{"token_pattern",
                    R"({"events":[],"nextToken":"abc def"})",
                    {"R10.token_format@/nextToken:must"}},
        SuccessCase{"token_length",
                    R"({"events":[],"nextToken":")" + std::string(1025, 'a') + "\"}",
                    {"R10.token_format@/nextToken:must"}},
        SuccessCase{"token_type", R"({"events":[],"nextToken":5})", {"R9.type@/nextToken:must"}},
        SuccessCase{
            "null_token", R"({"events":[],"nextToken":null})", {"R9.null_member@/nextToken:note"}},
        SuccessCase{"participant_pattern",
                    event(R"("eventTime":"2024-01-01T00:00:00Z","remoteParticipantId":"a b")"),
                    {"R9.constraint@/events/0/remoteParticipantId:must",
                     "R9.presence@/events/0/remoteParticipantId:must"}},
        SuccessCase{"event_not_object", R"({"events":[5]})", {"R9.type@/events/0:must"}},
        SuccessCase{"null_event", R"({"events":[null]})", {"R9.required@/events/0:must"}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ResponseSuccess, HeadersAreShouldFindings) {
  wire::HttpResponse r{200, {}, R"({"events":[]})"};
  EXPECT_EQ(summary(checker().check(r)), (Summary{"R8.request_id@header:x-amzn-RequestId:should",
                                                  "R9.content_type@header:Content-Type:should"}));
  r.headers = {{"content-type", "application/json; charset=utf-8"}, {"X-AMZN-REQUESTID", "x"}};
  EXPECT_EQ(summary(checker().check(r)), Summary{});
  r.status = 201;
  EXPECT_EQ(summary(checker().check(r)), Summary{"R9.status@status:must"});
}

TEST(ResponseError, CorrectErrorsHaveNoFindings) {
  EXPECT_EQ(
      summary(checker().check(error(400, "ValidationException", R"({"exceptionMessage":"bad"})"))),
      Summary{});
  EXPECT_EQ(summary(checker().check(error(403, "AccessDeniedException:http://internal/",
                                          R"({"exceptionMessage":"no"})"))),
            Summary{});
  EXPECT_EQ(summary(checker().check(error(400, "SerializationException", R"({"message":"bad"})"))),
            Summary{});
  EXPECT_EQ(summary(checker().check(
                error(415, "UnsupportedMediaTypeException", R"({"exceptionMessage":"x"})"))),
            Summary{});
  EXPECT_EQ(summary(checker().check(error(403, "InvalidSignatureException", R"({"message":"x"})"))),
            Summary{});
  // AWS's model declares no InternalServerException for this operation: a 500 with it is named
  // as unknown (a should); not_a_server_error judges the 5xx itself.
  EXPECT_EQ(summary(checker().check(
                error(500, "InternalServerException", R"({"exceptionMessage":"x"})"))),
            Summary{"R8.unknown_error_type@header:x-amzn-ErrorType:should"});
}

TEST(ResponseError, Breaks) {
  // No x-amzn-ErrorType, type in the body: a should; nothing at all: a must.
  EXPECT_EQ(summary(checker().check(
                error(400, "", R"({"code":"ValidationException","exceptionMessage":"m"})"))),
            Summary{"R8.error_type_header@header:x-amzn-ErrorType:should"});
  EXPECT_EQ(
      summary(checker().check(error(
          400, "",
          R"({"__type":"com.amazonaws.ivsrealtime#ValidationException","exceptionMessage":"m"})"))),
      Summary{"R8.error_type_header@header:x-amzn-ErrorType:should"});
  EXPECT_EQ(summary(checker().check(error(400, "", R"({"exceptionMessage":"m"})"))),
            Summary{"R8.error_type@header:x-amzn-ErrorType:must"});
  // Body not an object.
  EXPECT_EQ(summary(checker().check(error(400, "ValidationException", R"("bad")"))),
            Summary{"R8.body@:must"});
  EXPECT_EQ(summary(checker().check(error(400, "ValidationException", "oops"))),
            Summary{"R8.body@:must"});
  EXPECT_EQ(summary(checker().check(error(400, "", "oops"))),
            (Summary{"R8.body@:must", "R8.error_type@header:x-amzn-ErrorType:must"}));
  // Wrong status for the type.
  EXPECT_EQ(
      summary(checker().check(error(500, "ValidationException", R"({"exceptionMessage":"m"})"))),
      Summary{"R8.status@status:must"});
  // A protocol error's status is ours, not AWS's model: a different one is a should (AWS answers
  // ThrottlingException with 400 or 429).
  EXPECT_EQ(summary(checker().check(error(400, "ThrottlingException", R"({"message":"slow"})"))),
            Summary{"R8.protocol_error_status@status:should"});
  // Unknown type and missing message.
  EXPECT_EQ(summary(checker().check(error(400, "ValidationError", R"({"exceptionMessage":"m"})"))),
            Summary{"R8.unknown_error_type@header:x-amzn-ErrorType:should"});
  // An error the operation declares in AWS's model carries the member its structure defines
  // (R8: {"exceptionMessage": ...}): a must.
  EXPECT_EQ(summary(checker().check(error(400, "ValidationException", "{}"))),
            Summary{"R8.message@/exceptionMessage:must"});
  EXPECT_EQ(summary(checker().check(error(400, "ValidationException", R"({"message":"m"})"))),
            Summary{"R8.message@/exceptionMessage:must"});
  // Other errors: the SDKs' names do, a missing one is a should.
  EXPECT_EQ(summary(checker().check(error(400, "SerializationException", "{}"))),
            Summary{"R8.message@/exceptionMessage:should"});
}

TEST(ResponseError, BodiesInAnotherMediaType) {
  auto text = [](int status, std::string type, std::string body) {
    wire::HttpResponse r = error(status, std::move(type), std::move(body));
    r.headers[0].second = "text/plain";
    return r;
  };
  // A model error whose body is not a JSON object is a must whatever its Content-Type (R8).
  EXPECT_EQ(summary(checker().check(text(400, "ValidationException", "bad value"))),
            (Summary{"R8.content_type@header:Content-Type:should", "R8.body@:must"}));
  // Another error in another media type: the Content-Type finding says it, a should.
  EXPECT_EQ(summary(checker().check(text(404, "UnknownOperationException", "<x/>"))),
            (Summary{"R8.content_type@header:Content-Type:should", "R8.body@:should"}));
  // ... but announced as JSON it must be a JSON object.
  EXPECT_EQ(summary(checker().check(error(404, "UnknownOperationException", "<x/>"))),
            Summary{"R8.body@:must"});
}

TEST(ErrorTypeResolution, HeaderThenCodeThenType) {
  auto r = error(400, "aws#A:suffix", R"({"code":"B","__type":"C"})");
  EXPECT_EQ(resolve_error_type(r).name, "A");
  r = error(400, "", R"({"code":"ns#B","__type":"C"})");
  EXPECT_EQ(resolve_error_type(r).name, "B");
  EXPECT_EQ(resolve_error_type(r).source, wire::ErrorTypeSource::kBodyCode);
  r = error(400, "", R"({"__type":"ns.x#C:http://x"})");
  EXPECT_EQ(resolve_error_type(r).name, "C");
  r = error(400, "", "[]");
  EXPECT_EQ(resolve_error_type(r).source, wire::ErrorTypeSource::kNone);
}

TEST(ItemMembers, OneValuePerItemOnlyTheMemberAsked) {
  using Json = nlohmann::ordered_json;
  const auto got = item_members(
      R"({"events":[{"participantId":"p1","n":1},{"n":2},7,{"participantId":{"x":[1]}},)"
      R"({"participantId":"\u00e9\"","participantId":12}],"nextToken":"t"})",
      "events", "participantId");
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->size(), 5u);
  EXPECT_EQ((*got)[0], Json("p1"));
  EXPECT_FALSE((*got)[1].has_value());  // no such member
  EXPECT_FALSE((*got)[2].has_value());  // not an object
  EXPECT_EQ((*got)[3], Json::parse(R"({"x":[1]})"));
  EXPECT_EQ((*got)[4], Json(12));  // duplicate keys: the last wins
  // No items array, or no JSON object: nothing to compare.
  EXPECT_FALSE(item_members(R"({"events":{}})", "events", "participantId").has_value());
  EXPECT_FALSE(item_members(R"([1])", "events", "participantId").has_value());
  EXPECT_FALSE(item_members("not json", "events", "participantId").has_value());
  EXPECT_TRUE(item_members(R"({"events":[]})", "events", "participantId")->empty());
}

TEST(ObjectMembers, KeepsOnlyTheNamedMembers) {
  using Json = nlohmann::ordered_json;
  const auto got =
      object_members(R"({"a":"x","b":[1,2],"c":1.5e3,"a":"y","d":null})", {"a", "c", "d"});
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, Json::parse(R"({"a":"y","c":1.5e3,"d":null})"));
  EXPECT_FALSE(object_members("[]", {"a"}).has_value());
  EXPECT_FALSE(object_members("{", {"a"}).has_value());
}

// The one-line form `lpe validate response` prints: where, then what.
TEST(RawHttp, TextFormCarriesTheLine) {
  const auto parsed = wire::parse_http_response("HTTP/1.1 200 OK\r\nA: b\r\nbad line\r\n\r\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().to_string().rfind("line 3: expected a header", 0), 0u)
      << parsed.error().to_string();
}

}  // namespace
}  // namespace lpe::validators
