#include <cstdio>

#include "cli/commands.h"

namespace lpe::cli {

std::vector<OptionSpec> model_options() {
  return {
      {"model", true, false,
       "--model FILE        a Smithy JSON AST model (default: the bundled one)"},
      {"operation", true, false,
       "--operation NAME    the operation to use (default: the model's only one)"},
  };
}

std::optional<SelectedOperation> select_operation(const Args& args, std::string& error) {
  SelectedOperation out;
  if (args.has("model")) {
    auto loaded = spec::Model::load_file(args.get("model"));
    if (auto* e = std::get_if<spec::ModelError>(&loaded)) {
      error = e->to_string();
      return std::nullopt;
    }
    out.model = std::get<std::shared_ptr<const spec::Model>>(loaded);
  } else {
    out.model = spec::Model::bundled();
  }
  auto op = out.model->operation(args.get("operation"));
  if (auto* e = std::get_if<std::string>(&op)) {
    error = *e;
    return std::nullopt;
  }
  out.operation = std::get<spec::OperationView>(op);
  return out;
}

int usage_error(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "lpe %s: %s\n", command.c_str(), message.c_str());
  return 2;
}

}  // namespace lpe::cli
