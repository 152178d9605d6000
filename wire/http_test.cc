#include "wire/http.h"

#include <gtest/gtest.h>

#include "wire/media_type.h"
#include "wire/text.h"

namespace lpe::wire {
namespace {

TEST(Headers, LookupIgnoresCaseAndKeepsWireOrder) {
  HeaderList headers = {{"Content-Type", "a"}, {"x-amz-date", "1"}, {"X-Amz-Date", "2"}};
  EXPECT_EQ(find_header(headers, "content-type"), "a");
  EXPECT_EQ(find_header(headers, "X-AMZ-DATE"), "1");
  EXPECT_FALSE(find_header(headers, "Host").has_value());
  EXPECT_EQ(header_values(headers, "x-amz-date"), (std::vector<std::string_view>{"1", "2"}));
  remove_headers(headers, "X-Amz-Date");
  EXPECT_EQ(headers, (HeaderList{{"Content-Type", "a"}}));
  const HttpRequest request{"POST", "/p", {{"Host", "h"}}, ""};
  EXPECT_EQ(request.header("HOST"), "h");
  const HttpResponse response{200, {{"Content-Length", "0"}}, ""};
  EXPECT_EQ(response.header("content-length"), "0");
}

TEST(Headers, Tokens) {
  EXPECT_TRUE(is_token("X-Amz-Date"));
  EXPECT_TRUE(is_token("!#$%&'*+-.^_`|~09azAZ"));
  EXPECT_FALSE(is_token(""));
  EXPECT_FALSE(is_token("a b"));
  EXPECT_FALSE(is_token("a:b"));
  EXPECT_FALSE(is_token("caf\xc3\xa9"));
}

TEST(RawHttp, ParsesStatusHeadersAndBody) {
  auto parsed = parse_http_response(
      "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nx-amzn-ErrorType:  "
      "ValidationException \r\n"
      "Content-Length: 25\r\n\r\n{\"exceptionMessage\":\"m\"}\nTRAILING");
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_EQ(parsed->status, 400);
  EXPECT_EQ(parsed->header("X-Amzn-Errortype"), "ValidationException");
  EXPECT_EQ(parsed->body, "{\"exceptionMessage\":\"m\"}\n");
  parsed = parse_http_response(
      "HTTP/1.1 200 OK\nTransfer-Encoding: "
      "chunked\n\n5\r\n{\"eve\r\n8;x=y\r\nnts\":[]}\r\n0\r\n\r\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_EQ(parsed->body, "{\"events\":[]}");
  parsed = parse_http_response("HTTP/2 204\r\nA:\tb \r\r\n\r\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_EQ(parsed->status, 204);
  EXPECT_EQ(parsed->headers, (HeaderList{{"A", "b"}}));
  EXPECT_EQ(parsed->body, "");
}

TEST(RawHttp, ErrorsSayWhatAndWhere) {
  const struct {
    const char* raw;
    const char* where;
    const char* message_start;
  } cases[] = {
      {"", "line 1", "empty input"},
      {"HTTP/1.1\r\n\r\n", "line 1", "expected a 3-digit status code"},
      {"HTTP/1.1 99 X\r\n\r\n", "line 1", "expected a 3-digit status code"},
      {"GET / HTTP/1.1\r\n\r\n", "line 1", "expected a status line starting with 'HTTP/1.1'"},
      {"HTTP/1.1 200 OK\r\nA: b\r\nNoColon\r\n\r\n", "line 3", "expected a header 'Name: value'"},
      {"HTTP/1.1 200 OK\r\n: v\r\n\r\n", "line 2", "expected a header 'Name: value'"},
      {"HTTP/1.1 200 OK\r\nA: b\r\n", "", "no blank line after the headers"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "", "Content-Length says 10 bytes"},
      {"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\nabc", "", "Content-Length 'x' is not"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "",
       "chunked body: bad chunk size 'zz'"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nabc", "",
       "chunked body: chunk longer than the data"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "",
       "chunked body: missing chunk size line"},
  };
  for (const auto& c : cases) {
    const auto parsed = parse_http_response(c.raw);
    ASSERT_FALSE(parsed.ok()) << c.raw;
    EXPECT_EQ(parsed.error().where, c.where) << c.raw;
    EXPECT_EQ(parsed.error().message.rfind(c.message_start, 0), 0u)
        << c.raw << " -> " << parsed.error().message;
  }
  std::string many = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 1001; ++i) many += "A: b\r\n";
  const auto parsed = parse_http_response(many + "\r\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message, "more than 1000 header lines");
}

TEST(MediaType, JsonWithParameters) {
  EXPECT_TRUE(is_json_media_type("application/json"));
  EXPECT_TRUE(is_json_media_type("Application/JSON; charset=utf-8"));
  EXPECT_TRUE(is_json_media_type(" application/json ;"));
  EXPECT_FALSE(is_json_media_type("application/x-amz-json-1.1"));
  EXPECT_FALSE(is_json_media_type("text/plain"));
  EXPECT_FALSE(is_json_media_type(""));
  EXPECT_EQ(media_type("Application/JSON; charset=utf-8"), "application/json");
  EXPECT_EQ(media_type("text/plain"), "text/plain");
  EXPECT_EQ(media_type(""), "");
}

TEST(Text, CaseTrimSplitJoin) {
  EXPECT_TRUE(iequals("Content-Length", "content-LENGTH"));
  EXPECT_FALSE(iequals("a", "ab"));
  EXPECT_FALSE(iequals("\xc3\xa9", "\xc3\x89"));  // ASCII only
  EXPECT_EQ(to_lower("X-Amz-Date\xc3\x89"), "x-amz-date\xc3\x89");
  EXPECT_EQ(trim(" \ta b\t "), "a b");
  EXPECT_EQ(trim("\r\n x \v", kWhitespace), "x");
  EXPECT_EQ(trim("\r x "), "\r x");
  EXPECT_EQ(trim_left("  x  "), "x  ");
  EXPECT_EQ(trim_right("  x  "), "  x");
  EXPECT_EQ(trim("   "), "");
  EXPECT_EQ(split("a,,b", ','), (std::vector<std::string_view>{"a", "", "b"}));
  EXPECT_EQ(split("", ','), (std::vector<std::string_view>{""}));
  EXPECT_EQ(split("a;", ';'), (std::vector<std::string_view>{"a", ""}));
  const std::vector<std::string> parts = {"host", "x-amz-date"};
  EXPECT_EQ(join(parts, ";"), "host;x-amz-date");
  EXPECT_EQ(join(std::vector<std::string>{}, ";"), "");
  EXPECT_EQ(join({"a", "", "b"}, "/"), "a//b");
}

TEST(Text, PrintableAndTerminalEscaping) {
  EXPECT_EQ(printable_ascii("a\nb\x1b", 10), "a?b?");
  EXPECT_EQ(printable_ascii("abcdef", 3), "abc...");
  EXPECT_EQ(escape_for_terminal("a\x1b[31m\n"), "a\\x1b[31m\n");
  EXPECT_EQ(escape_for_terminal("a\n", false), "a\\x0a");
  EXPECT_EQ(escape_for_terminal("\xc2\x9b\xff"), "\\u{9b}\\xff");
  EXPECT_EQ(escape_json_for_terminal("\"\x7f\xc2\x85\""), "\"\\u007f\\u0085\"");
  uint32_t cp = 0;
  EXPECT_EQ(utf8_sequence("\xe2\x82\xac", 0, cp), 3u);
  EXPECT_EQ(cp, 0x20acu);
  EXPECT_EQ(utf8_sequence("\xc0\x80", 0, cp), 0u);      // overlong
  EXPECT_EQ(utf8_sequence("\xed\xa0\x80", 0, cp), 0u);  // surrogate
}

}  // namespace
}  // namespace lpe::wire
