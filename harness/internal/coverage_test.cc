// The coverage phase in the reports: the JSON shape other tools read, the console table and the
// JUnit testcases per member and constraint (passed, failed, not sent with its reason).
#include "harness/internal/coverage.h"

#include <gtest/gtest.h>

namespace lpe::harness {
namespace {

CoverageResult row(std::string member, std::string constraint, std::string name, bool sent,
                   bool passed, std::string reason = "", bool must = false) {
  CoverageResult r;
  r.member = std::move(member);
  r.constraint = std::move(constraint);
  r.name = std::move(name);
  r.value = r.member.empty() ? "" : "101";
  r.expected = "400 ValidationException";
  r.sent = sent;
  r.passed = passed;
  r.reason = std::move(reason);
  r.must_failed = must;
  return r;
}

RunResult sample() {
  RunResult result;
  result.coverage = {
      row("maxResults", "range", "max", true, true),
      row("maxResults", "range", "max+1", true, false,
          "negative_data_rejection: expected 400 ValidationException, got 200", true),
      row("", "body", "empty", false, false, "not sent: stopped at --max-time")};
  return result;
}

TEST(CoverageReport, JsonHasTheTotalsAndEveryCase) {
  const auto json = json_report(sample(), ConformOptions{})["coverage"];
  EXPECT_EQ(json["defined"], 3);
  EXPECT_EQ(json["sent"], 2);
  EXPECT_EQ(json["passed"], 1);
  ASSERT_EQ(json["cases"].size(), 3u);
  EXPECT_EQ(json["cases"][0].dump(),
            R"({"member":"maxResults","constraint":"range","case":"max","value":"101",)"
            R"("expected":"400 ValidationException","sent":1,"passed":true})");
  EXPECT_EQ(json["cases"][1]["passed"], false);
  EXPECT_EQ(json["cases"][2]["sent"], 0);
  EXPECT_EQ(json["cases"][2]["reason"], "not sent: stopped at --max-time");
}

TEST(CoverageReport, ConsoleTableCountsPerMemberAndConstraint) {
  const std::string text = console_summary(sample(), ConformOptions{});
  EXPECT_NE(text.find("Coverage: 3 cases from the model, 2 sent, 1 passed"), std::string::npos)
      << text;
  EXPECT_NE(text.find("maxResults        range              2        2        1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("(body)            body               1        0        0"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("not passed: maxResults range max+1 101: expected 400"), std::string::npos)
      << text;
  EXPECT_NE(text.find("1 not sent: stopped at --max-time"), std::string::npos) << text;
}

TEST(CoverageReport, JunitHasATestcasePerGroup) {
  const std::string xml = junit_report(sample(), ConformOptions{});
  EXPECT_NE(xml.find("<testcase classname=\"lpe.conform.coverage\" name=\"maxResults range\">\n"
                     "      <failure type=\"coverage\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase classname=\"lpe.conform.coverage\" name=\"body\">\n"
                     "      <skipped message=\"not sent: stopped at --max-time\"/>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("tests=\"2\" failures=\"1\""), std::string::npos) << xml;
}

TEST(CoverageReport, ShouldOnlyFailuresAreOutputUnlessStrict) {
  RunResult result;
  result.coverage = {row("participantId", "pattern", "trailing '_'", true, false,
                         "validation_message: the message does not name ...", false)};
  const auto cases = internal::coverage_testcases(result.coverage, false);
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_TRUE(cases[0].failure.empty());
  EXPECT_NE(cases[0].output.find("should: participantId pattern trailing '_'"), std::string::npos);
  EXPECT_FALSE(internal::coverage_testcases(result.coverage, true)[0].failure.empty());
}

}  // namespace
}  // namespace lpe::harness
