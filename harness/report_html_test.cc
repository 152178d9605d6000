// The HTML report rendered from JSON report objects: hostile text is escaped everywhere, nothing
// can load from elsewhere (a strict CSP, no URLs), and the sections show what the object holds:
// checks and verdicts, findings with their reproduction, walks, coverage rows, baseline split,
// extra facts such as retries. (tests/conform_reports_test.cc loads reports in a real browser.)
#include <gtest/gtest.h>

#include "harness/harness.h"

namespace lpe::harness {
namespace {

using Json = nlohmann::ordered_json;

size_t count_of(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

const std::string kAttack =
    "</pre><script>alert(1)</script><img src=x onerror=alert(2)><a href=\"https://e.example\">";

Json report_with_attack() {
  Json finding = {{"id", "00112233aabbccdd"},
                  {"check", "error_shape"},
                  {"rule", "R8"},
                  {"level", "must"},
                  {"target", kAttack},
                  {"message", kAttack},
                  {"reproduction", "lpe conform --endpoint 'http://h/<x>&y'"}};
  finding["exchange"] = {
      {"request",
       {{"method", "POST"}, {"path", "/"}, {"headers", {{"h", kAttack}}}, {"body", kAttack}}},
      {"response", {{"status", 500}, {"headers", {{kAttack, "v"}}}, {"body", kAttack}}}};
  Json report = {{"endpoint", kAttack}, {"seed", 9}, {"exitCode", 1}, {"seconds", 1.25}};
  report["checks"] =
      Json::array({{{"check", "error_shape"}, {"verdict", "failed"}, {"passed", 2}},
                   {{"check", "token_replay"}, {"verdict", "skipped"}, {"skipReason", kAttack}}});
  report["findings"] = Json::array({finding});
  report["notes"] = Json::array({{{"check", "response_schema"}, {"message", kAttack}}});
  report[kAttack] = kAttack;  // an unknown top-level fact
  return report;
}

TEST(HtmlReport, HostileTextIsEscapedEverywhere) {
  const std::string html = html_report(report_with_attack());
  EXPECT_EQ(count_of(html, "<script"), 1u) << "only the page's own script";
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<a "), std::string::npos);
  EXPECT_EQ(html.find("</pre><script"), std::string::npos);
  EXPECT_GE(count_of(html,
                     "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x "
                     "onerror=alert(2)&gt;&lt;a href=&quot;https://e.example&quot;&gt;"),
            8u);
  EXPECT_NE(html.find("lpe conform --endpoint &apos;http://h/&lt;x&gt;&amp;y&apos;"),
            std::string::npos);
}

TEST(HtmlReport, NothingLoadsFromElsewhere) {
  Json report = report_with_attack();
  report.erase(kAttack);
  report["endpoint"] = "https://example.com";
  report["findings"] = Json::array();
  report["notes"] = Json::array();
  report["checks"][1].erase("skipReason");
  const std::string html = html_report(report);
  const auto csp = html.find(
      "http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'sha256-");
  ASSERT_NE(csp, std::string::npos);
  EXPECT_LT(csp, html.find("<style>"));
  EXPECT_NE(html.find("script-src 'sha256-"), std::string::npos);
  EXPECT_EQ(html.find("unsafe-inline"), std::string::npos);
  for (const char* loader : {" src=", "href=", "url(", "@import", "style=\""})
    EXPECT_EQ(html.find(loader), std::string::npos) << loader;
}

TEST(HtmlReport, ShowsChecksFindingsWalksCoverageBaselineAndExtraFacts) {
  Json report = report_with_attack();
  report["walks"] = Json::array({{{"target", "s,t,p"},
                                  {"pageSize", 7},
                                  {"limit", 7},
                                  {"pages", 3},
                                  {"items", 20},
                                  {"largestPage", 8},
                                  {"complete", true},
                                  {"pageItems", {7, 7, 6}}}});
  report["coverage"] = {{"defined", 30}, {"sent", 29}, {"passed", 28}};
  report["coverage"]["cases"] = Json::array({{{"member", "maxResults"},
                                              {"constraint", "range"},
                                              {"case", "max+1"},
                                              {"value", "101"},
                                              {"expected", "400 ValidationException"},
                                              {"sent", 1},
                                              {"passed", true}}});
  report["baseline"] = {{"file", "old.json"}, {"new", 1}, {"known", 0}};
  report["baseline"]["fixed"] = Json::array({{{"id", "ffeeddccbbaa9988"},
                                              {"check", "termination"},
                                              {"rule", "R10"},
                                              {"message", "looped"}}});
  report["findings"][0]["baseline"] = "new";
  report["retries"] = {{"throttled", 3}, {"waitedSeconds", 1.5}};
  const std::string html = html_report(report);
  EXPECT_NE(html.find("data-check=\"error_shape\" data-verdict=\"failed\""), std::string::npos);
  EXPECT_NE(html.find("data-check=\"token_replay\" data-verdict=\"skipped\""), std::string::npos);
  EXPECT_NE(html.find("data-id=\"00112233aabbccdd\" data-check=\"error_shape\""),
            std::string::npos);
  EXPECT_NE(html.find("data-for=\"repro-1\">Copy</button>"), std::string::npos);
  EXPECT_NE(html.find(">7 \u00d72, 6<"), std::string::npos) << "items per page as runs";
  EXPECT_NE(html.find("<span class=\"v-failed\">8</span>"), std::string::npos) << "page over limit";
  EXPECT_NE(html.find("data-member=\"maxResults\" data-case=\"max+1\""), std::string::npos);
  EXPECT_NE(html.find("30 cases defined by the model, 29 sent, 28 passed"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"mono\">101</td><td>400 ValidationException</td>"),
            std::string::npos);
  EXPECT_NE(html.find("data-verdict=\"new\""), std::string::npos);
  EXPECT_NE(html.find("<tr data-id=\"ffeeddccbbaa9988\">"), std::string::npos) << "fixed finding";
  EXPECT_NE(html.find("<dt>retries.throttled</dt><dd class=\"mono\">3</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dt>retries.waitedSeconds</dt><dd class=\"mono\">1.5</dd>"),
            std::string::npos);
  EXPECT_NE(html.find("1.25 s"), std::string::npos);
}

TEST(HtmlReport, AnEmptyOrOddObjectStillGivesAPage) {
  for (const Json& odd : {Json(), Json::array(), Json{{"checks", 5}, {"findings", "x"}}}) {
    const std::string html = html_report(odd);
    EXPECT_NE(html.find("</html>"), std::string::npos) << odd.dump();
  }
}

}  // namespace
}  // namespace lpe::harness
