// `lpe mock` as users run it: the listening line, SIGTERM, --dump-data, --data errors, flags.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/mock_test_support.h"

#ifndef LPE_BINARY
#error "LPE_BINARY must name the lpe executable"
#endif

namespace lpe::mock {
namespace {

using testing::Json;
using Clock = std::chrono::steady_clock;

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string temp_path(const std::string& name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/lpe-mock-cli-" +
         std::to_string(::getpid()) + "-" + name;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Runs `lpe COMMAND ARGS...` to completion (for commands that exit by themselves).
CliRun run_lpe(const char* command, const std::vector<std::string>& args) {
  const std::string out_path = temp_path("out"), err_path = temp_path("err");
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<char*> argv = {const_cast<char*>(LPE_BINARY), const_cast<char*>(command)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(LPE_BINARY, argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CliRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  ::unlink(out_path.c_str());
  ::unlink(err_path.c_str());
  return r;
}

CliRun run_mock(const std::vector<std::string>& args) { return run_lpe("mock", args); }

// `lpe mock` running in the background with its stdout on a pipe.
class Background {
 public:
  explicit Background(const std::vector<std::string>& args) {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      ::close(fds[0]);
      std::vector<char*> argv = {const_cast<char*>(LPE_BINARY), const_cast<char*>("mock")};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(LPE_BINARY, argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
  }
  ~Background() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
  }

  // The first stdout line (without newline), waiting at most `timeout`.
  std::string first_line(std::chrono::milliseconds timeout) {
    std::string line;
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      pollfd pfd{out_, POLLIN, 0};
      if (::poll(&pfd, 1, 50) <= 0) continue;
      char c;
      if (::read(out_, &c, 1) != 1) break;
      if (c == '\n') return line;
      line.push_back(c);
    }
    return line;
  }

  // Sends `signal` and returns the exit code (-1 when it did not exit within `timeout`).
  int stop(int signal, std::chrono::milliseconds timeout) {
    ::kill(pid_, signal);
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  bool reaped_ = false;
};

int port_of(const std::string& line) {
  const std::string prefix = "listening http://127.0.0.1:";
  if (line.rfind(prefix, 0) != 0) return -1;
  return std::atoi(line.c_str() + prefix.size());
}

TEST(MockCli, ListensPrintsTheUrlServesAndStopsOnSigterm) {
  Background mock({"--port", "0"});
  const std::string line = mock.first_line(std::chrono::seconds(10));
  const int port = port_of(line);
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
  Background mock({"--port", "0", "--threads", "2"});
  ASSERT_GT(port_of(mock.first_line(std::chrono::seconds(10))), 0);
  EXPECT_EQ(mock.stop(SIGINT, std::chrono::seconds(5)), 0);
}

TEST(MockCli, AccessLogToAFileMasksKeys) {
  const std::string log = temp_path("access.log");
  ::unlink(log.c_str());
  Background mock({"--port", "0", "--log", log, "--auth", "sigv4", "--credentials",
                   "AKIDCLITEST00001234:cli-secret-value-0123456789", "--region", "eu-west-1"});
  const int port = port_of(mock.first_line(std::chrono::seconds(10)));
  ASSERT_GT(port, 0);
  wire::HttpRequestView req;
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
  const std::string text = read_file(log);
  ::unlink(log.c_str());
  EXPECT_NE(text.find(" POST /ListParticipantEvents 200 "), std::string::npos) << text;
  EXPECT_NE(text.find("key=****1234"), std::string::npos) << text;
  EXPECT_EQ(text.find("cli-secret-value"), std::string::npos) << text;
  EXPECT_EQ(text.find("AKIDCLITEST"), std::string::npos) << text;
}

TEST(MockCli, DumpDataRoundTrips) {
  const CliRun dump = run_mock({"--dump-data"});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  const Json printed = Json::parse(dump.out);
  EXPECT_EQ(printed, testing::default_dataset()->to_json());
  // Served back with --data, the dump is the same dataset.
  const std::string path = temp_path("dump.json");
  write_file(path, dump.out);
  const CliRun again = run_mock({"--data", path, "--dump-data"});
  ::unlink(path.c_str());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Json::parse(again.out), printed);
}

TEST(MockCli, BadDataFilesExitTwoWithPointers) {
  const std::string path = temp_path("bad.json");
  write_file(
      path,
      R"({"stages":[{"arn":"arn:aws:ivs:us-east-1:123456789012:stage/abcd1234","sessions":[{"id":"st-a1b2c3d4e5f6g","participants":[{"id":"p1","events":[{"name":"JOINED","eventTime":"2024-01-01 00:00:00"},{"name":"BOGUS","eventTime":"2024-01-01T00:00:00Z"}]}]}]}]})");
  const CliRun r = run_mock({"--data", path, "--port", "0"});
  ::unlink(path.c_str());
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
  const CliRun missing = run_mock({"--data", temp_path("does-not-exist.json")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot open"), std::string::npos) << missing.err;
}

// The dump is what `lpe conform --targets-file` reads; its scope values and --target values are
// judged by the validators' one engine, and a bad one is one line naming the member and saying
// what is wrong (exit 2 before any request is sent).
TEST(MockCli, DumpIsATargetsFileAndBadScopeValuesAreOneLine) {
  const CliRun dump = run_mock({"--dump-data"});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  const std::string path = temp_path("targets.json");
  write_file(path, dump.out);
  const CliRun accepted = run_lpe("conform", {"--endpoint", "http://127.0.0.1:1", "--targets-file",
                                              path, "--cases", "1", "--timeout", "1"});
  EXPECT_EQ(accepted.exit_code, 2);  // nothing listens there
  EXPECT_NE(accepted.err.find(", 13 targets, "), std::string::npos) << accepted.err;
  EXPECT_NE(accepted.err.find("cannot reach"), std::string::npos) << accepted.err;

  Json bad = Json::parse(dump.out);
  bad["stages"][1]["sessions"][0]["id"] = "st_1";
  write_file(path, bad.dump());
  const CliRun refused =
      run_lpe("conform", {"--endpoint", "http://127.0.0.1:1", "--targets-file", path});
  ::unlink(path.c_str());
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find(path +
                             ": at /stages/1/sessions/0/id: not a valid sessionId: Value 'st_1' at "
                             "'sessionId' failed to satisfy constraint: Member must have length "
                             "greater than or equal to 16; Value 'st_1' at 'sessionId' failed to "
                             "satisfy constraint: Member must satisfy regular expression pattern: "
                             "^st-[a-zA-Z0-9]+$\n"),
            std::string::npos)
      << refused.err;

  const CliRun target =
      run_lpe("conform", {"--endpoint", "http://127.0.0.1:1", "--target",
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
    const CliRun r = run_mock(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << r.err;
    EXPECT_EQ(r.err.rfind("lpe mock: ", 0), 0u) << r.err;
  }
  // SigV4 without credentials anywhere.
  ::unsetenv("AWS_ACCESS_KEY_ID");
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  const CliRun r = run_mock({"--auth", "sigv4"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--credentials"), std::string::npos);
}

TEST(MockCli, HelpDocumentsEveryFlag) {
  const CliRun r = run_mock({"--help"});
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
