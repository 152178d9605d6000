// Temporary files for tests: unique paths in GoogleTest's temporary directory, whole-file reads
// and writes, and a file that is removed with its owner.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace lpe::test_support {

// "<temp dir>lpe-<pid>-<n>-<name>": unique within the process and between processes running at
// once (ctest runs tests of one binary as separate processes).
inline std::string temp_path(const std::string& name) {
  static std::atomic<int> counter{0};
  return ::testing::TempDir() + "lpe-" + std::to_string(::getpid()) + "-" +
         std::to_string(++counter) + "-" + name;
}

// The bytes of `path` ("" when it cannot be read).
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

// Replaces `path` with `text`.
inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// A path from temp_path(name) whose file is removed when the object goes.
class TempFile {
 public:
  explicit TempFile(const std::string& name) : path_(temp_path(name)) {}
  TempFile(const std::string& name, const std::string& text) : TempFile(name) {
    write_file(path_, text);
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }
  std::string read() const { return read_file(path_); }
  void write(const std::string& text) const { write_file(path_, text); }

 private:
  std::string path_;
};

}  // namespace lpe::test_support
