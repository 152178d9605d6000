#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>

#include "cli/aws_profile.h"
#include "cli/commands.h"
#include "cli/config_file.h"
#include "harness/harness.h"
#include "harness/internal/endpoint.h"
#include "harness/internal/http_client.h"
#include "harness/internal/replay_file.h"
#include "harness/internal/text_safety.h"
#include "mock/mock.h"
#include "wire/json_guard.h"
#include "wire/text.h"

namespace lpe::cli {
namespace {

constexpr const char* kHelp =
    "usage: lpe conform [--endpoint URL --target V1,V2,V3 ...] [options]\n"
    "\n"
    "Tests an endpoint against the ListParticipantEvents contract and exits 0 (all must-checks\n"
    "passed), 1 (a finding) or 2 (could not run). Without --endpoint it starts the reference mock\n"
    "in-process on a free loopback port with its default dataset and tests that (the embedded "
    "default).\n"
    "\n"
    "endpoint and targets:\n"
    "  --endpoint URL           http(s)://host[:port][/base] of the endpoint under test\n"
    "  --target VALUES          a list known to exist there: STAGE_ARN,SESSION_ID,PARTICIPANT_ID\n"
    "                           (or name=value,...); repeatable\n"
    "  --targets-file FILE      targets from a `lpe mock --dump-data` style file; their events\n"
    "                           are the data every walk must give (expected_data)\n"
    "signing (R13):\n"
    "  --sigv4                  sign requests with SigV4 (and run the ignored_auth check)\n"
    "  --access-key-id ID       default: $AWS_ACCESS_KEY_ID\n"
    "  --secret-access-key KEY  default: $AWS_SECRET_ACCESS_KEY\n"
    "  --session-token TOKEN    default: $AWS_SESSION_TOKEN\n"
    "  --region REGION          default: $AWS_REGION, $AWS_DEFAULT_REGION, the profile's region,\n"
    "                           us-east-1\n"
    "  --profile NAME           keys, session token and region from this profile of\n"
    "                           ~/.aws/credentials and ~/.aws/config (default: $AWS_PROFILE, then\n"
    "                           [default], after the flags and AWS_* variables; see README)\n"
    "  --allow-insecure-http    allow signed requests over plain http to a non-loopback host\n"
    "run:\n"
    "  --seed N                 seed of the generated cases (default: random, printed)\n"
    "  --cases N                generated requests per request-check family (default 200)\n"
    "  --checks A,B             run only these checks (see --list-checks)\n"
    "  --exclude-checks A,B     skip these checks\n"
    "  --strict                 should-level findings fail the run too\n"
    "  --workers N              parallel keep-alive connections (default 4)\n"
    "  --rate-limit R           requests per second (default: unlimited on loopback, 10 "
    "elsewhere)\n"
    "  --timeout S              deadline of each whole exchange (connect, send, headers, body) in\n"
    "                           seconds (default 10)\n"
    "  --max-time S             stop the whole run after S seconds, requests in flight included\n"
    "                           (default: no limit)\n"
    "  --max-pages N            page cap per pagination walk (default 20000)\n"
    "  --max-shrink-steps N     requests spent shrinking each failure (default 300)\n"
    "  --record FILE            write every exchange with its expectation as JSONL\n"
    "  --replay FILE            re-send recorded requests (from --record) and judge them again\n"
    "budget and throttling (a throttled answer is retried, never judged):\n"
    "  --max-requests N         send at most N requests, retries included, planned to run every\n"
    "                           check (default: none on loopback, 2400 elsewhere)\n"
    "  --plan                   print the plan (requests per family, expected duration) and exit\n"
    "reports:\n"
    "  --report-junit FILE      JUnit XML, one testcase per check (and target)\n"
    "  --report-json FILE       the whole result as JSON\n"
    "  --report-html FILE       one self-contained HTML page of the JSON report\n"
    "  --baseline FILE          an earlier --report-json report: findings are new, known or "
    "fixed,\n"
    "                           and only new ones fail the run\n"
    "  --quiet                  no live progress line\n"
    "  --list-checks            list the checks with rule, level and description, and exit\n"
    "model:\n"
    "  --model FILE             a Smithy JSON AST model (default: the bundled one)\n"
    "  --operation NAME         the operation to use (required when the model has several)\n"
    "  --overlay FILE           a Smithy overlay of apply shapes for --model (repeatable; default: "
    "the\n"
    "                           bundled overlay when its shape ids are in the model)\n"
    "configuration file:\n"
    "  --config FILE            options from a TOML file (keys as in examples/lpe.toml); options\n"
    "                           given on the command line override it\n";

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

// A shell-safe rendering of an argument for reproduction lines.
std::string shell_quote(const std::string& s) {
  const bool plain =
      !s.empty() &&
      s.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,@+") ==
          std::string::npos;
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

Status write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return fail("cannot write " + path);
  return {};
}

// Checks that `path` can be created or opened for writing, without changing an existing file
// and without leaving a new one behind. The error names the option and the reason.
Status check_writable(const char* option, const std::string& path) {
  if (path.empty()) return fail(std::string("--") + option + " needs a file name");
  struct stat before {};
  const bool existed = ::stat(path.c_str(), &before) == 0;
  if (existed && S_ISDIR(before.st_mode))
    return fail(std::string("cannot write --") + option + " " + path + ": it is a directory");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail(std::string("cannot write --") + option + " " + path + ": " + std::strerror(errno));
  ::close(fd);
  if (!existed) ::unlink(path.c_str());
  return {};
}

// True when both paths name the same existing file.
bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {
  }, sb{};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

std::vector<OptionSpec> conform_option_specs() {
  auto specs = model_options();
  for (const char* name :
       {"endpoint", "targets-file", "access-key-id", "secret-access-key", "session-token", "region",
        "seed", "cases", "checks", "exclude-checks", "workers", "rate-limit", "timeout", "max-time",
        "max-pages", "max-shrink-steps", "record", "replay", "report-junit", "report-json",
        // the request budget and AWS profiles
        "max-requests", "profile"}) {
    specs.push_back({name, true, false, ""});
  }
  specs.push_back({"target", true, true, ""});
  // Reports and baselines: the HTML report, comparison with an earlier JSON report.
  for (const char* name : {"report-html", "baseline"}) specs.push_back({name, true, false, ""});
  for (const char* name :
       {"sigv4", "allow-insecure-http", "strict", "quiet", "list-checks", "help", "plan"}) {
    specs.push_back({name, false, false, ""});
  }
  // The configuration file (cli/config_file.h).
  specs.push_back({"config", true, false, ""});
  return specs;
}

void print_check_list() {
  for (const auto& c : harness::all_checks()) {
    std::printf("%-26s %-10s %-7s %-11s %s\n", c.name.c_str(), c.rule.c_str(),
                c.level == spec::Severity::kMust ? "must" : "should",
                std::string(harness::to_string(c.family)).c_str(), c.description.c_str());
  }
}

using harness::ConformOptions;

constexpr IntegerOption<ConformOptions> kCountOptions[] = {
    {"cases", 1, 1000000, "--cases must be an integer 1..1000000",
     [](ConformOptions& o, long long v) { o.cases = static_cast<int>(v); }},
    {"workers", 1, 256, "--workers must be an integer 1..256",
     [](ConformOptions& o, long long v) { o.workers = static_cast<int>(v); }},
    {"max-pages", 1, 100000000, "--max-pages must be a positive integer",
     [](ConformOptions& o, long long v) { o.max_pages = static_cast<size_t>(v); }},
    {"max-shrink-steps", 0, 100000, "--max-shrink-steps must be an integer 0..100000",
     [](ConformOptions& o, long long v) { o.max_shrink_steps = static_cast<int>(v); }},
    // the request budget
    {"max-requests", 1, 1000000000, "--max-requests must be an integer 1..1000000000",
     [](ConformOptions& o, long long v) { o.max_requests = static_cast<uint64_t>(v); }},
};

// An option that takes a non-negative number of seconds (or requests per second).
struct SecondsOption {
  const char* name;
  bool zero_allowed;
  void (*set)(ConformOptions&, double);
};

std::chrono::milliseconds milliseconds_of(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

constexpr SecondsOption kSecondsOptions[] = {
    {"timeout", false, [](ConformOptions& o, double v) { o.timeout = milliseconds_of(v); }},
    {"max-time", true, [](ConformOptions& o, double v) { o.max_time = milliseconds_of(v); }},
    {"rate-limit", true, [](ConformOptions& o, double v) { o.rate_limit = v; }},
};

// The run: seed (random when not given), counts, time bounds, the checks selected, strictness,
// the record and replay files and the progress line.
Status read_run_options(const Args& args, ConformOptions& options) {
  if (args.has("seed")) {
    const auto seed = parse_integer(args.get("seed"), 0, INT64_MAX);
    if (!seed) return fail("--seed must be a non-negative integer");
    options.seed = static_cast<uint64_t>(*seed);
  } else {
    options.seed = std::random_device{}() % 1000000000ULL;
  }
  if (auto counts = apply_integer_options(args, kCountOptions, options); !counts) return counts;
  for (const auto& option : kSecondsOptions) {
    if (!args.has(option.name)) continue;
    const auto v = parse_non_negative(args.get(option.name));
    if (!v || (*v == 0 && !option.zero_allowed))
      return fail(std::string("--") + option.name + " must be a positive number");
    option.set(options, *v);
  }
  for (const char* name : {"checks", "exclude-checks"}) {
    for (const auto& check : split_list(args.get(name))) {
      if (harness::find_check(check) == nullptr)
        return fail("unknown check '" + check + "' (see --list-checks)");
      (std::string(name) == "checks" ? options.only_checks : options.excluded_checks)
          .push_back(check);
    }
  }
  options.strict = args.has("strict");
  options.record_path = args.get("record");
  options.replay_path = args.get("replay");
  options.show_progress = !args.has("quiet") && isatty(STDERR_FILENO);
  return {};
}

// Made-up credentials the embedded mock and the run share: a fixed key id and a printable secret,
// as real secret keys are (32 random bytes in hex).
wire::Credentials embedded_mock_credentials() {
  wire::Credentials credentials;
  credentials.access_key_id = "AKIALPEEMBEDDEDMOCK1";
  static constexpr char kHex[] = "0123456789abcdef";
  for (const unsigned char byte : wire::TokenSealer::random_secret()) {
    credentials.secret_access_key += kHex[byte >> 4];
    credentials.secret_access_key += kHex[byte & 15];
  }
  return credentials;
}

// What the command line says about credentials, for resolve_credentials.
CredentialSources credential_sources(const Args& args) {
  CredentialSources sources;
  const auto given = [&](const char* name) {
    return args.has(name) ? std::optional<std::string>(args.get(name)) : std::nullopt;
  };
  sources.access_key_id = given("access-key-id");
  sources.secret_access_key = given("secret-access-key");
  sources.session_token = given("session-token");
  sources.region = given("region");
  sources.profile = given("profile");
  sources.env = [](const char* name) { return env(name); };
  return sources;
}

// --sigv4 and its credentials and region: flags, then the AWS_* environment, then a profile of
// the shared credentials and config files (cli/aws_profile.h).
Status read_signing(const Args& args, const spec::OperationView& op, ConformOptions& options) {
  if (!args.has("sigv4")) {
    for (const char* name : {"access-key-id", "secret-access-key", "session-token", "profile"}) {
      if (args.has(name)) return fail(std::string("--") + name + " needs --sigv4");
    }
    return {};
  }
  auto resolved = resolve_credentials(credential_sources(args));
  if (!resolved) return resolved.error();
  harness::SigningOptions signing;
  auto& credentials = signing.credentials;
  credentials = resolved->credentials;
  signing.region = resolved->region;
  signing.service = op.sigv4_name;
  if (!args.has("endpoint") && credentials.access_key_id.empty()) {
    const auto made_up = embedded_mock_credentials();
    credentials.access_key_id = made_up.access_key_id;
    credentials.secret_access_key = made_up.secret_access_key;
  }
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return fail(
        "--sigv4 needs credentials: --access-key-id/--secret-access-key, AWS_ACCESS_KEY_ID/"
        "AWS_SECRET_ACCESS_KEY, or a profile (--profile, AWS_PROFILE, [default] in "
        "~/.aws/credentials or ~/.aws/config)");
  }
  options.sigv4 = signing;
  return {};
}

// The targets of a --targets-file (a `lpe mock --dump-data` style file).
Result<std::vector<harness::Target>> read_targets_file(const std::string& path,
                                                       const spec::OperationView& op) {
  auto text = read_input(path, 256u << 20);
  if (!text) return std::move(text).error();
  // A NUL byte would end nlohmann's reading early; deep nesting would overflow the stack.
  if (const Status checked = wire::check_json_text(*text, 64); !checked)
    return fail(path + ": not valid JSON: " + checked.error().message);
  const auto doc = nlohmann::ordered_json::parse(*text, nullptr, false);
  if (doc.is_discarded()) return fail(path + ": not valid JSON");
  auto targets = harness::targets_from_dataset(op, doc, path);
  if (!targets) return targets.error();
  return std::move(*targets);
}

// --endpoint with its --target values and --targets-file.
Status read_endpoint_and_targets(const Args& args, const spec::OperationView& op,
                                 ConformOptions& options) {
  options.endpoint = args.get("endpoint");
  const auto parsed = harness::internal::parse_endpoint(options.endpoint);
  if (!parsed) return fail("--endpoint: " + parsed.error().to_string());
  for (const auto& text : args.all("target")) {
    auto target = harness::parse_target(op, text);
    if (!target) return target.error();
    options.targets.push_back(*target);
  }
  if (args.has("targets-file")) {
    auto targets = read_targets_file(args.get("targets-file"), op);
    if (!targets) return std::move(targets).error();
    for (auto& t : *targets) options.targets.push_back(std::move(t));
  }
  if (options.targets.empty() && options.replay_path.empty()) {
    std::fprintf(stderr,
                 "lpe conform: no --target given: pagination checks need lists known to exist; "
                 "they will not run\n");
  }
  return {};
}

// Without --endpoint: the reference mock on a free loopback port with its default dataset (and
// the run's credentials when signed); its scopes are the targets.
Result<std::unique_ptr<mock::MockServer>> start_embedded_mock(const Args& args,
                                                              const SelectedOperation& selected,
                                                              ConformOptions& options) {
  if (args.has("target") || args.has("targets-file"))
    return fail("--target and --targets-file need --endpoint (the embedded mock brings its own)");
  auto dataset = mock::Dataset::synthetic(selected.operation);
  if (!dataset)
    return fail("cannot build the embedded dataset: " + dataset.error().front().to_string());
  auto shared = std::make_shared<const mock::Dataset>(std::move(*dataset));
  mock::MockOptions mock_options;
  mock_options.dataset = shared;
  if (options.sigv4) {
    mock_options.auth = mock::AuthMode::kSigV4;
    mock_options.region = options.sigv4->region;
    const auto& c = options.sigv4->credentials;
    if (c.session_token.empty()) {
      mock_options.credentials.add(c.access_key_id, c.secret_access_key);
    } else {
      mock_options.credentials.add(c.access_key_id, c.secret_access_key, c.session_token);
    }
  }
  auto handler = mock::MockHandler::create(selected.model, selected.operation, mock_options);
  if (!handler) return fail("embedded mock: " + handler.error().to_string());
  auto server = std::make_unique<mock::MockServer>(*handler, mock::ServerOptions{});
  if (auto started = server->start(); !started) {
    return fail("embedded mock: " + started.error().to_string());
  }
  options.endpoint = server->url();
  // The dataset's items are the targets' expected data (expected_data), kept alive with it.
  for (const auto& scope : shared->scopes()) {
    const auto* items = shared->items(scope.values);
    options.targets.push_back(harness::Target{
        scope.values, items == nullptr ? nullptr
                                       : std::shared_ptr<const std::vector<nlohmann::ordered_json>>(
                                             shared, items)});
    options.targets.back().known_items = scope.item_count;
  }
  return server;
}

// "lpe conform ..." with the options that decide what a reproduction line re-sends.
std::string reproduction_prefix(const Args& args, const ConformOptions& options) {
  std::string reproduce = "lpe conform";
  if (args.has("model")) reproduce += " --model " + shell_quote(args.get("model"));
  if (args.has("operation")) reproduce += " --operation " + shell_quote(args.get("operation"));
  for (const auto& overlay : args.all("overlay")) reproduce += " --overlay " + shell_quote(overlay);
  if (args.has("endpoint")) {
    reproduce += " --endpoint " + shell_quote(options.endpoint);
    for (const auto& text : args.all("target")) reproduce += " --target " + shell_quote(text);
    if (args.has("targets-file"))
      reproduce += " --targets-file " + shell_quote(args.get("targets-file"));
  }
  if (options.sigv4) reproduce += " --sigv4 --region " + shell_quote(options.sigv4->region);
  if (args.has("cases")) reproduce += " --cases " + std::to_string(options.cases);
  if (options.strict) reproduce += " --strict";
  return reproduce;
}

// The default budget for a remote endpoint: 4 minutes at the default 10 requests/s, leaving
// room for backoff after throttling within 5 minutes.
constexpr uint64_t kRemoteRequestBudget = 2400;

// No signed requests over plain http to a remote host; a polite default rate remotely. Loopback
// is a literal loopback address or exactly "localhost" (harness/internal/endpoint.h).
Status apply_remote_safety(const Args& args, ConformOptions& options) {
  const auto parsed = harness::internal::parse_endpoint(options.endpoint);
  if (!parsed) return fail("--endpoint: " + parsed.error().to_string());
  const auto& endpoint = *parsed;
  const bool loopback = endpoint.is_loopback();
  if (options.sigv4 && endpoint.scheme == "http" && !loopback && !args.has("allow-insecure-http")) {
    return fail(
        "refusing to send signed requests over plain http to a non-loopback host (use https, or "
        "--allow-insecure-http)");
  }
  if (!args.has("rate-limit") && !loopback) {
    options.rate_limit = 10;
    std::fprintf(stderr,
                 "lpe conform: %s is not a loopback host: at most 10 requests/s (--rate-limit "
                 "to change)\n",
                 endpoint.host.c_str());
  }
  if (!args.has("max-requests") && !loopback) {
    options.max_requests = kRemoteRequestBudget;
    std::fprintf(stderr,
                 "lpe conform: %s is not a loopback host: at most %llu requests "
                 "(--max-requests to change)\n",
                 endpoint.host.c_str(), static_cast<unsigned long long>(kRemoteRequestBudget));
  }
  return {};
}

// Every output must be writable, no two outputs the same file, and the replay file valid,
// before anything is sent.
Status check_files(const Args& args, const ConformOptions& options) {
  std::vector<std::pair<const char*, std::string>> outputs;
  for (const char* name : {"record", "report-junit", "report-json", "report-html"}) {
    if (args.has(name)) outputs.emplace_back(name, args.get(name));
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (auto writable = check_writable(outputs[i].first, outputs[i].second); !writable)
      return writable;
    for (size_t j = 0; j < i; ++j) {
      if (outputs[i].second == outputs[j].second || same_file(outputs[i].second, outputs[j].second))
        return fail(std::string("--") + outputs[j].first + " and --" + outputs[i].first +
                    " name the same file");
    }
  }
  if (options.replay_path.empty()) return {};
  if (!options.record_path.empty() && (options.record_path == options.replay_path ||
                                       same_file(options.record_path, options.replay_path))) {
    return fail("--record and --replay name the same file");
  }
  const auto replay = harness::internal::read_replay_file(options.replay_path);
  if (!replay) return replay.error();
  return {};
}

// The --baseline report, when given: read and checked before anything is sent.
Result<std::optional<harness::Baseline>> read_baseline_file(const Args& args) {
  if (!args.has("baseline")) return std::optional<harness::Baseline>();
  const std::string path = args.get("baseline");
  auto text = read_input(path, 256u << 20);
  if (!text) return fail("--baseline: " + text.error().message);
  if (const Status checked = wire::check_json_text(*text, 64); !checked)
    return fail("--baseline " + path + ": not valid JSON: " + checked.error().message);
  const auto doc = nlohmann::ordered_json::parse(*text, nullptr, false);
  if (doc.is_discarded()) return fail("--baseline " + path + ": not valid JSON");
  auto baseline = harness::read_baseline(doc, path);
  if (!baseline) return fail("--baseline " + baseline.error().message);
  return std::optional<harness::Baseline>(std::move(*baseline));
}

// Runs the checks and writes the console summary and the reports asked for. The secret key and
// session token never reach output, whatever a server reflects.
int run_and_report(const Args& args, const SelectedOperation& selected,
                   const ConformOptions& options, mock::MockServer* embedded,
                   const std::optional<harness::Baseline>& baseline) {
  std::fprintf(stderr, "lpe conform: %s, %zu targets, seed %llu%s\n", options.endpoint.c_str(),
               options.targets.size(), static_cast<unsigned long long>(options.seed),
               embedded != nullptr ? " (embedded reference mock)" : "");
  auto result = harness::run_conformance(selected.model, selected.operation, options);
  if (embedded != nullptr) embedded->stop();
  const auto masker = harness::internal::secret_masker(options.sigv4);
  if (!result.setup_error.empty()) return usage_error("conform", masker.mask(result.setup_error));
  if (baseline) harness::compare_with_baseline(*baseline, options.targets, result);
  std::cout << wire::escape_for_terminal(masker.mask(harness::console_summary(result, options)));
  std::cout.flush();
  if (args.has("report-junit")) {
    const auto written =
        write_file(args.get("report-junit"), masker.mask(harness::junit_report(result, options)));
    if (!written) return usage_error("conform", written.error());
  }
  const auto report = harness::json_report(result, options);
  if (args.has("report-json")) {
    const auto json = report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    const auto written = write_file(args.get("report-json"), masker.mask(json) + "\n");
    if (!written) return usage_error("conform", written.error());
  }
  if (args.has("report-html")) {
    const auto written =
        write_file(args.get("report-html"), masker.mask(harness::html_report(report)));
    if (!written) return usage_error("conform", written.error());
  }
  return result.exit_code(options.strict);
}

}  // namespace

int run_conform(int argc, char** argv) {
  auto args = parse_command_line("conform", argc, argv, conform_option_specs(), kHelp);
  if (!args) return args.error().code;
  if (args->has("config")) {
    auto configured =
        apply_config_file(argc, argv, conform_config_keys(), conform_option_specs(), *args);
    if (!configured) return usage_error("conform", configured.error());
    *args = std::move(*configured);
  }
  if (args->has("list-checks")) {
    print_check_list();
    return 0;
  }
  if (!args->positionals().empty())
    return usage_error("conform", "unexpected argument '" + args->positionals()[0] + "'");
  const auto selected = select_operation(*args);
  if (!selected) return usage_error("conform", selected.error());

  ConformOptions options;
  if (auto run = read_run_options(*args, options); !run) return usage_error("conform", run.error());
  if (auto signing = read_signing(*args, selected->operation, options); !signing)
    return usage_error("conform", signing.error());
  // The endpoint under test: given, or the embedded mock.
  std::unique_ptr<mock::MockServer> embedded;
  if (args->has("endpoint")) {
    if (auto given = read_endpoint_and_targets(*args, selected->operation, options); !given)
      return usage_error("conform", given.error());
  } else {
    auto started = start_embedded_mock(*args, *selected, options);
    if (!started) return usage_error("conform", started.error());
    embedded = std::move(*started);
  }
  options.reproduce_prefix = reproduction_prefix(*args, options);
  if (auto safety = apply_remote_safety(*args, options); !safety)
    return usage_error("conform", safety.error());
  if (auto files = check_files(*args, options); !files)
    return usage_error("conform", files.error());
  const auto baseline = read_baseline_file(*args);
  if (!baseline) return usage_error("conform", baseline.error());
  // The plan, fitted to --max-requests: printed before anything is sent.
  auto plan = harness::plan_run(selected->model, selected->operation, options);
  if (!plan) return usage_error("conform", plan.error());
  options.plan = *plan;
  if (args->has("plan")) {
    std::fputs(plan->text().c_str(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 2;
  }
  if (!args->has("quiet")) std::fprintf(stderr, "lpe conform: %s", plan->text().c_str());
  return run_and_report(*args, *selected, options, embedded.get(), *baseline);
}

}  // namespace lpe::cli
