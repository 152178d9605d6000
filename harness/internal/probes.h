// Fixed probes beside the generated cases: R12 beyond Content-Type (another method on the
// operation's path, an unknown path) and R13 authentication (unsigned, wrongly signed, stale).
#pragma once

#include "harness/internal/run_context.h"

namespace lpe::harness::internal {

// content_type: another method on the operation's path, and an unknown path.
void run_protocol_probes(const RunParts& parts);

// ignored_auth: requests without a valid signature get 403 and R13's error type (signed runs).
void run_auth_probes(const RunParts& parts);

// Requests each probe family sends when it runs (the run plan counts them).
size_t protocol_probe_count();
size_t auth_probe_count();

}  // namespace lpe::harness::internal
