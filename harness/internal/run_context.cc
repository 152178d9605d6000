// Check selection and the session's request shape.
#include "harness/internal/run_context.h"

#include <algorithm>
#include <thread>

namespace lpe::harness::internal {

bool CheckSelection::selected(std::string_view check) const {
  const auto in = [&](const std::vector<std::string>& list) {
    return std::find(list.begin(), list.end(), check) != list.end();
  };
  if (!options_.only_checks.empty() && !in(options_.only_checks)) return false;
  return !in(options_.excluded_checks);
}

bool CheckSelection::family_selected(CheckFamily family) const {
  for (const auto& c : all_checks()) {
    if (c.family == family && selected(c.name)) return true;
  }
  return false;
}

bool CheckSelection::explicitly(std::string_view check) const {
  return std::find(options_.only_checks.begin(), options_.only_checks.end(), check) !=
         options_.only_checks.end();
}

OutgoingRequest Session::post(std::string body, std::string content_type) const {
  OutgoingRequest req;
  req.method = op_.operation->http ? op_.operation->http->method : "POST";
  req.path = op_.operation->http ? op_.operation->http->uri : "/";
  if (!content_type.empty()) req.headers.emplace_back("Content-Type", std::move(content_type));
  req.body = std::move(body);
  return req;
}

}  // namespace lpe::harness::internal

namespace lpe::harness::internal {
namespace {

// An exchange that was not sent, or whose verdict is withheld: the run stopped.
Received withheld(Received r, const std::string& reason) {
  r.interrupted = true;
  r.exchange.status = 0;
  r.exchange.transport_error = reason;
  return r;
}

}  // namespace

void Session::stop(std::string reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stop_reason_.empty()) stop_reason_ = std::move(reason);
  stopped_.store(true);
}

std::string Session::stop_reason() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stop_reason_;
}

bool Session::reserve_request() {
  if (options_.max_requests == 0) return true;
  if (reserved_.fetch_add(1) < options_.max_requests) return true;
  stop("the --max-requests budget of " + std::to_string(options_.max_requests) +
       " requests was spent before every check ran (" + std::to_string(retries_.retried.load()) +
       " of them retries after throttling)");
  return false;
}

Received Session::send(Transport& transport, const OutgoingRequest& request) {
  for (int attempt = 1;; ++attempt) {
    if (stopped_.load()) return withheld({}, "not sent: " + stop_reason());
    if (!reserve_request()) return withheld({}, "not sent: " + stop_reason());
    if (!adaptive_.acquire(stop_time())) {
      return withheld({}, "stopped at --max-time before the exchange completed");
    }
    Received r = transport.send(request, stop_time());
    if (r.interrupted) return r;
    requests_.fetch_add(1, std::memory_order_relaxed);
    const bool throttled = r.transport_ok() && is_throttling(r.response);
    adaptive_.on_response(throttled, std::chrono::steady_clock::now());
    if (!throttled) return r;
    retries_.throttled.fetch_add(1);
    if (attempt >= retry_policy.max_attempts) {
      retries_.gave_up.fetch_add(1);
      stop("a request was still throttled after " + std::to_string(attempt) + " attempts (HTTP " +
           std::to_string(r.response.status) +
           "): the endpoint did not let the run finish; lower --rate-limit or --max-requests");
      return withheld(std::move(r),
                      "throttled " + std::to_string(attempt) + " times: " + stop_reason());
    }
    const auto delay = backoff_delay(retry_policy, attempt, options_.seed, draws_.fetch_add(1),
                                     retry_after(r.response, std::chrono::system_clock::now()));
    const auto wake = std::chrono::steady_clock::now() + delay;
    if (wake >= stop_time()) {
      return withheld(std::move(r), "stopped at --max-time before the exchange completed");
    }
    while (std::chrono::steady_clock::now() < wake && !stopped_.load()) {
      std::this_thread::sleep_until(
          std::min(wake, std::chrono::steady_clock::now() + std::chrono::milliseconds(50)));
    }
    retries_.waited_ms.fetch_add(static_cast<uint64_t>(delay.count()));
    retries_.retried.fetch_add(1);
  }
}

void Session::note_shortened_walk(std::string text) {
  std::lock_guard<std::mutex> lock(mutex_);
  shortened_walks_.push_back(std::move(text));
}

void Session::report(RunResult& result) const {
  result.throttled = retries_.throttled.load();
  result.retries = retries_.retried.load();
  result.gave_up_throttled = retries_.gave_up.load();
  result.backoff_seconds = static_cast<double>(retries_.waited_ms.load()) / 1000.0;
  std::lock_guard<std::mutex> lock(mutex_);
  result.stop_reason = stop_reason_;
  result.shortened_walks = shortened_walks_;
  std::sort(result.shortened_walks.begin(), result.shortened_walks.end());
}

}  // namespace lpe::harness::internal
