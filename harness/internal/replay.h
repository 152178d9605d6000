// Replay: re-sends the exchanges of a --replay file (read and validated by replay_file) and
// judges each against what the file says it should get.
#pragma once

#include <vector>

#include "harness/internal/replay_file.h"
#include "harness/internal/run_context.h"

namespace lpe::harness::internal {

// Sends every case on options.workers threads and judges it (its check, the response checks).
void run_replay(const RunParts& parts, const std::vector<ReplayCase>& cases);

}  // namespace lpe::harness::internal
