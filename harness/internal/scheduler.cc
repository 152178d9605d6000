// parallel_for and the progress line.
#include "harness/internal/scheduler.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace lpe::harness::internal {

void parallel_for(size_t count, int workers,
                  const std::function<std::unique_ptr<Transport>()>& make_transport,
                  const std::function<bool()>& stop,
                  const std::function<void(Transport&, size_t)>& job) {
  std::atomic<size_t> next{0};
  const int n = std::max(1, std::min<int>(workers, static_cast<int>(std::max<size_t>(count, 1))));
  std::vector<std::thread> threads;
  for (int w = 0; w < n; ++w) {
    threads.emplace_back([&] {
      auto transport = make_transport();
      while (true) {
        if (stop()) return;
        const size_t i = next.fetch_add(1);
        if (i >= count) return;
        job(*transport, i);
      }
    });
  }
  for (auto& t : threads) t.join();
}

void Progress::start(bool show, Source source) {
  finished_ = false;
  thread_ = std::thread([this, show, source = std::move(source)] {
    if (!show || isatty(STDERR_FILENO) == 0) return;
    loop(source);
  });
}

void Progress::stop() {
  finished_ = true;
  if (thread_.joinable()) thread_.join();
}

void Progress::loop(const Source& source) {
  while (!finished_.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - source.started).count();
    const uint64_t done = done_.load(), planned = planned_.load();
    const size_t failures = source.findings();
    const double rate = elapsed > 0 ? static_cast<double>(source.requests()) / elapsed : 0;
    std::string left = "";
    if (done > 0 && planned > done) {
      left = ", ~" +
             std::to_string(static_cast<int>(elapsed * static_cast<double>(planned - done) /
                                             static_cast<double>(done))) +
             " s left";
    }
    std::fprintf(stderr, "\r\033[K  %llu/%llu cases, %zu findings, %.0f req/s, %.1f s%s",
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(planned),
                 failures, rate, elapsed, left.c_str());
    std::fflush(stderr);
  }
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

}  // namespace lpe::harness::internal
