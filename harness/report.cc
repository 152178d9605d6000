// Reports of a run: a grouped console summary, JUnit XML (one testcase per check and target) and
// JSON. Exchanges in reports carry redacted headers and bodies cut at a few KiB.
#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include "harness/harness.h"
#include "harness/internal/coverage.h"
#include "harness/internal/limits_report.h"
#include "harness/internal/text_safety.h"

namespace lpe::harness {
namespace {

// XML 1.0 forbids most control characters, even escaped: markup_escape writes them visibly.
std::string xml_escape(std::string_view s) { return internal::markup_escape(s); }

std::string describe(const Finding& f) {
  std::ostringstream os;
  os << f.message << "\n";
  if (!f.exchange.method.empty()) {
    os << "request:  " << f.exchange.method << " " << f.exchange.path << "\n";
    for (const auto& [k, v] : f.exchange.request_headers) os << "  " << k << ": " << v << "\n";
    os << "  body: " << f.exchange.request_body << "\n";
    if (f.exchange.status == 0) {
      os << "response: none (" << f.exchange.transport_error << ")\n";
    } else {
      os << "response: " << f.exchange.status << "\n";
      for (const auto& [k, v] : f.exchange.response_headers) os << "  " << k << ": " << v << "\n";
      os << "  body: " << f.exchange.response_body << "\n";
    }
  }
  if (!f.original_request_body.empty()) {
    os << "shrunk in " << f.shrink_steps << " steps from: " << f.original_request_body << "\n";
  }
  os << "reproduce: " << f.reproduction << "\n";
  os << "id: " << f.id() << (f.baseline.empty() ? "" : " (" + f.baseline + ")") << "\n";
  return os.str();
}

// The comparison with --baseline: the counts, then the fixed findings.
void write_baseline_summary(std::ostream& os, const BaselineComparison& b) {
  os << "\nAgainst the baseline " << b.file << ": " << b.new_findings << " new, "
     << b.known_findings << " known, " << b.fixed.size() << " fixed";
  if (!b.unchecked.empty()) os << ", " << b.unchecked.size() << " not checked by this run";
  os << " (only new findings fail the run)\n";
  for (const auto& f : b.fixed) {
    os << "  fixed: " << f.check << " (" << f.rule << ")"
       << (f.target.empty() ? "" : " target " + f.target) << " id " << f.id << ": "
       << f.message.substr(0, 200) << "\n";
  }
  for (const auto& f : b.unchecked) {
    os << "  not checked: " << f.check << (f.target.empty() ? "" : " target " + f.target) << " id "
       << f.id << "\n";
  }
}

}  // namespace

std::string console_summary(const RunResult& result, const ConformOptions& options) {
  std::ostringstream os;
  if (!result.findings.empty()) {
    os << "\nFindings\n";
    int n = 0;
    for (const auto& f : result.findings) {
      os << "\n"
         << ++n << ". [" << (f.level == spec::Severity::kMust ? "MUST" : "should") << "] "
         << (f.baseline.empty()    ? ""
             : f.baseline == "new" ? "NEW "
                                   : "known ")
         << f.check << " (" << f.rule << ")" << (f.target.empty() ? "" : " target " + f.target)
         << "\n";
      std::istringstream lines(describe(f));
      for (std::string line; std::getline(lines, line);) os << "   " << line << "\n";
    }
  }
  os << "\n"
     << "check                          passed   failed   notes\n";
  for (const auto& t : result.tallies) {
    if (!t.ran) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "%-30s %s", t.check.c_str(), "did not run: ");
      os << buf << t.skip_reason << "\n";
      continue;
    }
    char buf[160];
    std::snprintf(buf, sizeof buf, "%-30s %6llu   %6llu  %6llu\n", t.check.c_str(),
                  static_cast<unsigned long long>(t.passed),
                  static_cast<unsigned long long>(t.failed),
                  static_cast<unsigned long long>(t.notes));
    os << buf;
  }
  os << internal::coverage_console(result.coverage);
  if (!result.notes.empty()) {
    os << "\nNotes (informational: members and enum values newer API versions add, R9; choices R6 "
          "leaves to the endpoint)\n";
    size_t shown = 0;
    for (const auto& note : result.notes) {
      if (++shown > 10) {
        os << "  ... " << result.notes.size() - 10 << " more in the JSON report\n";
        break;
      }
      os << "  " << note.check << ": " << note.message << "\n";
    }
  }
  if (result.baseline) write_baseline_summary(os, *result.baseline);
  os << internal::limits_console(result);
  size_t must = 0, should = 0;
  for (const auto& f : result.findings) (f.level == spec::Severity::kMust ? must : should)++;
  char buf[256];
  std::snprintf(
      buf, sizeof buf,
      "\n%zu must and %zu should findings; %llu requests in %.1f s (%.0f/s); seed %llu%s\n", must,
      should, static_cast<unsigned long long>(result.requests), result.seconds,
      result.seconds > 0 ? static_cast<double>(result.requests) / result.seconds : 0.0,
      static_cast<unsigned long long>(options.seed),
      result.completed             ? ""
      : result.stop_reason.empty() ? "; stopped at --max-time before every check ran"
                                   : "; stopped early before every check ran");
  os << buf;
  os << "contract: " << result.operation << " against the " << result.contract_summary << "\n";
  const int code = result.exit_code(options.strict);
  os << (code == 0   ? "PASSED"
         : code == 1 ? "FAILED"
                     : "INCOMPLETE")
     << ": " << result.checks_ran() << " of " << result.tallies.size() << " selected checks ran\n";
  return os.str();
}

namespace {

// A JUnit testcase: one per check, and per check and target for checks that ran per target.
struct JunitCase {
  std::string classname, name;
  std::vector<const Finding*> findings;
};

// Whether a finding fails the run (must-level, or any level with --strict).
bool fails_run(const Finding& f, const ConformOptions& options) {
  return (f.level == spec::Severity::kMust || options.strict) && f.baseline != "known";
}

// The testcases of the selected checks, each with its findings (a finding whose check and target
// have none gets a testcase of its own).
std::vector<JunitCase> junit_cases(const RunResult& result, const ConformOptions& options) {
  std::vector<JunitCase> cases;
  std::map<std::string, size_t> index;  // "check|target label" -> case
  for (const auto& t : result.tallies) {
    const CheckInfo* info = find_check(t.check);
    const bool per_target = info != nullptr && (info->family == CheckFamily::kPagination ||
                                                info->family == CheckFamily::kAuth);
    if (!per_target || options.targets.empty()) {
      index[t.check + "|"] = cases.size();
      cases.push_back(
          {"lpe.conform." + std::string(info ? to_string(info->family) : "other"), t.check, {}});
      continue;
    }
    for (const auto& target : options.targets) {
      if (info->family == CheckFamily::kAuth && &target != &options.targets.front()) break;
      index[t.check + "|" + target.label()] = cases.size();
      cases.push_back({"lpe.conform." + std::string(to_string(info->family)),
                       t.check + " [" + target.label() + "]",
                       {}});
    }
  }
  for (const auto& f : result.findings) {
    auto it = index.find(f.check + "|" + f.target);
    if (it == index.end()) it = index.find(f.check + "|");
    if (it == index.end()) {
      index[f.check + "|" + f.target] = cases.size();
      cases.push_back({"lpe.conform", f.check, {}});
      it = index.find(f.check + "|" + f.target);
    }
    cases[it->second].findings.push_back(&f);
  }
  return cases;
}

// The XML declaration, the suites' counts and the run's properties (seed, requests, contract).
void write_junit_head(std::ostream& os, const RunResult& result, const ConformOptions& options,
                      size_t tests, size_t failures, size_t skipped) {
  os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  os << "<testsuites name=\"lpe conform\" tests=\"" << tests << "\" failures=\"" << failures
     << "\" time=\"" << result.seconds << "\">\n";
  os << "  <testsuite name=\"" << xml_escape(options.endpoint) << "\" tests=\"" << tests
     << "\" failures=\"" << failures << "\" skipped=\"" << skipped << "\" time=\"" << result.seconds
     << "\">\n";
  os << "    <properties><property name=\"seed\" value=\"" << options.seed
     << "\"/><property name=\"requests\" value=\"" << result.requests
     << "\"/><property name=\"operation\" value=\"" << xml_escape(result.operation)
     << "\"/><property name=\"contract\" value=\"" << xml_escape(result.contract_summary) << "\"/>";
  for (const auto& [name, value] : internal::limits_junit_properties(result, options))
    os << "<property name=\"" << name << "\" value=\"" << xml_escape(value) << "\"/>";
  if (result.contract.contains("files")) {
    for (const auto& file : result.contract["files"]) {
      os << "<property name=\"model." << xml_escape(file.value("role", std::string()))
         << ".sha256\" value=\"" << xml_escape(file.value("sha256", std::string())) << "\"/>";
    }
  }
  if (const auto& b = result.baseline) {
    os << "<property name=\"baseline.file\" value=\"" << xml_escape(b->file)
       << "\"/><property name=\"baseline.new\" value=\"" << b->new_findings
       << "\"/><property name=\"baseline.known\" value=\"" << b->known_findings
       << "\"/><property name=\"baseline.fixed\" value=\"" << b->fixed.size() << "\"/>";
  }
  os << "</properties>\n";
}

// One testcase: skipped with the reason when its check did not run, a failure per failing
// finding, should-level findings as output.
void write_junit_case(std::ostream& os, const JunitCase& c, const CheckTally* tally,
                      const ConformOptions& options) {
  os << "    <testcase classname=\"" << xml_escape(c.classname) << "\" name=\""
     << xml_escape(c.name) << "\">\n";
  const bool ran = tally != nullptr && tally->ran;
  if (!ran && c.findings.empty()) {
    os << "      <skipped message=\"" << xml_escape(tally ? tally->skip_reason : std::string())
       << "\"/>\n";
  }
  for (const auto* f : c.findings) {
    if (fails_run(*f, options)) {
      os << "      <failure type=\"" << xml_escape(f->rule) << "\" message=\""
         << (f->baseline == "new" ? "new: " : "") << xml_escape(f->message.substr(0, 500)) << "\">"
         << xml_escape(describe(*f)) << "</failure>\n";
    } else {
      os << "      <system-out>"
         << (f->baseline == "known" ? "known (in the baseline): " : "should: ")
         << xml_escape(describe(*f)) << "</system-out>\n";
    }
  }
  os << "    </testcase>\n";
}

}  // namespace

std::string junit_report(const RunResult& result, const ConformOptions& options) {
  const auto cases = junit_cases(result, options);
  size_t failures = 0, skipped = 0;
  for (const auto& c : cases) {
    failures += std::any_of(c.findings.begin(), c.findings.end(),
                            [&](const Finding* f) { return fails_run(*f, options); });
  }
  std::map<std::string, const CheckTally*> tallies;
  for (const auto& t : result.tallies) {
    skipped += !t.ran;
    tallies[t.check] = &t;
  }
  // The coverage phase: one testcase per member and constraint.
  auto coverage = internal::coverage_testcases(result.coverage, options.strict);
  if (result.baseline) {
    // Against a baseline the findings' testcases decide (only new findings fail); a coverage
    // case that failed is shown, and fails the run through its finding when that is new.
    for (auto& t : coverage) {
      if (t.failure.empty()) continue;
      t.output =
          "failed (judged against the baseline by its finding): " + t.failure + "\n" + t.output;
      t.failure.clear();
    }
  }
  for (const auto& t : coverage) {
    failures += !t.failure.empty();
    skipped += !t.skipped.empty();
  }
  std::ostringstream os;
  write_junit_head(os, result, options, cases.size() + coverage.size(), failures, skipped);
  for (const auto& c : cases) {
    const auto tally = tallies.find(c.name.substr(0, c.name.find(' ')));
    write_junit_case(os, c, tally == tallies.end() ? nullptr : tally->second, options);
  }
  for (const auto& t : coverage) {
    os << "    <testcase classname=\"lpe.conform.coverage\" name=\"" << xml_escape(t.name)
       << "\">\n";
    if (!t.skipped.empty()) os << "      <skipped message=\"" << xml_escape(t.skipped) << "\"/>\n";
    if (!t.failure.empty()) {
      os << "      <failure type=\"coverage\" message=\"" << xml_escape(t.failure.substr(0, 500))
         << "\">" << xml_escape(t.failure) << "</failure>\n";
    }
    if (!t.output.empty()) os << "      <system-out>" << xml_escape(t.output) << "</system-out>\n";
    os << "    </testcase>\n";
  }
  if (result.baseline && !result.baseline->fixed.empty()) {
    std::ostringstream fixed;
    write_baseline_summary(fixed, *result.baseline);
    os << "    <system-out>" << xml_escape(fixed.str()) << "</system-out>\n";
  }
  os << "  </testsuite>\n</testsuites>\n";
  return os.str();
}

nlohmann::ordered_json json_report(const RunResult& result, const ConformOptions& options) {
  nlohmann::ordered_json out;
  out["endpoint"] = options.endpoint;
  out["operation"] = result.operation;
  out["contract"] = result.contract;
  out["seed"] = options.seed;
  out["cases"] = options.cases;
  out["strict"] = options.strict;
  out["completed"] = result.completed;
  out["exitCode"] = result.exit_code(options.strict);
  out["requests"] = result.requests;
  out["seconds"] = result.seconds;
  auto targets = nlohmann::ordered_json::array();
  for (const auto& t : options.targets) targets.push_back(t.label());
  out["targets"] = targets;
  auto checks = nlohmann::ordered_json::array();
  for (const auto& t : result.tallies) {
    const CheckInfo* info = find_check(t.check);
    checks.push_back({{"check", t.check},
                      {"rule", info ? info->rule : ""},
                      {"level", info && info->level == spec::Severity::kShould ? "should" : "must"},
                      {"ran", t.ran},
                      {"verdict", check_verdict(t, result, options.strict)},
                      {"passed", t.passed},
                      {"failed", t.failed},
                      {"notes", t.notes}});
    if (!t.ran) checks.back()["skipReason"] = t.skip_reason;
  }
  out["checks"] = checks;
  out["checksRan"] = result.checks_ran();
  auto findings = nlohmann::ordered_json::array();
  for (const auto& f : result.findings) findings.push_back(f.to_json());
  out["findings"] = findings;
  auto notes = nlohmann::ordered_json::array();
  for (const auto& n : result.notes) notes.push_back({{"check", n.check}, {"message", n.message}});
  out["notes"] = notes;
  out["coverage"] = internal::coverage_json(result.coverage);
  auto walks = nlohmann::ordered_json::array();
  for (const auto& w : result.walks) walks.push_back(w.to_json());
  out["walks"] = walks;
  if (result.baseline) out["baseline"] = result.baseline->to_json();
  internal::limits_json(out, result, options);
  return out;
}

}  // namespace lpe::harness
