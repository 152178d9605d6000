// Finding ids and baselines: the id keys on check, rule, subject and target only; a baseline
// report is read strictly (the error names the file and the place); findings are new or known,
// the baseline's others fixed or unchecked; only new findings fail a run; every report form
// shows the split.
#include <gtest/gtest.h>

#include "harness/harness.h"

namespace lpe::harness {
namespace {

using Json = nlohmann::ordered_json;

Finding finding(std::string check, std::string subject, std::string target = "") {
  Finding f;
  f.check = std::move(check);
  f.rule = "R10";
  f.subject = std::move(subject);
  f.target = std::move(target);
  f.message = "page holds 8 items, the page size is 7";
  f.reproduction = "lpe conform --seed 1 --checks " + f.check;
  return f;
}

TEST(FindingId, KeysOnCheckRuleSubjectAndTargetOnly) {
  Finding a = finding("negative_data_rejection", "maxResults range");
  Finding b = a;
  b.message = "different message, value 1234";
  b.reproduction = "lpe conform --seed 99 --checks negative_data_rejection";
  b.exchange.request_body = "{\"maxResults\": 1234}";
  b.shrink_steps = 12;
  EXPECT_EQ(a.id(), b.id());
  EXPECT_EQ(a.id().size(), 16u);
  b.subject = "sessionId length";
  EXPECT_NE(a.id(), b.id());
  b = a;
  b.target = "s,t,p";
  EXPECT_NE(a.id(), b.id());
  b = a;
  b.rule = "R7";
  EXPECT_NE(a.id(), b.id());
  EXPECT_EQ(a.to_json()["id"], a.id());
  EXPECT_EQ(a.to_json()["subject"], "maxResults range");
}

TEST(ReadBaseline, BadReportsNameTheFileAndThePlace) {
  const std::pair<Json, std::string> cases[] = {
      {Json::array(), "old.json: not a JSON object"},
      {Json{{"checks", 1}}, "old.json: no \"findings\" array"},
      {Json{{"findings", {1}}}, "old.json: /findings/0: not a JSON object"},
      {Json{{"findings", {{{"check", "x"}}}}}, "old.json: /findings/0: no \"id\""},
      {Json{{"findings", {{{"id", 5}, {"check", "x"}}}}}, "/findings/0: \"id\" is not a string"},
      {Json{{"findings", {{{"id", "0123456789abcdeZ"}, {"check", "x"}}}}}, "not 16 hex digits"},
      {Json{{"findings", {{{"id", "0123456789abcdef"}}}}}, "/findings/0: no \"check\""},
  };
  for (const auto& [report, expected] : cases) {
    const auto read = read_baseline(report, "old.json");
    ASSERT_FALSE(read) << report.dump();
    EXPECT_NE(read.error().message.find(expected), std::string::npos) << read.error().message;
  }
}

TEST(CompareWithBaseline, FindingsAreNewOrKnownAndTheOthersFixedOrUnchecked) {
  RunResult before;
  before.findings = {finding("page_size_bound", "", "s,t,p"), finding("termination", "", "s,t,p"),
                     finding("token_tamper", "", "gone,t,p"), finding("token_replay", "", "s,t,p")};
  ConformOptions options;
  const auto baseline = read_baseline(json_report(before, options), "old.json");
  ASSERT_TRUE(baseline) << baseline.error().message;
  RunResult now;
  for (const char* check : {"page_size_bound", "termination", "walk_consistency", "token_tamper"}) {
    CheckTally t;
    t.check = check;
    t.ran = true;
    now.tallies.push_back(t);
  }
  now.findings = {finding("page_size_bound", "", "s,t,p"),
                  finding("walk_consistency", "", "s,t,p")};
  EXPECT_EQ(now.exit_code(false), 1);
  compare_with_baseline(*baseline, {Target{{"s", "t", "p"}}}, now);
  EXPECT_EQ(now.findings[0].baseline, "known");
  EXPECT_EQ(now.findings[1].baseline, "new");
  ASSERT_TRUE(now.baseline);
  EXPECT_EQ(now.baseline->new_findings, 1u);
  EXPECT_EQ(now.baseline->known_findings, 1u);
  ASSERT_EQ(now.baseline->fixed.size(), 1u);
  EXPECT_EQ(now.baseline->fixed[0].check, "termination");
  // token_tamper ran, but not on its target; token_replay did not run.
  ASSERT_EQ(now.baseline->unchecked.size(), 2u);
  EXPECT_EQ(now.exit_code(false), 1);  // the new must-finding
  now.findings.pop_back();
  EXPECT_EQ(now.exit_code(false), 0) << "a known must-finding does not fail the run";
  now.findings[0].level = spec::Severity::kShould;
  now.findings[0].baseline = "new";
  EXPECT_EQ(now.exit_code(false), 0);
  EXPECT_EQ(now.exit_code(true), 1) << "a new should-finding fails with --strict";
}

TEST(CompareWithBaseline, EveryReportFormShowsTheSplit) {
  RunResult before;
  before.findings = {finding("termination", "", "s,t,p")};
  ConformOptions options;
  options.targets = {Target{{"s", "t", "p"}}};
  const auto baseline = read_baseline(json_report(before, options), "old.json");
  ASSERT_TRUE(baseline);
  RunResult now;
  CheckTally t;
  t.check = "termination";
  t.ran = true;
  now.tallies = {t};
  t.check = "page_size_bound";
  t.failed = 1;
  now.tallies.push_back(t);
  now.findings = {finding("page_size_bound", "", "s,t,p")};
  compare_with_baseline(*baseline, options.targets, now);
  const std::string console = console_summary(now, options);
  EXPECT_NE(console.find("[MUST] NEW page_size_bound"), std::string::npos) << console;
  EXPECT_NE(console.find("Against the baseline old.json: 1 new, 0 known, 1 fixed"),
            std::string::npos)
      << console;
  EXPECT_NE(console.find("  fixed: termination (R10) target s,t,p id "), std::string::npos);
  const std::string xml = junit_report(now, options);
  EXPECT_NE(xml.find("<property name=\"baseline.fixed\" value=\"1\"/>"), std::string::npos);
  EXPECT_NE(xml.find("message=\"new: page holds 8 items"), std::string::npos) << xml;
  const Json json = json_report(now, options);
  EXPECT_EQ(json["findings"][0]["baseline"], "new");
  EXPECT_EQ(json["baseline"]["fixed"][0]["check"], "termination");
  EXPECT_EQ(json["checks"][1]["verdict"], "failed");
  const std::string html = html_report(json);
  EXPECT_NE(html.find("data-verdict=\"new\""), std::string::npos);
  EXPECT_NE(html.find("data-verdict=\"fixed\""), std::string::npos);
}

}  // namespace
}  // namespace lpe::harness
