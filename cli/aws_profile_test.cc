// The shared-file INI reader (what it accepts, where it says a line is wrong, never quoting the
// line) and the order credentials and region are looked up in: flags, environment, profile.
#include "cli/aws_profile.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>

namespace lpe::cli {
namespace {

TEST(ParseIni, SectionsKeysCommentsAndNestedSettings) {
  const auto ini = parse_ini(
      "# comment\n"
      "; another\n"
      "[default]\n"
      "aws_access_key_id = AKIDDEFAULT\r\n"
      "AWS_Secret_Access_Key=secret=with=equals\n"
      "\n"
      "[profile dev]\n"
      "region = eu-west-1\n"
      "s3 =\n"
      "  max_concurrent_requests = 10\n"
      "[default]\n"
      "region = us-west-2\n",
      "cfg");
  ASSERT_TRUE(ini) << ini.error().to_string();
  const auto* def = ini->section("default");
  ASSERT_NE(def, nullptr);
  EXPECT_EQ(def->at("aws_access_key_id"), "AKIDDEFAULT");
  EXPECT_EQ(def->at("aws_secret_access_key"), "secret=with=equals");
  EXPECT_EQ(def->at("region"), "us-west-2");
  const auto* dev = ini->section("profile dev");
  ASSERT_NE(dev, nullptr);
  EXPECT_EQ(dev->at("region"), "eu-west-1");
  EXPECT_EQ(dev->at("s3.max_concurrent_requests"), "10");
  EXPECT_EQ(ini->section("dev"), nullptr);
}

TEST(ParseIni, ABadLineIsAnErrorWithFileAndLineAndNoQuote) {
  const std::map<std::string, std::string> cases = {
      {"[default]\nwJalrXUtnFEMI-secret-looking-line\n", "creds:2: expected [section]"},
      {"key = value\n", "creds:1: a setting before the first [section]"},
      {"[default\n", "creds:1: a section header must be [NAME]"},
      {"[ ]\n", "creds:1: a section header must be [NAME]"},
      {"[a]\nx = 1\n  y = 2\n", "creds:3: an indented setting under a key that has a value"},
      {"[a]\n = 1\n", "creds:2: expected [section]"},
  };
  for (const auto& [text, expected] : cases) {
    const auto ini = parse_ini(text, "creds");
    ASSERT_FALSE(ini) << text;
    const std::string message = ini.error().to_string();
    EXPECT_NE(message.find(expected), std::string::npos) << message;
    EXPECT_EQ(message.find("wJalr"), std::string::npos) << message;
  }
}

// Temporary credentials and config files and an environment to resolve against.
class Resolve : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string base = ::testing::TempDir() + "lpe-aws-" + std::to_string(::getpid());
    credentials_ = base + "-credentials";
    config_ = base + "-config";
    std::ofstream(credentials_) << "[default]\n"
                                   "aws_access_key_id = AKIDFILEDEFAULT\n"
                                   "aws_secret_access_key = file-default-secret\n"
                                   "[ci]\n"
                                   "aws_access_key_id = AKIDFILECI\n"
                                   "aws_secret_access_key = file-ci-secret\n"
                                   "aws_session_token = file-ci-token\n"
                                   "[half]\n"
                                   "aws_access_key_id = AKIDHALF\n";
    std::ofstream(config_) << "[default]\n"
                              "region = eu-central-1\n"
                              "[profile ci]\n"
                              "region = ap-south-1\n"
                              "[profile onlyconfig]\n"
                              "aws_access_key_id = AKIDCONFIG\n"
                              "aws_secret_access_key = config-secret\n"
                              "[profile sso]\n"
                              "sso_session = corp\n";
    env_ = {{"AWS_SHARED_CREDENTIALS_FILE", credentials_}, {"AWS_CONFIG_FILE", config_}};
  }
  void TearDown() override {
    std::remove(credentials_.c_str());
    std::remove(config_.c_str());
  }
  CredentialSources sources() {
    CredentialSources s;
    s.env = [this](const char* name) {
      const auto it = env_.find(name);
      return it == env_.end() ? std::string() : it->second;
    };
    return s;
  }
  std::string credentials_, config_;
  std::map<std::string, std::string> env_;
};

TEST_F(Resolve, TheDefaultProfileWhenNothingElseIsGiven) {
  const auto r = resolve_credentials(sources());
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->credentials.access_key_id, "AKIDFILEDEFAULT");
  EXPECT_EQ(r->credentials.secret_access_key, "file-default-secret");
  EXPECT_EQ(r->region, "eu-central-1");
  EXPECT_NE(r->source.find("profile 'default'"), std::string::npos);
}

TEST_F(Resolve, EnvironmentKeysBeatAwsProfileButNotAnExplicitProfile) {
  env_["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  env_["AWS_PROFILE"] = "ci";
  auto r = resolve_credentials(sources());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->credentials.access_key_id, "AKIDENV");
  EXPECT_EQ(r->source, "environment");
  EXPECT_EQ(r->region, "ap-south-1");  // the profile still gives the region
  auto s = sources();
  s.profile = "ci";
  r = resolve_credentials(s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->credentials.access_key_id, "AKIDFILECI");
  EXPECT_EQ(r->credentials.session_token, "file-ci-token");
}

TEST_F(Resolve, FlagsBeatEverythingAndRegionFollowsTheCliOrder) {
  env_["AWS_DEFAULT_REGION"] = "us-east-2";
  auto s = sources();
  s.profile = "ci";
  s.access_key_id = "AKIDFLAG";
  s.secret_access_key = "flag-secret";
  auto r = resolve_credentials(s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->credentials.access_key_id, "AKIDFLAG");
  EXPECT_EQ(r->source, "flags");
  EXPECT_EQ(r->region, "us-east-2");  // AWS_DEFAULT_REGION over the profile's
  env_["AWS_REGION"] = "sa-east-1";
  EXPECT_EQ(resolve_credentials(s)->region, "sa-east-1");
  s.region = "ca-central-1";
  EXPECT_EQ(resolve_credentials(s)->region, "ca-central-1");
}

TEST_F(Resolve, ConfigFileProfilesAndTheirErrors) {
  auto s = sources();
  s.profile = "onlyconfig";
  auto r = resolve_credentials(s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->credentials.access_key_id, "AKIDCONFIG");
  s.profile = "nosuch";
  r = resolve_credentials(s);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().to_string().find("profile 'nosuch' not found in " + credentials_ + " or " +
                                       config_ + " (--profile)"),
            std::string::npos)
      << r.error().to_string();
  s.profile = "half";
  r = resolve_credentials(s);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().to_string().find("has aws_access_key_id but no aws_secret_access_key"),
            std::string::npos);
  s.profile = "sso";
  r = resolve_credentials(s);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().to_string().find("only static keys"), std::string::npos);
  s.profile.reset();
  env_["AWS_PROFILE"] = "nosuch";
  r = resolve_credentials(s);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().to_string().find("(AWS_PROFILE)"), std::string::npos);
}

TEST_F(Resolve, MissingFilesMeanNoCredentialsAndABadFileIsAnError) {
  env_["AWS_SHARED_CREDENTIALS_FILE"] = credentials_ + ".absent";
  env_["AWS_CONFIG_FILE"] = config_ + ".absent";
  auto r = resolve_credentials(sources());
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->credentials.access_key_id.empty());
  EXPECT_EQ(r->region, "us-east-1");
  std::ofstream(config_) << "[default]\nnot a setting\n";
  env_["AWS_CONFIG_FILE"] = config_;
  r = resolve_credentials(sources());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().to_string().find(config_ + ":2: "), 0u) << r.error().to_string();
}

}  // namespace
}  // namespace lpe::cli
