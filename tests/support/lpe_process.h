// Running the `lpe` executable from tests: to completion with stdout and stderr captured, exit
// code, time taken and peak memory, killed at a time bound; or in the background (`lpe mock`)
// with its first stdout line readable and a signal to stop it. The test target defines
// LPE_BINARY as the executable's path.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "temp_files.h"

#ifndef LPE_BINARY
#error "LPE_BINARY must name the lpe executable"
#endif

extern char** environ;

namespace lpe::test_support {

using Clock = std::chrono::steady_clock;

// What one run of `lpe` did.
struct LpeRun {
  int exit_code = -1;  // -1: killed at the time bound or ended by a signal
  std::string out;     // standard output (and standard error with merge_stderr)
  std::string err;     // standard error
  std::chrono::milliseconds took{0};
  long max_rss_kib = 0;  // peak resident set
};

struct LpeRunOptions {
  std::chrono::seconds bound{120};     // killed (SIGKILL) after this long
  bool merge_stderr = false;           // standard error into `out`, interleaved as written
  std::vector<std::string> unset_env;  // variables removed from lpe's environment
};

namespace detail {

// argv or envp storage: the strings and the null-terminated pointer array execve takes.
class CStrings {
 public:
  explicit CStrings(std::vector<std::string> strings) : strings_(std::move(strings)) {
    for (auto& s : strings_) pointers_.push_back(s.data());
    pointers_.push_back(nullptr);
  }
  char** get() { return pointers_.data(); }

 private:
  std::vector<std::string> strings_;
  std::vector<char*> pointers_;
};

inline CStrings lpe_argv(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {LPE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return CStrings(std::move(argv));
}

// This process's environment without `unset`.
inline CStrings environment_without(const std::vector<std::string>& unset) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    if (std::find(unset.begin(), unset.end(), name) == unset.end()) env.push_back(entry);
  }
  return CStrings(std::move(env));
}

// In a forked child (only async-signal-safe calls): `fd` becomes descriptor `target`.
inline void redirect(int fd, int target) {
  if (fd >= 0 && fd != target) ::dup2(fd, target);
}

}  // namespace detail

// Runs `lpe ARGS...` to completion (or to `options.bound`).
inline LpeRun run_lpe(const std::vector<std::string>& args, const LpeRunOptions& options = {}) {
  const std::string out_path = temp_path("lpe.out"), err_path = temp_path("lpe.err");
  auto argv = detail::lpe_argv(args);
  auto envp = detail::environment_without(options.unset_env);
  LpeRun run;
  const auto started = Clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    detail::redirect(out, 1);
    detail::redirect(
        options.merge_stderr ? out : ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600),
        2);
    ::execve(LPE_BINARY, argv.get(), envp.get());
    ::_exit(127);
  }
  if (pid < 0) {
    ADD_FAILURE() << "fork failed";
    return run;
  }
  int status = 0;
  rusage usage{};
  bool killed = false;
  while (::wait4(pid, &status, WNOHANG, &usage) != pid) {
    if (!killed && Clock::now() - started > options.bound) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  run.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  run.max_rss_kib = usage.ru_maxrss;
  run.exit_code = !killed && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = read_file(out_path);
  run.err = read_file(err_path);
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return run;
}

// Runs `lpe ARGS...` to completion, killing it after `bound`.
inline LpeRun run_lpe(const std::vector<std::string>& args, std::chrono::seconds bound) {
  LpeRunOptions options;
  options.bound = bound;
  return run_lpe(args, options);
}

// Exit code, time, memory and the start of both outputs, for assertion messages.
inline std::string describe(const LpeRun& r) {
  return "exit " + std::to_string(r.exit_code) + " after " + std::to_string(r.took.count()) +
         " ms, peak RSS " + std::to_string(r.max_rss_kib) +
         " KiB\nstderr: " + r.err.substr(0, 2000) + "\nstdout: " + r.out.substr(0, 2000);
}

// `lpe ARGS...` running in the background with its stdout on a pipe (stderr to `err_path`, or
// inherited when empty); killed when the object goes if it has not been stopped.
class LpeBackground {
 public:
  explicit LpeBackground(const std::vector<std::string>& args, const std::string& err_path = {}) {
    auto argv = detail::lpe_argv(args);
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      detail::redirect(fds[1], 1);
      if (!err_path.empty())
        detail::redirect(::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), 2);
      ::close(fds[0]);
      ::execv(LPE_BINARY, argv.get());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
  }
  ~LpeBackground() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
  }
  LpeBackground(const LpeBackground&) = delete;
  LpeBackground& operator=(const LpeBackground&) = delete;

  // The first stdout line (without its newline), waiting at most `timeout`.
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

  // Sends `signal` and returns the exit code (-1 when it did not exit within `timeout` or ended
  // by a signal).
  int stop(int signal, std::chrono::milliseconds timeout) {
    send_signal(signal);
    return wait_exit(timeout);
  }

  void send_signal(int signal) { ::kill(pid_, signal); }

  // The exit code once the process exits within `timeout`; -1 when it does not (or ended by a
  // signal).
  int wait_exit(std::chrono::milliseconds timeout) {
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

  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  bool reaped_ = false;
};

// The port of `lpe mock`'s first line ("listening http://127.0.0.1:PORT"), or -1.
inline int listening_port(const std::string& line) {
  const std::string prefix = "listening http://127.0.0.1:";
  if (line.rfind(prefix, 0) != 0) return -1;
  return std::atoi(line.c_str() + prefix.size());
}

}  // namespace lpe::test_support
