// `lpe conform --config FILE` through the real executable: the file's options run, flags given
// on the command line override them, paths are relative to the file's folder, and a bad file
// (unknown key, wrong type, a value out of range, a secret written into it) is exit 2 with the
// file and line, before anything is sent.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/lpe_process.h"
#include "support/temp_files.h"

#ifndef LPE_SOURCE_DIR
#error "LPE_SOURCE_DIR must name the source tree (for examples/lpe.toml)"
#endif

namespace lpe {
namespace {

using test_support::LpeRun;
using test_support::TempFile;

LpeRun run(const std::vector<std::string>& args) {
  test_support::LpeRunOptions options;
  options.bound = std::chrono::seconds(120);
  options.merge_stderr = true;
  return test_support::run_lpe(args, options);
}

TEST(ConfigFile, AnUnknownKeyIsExitTwoWithFileAndLine) {
  const TempFile config("bad-key.toml", "seed = 3\nwokers = 2\n");
  const LpeRun r = run({"conform", "--config", config.path()});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("lpe conform: " + config.path() + ":2:1: unknown key 'wokers' (known: "),
            std::string::npos)
      << r.out;
}

TEST(ConfigFile, AWrongTypeIsExitTwoWithFileAndLine) {
  const TempFile config("bad-type.toml", "[reports]\njson = 5\n");
  const LpeRun r = run({"conform", "--config", config.path()});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find(config.path() + ":2:8: 'reports.json' must be a string"), std::string::npos)
      << r.out;
}

TEST(ConfigFile, AValueOutOfRangeNamesWhereTheFileSetsIt) {
  const TempFile config("bad-value.toml", "quiet = true\nworkers = 0\n");
  const LpeRun r = run({"conform", "--config", config.path()});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--workers must be an integer 1..256 (--workers is set in " + config.path() +
                       ":2)"),
            std::string::npos)
      << r.out;
}

TEST(ConfigFile, ASecretInTheFileIsRefusedAndNotPrinted) {
  const TempFile config("secret.toml",
                        "[sigv4]\nenabled = true\nsecret-access-key = \"do-not-print-me-0123\"\n");
  const LpeRun r = run({"conform", "--config", config.path()});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find(config.path() + ":3:1: 'sigv4.secret-access-key': a secret does not belong"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("do-not-print-me-0123"), std::string::npos) << r.out;
}

TEST(ConfigFile, TheFileRunsAndFlagsOverrideIt) {
  const TempFile report("config-report.json");
  const std::string report_name = std::filesystem::path(report.path()).filename().string();
  // The report path is relative: it lands beside the configuration file.
  const TempFile config("run.toml", "seed = 5\ncases = 20\nquiet = true\n[reports]\njson = \"" +
                                        report_name + "\"\n");
  const LpeRun r = run({"conform", "--config", config.path(), "--seed", "6"});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto json = nlohmann::json::parse(report.read(), nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << "no JSON report at " << report.path();
  EXPECT_EQ(json["seed"], 6);
  EXPECT_NE(r.out.find("seed 6"), std::string::npos) << r.out;
}

TEST(ConfigFile, TheExampleFileIsValid) {
  const LpeRun r = run(
      {"conform", "--config", std::string(LPE_SOURCE_DIR) + "/examples/lpe.toml", "--list-checks"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("token_binding"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace lpe
