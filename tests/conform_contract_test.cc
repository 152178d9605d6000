// Verdicts users can trust (R14), through the real `lpe` executable: AWS's published model works
// everywhere (validate, mock, conform) with every check running; a model with several operations
// needs --operation; a check that cannot run says why in every report form; a model that lacks
// what a check needs is a model error (exit 2); every report names the contract and its hashes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/lpe_process.h"
#include "support/temp_files.h"

#ifndef LPE_AWS_MODEL
#error "LPE_AWS_MODEL must name the fixture copy of AWS's model"
#endif

namespace lpe {
namespace {

using test_support::LpeRun;
using test_support::TempFile;

const std::string kAwsModel = LPE_AWS_MODEL;
constexpr const char* kAwsSha256 =
    "be089eef8ccb4bed73218c06b5f8965dd5b0f2cd89b34d6170edfc938feeddca";

// Runs `lpe ARGS...` with stderr merged into stdout (`out`), without `unset_env` in its
// environment.
LpeRun run(const std::vector<std::string>& args, std::vector<std::string> unset_env = {}) {
  test_support::LpeRunOptions options;
  options.bound = std::chrono::seconds(240);
  options.merge_stderr = true;
  options.unset_env = std::move(unset_env);
  return test_support::run_lpe(args, options);
}

nlohmann::json check_entry(const nlohmann::json& report, const std::string& name) {
  for (const auto& c : report["checks"]) {
    if (c["check"] == name) return c;
  }
  return nullptr;
}

TEST(AwsModel, ConformWithEveryCheckRunningAndPassing) {
  const TempFile json("aws.json");
  const LpeRun r =
      run({"conform", "--quiet", "--seed", "11", "--sigv4", "--access-key-id", "AKIDCONTRACT0001",
           "--secret-access-key", "contract-secret-0123", "--model", kAwsModel, "--operation",
           "ListParticipantEvents", "--report-json", json.path()});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto report = nlohmann::json::parse(json.read());
  for (const auto& c : report["checks"]) {
    EXPECT_TRUE(c["ran"].get<bool>()) << c.dump();
  }
  EXPECT_EQ(report["checksRan"], report["checks"].size());
  EXPECT_EQ(report["operation"], "com.amazonaws.ivsrealtime#ListParticipantEvents");
  EXPECT_EQ(report["contract"]["origin"], "file");
  EXPECT_EQ(report["contract"]["files"][0]["sha256"], kAwsSha256);
  EXPECT_EQ(report["contract"]["files"][1]["role"], "overlay");
  EXPECT_NE(r.out.find("PASSED: 22 of 22 selected checks ran"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("contract-secret-0123"), std::string::npos) << "secret printed";
}

// Signed against the embedded mock without credentials: both sides share made-up ones.
TEST(EmbeddedMock, SignedRunWithoutCredentialsRunsIgnoredAuth) {
  const TempFile json("embedded-sigv4.json");
  const LpeRun r = run({"conform", "--quiet", "--seed", "4", "--cases", "20", "--sigv4",
                        "--report-json", json.path()},
                       {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto report = nlohmann::json::parse(json.read());
  EXPECT_TRUE(check_entry(report, "ignored_auth")["ran"].get<bool>());
}

TEST(AwsModel, EveryCommandNeedsAnOperationName) {
  const TempFile body("body.json", R"({"stageArn":"x"})");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"validate", "request", body.path(), "--model", kAwsModel},
        {"mock", "--port", "0", "--model", kAwsModel},
        {"conform", "--quiet", "--model", kAwsModel}}) {
    const LpeRun r = run(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << "\n" << r.out;
    EXPECT_NE(r.out.find("the model defines 39 operations; choose one with --operation "
                         "(paginated: ListCompositions"),
              std::string::npos)
        << args[0] << "\n"
        << r.out;
  }
  // With the name, an invalid body is invalid (the first operation of the file is not used).
  const LpeRun v = run({"validate", "request", body.path(), "--model", kAwsModel, "--operation",
                        "ListParticipantEvents"});
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_NE(v.out.find("3 validation errors detected: Value 'x' at 'stageArn'"), std::string::npos)
      << v.out;
}

TEST(SkippedChecks, SayWhyInConsoleJunitAndJson) {
  const TempFile json("skip.json"), junit("skip.xml");
  const LpeRun r = run({"conform", "--seed", "5", "--cases", "20", "--report-json", json.path(),
                        "--report-junit", junit.path()});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string reason = "needs --sigv4: authentication is checked on signed runs";
  EXPECT_NE(r.out.find("ignored_auth                   did not run: " + reason), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("PASSED: 21 of 22 selected checks ran"), std::string::npos) << r.out;
  const auto report = nlohmann::json::parse(json.read());
  const auto auth = check_entry(report, "ignored_auth");
  EXPECT_FALSE(auth["ran"].get<bool>());
  EXPECT_EQ(auth["skipReason"], reason);
  EXPECT_EQ(report["checksRan"], 21);
  const std::string xml = junit.read();
  EXPECT_NE(xml.find("<skipped message=\"" + reason + "\"/>"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("not applicable"), std::string::npos) << xml;
}

TEST(Reports, NameTheBundledContractAndItsHashes) {
  const TempFile json("bundled.json"), junit("bundled.xml");
  const LpeRun r = run({"conform", "--quiet", "--seed", "2", "--cases", "10", "--checks",
                        "positive_data_acceptance", "--report-json", json.path(), "--report-junit",
                        junit.path()});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto report = nlohmann::json::parse(json.read());
  EXPECT_EQ(report["contract"]["origin"], "bundled");
  ASSERT_EQ(report["contract"]["files"].size(), 3u);
  EXPECT_EQ(report["contract"]["derivedFrom"]["sha256"], kAwsSha256);
  const std::string model_hash = report["contract"]["files"][0]["sha256"];
  EXPECT_EQ(model_hash.size(), 64u);
  EXPECT_NE(r.out.find("contract: com.amazonaws.ivsrealtime#ListParticipantEvents against the "
                       "bundled model"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(model_hash.substr(0, 12)), std::string::npos) << r.out;
  const std::string xml = junit.read();
  EXPECT_NE(xml.find("<property name=\"model.model.sha256\" value=\"" + model_hash + "\"/>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<property name=\"operation\" "
                     "value=\"com.amazonaws.ivsrealtime#ListParticipantEvents\"/>"),
            std::string::npos);
}

// A model whose operation is not paginated: the pagination checks cannot run, which is a model
// error before anything is sent (the endpoint here is a closed port), not a pass.
TEST(ModelErrors, ACheckTheModelCannotSupportIsExit2) {
  const TempFile model("unpaginated.json", R"({"smithy":"2.0","shapes":{
    "a.b#Op":{"type":"operation","input":{"target":"a.b#In"},"output":{"target":"a.b#Out"},
      "traits":{"smithy.api#http":{"method":"POST","uri":"/Op"}}},
    "a.b#In":{"type":"structure","members":{"id":{"target":"smithy.api#String",
      "traits":{"smithy.api#required":{}}}}},
    "a.b#Out":{"type":"structure","members":{"items":{"target":"a.b#L"}}},
    "a.b#L":{"type":"list","member":{"target":"smithy.api#String"}}}})");
  const std::vector<std::string> args = {"conform", "--quiet",   "--endpoint", "http://127.0.0.1:1",
                                         "--model", model.path()};
  const LpeRun r = run(args);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("model: a.b#Op has no smithy.api#paginated trait, which page_size_bound"),
            std::string::npos)
      << r.out;
  // Excluding them is the user's way out: then the run goes on (and fails to reach the port).
  auto excluding = args;
  excluding.insert(excluding.end(), {"--checks", "positive_data_acceptance"});
  const LpeRun excluded = run(excluding);
  EXPECT_EQ(excluded.exit_code, 2) << excluded.out;
  EXPECT_EQ(excluded.out.find("model:"), std::string::npos) << excluded.out;
  EXPECT_NE(excluded.out.find("cannot reach"), std::string::npos) << excluded.out;
}

TEST(ModelErrors, ItemsThatCannotBeInferredAreNamed) {
  const TempFile model("two-lists.json", R"({"smithy":"2.0","shapes":{
    "a.b#Op":{"type":"operation","input":{"target":"a.b#In"},"output":{"target":"a.b#Out"},
      "traits":{"smithy.api#http":{"method":"POST","uri":"/Op"},
                "smithy.api#paginated":{"inputToken":"t","outputToken":"t"}}},
    "a.b#In":{"type":"structure","members":{"t":{"target":"smithy.api#String"}}},
    "a.b#Out":{"type":"structure","members":{"t":{"target":"smithy.api#String"},
      "first":{"target":"a.b#L"},"second":{"target":"a.b#L"}}},
    "a.b#L":{"type":"list","member":{"target":"smithy.api#String"}}}})");
  const LpeRun r =
      run({"conform", "--quiet", "--endpoint", "http://127.0.0.1:1", "--model", model.path()});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("several list or map members ('first', 'second')"), std::string::npos)
      << r.out;
}

TEST(Overlay, AnOverlayThatDisagreesWithTheModelIsExit2) {
  const TempFile overlay(
      "bad-overlay.json",
      R"({"smithy":"2.0","shapes":{"com.amazonaws.ivsrealtime#Event$gone":{"type":"apply",
        "traits":{"lpe.conformance#echoesInput":{"member":"participantId"}}}}})");
  const LpeRun r = run({"validate", "request", "/dev/null", "--model", kAwsModel, "--operation",
                        "ListParticipantEvents", "--overlay", overlay.path()});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("apply targets unknown member 'gone'"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace lpe
