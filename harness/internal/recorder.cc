// Tallies, findings, notes and the --record file.
#include "harness/internal/recorder.h"

#include <algorithm>
#include <climits>

namespace lpe::harness::internal {

bool Recorder::open_record_file(const std::string& path) {
  record_ = std::make_unique<std::ofstream>(path, std::ios::trunc);
  return static_cast<bool>(*record_);
}

void Recorder::start_tallies() {
  for (const auto& c : all_checks()) {
    if (selection_.selected(c.name)) tallies_[c.name].check = c.name;
  }
}

std::vector<Observation> Recorder::record(const std::vector<Observation>& observations,
                                          const Received& r, const std::string& target) {
  std::vector<Observation> failed;
  if (r.interrupted) return failed;  // stopped by --max-time: says nothing about the endpoint
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& o : observations) {
    if (!selection_.selected(o.check)) continue;
    auto& tally = tallies_[o.check];
    tally.ran = true;
    if (o.note) {
      ++tally.notes;
      if (notes_seen_.insert(o.check + "|" + o.message).second && notes_.size() < 200) {
        notes_.push_back({o.check, o.message});
      }
      continue;
    }
    if (!o.failed) {
      ++tally.passed;
      continue;
    }
    ++tally.failed;
    failed.push_back(o);
    add_finding(o, r, target);
  }
  return failed;
}

void Recorder::add_finding(const Observation& o, const Received& r, const std::string& target) {
  // One finding per check and target: the one kept_before ranks first.
  const auto kept = std::find_if(findings_.begin(), findings_.end(), [&](const Finding& f) {
    return f.check == o.check && f.target == target;
  });
  if (kept != findings_.end() && !kept_before(o.level, o.subject, kept->level, kept->subject))
    return;
  Finding f;
  f.check = o.check;
  f.rule = find_check(o.check)->rule;
  f.level = o.level;
  f.target = target;
  f.message = o.message;
  f.subject = o.subject;
  f.exchange = r.exchange;
  f.exchange.response_body = cut_for_report(f.exchange.response_body);
  f.exchange.request_body = cut_for_report(f.exchange.request_body);
  f.reproduction = options_.reproduce_prefix + " --seed " + std::to_string(options_.seed) +
                   " --checks " + o.check;
  if (kept != findings_.end()) {
    *kept = std::move(f);
  } else {
    findings_.push_back(std::move(f));
  }
}

void Recorder::write_record(const Received& r, const Expectation& e, const std::string& target) {
  if (!record_ || r.interrupted) return;
  nlohmann::ordered_json line = {{"check", e.check}};
  if (!target.empty()) line["target"] = target;
  line["exchange"] = r.exchange.to_json();
  line["expectation"] = e.to_json();
  std::lock_guard<std::mutex> lock(record_mutex_);
  *record_ << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void Recorder::shrunk(const std::string& check, const Received& best, const std::string& message,
                      int steps, const std::string& original_body) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& f : findings_) {
    if (f.check != check || !f.target.empty()) continue;
    f.exchange = best.exchange;
    f.exchange.response_body = cut_for_report(f.exchange.response_body);
    f.message = message;
    f.shrink_steps = steps;
    if (!original_body.empty()) f.original_request_body = cut_for_report(original_body);
    break;
  }
}

void Recorder::walked(const std::string& target, const std::vector<Walk>& walks,
                      std::optional<int64_t> default_page_size) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& w : walks) {
    WalkSummary s;
    s.target = target;
    s.page_size = w.page_size;
    s.limit = w.page_size > 0 ? w.page_size : default_page_size.value_or(-1);
    s.complete = w.complete;
    for (size_t i = 0; i < w.page_starts.size(); ++i) {
      const size_t end = i + 1 < w.page_starts.size() ? w.page_starts[i + 1] : w.items.size();
      s.page_items.push_back(end - w.page_starts[i]);
    }
    walks_.push_back(std::move(s));
  }
}

std::set<std::string> Recorder::request_case_findings() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::set<std::string> out;
  for (const auto& f : findings_) {
    if (f.target.empty()) out.insert(f.check);
  }
  return out;
}

size_t Recorder::finding_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return findings_.size();
}

void Recorder::finish(RunResult& result) {
  for (const auto& c : all_checks()) {
    const auto it = tallies_.find(c.name);
    if (it != tallies_.end()) result.tallies.push_back(it->second);
  }
  result.findings = std::move(findings_);
  // Report order: must first, then by check order.
  std::stable_sort(result.findings.begin(), result.findings.end(),
                   [](const Finding& a, const Finding& b) {
                     return a.level == spec::Severity::kMust && b.level != spec::Severity::kMust;
                   });
  result.notes = std::move(notes_);
  // Walks by target, then page size ascending, the omitted page size last.
  const auto rank = [](const WalkSummary& w) { return w.page_size > 0 ? w.page_size : INT64_MAX; };
  std::stable_sort(walks_.begin(), walks_.end(), [&](const WalkSummary& a, const WalkSummary& b) {
    return a.target != b.target ? a.target < b.target : rank(a) < rank(b);
  });
  result.walks = std::move(walks_);
}

}  // namespace lpe::harness::internal
