// The shared credentials and config files, and the order credentials are looked up in.
#include "cli/aws_profile.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "cli/args.h"

namespace lpe::cli {
namespace {

constexpr size_t kMaxFileBytes = size_t{1} << 20;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A file of the lookup: parsed, absent (nullopt), or an error.
Result<std::optional<IniFile>> read_ini(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) return std::optional<IniFile>();
  auto text = read_input(path, kMaxFileBytes);
  if (!text) return text.error();
  auto parsed = parse_ini(*text, path);
  if (!parsed) return parsed.error();
  return std::optional<IniFile>(std::move(*parsed));
}

// "~/x" -> "$HOME/x".
std::string expand_home(const std::string& path, const CredentialSources& sources) {
  if (path.rfind("~/", 0) != 0) return path;
  return sources.env("HOME") + path.substr(1);
}

// The settings of profile `name`: the credentials file's [name] over the config file's
// [profile name] ([default] for the default profile), and the file each came from.
struct Profile {
  std::map<std::string, std::string> settings;
  std::string file;  // where the keys came from (else the file that holds the profile)
  bool found = false;
};

void merge_section(Profile& p, const IniFile& file, const std::string& section) {
  const auto* s = file.section(section);
  if (s == nullptr) return;
  const bool had_key = p.settings.count("aws_access_key_id") != 0;
  for (const auto& [k, v] : *s) p.settings.emplace(k, v);  // earlier files win
  if (!p.found || (!had_key && s->count("aws_access_key_id") != 0)) p.file = file.path;
  p.found = true;
}

Result<Profile> load_profile(const std::string& name, const CredentialSources& sources) {
  const std::string credentials_path =
      expand_home(sources.env("AWS_SHARED_CREDENTIALS_FILE").empty()
                      ? "~/.aws/credentials"
                      : sources.env("AWS_SHARED_CREDENTIALS_FILE"),
                  sources);
  const std::string config_path = expand_home(
      sources.env("AWS_CONFIG_FILE").empty() ? "~/.aws/config" : sources.env("AWS_CONFIG_FILE"),
      sources);
  auto credentials = read_ini(credentials_path);
  if (!credentials) return credentials.error();
  auto config = read_ini(config_path);
  if (!config) return config.error();
  Profile p;
  if (*credentials) merge_section(p, **credentials, name);
  if (*config) {
    if (name == "default") merge_section(p, **config, "default");
    merge_section(p, **config, "profile " + name);
  }
  if (p.found && p.file.empty()) p.file = credentials_path;
  if (!p.found) p.file = credentials_path + " or " + config_path;
  return p;
}

std::string setting(const Profile& p, const std::string& key) {
  const auto it = p.settings.find(key);
  return it == p.settings.end() ? "" : it->second;
}

// The static keys of a found profile, or why there are none.
Result<wire::Credentials> profile_keys(const std::string& name, const Profile& p) {
  wire::Credentials c;
  c.access_key_id = setting(p, "aws_access_key_id");
  c.secret_access_key = setting(p, "aws_secret_access_key");
  c.session_token = setting(p, "aws_session_token");
  if (c.session_token.empty()) c.session_token = setting(p, "aws_security_token");
  const std::string where = "profile '" + name + "' in " + p.file;
  if (c.access_key_id.empty() && c.secret_access_key.empty()) {
    return fail(where +
                " has no aws_access_key_id and aws_secret_access_key (only static keys and "
                "session tokens are read; role_arn, sso_* and credential_process are not)");
  }
  if (c.access_key_id.empty())
    return fail(where + " has aws_secret_access_key but no aws_access_key_id");
  if (c.secret_access_key.empty())
    return fail(where + " has aws_access_key_id but no aws_secret_access_key");
  return c;
}

}  // namespace

const std::map<std::string, std::string>* IniFile::section(const std::string& name) const {
  const auto it = sections.find(name);
  return it == sections.end() ? nullptr : &it->second;
}

Result<IniFile> parse_ini(std::string_view text, const std::string& path) {
  IniFile out;
  out.path = path;
  std::map<std::string, std::string>* current = nullptr;
  std::string parent;  // the key whose empty value opened nested settings
  size_t line_number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view raw = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_number;
    const std::string where = path + ":" + std::to_string(line_number) + ": ";
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    const bool indented = raw.front() == ' ' || raw.front() == '\t';
    if (line.front() == '[') {
      if (line.back() != ']' || trim(line.substr(1, line.size() - 2)).empty())
        return fail(where + "a section header must be [NAME]");
      current = &out.sections[std::string(trim(line.substr(1, line.size() - 2)))];
      parent.clear();
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos || trim(line.substr(0, eq)).empty())
      return fail(where + "expected [section], key = value or a comment");
    if (current == nullptr) return fail(where + "a setting before the first [section]");
    const std::string key = lower(trim(line.substr(0, eq)));
    const std::string value(trim(line.substr(eq + 1)));
    if (indented && !parent.empty()) {
      (*current)[parent + "." + key] = value;
      continue;
    }
    if (indented) return fail(where + "an indented setting under a key that has a value");
    (*current)[key] = value;
    parent = value.empty() ? key : "";
  }
  return out;
}

Result<ResolvedCredentials> resolve_credentials(const CredentialSources& sources) {
  ResolvedCredentials out;
  const std::string env_profile = sources.env("AWS_PROFILE");
  const std::string profile_name = sources.profile       ? *sources.profile
                                   : env_profile.empty() ? "default"
                                                         : env_profile;
  const bool named = sources.profile.has_value() || !env_profile.empty();
  if (profile_name.empty()) return fail("--profile must not be empty");
  auto profile = load_profile(profile_name, sources);
  if (!profile) return profile.error();
  if (named && !profile->found) {
    return fail("profile '" + profile_name + "' not found in " + profile->file +
                (sources.profile ? " (--profile)" : " (AWS_PROFILE)"));
  }
  auto& c = out.credentials;
  const bool flags = sources.access_key_id || sources.secret_access_key;
  const bool environment =
      !sources.env("AWS_ACCESS_KEY_ID").empty() && !sources.env("AWS_SECRET_ACCESS_KEY").empty();
  if (flags || (environment && !sources.profile)) {
    c.access_key_id = sources.access_key_id.value_or(sources.env("AWS_ACCESS_KEY_ID"));
    c.secret_access_key = sources.secret_access_key.value_or(sources.env("AWS_SECRET_ACCESS_KEY"));
    c.session_token = sources.env("AWS_SESSION_TOKEN");
    out.source = flags ? "flags" : "environment";
  } else if (profile->found) {
    auto keys = profile_keys(profile_name, *profile);
    if (!keys) return keys.error();
    c = std::move(*keys);
    out.source = "profile '" + profile_name + "' (" + profile->file + ")";
  }
  if (sources.session_token) c.session_token = *sources.session_token;
  out.region = sources.region.value_or("");
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (out.region.empty()) out.region = sources.env(name);
  }
  if (out.region.empty()) out.region = setting(*profile, "region");
  if (out.region.empty()) out.region = "us-east-1";
  return out;
}

}  // namespace lpe::cli
