// The coverage phase: sending and judging the model's deterministic cases, and their reports.
#include "harness/internal/coverage.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <sstream>

#include "harness/internal/judge.h"
#include "harness/internal/recorder.h"
#include "harness/internal/requests.h"
#include "harness/internal/scheduler.h"

namespace lpe::harness::internal {
namespace {

using Json = nlohmann::ordered_json;

// Values longer than this many bytes are cut in reports (a length case can be 1,000 characters).
constexpr size_t kShownValueBytes = 120;
// After this many cases in a row without an HTTP answer (a dead or hostile endpoint, each costing
// --timeout) the phase sends no more: the failures are findings already.
constexpr int kTransportFailureLimit = 8;
// The console lists at most this many cases that did not pass (the JSON report has them all).
constexpr size_t kShownFailures = 10;

// The first target's list-scope values: the base every case changes one member of.
Json base_input(const spec::OperationView& op, const ConformOptions& options) {
  Json base = Json::object();
  if (options.targets.empty()) return base;
  const auto& target = options.targets.front();
  for (size_t i = 0; i < op.list_scope.size() && i < target.scope_values.size(); ++i) {
    base[op.list_scope[i]->name] = target.scope_values[i];
  }
  return base;
}

RequestFamily family_of(const generators::CoverageCase& c) {
  return c.request.expected.outcome == validators::Outcome::kAccepted ? RequestFamily::kPositive
                                                                      : RequestFamily::kNegative;
}

std::string shown_value(const std::string& value) {
  if (value.size() <= kShownValueBytes) return value;
  return value.substr(0, kShownValueBytes) + "... (" + std::to_string(value.size()) + " bytes)";
}

CoverageResult row_of(const generators::CoverageCase& c) {
  CoverageResult row;
  row.member = c.member;
  row.constraint = c.constraint;
  row.name = c.name;
  row.value = shown_value(c.value);
  const auto& e = c.request.expected;
  row.expected = std::to_string(e.status) + (e.error_type.empty() ? "" : " " + e.error_type);
  return row;
}

// Why the check selection sends no case of `family`, or "" when it sends them: a check that
// judges the family's answers must be selected (as for the random cases).
std::string selection_gap(const CheckSelection& selection, RequestFamily family) {
  const std::string_view check = primary_check(family);
  const bool positive = family == RequestFamily::kPositive;
  if (selection.selected(check) || selection.family_selected(CheckFamily::kResponses) ||
      selection.selected("not_a_server_error") ||
      selection.selected(positive ? "page_size_bound" : "validation_message")) {
    return "";
  }
  return "not sent: the selected checks (--checks, --exclude-checks) leave out " +
         std::string(check) + " and every check that judges all answers";
}

// Member and constraint, as the console and JUnit name a group.
std::string group_of(const CoverageResult& row) {
  return row.member.empty() ? row.constraint : row.member + " " + row.constraint;
}

std::string case_line(const CoverageResult& row) {
  return group_of(row) + " " + row.name + " " + (row.value.empty() ? "(absent)" : row.value) +
         ": expected " + row.expected + "; " + row.reason;
}

struct Counts {
  size_t defined = 0, sent = 0, passed = 0;
  void add(const CoverageResult& row) {
    ++defined;
    sent += row.sent;
    passed += row.passed;
  }
};

}  // namespace

std::vector<CoverageResult> unsent_coverage(const RunParts& parts,
                                            const generators::RequestGenerators& gens,
                                            const std::string& reason) {
  std::vector<CoverageResult> rows;
  for (const auto& c : gens.coverage_cases(base_input(parts.op, parts.options))) {
    rows.push_back(row_of(c));
    rows.back().reason = reason;
  }
  return rows;
}

namespace {

// `limit` of the `candidates`, taken in turn from each member and constraint (a budget that holds
// only some cases still probes every group), in the cases' order within a group.
std::vector<size_t> spread_over_groups(const std::vector<CoverageResult>& rows,
                                       const std::vector<size_t>& candidates, size_t limit) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<size_t>> groups;
  for (const size_t i : candidates) {
    const std::string group = rows[i].member + " " + rows[i].constraint;
    if (!groups.count(group)) order.push_back(group);
    groups[group].push_back(i);
  }
  std::vector<size_t> out;
  for (size_t round = 0; out.size() < limit; ++round) {
    bool any = false;
    for (const auto& g : order) {
      if (round < groups[g].size() && out.size() < limit) {
        out.push_back(groups[g][round]);
        any = true;
      }
    }
    if (!any) break;
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

size_t coverage_requests(const spec::OperationView& op, const ConformOptions& options,
                         const CheckSelection& selection,
                         const generators::RequestGenerators& gens) {
  size_t n = 0;
  for (const auto& c : gens.coverage_cases(base_input(op, options))) {
    if (selection_gap(selection, family_of(c)).empty()) ++n;
  }
  return n;
}

std::vector<CoverageResult> run_coverage(const RunParts& parts,
                                         const generators::RequestGenerators& gens, int workers) {
  const auto cases = gens.coverage_cases(base_input(parts.op, parts.options));
  std::vector<CoverageResult> rows;
  std::vector<size_t> to_send;
  for (size_t i = 0; i < cases.size(); ++i) {
    rows.push_back(row_of(cases[i]));
    rows.back().reason = selection_gap(parts.selection, family_of(cases[i]));
    if (rows.back().reason.empty()) to_send.push_back(i);
  }
  if (to_send.size() > parts.options.coverage_limit) {
    to_send = spread_over_groups(rows, to_send, parts.options.coverage_limit);
    for (auto& row : rows) {
      if (row.reason.empty()) row.reason = "not sent: the request budget (--max-requests)";
    }
    for (const size_t i : to_send) rows[i].reason.clear();
  }
  parts.progress.plan(to_send.size());
  std::atomic<int> failures_in_a_row{0};
  parallel_for(
      to_send.size(), workers, [&] { return parts.session.new_transport(); },
      [&] {
        return parts.session.out_of_time() || failures_in_a_row.load() >= kTransportFailureLimit;
      },
      [&](Transport& client, size_t k) {
        const size_t i = to_send[k];
        const auto& lr = cases[i].request;
        const RequestFamily family = family_of(cases[i]);
        const Received r = parts.session.send(client, parts.session.post(lr.body, lr.content_type));
        if (r.transport_ok()) {
          failures_in_a_row.store(0);
        } else if (!r.interrupted) {
          failures_in_a_row.fetch_add(1);
        }
        if (!r.interrupted) {
          std::vector<Observation> obs;
          judge_request_case(parts.judge, parts.selection, family, lr, r, obs);
          parts.recorder.write_record(r, expectation_of(family, lr), "");
          const auto failed = parts.recorder.record(obs, r, "");
          CoverageResult& row = rows[i];  // each job writes its own row
          row.sent = true;
          row.passed = failed.empty();
          if (!failed.empty()) row.reason = failed.front().check + ": " + failed.front().message;
          row.must_failed = std::any_of(failed.begin(), failed.end(), [](const Observation& o) {
            return o.level == spec::Severity::kMust;
          });
        }
        parts.progress.job_done();
      });
  const std::string why = failures_in_a_row.load() >= kTransportFailureLimit
                              ? "not sent: " + std::to_string(kTransportFailureLimit) +
                                    " cases in a row got no HTTP answer"
                              : "not sent: stopped at --max-time";
  for (const size_t i : to_send) {
    if (!rows[i].sent) rows[i].reason = why;
  }
  return rows;
}

std::string coverage_console(const std::vector<CoverageResult>& coverage) {
  if (coverage.empty()) return "";
  Counts total;
  std::vector<std::pair<std::string, Counts>> groups;  // in the order cases were defined
  std::map<std::string, size_t> index;
  std::map<std::string, size_t> unsent_reasons;
  std::vector<const CoverageResult*> failed;
  for (const auto& row : coverage) {
    total.add(row);
    const std::string key = (row.member.empty() ? "(body)" : row.member) + "\t" + row.constraint;
    if (!index.count(key)) {
      index[key] = groups.size();
      groups.push_back({key, {}});
    }
    groups[index[key]].second.add(row);
    if (!row.sent) ++unsent_reasons[row.reason];
    if (row.sent && !row.passed) failed.push_back(&row);
  }
  std::ostringstream os;
  os << "\nCoverage: " << total.defined << " cases from the model, " << total.sent << " sent, "
     << total.passed << " passed (deterministic, sent before the random cases)\n";
  os << "member            constraint   defined     sent   passed\n";
  for (const auto& [key, counts] : groups) {
    const std::string member = key.substr(0, key.find('\t'));
    const std::string constraint = key.substr(key.find('\t') + 1);
    char buf[160];
    std::snprintf(buf, sizeof buf, "%-17s %-10s %9zu %8zu %8zu\n", member.c_str(),
                  constraint.c_str(), counts.defined, counts.sent, counts.passed);
    os << buf;
  }
  for (size_t i = 0; i < failed.size() && i < kShownFailures; ++i) {
    os << "  not passed: " << case_line(*failed[i]).substr(0, 400) << "\n";
  }
  if (failed.size() > kShownFailures) {
    os << "  ... " << failed.size() - kShownFailures << " more not passed in the JSON report\n";
  }
  for (const auto& [reason, n] : unsent_reasons) os << "  " << n << " " << reason << "\n";
  return os.str();
}

nlohmann::ordered_json coverage_json(const std::vector<CoverageResult>& coverage) {
  Counts total;
  Json cases = Json::array();
  for (const auto& row : coverage) {
    total.add(row);
    cases.push_back(row.to_json());
  }
  return {{"defined", total.defined},
          {"sent", total.sent},
          {"passed", total.passed},
          {"cases", std::move(cases)}};
}

std::vector<CoverageTestcase> coverage_testcases(const std::vector<CoverageResult>& coverage,
                                                 bool strict) {
  std::vector<CoverageTestcase> out;
  std::map<std::string, size_t> index;
  std::map<std::string, bool> any_sent;
  for (const auto& row : coverage) {
    const std::string name = group_of(row);
    if (!index.count(name)) {
      index[name] = out.size();
      out.push_back({name, "", "", ""});
    }
    CoverageTestcase& t = out[index[name]];
    any_sent[name] = any_sent[name] || row.sent;
    if (!row.sent && t.skipped.empty()) t.skipped = row.reason;
    if (!row.sent || row.passed) continue;
    if ((row.must_failed || strict) && t.failure.empty()) {
      t.failure = case_line(row);
    } else if (!row.must_failed) {
      t.output += "should: " + case_line(row) + "\n";
    }
  }
  for (auto& t : out) {
    if (any_sent[t.name]) t.skipped.clear();
  }
  return out;
}

}  // namespace lpe::harness::internal

namespace lpe::harness {

nlohmann::ordered_json CoverageResult::to_json() const {
  nlohmann::ordered_json out = {
      {"member", member},     {"constraint", constraint}, {"case", name},    {"value", value},
      {"expected", expected}, {"sent", sent ? 1 : 0},     {"passed", passed}};
  if (!reason.empty()) out["reason"] = reason;
  return out;
}

}  // namespace lpe::harness
