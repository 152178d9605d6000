#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "validators/validators.h"

namespace lpe::validators {
namespace {

using nlohmann::ordered_json;

const RequestValidator& validator() {
  static const RequestValidator v = [] {
    auto model = spec::Model::bundled();
    return RequestValidator(model, model->operation().value());
  }();
  return v;
}

const std::string kArnPrefix = "arn:aws:ivs:us-east-1:123456789012:stage/";
const std::string kArn = kArnPrefix + "abcdABCD1234";
const std::string kSession = "st-a1b2c3d4e5f6g";

// A valid body with one member replaced (or removed when `value` is discarded).
std::string body_with(const std::string& member, const ordered_json& value) {
  ordered_json body = {{"stageArn", kArn}, {"sessionId", kSession}, {"participantId", "p1"}};
  if (value.is_discarded()) {
    body.erase(member);
  } else {
    body[member] = value;
  }
  return body.dump();
}

std::string cut256(const std::string& v) {
  size_t count = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    if ((static_cast<unsigned char>(v[i]) & 0xC0) != 0x80) {
      if (count == 256) return v.substr(0, i) + "...";
      ++count;
    }
  }
  return v;
}

std::string length_min(const std::string& member, const std::string& v, int n) {
  return "Value '" + cut256(v) + "' at '" + member +
         "' failed to satisfy constraint: Member must have length greater than or equal to " +
         std::to_string(n);
}
std::string length_max(const std::string& member, const std::string& v, int n) {
  return "Value '" + cut256(v) + "' at '" + member +
         "' failed to satisfy constraint: Member must have length less than or equal to " +
         std::to_string(n);
}
std::string pattern(const std::string& member, const std::string& v, const std::string& p) {
  return "Value '" + cut256(v) + "' at '" + member +
         "' failed to satisfy constraint: Member must satisfy regular expression pattern: " + p;
}
std::string not_null(const std::string& member) {
  return "Value null at '" + member + "' failed to satisfy constraint: Member must not be null";
}

const std::string kSessionPattern = "^st-[a-zA-Z0-9]+$";
const std::string kArnPattern = "^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$";
const std::string kIdPattern = "^[a-zA-Z0-9-]*$";
const std::string kTokenPattern = "^[a-zA-Z0-9+/=_-]*$";

std::string joined(const std::vector<std::string>& messages) {
  std::string out =
      std::to_string(messages.size()) +
      (messages.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  for (size_t i = 0; i < messages.size(); ++i) out += (i ? "; " : "") + messages[i];
  return out;
}

// Runs both JSON readers and checks that they agree before returning the fast verdict.
RequestVerdict validate_both(const std::string& body) {
  const auto fast = validator().validate(body, JsonReader::kFast);
  const auto dom = validator().validate(body, JsonReader::kNlohmann);
  EXPECT_EQ(fast.outcome, dom.outcome)
      << body.substr(0, 200) << "\nfast: " << fast.message << "\ndom: " << dom.message;
  EXPECT_EQ(fast.status, dom.status);
  EXPECT_EQ(fast.error_type, dom.error_type);
  if (fast.outcome != Outcome::kSerializationError) {
    EXPECT_EQ(fast.message, dom.message);
    EXPECT_EQ(fast.violations, dom.violations);
    EXPECT_EQ(fast.decoded, dom.decoded);
  }
  // validate_into with one verdict reused across every body of every test (valid, invalid and
  // unparsable bodies in turn) gives the verdict of a fresh validate.
  static RequestVerdict reused;
  validator().validate_into(body, reused);
  EXPECT_EQ(reused.outcome, fast.outcome) << body.substr(0, 200);
  EXPECT_EQ(reused.status, fast.status);
  EXPECT_EQ(reused.error_type, fast.error_type);
  EXPECT_EQ(reused.message, fast.message);
  EXPECT_EQ(reused.violations, fast.violations);
  EXPECT_EQ(reused.decoded, fast.decoded);
  return fast;
}

void expect_valid(const std::string& body) {
  const auto v = validate_both(body);
  EXPECT_EQ(v.outcome, Outcome::kAccepted) << body.substr(0, 300) << "\n" << v.message;
  EXPECT_EQ(v.status, 200);
}

void expect_validation(const std::string& body, const std::vector<std::string>& messages,
                       const std::vector<ConstraintKind>& kinds = {}) {
  const auto v = validate_both(body);
  ASSERT_EQ(v.outcome, Outcome::kValidationError) << body.substr(0, 300) << "\n" << v.message;
  EXPECT_EQ(v.status, 400);
  EXPECT_EQ(v.error_type, "ValidationException");
  EXPECT_EQ(v.message, joined(messages));
  ASSERT_EQ(v.violations.size(), messages.size());
  for (size_t i = 0; i < messages.size(); ++i) EXPECT_EQ(v.violations[i].message, messages[i]);
  for (size_t i = 0; i < kinds.size(); ++i) EXPECT_EQ(v.violations[i].constraint, kinds[i]) << i;
}

void expect_serialization(const std::string& body) {
  const auto v = validate_both(body);
  EXPECT_EQ(v.outcome, Outcome::kSerializationError) << body.substr(0, 300) << "\n" << v.message;
  EXPECT_EQ(v.status, 400);
  EXPECT_EQ(v.error_type, "SerializationException");
  EXPECT_FALSE(v.message.empty());
  EXPECT_TRUE(v.violations.empty());
}

const int kLengths[] = {0, 1, 15, 16, 17, 63, 64, 65, 127, 128, 129, 1023, 1024, 1025};

TEST(RequestLengths, ParticipantIdZeroTo64) {
  for (int n : kLengths) {
    SCOPED_TRACE(n);
    const std::string v(n, 'a');
    if (n <= 64) {
      expect_valid(body_with("participantId", v));
    } else {
      expect_validation(body_with("participantId", v), {length_max("participantId", v, 64)},
                        {ConstraintKind::kLength});
    }
  }
}

TEST(RequestLengths, NextTokenZeroTo1024) {
  for (int n : kLengths) {
    SCOPED_TRACE(n);
    const std::string v(n, 'Q');
    if (n <= 1024) {
      expect_valid(body_with("nextToken", v));
    } else {
      expect_validation(body_with("nextToken", v), {length_max("nextToken", v, 1024)});
    }
  }
}

TEST(RequestLengths, SessionIdExactly16) {
  for (int n : kLengths) {
    SCOPED_TRACE(n);
    const std::string v =
        n >= 3 ? "st-" + std::string(n - 3, 'x') : std::string("st-").substr(0, n);
    std::vector<std::string> expected;
    if (n < 16) expected.push_back(length_min("sessionId", v, 16));
    if (n > 16) expected.push_back(length_max("sessionId", v, 16));
    if (n < 4) expected.push_back(pattern("sessionId", v, kSessionPattern));
    if (expected.empty()) {
      expect_valid(body_with("sessionId", v));
    } else {
      expect_validation(body_with("sessionId", v), expected);
    }
  }
}

TEST(RequestLengths, StageArnOneTo128) {
  for (int n : kLengths) {
    SCOPED_TRACE(n);
    const int prefix = static_cast<int>(kArnPrefix.size());
    const std::string v =
        n > prefix ? kArnPrefix + std::string(n - prefix, 'z') : kArnPrefix.substr(0, n);
    std::vector<std::string> expected;
    if (n < 1) expected.push_back(length_min("stageArn", v, 1));
    if (n > 128) expected.push_back(length_max("stageArn", v, 128));
    if (n <= prefix) expected.push_back(pattern("stageArn", v, kArnPattern));
    if (expected.empty()) {
      expect_valid(body_with("stageArn", v));
    } else {
      expect_validation(body_with("stageArn", v), expected);
    }
  }
}

TEST(RequestLengths, LongValuesAreCutInMessagesAt256CodePoints) {
  const std::string v(1025, 'a');
  const auto verdict = validate_both(body_with("participantId", v));
  ASSERT_EQ(verdict.violations.size(), 1u);
  EXPECT_NE(verdict.message.find("Value '" + std::string(256, 'a') + "...' at 'participantId'"),
            std::string::npos);
}

struct RangeCase {
  const char* literal;
  int kind;  // 0 valid, 1 below min, 2 above max, 3 serialization
};

TEST(RequestRange, MaxResults) {
  const RangeCase cases[] = {{"0", 1},
                             {"1", 0},
                             {"50", 0},
                             {"100", 0},
                             {"101", 2},
                             {"-1", 1},
                             {"2147483647", 2},
                             {"-2147483648", 1},
                             {"2147483648", 3},
                             {"-2147483649", 3},
                             {"9223372036854775808", 3},
                             {"99999999999999999999999", 3},
                             {"1.0", 3},
                             {"1.5", 3},
                             {"1e2", 3},
                             {"1E2", 3},
                             {"0.5e1", 3},
                             {"\"5\"", 3},
                             {"true", 3},
                             {"false", 3},
                             {"[5]", 3},
                             {"{}", 3},
                             {"null", 0},
                             {"-0", 1}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.literal);
    std::string body = body_with("maxResults", "MARK");
    body.replace(body.find("\"MARK\""), 6, c.literal);
    const std::string shown = std::string(c.literal) == "-0" ? "0" : c.literal;
    switch (c.kind) {
      case 0:
        expect_valid(body);
        break;
      case 1:
        expect_validation(body,
                          {"Value '" + shown +
                           "' at 'maxResults' failed to satisfy constraint: "
                           "Member must have value greater than or equal to 1"},
                          {ConstraintKind::kRange});
        break;
      case 2:
        expect_validation(body, {"Value '" + shown +
                                 "' at 'maxResults' failed to satisfy constraint: "
                                 "Member must have value less than or equal to 100"});
        break;
      default:
        expect_serialization(body);
    }
  }
}

// One character of each forbidden class at the start, middle and end of otherwise valid values.
TEST(RequestPatterns, NearMissesInEveryPosition) {
  const std::vector<std::string> forbidden = {
      " ",  "!", ".", "_", "/", ":", "\xC3\xA9", "\xF0\x9F\x98\x80", "\n", std::string(1, '\0'),
      "\\", "\""};
  struct Target {
    std::string member, valid, pattern;
    std::vector<std::string> allowed;  // classes the member's pattern accepts at that spot
  };
  const std::vector<Target> targets = {
      {"participantId", "abcdefgh", kIdPattern, {}},
      {"sessionId", "st-abcdefghijklm", kSessionPattern, {}},
      {"nextToken", "abcdefgh", kTokenPattern, {"_", "/"}},
  };
  for (const auto& t : targets) {
    for (const auto& bad : forbidden) {
      if (std::find(t.allowed.begin(), t.allowed.end(), bad) != t.allowed.end()) continue;
      for (size_t pos : {size_t(0), t.valid.size() / 2, t.valid.size() - 1}) {
        if (t.member == "sessionId" && pos < 3)
          pos = 3 + pos;  // keep "st-" so only the tail differs
        std::string v = t.valid;
        v.replace(pos, 1, bad);
        SCOPED_TRACE(t.member + " pos " + std::to_string(pos) + " char " + bad);
        // Code points stay the same (R2): only the pattern fails.
        expect_validation(body_with(t.member, v), {pattern(t.member, v, t.pattern)},
                          {ConstraintKind::kPattern});
      }
    }
  }
}

TEST(RequestPatterns, StageArnNearMisses) {
  const std::vector<std::string> bad = {
      "arn:aws:ivs:US-east-1:123456789012:stage/abcd",  // uppercase region
      "arn:aws:ivs:us-east-1:12345678901a:stage/abcd",  // letter in account
      "arn:aws:ivs:us-east-1:123456789012:stage/ab_d",  // underscore in id
      "arn:aws:ivs:us-east-1:123456789012:stage/",      // empty id
      "arn:aws:ivs:us-east-1::stage/abcd",              // empty account
      "arn:aws:ivs::123456789012:stage/abcd",           // empty region
      "arn:aws:ivs:us-east-1:123456789012:channel/abcd",
      "arn:aws-cn:ivs:us-east-1:123456789012:stage/abcd",
      "xarn:aws:ivs:us-east-1:123456789012:stage/abcd",  // R1: whole value
      "arn:aws:ivs:us-east-1:123456789012:stage/abcd ",
      "arn:aws:ivs:us-east-1:123456789012:stage/abcd\n",
      "arn:aws:ivs:us-east-1:123456789012:stage/ab\xF0\x9F\x98\x80",
  };
  for (const auto& v : bad) {
    SCOPED_TRACE(v);
    expect_validation(body_with("stageArn", v), {pattern("stageArn", v, kArnPattern)});
  }
}

TEST(RequestPatterns, EmojiIsOneCodePoint) {
  // 15 ASCII + 1 emoji = 16 code points (R2): length passes, the pattern fails.
  const std::string v = "st-abcdefghijkl\xF0\x9F\x98\x80";
  expect_validation(body_with("sessionId", v), {pattern("sessionId", v, kSessionPattern)});
  // 64 emoji is length 64 for participantId: only the pattern fails.
  std::string emoji;
  for (int i = 0; i < 64; ++i) emoji += "\xF0\x9F\x98\x80";
  expect_validation(body_with("participantId", emoji),
                    {pattern("participantId", emoji, kIdPattern)});
  emoji += "\xF0\x9F\x98\x80";
  expect_validation(
      body_with("participantId", emoji),
      {length_max("participantId", emoji, 64), pattern("participantId", emoji, kIdPattern)});
}

TEST(RequestMultiple, EveryViolationInModelOrder) {
  expect_validation(
      R"({"maxResults":0})",
      {not_null("stageArn"), not_null("sessionId"), not_null("participantId"),
       "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value "
       "greater than or equal to 1"},
      {ConstraintKind::kRequired, ConstraintKind::kRequired, ConstraintKind::kRequired,
       ConstraintKind::kRange});
  // Two violations in AWS's model order (stageArn, sessionId, participantId, nextToken,
  // maxResults), whatever the body's order.
  const auto v = validate_both(
      R"({"maxResults":0,"sessionId":"st-a1b2c3d4e5f6g","participantId":"p","stageArn":null})");
  EXPECT_EQ(v.message,
            "2 validation errors detected: Value null at 'stageArn' failed to satisfy constraint: "
            "Member must not be null; Value '0' at 'maxResults' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1");
  // Several members, several violations each, in model order regardless of body order.
  expect_validation(
      R"({"stageArn":"","sessionId":"st_","participantId":"a b","nextToken":"#","maxResults":101})",
      {length_min("stageArn", "", 1), pattern("stageArn", "", kArnPattern),
       length_min("sessionId", "st_", 16), pattern("sessionId", "st_", kSessionPattern),
       pattern("participantId", "a b", kIdPattern), pattern("nextToken", "#", kTokenPattern),
       "Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than "
       "or equal to 100"});
}

TEST(RequestRequired, MissingAndNullMembers) {
  for (const std::string m : {"stageArn", "sessionId", "participantId"}) {
    expect_validation(body_with(m, ordered_json(ordered_json::value_t::discarded)), {not_null(m)},
                      {ConstraintKind::kRequired});
    expect_validation(body_with(m, nullptr), {not_null(m)});
  }
  // Empty body is {} (R6), then R4.
  for (const std::string body : {"", "   \n", "\xEF\xBB\xBF"}) {
    expect_validation(body,
                      {not_null("stageArn"), not_null("sessionId"), not_null("participantId")});
  }
  // An empty participantId is present and valid (length 0 allowed).
  expect_valid(body_with("participantId", ""));
}

TEST(RequestOptional, NullIsAbsentAndUnknownMembersIgnored) {
  auto v = validate_both(body_with("nextToken", nullptr));
  ASSERT_TRUE(v.accepted());
  EXPECT_FALSE(v.decoded.contains("nextToken"));
  v = validate_both(body_with("maxResults", nullptr));
  ASSERT_TRUE(v.accepted());
  EXPECT_FALSE(v.decoded.contains("maxResults"));
  v = validate_both(body_with("somethingNew", ordered_json{{"deep", {1, 2, {{"x", nullptr}}}}}));
  ASSERT_TRUE(v.accepted());
  EXPECT_FALSE(v.decoded.contains("somethingNew"));
  EXPECT_EQ(v.decoded.dump(), R"({"stageArn":")" + kArn +
                                  R"(","sessionId":"st-a1b2c3d4e5f6g","participantId":"p1"})");
}

TEST(RequestDuplicates, LastKeyWins) {
  const std::string base =
      R"("stageArn":")" + kArn + R"(","sessionId":")" + kSession + R"(","participantId":"p")";
  auto v = validate_both("{" + base + R"(,"maxResults":500,"maxResults":5})");
  ASSERT_TRUE(v.accepted()) << v.message;
  EXPECT_EQ(v.decoded["maxResults"], 5);
  v = validate_both("{" + base + R"(,"maxResults":5,"maxResults":500})");
  EXPECT_EQ(v.outcome, Outcome::kValidationError);
  v = validate_both("{" + base + R"(,"participantId":"bad id","participantId":"good"})");
  ASSERT_TRUE(v.accepted());
  EXPECT_EQ(v.decoded["participantId"], "good");
}

TEST(RequestSerialization, NotJsonNotObjectBadUtf8) {
  const std::string valid = body_with("participantId", "p1");
  for (const std::string& body : std::vector<std::string>{"[]",
                                                          "10",
                                                          "null",
                                                          "\"x\"",
                                                          "true",
                                                          "{",
                                                          "}",
                                                          "{} x",
                                                          "{}{}",
                                                          "{\"a\":1,}",
                                                          "{'a':1}",
                                                          "{\"a\":01}",
                                                          "{\"a\":1.}",
                                                          "{\"a\":-}",
                                                          "{\"a\":NaN}",
                                                          "{\"a\":Infinity}",
                                                          "{\"a\":1e400}",
                                                          "{\"a\" 1}",
                                                          "{\"a\":tru}",
                                                          "{\"a\":\"\\x\"}",
                                                          "{\"a\":\"\t\"}",
                                                          "{\"a\":\"\\ud800\"}",
                                                          "{\"a\":\"\\udc00\"}",
                                                          "{\"a\":\"\\ud800\\u0041\"}",
                                                          "{\"a\":\"\xFF\"}",
                                                          "{\"a\":\"\xC0\xAF\"}",
                                                          "{\"a\":\"\xED\xA0\x80\"}",
                                                          "{\"a\":\"\xF4\x90\x80\x80\"}",
                                                          "{\"a\":\"\xE2\x82\"}",
                                                          "{\"participantId\":\"p\xFF\"}",
                                                          "\xFF",
                                                          valid + "x",
                                                          "{\"participantId\":1}",
                                                          "{\"participantId\":true}",
                                                          "{\"participantId\":[\"p\"]}",
                                                          "{\"stageArn\":{}}",
                                                          "{\"nextToken\":5}"}) {
    SCOPED_TRACE(body);
    expect_serialization(body);
  }
}

TEST(RequestSerialization, DeepNestingIsAnErrorNotACrash) {
  for (const std::string prefix : {"", "{\"x\":"}) {
    std::string body =
        prefix + std::string(100000, '[') + std::string(100000, ']') + (prefix.empty() ? "" : "}");
    const auto v = validate_both(body);
    EXPECT_EQ(v.outcome, Outcome::kSerializationError);
    EXPECT_NE(v.message.find("nesting deeper than 128"), std::string::npos) << v.message;
  }
  // 128 levels are fine inside an unknown member.
  std::string ok = body_with("participantId", "p");
  ok.insert(1, "\"x\":" + std::string(127, '[') + std::string(127, ']') + ",");
  expect_valid(ok);
}

TEST(RequestUnusual, EscapesWhitespaceAndUnicodeAreDecoded) {
  auto v = validate_both(
      " \n{ \"participantId\" : \"p\\u0031\" , \"sessionId\":\"st\\u002da1b2c3d4e5f6g\",\r\n"
      "\t\"stageArn\":\"" +
      kArn + "\" } \n");
  ASSERT_TRUE(v.accepted()) << v.message;
  EXPECT_EQ(v.decoded["participantId"], "p1");
  EXPECT_EQ(v.decoded["sessionId"], kSession);
  // Surrogate pairs decode to one code point.
  v = validate_both(
      body_with("participantId", "x")
          .replace(body_with("participantId", "x").find("\"x\""), 3, "\"\\ud83d\\ude00\""));
  ASSERT_EQ(v.outcome, Outcome::kValidationError);
  EXPECT_EQ(v.violations.size(), 1u);
  EXPECT_EQ(v.violations[0].constraint, ConstraintKind::kPattern);
}

TEST(RequestVerdictJson, MatchesTheCliFormat) {
  const auto v = validator().validate(R"({"maxResults":0,"participantId":"p","sessionId":")" +
                                      kSession + R"(","stageArn":")" + kArn + "\"}");
  EXPECT_EQ(
      v.to_json().dump(),
      R"({"valid":false,"status":400,"errorType":"ValidationException","message":"1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1","violations":[{"path":"/maxResults","member":"maxResults","constraint":"range","message":"Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"}]})");
  const auto ok = validator().validate(body_with("maxResults", 5));
  EXPECT_EQ(ok.to_json().dump(), R"({"valid":true,"status":200,"request":{"stageArn":")" + kArn +
                                     R"(","sessionId":")" + kSession +
                                     R"(","participantId":"p1","maxResults":5}})");
}

}  // namespace
}  // namespace lpe::validators
