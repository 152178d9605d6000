#include "cli/commands.h"

namespace lpe::cli {

int run_conform(int, char**) { return usage_error("conform", "the conformance harness is not part of this build yet"); }

}  // namespace lpe::cli
