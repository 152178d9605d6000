// The run plan: what each phase of a run sends at most, decided before anything is sent, and
// how a request budget (--max-requests) is shared out: the fixed phases first (coverage cases,
// probes, token checks), then the walks (a page budget per walk), then the random cases, then a
// spare for shrinking and retries. plan_run (harness.h) is the entry point.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/internal/run_context.h"

namespace lpe::harness::internal {

// What a phase's request count depends on.
struct PlanInputs {
  const spec::OperationView& op;
  const ConformOptions& options;
  const CheckSelection& selection;
  // The coverage cases the run sends without a budget (counted once, from the run's generators).
  size_t coverage_cases = 0;
};

// What one phase sends at most, declared before anything is sent.
struct PhaseDemand {
  std::string family;  // a CheckFamily name, or "setup"
  std::string phase;   // "token checks, 3 targets"
  uint64_t requests = 0;
};

// A phase whose request count does not shrink with the budget: its demand, or nothing when the
// phase does not run with these options.
using FixedPhase = std::optional<PhaseDemand> (*)(const PlanInputs&);

// The fixed phases, in plan order. A new phase plugs in with one line in this list (budget.cc).
const std::vector<FixedPhase>& fixed_phases();

// The targets in the order a budget gives them token checks: the longest lists first.
std::vector<size_t> token_probe_order(const std::vector<Target>& targets);

// Whether the target at `target_index` gets token checks (options.token_probe_targets).
bool gets_token_checks(const ConformOptions& options, size_t target_index);

// The token checks' requests on the first `targets` targets of token_probe_order at `positions`
// token positions.
uint64_t token_check_requests(const PlanInputs& in, size_t targets, size_t positions);

// Under a budget the coverage phase and the token checks shrink to fit: sets
// options.coverage_limit, token_probe_targets and token_probe_positions (the coverage cases get
// the room first) and returns the spare it kept for shrinking and retries; an error when not even
// one token position on one target fits with one page per walk and one case per family.
Result<uint64_t> fit_elastic_phases(const PlanInputs& in, ConformOptions& options, size_t families);

// Adds a plan line for each fixed phase that runs (fixed_phases order); returns their requests.
uint64_t add_fixed_lines(const PlanInputs& in, RunPlan& plan);

// The plan's notes on what fit_elastic_phases cut.
void note_elastic_cuts(const PlanInputs& in, const ConformOptions& options, RunPlan& plan);

// Pages a walk of a list of `items` items needs at `page_size` (at least one: the last page).
uint64_t pages_for(uint64_t items, int64_t page_size);

// The page size a walk asks for, or the default page size for an omitted one (-1).
int64_t effective_page_size(const spec::OperationView& op, int64_t page_size);

// The largest number of items every walk may cover so that the walks of `targets` at `sizes`
// fit in `budget` requests (each walk at least one page); 0 when not even that fits. A list of
// known length never costs more pages than it has.
uint64_t walk_item_cap(const spec::OperationView& op, const std::vector<Target>& targets,
                       const std::vector<int64_t>& sizes, uint64_t budget);

// The page cap the plan gave walks at `page_size`, or nothing (walks end at max_pages only).
std::optional<size_t> walk_page_cap(const ConformOptions& options, int64_t page_size);

}  // namespace lpe::harness::internal
