// Verdicts users can trust (R14), through the real `lpe` executable: AWS's published model works
// everywhere (validate, mock, conform) with every check running; a model with several operations
// needs --operation; a check that cannot run says why in every report form; a model that lacks
// what a check needs is a model error (exit 2); every report names the contract and its hashes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#ifndef LPE_BINARY
#error "LPE_BINARY must name the lpe executable"
#endif
#ifndef LPE_AWS_MODEL
#error "LPE_AWS_MODEL must name the fixture copy of AWS's model"
#endif

namespace lpe {
namespace {

const std::string kAwsModel = LPE_AWS_MODEL;
constexpr const char* kAwsSha256 =
    "be089eef8ccb4bed73218c06b5f8965dd5b0f2cd89b34d6170edfc938feeddca";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

std::string temp(const std::string& name) { return ::testing::TempDir() + "lpe-contract-" + name; }

struct LpeRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs a shell command line, stderr merged into stdout.
LpeRun run_command(const std::string& command_line) {
  const std::string command = command_line + " 2>&1";
  LpeRun r;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

LpeRun run(const std::string& args) { return run_command(std::string(LPE_BINARY) + " " + args); }

nlohmann::json check_entry(const nlohmann::json& report, const std::string& name) {
  for (const auto& c : report["checks"]) {
    if (c["check"] == name) return c;
  }
  return nullptr;
}

TEST(AwsModel, ConformWithEveryCheckRunningAndPassing) {
  const std::string json = temp("aws.json");
  const LpeRun r =
      run("conform --quiet --seed 11 --sigv4 --access-key-id AKIDCONTRACT0001 "
          "--secret-access-key contract-secret-0123 --model " +
          kAwsModel + " --operation ListParticipantEvents --report-json " + json);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto report = nlohmann::json::parse(read_file(json));
  for (const auto& c : report["checks"]) {
    EXPECT_TRUE(c["ran"].get<bool>()) << c.dump();
  }
  EXPECT_EQ(report["checksRan"], report["checks"].size());
  EXPECT_EQ(report["operation"], "com.amazonaws.ivsrealtime#ListParticipantEvents");
  EXPECT_EQ(report["contract"]["origin"], "file");
  EXPECT_EQ(report["contract"]["files"][0]["sha256"], kAwsSha256);
  EXPECT_EQ(report["contract"]["files"][1]["role"], "overlay");
  EXPECT_NE(r.output.find("PASSED: 21 of 21 selected checks ran"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("contract-secret-0123"), std::string::npos) << "secret printed";
}

// Signed against the embedded mock without credentials: both sides share made-up ones.
TEST(EmbeddedMock, SignedRunWithoutCredentialsRunsIgnoredAuth) {
  const std::string json = temp("embedded-sigv4.json");
  const LpeRun r =
      run_command("env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN " +
                  std::string(LPE_BINARY) + " conform --quiet --seed 4 --cases 20 --sigv4 " +
                  "--report-json " + json);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto report = nlohmann::json::parse(read_file(json));
  EXPECT_TRUE(check_entry(report, "ignored_auth")["ran"].get<bool>());
}

TEST(AwsModel, EveryCommandNeedsAnOperationName) {
  const std::string body = temp("body.json");
  std::ofstream(body) << R"({"stageArn":"x"})";
  for (const std::string& args :
       {"validate request " + body + " --model " + kAwsModel, "mock --port 0 --model " + kAwsModel,
        "conform --quiet --model " + kAwsModel}) {
    const LpeRun r = run(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find("the model defines 39 operations; choose one with --operation "
                            "(paginated: ListCompositions"),
              std::string::npos)
        << args << "\n"
        << r.output;
  }
  // With the name, an invalid body is invalid (the first operation of the file is not used).
  const LpeRun v = run("validate request " + body + " --model " + kAwsModel +
                       " --operation ListParticipantEvents");
  EXPECT_EQ(v.exit_code, 1) << v.output;
  EXPECT_NE(v.output.find("3 validation errors detected: Value 'x' at 'stageArn'"),
            std::string::npos)
      << v.output;
}

TEST(SkippedChecks, SayWhyInConsoleJunitAndJson) {
  const std::string json = temp("skip.json");
  const std::string junit = temp("skip.xml");
  const LpeRun r =
      run("conform --seed 5 --cases 20 --report-json " + json + " --report-junit " + junit);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string reason = "needs --sigv4: authentication is checked on signed runs";
  EXPECT_NE(r.output.find("ignored_auth                   did not run: " + reason),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("PASSED: 20 of 21 selected checks ran"), std::string::npos) << r.output;
  const auto report = nlohmann::json::parse(read_file(json));
  const auto auth = check_entry(report, "ignored_auth");
  EXPECT_FALSE(auth["ran"].get<bool>());
  EXPECT_EQ(auth["skipReason"], reason);
  EXPECT_EQ(report["checksRan"], 20);
  const std::string xml = read_file(junit);
  EXPECT_NE(xml.find("<skipped message=\"" + reason + "\"/>"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("not applicable"), std::string::npos) << xml;
}

TEST(Reports, NameTheBundledContractAndItsHashes) {
  const std::string json = temp("bundled.json");
  const std::string junit = temp("bundled.xml");
  const LpeRun r =
      run("conform --quiet --seed 2 --cases 10 --checks positive_data_acceptance "
          "--report-json " +
          json + " --report-junit " + junit);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto report = nlohmann::json::parse(read_file(json));
  EXPECT_EQ(report["contract"]["origin"], "bundled");
  ASSERT_EQ(report["contract"]["files"].size(), 3u);
  EXPECT_EQ(report["contract"]["derivedFrom"]["sha256"], kAwsSha256);
  const std::string model_hash = report["contract"]["files"][0]["sha256"];
  EXPECT_EQ(model_hash.size(), 64u);
  EXPECT_NE(r.output.find("contract: com.amazonaws.ivsrealtime#ListParticipantEvents against the "
                          "bundled model"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(model_hash.substr(0, 12)), std::string::npos) << r.output;
  const std::string xml = read_file(junit);
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
  const std::string model = temp("unpaginated.json");
  std::ofstream(model) << R"({"smithy":"2.0","shapes":{
    "a.b#Op":{"type":"operation","input":{"target":"a.b#In"},"output":{"target":"a.b#Out"},
      "traits":{"smithy.api#http":{"method":"POST","uri":"/Op"}}},
    "a.b#In":{"type":"structure","members":{"id":{"target":"smithy.api#String",
      "traits":{"smithy.api#required":{}}}}},
    "a.b#Out":{"type":"structure","members":{"items":{"target":"a.b#L"}}},
    "a.b#L":{"type":"list","member":{"target":"smithy.api#String"}}}})";
  const LpeRun r = run("conform --quiet --endpoint http://127.0.0.1:1 --model " + model);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("model: a.b#Op has no smithy.api#paginated trait, which page_size_bound"),
            std::string::npos)
      << r.output;
  // Excluding them is the user's way out: then the run goes on (and fails to reach the port).
  const LpeRun excluded = run("conform --quiet --endpoint http://127.0.0.1:1 --model " + model +
                              " --checks positive_data_acceptance");
  EXPECT_EQ(excluded.exit_code, 2) << excluded.output;
  EXPECT_EQ(excluded.output.find("model:"), std::string::npos) << excluded.output;
  EXPECT_NE(excluded.output.find("cannot reach"), std::string::npos) << excluded.output;
}

TEST(ModelErrors, ItemsThatCannotBeInferredAreNamed) {
  const std::string model = temp("two-lists.json");
  std::ofstream(model) << R"({"smithy":"2.0","shapes":{
    "a.b#Op":{"type":"operation","input":{"target":"a.b#In"},"output":{"target":"a.b#Out"},
      "traits":{"smithy.api#http":{"method":"POST","uri":"/Op"},
                "smithy.api#paginated":{"inputToken":"t","outputToken":"t"}}},
    "a.b#In":{"type":"structure","members":{"t":{"target":"smithy.api#String"}}},
    "a.b#Out":{"type":"structure","members":{"t":{"target":"smithy.api#String"},
      "first":{"target":"a.b#L"},"second":{"target":"a.b#L"}}},
    "a.b#L":{"type":"list","member":{"target":"smithy.api#String"}}}})";
  const LpeRun r = run("conform --quiet --endpoint http://127.0.0.1:1 --model " + model);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("several list or map members ('first', 'second')"), std::string::npos)
      << r.output;
}

TEST(Overlay, AnOverlayThatDisagreesWithTheModelIsExit2) {
  const std::string overlay = temp("bad-overlay.json");
  std::ofstream(overlay)
      << R"({"smithy":"2.0","shapes":{"com.amazonaws.ivsrealtime#Event$gone":{"type":"apply",
        "traits":{"lpe.conformance#echoesInput":{"member":"participantId"}}}}})";
  const LpeRun r = run("validate request /dev/null --model " + kAwsModel +
                       " --operation ListParticipantEvents --overlay " + overlay);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("apply targets unknown member 'gone'"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace lpe
