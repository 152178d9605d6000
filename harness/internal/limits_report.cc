// Retries, budget, plan and early stops in the console, JSON and JUnit reports.
#include "harness/internal/limits_report.h"

#include <cstdio>
#include <sstream>

namespace lpe::harness::internal {

void explain_stop(std::map<std::string, CheckTally>& tallies, const std::string& reason) {
  for (auto& [name, tally] : tallies) {
    if (!tally.ran) tally.skip_reason = "the run stopped before this check ran: " + reason;
  }
}

std::string limits_console(const RunResult& result) {
  std::ostringstream os;
  if (result.throttled > 0) {
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "\nthrottling: %llu throttled answers, %llu retries, %.1f s of backoff "
                  "(retried, never judged)\n",
                  static_cast<unsigned long long>(result.throttled),
                  static_cast<unsigned long long>(result.retries), result.backoff_seconds);
    os << buf;
  }
  if (!result.shortened_walks.empty()) {
    os << "\nWalks shortened by the page budget (--max-requests; compared on the items they "
          "saw)\n";
    size_t shown = 0;
    for (const auto& walk : result.shortened_walks) {
      if (++shown > 10) {
        os << "  ... " << result.shortened_walks.size() - 10 << " more in the JSON report\n";
        break;
      }
      os << "  " << walk << "\n";
    }
  }
  if (!result.stop_reason.empty()) os << "\nstopped early: " << result.stop_reason << "\n";
  return os.str();
}

void limits_json(nlohmann::ordered_json& out, const RunResult& result,
                 const ConformOptions& options) {
  out["retries"] = {{"throttled", result.throttled},
                    {"retried", result.retries},
                    {"gaveUp", result.gave_up_throttled},
                    {"backoffSeconds", result.backoff_seconds}};
  out["maxRequests"] = options.max_requests;
  if (!options.plan.lines.empty()) out["plan"] = options.plan.to_json();
  out["shortenedWalks"] = result.shortened_walks;
  if (!result.stop_reason.empty()) out["stopReason"] = result.stop_reason;
}

std::vector<std::pair<std::string, std::string>> limits_junit_properties(
    const RunResult& result, const ConformOptions& options) {
  std::vector<std::pair<std::string, std::string>> out = {
      {"retries.throttled", std::to_string(result.throttled)},
      {"retries.retried", std::to_string(result.retries)},
      {"retries.gave_up", std::to_string(result.gave_up_throttled)},
      {"max_requests", std::to_string(options.max_requests)},
      {"walks.shortened", std::to_string(result.shortened_walks.size())},
  };
  if (!result.stop_reason.empty()) out.emplace_back("stop_reason", result.stop_reason);
  return out;
}

}  // namespace lpe::harness::internal
