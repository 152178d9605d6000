// The HTML report in a real browser, and baselines end to end, through the real `lpe conform`
// executable against the reference mock with test-only defects.
//
// Browser: headless Chromium loads the report of a run against a faulty endpoint; the DOM it
// dumps after the page's script ran must hold what the JSON report holds (every check and
// verdict, every finding with its reproduction, the walks, the seed, the model's sha256, coverage
// rows when present), and a screenshot is saved in the build tree (artifacts/report-html.png).
// Hostile text in a report stays text. Without Chromium these tests fail; they never pass.
//
// Baselines: run, keep the JSON report, break one behaviour of the endpoint, run with
// --baseline: exactly that finding is new, the others known, a finding that went away fixed,
// and only new must-findings fail the run. Finding ids do not depend on the seed.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/harness.h"
#include "support/lpe_process.h"
#include "support/running_mock.h"
#include "support/temp_files.h"

#ifndef LPE_CHROMIUM
#error "LPE_CHROMIUM must name the chromium executable (or be empty)"
#endif
#ifndef LPE_ARTIFACT_DIR
#error "LPE_ARTIFACT_DIR must name the folder for test artifacts"
#endif

namespace lpe {
namespace {

using mock::testing::Defect;
using test_support::kConformData;
using test_support::read_file;
using test_support::RunningMock;
using Json = nlohmann::json;

const std::string kArtifacts = LPE_ARTIFACT_DIR;

// The chromium executable, or "" when there is none.
std::string chromium() {
  const std::string path = LPE_CHROMIUM;
  if (!path.empty() && path.find("NOTFOUND") == std::string::npos &&
      ::access(path.c_str(), X_OK) == 0)
    return path;
  return "";
}

constexpr const char* kNoBrowser =
    "chromium is not installed (Debian package `chromium`; scripts/install-deps.sh installs it, "
    "then re-run cmake): the HTML report cannot be tested in a browser";

// Runs headless Chromium on `html` with `mode` ("--dump-dom" or "--screenshot=FILE ..."),
// bounded in time; returns its standard output.
std::string run_chromium(const std::string& html, const std::string& mode) {
  const std::string profile = test_support::temp_path("chromium-profile");
  const std::string command = "timeout -k 5 120 " + chromium() +
                              " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage "
                              "--no-first-run --hide-scrollbars --user-data-dir=" +
                              profile + " " + mode + " file://" + html + " 2>/dev/null";
  std::string out;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buf[65536];
    for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
    pclose(pipe);
  }
  std::system(("rm -rf '" + profile + "'").c_str());
  return out;
}

// How Chromium serializes text: a text node escapes & < >, an attribute also ".
std::string as_text(const std::string& s) {
  std::string out;
  for (char c : s) {
    out += c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : std::string(1, c);
  }
  return out;
}
std::string as_attribute(const std::string& s) {
  std::string out;
  for (char c : as_text(s)) out += c == '"' ? std::string("&quot;") : std::string(1, c);
  return out;
}

size_t count_of(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// The DOM holds every fact of the JSON report the tests compare.
void expect_dom_holds_report(const std::string& dom, const Json& report) {
  EXPECT_NE(dom.find("data-script=\"ran\""), std::string::npos) << "the page's script did not run";
  EXPECT_NE(dom.find("data-style=\"applied\""), std::string::npos) << "the page's style is blocked";
  for (const auto& c : report["checks"]) {
    const std::string row = "data-check=\"" + as_attribute(c["check"]) + "\" data-verdict=\"" +
                            as_attribute(c["verdict"]) + "\"";
    EXPECT_NE(dom.find(row), std::string::npos) << row;
  }
  for (const auto& f : report["findings"]) {
    const std::string article =
        "data-id=\"" + as_attribute(f["id"]) + "\" data-check=\"" + as_attribute(f["check"]) + "\"";
    EXPECT_NE(dom.find(article), std::string::npos) << article;
    EXPECT_NE(dom.find(as_text(f["reproduction"])), std::string::npos) << f["reproduction"];
    EXPECT_NE(dom.find(as_text(f["message"].get<std::string>().substr(0, 200))), std::string::npos);
  }
  EXPECT_EQ(count_of(dom, "<tr class=\"walk\">"), report["walks"].size());
  EXPECT_NE(dom.find("class=\"mono seed\">" + report["seed"].dump() + "<"), std::string::npos);
  for (const auto& file : report["contract"]["files"]) {
    const std::string hash = "class=\"mono sha256\">" + file["sha256"].get<std::string>() + "<";
    EXPECT_NE(dom.find(hash), std::string::npos) << hash;
  }
  if (report.contains("coverage")) {
    for (const auto& row : report["coverage"]["cases"]) {
      const std::string tr = "data-member=\"" + as_attribute(row["member"]) + "\" data-case=\"" +
                             as_attribute(row["case"]) + "\"";
      EXPECT_NE(dom.find(tr), std::string::npos) << tr;
    }
  }
}

TEST(HtmlReportInBrowser, HoldsWhatTheJsonReportHoldsForARunAgainstAFaultyEndpoint) {
  ASSERT_FALSE(chromium().empty()) << kNoBrowser;
  ::mkdir(kArtifacts.c_str(), 0755);
  const std::string json = kArtifacts + "/report.json", html = kArtifacts + "/report.html";
  RunningMock mock({Defect::kPageLargerThanPageSize, Defect::kErrorBodyNotJson});
  const auto run = test_support::run_lpe(
      {"conform", "--quiet", "--endpoint", mock.url(), "--targets-file", kConformData, "--seed",
       "3", "--cases", "60", "--report-json", json, "--report-html", html},
      std::chrono::seconds(180));
  ASSERT_EQ(run.exit_code, 1) << test_support::describe(run);
  const Json report = Json::parse(read_file(json));
  ASSERT_FALSE(report["findings"].empty());
  ASSERT_FALSE(report["walks"].empty());
  const std::string dom = run_chromium(html, "--dump-dom");
  ASSERT_FALSE(dom.empty()) << "chromium printed no DOM for " << html;
  expect_dom_holds_report(dom, report);
  const std::string png = kArtifacts + "/report-html.png";
  std::remove(png.c_str());
  run_chromium(html, "--screenshot=" + png + " --window-size=1200,1500");
  const std::string image = read_file(png);
  ASSERT_GT(image.size(), 10000u) << "no screenshot at " << png;
  EXPECT_EQ(image.substr(1, 3), "PNG");
  std::printf("HTML report: %s\nscreenshot: %s\n", html.c_str(), png.c_str());
}

// A hand-made report: a finding whose every text is hostile markup, coverage rows, retries.
Json hostile_report() {
  const std::string attack =
      "</pre></code><script>document.body.setAttribute('data-pwned','1')</script>"
      "<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">\"'&";
  Json finding = {{"id", "0123456789abcdef"},
                  {"check", "error_shape" + attack},
                  {"rule", "R8"},
                  {"level", "must"},
                  {"target", attack},
                  {"message", attack},
                  {"reproduction", "lpe conform --seed 1 " + attack},
                  {"subject", attack}};
  finding["exchange"] = {
      {"request",
       {{"method", "POST"},
        {"path", "/x" + attack},
        {"headers", {{"a", attack}}},
        {"body", attack}}},
      {"response", {{"status", 400}, {"headers", {{attack, attack}}}, {"body", attack}}}};
  Json report = {
      {"endpoint", "http://127.0.0.1:1/" + attack},
      {"operation", "Op"},
      {"contract", {{"files", {{{"role", "model"}, {"name", attack}, {"sha256", "ab12"}}}}}},
      {"seed", 42},
      {"exitCode", 1},
      {"requests", 3},
      {"seconds", 0.5}};
  report["checks"] = {{{"check", "error_shape"},
                       {"rule", "R8"},
                       {"level", "must"},
                       {"verdict", "failed"},
                       {"passed", 1},
                       {"failed", 1},
                       {"notes", 0}}};
  report["findings"] = {finding};
  report["notes"] = {{{"check", "response_schema"}, {"message", attack}}};
  report["walks"] = Json::array();
  report["coverage"] = {{"defined", 2}, {"sent", 2}, {"passed", 1}};
  report["coverage"]["cases"] = {{{"member", "maxResults"},
                                  {"constraint", "range"},
                                  {"case", "max+1"},
                                  {"value", "101"},
                                  {"expected", "400 ValidationException"},
                                  {"sent", 1},
                                  {"passed", true}},
                                 {{"member", "sessionId"},
                                  {"constraint", "pattern"},
                                  {"case", attack},
                                  {"value", attack},
                                  {"expected", "400 ValidationException"},
                                  {"sent", 1},
                                  {"passed", false}}};
  report["retries"] = {{"throttled", 2}, {attack, attack}};
  return report;
}

TEST(HtmlReportInBrowser, HostileTextStaysTextAndCoverageRowsRender) {
  ASSERT_FALSE(chromium().empty()) << kNoBrowser;
  ::mkdir(kArtifacts.c_str(), 0755);
  const Json report = hostile_report();
  const std::string html = kArtifacts + "/hostile-report.html";
  test_support::write_file(html, harness::html_report(nlohmann::ordered_json(report)));
  const std::string dom = run_chromium(html, "--dump-dom");
  ASSERT_FALSE(dom.empty()) << "chromium printed no DOM for " << html;
  EXPECT_EQ(dom.find("data-pwned=\""), std::string::npos) << "markup from a report ran";
  EXPECT_EQ(dom.find("<img"), std::string::npos);
  EXPECT_EQ(count_of(dom, "<script"), 1u) << "only the page's own script";
  EXPECT_NE(dom.find(as_text(report["findings"][0]["exchange"]["response"]["body"])),
            std::string::npos);
  EXPECT_NE(dom.find(">retries.throttled<"), std::string::npos);
  expect_dom_holds_report(dom, report);
}

// ---- baselines ------------------------------------------------------------------------------

struct ConformRun {
  int exit_code = -1;
  std::string output;
  Json report;
};

// `lpe conform` against `mock` with `seed`, writing its JSON report to `report` (and `extra`).
ConformRun conform(const RunningMock& mock, int seed, const std::string& report,
                   std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {
      "conform",        "--quiet",    "--endpoint",    mock.url(),
      "--targets-file", kConformData, "--seed",        std::to_string(seed),
      "--cases",        "60",         "--report-json", report};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = test_support::run_lpe(args, std::chrono::seconds(180));
  ConformRun out{r.exit_code, r.out + r.err, Json::parse(read_file(report), nullptr, false)};
  return out;
}

// The findings of `report` marked `mark` ("new", "known"), as check names.
std::multiset<std::string> marked(const Json& report, const std::string& mark) {
  std::multiset<std::string> out;
  for (const auto& f : report["findings"]) {
    if (f.value("baseline", "") == mark) out.insert(f["check"].get<std::string>());
  }
  return out;
}

std::set<std::string> ids(const Json& report) {
  std::set<std::string> out;
  for (const auto& f : report["findings"]) out.insert(f["id"].get<std::string>());
  return out;
}

TEST(Baseline, ExactlyTheNewlyBrokenBehaviourIsNewAndOnlyItFailsTheRun) {
  const test_support::TempFile before("before.json"), after("after.json"), junit("after.xml"),
      html("after.html"), fixed_only("fixed.json");
  ConformRun first;
  {
    RunningMock mock({Defect::kTimestampWithoutZ, Defect::kDropsBoundaryItem});
    first = conform(mock, 5, before.path());
  }
  ASSERT_EQ(first.exit_code, 1) << first.output;
  std::multiset<std::string> first_checks;
  for (const auto& f : first.report["findings"]) first_checks.insert(f["check"]);
  ASSERT_TRUE(first_checks.count("timestamp_format")) << first.output;
  ASSERT_TRUE(first_checks.count("walk_consistency")) << first.output;
  ASSERT_FALSE(first_checks.count("negative_data_rejection")) << first.output;

  // One behaviour broken since (page sizes above the maximum served), one fixed (boundary items).
  RunningMock mock({Defect::kTimestampWithoutZ, Defect::kAcceptsPageSizeAboveMax});
  const ConformRun second = conform(
      mock, 5, after.path(),
      {"--baseline", before.path(), "--report-junit", junit.path(), "--report-html", html.path()});
  EXPECT_EQ(second.exit_code, 1) << second.output;
  EXPECT_EQ(marked(second.report, "new"), std::multiset<std::string>{"negative_data_rejection"})
      << second.output;
  for (const auto& f : second.report["findings"]) {
    EXPECT_EQ(f["baseline"], f["check"] == "negative_data_rejection" ? "new" : "known") << f.dump();
    if (f["baseline"] == "known") {
      // The timestamps without Z, seen by their check and by the data oracle (the declared
      // events have the Z).
      EXPECT_TRUE(f["check"] == "timestamp_format" || f["check"] == "expected_data") << f.dump();
    }
  }
  const Json& split = second.report["baseline"];
  EXPECT_EQ(split["new"], 1);
  EXPECT_EQ(split["known"], second.report["findings"].size() - 1);
  ASSERT_FALSE(split["fixed"].empty());
  for (const auto& f : split["fixed"]) EXPECT_EQ(f["check"], "walk_consistency") << f.dump();
  // Every report form shows the split.
  EXPECT_NE(second.output.find("NEW negative_data_rejection"), std::string::npos) << second.output;
  EXPECT_NE(second.output.find("1 new, "), std::string::npos) << second.output;
  const std::string xml = read_file(junit.path());
  EXPECT_NE(xml.find("<property name=\"baseline.new\" value=\"1\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("known (in the baseline): "), std::string::npos) << xml;
  const std::string page = read_file(html.path());
  EXPECT_NE(page.find("data-verdict=\"new\""), std::string::npos);
  EXPECT_NE(page.find("data-verdict=\"fixed\""), std::string::npos);

  // Nothing new: known must-findings do not fail the run.
  RunningMock only_known({Defect::kTimestampWithoutZ});
  const ConformRun third = conform(only_known, 5, fixed_only.path(), {"--baseline", before.path()});
  EXPECT_EQ(third.exit_code, 0) << third.output;
  EXPECT_TRUE(marked(third.report, "new").empty()) << third.output;
  EXPECT_FALSE(third.report["baseline"]["fixed"].empty());
}

TEST(Baseline, FindingIdsDoNotDependOnTheSeed) {
  RunningMock mock(
      {Defect::kTimestampWithoutZ, Defect::kAcceptsPageSizeAboveMax, Defect::kDropsBoundaryItem});
  const test_support::TempFile a("seed-a.json"), b("seed-b.json");
  const ConformRun one = conform(mock, 11, a.path());
  const ConformRun two = conform(mock, 12, b.path());
  ASSERT_EQ(one.exit_code, 1) << one.output;
  ASSERT_EQ(two.exit_code, 1) << two.output;
  EXPECT_GE(ids(one.report).size(), 3u);
  EXPECT_EQ(ids(one.report), ids(two.report)) << one.output << "\n" << two.output;
}

TEST(Baseline, ABadBaselineFileIsAUsageErrorNamingTheFile) {
  RunningMock mock({});
  const test_support::TempFile bad("bad-baseline.json"), report("unused.json");
  const std::pair<std::string, std::string> cases[] = {
      {"{\"findings\": [", "not valid JSON"},
      {"[1, 2]", "not a JSON object"},
      {"{\"checks\": []}", "no \"findings\" array"},
      {"{\"findings\": [{\"check\": \"termination\"}]}", "/findings/0: no \"id\""},
      {"{\"findings\": [{\"id\": \"xyz\", \"check\": \"termination\"}]}", "not 16 hex digits"}};
  for (const auto& [text, reason] : cases) {
    test_support::write_file(bad.path(), text);
    const ConformRun run = conform(mock, 1, report.path(), {"--baseline", bad.path()});
    EXPECT_EQ(run.exit_code, 2) << text << "\n" << run.output;
    EXPECT_NE(run.output.find(bad.path()), std::string::npos) << run.output;
    EXPECT_NE(run.output.find(reason), std::string::npos) << reason << "\n" << run.output;
  }
  const ConformRun missing =
      conform(mock, 1, report.path(), {"--baseline", bad.path() + ".missing"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("cannot open " + bad.path() + ".missing"), std::string::npos)
      << missing.output;
}

}  // namespace
}  // namespace lpe
