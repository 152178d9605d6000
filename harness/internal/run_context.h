// The shared pieces of one conformance run, as the check families see them: which checks are
// selected, the session that sends requests (deadline, counters), the judge, the recorder and
// the progress line. Each piece has one job; a family receives them together as RunParts.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "harness/harness.h"
#include "harness/internal/http_client.h"

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
// stop time (--max-time) and the count of requests that reached the endpoint.
class Session {
 public:
  Session(const spec::OperationView& op, const ConformOptions& options)
      : op_(op), options_(options), started_(std::chrono::steady_clock::now()) {}

  // Set once before the first request.
  ClientSettings settings;
  // Makes the transports; when empty (a real run), each is an HttpClient for `settings`. Tests
  // set it to answer requests in process. Set once before the first request.
  TransportFactory transport_factory;

  // The run's stop time: no new request after it, and a request in flight then is interrupted
  // (its exchange is neither judged nor recorded).
  SteadyTime stop_time() const {
    return options_.max_time.count() > 0 ? started_ + options_.max_time : SteadyTime::max();
  }
  bool out_of_time() const { return std::chrono::steady_clock::now() >= stop_time(); }
  SteadyTime started() const { return started_; }
  double elapsed_seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  }
  // A transport for one worker.
  std::unique_ptr<Transport> new_transport() const {
    if (transport_factory) return transport_factory();
    return std::make_unique<HttpClient>(settings);
  }
  // One exchange on `transport`, counted unless --max-time interrupted it.
  Received send(Transport& transport, const OutgoingRequest& request) {
    Received r = transport.send(request, stop_time());
    if (!r.interrupted) requests_.fetch_add(1, std::memory_order_relaxed);
    return r;
  }
  // A request to the operation's method and path with `body`; an empty content type sends none.
  OutgoingRequest post(std::string body, std::string content_type = "application/json") const;
  uint64_t requests() const { return requests_.load(); }

 private:
  const spec::OperationView& op_;
  const ConformOptions& options_;
  std::chrono::steady_clock::time_point started_;
  std::atomic<uint64_t> requests_{0};
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
