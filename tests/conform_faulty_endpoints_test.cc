// The harness proven against faulty endpoints: the reference mock with one behaviour broken each
// (test-only defects), tested end to end by the real `lpe conform` executable. Every defect must
// be detected (exit 1 with the expected check among the findings) and the true mock must pass
// with 20 different seeds (exit 0, no findings: no false positives).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "mock/mock.h"
#include "mock/testing/defects.h"
#include "support/running_mock.h"

#ifndef LPE_BINARY
#error "LPE_BINARY must name the lpe executable"
#endif
#ifndef LPE_TEST_DATA
#error "LPE_TEST_DATA must name tests/data"
#endif

namespace lpe {
namespace {

using test_support::read_file;
using test_support::RunningMock;
const std::string& kData = test_support::kConformData;
constexpr const char* kAkid = test_support::kConformAkid;
constexpr const char* kSecret = test_support::kConformSecret;

struct ConformRun {
  int exit_code = -1;
  std::string output;
  nlohmann::json report;
};

// Runs the lpe executable with `args`; the JSON report is read back.
ConformRun run_lpe(const std::string& args, const std::string& tag) {
  const std::string report = ::testing::TempDir() + "lpe-conform-" + tag + ".json";
  std::remove(report.c_str());
  const std::string command =
      std::string(LPE_BINARY) + " conform --quiet --report-json " + report + " " + args + " 2>&1";
  ConformRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) run.output.append(buf, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.report = nlohmann::json::parse(read_file(report), nullptr, false);
  return run;
}

std::vector<std::string> finding_checks(const ConformRun& run) {
  std::vector<std::string> out;
  if (!run.report.is_object() || !run.report.contains("findings")) return out;
  for (const auto& f : run.report["findings"]) out.push_back(f.value("check", ""));
  return out;
}

struct DefectCase {
  mock::testing::Defect defect;
  std::string expected_check;
  bool strict = false;  // the check is should-level: --strict makes it fail the run
  bool sigv4 = false;
};

// Keeps ctest names readable (gtest would print the parameter's bytes).
void PrintTo(const DefectCase& c, std::ostream* os) { *os << mock::testing::to_string(c.defect); }

class FaultyEndpoints : public ::testing::TestWithParam<DefectCase> {};

// The seeds every defect is run with: a defect must be caught on each of them, not on the seed
// that happens to draw the right case.
constexpr int kSeeds[] = {1, 2, 3, 4, 5};

TEST_P(FaultyEndpoints, AreDetectedByTheExpectedCheckOnEverySeed) {
  const auto& c = GetParam();
  RunningMock mock({c.defect}, c.sigv4);
  const std::string name(mock::testing::to_string(c.defect));
  for (const int seed : kSeeds) {
    std::string args = "--endpoint " + mock.url() + " --targets-file " + kData + " --seed " +
                       std::to_string(seed) + " --cases 80";
    if (c.strict) args += " --strict";
    if (c.sigv4)
      args += std::string(" --sigv4 --access-key-id ") + kAkid + " --secret-access-key " + kSecret;
    const auto run = run_lpe(args, name + "-" + std::to_string(seed));
    EXPECT_EQ(run.exit_code, 1) << "seed " << seed << "\n" << run.output;
    const auto checks = finding_checks(run);
    EXPECT_NE(std::find(checks.begin(), checks.end(), c.expected_check), checks.end())
        << "defect " << name << " not reported by " << c.expected_check << " on seed " << seed
        << "\n"
        << run.output;
    if (seed != kSeeds[0]) continue;
    // Every finding's one-line reproduction reproduces it (checked on the first seed).
    for (const auto& f : run.report["findings"]) {
      if (f.value("check", "") != c.expected_check) continue;
      std::string reproduction = f.value("reproduction", "");
      ASSERT_EQ(reproduction.rfind("lpe conform ", 0), 0u) << reproduction;
      reproduction = reproduction.substr(std::string("lpe conform ").size());
      if (c.sigv4) reproduction += std::string(" --secret-access-key ") + kSecret;
      if (c.sigv4) reproduction += std::string(" --access-key-id ") + kAkid;
      const auto again = run_lpe(reproduction, name + "-again");
      EXPECT_EQ(again.exit_code, 1) << reproduction << "\n" << again.output;
      const auto again_checks = finding_checks(again);
      EXPECT_NE(std::find(again_checks.begin(), again_checks.end(), c.expected_check),
                again_checks.end())
          << reproduction << "\n"
          << again.output;
      break;
    }
  }
}

using mock::testing::Defect;
INSTANTIATE_TEST_SUITE_P(
    EveryDefect, FaultyEndpoints,
    ::testing::Values(DefectCase{Defect::kAcceptsPageSizeAboveMax, "negative_data_rejection"},
                      DefectCase{Defect::kInternalErrorOnMalformedJson, "negative_data_rejection"},
                      DefectCase{Defect::kNoErrorTypeHeader, "error_shape"},
                      DefectCase{Defect::kPageLargerThanPageSize, "page_size_bound"},
                      DefectCase{Defect::kDefaultPageSize100, "page_size_bound"},
                      DefectCase{Defect::kRepeatsLastToken, "termination"},
                      DefectCase{Defect::kDuplicatesBoundaryItem, "walk_consistency"},
                      DefectCase{Defect::kDropsBoundaryItem, "walk_consistency"},
                      DefectCase{Defect::kTokenNotBound, "token_binding"},
                      DefectCase{Defect::kInternalErrorOnTamperedToken, "token_tamper"},
                      DefectCase{Defect::kTimestampWithoutZ, "timestamp_format"},
                      DefectCase{Defect::kMissingItemsMember, "response_schema"},
                      DefectCase{Defect::kWrongErrorTypeName, "negative_data_rejection"},
                      DefectCase{Defect::kAcceptsUnsignedRequests, "ignored_auth", false, true},
                      DefectCase{Defect::kTokenOutsidePattern, "token_format"},
                      DefectCase{Defect::kRejectsUnknownMembers, "unknown_members_ignored"},
                      DefectCase{Defect::kTokenReplayDifferentPage, "token_replay"},
                      DefectCase{Defect::kEmptyTokenRejected, "empty_token_is_first_page", true},
                      DefectCase{Defect::kNoMediaTypeCheck, "content_type", true},
                      DefectCase{Defect::kNoRequestId, "request_id_header", true},
                      DefectCase{Defect::kErrorBodyNotJson, "error_shape"},
                      DefectCase{Defect::kUnknownScopeNotFound, "positive_data_acceptance"},
                      DefectCase{Defect::kEmptyTokenOnLastPage, "termination", true},
                      DefectCase{Defect::kFirstViolationOnly, "validation_message", true},
                      DefectCase{Defect::kWrongSuccessContentType, "response_schema", true},
                      // Found by the coverage phase
                      DefectCase{Defect::kCoercesNumericStringPageSize, "negative_data_rejection"},
                      DefectCase{Defect::kCoercesBooleanPageSize, "negative_data_rejection"},
                      DefectCase{Defect::kAcceptsIntegralFloatPageSize, "negative_data_rejection"},
                      DefectCase{Defect::kWrapsPageSizeToInt32, "negative_data_rejection"},
                      DefectCase{Defect::kPageSizeMaxOffByOne, "negative_data_rejection"},
                      DefectCase{Defect::kLengthMaxOffByOne, "negative_data_rejection"},
                      DefectCase{Defect::kPatternAcceptsUnderscore, "negative_data_rejection"},
                      DefectCase{Defect::kPatternDollarBeforeNewline, "negative_data_rejection"},
                      DefectCase{Defect::kTrimsStringsBeforeValidation, "negative_data_rejection"},
                      DefectCase{Defect::kCaseInsensitivePatterns, "negative_data_rejection"},
                      DefectCase{Defect::kNonAsciiLettersAccepted, "negative_data_rejection"},
                      DefectCase{Defect::kStringsCutAtNul, "negative_data_rejection"},
                      DefectCase{Defect::kEmptyBodyInternalError, "negative_data_rejection"},
                      // Found by the data oracle and the token probes
                      DefectCase{Defect::kDropsOneEvent, "expected_data"},
                      DefectCase{Defect::kSwapsTwoEvents, "expected_data"},
                      DefectCase{Defect::kShiftsEventTime, "expected_data"},
                      DefectCase{Defect::kRenamesJoinedEvent, "expected_data"},
                      DefectCase{Defect::kForeignParticipantEvent, "items_match_request", true},
                      DefectCase{Defect::kErrorCodeOnLateEvent, "response_schema"},
                      DefectCase{Defect::kNoRemoteParticipantOnSubscribe, "response_schema", true},
                      DefectCase{Defect::kLaterTokensCheckedOnPrefix, "token_tamper"},
                      DefectCase{Defect::kTokenBoundCaseInsensitively, "token_binding"},
                      DefectCase{Defect::kTokenBoundByPrefix, "token_binding"},
                      DefectCase{Defect::kValidationCountAlwaysOne, "validation_message", true},
                      DefectCase{Defect::kViolationsSortedByName, "validation_message", true},
                      DefectCase{Defect::kErrorBodyJsonArray, "error_shape"},
                      DefectCase{Defect::kErrorBodyWithoutMessage, "error_shape"},
                      DefectCase{Defect::kErrorBodyPlainText, "error_shape"}),
    [](const auto& info) { return std::string(mock::testing::to_string(info.param.defect)); });

TEST(FaultyEndpointsCoverage, EveryDefectHasACase) {
  // A defect added to the mock without a case here would go unproven.
  EXPECT_EQ(mock::testing::all_defects().size(), 53u);
}

// Without declared data the data oracle says why it did not run, and the per-event checks still
// judge every event of every page (an event of another participant on page 2 at size 50).
TEST(DataOracle, PerEventChecksRunWithoutExpectedData) {
  RunningMock mock({mock::testing::Defect::kForeignParticipantEvent});
  const auto run = run_lpe("--endpoint " + mock.url() +
                               " --target arn:aws:ivs:eu-west-1:210987654321:stage/confB2,"
                               "st-confSessionB1,pHundredTwenty --seed 1 --cases 20 --strict",
                           "oracle-no-data");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  const auto checks = finding_checks(run);
  EXPECT_NE(std::find(checks.begin(), checks.end(), "items_match_request"), checks.end())
      << run.output;
  ASSERT_TRUE(run.report.is_object()) << run.output;
  bool explained = false;
  for (const auto& t : run.report["checks"]) {
    if (t.value("check", "") != "expected_data") continue;
    EXPECT_FALSE(t.value("ran", true));
    explained = t.value("skipReason", "").find("no expected data") != std::string::npos;
  }
  EXPECT_TRUE(explained) << run.report.dump(1);
  EXPECT_NE(run.output.find("no expected data"), std::string::npos) << run.output;
}

// A --targets-file whose events are not items of the model is refused before anything is sent.
TEST(DataOracle, DeclaredEventsMustBeItemsOfTheModel) {
  const std::string path = ::testing::TempDir() + "lpe-bad-events.json";
  {
    std::ofstream out(path);
    out << R"({"stages":[{"arn":"arn:aws:ivs:us-east-1:123456789012:stage/confA1","sessions":[)"
        << R"({"id":"st-confSessionA1","participants":[{"id":"pOne","events":[)"
        << R"({"name":"JOINED","eventTime":"yesterday"}]}]}]}]})";
  }
  const auto run = run_lpe("--endpoint http://127.0.0.1:1 --targets-file " + path, "oracle-bad");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find(path + ": at /stages/0/sessions/0/participants/0/events/0/eventTime"),
            std::string::npos)
      << run.output;
}

TEST(TrueMock, TwentySeedsGiveNoFindings) {
  RunningMock mock({});
  for (int seed = 1; seed <= 20; ++seed) {
    const auto run = run_lpe("--endpoint " + mock.url() + " --targets-file " + kData + " --seed " +
                                 std::to_string(seed) + " --cases 60 --strict",
                             "true-" + std::to_string(seed));
    EXPECT_EQ(run.exit_code, 0) << "seed " << seed << "\n" << run.output;
    EXPECT_TRUE(finding_checks(run).empty()) << "seed " << seed << "\n" << run.output;
  }
}

TEST(TrueMock, SignedRunsPassToo) {
  RunningMock mock({}, true);
  const auto run = run_lpe("--endpoint " + mock.url() + " --targets-file " + kData +
                               " --seed 5 --cases 40 --strict --sigv4 --access-key-id " + kAkid +
                               " --secret-access-key " + kSecret,
                           "true-sigv4");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  // The secret never appears in output or reports.
  EXPECT_EQ(run.output.find(kSecret), std::string::npos);
  EXPECT_EQ(run.report.dump().find(kSecret), std::string::npos);
}

TEST(EmbeddedDefault, PassesWithItsOwnDataset) {
  const auto run = run_lpe("--seed 3 --cases 50 --strict", "embedded");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  ASSERT_TRUE(run.report.is_object()) << run.output;
  EXPECT_GT(run.report["requests"].get<int>(), 1000);
}

TEST(ConformCli, ExitCodesAndReasons) {
  // Unreachable endpoint: exit 2 with a reason.
  auto run = run_lpe(
      "--endpoint http://127.0.0.1:1 --target "
      "arn:aws:ivs:us-east-1:123456789012:stage/abcd,st-a1b2c3d4e5f6g,p1",
      "unreachable");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("cannot reach"), std::string::npos) << run.output;
  // Bad flags.
  run = run_lpe("--cases zero", "badflag");
  EXPECT_EQ(run.exit_code, 2);
  run = run_lpe("--checks no_such_check", "badcheck");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("unknown check 'no_such_check'"), std::string::npos);
  // A target that is not valid for its member.
  run = run_lpe("--endpoint http://127.0.0.1:1 --target arn:bad,st-a1b2c3d4e5f6g,p1", "badtarget");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("is not a valid stageArn"), std::string::npos) << run.output;
  // Signed requests over plain http to a remote host are refused.
  run = run_lpe("--endpoint http://example.com --sigv4 --access-key-id A --secret-access-key B",
                "insecure");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("refusing to send signed requests"), std::string::npos) << run.output;
}

// Hostile endpoints: dropped connections and answers slower than --timeout become findings, and
// the run still ends by itself (no hang, no crash).
TEST(ConformHostile, DroppedConnectionsAreFindings) {
  mock::FaultOptions fault;
  fault.kind = mock::FaultKind::kDrop;
  fault.rate = 0.2;
  RunningMock mock({}, false, fault);
  const auto run = run_lpe(
      "--endpoint " + mock.url() + " --targets-file " + kData + " --seed 2 --cases 40 --timeout 2",
      "hostile-drop");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  const auto checks = finding_checks(run);
  EXPECT_NE(std::find(checks.begin(), checks.end(), "not_a_server_error"), checks.end())
      << run.output;
}

TEST(ConformHostile, SlowAnswersHitThePerRequestTimeout) {
  mock::FaultOptions fault;
  fault.kind = mock::FaultKind::kLatency;
  fault.rate = 0.05;
  fault.latency = std::chrono::milliseconds(1500);
  RunningMock mock({}, false, fault);
  const auto started = std::chrono::steady_clock::now();
  const auto run = run_lpe("--endpoint " + mock.url() + " --targets-file " + kData +
                               " --seed 2 --cases 20 --timeout 0.3 --max-time 60",
                           "hostile-slow");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("no valid HTTP response"), std::string::npos) << run.output;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60));
}

TEST(ConformHostile, MaxTimeStopsTheRun) {
  mock::FaultOptions fault;
  fault.kind = mock::FaultKind::kLatency;
  fault.rate = 1.0;
  fault.latency = std::chrono::milliseconds(200);
  RunningMock mock({}, false, fault);
  const auto started = std::chrono::steady_clock::now();
  const auto run =
      run_lpe("--endpoint " + mock.url() + " --targets-file " + kData + " --seed 2 --max-time 2",
              "hostile-maxtime");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("stopped at --max-time"), std::string::npos) << run.output;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
}

// A raw TCP endpoint on 127.0.0.1 that answers every request with `answer` bytes, then closes.
class RawEndpoint {
 public:
  explicit RawEndpoint(std::string answer) : answer_(std::move(answer)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd_, 16) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot listen";
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      while (!stop_) {
        const int client = accept(fd_, nullptr, nullptr);
        if (client < 0) return;
        // Read the whole request first (headers, then Content-Length bytes): closing a socket
        // with unread data sends a reset, which would race with the answer.
        timeval tv{2, 0};
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        std::string request;
        char buf[4096];
        size_t need = std::string::npos;
        while (need == std::string::npos || request.size() < need) {
          const ssize_t n = recv(client, buf, sizeof buf, 0);
          if (n <= 0) break;
          request.append(buf, static_cast<size_t>(n));
          const auto end = request.find("\r\n\r\n");
          if (need == std::string::npos && end != std::string::npos) {
            size_t length = 0;
            const auto cl = request.find("Content-Length: ");
            if (cl != std::string::npos && cl < end) length = std::stoul(request.substr(cl + 16));
            need = end + 4 + length;
          }
        }
        size_t sent = 0;
        while (sent < answer_.size()) {
          const ssize_t n =
              send(client, answer_.data() + sent, answer_.size() - sent, MSG_NOSIGNAL);
          if (n <= 0) break;
          sent += static_cast<size_t>(n);
        }
        shutdown(client, SHUT_WR);
        while (recv(client, buf, sizeof buf, 0) > 0) {
        }
        close(client);
      }
    });
  }
  ~RawEndpoint() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    if (thread_.joinable()) thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  std::string answer_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(ConformHostile, MalformedHttpIsAReasonNotACrash) {
  RawEndpoint endpoint("THIS IS NOT HTTP\r\n\r\n");
  const auto run =
      run_lpe("--endpoint " + endpoint.url() +
                  " --target "
                  "arn:aws:ivs:us-east-1:123456789012:stage/abcd,st-a1b2c3d4e5f6g,p1 --timeout 2",
              "hostile-garbage");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("no valid HTTP response"), std::string::npos) << run.output;
}

TEST(ConformHostile, HugeBodiesAreCutOffNotBuffered) {
  std::string answer =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 12000000\r\n\r\n";
  answer += std::string(12000000, ' ');
  RawEndpoint endpoint(answer);
  const auto run =
      run_lpe("--endpoint " + endpoint.url() +
                  " --target "
                  "arn:aws:ivs:us-east-1:123456789012:stage/abcd,st-a1b2c3d4e5f6g,p1 --timeout 5",
              "hostile-huge");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("larger than 8388608 bytes"), std::string::npos) << run.output;
}

TEST(ConformCli, RecordThenReplayReproducesFindings) {
  const std::string recording = ::testing::TempDir() + "lpe-record.jsonl";
  {
    RunningMock good({});
    const auto run = run_lpe("--endpoint " + good.url() + " --targets-file " + kData +
                                 " --seed 9 --cases 30 --record " + recording,
                             "record");
    ASSERT_EQ(run.exit_code, 0) << run.output;
  }
  // Replaying the recording against a faulty endpoint finds its defect, without generation.
  RunningMock faulty({mock::testing::Defect::kInternalErrorOnMalformedJson});
  const auto run = run_lpe("--endpoint " + faulty.url() + " --replay " + recording, "replay");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  const auto checks = finding_checks(run);
  EXPECT_NE(std::find(checks.begin(), checks.end(), "negative_data_rejection"), checks.end())
      << run.output;
}

}  // namespace
}  // namespace lpe
