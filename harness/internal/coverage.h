// The coverage phase: the deterministic cases generators derive from the model
// (RequestGenerators::coverage_cases), each sent once before the random request families and
// judged by the same checks (positive_data_acceptance or negative_data_rejection, with
// validation_message, not_a_server_error and the response checks); and the pieces of the reports
// that show them (constraint coverage: defined, sent, passed per member and constraint).
#pragma once

#include <string>
#include <vector>

#include "generators/generators.h"
#include "harness/harness.h"
#include "harness/internal/run_context.h"

namespace lpe::harness::internal {

// How many coverage cases a run with these options sends: one request each (the plan).
size_t coverage_requests(const spec::OperationView& op, const ConformOptions& options,
                         const CheckSelection& selection,
                         const generators::RequestGenerators& gens);

// Sends and judges every coverage case the check selection lets run, on `workers` threads; the
// values of the first target are the base of every case. Cases not sent say why.
std::vector<CoverageResult> run_coverage(const RunParts& parts,
                                         const generators::RequestGenerators& gens, int workers);

// The coverage cases of a run that sends none of them, each with `reason`.
std::vector<CoverageResult> unsent_coverage(const RunParts& parts,
                                            const generators::RequestGenerators& gens,
                                            const std::string& reason);

// The console table: totals, then per member and constraint the cases defined, sent and passed,
// then the cases that did not pass and why cases were not sent. "" without coverage cases.
std::string coverage_console(const std::vector<CoverageResult>& coverage);

// The JSON report's "coverage" object: {"defined", "sent", "passed", "cases": [...]}.
nlohmann::ordered_json coverage_json(const std::vector<CoverageResult>& coverage);

// One JUnit testcase per member and constraint: skipped when none of its cases was sent, a
// failure when a case failed a must-level check (any check with `strict`), else passed.
struct CoverageTestcase {
  std::string name;     // "maxResults range", "body"
  std::string skipped;  // the reason, when nothing was sent
  std::string failure;  // the first failing case, when the testcase fails
  std::string output;   // the cases that failed only should-level checks
};
std::vector<CoverageTestcase> coverage_testcases(const std::vector<CoverageResult>& coverage,
                                                 bool strict);

}  // namespace lpe::harness::internal
