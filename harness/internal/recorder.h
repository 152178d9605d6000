// The recorder: keeps what the judge observed. Per-check tallies, the first finding per check and
// target, deduplicated notes, and the --record file (one JSON line per exchange). Thread-safe.
#pragma once

#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "harness/harness.h"
#include "harness/internal/judge.h"
#include "harness/internal/pagination.h"
#include "harness/internal/run_context.h"

namespace lpe::harness::internal {

class Recorder {
 public:
  Recorder(const ConformOptions& options, const CheckSelection& selection)
      : options_(options), selection_(selection) {}

  // Opens the --record file (truncated); false when it cannot be written.
  bool open_record_file(const std::string& path);
  // A tally for every selected check (so that checks that never run are reported).
  void start_tallies();

  // Records observations of exchange `r` for `target` (empty for request cases); returns the
  // failed ones (for shrinking). An exchange --max-time interrupted records nothing.
  std::vector<Observation> record(const std::vector<Observation>& observations, const Received& r,
                                  const std::string& target);
  // One line of the --record file (when there is one).
  void write_record(const Received& r, const Expectation& e, const std::string& target);
  // Replaces the evidence of the request-case finding of `check` with its shrunk form.
  void shrunk(const std::string& check, const Received& best, const std::string& message, int steps,
              const std::string& original_body);
  // Keeps the walks of `target` for the reports (`default_page_size`: the bound of a walk that
  // leaves the page size out).
  void walked(const std::string& target, const std::vector<Walk>& walks,
              std::optional<int64_t> default_page_size);

  // The checks with a request-case finding (target "") so far.
  std::set<std::string> request_case_findings() const;
  // Findings so far (the progress line).
  size_t finding_count() const;
  // The tallies, to explain skips; not thread-safe (after the run).
  std::map<std::string, CheckTally>& tallies() { return tallies_; }
  // Moves the results into `result` (tallies in all_checks() order, findings must first).
  void finish(RunResult& result);

 private:
  void add_finding(const Observation& o, const Received& r, const std::string& target);

  const ConformOptions& options_;
  const CheckSelection& selection_;
  mutable std::mutex mutex_;
  std::map<std::string, CheckTally> tallies_;
  std::vector<Finding> findings_;
  std::vector<Note> notes_;
  std::vector<WalkSummary> walks_;
  std::set<std::string> notes_seen_;
  std::unique_ptr<std::ofstream> record_;
  std::mutex record_mutex_;
};

}  // namespace lpe::harness::internal
