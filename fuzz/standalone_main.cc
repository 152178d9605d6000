// Standalone replay runner: the main() of fuzz targets built without a fuzzing engine (gcc, the
// default preset). It runs LLVMFuzzerTestOneInput once on every file given on the command line and
// on every regular file below every directory given (sorted, so runs are reproducible), so ctest
// replays each committed corpus on every change. Arguments starting with '-' are libFuzzer flags
// and are ignored, so a reproduction command written for libFuzzer also works here.
//
// Exit status: 0 when every input ran, 1 when an input could not be read or no input was found
// (an empty corpus is a mistake, not a pass). A failing property aborts, as under libFuzzer.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

namespace fs = std::filesystem;

bool run_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "standalone: cannot read %s\n", path.c_str());
    return false;
  }
  // A buffer of exactly the input size, as libFuzzer passes it (so ASan sees overreads).
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
  std::fprintf(stderr, "Running: %s (%zu bytes)\n", path.c_str(), bytes.size());
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  std::vector<fs::path> inputs;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (!arg.empty() && arg.front() == '-') continue;
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      for (const auto& entry : fs::recursive_directory_iterator(arg, ec)) {
        if (entry.is_regular_file()) inputs.push_back(entry.path());
      }
    } else if (fs::is_regular_file(arg, ec)) {
      inputs.emplace_back(arg);
    } else {
      std::fprintf(stderr, "standalone: no such file or directory: %s\n", arg.c_str());
      ok = false;
    }
    if (ec) {
      std::fprintf(stderr, "standalone: cannot list %s: %s\n", arg.c_str(), ec.message().c_str());
      ok = false;
    }
  }
  std::sort(inputs.begin(), inputs.end());
  if (inputs.empty()) {
    std::fprintf(stderr, "standalone: no inputs (usage: %s FILE_OR_DIR...)\n", argv[0]);
    return 1;
  }
  size_t ran = 0;
  for (const auto& path : inputs) {
    if (run_file(path)) {
      ++ran;
    } else {
      ok = false;
    }
  }
  std::fprintf(stderr, "standalone: executed %zu of %zu inputs\n", ran, inputs.size());
  return ok ? 0 : 1;
}
