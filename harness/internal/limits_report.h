// What throttling, the request budget and the run plan did to a run, in every report form:
// retry counts (never judged), why the run stopped early, the walks a page budget shortened and
// the plan. report.cc calls these; the figures come from Session::report and plan_run.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/harness.h"

namespace lpe::harness::internal {

// The skip reason of every check that did not run, when the run stopped early for `reason`
// (budget spent, throttled too long) rather than at --max-time.
void explain_stop(std::map<std::string, CheckTally>& tallies, const std::string& reason);

// Console lines: the retries, the stop reason and the shortened walks ("" when none).
std::string limits_console(const RunResult& result);

// JSON members: "retries", "plan", "shortenedWalks", "stopReason".
void limits_json(nlohmann::ordered_json& out, const RunResult& result,
                 const ConformOptions& options);

// JUnit properties (name, unescaped value): retries.throttled, retries.retried,
// retries.gave_up, max_requests, walks.shortened, stop_reason.
std::vector<std::pair<std::string, std::string>> limits_junit_properties(
    const RunResult& result, const ConformOptions& options);

}  // namespace lpe::harness::internal
