// Real-endpoint behaviour proven on loopback, through the real executables: `lpe conform`
// against `lpe mock --fault throttle:50` passes with its retries shown and a duration near the
// rate; --max-requests is never exceeded (counted by the mock's access log) while every check
// still runs; --plan sends nothing; a signed run takes its keys from a profile; a wrong profile
// is a one-line error. Each run is bounded in time.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/lpe_process.h"
#include "support/temp_files.h"

#ifndef LPE_TEST_DATA
#error "LPE_TEST_DATA must name tests/data"
#endif

namespace lpe {
namespace {

using test_support::LpeBackground;
using test_support::LpeRun;
using test_support::LpeRunOptions;
using test_support::TempFile;
using Json = nlohmann::json;

const std::string kData = std::string(LPE_TEST_DATA) + "/conform-small.json";
const std::vector<std::string> kCredentialVariables = {
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_PROFILE",       "AWS_CONFIG_FILE",       "AWS_SHARED_CREDENTIALS_FILE"};

// `lpe mock ARGS` on a free port with an access log; `url` once it listens.
struct Mock {
  explicit Mock(std::vector<std::string> args) : log("access.log") {
    args.insert(args.begin(), {"mock", "--port", "0", "--log", log.path()});
    process = std::make_unique<LpeBackground>(args);
    const std::string line = process->first_line(std::chrono::seconds(10));
    const auto at = line.find("http://");
    if (at != std::string::npos) url = line.substr(at);
  }
  // Access log lines (one per request), after the mock stopped.
  std::vector<std::string> stop_and_read_log() {
    EXPECT_EQ(process->stop(SIGTERM, std::chrono::seconds(10)), 0);
    std::vector<std::string> lines;
    std::istringstream in(log.read());
    for (std::string l; std::getline(in, l);) {
      if (!l.empty()) lines.push_back(l);
    }
    return lines;
  }
  TempFile log;
  std::unique_ptr<LpeBackground> process;
  std::string url;
};

LpeRun conform(std::vector<std::string> args, std::chrono::seconds bound,
               std::vector<std::string> unset = kCredentialVariables) {
  args.insert(args.begin(), "conform");
  LpeRunOptions options;
  options.bound = bound;
  options.unset_env = std::move(unset);
  return test_support::run_lpe(args, options);
}

Json read_json(const TempFile& f) { return Json::parse(f.read(), nullptr, false); }

std::set<std::string> checks_that_ran(const Json& report) {
  std::set<std::string> out;
  for (const auto& c : report["checks"]) {
    if (c["ran"].get<bool>()) out.insert(c["check"].get<std::string>());
  }
  return out;
}

TEST(ConformThrottle, AThrottledDefaultRunPassesShowsItsRetriesAndKeepsToTheRate) {
  Mock mock({"--data", kData, "--fault", "throttle:50", "--seed", "1"});
  ASSERT_FALSE(mock.url.empty());
  const TempFile report("report.json");
  const TempFile junit("report.xml");
  const LpeRun run = conform({"--endpoint", mock.url, "--targets-file", kData, "--seed", "5",
                              "--report-json", report.path(), "--report-junit", junit.path()},
                             std::chrono::seconds(120));
  const auto log = mock.stop_and_read_log();
  ASSERT_EQ(run.exit_code, 0) << test_support::describe(run);
  const Json json = read_json(report);
  ASSERT_TRUE(json.is_object());
  EXPECT_TRUE(json["findings"].empty());
  size_t throttled_lines = 0;
  for (const auto& line : log) throttled_lines += line.find("fault=throttle") != std::string::npos;
  const uint64_t throttled = json["retries"]["throttled"].get<uint64_t>();
  EXPECT_GT(throttled, 0u);
  EXPECT_EQ(throttled, throttled_lines);
  EXPECT_EQ(json["retries"]["retried"].get<uint64_t>(), throttled);  // none given up
  EXPECT_EQ(json["requests"].get<uint64_t>(), log.size());
  EXPECT_NE(run.out.find("throttling: " + std::to_string(throttled) + " throttled answers"),
            std::string::npos)
      << run.out;
  EXPECT_NE(junit.read().find("<property name=\"retries.throttled\" value=\"" +
                              std::to_string(throttled) + "\"/>"),
            std::string::npos);
  // The answered requests went through at the bucket's rate: the run took at most 1.5 times
  // what 50 a second needs.
  const double answered = static_cast<double>(log.size() - throttled_lines);
  const double seconds = json["seconds"].get<double>();
  EXPECT_LE(seconds, 1.5 * answered / 50) << answered << " answered in " << seconds << " s";
}

TEST(ConformThrottle, ABudgetIsNeverExceededAndEveryCheckStillRuns) {
  // The small dataset leaves room in 300 requests for the fixed phases (probes, 7 targets' token
  // checks) while its 120-item list still needs its walks shortened.
  Mock mock({"--data", kData});
  ASSERT_FALSE(mock.url.empty());
  const TempFile full("full.json");
  const LpeRun unbudgeted = conform({"--endpoint", mock.url, "--targets-file", kData, "--seed", "9",
                                     "--quiet", "--report-json", full.path()},
                                    std::chrono::seconds(120));
  ASSERT_EQ(unbudgeted.exit_code, 0) << test_support::describe(unbudgeted);
  EXPECT_GT(mock.stop_and_read_log().size(), 1000u);

  Mock budgeted_mock({"--data", kData});
  const TempFile report("budget.json");
  const LpeRun run = conform({"--endpoint", budgeted_mock.url, "--targets-file", kData, "--seed",
                              "9", "--max-requests", "300", "--report-json", report.path()},
                             std::chrono::seconds(60));
  const auto log = budgeted_mock.stop_and_read_log();
  ASSERT_EQ(run.exit_code, 0) << test_support::describe(run);
  EXPECT_LE(log.size(), 300u);
  const Json json = read_json(report);
  EXPECT_EQ(checks_that_ran(json), checks_that_ran(read_json(full)));
  ASSERT_FALSE(json["shortenedWalks"].empty());
  EXPECT_NE(run.out.find("Walks shortened by the page budget"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("pHundredTwenty, page size 1: stopped after "), std::string::npos)
      << run.out;
  // The plan came first, on stderr.
  EXPECT_NE(run.err.find("plan: 300 requests (--max-requests 300)"), std::string::npos) << run.err;
}

TEST(ConformThrottle, PlanPrintsThePlanAndSendsNothing) {
  Mock mock({"--data", kData});
  const LpeRun run = conform({"--endpoint", mock.url, "--targets-file", kData, "--plan",
                              "--max-requests", "900", "--rate-limit", "30"},
                             std::chrono::seconds(30));
  EXPECT_TRUE(mock.stop_and_read_log().empty());
  ASSERT_EQ(run.exit_code, 0) << test_support::describe(run);
  EXPECT_NE(run.out.find("plan: 900 requests (--max-requests 900); about 30 s at 30 requests/s"),
            std::string::npos)
      << run.out;
  for (const char* phase : {"token checks", "walks", "random cases", "reachability probe"}) {
    EXPECT_NE(run.out.find(phase), std::string::npos) << phase;
  }
}

TEST(ConformThrottle, ASignedRunTakesItsKeysFromAProfileAndAWrongOneExits2) {
  const std::string akid = "AKIDPROFILETEST00042";
  const std::string secret = "profile-secret-0123456789abcdef";
  const TempFile credentials("credentials",
                             "[default]\n"
                             "aws_access_key_id = AKIDNOTTHEONE0000000\n"
                             "aws_secret_access_key = wrong\n"
                             "[ci]\n"
                             "aws_access_key_id = " +
                                 akid + "\naws_secret_access_key = " + secret + "\n");
  const TempFile config("config", "[profile ci]\nregion = eu-west-1\n");
  ::setenv("AWS_SHARED_CREDENTIALS_FILE", credentials.path().c_str(), 1);
  ::setenv("AWS_CONFIG_FILE", config.path().c_str(), 1);
  Mock mock({"--data", kData, "--auth", "sigv4", "--credentials", akid + ":" + secret, "--region",
             "eu-west-1"});
  const std::vector<std::string> unset = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                          "AWS_SESSION_TOKEN", "AWS_PROFILE",
                                          "AWS_REGION",        "AWS_DEFAULT_REGION"};
  const TempFile report("signed.json");
  const LpeRun run =
      conform({"--endpoint", mock.url, "--targets-file", kData, "--sigv4", "--profile", "ci",
               "--cases", "10", "--quiet", "--report-json", report.path()},
              std::chrono::seconds(60), unset);
  const LpeRun wrong =
      conform({"--endpoint", mock.url, "--targets-file", kData, "--sigv4", "--profile", "nosuch"},
              std::chrono::seconds(30), unset);
  mock.stop_and_read_log();
  ::unsetenv("AWS_SHARED_CREDENTIALS_FILE");
  ::unsetenv("AWS_CONFIG_FILE");
  ASSERT_EQ(run.exit_code, 0) << test_support::describe(run);
  EXPECT_TRUE(checks_that_ran(read_json(report)).count("ignored_auth"));
  EXPECT_EQ(run.out.find(secret), std::string::npos);
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("lpe conform: profile 'nosuch' not found in " + credentials.path() +
                           " or " + config.path() + " (--profile)"),
            std::string::npos)
      << wrong.err;
}

TEST(ConformThrottle, TheMockRefusesABadThrottleSpec) {
  for (const char* spec :
       {"throttle:0", "throttle:-1", "throttle:x", "throttle:5:0", "throttle:5:abc", "throttle:"}) {
    const LpeRun run = test_support::run_lpe({"mock", "--port", "0", "--fault", spec});
    EXPECT_EQ(run.exit_code, 2) << spec;
    EXPECT_NE(run.err.find("--fault throttle:RATE[:BURST] needs RATE"), std::string::npos)
        << run.err;
  }
  const LpeRun with_rate = test_support::run_lpe(
      {"mock", "--port", "0", "--fault", "throttle:5", "--fault-rate", "0.5"});
  EXPECT_EQ(with_rate.exit_code, 2);
}

}  // namespace
}  // namespace lpe
