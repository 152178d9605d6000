// The lpe subcommands. Each returns the process exit code: 0 success, 1 findings / invalid
// input, 2 could not run (usage, I/O, model) with a one-line reason on stderr.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
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

// A subcommand that ends before it runs, with this process exit code.
struct EarlyExit {
  int code;
};

// The command line of `command` (argv[2..]), or an early exit: 2 after a usage error (printed),
// 0 after printing `help` for --help.
Result<Args, EarlyExit> parse_command_line(const std::string& command, int argc, char** argv,
                                           const std::vector<OptionSpec>& specs, const char* help);

// Options every model-driven subcommand accepts.
std::vector<OptionSpec> model_options();
// Loads the selection; the error says where ("model.json: at /shapes/...: ...").
Result<SelectedOperation> select_operation(const Args& args);

// Prints "lpe <command>: <message>" to stderr and returns 2. The message goes through the
// process's usage annotation first, if one is set.
int usage_error(const std::string& command, const std::string& message);
int usage_error(const std::string& command, const Error& error);
// Sets what usage_error adds to every message (the --config file names where a value was set).
void set_usage_annotation(std::function<std::string(const std::string&)> annotate);

}  // namespace lpe::cli
