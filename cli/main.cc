// lpe: conformance testing, fuzzing support and a reference mock for Amazon IVS real-time
// ListParticipantEvents.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "cli/commands.h"

namespace {

constexpr const char* kUsage =
    "usage: lpe <command> [options]\n"
    "\n"
    "commands:\n"
    "  conform    test an endpoint against the contract (default: the embedded reference mock)\n"
    "  mock       serve the reference endpoint\n"
    "  validate   judge one request body or HTTP response against the model\n"
    "\n"
    "`lpe <command> --help` lists a command's options. Exit codes: 0 ok, 1 findings, 2 could not "
    "run.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string_view command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "--version") {
    std::puts("lpe 0.1.0");
    return 0;
  }
  if (command == "validate") return lpe::cli::run_validate(argc, argv);
  if (command == "mock") return lpe::cli::run_mock(argc, argv);
  if (command == "conform") return lpe::cli::run_conform(argc, argv);
  std::fprintf(stderr, "lpe: unknown command '%.*s'\n%s", static_cast<int>(command.size()),
               command.data(), kUsage);
  return 2;
}
