#include <cstdio>

#include "cli/commands.h"
#include "wire/text.h"

namespace lpe::cli {
namespace {

std::function<std::string(const std::string&)>& usage_annotation() {
  static std::function<std::string(const std::string&)> annotate;
  return annotate;
}

}  // namespace

void set_usage_annotation(std::function<std::string(const std::string&)> annotate) {
  usage_annotation() = std::move(annotate);
}

std::vector<OptionSpec> model_options() {
  return {
      {"model", true, false,
       "--model FILE        a Smithy JSON AST model (default: the bundled one)"},
      {"operation", true, false,
       "--operation NAME    the operation to use (required when the model has several)"},
      {"overlay", true, true,
       "--overlay FILE      a Smithy overlay of `apply` shapes (repeatable; default: the "
       "bundled one when its shape ids are in --model)"},
  };
}

Result<Args, EarlyExit> parse_command_line(const std::string& command, int argc, char** argv,
                                           const std::vector<OptionSpec>& specs, const char* help) {
  auto args = Args::parse(argc, argv, 2, specs);
  if (!args) return EarlyExit{usage_error(command, args.error())};
  if (args->has("help")) {
    std::fputs(help, stdout);
    return EarlyExit{0};
  }
  return std::move(args).value();
}

Result<SelectedOperation> select_operation(const Args& args) {
  SelectedOperation out;
  if (args.has("overlay") && !args.has("model"))
    return fail("--overlay needs --model (the bundled model has its overlay already)");
  if (args.has("model")) {
    auto loaded = spec::Model::load_file(args.get("model"), args.all("overlay"));
    if (!loaded) return fail(loaded.error().to_string());
    out.model = *loaded;
  } else {
    out.model = spec::Model::bundled();
  }
  auto op = out.model->operation(args.get("operation"));
  if (!op) return op.error();
  out.operation = *op;
  return out;
}

int usage_error(const std::string& command, const std::string& message) {
  // One line, and nothing in it (file names, peer text) can drive the terminal.
  const auto& annotate = usage_annotation();
  const std::string text = annotate ? annotate(message) : message;
  std::fprintf(stderr, "lpe %s: %s\n", command.c_str(),
               wire::escape_for_terminal(text, false).c_str());
  return 2;
}

int usage_error(const std::string& command, const Error& error) {
  return usage_error(command, error.to_string());
}

}  // namespace lpe::cli
