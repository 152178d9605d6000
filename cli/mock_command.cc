#include "cli/commands.h"

namespace lpe::cli {

int run_mock(int, char**) { return usage_error("mock", "the reference mock is not part of this build yet"); }

}  // namespace lpe::cli
