// Before a run: what the model must provide for the selected checks (a lack is a model error,
// R14) and why a selected check will not run. After a run: why each check that did not run did
// not (every report form shows it; no silent skips).
#pragma once

#include <map>
#include <string>

#include "harness/internal/judge.h"
#include "harness/internal/run_context.h"

namespace lpe::harness::internal {

// Why selected checks will not run, by check name.
using SkipReasons = std::map<std::string, std::string>;

// A model error ("model: ...") when the model lacks what a selected check needs, else "".
// Fills `judge.echo_members` and the skip reasons known before sending anything.
std::string preflight(const spec::OperationView& op, const ConformOptions& options,
                      const CheckSelection& selection, Judge& judge, SkipReasons& skips);

// Sets the skip reason of every tally that did not run (`completed`: the run was not cut short
// by --max-time).
void explain_skips(std::map<std::string, CheckTally>& tallies, const SkipReasons& skips,
                   bool completed);

}  // namespace lpe::harness::internal
