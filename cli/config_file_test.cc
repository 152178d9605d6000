#include "cli/config_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace lpe::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

// The options of a small command: every kind of value a key can set.
std::vector<OptionSpec> specs() {
  return {{"endpoint", true, false, ""},       {"target", true, true, ""},
          {"targets-file", true, false, ""},   {"checks", true, false, ""},
          {"exclude-checks", true, false, ""}, {"strict", false, false, ""},
          {"seed", true, false, ""},           {"cases", true, false, ""},
          {"timeout", true, false, ""},        {"rate-limit", true, false, ""},
          {"report-junit", true, false, ""},   {"report-json", true, false, ""},
          {"sigv4", false, false, ""},         {"region", true, false, ""},
          {"access-key-id", true, false, ""},  {"secret-access-key", true, false, ""},
          {"config", true, false, ""}};
}

class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::path(::testing::TempDir()) /
              ("lpe-config-" +
               std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::create_directories(folder_);
    path_ = (folder_ / "lpe.toml").string();
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  void write(const std::string& text) { std::ofstream(path_, std::ios::trunc) << text; }

  // The file read with no option given on the command line.
  Result<ConfigArguments> read(const std::string& text, const std::vector<std::string>& argv = {}) {
    write(text);
    std::vector<std::string> storage = {"lpe", "conform"};
    storage.insert(storage.end(), argv.begin(), argv.end());
    std::vector<char*> pointers;
    for (auto& s : storage) pointers.push_back(s.data());
    const auto given = Args::parse(static_cast<int>(pointers.size()), pointers.data(), 2, specs());
    EXPECT_TRUE(given.ok());
    return read_config_file(path_, conform_config_keys(), specs(), *given);
  }

  std::filesystem::path folder_;
  std::string path_;
};

TEST_F(ConfigFileTest, EveryKindOfValueBecomesItsArguments) {
  const auto config = read(
      "endpoint = \"http://127.0.0.1:8080\"\n"
      "targets = [\"a,b,c\", \"d,e,f\"]\n"
      "targets-file = \"data/targets.json\"\n"
      "checks = [\"events_schema\", \"token_binding\"]\n"
      "exclude-checks = \"ignored_auth\"\n"
      "strict = true\n"
      "seed = 7\n"
      "timeout = 2.5\n"
      "rate-limit = 50\n"
      "[reports]\n"
      "junit = \"out/conform.xml\"\n"
      "json = \"/tmp/conform.json\"\n");
  ASSERT_TRUE(config.ok()) << config.error().message;
  const std::string folder = folder_.string();
  EXPECT_THAT(config->arguments,
              ElementsAre("--endpoint=http://127.0.0.1:8080", "--target=a,b,c", "--target=d,e,f",
                          "--targets-file=" + folder + "/data/targets.json",
                          "--checks=events_schema,token_binding", "--exclude-checks=ignored_auth",
                          "--strict", "--seed=7", "--timeout=2.5", "--rate-limit=50",
                          "--report-junit=" + folder + "/out/conform.xml",
                          "--report-json=/tmp/conform.json"));
  EXPECT_EQ(config->origin.at("seed"), path_ + ":7");
  EXPECT_EQ(config->origin.at("report-junit"), path_ + ":11");
}

TEST_F(ConfigFileTest, FalseLeavesASwitchOff) {
  const auto config = read("strict = false\n");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_THAT(config->arguments, IsEmpty());
}

TEST_F(ConfigFileTest, OptionsOnTheCommandLineOverrideTheFile) {
  const auto config =
      read("seed = 7\ncases = 10\ntargets = [\"a,b,c\"]\n", {"--seed", "9", "--target", "x,y,z"});
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_THAT(config->arguments, ElementsAre("--cases=10"));
}

TEST_F(ConfigFileTest, AnUnknownKeyIsAnErrorWithFileAndLine) {
  const auto config = read("seed = 7\n\nworkerz = 3\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, StartsWith(path_ + ":3:1: unknown key 'workerz'"));
  EXPECT_THAT(config.error().message, HasSubstr("known: endpoint, targets,"));
}

TEST_F(ConfigFileTest, AnUnknownKeyInATableIsAnErrorWithItsLine) {
  const auto config = read("[reports]\njunit = \"a.xml\"\nxml = \"b.xml\"\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, StartsWith(path_ + ":3:1: unknown key 'reports.xml'"));
}

TEST_F(ConfigFileTest, AKeyOfAnOptionThisCommandLacksIsUnknown) {
  // `workers` is a conform key, but the small command of this test has no --workers.
  const auto config = read("workers = 3\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, StartsWith(path_ + ":1:1: unknown key 'workers'"));
}

TEST_F(ConfigFileTest, AWrongTypeIsAnErrorAtTheValue) {
  auto config = read("seed = 7\ncases = \"ten\"\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message, path_ + ":2:9: 'cases' must be an integer");
  config = read("targets = [\"a,b,c\", 5]\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message, path_ + ":1:21: each of 'targets' must be a string");
  config = read("strict = \"yes\"\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message, path_ + ":1:10: 'strict' must be true or false");
}

TEST_F(ConfigFileTest, InvalidTomlIsAnErrorWithItsLine) {
  const auto config = read("seed = 7\nendpoint = \"http://x\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, StartsWith(path_ + ":2:"));
  EXPECT_THAT(config.error().message, HasSubstr("not valid TOML"));
}

TEST_F(ConfigFileTest, ASecretIsNeverReadFromTheFile) {
  const auto config = read("[sigv4]\nsecret-access-key = \"wJalrXUtnFEMI\"\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, StartsWith(path_ + ":2:1: 'sigv4.secret-access-key'"));
  EXPECT_THAT(config.error().message, HasSubstr("'sigv4.secret-access-key-env'"));
  EXPECT_THAT(config.error().message, ::testing::Not(HasSubstr("wJalrXUtnFEMI")));
}

TEST_F(ConfigFileTest, ASecretComesFromTheEnvironmentVariableTheFileNames) {
  ::setenv("LPE_CONFIG_TEST_SECRET", "s3cret", 1);
  auto config = read(
      "[sigv4]\nenabled = true\nregion = \"eu-west-1\"\naccess-key-id = \"AKIDEXAMPLE\"\n"
      "secret-access-key-env = \"LPE_CONFIG_TEST_SECRET\"\n");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_THAT(config->arguments,
              ElementsAre("--sigv4", "--region=eu-west-1", "--access-key-id=AKIDEXAMPLE",
                          "--secret-access-key=s3cret"));
  ::unsetenv("LPE_CONFIG_TEST_SECRET");
  config = read("[sigv4]\nsecret-access-key-env = \"LPE_CONFIG_TEST_SECRET\"\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message,
            path_ +
                ":2:25: 'sigv4.secret-access-key-env' names the environment variable "
                "LPE_CONFIG_TEST_SECRET, which is not set");
}

TEST_F(ConfigFileTest, TwoKeysForOneOptionAreAnError) {
  ::setenv("LPE_CONFIG_TEST_KEY", "AKID", 1);
  const auto config = read(
      "[sigv4]\naccess-key-id = \"AKIDEXAMPLE\"\naccess-key-id-env = \"LPE_CONFIG_TEST_KEY\"\n");
  ::unsetenv("LPE_CONFIG_TEST_KEY");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr(":3:1: 'sigv4.access-key-id-env' and "
                                                "'sigv4.access-key-id' set the same option"));
}

TEST_F(ConfigFileTest, AnErrorAboutAValueNamesWhereTheFileSetIt) {
  const auto config = read("seed = 7\ncases = 0\n");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->annotate("--cases must be an integer 1..1000000"),
            "--cases must be an integer 1..1000000 (--cases is set in " + path_ + ":2)");
  // An option that only begins like one of the file's is not named.
  EXPECT_EQ(config->annotate("--cases-x is wrong"), "--cases-x is wrong");
}

TEST_F(ConfigFileTest, AMissingFileIsAnError) {
  std::vector<std::string> storage = {"lpe", "conform"};
  std::vector<char*> pointers;
  for (auto& s : storage) pointers.push_back(s.data());
  const auto given = Args::parse(2, pointers.data(), 2, specs());
  const auto config =
      read_config_file(path_ + ".absent", conform_config_keys(), specs(), given.value());
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr("No such file or directory"));
}

}  // namespace
}  // namespace lpe::cli
