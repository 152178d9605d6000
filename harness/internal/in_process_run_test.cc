// The harness's pieces run for real against in-process endpoints (no sockets): a pagination walk
// against an endpoint that repeats the boundary item is diagnosed by walk_consistency, token
// checks against an endpoint that ignores the token's binding give a token_binding finding, and
// the judge finds an error response without x-amzn-ErrorType. A faithful endpoint gives none.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>

#include "harness/internal/endpoint.h"

#include "harness/internal/in_process_transport.h"
#include "harness/internal/judge.h"
#include "harness/internal/pagination.h"
#include "harness/internal/recorder.h"
#include "harness/internal/run_context.h"
#include "harness/internal/scheduler.h"

namespace lpe::harness::internal {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kStage = "arn:aws:ivs:us-east-1:123456789012:stage/confA1";
constexpr const char* kSession = "st-confSessionA1";

// A small ListParticipantEvents endpoint: `events` JOINED events per participant, pages by
// maxResults (default 50), tokens "T<offset>x<hash>" where the hash binds the offset to the
// list (stage, session, participant). Its faults are switched on one by one.
struct FakeEndpoint {
  int events = 12;
  bool repeat_boundary_item = false;  // each next page starts with the previous page's last item
  bool ignore_token_binding = false;  // the hash covers the offset only
  bool error_type_header = true;      // errors carry x-amzn-ErrorType

  static wire::HttpResponse error(int status, const std::string& type, const std::string& message,
                                  bool with_type) {
    wire::HttpResponse r;
    r.status = status;
    r.headers = {{"Content-Type", "application/json"}, {"x-amzn-RequestId", "req-1"}};
    if (with_type) r.headers.emplace_back("x-amzn-ErrorType", type);
    r.body = Json{{"exceptionMessage", message}}.dump();
    return r;
  }
  std::string token(size_t offset, const std::string& list) const {
    const std::string bound = ignore_token_binding ? std::string() : list;
    const size_t hash = std::hash<std::string>()(bound + "|" + std::to_string(offset));
    char hex[32];
    std::snprintf(hex, sizeof hex, "%016zx", hash);
    return "T" + std::to_string(offset) + "x" + hex;
  }
  wire::HttpResponse operator()(const OutgoingRequest& request) const {
    const auto invalid = [&](const std::string& message) {
      return error(400, "ValidationException", message, error_type_header);
    };
    const Json body = Json::parse(request.body, nullptr, false);
    if (!body.is_object()) return error(400, "SerializationException", "not JSON", true);
    for (const char* m : {"stageArn", "sessionId", "participantId"}) {
      if (!body.contains(m) || !body[m].is_string())
        return invalid(std::string("Value null at '") + m + "' failed to satisfy constraint");
    }
    const std::string participant = body["participantId"];
    const std::string list = body["stageArn"].get<std::string>() + "/" +
                             body["sessionId"].get<std::string>() + "/" + participant;
    int64_t page = 50;
    if (body.contains("maxResults")) {
      if (!body["maxResults"].is_number_integer()) return invalid("maxResults");
      page = body["maxResults"];
      if (page < 1 || page > 100) return invalid("maxResults out of range");
    }
    size_t offset = 0;
    if (body.contains("nextToken") && body["nextToken"].is_string() &&
        !body["nextToken"].get<std::string>().empty()) {
      const std::string t = body["nextToken"];
      const size_t x = t.find('x');
      if (t.size() < 3 || t[0] != 'T' || x == std::string::npos || x == 1 ||
          t.find_first_not_of("0123456789", 1) != x)
        return invalid("the token is not valid");
      offset = std::stoul(t.substr(1, x - 1));
      if (token(offset, list) != t) return invalid("the token is not valid");
    }
    Json items = Json::array();
    // One list holds events; every other list is empty (R11).
    const bool has_events =
        body["stageArn"] == kStage && body["sessionId"] == kSession && participant == "pOne";
    const size_t total = has_events ? static_cast<size_t>(events) : 0;
    const size_t end = std::min(total, offset + static_cast<size_t>(page));
    for (size_t i = offset; i < end; ++i) {
      char time[64];
      std::snprintf(time, sizeof time, "2026-01-01T00:%02zu:%02zuZ", i / 60, i % 60);
      items.push_back({{"name", "JOINED"}, {"participantId", participant}, {"eventTime", time}});
    }
    Json out = {{"events", items}};
    if (end < total) {
      const size_t next = repeat_boundary_item && end - offset > 1 ? end - 1 : end;
      out["nextToken"] = token(next, list);
    }
    wire::HttpResponse r;
    r.status = 200;
    r.headers = {{"Content-Type", "application/json"}, {"x-amzn-RequestId", "req-2"}};
    r.body = out.dump();
    return r;
  }
};

// The pieces of one run, wired as the runner wires them, sending to `endpoint` in process.
struct InProcessRun {
  explicit InProcessRun(const FakeEndpoint& endpoint, std::vector<std::string> checks) {
    options.only_checks = std::move(checks);
    options.seed = 42;
    options.workers = 1;
    options.targets.push_back(Target{{kStage, kSession, "pOne"}});
    options.targets.push_back(Target{{kStage, "st-confSessionB2", "pOne"}});
    session.settings.endpoint = parse_endpoint("http://localhost:8080").value();
    session.transport_factory =
        in_process_transports(session.settings, [endpoint, this](const OutgoingRequest& r) {
          std::lock_guard<std::mutex> lock(mutex);
          return endpoint(r);
        });
    recorder.start_tallies();
  }
  RunResult finish() {
    RunResult result;
    recorder.finish(result);
    return result;
  }
  std::vector<Finding> findings_of(const RunResult& result, const std::string& check) {
    std::vector<Finding> out;
    for (const auto& f : result.findings)
      if (f.check == check) out.push_back(f);
    return out;
  }

  std::shared_ptr<const spec::Model> model = spec::Model::bundled();
  spec::OperationView op = model->operation().value();
  ConformOptions options;
  CheckSelection selection{options};
  Session session{op, options};
  Judge judge{model, op, selection};
  Recorder recorder{options, selection};
  Progress progress;
  RunParts parts{op, options, selection, session, judge, recorder, progress};
  std::mutex mutex;
};

const std::vector<std::string> kPaginationChecks = {
    "walk_consistency", "page_size_bound", "termination",  "token_format",
    "token_replay",     "token_binding",   "token_tamper", "empty_token_is_first_page"};

std::string describe(const RunResult& result) {
  std::string out;
  for (const auto& f : result.findings) out += f.check + ": " + f.message + "\n";
  return out;
}

TEST(InProcessRun, AFaithfulEndpointPassesEveryPaginationCheck) {
  FakeEndpoint endpoint;
  InProcessRun run(endpoint, kPaginationChecks);
  run_pagination(run.parts, 1);
  const RunResult result = run.finish();
  EXPECT_TRUE(result.findings.empty()) << describe(result);
  // Every page size walked both targets, and the token checks ran.
  EXPECT_GT(run.session.requests(), 30u);
  size_t ran = 0;
  for (const auto& t : result.tallies) ran += t.ran && t.passed > 0 && t.failed == 0 ? 1 : 0;
  EXPECT_EQ(ran, kPaginationChecks.size());
}

TEST(InProcessRun, ARepeatedBoundaryItemIsDiagnosedByWalkConsistency) {
  FakeEndpoint endpoint;
  endpoint.repeat_boundary_item = true;
  InProcessRun run(endpoint, {"walk_consistency"});
  run_pagination(run.parts, 1);
  const RunResult result = run.finish();
  const auto findings = run.findings_of(result, "walk_consistency");
  ASSERT_EQ(findings.size(), 1u) << describe(result);  // one per target; the second has no events
  EXPECT_EQ(findings[0].level, spec::Severity::kMust);
  EXPECT_EQ(findings[0].target, std::string(kStage) + "," + kSession + ",pOne");
  EXPECT_NE(findings[0].message.find("with page size 100 12: item 2 is duplicated"),
            std::string::npos)
      << findings[0].message;
  EXPECT_NE(findings[0].message.find("at a page boundary"), std::string::npos)
      << findings[0].message;
}

TEST(InProcessRun, ATokenUsableForAnotherListIsATokenBindingFinding) {
  FakeEndpoint endpoint;
  endpoint.ignore_token_binding = true;
  InProcessRun run(endpoint, {"token_binding", "token_tamper", "token_replay"});
  run_pagination(run.parts, 1);
  const RunResult result = run.finish();
  const auto findings = run.findings_of(result, "token_binding");
  ASSERT_EQ(findings.size(), 1u) << describe(result);
  EXPECT_EQ(findings[0].level, spec::Severity::kMust);
  EXPECT_NE(findings[0].message.find("used with another"), std::string::npos)
      << findings[0].message;
  EXPECT_NE(findings[0].message.find("expected 400 ValidationException, got 200"),
            std::string::npos)
      << findings[0].message;
  // The other token checks still pass: the fault is the binding alone.
  EXPECT_EQ(run.findings_of(result, "token_tamper").size(), 0u) << describe(result);
  EXPECT_EQ(run.findings_of(result, "token_replay").size(), 0u) << describe(result);
}

TEST(InProcessRun, TheJudgeFindsAnErrorWithoutItsTypeHeader) {
  for (const bool with_header : {true, false}) {
    FakeEndpoint endpoint;
    endpoint.error_type_header = with_header;
    InProcessRun run(endpoint, {});
    auto transport = run.session.new_transport();
    const Received r = run.session.send(*transport, run.session.post("{\"maxResults\":0}"));
    ASSERT_TRUE(r.transport_ok()) << r.exchange.transport_error;
    ASSERT_EQ(r.response.status, 400);
    std::vector<Observation> observations;
    run.judge.judge_response(r, observations);
    const Observation* error_shape = nullptr;
    for (const auto& o : observations)
      if (o.check == "error_shape" && !o.note) error_shape = &o;
    ASSERT_NE(error_shape, nullptr);
    EXPECT_EQ(error_shape->failed, !with_header) << error_shape->message;
    if (!with_header) {
      EXPECT_NE(error_shape->message.find("x-amzn-ErrorType"), std::string::npos)
          << error_shape->message;
    }
    // Without the header the type is not found where R8 puts it first, so the expectation of
    // a ValidationException fails too.
    const auto problem =
        Judge::expectation_problem(r, Expectation{400, "ValidationException", {}, ""});
    EXPECT_EQ(problem.has_value(), !with_header) << problem.value_or("");
  }
}

}  // namespace
}  // namespace lpe::harness::internal
