// The JUnit report: every text from the endpoint or the options is escaped for XML, control
// characters XML 1.0 forbids are written visibly, and findings land in their testcase.
#include <gtest/gtest.h>

#include "harness/harness.h"

namespace lpe::harness {
namespace {

RunResult result_with(Finding finding) {
  RunResult result;
  CheckTally tally;
  tally.check = finding.check;
  tally.ran = true;
  tally.failed = 1;
  result.tallies.push_back(tally);
  result.findings.push_back(std::move(finding));
  return result;
}

TEST(JunitReport, MarkupCharactersInAFindingAreEscaped) {
  Finding f;
  f.check = "negative_data_rejection";
  f.rule = "R6/R7";
  f.message = "got <error a=\"1\" b='2'> & more";
  f.reproduction = "lpe conform --checks negative_data_rejection";
  ConformOptions options;
  options.endpoint = "http://127.0.0.1:1/?a=1&b=<2>";
  const std::string xml = junit_report(result_with(f), options);
  const std::string escaped = "got &lt;error a=&quot;1&quot; b=&apos;2&apos;&gt; &amp; more";
  EXPECT_NE(xml.find("<failure type=\"R6/R7\" message=\"" + escaped + "\">"), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testsuite name=\"http://127.0.0.1:1/?a=1&amp;b=&lt;2&gt;\""),
            std::string::npos)
      << xml;
  EXPECT_EQ(xml.find(f.message), std::string::npos) << "raw markup reached the report";
}

TEST(JunitReport, ForbiddenControlCharactersAreWrittenVisibly) {
  Finding f;
  f.check = "error_shape";
  f.rule = "R8";
  f.message = std::string("bell\x07 escape\x1b nul") + '\0' + " tab\tnewline\n";
  const std::string xml = junit_report(result_with(f), ConformOptions{});
  EXPECT_NE(xml.find("message=\"bell\\x07 escape\\x1b nul\\x00 tab\tnewline\n\""),
            std::string::npos)
      << xml;
  for (char c : xml) {
    const auto u = static_cast<unsigned char>(c);
    EXPECT_FALSE(u < 0x20 && c != '\n' && c != '\t' && c != '\r') << "raw control " << int(u);
  }
}

TEST(JunitReport, ShouldFindingsFailOnlyWhenStrictAndSkipsCarryTheirReason) {
  Finding f;
  f.check = "validation_message";
  f.rule = "R7";
  f.level = spec::Severity::kShould;
  f.message = "the message does not name sessionId";
  RunResult result = result_with(f);
  CheckTally skipped;
  skipped.check = "ignored_auth";
  skipped.skip_reason = "needs --sigv4: <signed> runs";
  result.tallies.push_back(skipped);
  ConformOptions options;
  std::string xml = junit_report(result, options);
  EXPECT_NE(xml.find("failures=\"0\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<system-out>should: the message does not name sessionId"), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<skipped message=\"needs --sigv4: &lt;signed&gt; runs\"/>"),
            std::string::npos)
      << xml;
  options.strict = true;
  xml = junit_report(result, options);
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure type=\"R7\""), std::string::npos) << xml;
}

}  // namespace
}  // namespace lpe::harness
