// Orchestration of a conformance run: set-up (endpoint, preflight, reachability, record file),
// then the check families in their order (generated request cases, protocol probes, pagination
// walks and token checks, auth probes; or a replay), then the result. Each family lives in
// harness/internal/: requests, pagination and tokens, probes, replay; the judge judges, the
// recorder keeps what it observed, the scheduler runs jobs and shows progress.
#include <algorithm>
#include <thread>

#include "generators/generators.h"
#include "harness/harness.h"
#include "harness/internal/coverage.h"
#include "harness/internal/http_client.h"
#include "harness/internal/judge.h"
#include "harness/internal/limits_report.h"
#include "harness/internal/pagination.h"
#include "harness/internal/preflight.h"
#include "harness/internal/probes.h"
#include "harness/internal/recorder.h"
#include "harness/internal/replay.h"
#include "harness/internal/replay_file.h"
#include "harness/internal/requests.h"
#include "harness/internal/run_context.h"
#include "harness/internal/scheduler.h"

namespace lpe::harness {
namespace {

using internal::Received;

class Runner {
 public:
  Runner(std::shared_ptr<const spec::Model> model, const spec::OperationView& op,
         const ConformOptions& options)
      : model_(std::move(model)),
        op_(op),
        options_(options),
        selection_(options),
        session_(op, options),
        judge_(model_, op, selection_),
        recorder_(options, selection_),
        parts_{op_, options_, selection_, session_, judge_, recorder_, progress_} {}

  RunResult run();

 private:
  // The client settings from the options; an error for a bad --endpoint.
  std::string configure_session();
  // The generators' options: the pagination token is never given a made-up valid value.
  // Everything before the first check: "" or why the run cannot start.
  std::string set_up(std::vector<internal::ReplayCase>& replay_cases);
  // The coverage cases of a replay, none sent (a replay sends only what was recorded).
  void replay_coverage();
  // The generated checks: coverage phase, request families, probes, pagination, auth; "" or a
  // set-up error.
  std::string run_generated();

  std::shared_ptr<const spec::Model> model_;
  const spec::OperationView& op_;
  const ConformOptions& options_;
  internal::CheckSelection selection_;
  internal::Session session_;
  internal::Judge judge_;
  internal::Recorder recorder_;
  internal::Progress progress_;
  internal::RunParts parts_;
  internal::SkipReasons skip_reasons_;
  std::vector<CoverageResult> coverage_;
};

std::string Runner::configure_session() {
  auto endpoint = internal::parse_endpoint(options_.endpoint);
  if (!endpoint) return "--endpoint: " + endpoint.error().to_string();
  auto& settings = session_.settings;
  settings.endpoint = *endpoint;
  settings.timeout = options_.timeout;
  settings.max_response_bytes = options_.max_response_bytes;
  settings.sigv4 = options_.sigv4;
  if (settings.sigv4 && settings.sigv4->service.empty()) settings.sigv4->service = op_.sigv4_name;
  if (options_.rate_limit > 0)
    settings.limiter = std::make_shared<internal::RateLimiter>(options_.rate_limit);
  return "";
}

std::string Runner::set_up(std::vector<internal::ReplayCase>& replay_cases) {
  if (auto error = configure_session(); !error.empty()) return error;
  if (op_.operation == nullptr || op_.input == nullptr)
    return "the operation has no input structure";
  if (auto error = internal::preflight(op_, options_, selection_, judge_, skip_reasons_);
      !error.empty())
    return error;
  // Reachability: one request that any endpoint must answer.
  {
    auto client = session_.new_transport();
    const Received probe = session_.send(*client, session_.post("{}"));
    if (!probe.transport_ok())
      return "cannot reach " + options_.endpoint + ": " + probe.exchange.transport_error;
  }
  if (!options_.record_path.empty() && !recorder_.open_record_file(options_.record_path))
    return "cannot write --record file " + options_.record_path;
  recorder_.start_tallies();
  if (!options_.replay_path.empty()) {
    auto read = internal::read_replay_file(options_.replay_path);
    if (!read) return read.error().to_string();
    replay_cases = std::move(*read);
  }
  return "";
}

void Runner::replay_coverage() {
  auto made =
      generators::RequestGenerators::make(model_, op_, internal::run_generator_options(op_));
  if (!made) return;
  coverage_ = internal::unsent_coverage(
      parts_, *made, "not sent: a --replay run sends only the recorded requests");
}

std::string Runner::run_generated() {
  auto made =
      generators::RequestGenerators::make(model_, op_, internal::run_generator_options(op_));
  if (!made) return "cannot generate requests from the model: " + made.error().to_string();
  const auto& gens = *made;
  // Pagination walks are chains of dependent requests; request cases are independent. Running
  // both at once (the workers split between them) keeps every connection busy.
  const int walk_workers = options_.workers > 1 ? std::max(1, options_.workers / 2) : 1;
  const int case_workers = options_.workers > 1 ? std::max(1, options_.workers - walk_workers) : 1;
  if (options_.workers > 1) {
    std::thread pagination(
        [this, walk_workers] { internal::run_pagination(parts_, walk_workers); });
    coverage_ = internal::run_coverage(parts_, gens, case_workers);
    internal::run_request_families(parts_, gens, case_workers);
    internal::run_protocol_probes(parts_);
    pagination.join();
  } else {
    coverage_ = internal::run_coverage(parts_, gens, 1);
    internal::run_request_families(parts_, gens, 1);
    internal::run_protocol_probes(parts_);
    internal::run_pagination(parts_, 1);
  }
  internal::run_auth_probes(parts_);
  return "";
}

RunResult Runner::run() {
  RunResult result;
  result.operation = op_.operation != nullptr ? op_.operation->id : "";
  result.contract = model_->contract().to_json();
  result.contract_summary = model_->contract().summary();
  std::vector<internal::ReplayCase> replay_cases;
  if (auto error = set_up(replay_cases); !error.empty()) {
    result.setup_error = error;
    return result;
  }
  progress_.start(options_.show_progress,
                  {session_.started(), [this] { return session_.requests(); },
                   [this] { return recorder_.finding_count(); }});
  if (!options_.replay_path.empty()) {
    internal::run_replay(parts_, replay_cases);
    replay_coverage();
  } else if (auto error = run_generated(); !error.empty()) {
    progress_.stop();
    result.setup_error = error;
    return result;
  }
  progress_.stop();
  result.completed = !session_.out_of_time();
  internal::explain_skips(recorder_.tallies(), skip_reasons_, result.completed);
  if (const std::string reason = session_.stop_reason(); !reason.empty())
    internal::explain_stop(recorder_.tallies(), reason);
  recorder_.finish(result);
  session_.report(result);
  result.coverage = std::move(coverage_);
  result.requests = session_.requests();
  result.seconds = session_.elapsed_seconds();
  return result;
}

}  // namespace

RunResult run_conformance(std::shared_ptr<const spec::Model> model,
                          const spec::OperationView& operation, const ConformOptions& options) {
  Runner runner(std::move(model), operation, options);
  return runner.run();
}

}  // namespace lpe::harness
