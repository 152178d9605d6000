#include "wire/error_encoding.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <regex>
#include <set>

namespace lpe::wire {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct ErrorCase {
  int status;
  std::string type;
  std::string message;
  std::string request_id;
  Headers headers;
  std::string body;
};

class EncodeErrorTable : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(EncodeErrorTable, EncodesExactly) {
  const ErrorCase& c = GetParam();
  const HttpResponse r = encode_error(c.status, c.type, c.message, c.request_id);
  EXPECT_EQ(r.status, c.status);
  EXPECT_EQ(r.headers, c.headers);
  EXPECT_EQ(r.body, c.body);
  const auto parsed = nlohmann::json::parse(r.body, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << r.body;
  ASSERT_TRUE(parsed.is_object());
  EXPECT_EQ(parsed.size(), 1u);
  EXPECT_TRUE(parsed.at("exceptionMessage").is_string());
}

const std::string kId = "c0ffee00-0000-4000-8000-000000000001";

Headers headers_for(std::string type, std::string id = kId) {
  return {{"Content-Type", "application/json"},
          {"x-amzn-ErrorType", std::move(type)},
          {"x-amzn-RequestId", std::move(id)}};
}

INSTANTIATE_TEST_SUITE_P(
    Cases, EncodeErrorTable,
    ::testing::Values(
        ErrorCase{
            400, "ValidationException",
            "1 validation error detected: Value 'st-1' at 'sessionId' failed to satisfy "
            "constraint: Member must have length greater than or equal to 16",
            kId, headers_for("ValidationException"),
            R"({"exceptionMessage":"1 validation error detected: Value 'st-1' at 'sessionId' )"
            R"(failed to satisfy constraint: Member must have length greater than or equal to 16"})"},
        ErrorCase{403, "MissingAuthenticationTokenException", "Missing Authentication Token", kId,
                  headers_for("MissingAuthenticationTokenException"),
                  R"({"exceptionMessage":"Missing Authentication Token"})"},
        ErrorCase{400, "ValidationException", "quote \" backslash \\ slash / tab \t newline \n",
                  kId, headers_for("ValidationException"),
                  R"({"exceptionMessage":"quote \" backslash \\ slash / tab \t newline \n"})"},
        ErrorCase{400, "ValidationException", std::string("nul \0 bell \x07 del \x7f", 18), kId,
                  headers_for("ValidationException"),
                  "{\"exceptionMessage\":\"nul \\u0000 bell \\u0007 del \x7f\"}"},
        ErrorCase{400, "ValidationException", "emoji \xF0\x9F\x98\x80 and \xC3\xA9", kId,
                  headers_for("ValidationException"),
                  "{\"exceptionMessage\":\"emoji \xF0\x9F\x98\x80 and \xC3\xA9\"}"},
        ErrorCase{400, "SerializationException", "bad utf-8 \xC3\x28 here", kId,
                  headers_for("SerializationException"),
                  "{\"exceptionMessage\":\"bad utf-8 \xEF\xBF\xBD( here\"}"},
        ErrorCase{500, "InternalServerException", "", kId, headers_for("InternalServerException"),
                  R"({"exceptionMessage":""})"},
        ErrorCase{404, "Bad\r\nX-Injected: 1", "m", "id\r\n", headers_for("BadX-Injected: 1", "id"),
                  R"({"exceptionMessage":"m"})"}));

TEST(NewRequestId, IsUuidShapedVersion4) {
  static const std::regex shape(
      "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (uint64_t seed : {uint64_t{0}, uint64_t{1}, uint64_t{42}, ~uint64_t{0}, uint64_t{1} << 63}) {
    const std::string id = new_request_id(seed);
    EXPECT_EQ(id.size(), 36u);
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
  }
}

TEST(NewRequestId, IsDeterministicAndDistinct) {
  EXPECT_EQ(new_request_id(12345), new_request_id(12345));
  std::set<std::string> seen;
  for (uint64_t i = 0; i < 20000; ++i) seen.insert(new_request_id(i));
  EXPECT_EQ(seen.size(), 20000u);
  // Consecutive counters do not give visibly consecutive ids.
  EXPECT_NE(new_request_id(1).substr(0, 8), new_request_id(2).substr(0, 8));
}

}  // namespace
}  // namespace lpe::wire
