// A small, strict command-line parser shared by the lpe subcommands: `--name value`,
// `--name=value`, boolean `--name`, repeatable options, positionals. Unknown flags are errors.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace lpe::cli {

// One accepted option.
struct OptionSpec {
  std::string name;         // without dashes: "port"
  bool takes_value = true;  // false: a boolean switch
  bool repeatable = false;
  std::string help;  // "--port N   port to listen on (0 picks a free one)"
};

// The parsed command line.
class Args {
 public:
  // Parses argv[first..]; the error is a one-line reason.
  static Result<Args> parse(int argc, char** argv, int first, const std::vector<OptionSpec>& specs);

  bool has(std::string_view name) const { return values_.count(std::string(name)) != 0; }
  // The last value given for `name`, or `fallback`.
  std::string get(std::string_view name, std::string fallback = {}) const;
  // Every value given for a repeatable option, in order.
  std::vector<std::string> all(std::string_view name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

// Parses a whole decimal number in [min, max]; nullopt when it is not one.
std::optional<long long> parse_integer(std::string_view text, long long min, long long max);
// Parses a decimal number (seconds, rates); nullopt when it is not one or is negative.
std::optional<double> parse_non_negative(std::string_view text);

// Reads a whole file ("-" = standard input), at most `max_bytes`; the error is one line
// ("cannot open FILE: No such file or directory").
Result<std::string> read_input(const std::string& path, size_t max_bytes);

}  // namespace lpe::cli
