// The lpe subcommands. Each returns the process exit code: 0 success, 1 findings / invalid
// input, 2 could not run (usage, I/O, model) with a one-line reason on stderr.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/args.h"
#include "spec/spec.h"

namespace lpe::cli {

int run_validate(int argc, char** argv);
int run_mock(int argc, char** argv);
int run_conform(int argc, char** argv);

// The model and operation chosen by `--model FILE` / `--operation NAME` (bundled by default).
struct SelectedOperation {
  std::shared_ptr<const spec::Model> model;
  spec::OperationView operation;
};

// Options every model-driven subcommand accepts.
std::vector<OptionSpec> model_options();
// Loads the selection, or returns nullopt with `error` set ("model.json: at /shapes/...: ...").
std::optional<SelectedOperation> select_operation(const Args& args, std::string& error);

// Prints "lpe <command>: <message>" to stderr and returns 2.
int usage_error(const std::string& command, const std::string& message);

}  // namespace lpe::cli
