#include "cli/config_file.h"

#include <toml++/toml.h>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string_view>

#include "cli/commands.h"

namespace lpe::cli {
namespace {

constexpr ConfigKey kConformKeys[] = {
    {"endpoint", "endpoint", ConfigValue::kString},
    {"targets", "target", ConfigValue::kStrings},
    {"targets-file", "targets-file", ConfigValue::kPath},
    {"checks", "checks", ConfigValue::kStrings},
    {"exclude-checks", "exclude-checks", ConfigValue::kStrings},
    {"strict", "strict", ConfigValue::kBool},
    {"seed", "seed", ConfigValue::kInteger},
    {"cases", "cases", ConfigValue::kInteger},
    {"workers", "workers", ConfigValue::kInteger},
    {"rate-limit", "rate-limit", ConfigValue::kNumber},
    {"timeout", "timeout", ConfigValue::kNumber},
    {"max-time", "max-time", ConfigValue::kNumber},
    {"max-pages", "max-pages", ConfigValue::kInteger},
    {"max-shrink-steps", "max-shrink-steps", ConfigValue::kInteger},
    {"record", "record", ConfigValue::kPath},
    {"quiet", "quiet", ConfigValue::kBool},
    {"model", "model", ConfigValue::kPath},
    {"operation", "operation", ConfigValue::kString},
    {"overlays", "overlay", ConfigValue::kPaths},
    {"reports.junit", "report-junit", ConfigValue::kPath},
    {"reports.json", "report-json", ConfigValue::kPath},
    {"reports.html", "report-html", ConfigValue::kPath},
    {"baseline", "baseline", ConfigValue::kPath},
    {"max-requests", "max-requests", ConfigValue::kInteger},
    {"sigv4.enabled", "sigv4", ConfigValue::kBool},
    {"sigv4.region", "region", ConfigValue::kString},
    {"sigv4.profile", "profile", ConfigValue::kString},
    {"sigv4.access-key-id", "access-key-id", ConfigValue::kString},
    {"sigv4.access-key-id-env", "access-key-id", ConfigValue::kEnvironmentName},
    {"sigv4.secret-access-key-env", "secret-access-key", ConfigValue::kEnvironmentName},
    {"sigv4.session-token-env", "session-token", ConfigValue::kEnvironmentName},
    {"sigv4.allow-insecure-http", "allow-insecure-http", ConfigValue::kBool},
};

// Keys that would put a secret into a file that is committed and shared.
constexpr std::string_view kSecretKeys[] = {"sigv4.secret-access-key", "sigv4.session-token"};

constexpr size_t kMaxConfigBytes = 1 << 20;

std::string where(const std::string& file, const toml::source_region& region) {
  return file + ":" + std::to_string(region.begin.line) + ":" + std::to_string(region.begin.column);
}

const char* kind_text(ConfigValue kind) {
  switch (kind) {
    case ConfigValue::kString:
    case ConfigValue::kPath:
      return "a string";
    case ConfigValue::kBool:
      return "true or false";
    case ConfigValue::kInteger:
      return "an integer";
    case ConfigValue::kNumber:
      return "a number";
    case ConfigValue::kStrings:
    case ConfigValue::kPaths:
      return "a string or an array of strings";
    case ConfigValue::kEnvironmentName:
      return "the name of an environment variable";
  }
  return "a value";
}

std::string number_text(double value) {
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

// Reads one key's configuration into its option's values, or says why the node does not fit.
class KeyReader {
 public:
  KeyReader(const std::string& file, std::filesystem::path folder)
      : file_(file), folder_(std::move(folder)) {}

  Result<std::vector<std::string>> values(const ConfigKey& key, const toml::node& node) const {
    const auto wrong = [&] {
      return fail(where(file_, node.source()) + ": '" + key.key + "' must be " +
                  kind_text(key.value));
    };
    switch (key.value) {
      case ConfigValue::kString:
      case ConfigValue::kPath:
        if (!node.is_string()) return wrong();
        return std::vector<std::string>{text_of(key.value, node)};
      case ConfigValue::kBool:
        if (!node.is_boolean()) return wrong();
        return node.value<bool>().value_or(false) ? std::vector<std::string>{""}
                                                  : std::vector<std::string>{};
      case ConfigValue::kInteger:
        if (!node.is_integer()) return wrong();
        return std::vector<std::string>{std::to_string(node.value<int64_t>().value_or(0))};
      case ConfigValue::kNumber:
        if (!node.is_number()) return wrong();
        if (node.is_integer())
          return std::vector<std::string>{std::to_string(node.value<int64_t>().value_or(0))};
        return std::vector<std::string>{number_text(node.value<double>().value_or(0))};
      case ConfigValue::kStrings:
      case ConfigValue::kPaths:
        return strings(key, node);
      case ConfigValue::kEnvironmentName:
        return environment(key, node);
    }
    return wrong();
  }

 private:
  std::string text_of(ConfigValue kind, const toml::node& node) const {
    std::string text = node.value<std::string>().value_or("");
    const bool is_path = kind == ConfigValue::kPath || kind == ConfigValue::kPaths;
    if (!is_path || text.empty() || text == "-") return text;
    const std::filesystem::path path(text);
    if (path.is_absolute() || folder_.empty()) return text;
    return (folder_ / path).lexically_normal().string();
  }

  Result<std::vector<std::string>> strings(const ConfigKey& key, const toml::node& node) const {
    if (node.is_string()) return std::vector<std::string>{text_of(key.value, node)};
    const auto* array = node.as_array();
    if (array == nullptr)
      return fail(where(file_, node.source()) + ": '" + key.key + "' must be " +
                  kind_text(key.value));
    std::vector<std::string> out;
    for (const auto& element : *array) {
      if (!element.is_string())
        return fail(where(file_, element.source()) + ": each of '" + key.key +
                    "' must be a string");
      out.push_back(text_of(key.value, element));
    }
    return out;
  }

  Result<std::vector<std::string>> environment(const ConfigKey& key, const toml::node& node) const {
    const auto name = node.value<std::string>();
    if (!node.is_string() || !name || name->empty())
      return fail(where(file_, node.source()) + ": '" + key.key + "' must be " +
                  kind_text(key.value));
    const char* value = std::getenv(name->c_str());
    if (value == nullptr || *value == '\0')
      return fail(where(file_, node.source()) + ": '" + key.key + "' names the environment " +
                  "variable " + *name + ", which is not set");
    return std::vector<std::string>{value};
  }

  const std::string& file_;
  std::filesystem::path folder_;
};

// Every leaf of the document with its dotted key: top-level values and the values of its tables
// (one level deep, as the keys are), in file order (toml++ keeps tables sorted by key), so that
// the first problem reported is the first in the file.
struct Leaf {
  std::string key;
  const toml::key* name;
  const toml::node* node;
};

std::vector<Leaf> leaves(const toml::table& root) {
  std::vector<Leaf> out;
  for (const auto& [name, node] : root) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      out.push_back({std::string(name.str()), &name, &node});
      continue;
    }
    for (const auto& [inner_name, inner] : *table) {
      out.push_back(
          {std::string(name.str()) + "." + std::string(inner_name.str()), &inner_name, &inner});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Leaf& a, const Leaf& b) {
    const auto& x = a.name->source().begin;
    const auto& y = b.name->source().begin;
    return x.line != y.line ? x.line < y.line : x.column < y.column;
  });
  return out;
}

const OptionSpec* find_spec(const std::vector<OptionSpec>& specs, std::string_view name) {
  for (const auto& spec : specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string known_keys(std::span<const ConfigKey> keys, const std::vector<OptionSpec>& specs) {
  std::string out;
  for (const auto& key : keys) {
    if (find_spec(specs, key.option) == nullptr) continue;
    out += (out.empty() ? "" : ", ") + std::string(key.key);
  }
  return out;
}

// The arguments of one option from the values of its key.
void add_arguments(const OptionSpec& spec, const std::vector<std::string>& values,
                   std::vector<std::string>& out) {
  if (values.empty()) return;
  if (!spec.takes_value) {
    out.push_back("--" + spec.name);
  } else if (spec.repeatable) {
    for (const auto& value : values) out.push_back("--" + spec.name + "=" + value);
  } else {
    std::string joined;
    for (const auto& value : values) joined += (joined.empty() ? "" : ",") + value;
    out.push_back("--" + spec.name + "=" + joined);
  }
}

Result<toml::table> parse_toml(const std::string& path) {
  auto text = read_input(path, kMaxConfigBytes);
  if (!text) return fail("--config: " + text.error().message);
  try {
    return toml::parse(*text, path);
  } catch (const toml::parse_error& error) {
    return fail(where(path, error.source()) +
                ": not valid TOML: " + std::string(error.description()));
  }
}

}  // namespace

std::span<const ConfigKey> conform_config_keys() { return kConformKeys; }

std::string ConfigArguments::annotate(const std::string& message) const {
  std::string out = message;
  for (const auto& [option, place] : origin) {
    const std::string flag = "--" + option;
    for (size_t at = message.find(flag); at != std::string::npos; at = message.find(flag, at + 1)) {
      const size_t end = at + flag.size();
      const bool whole =
          end == message.size() ||
          !(std::isalnum(static_cast<unsigned char>(message[end])) || message[end] == '-');
      if (!whole) continue;
      out += " (" + flag + " is set in " + place + ")";
      break;
    }
  }
  return out;
}

Result<ConfigArguments> read_config_file(const std::string& path, std::span<const ConfigKey> keys,
                                         const std::vector<OptionSpec>& specs, const Args& given) {
  auto document = parse_toml(path);
  if (!document) return std::move(document).error();
  const KeyReader reader(path, std::filesystem::path(path).parent_path());
  ConfigArguments out;
  std::map<std::string, std::string> key_of_option;
  for (const auto& leaf : leaves(*document)) {
    const std::string place = where(path, leaf.name->source());
    for (const auto secret : kSecretKeys) {
      if (leaf.key == secret)
        return fail(place + ": '" + leaf.key + "': a secret does not belong in a file; name " +
                    "the environment variable that holds it with '" + leaf.key + "-env'");
    }
    const ConfigKey* key = nullptr;
    for (const auto& candidate : keys) {
      if (leaf.key == candidate.key) key = &candidate;
    }
    const OptionSpec* spec = key == nullptr ? nullptr : find_spec(specs, key->option);
    if (spec == nullptr)
      return fail(place + ": unknown key '" + leaf.key + "' (known: " + known_keys(keys, specs) +
                  ")");
    if (const auto [it, fresh] = key_of_option.emplace(spec->name, leaf.key); !fresh)
      return fail(place + ": '" + leaf.key + "' and '" + it->second + "' set the same option");
    auto values = reader.values(*key, *leaf.node);
    if (!values) return std::move(values).error();
    if (given.has(spec->name) || values->empty()) continue;
    add_arguments(*spec, *values, out.arguments);
    out.origin[spec->name] = path + ":" + std::to_string(leaf.name->source().begin.line);
  }
  return out;
}

Result<Args> apply_config_file(int argc, char** argv, std::span<const ConfigKey> keys,
                               const std::vector<OptionSpec>& specs, const Args& given) {
  auto config = read_config_file(given.get("config"), keys, specs, given);
  if (!config) return std::move(config).error();
  std::vector<std::string> merged = config->arguments;
  for (int i = 2; i < argc; ++i) merged.emplace_back(argv[i]);
  std::vector<char*> pointers;
  for (auto& argument : merged) pointers.push_back(argument.data());
  set_usage_annotation(
      [origins = *config](const std::string& message) { return origins.annotate(message); });
  return Args::parse(static_cast<int>(pointers.size()), pointers.data(), 0, specs);
}

}  // namespace lpe::cli
