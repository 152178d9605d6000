#include "cli/args.h"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>

namespace lpe::cli {

Result<Args> Args::parse(int argc, char** argv, int first, const std::vector<OptionSpec>& specs) {
  Args args;
  bool only_positionals = false;
  for (int i = first; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (only_positionals || arg.size() < 2 || arg.substr(0, 2) != "--") {
      if (!only_positionals && arg == "--") {
        only_positionals = true;
        continue;
      }
      args.positionals_.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positionals = true;
      continue;
    }
    std::string_view name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (const auto eq = name.find('='); eq != std::string_view::npos) {
      inline_value = std::string(name.substr(eq + 1));
      name = name.substr(0, eq);
    }
    const OptionSpec* spec = nullptr;
    for (const auto& s : specs) {
      if (s.name == name) spec = &s;
    }
    if (spec == nullptr) {
      return fail("unknown option '--" + std::string(name) + "' (see --help)");
    }
    std::string value;
    if (spec->takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return fail("option '--" + spec->name + "' needs a value");
      }
    } else if (inline_value) {
      return fail("option '--" + spec->name + "' takes no value");
    }
    auto& slot = args.values_[spec->name];
    if (!spec->repeatable && !slot.empty()) {
      return fail("option '--" + spec->name + "' given twice");
    }
    slot.push_back(std::move(value));
  }
  return args;
}

std::string Args::get(std::string_view name, std::string fallback) const {
  const auto it = values_.find(std::string(name));
  return it == values_.end() || it->second.empty() ? fallback : it->second.back();
}

std::vector<std::string> Args::all(std::string_view name) const {
  const auto it = values_.find(std::string(name));
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::optional<long long> parse_integer(std::string_view text, long long min, long long max) {
  long long v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size() || v < min || v > max) {
    return std::nullopt;
  }
  return v;
}

std::optional<double> parse_non_negative(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string copy(text);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || errno != 0 || !(v >= 0) || v > 1e15) return std::nullopt;
  return v;
}

Result<std::string> read_input(const std::string& path, size_t max_bytes) {
  std::string out;
  std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return fail("cannot open " + path + ": " + std::strerror(errno));
  }
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    if (out.size() + n > max_bytes) {
      if (f != stdin) std::fclose(f);
      return fail((path == "-" ? std::string("standard input") : path) + " is larger than " +
                  std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, n);
  }
  const bool failed = std::ferror(f) != 0;
  if (f != stdin) std::fclose(f);
  if (failed) {
    return fail("cannot read " + path);
  }
  return out;
}

}  // namespace lpe::cli
