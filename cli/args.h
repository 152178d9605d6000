// A small, strict command-line parser shared by the lpe subcommands: `--name value`,
// `--name=value`, boolean `--name`, repeatable options, positionals. Unknown flags are errors.
#pragma once

#include <cstddef>
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

// An option that takes a whole number in [min, max] and sets a field of `Options`: a row of the
// tables the subcommands read their numeric options from.
template <class Options>
struct IntegerOption {
  const char* name;  // without dashes
  long long min;
  long long max;
  const char* error;  // the usage error when the value is not such a number
  void (*set)(Options&, long long);
};

// Sets `options` from each option of `table` given on the command line, in table order; the first
// value out of range is the error.
template <class Options, size_t N>
Status apply_integer_options(const Args& args, const IntegerOption<Options> (&table)[N],
                             Options& options) {
  for (const auto& option : table) {
    if (!args.has(option.name)) continue;
    const auto value = parse_integer(args.get(option.name), option.min, option.max);
    if (!value) return fail(option.error);
    option.set(options, *value);
  }
  return {};
}

// Reads a whole file ("-" = standard input), at most `max_bytes`; the error is one line
// ("cannot open FILE: No such file or directory").
Result<std::string> read_input(const std::string& path, size_t max_bytes);

}  // namespace lpe::cli
