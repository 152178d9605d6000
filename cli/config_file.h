// Configuration files for CI runs (`lpe conform --config lpe.toml`): a TOML file whose keys name
// command-line options. The file is read into the arguments it stands for, and options given on
// the command line override it. Unknown keys, values of the wrong type and secrets written into
// the file are errors that name the file and line.
#pragma once

#include <map>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "cli/args.h"

namespace lpe::cli {

// What a configuration key holds, and so how it becomes arguments.
enum class ConfigValue {
  kString,           // a string
  kPath,             // a string naming a file, relative to the configuration file's folder
  kBool,             // true sets a switch; false leaves it off
  kInteger,          // a whole number
  kNumber,           // a whole or decimal number (seconds, requests per second)
  kStrings,          // a string or an array of strings: one argument each for a repeatable
                     // option, else joined with commas
  kPaths,            // the same, each naming a file (relative to the configuration's folder)
  kEnvironmentName,  // the name of an environment variable that holds the value (secrets)
};

// One key of a configuration file: its dotted name ("reports.junit") and the option it sets.
struct ConfigKey {
  const char* key;
  const char* option;  // without dashes
  ConfigValue value;
};

// The keys `lpe conform --config` accepts (one row per key; README "The config file").
std::span<const ConfigKey> conform_config_keys();

// A configuration file read into command-line arguments.
struct ConfigArguments {
  // "--name=value" (or "--name" for a switch), for the options `given` did not already set.
  std::vector<std::string> arguments;
  // Where each option set by the file comes from: option -> "lpe.toml:7".
  std::map<std::string, std::string> origin;

  // `message` with " (--name is set in lpe.toml:7)" appended for each option of the file that
  // it mentions, so that an error about a value says where the value came from.
  std::string annotate(const std::string& message) const;
};

// Reads the TOML file at `path` with `keys`. Keys whose option is not in `specs` are unknown
// (a build without that option). Options already in `given` (the command line) are left out:
// flags override the file. The error is one line: "lpe.toml:3:9: ...".
Result<ConfigArguments> read_config_file(const std::string& path, std::span<const ConfigKey> keys,
                                         const std::vector<OptionSpec>& specs, const Args& given);

// The command line `argv[2..]` (already parsed as `given`) with the options of its `--config`
// file added before it, parsed again with `specs`. Registers where each option of the file comes
// from, so that later usage errors about its values name the file and line (usage_error).
Result<Args> apply_config_file(int argc, char** argv, std::span<const ConfigKey> keys,
                               const std::vector<OptionSpec>& specs, const Args& given);

}  // namespace lpe::cli
