// --replay files are untrusted: every field of every line is checked with a "file:line: field:
// what" error, nothing in them can split a request, lines and counts are bounded.
#include "harness/internal/replay_file.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace lpe::harness::internal {
namespace {

const std::string kGood =
    R"({"check":"negative_data_rejection","target":"a,b,c","exchange":{"request":{"method":"POST",)"
    R"("path":"/ListParticipantEvents","headers":{"Host":"127.0.0.1:1","Content-Type":"application/json",)"
    R"("Authorization":"***","X-Amz-Date":"20260101T000000Z"},"body":"{}"},"response":{"status":400}},)"
    R"("expectation":{"check":"negative_data_rejection","status":400,"errorType":"ValidationException",)"
    R"("violations":[{"member":"stageArn","constraint":"required"}]}})";

std::string error_of(const std::string& text, const ReplayLimits& limits = {}) {
  const auto parsed = parse_replay(text, "rec.jsonl", limits);
  return parsed ? "" : parsed.error().to_string();
}

std::string with(const std::string& from, const std::string& to) {
  std::string s = kGood;
  const auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return s.replace(pos, from.size(), to);
}

TEST(ReplayFile, ReadsARecordedCase) {
  const auto parsed = parse_replay("\n" + kGood + "\r\n\n", "rec.jsonl");
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  const auto& cases = *parsed;
  ASSERT_EQ(cases.size(), 1u);
  const auto& c = cases[0];
  EXPECT_EQ(c.line, 2u);
  EXPECT_EQ(c.method, "POST");
  EXPECT_EQ(c.path, "/ListParticipantEvents");
  EXPECT_EQ(c.body, "{}");
  EXPECT_EQ(c.status, 400);
  EXPECT_EQ(c.error_type, "ValidationException");
  EXPECT_EQ(c.check, "negative_data_rejection");
  EXPECT_EQ(c.target, "a,b,c");
  // Host, Authorization and x-amz-* are made afresh; the rest is sent again.
  ASSERT_EQ(c.headers.size(), 1u);
  EXPECT_EQ(c.headers[0].first, "Content-Type");
}

TEST(ReplayFile, WrongTypesAreErrorsNamingLineAndField) {
  const std::pair<std::string, std::string> cases[] = {
      {"[1,2]", "rec.jsonl:1: line: must be a JSON object, got an array"},
      {"{not json", "rec.jsonl:1: not a JSON value"},
      {with(R"("check":"negative_data_rejection","target")", R"("check":5,"target")"),
       "rec.jsonl:1: check: must be a string, got an integer"},
      {with(R"("target":"a,b,c")", R"("target":["a"])"),
       "rec.jsonl:1: target: must be a string, got an array"},
      {with(R"("exchange":{"request":)", R"("exchange":{"req":)"),
       "rec.jsonl:1: exchange.request: missing"},
      {with(R"("exchange":{)", R"("exchange":7,"x":{)"),
       "rec.jsonl:1: exchange: must be an object, got an integer"},
      {with(R"("method":"POST")", R"("method":1)"),
       "rec.jsonl:1: exchange.request.method: must be a string, got an integer"},
      {with(R"("method":"POST")", R"("method":null)"),
       "rec.jsonl:1: exchange.request.method: must be a string, got null"},
      {with(R"("path":"/ListParticipantEvents")", R"("path":{})"),
       "rec.jsonl:1: exchange.request.path: must be a string, got an object"},
      {with(R"("body":"{}")", R"("body":{})"),
       "rec.jsonl:1: exchange.request.body: must be a string, got an object"},
      {with(R"("Content-Type":"application/json")", R"("Content-Type":1.5)"),
       "rec.jsonl:1: exchange.request.headers.Content-Type: must be a string, got a number"},
      {with(R"("headers":{)", R"("headers":["x"],"h":{)"),
       "rec.jsonl:1: exchange.request.headers: must be an object of strings, got an array"},
      {with(R"("status":400,"e)", R"("status":"400","e)"),
       "rec.jsonl:1: expectation.status: must be an integer, got a string"},
      {with(R"("status":400,"e)", R"("status":4.5,"e)"),
       "rec.jsonl:1: expectation.status: must be an integer, got a number with a fraction"},
      {with(R"("status":400,"e)", R"("status":99999999999999,"e)"),
       "rec.jsonl:1: expectation.status: 99999999999999 is not an HTTP status"},
      {with(R"("status":400,"e)", R"("e)"), "rec.jsonl:1: expectation.status: missing"},
      {with(R"("errorType":"ValidationException")", R"("errorType":true)"),
       "rec.jsonl:1: expectation.errorType: must be a string, got a boolean"},
      {with(R"("expectation":{"check":"negative_data_rejection")",
            R"("expectation":{"check":"no_such_check")"),
       "rec.jsonl:1: expectation.check: unknown check 'no_such_check'"},
      {with(R"("violations":[{"member":"stageArn","constraint":"required"}])",
            R"("violations":{})"),
       "rec.jsonl:1: expectation.violations: must be an array, got an object"},
  };
  for (const auto& [text, phrase] : cases) {
    const std::string error = error_of(text);
    EXPECT_EQ(error.rfind(phrase, 0), 0u) << "got: " << error << "\nwant: " << phrase;
  }
  EXPECT_EQ(error_of(kGood + "\n" + with(R"("status":400,"e)", R"("status":[],"e)"))
                .rfind("rec.jsonl:2: expectation.status: must be an integer, got an array", 0),
            0u);
  EXPECT_EQ(error_of(""), "rec.jsonl: no recorded cases");
}

TEST(ReplayFile, NothingCanSplitARequest) {
  const std::pair<std::string, std::string> cases[] = {
      {with(R"("method":"POST")", R"("method":"POST /x HTTP/1.1\r\nHost: evil\r\n\r\nGET")"),
       "rec.jsonl:1: exchange.request.method: not an HTTP method token (control character 0x0d)"},
      {with(R"("method":"POST")", R"("method":"GET /")"),
       "rec.jsonl:1: exchange.request.method: not an HTTP method token"},
      {with(R"("method":"POST")", R"("method":"")"),
       "rec.jsonl:1: exchange.request.method: not an HTTP method token"},
      {with(R"("application/json")", R"("application/json\r\nX-Injected: 1")"),
       "rec.jsonl:1: exchange.request.headers.Content-Type: control character 0x0d in the value"},
      {with(R"("application/json")", R"("a\nb")"),
       "rec.jsonl:1: exchange.request.headers.Content-Type: control character 0x0a"},
      {with(R"("application/json")", R"("a\u0000b")"),
       "rec.jsonl:1: exchange.request.headers.Content-Type: control character 0x00"},
      {with(R"("Content-Type":)", R"("X-A\r\nB":"1","Content-Type":)"),
       "rec.jsonl:1: exchange.request.headers: header name '(with control character 0x0d)' is "
       "not an HTTP token"},
      {with(R"("Content-Type":)", R"("Bad Name":"1","Content-Type":)"),
       "rec.jsonl:1: exchange.request.headers: header name 'Bad Name' is not an HTTP token"},
      {with(R"("Content-Type":)", R"("Content-Length":"5","Content-Type":)"),
       "rec.jsonl:1: exchange.request.headers.Content-Length: a framing header"},
      {with(R"("Content-Type":)", R"("transfer-encoding":"chunked","Content-Type":)"),
       "rec.jsonl:1: exchange.request.headers.transfer-encoding: a framing header"},
      {with(R"("path":"/ListParticipantEvents")", R"("path":"/x HTTP/1.1\r\n")"),
       "rec.jsonl:1: exchange.request.path: must start with '/'"},
      {with(R"("target":"a,b,c")", R"("target":"a\u001b[31m")"),
       "rec.jsonl:1: target: control character 0x1b"},
  };
  for (const auto& [text, phrase] : cases) {
    const std::string error = error_of(text);
    EXPECT_EQ(error.rfind(phrase, 0), 0u) << "got: " << error << "\nwant: " << phrase;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    EXPECT_EQ(error.find('\r'), std::string::npos) << error;
  }
  // A TAB inside a header value is legal HTTP.
  EXPECT_EQ(error_of(with(R"("application/json")", R"("application/json;\tq=1")")), "");
}

TEST(ReplayFile, LinesAndCountsAreBounded) {
  ReplayLimits limits;
  limits.max_line_bytes = 1000;
  limits.max_cases = 2;
  EXPECT_EQ(error_of(std::string(2000, ' ') + kGood, limits),
            "rec.jsonl:1: line longer than 1000 bytes");
  EXPECT_EQ(error_of(kGood + "\n" + kGood + "\n" + kGood, limits),
            "rec.jsonl:3: more than 2 recorded cases");
  limits = {};
  limits.max_headers = 2;
  EXPECT_EQ(error_of(kGood, limits).rfind("rec.jsonl:1: exchange.request.headers: more than 2", 0),
            0u);
}

TEST(ReplayFile, ReadsFilesWithTheSameChecks) {
  const std::string path = ::testing::TempDir() + "replay_file_test.jsonl";
  {
    std::ofstream out(path, std::ios::binary);
    out << kGood << "\n" << with(R"("status":400,"e)", R"("status":"x","e)") << "\n";
  }
  auto read = read_replay_file(path);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().to_string(),
            path + ":2: expectation.status: must be an integer, got a string");
  // An endless line is cut off at the limit, not buffered.
  {
    std::ofstream out(path, std::ios::binary);
    out << std::string(300000, '{');
  }
  ReplayLimits limits;
  limits.max_line_bytes = 100000;
  read = read_replay_file(path, limits);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().to_string(), path + ":1: line longer than 100000 bytes");
  std::remove(path.c_str());
  read = read_replay_file(path);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().to_string().rfind("cannot open --replay file " + path, 0), 0u);
}

}  // namespace
}  // namespace lpe::harness::internal
