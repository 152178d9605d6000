// Credentials and region as the AWS tools read them: command-line flags, then the environment
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_DEFAULT_REGION),
// then a profile (--profile NAME, else AWS_PROFILE, else `default`) of the shared credentials
// file (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials, sections [NAME]) and the config
// file (AWS_CONFIG_FILE, default ~/.aws/config, sections [profile NAME] and [default]). An
// explicit --profile wins over keys in the environment, as in the AWS CLI. Only static keys and
// session tokens are read: a profile that names a role, SSO or a credential process is an error.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "wire/sigv4.h"

namespace lpe::cli {

// One INI file as the AWS tools write it: [section] headers, `key = value` lines, `#` and `;`
// comment lines, indented lines under a key with an empty value (nested settings, kept as
// "key.sub"). Keys are lowercased; a later duplicate wins.
struct IniFile {
  std::string path;
  std::map<std::string, std::map<std::string, std::string>> sections;
  const std::map<std::string, std::string>* section(const std::string& name) const;
};

// Parses `text` read from `path`. Anything else is an error naming the file and line
// ("FILE:LINE: ..."); the line itself is never quoted (it may hold a secret).
Result<IniFile> parse_ini(std::string_view text, const std::string& path);

// What the command line gave (unset: not given) and how to read the environment.
struct CredentialSources {
  std::optional<std::string> access_key_id;
  std::optional<std::string> secret_access_key;
  std::optional<std::string> session_token;
  std::optional<std::string> region;
  std::optional<std::string> profile;
  std::function<std::string(const char*)> env;  // "" when a variable is unset
};

// Credentials, region and where they came from.
struct ResolvedCredentials {
  wire::Credentials credentials;  // empty key id: none found anywhere
  std::string region;             // never empty (us-east-1 when nothing says otherwise)
  std::string source;             // "flags", "environment", "profile NAME (FILE)" or ""
};

// Resolves credentials and region in the AWS CLI's order. A profile named by --profile or
// AWS_PROFILE that neither file holds, a file that cannot be read or parsed, and a profile with
// a key id but no secret (or the reverse) are errors (one line, with the file name).
Result<ResolvedCredentials> resolve_credentials(const CredentialSources& sources);

}  // namespace lpe::cli
