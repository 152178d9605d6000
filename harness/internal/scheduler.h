// Scheduling: jobs spread over worker threads (one connection each), and the live progress line.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>

#include "harness/internal/transport.h"

namespace lpe::harness::internal {

// Runs jobs 0..count-1 on `workers` threads (at most one per job), each thread with its own
// transport from `make_transport`; no job starts once `stop` says so.
void parallel_for(size_t count, int workers,
                  const std::function<std::unique_ptr<Transport>()>& make_transport,
                  const std::function<bool()>& stop,
                  const std::function<void(Transport&, size_t)>& job);

// Jobs planned and done, and the live line on stderr that shows them (terminal only).
class Progress {
 public:
  // What the line shows besides the job counts.
  struct Source {
    SteadyTime started;
    std::function<uint64_t()> requests;
    std::function<size_t()> findings;
  };

  ~Progress() { stop(); }
  void plan(size_t jobs) { planned_ += jobs; }
  void job_done() { done_++; }

  // Starts the line when `show` and stderr is a terminal.
  void start(bool show, Source source);
  // Stops and clears the line.
  void stop();

 private:
  void loop(const Source& source);

  std::atomic<uint64_t> done_{0};
  std::atomic<uint64_t> planned_{0};
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

}  // namespace lpe::harness::internal
