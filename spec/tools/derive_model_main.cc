// lpe-derive-model: writes the bundled contract derived from AWS's published model (see
// spec/derive.h and scripts/refresh-model.sh, which is how it is meant to be run).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "spec/derive.h"

namespace {

constexpr const char* kUsage =
    "usage: lpe-derive-model --input AWS_MODEL.json --operation NAME --output FILE\n"
    "                        [--repository R] [--path P] [--commit C]\n"
    "Writes the closure of one operation of an AWS Smithy JSON AST model (documentation dropped,\n"
    "provenance and sha256 recorded in metadata \"lpe.derivedFrom\").\n";

}  // namespace

int main(int argc, char** argv) {
  std::string input, operation, output;
  lpe::spec::DeriveSource source{"aws/api-models-aws", "", ""};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "lpe-derive-model: %s needs a value\n%s", arg.c_str(), kUsage);
      return 2;
    }
    const std::string value = argv[++i];
    if (arg == "--input") {
      input = value;
    } else if (arg == "--operation") {
      operation = value;
    } else if (arg == "--output") {
      output = value;
    } else if (arg == "--repository") {
      source.repository = value;
    } else if (arg == "--path") {
      source.path = value;
    } else if (arg == "--commit") {
      source.commit = value;
    } else {
      std::fprintf(stderr, "lpe-derive-model: unknown option '%s'\n%s", arg.c_str(), kUsage);
      return 2;
    }
  }
  if (input.empty() || operation.empty() || output.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::ifstream in(input, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "lpe-derive-model: cannot open %s\n", input.c_str());
    return 2;
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto derived = lpe::spec::derive_operation_model(text.str(), operation, source);
  if (!derived) {
    std::fprintf(stderr, "lpe-derive-model: %s: %s\n", input.c_str(),
                 derived.error().to_string().c_str());
    return 2;
  }
  const std::string bytes = lpe::spec::serialize_derived_model(*derived);
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  out << bytes;
  out.close();
  if (!out) {
    std::fprintf(stderr, "lpe-derive-model: cannot write %s\n", output.c_str());
    return 2;
  }
  return 0;
}
