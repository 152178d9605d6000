// The shared pieces of one conformance run, as the check families see them: which checks are
// selected, the session that sends requests (deadline, counters), the judge, the recorder and
// the progress line. Each piece has one job; a family receives them together as RunParts.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "harness/harness.h"
#include "harness/internal/http_client.h"
#include "harness/internal/retry.h"

namespace lpe::harness::internal {

class Judge;
class Recorder;
class Progress;

// Which checks the options select (--checks, --exclude-checks).
class CheckSelection {
 public:
  explicit CheckSelection(const ConformOptions& options) : options_(options) {}
  bool selected(std::string_view check) const;
  // Some check of `family` is selected.
  bool family_selected(CheckFamily family) const;
  // `check` is named by --checks (not merely selected by default).
  bool explicitly(std::string_view check) const;

 private:
  const ConformOptions& options_;
};

// Sends requests for the run: the client settings, the transports (one per worker), the run's
// stop time (--max-time), the request budget (--max-requests), the retries of throttled answers
// (harness/internal/retry.h) and the count of requests that reached the endpoint.
class Session {
 public:
  Session(const spec::OperationView& op, const ConformOptions& options)
      : op_(op), options_(options), started_(std::chrono::steady_clock::now()) {}

  // Set once before the first request.
  ClientSettings settings;
  RetryPolicy retry_policy;
  // Makes the transports; when empty (a real run), each is an HttpClient for `settings`. Tests
  // set it to answer requests in process. Set once before the first request.
  TransportFactory transport_factory;

  // The run's stop time: no new request after it, and a request in flight then is interrupted
  // (its exchange is neither judged nor recorded).
  SteadyTime stop_time() const {
    return options_.max_time.count() > 0 ? started_ + options_.max_time : SteadyTime::max();
  }
  // No new request: the stop time passed, or the run stopped (budget spent, throttled too long).
  bool out_of_time() const {
    return stopped_.load() || std::chrono::steady_clock::now() >= stop_time();
  }
  SteadyTime started() const { return started_; }
  double elapsed_seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  }
  // A transport for one worker.
  std::unique_ptr<Transport> new_transport() const {
    if (transport_factory) return transport_factory();
    return std::make_unique<HttpClient>(settings);
  }
  // One exchange on `transport`, counted unless --max-time interrupted it. A throttled answer is
  // sent again after a backoff (never returned) until it is answered or the policy's attempts
  // are spent; then, or when the budget is spent, the run stops and the exchange comes back
  // interrupted (no verdict), with the reason in stop_reason().
  Received send(Transport& transport, const OutgoingRequest& request);
  // A request to the operation's method and path with `body`; an empty content type sends none.
  OutgoingRequest post(std::string body, std::string content_type = "application/json") const;
  uint64_t requests() const { return requests_.load(); }

  // One request of the plan's spare (shrinking a failure); false once the spare is used up.
  bool take_spare_request() { return spare_taken_.fetch_add(1) < options_.spare_requests; }
  // A walk its page budget cut short, for the reports.
  void note_shortened_walk(std::string text);
  // Retry figures, the stop reason and the shortened walks, into `result`.
  void report(RunResult& result) const;
  std::string stop_reason() const;
  const RetryCounts& retry_counts() const { return retries_; }

 private:
  // Stops the run (the first reason is kept).
  void stop(std::string reason);
  // Counts one more request against the budget; false (and the run stopped) when it is spent.
  bool reserve_request();

  const spec::OperationView& op_;
  const ConformOptions& options_;
  std::chrono::steady_clock::time_point started_;
  std::atomic<uint64_t> requests_{0};
  std::atomic<uint64_t> reserved_{0};
  std::atomic<uint64_t> spare_taken_{0};
  std::atomic<uint64_t> draws_{0};
  std::atomic<bool> stopped_{false};
  AdaptiveRate adaptive_;
  RetryCounts retries_;
  mutable std::mutex mutex_;
  std::string stop_reason_;
  std::vector<std::string> shortened_walks_;
};

// The pieces a check family works with.
struct RunParts {
  const spec::OperationView& op;
  const ConformOptions& options;
  const CheckSelection& selection;
  Session& session;
  const Judge& judge;
  Recorder& recorder;
  Progress& progress;
};

}  // namespace lpe::harness::internal
