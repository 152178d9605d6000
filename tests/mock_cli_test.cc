// `lpe mock` as users run it: the listening line, SIGTERM, --dump-data, --data errors, flags.
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "mock/mock_test_support.h"
#include "tests/support/lpe_process.h"
#include "tests/support/temp_files.h"

namespace lpe::mock {
namespace {

using test_support::listening_port;
using test_support::LpeBackground;
using test_support::LpeRun;
using test_support::run_lpe;
using test_support::TempFile;
using testing::Json;
using Clock = std::chrono::steady_clock;

LpeRun run_mock(std::vector<std::string> args) {
  args.insert(args.begin(), "mock");
  return run_lpe(args);
}

TEST(MockCli, ListensPrintsTheUrlServesAndStopsOnSigterm) {
  LpeBackground mock({"mock", "--port", "0"});
  const std::string line = mock.first_line(std::chrono::seconds(10));
  const int port = listening_port(line);
  ASSERT_GT(port, 0) << line;
  auto c = testing::client_for(port);
  const auto r =
      c->Post("/ListParticipantEvents",
              testing::body_for(testing::kStage, testing::kSession, "p-51-events").dump(),
              "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  const auto start = Clock::now();
  EXPECT_EQ(mock.stop(SIGTERM, std::chrono::seconds(5)), 0);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
}

TEST(MockCli, StopsOnSigintToo) {
  LpeBackground mock({"mock", "--port", "0", "--threads", "2"});
  ASSERT_GT(listening_port(mock.first_line(std::chrono::seconds(10))), 0);
  EXPECT_EQ(mock.stop(SIGINT, std::chrono::seconds(5)), 0);
}

TEST(MockCli, AccessLogToAFileMasksKeys) {
  const TempFile log("access.log");
  LpeBackground mock({"mock", "--port", "0", "--log", log.path(), "--auth", "sigv4",
                      "--credentials", "AKIDCLITEST00001234:cli-secret-value-0123456789",
                      "--region", "eu-west-1"});
  const int port = listening_port(mock.first_line(std::chrono::seconds(10)));
  ASSERT_GT(port, 0);
  wire::HttpRequest req;
  req.method = "POST";
  req.target = "/ListParticipantEvents";
  req.headers = {{"Host", "127.0.0.1:" + std::to_string(port)},
                 {"Content-Type", "application/json"}};
  req.body = testing::body_for(testing::kStage, testing::kSession, "p-1-event").dump();
  wire::sign_request(req, {"AKIDCLITEST00001234", "cli-secret-value-0123456789", ""}, "eu-west-1",
                     "ivs", std::chrono::system_clock::now());
  httplib::Headers headers;
  for (const auto& [k, v] : req.headers) {
    if (k != "Host" && k != "Content-Type") headers.emplace(k, v);
  }
  auto c = testing::client_for(port);
  const auto r = c->Post("/ListParticipantEvents", headers, req.body, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(mock.stop(SIGTERM, std::chrono::seconds(5)), 0);
  const std::string text = log.read();
  EXPECT_NE(text.find(" POST /ListParticipantEvents 200 "), std::string::npos) << text;
  EXPECT_NE(text.find("key=****1234"), std::string::npos) << text;
  EXPECT_EQ(text.find("cli-secret-value"), std::string::npos) << text;
  EXPECT_EQ(text.find("AKIDCLITEST"), std::string::npos) << text;
}

TEST(MockCli, DumpDataRoundTrips) {
  const LpeRun dump = run_mock({"--dump-data"});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  const Json printed = Json::parse(dump.out);
  EXPECT_EQ(printed, testing::default_dataset()->to_json());
  // Served back with --data, the dump is the same dataset.
  const TempFile file("dump.json", dump.out);
  const LpeRun again = run_mock({"--data", file.path(), "--dump-data"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Json::parse(again.out), printed);
}

TEST(MockCli, BadDataFilesExitTwoWithPointers) {
  const TempFile file(
      "bad.json",
      R"({"stages":[{"arn":"arn:aws:ivs:us-east-1:123456789012:stage/abcd1234","sessions":[{"id":"st-a1b2c3d4e5f6g","participants":[{"id":"p1","events":[{"name":"JOINED","eventTime":"2024-01-01 00:00:00"},{"name":"BOGUS","eventTime":"2024-01-01T00:00:00Z"}]}]}]}]})");
  const std::string& path = file.path();
  const LpeRun r = run_mock({"--data", path, "--port", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");  // never started
  EXPECT_NE(r.err.find(path + ": at /stages/0/sessions/0/participants/0/events/0/eventTime: "),
            std::string::npos)
      << r.err;
  EXPECT_NE(
      r.err.find(path + ": at /stages/0/sessions/0/participants/0/events/1/name: Value 'BOGUS' at "
                        "'name' failed to satisfy constraint: Member must satisfy enum value set"),
      std::string::npos)
      << r.err;
  const LpeRun missing = run_mock({"--data", test_support::temp_path("does-not-exist.json")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot open"), std::string::npos) << missing.err;
}

// The dump is what `lpe conform --targets-file` reads; its scope values and --target values are
// judged by the validators' one engine, and a bad one is one line naming the member and saying
// what is wrong (exit 2 before any request is sent).
TEST(MockCli, DumpIsATargetsFileAndBadScopeValuesAreOneLine) {
  const LpeRun dump = run_mock({"--dump-data"});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  const TempFile file("targets.json", dump.out);
  const std::string& path = file.path();
  const LpeRun accepted = run_lpe({"conform", "--endpoint", "http://127.0.0.1:1", "--targets-file",
                                   path, "--cases", "1", "--timeout", "1"});
  EXPECT_EQ(accepted.exit_code, 2);  // nothing listens there
  EXPECT_NE(accepted.err.find(", 13 targets, "), std::string::npos) << accepted.err;
  EXPECT_NE(accepted.err.find("cannot reach"), std::string::npos) << accepted.err;

  Json bad = Json::parse(dump.out);
  bad["stages"][1]["sessions"][0]["id"] = "st_1";
  file.write(bad.dump());
  const LpeRun refused =
      run_lpe({"conform", "--endpoint", "http://127.0.0.1:1", "--targets-file", path});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find(path +
                             ": at /stages/1/sessions/0/id: not a valid sessionId: Value 'st_1' at "
                             "'sessionId' failed to satisfy constraint: Member must have length "
                             "greater than or equal to 16; Value 'st_1' at 'sessionId' failed to "
                             "satisfy constraint: Member must satisfy regular expression pattern: "
                             "^st-[a-zA-Z0-9]+$\n"),
            std::string::npos)
      << refused.err;

  const LpeRun target =
      run_lpe({"conform", "--endpoint", "http://127.0.0.1:1", "--target",
               "stageArn=arn:aws:ivs:us-east-1:1:stage/a,sessionId=st-a1b2c3d4e5f6g,"
               "participantId=" +
                   std::string(65, 'p')});
  EXPECT_EQ(target.exit_code, 2);
  EXPECT_NE(target.err.find("--target value is not a valid participantId: Value '" +
                            std::string(65, 'p') +
                            "' at 'participantId' failed to satisfy constraint: Member must have "
                            "length less than or equal to 64\n"),
            std::string::npos)
      << target.err;
}

TEST(MockCli, UsageErrorsExitTwo) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--bogus"},
                                             {"--fault", "drop"},
                                             {"--fault-rate", "0.5"},
                                             {"--fault", "explode", "--fault-rate", "0.5"},
                                             {"--fault", "latency:x", "--fault-rate", "0.5"},
                                             {"--fault", "internal", "--fault-rate", "1.5"},
                                             {"--auth", "basic"},
                                             {"--credentials", "A:B"},
                                             {"--auth", "sigv4", "--credentials", "nocolon"},
                                             {"--port", "70000"},
                                             {"--max-body-bytes", "0"},
                                             {"--token-ttl", "-1"},
                                             {"--threads", "0"},
                                             {"stray"}}) {
    const LpeRun r = run_mock(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << r.err;
    EXPECT_EQ(r.err.rfind("lpe mock: ", 0), 0u) << r.err;
  }
  // SigV4 without credentials anywhere.
  ::unsetenv("AWS_ACCESS_KEY_ID");
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  const LpeRun r = run_mock({"--auth", "sigv4"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--credentials"), std::string::npos);
}

TEST(MockCli, HelpDocumentsEveryFlag) {
  const LpeRun r = run_mock({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag :
       {"--host", "--port", "--threads", "--max-body-bytes", "--log", "--data", "--dump-data",
        "--token-ttl", "--token-secret", "--auth", "--credentials", "--region", "--fault",
        "--fault-rate", "--seed", "--model", "--operation"}) {
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace lpe::mock
