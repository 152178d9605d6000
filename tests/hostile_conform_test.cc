// `lpe conform` against hostile endpoints and hostile input files, end to end through the real
// executable: raw-socket servers on 127.0.0.1 (port 0) that drip, flood interim responses or
// headers, reflect secrets and escape sequences. Each test asserts what a user expects: lpe exits
// by itself within a bound, with the expected code and a one-line reason, its peak RSS stays
// below a bound, nothing is sent when an input or output is bad, and no secret or raw control
// byte reaches output. Loopback only; every server stops with its test.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "support/loopback.h"
#include "support/lpe_process.h"
#include "support/temp_files.h"

namespace lpe {
namespace {

using namespace std::chrono_literals;
using test_support::describe;
using test_support::LpeRun;
using test_support::RawConnection;
using test_support::RawServer;
using test_support::run_lpe;
using test_support::TempFile;

constexpr const char* kTarget =
    "arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234,st-a1b2c3d4e5f6g,p1";
constexpr long kMaxRssKiB = 200 * 1024;  // lpe's peak resident set, whatever the peer sends
constexpr const char* kOkAnswer =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nx-amzn-RequestId: r1\r\n"
    "Content-Length: 13\r\n\r\n{\"events\":[]}";

using Hostile = std::function<void(RawConnection&, RawServer&)>;

// Answers the first `good` requests the server reads with kOkAnswer, then runs `hostile`.
RawServer::Serve good_then(int good, Hostile hostile) {
  return [good, hostile](RawConnection& c, RawServer& s) {
    std::string request;
    while (s.next_request(c, request)) {
      if (s.requests.load() <= good) {
        if (!c.write(kOkAnswer)) return;
        continue;
      }
      hostile(c, s);
      return;
    }
  };
}

// Writes `head` once, then `unit` every `pause` until the client leaves or the test ends.
Hostile endless(std::string head, std::string unit, std::chrono::milliseconds pause) {
  return [=](RawConnection& c, RawServer& s) {
    if (!c.write(head)) return;
    while (!s.stop && c.write(unit)) {
      if (pause.count() > 0) std::this_thread::sleep_for(pause);
    }
  };
}

// Writes `answer` to every request, the one already read included.
Hostile answer_each(std::string answer) {
  return [answer](RawConnection& c, RawServer& s) {
    std::string request;
    do {
      if (!c.write(answer)) return;
    } while (s.next_request(c, request));
  };
}

// ---- 1. hangs and memory growth -------------------------------------------------------------

struct HangCase {
  const char* name;
  Hostile hostile;
  const char* reason;
};

// Each hostile answer to the very first request (the reachability probe): exit 2 with the
// reason, within seconds, in bounded memory.
TEST(HostileConform, HostileAnswersEndTheRunWithAReasonInBoundedTimeAndMemory) {
  const std::string ok = "HTTP/1.1 200 OK\r\n";
  const HangCase cases[] = {
      {"one byte a second", endless(ok, "X", 1000ms),
       "no complete response within 2 s (--timeout)"},
      {"endless 100 Continue", endless("", "HTTP/1.1 100 Continue\r\n\r\n", 0ms),
       "more than 10 interim (1xx) responses"},
      {"endless header line", endless(ok + "X-Endless: ", std::string(65536, 'a'), 0ms),
       "response header block larger than 65536 bytes"},
      {"endless headers", endless(ok, "X-A: b\r\n", 0ms), "more than 100 response headers"},
      {"endless chunked body",
       endless(ok + "Transfer-Encoding: chunked\r\n\r\n",
               "10000\r\n" + std::string(65536, 'x') + "\r\n", 0ms),
       "response body larger than 8388608 bytes"},
  };
  for (const auto& c : cases) {
    RawServer server(good_then(0, c.hostile));
    const auto run = run_lpe(
        {"conform", "--quiet", "--endpoint", server.url(), "--target", kTarget, "--timeout", "2"},
        30s);
    EXPECT_EQ(run.exit_code, 2) << c.name << "\n" << describe(run);
    EXPECT_NE(run.err.find("cannot reach"), std::string::npos) << c.name << "\n" << describe(run);
    EXPECT_NE(run.err.find(c.reason), std::string::npos) << c.name << "\n" << describe(run);
    EXPECT_LT(run.took, 10s) << c.name << "\n" << describe(run);
    EXPECT_LT(run.max_rss_kib, kMaxRssKiB) << c.name << "\n" << describe(run);
  }
}

// After a good first answer, every request drips: each becomes a transport-error finding
// (not_a_server_error) at the exchange deadline, and the run ends by itself (exit 1).
TEST(HostileConform, DrippingAnswersAreFindingsAtTheExchangeDeadline) {
  RawServer server(good_then(1, endless("HTTP/1.1 200 OK\r\nX-Drip: ", "a", 300ms)));
  const TempFile report("hostile-drip.json");
  const auto run = run_lpe({"conform", "--quiet", "--endpoint", server.url(), "--target", kTarget,
                            "--checks", "not_a_server_error", "--cases", "2", "--timeout", "1",
                            "--max-shrink-steps", "0", "--report-json", report.path()},
                           60s);
  EXPECT_EQ(run.exit_code, 1) << describe(run);
  EXPECT_NE(run.out.find("no complete response within 1 s (--timeout)"), std::string::npos)
      << describe(run);
  EXPECT_LT(run.took, 30s) << describe(run);
  EXPECT_LT(run.max_rss_kib, kMaxRssKiB) << describe(run);
}

// --max-time stops requests in flight: a server that never finishes its answers, with a
// --timeout far beyond --max-time, still ends the run at --max-time (exit 2, incomplete).
TEST(HostileConform, MaxTimeStopsRequestsInFlight) {
  RawServer server(good_then(1, endless("HTTP/1.1 200 OK\r\n", "X-A: b\r\n", 500ms)));
  const auto run = run_lpe({"conform", "--quiet", "--endpoint", server.url(), "--target", kTarget,
                            "--timeout", "600", "--max-time", "2"},
                           60s);
  EXPECT_EQ(run.exit_code, 2) << describe(run);
  EXPECT_NE(run.out.find("stopped at --max-time"), std::string::npos) << describe(run);
  EXPECT_LT(run.took, 8s) << describe(run);
  EXPECT_LT(run.max_rss_kib, kMaxRssKiB) << describe(run);
  // Interrupted exchanges are not findings against the endpoint.
  EXPECT_EQ(run.out.find("MUST"), std::string::npos) << describe(run);
}

// ---- 2. signed requests over plain http to a remote host -----------------------------------

TEST(HostileConform, SignedRequestsToLookalikeHostsAreRefusedBeforeAnyLookup) {
  for (const char* endpoint :
       {"http://localhost.attacker.example", "http://localhost.attacker.example:8080",
        "http://127.evil.example", "http://127.0.0.1.nip.io", "http://127.0.0.1.nip.io:80/base",
        "http://localhost.", "http://127.1"}) {
    const auto run = run_lpe({"conform", "--quiet", "--endpoint", endpoint, "--target", kTarget,
                              "--sigv4", "--access-key-id", "AKIDHOSTILETEST00001",
                              "--secret-access-key", "hostile-test-secret-0123456789"},
                             20s);
    EXPECT_EQ(run.exit_code, 2) << endpoint << "\n" << describe(run);
    EXPECT_NE(run.err.find("refusing to send signed requests over plain http to a non-loopback "
                           "host"),
              std::string::npos)
        << endpoint << "\n"
        << describe(run);
  }
  // User information would make the host what follows '@': refused as an endpoint.
  for (const char* endpoint :
       {"http://127.0.0.1@evil.example", "http://localhost:1@evil.example"}) {
    const auto run = run_lpe({"conform", "--quiet", "--endpoint", endpoint, "--target", kTarget,
                              "--sigv4", "--access-key-id", "AKIDHOSTILETEST00001",
                              "--secret-access-key", "hostile-test-secret-0123456789"},
                             20s);
    EXPECT_EQ(run.exit_code, 2) << endpoint << "\n" << describe(run);
    EXPECT_NE(run.err.find("--endpoint: endpoint must not contain user information"),
              std::string::npos)
        << describe(run);
  }
}

TEST(HostileConform, LookalikeHostsGetTheRemoteRateLimit) {
  // Stopped by an unwritable report before anything is sent (no lookup, no traffic).
  for (const char* endpoint :
       {"http://localhost.attacker.example:9", "http://127.0.0.1.nip.io:9"}) {
    const auto run = run_lpe({"conform", "--quiet", "--endpoint", endpoint, "--target", kTarget,
                              "--report-json", "/nonexistent-lpe-dir/report.json"},
                             20s);
    EXPECT_EQ(run.exit_code, 2) << describe(run);
    EXPECT_NE(run.err.find("is not a loopback host: at most 10 requests/s"), std::string::npos)
        << endpoint << "\n"
        << describe(run);
  }
}

TEST(HostileConform, LiteralLoopbackFormsMaySignOverPlainHttp) {
  RawServer server(good_then(1000000, nullptr));
  for (const std::string host : {"127.0.0.1", "[::ffff:127.0.0.1]", "localhost", "LOCALHOST"}) {
    const std::string endpoint = "http://" + host + ":" + std::to_string(server.port());
    const auto run = run_lpe(
        {"conform", "--quiet", "--endpoint", endpoint, "--target", kTarget, "--sigv4",
         "--access-key-id", "AKIDHOSTILETEST00001", "--secret-access-key",
         "hostile-test-secret-0123456789", "--checks", "not_a_server_error", "--cases", "1"},
        60s);
    // Reached and judged (the stub answers every request alike, so other checks may fail).
    EXPECT_NE(run.exit_code, 2) << host << "\n" << describe(run);
    EXPECT_EQ(run.err.find("refusing"), std::string::npos) << host << "\n" << describe(run);
    EXPECT_EQ(run.err.find("not a loopback host"), std::string::npos) << describe(run);
  }
}

// ---- 3. --replay files are untrusted --------------------------------------------------------

TEST(HostileConform, ReplayFilesAreValidatedBeforeAnythingIsSent) {
  RawServer server(good_then(1000000, nullptr));
  const TempFile replay("hostile-replay.jsonl");
  const std::string& path = replay.path();
  const std::string good =
      R"({"exchange":{"request":{"method":"POST","path":"/ListParticipantEvents",)"
      R"("headers":{"Content-Type":"application/json"},"body":"{}"}},)"
      R"("expectation":{"check":"negative_data_rejection","status":400}})";
  const std::pair<std::string, std::string> cases[] = {
      {R"({"exchange":{"request":{"method":"POST /x HTTP/1.1\r\nHost: evil\r\n\r\nPOST"}},)"
       R"("expectation":{"status":200}})",
       ":2: exchange.request.method: not an HTTP method token (control character 0x0d)"},
      {R"({"exchange":{"request":{"headers":{"Content-Type":"a\r\nContent-Length: 0\r\n\r\nGET / HTTP/1.1"}}},)"
       R"("expectation":{"status":200}})",
       ":2: exchange.request.headers.Content-Type: control character 0x0d in the value"},
      {R"({"exchange":{"request":{"method":1}},"expectation":{"status":200}})",
       ":2: exchange.request.method: must be a string, got an integer"},
      {R"({"exchange":{"request":{}},"expectation":{"status":"200"}})",
       ":2: expectation.status: must be an integer, got a string"},
      {R"({"exchange":[],"expectation":{"status":200}})",
       ":2: exchange: must be an object, got an array"},
      {std::string(5u << 20, ' '), ":2: line longer than 4194304 bytes"},
  };
  for (const auto& [line, reason] : cases) {
    replay.write(good + "\n" + line + "\n");
    const auto run =
        run_lpe({"conform", "--quiet", "--endpoint", server.url(), "--replay", path}, 30s);
    EXPECT_EQ(run.exit_code, 2) << describe(run);
    EXPECT_NE(run.err.find(path + reason), std::string::npos) << reason << "\n" << describe(run);
    // One line on stderr, nothing raw from the file.
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << describe(run);
    EXPECT_EQ(run.err.find('\r'), std::string::npos) << describe(run);
    EXPECT_LT(run.max_rss_kib, kMaxRssKiB) << describe(run);
  }
  EXPECT_EQ(server.connections.load(), 0) << "a request went out before the file was checked";
}

// ---- 4. terminal and report hygiene ---------------------------------------------------------

TEST(HostileConform, EscapeSequencesFromAResponseNeverReachTheTerminal) {
  const std::string hostile_body =
      "\x1b]0;owned\x07\x1b[2J\xc2\x9b"
      "31mred\xff";
  const std::string answer =
      "HTTP/1.1 500 Internal Server Error\r\nX-Evil: \x1b[5m\r\n"
      "Content-Length: " +
      std::to_string(hostile_body.size()) + "\r\n\r\n" + hostile_body;
  RawServer server(good_then(1, answer_each(answer)));
  const auto run =
      run_lpe({"conform", "--quiet", "--endpoint", server.url(), "--target", kTarget, "--checks",
               "not_a_server_error", "--cases", "1", "--max-shrink-steps", "0"},
              60s);
  EXPECT_EQ(run.exit_code, 1) << describe(run);
  EXPECT_NE(run.out.find("\\x1b]0;owned"), std::string::npos) << describe(run);
  for (const std::string raw : {"\x1b", "\x07", "\xc2\x9b", "\xff"}) {
    EXPECT_EQ(run.out.find(raw), std::string::npos) << describe(run);
    EXPECT_EQ(run.err.find(raw), std::string::npos) << describe(run);
  }

  // lpe validate shows a hostile response without its control bytes too.
  const TempFile response(
      "hostile-response.http",
      "HTTP/1.1 400 Bad\r\nx-amzn-ErrorType: \x1b[31mEvil\xc2\x9b\r\nContent-Type: "
      "application/json\r\n\r\n{\"exceptionMessage\":\"\x1b[2J\xc2\x85\"}");
  const auto validate = run_lpe({"validate", "response", response.path()}, 20s);
  EXPECT_EQ(validate.exit_code, 1) << describe(validate);
  EXPECT_FALSE(validate.out.empty());
  for (const std::string raw : {"\x1b", "\xc2\x9b", "\xc2\x85"}) {
    EXPECT_EQ(validate.out.find(raw), std::string::npos) << describe(validate);
    EXPECT_EQ(validate.err.find(raw), std::string::npos) << describe(validate);
  }
}

// A body nested 200,000 levels deep (400 KB, within every size limit) on every answer after the
// first: judged as not valid JSON by the bounded reader, never parsed into a DOM whose copy would
// recurse once per level. The run ends with findings, not a crash.
TEST(HostileConform, DeeplyNestedBodiesAreFindingsNotCrashes) {
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  const std::string answer =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
      "x-amzn-RequestId: r\r\nContent-Length: " +
      std::to_string(deep.size()) + "\r\n\r\n" + deep;
  RawServer server(good_then(1, answer_each(answer)));
  const auto run = run_lpe({"conform", "--quiet", "--endpoint", server.url(), "--target", kTarget,
                            "--cases", "3", "--max-shrink-steps", "0", "--timeout", "5"},
                           120s);
  EXPECT_EQ(run.exit_code, 1) << describe(run);
  EXPECT_NE(run.out.find("response_schema"), std::string::npos) << describe(run);
  EXPECT_LT(run.max_rss_kib, kMaxRssKiB) << describe(run);
}

TEST(HostileConform, UnwritableOutputsStopTheRunBeforeAnythingIsSent) {
  RawServer server(good_then(1000000, nullptr));
  const std::string dir = ::testing::TempDir();
  for (const char* option : {"--report-junit", "--report-json", "--record"}) {
    const auto run = run_lpe({"conform", "--quiet", "--endpoint", server.url(), "--target", kTarget,
                              option, "/nonexistent-lpe-dir/out.file"},
                             20s);
    EXPECT_EQ(run.exit_code, 2) << option << "\n" << describe(run);
    EXPECT_NE(run.err.find(std::string("cannot write ") + option +
                           " /nonexistent-lpe-dir/out.file: No such file or directory"),
              std::string::npos)
        << describe(run);
  }
  // A directory is not a report file either.
  const auto run = run_lpe(
      {"conform", "--quiet", "--endpoint", server.url(), "--target", kTarget, "--report-json", dir},
      20s);
  EXPECT_EQ(run.exit_code, 2) << describe(run);
  EXPECT_EQ(server.connections.load(), 0) << "a request went out before the outputs were checked";
}

TEST(HostileConform, ReflectedSecretsAreMaskedEverywhere) {
  const std::string secret = "hostile/Secret+Key0123456789abcdefEXAMPLE";
  const std::string token = "FwoGZXIvYXdzEHostileSessionToken0123456789==";
  // Answers with a 500 that reflects the request headers (the session token among them) and the
  // secret key, in the body and in a header.
  RawServer server(good_then(1, [secret](RawConnection& c, RawServer& s) {
    const auto seen = s.seen();
    std::string request = seen.empty() ? "" : seen.back();
    do {
      std::string body = "{\"echo\":" + std::to_string(request.size()) + ",\"request\":\"";
      for (char ch : request) body += (ch == '\r' || ch == '\n' || ch == '"') ? ' ' : ch;
      body += "\",\"secret\":\"" + secret + "\"}";
      const auto token_at = request.find("X-Amz-Security-Token: ");
      const std::string reflected =
          token_at == std::string::npos ? "" : request.substr(token_at + 22, 44);
      if (!c.write("HTTP/1.1 500 Oops\r\nX-Reflected: " + reflected +
                   "\r\nContent-Type: application/json\r\nContent-Length: " +
                   std::to_string(body.size()) + "\r\n\r\n" + body))
        return;
    } while (s.next_request(c, request));
  }));
  const TempFile json("hostile-mask.json"), junit("hostile-mask.xml"), record("hostile-mask.jsonl");
  const auto run = run_lpe({"conform",
                            "--quiet",
                            "--endpoint",
                            server.url(),
                            "--target",
                            kTarget,
                            "--sigv4",
                            "--access-key-id",
                            "AKIDHOSTILETEST00001",
                            "--secret-access-key",
                            secret,
                            "--session-token",
                            token,
                            "--checks",
                            "not_a_server_error",
                            "--cases",
                            "2",
                            "--max-shrink-steps",
                            "0",
                            "--report-json",
                            json.path(),
                            "--report-junit",
                            junit.path(),
                            "--record",
                            record.path()},
                           60s);
  EXPECT_EQ(run.exit_code, 1) << describe(run);
  // The server did receive the token (signed requests carry it) and reflected it.
  const auto seen = server.seen();
  ASSERT_FALSE(seen.empty());
  EXPECT_NE(seen.back().find(token), std::string::npos);
  const std::string outputs[] = {run.out, run.err, json.read(), junit.read(), record.read()};
  for (const auto& text : outputs) {
    EXPECT_FALSE(text.empty());
    EXPECT_EQ(text.find(token), std::string::npos) << text.substr(0, 3000);
    EXPECT_EQ(text.find(secret), std::string::npos) << text.substr(0, 3000);
    // Not even the first half of either.
    EXPECT_EQ(text.find(token.substr(0, 20)), std::string::npos) << text.substr(0, 3000);
    EXPECT_EQ(text.find(secret.substr(0, 20)), std::string::npos) << text.substr(0, 3000);
  }
  EXPECT_NE(record.read().find("***"), std::string::npos);
}

TEST(HostileConform, BadEndpointsGetAOneLineReason) {
  for (const char* endpoint : {"http://ho\nst:80", "http://\x1b[31mred:80", "http://host:99999",
                               "http://[::1", "example.com", "http://a b"}) {
    const auto run =
        run_lpe({"conform", "--quiet", "--endpoint", endpoint, "--target", kTarget}, 20s);
    EXPECT_EQ(run.exit_code, 2) << describe(run);
    EXPECT_EQ(run.err.rfind("lpe conform: --endpoint: ", 0), 0u) << describe(run);
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << describe(run);
    EXPECT_EQ(run.err.find('\x1b'), std::string::npos) << describe(run);
  }
}

}  // namespace
}  // namespace lpe
