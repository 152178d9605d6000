// lpe: conformance testing, fuzzing support and a reference mock for Amazon IVS real-time
// ListParticipantEvents.
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "cli/commands.h"
#include "spec/spec.h"

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

// The tool's version, then where the bundled contract comes from: AWS's repository, path and
// commit with the sha256 of AWS's file, and the sha256 of each file embedded in this binary.
void print_version() {
  std::printf("lpe %s\n", LPE_VERSION);
  const auto& contract = lpe::spec::Model::bundled()->contract();
  const auto& from = contract.derived_from;
  if (from.is_object()) {
    const auto field = [&](const char* name) { return from.value(name, std::string("?")); };
    std::printf("model source: %s %s @ %s (sha256 %s)\n", field("repository").c_str(),
                field("path").c_str(), field("commit").c_str(), field("sha256").c_str());
  }
  for (const auto& file : contract.sources) {
    std::printf("bundled %s: %s (sha256 %s)\n", file.role.c_str(), file.name.c_str(),
                file.sha256.c_str());
  }
}

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
  if (command == "--version" || command == "version") {
    print_version();
    return 0;
  }
  if (command == "validate") return lpe::cli::run_validate(argc, argv);
  if (command == "mock") return lpe::cli::run_mock(argc, argv);
  if (command == "conform") return lpe::cli::run_conform(argc, argv);
  std::fprintf(stderr, "lpe: unknown command '%.*s'\n%s", static_cast<int>(command.size()),
               command.data(), kUsage);
  return 2;
}
