// `lpe mock`: the reference endpoint.
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <limits>
#include <mutex>
#include <random>
#include <string_view>
#include <thread>

#include "cli/commands.h"
#include "mock/mock.h"

namespace lpe::cli {
namespace {

constexpr size_t kMaxDataBytes = size_t{256} << 20;
constexpr int kDefaultPort = 8080;

constexpr const char* kHelp =
    "usage: lpe mock [options]\n"
    "\n"
    "Serves the operation of the model (default: IVS real-time ListParticipantEvents) as the\n"
    "contract says. The first line on stdout is `listening http://HOST:PORT`. SIGINT/SIGTERM stop\n"
    "it cleanly within seconds (requests already received are answered, a pending latency fault\n"
    "is cut short); a second signal stops it at once (exit 128+signal).\n"
    "\n"
    "serving:\n"
    "  --host ADDR            address to bind (default 127.0.0.1)\n"
    "  --port N               port (default 8080; 0 picks a free port)\n"
    "  --threads N            worker threads = requests answered at once; idle and slow\n"
    "                         connections hold none (default: 4 per core, at least 16)\n"
    "  --max-body-bytes N     larger request bodies get 413 before being read (default 1048576)\n"
    "  --log FILE|-           access log, one line per request, secrets masked ('-' = stdout)\n"
    "data:\n"
    "  --data FILE            serve this JSON fixture instead of the built-in dataset\n"
    "  --dump-data            print the dataset (built-in or --data) as a fixture and exit\n"
    "pagination:\n"
    "  --token-ttl SECONDS    pagination token lifetime (default 86400)\n"
    "  --token-secret TEXT    token key, so tokens survive restarts (default: random per run)\n"
    "authentication:\n"
    "  --auth none|sigv4      require SigV4-signed requests (default none)\n"
    "  --credentials AKID:SECRET[:SESSION_TOKEN]\n"
    "                         a key the endpoint accepts (repeatable; default with sigv4: from\n"
    "                         AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)\n"
    "  --region NAME          signing region (default: AWS_REGION, AWS_DEFAULT_REGION, us-east-1)\n"
    "faults:\n"
    "  --fault KIND           internal (500 InternalServerException), latency:MS (answer MS\n"
    "                         milliseconds late), drop (close the connection, no response) or\n"
    "                         throttle:RATE[:BURST] (a token bucket of RATE requests/s, BURST at\n"
    "                         once, default RATE; when empty: 429 ThrottlingException, as AWS)\n"
    "  --fault-rate P         fraction of requests faulted, 0..1 (needed with --fault, except\n"
    "                         throttle)\n"
    "  --seed N               fixes the fault sequence and request ids (default: random,\n"
    "                         printed on stderr)\n"
    "model:\n"
    "  --model FILE           a Smithy JSON AST model (default: the bundled one)\n"
    "  --operation NAME       the operation to serve (required when the model has several)\n"
    "  --overlay FILE         a Smithy overlay of apply shapes for --model (repeatable; default: "
    "the\n"
    "                         bundled overlay when its shape ids are in the model)\n"
    "\n"
    "exit: 0 after a clean stop or --dump-data, 2 usage, data, model or bind error,\n"
    "      128+signal when a second signal cut the stop short\n";

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

// Adds a key to `store`, with its session token when there is one.
void add_key(wire::CredentialStore& store, const std::string& akid, const std::string& secret,
             const std::string& token) {
  if (token.empty()) {
    store.add(akid, secret);
  } else {
    store.add(akid, secret, token);
  }
}

// "AKID:SECRET" or "AKID:SECRET:SESSION_TOKEN".
Status add_credentials(const std::string& text, wire::CredentialStore& store) {
  const auto first = text.find(':');
  const auto second = first == std::string::npos ? std::string::npos : text.find(':', first + 1);
  const std::string akid = text.substr(0, first);
  const std::string secret =
      first == std::string::npos
          ? std::string()
          : text.substr(first + 1,
                        second == std::string::npos ? std::string::npos : second - first - 1);
  const std::string token = second == std::string::npos ? std::string() : text.substr(second + 1);
  if (akid.empty() || secret.empty() || (second != std::string::npos && token.empty()))
    return fail("--credentials must be AKID:SECRET or AKID:SECRET:SESSION_TOKEN");
  add_key(store, akid, secret, token);
  return {};
}

// The access log sink: whole lines under a mutex, flushed so `tail -f` shows them.
class LogSink {
 public:
  Status open(const std::string& path) {
    if (path == "-") {
      file_ = stdout;
      return {};
    }
    file_ = std::fopen(path.c_str(), "a");
    if (file_ == nullptr) return fail("cannot open log file " + path + ": " + std::strerror(errno));
    owned_ = true;
    return {};
  }
  ~LogSink() {
    if (owned_) std::fclose(file_);
  }
  void write(const std::string& line) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fputc('\n', file_);
    std::fflush(file_);
  }

 private:
  std::FILE* file_ = nullptr;
  bool owned_ = false;
  std::mutex mutex_;
};

const char* signal_name(int signal) { return signal == SIGINT ? "SIGINT" : "SIGTERM"; }

// Enough descriptors for thousands of connections (the soft limit is often 1024).
void raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t wanted = std::min<rlim_t>(limit.rlim_max, 65536);
  if (limit.rlim_cur < wanted) {
    limit.rlim_cur = wanted;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// A NUL byte in a data file: JSON never holds one, and a parser reading C strings would stop
// there and ignore the rest. "FILE:LINE:COLUMN: ..." or "" when there is none.
std::string nul_byte_error(std::string_view text, const std::string& path) {
  const size_t at = text.find('\0');
  if (at == std::string_view::npos) return "";
  size_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return path + ":" + std::to_string(line) + ":" + std::to_string(at - line_start + 1) +
         ": a NUL byte is not allowed in a data file (JSON text never holds one)";
}

std::vector<OptionSpec> mock_option_specs() {
  auto specs = model_options();
  for (const char* name : {"host", "port", "threads", "max-body-bytes", "log", "data", "token-ttl",
                           "token-secret", "auth", "region", "fault", "fault-rate", "seed"}) {
    specs.push_back({name, true, false, ""});
  }
  specs.push_back({"credentials", true, true, ""});
  specs.push_back({"dump-data", false, false, ""});
  specs.push_back({"help", false, false, ""});
  return specs;
}

// Why there is no dataset to serve: a one-line reason, or a heading and the problems of a file.
struct DatasetError {
  std::string heading;
  std::vector<std::string> problems;  // empty: `heading` is a one-line usage error
};

int report(const DatasetError& error) {
  if (error.problems.empty()) return usage_error("mock", error.heading);
  std::fprintf(stderr, "lpe mock: %s:\n", error.heading.c_str());
  for (const auto& problem : error.problems) std::fprintf(stderr, "  %s\n", problem.c_str());
  return 2;
}

DatasetError dataset_problems(std::string heading, const std::vector<mock::DataError>& errors) {
  DatasetError out{std::move(heading), {}};
  for (const auto& e : errors) out.problems.push_back(e.to_string());
  return out;
}

using SharedDataset = std::shared_ptr<const mock::Dataset>;

// --data FILE, or the model's default dataset.
Result<SharedDataset, DatasetError> load_dataset(const Args& args, const spec::OperationView& op) {
  if (!args.has("data")) {
    auto built = mock::Dataset::synthetic(op);
    if (!built)
      return dataset_problems("cannot build the default dataset for this model", built.error());
    return std::make_shared<const mock::Dataset>(std::move(*built));
  }
  const std::string path = args.get("data");
  const auto text = read_input(path, kMaxDataBytes);
  if (!text) return DatasetError{text.error().to_string(), {}};
  const std::string heading = path + " is not a valid data file";
  if (const std::string nul = nul_byte_error(*text, path); !nul.empty())
    return DatasetError{heading, {nul}};
  auto loaded = mock::Dataset::load(*text, path, op);
  if (!loaded) return dataset_problems(heading, loaded.error());
  return std::make_shared<const mock::Dataset>(std::move(*loaded));
}

int dump_dataset(const mock::Dataset& dataset) {
  std::cout << dataset.to_json().dump(-1, ' ', false,
                                      nlohmann::ordered_json::error_handler_t::replace)
            << "\n";
  std::cout.flush();
  return std::cout ? 0 : 2;
}

constexpr IntegerOption<mock::MockOptions> kLimitOptions[] = {
    {"max-body-bytes", 1, 1LL << 40, "--max-body-bytes must be a whole number of bytes >= 1",
     [](mock::MockOptions& o, long long v) { o.max_body_bytes = static_cast<size_t>(v); }},
    {"token-ttl", 1, 100LL * 365 * 86400, "--token-ttl must be a whole number of seconds >= 1",
     [](mock::MockOptions& o, long long v) { o.token_ttl = std::chrono::seconds(v); }},
};

// Request body limit and pagination tokens.
Status read_limits(const Args& args, mock::MockOptions& options) {
  if (auto limits = apply_integer_options(args, kLimitOptions, options); !limits) return limits;
  if (args.has("token-secret")) {
    options.token_secret = args.get("token-secret");
    if (options.token_secret.empty()) return fail("--token-secret must not be empty");
  }
  return {};
}

// --auth, the keys the endpoint accepts (options, then the AWS_* environment) and the region.
Status read_authentication(const Args& args, mock::MockOptions& options) {
  const std::string auth = args.get("auth", "none");
  if (auth != "none" && auth != "sigv4") return fail("--auth must be 'none' or 'sigv4'");
  if (auth == "sigv4") {
    options.auth = mock::AuthMode::kSigV4;
    const auto given = args.all("credentials");
    for (const auto& c : given) {
      if (auto added = add_credentials(c, options.credentials); !added) return added;
    }
    if (given.empty()) {
      const std::string akid = env("AWS_ACCESS_KEY_ID");
      const std::string secret = env("AWS_SECRET_ACCESS_KEY");
      if (akid.empty() || secret.empty()) {
        return fail(
            "--auth sigv4 needs --credentials AKID:SECRET or AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY in the environment");
      }
      add_key(options.credentials, akid, secret, env("AWS_SESSION_TOKEN"));
    }
  } else if (args.has("credentials")) {
    return fail("--credentials needs --auth sigv4");
  }
  options.region =
      args.get("region", !env("AWS_REGION").empty()           ? env("AWS_REGION")
                         : !env("AWS_DEFAULT_REGION").empty() ? env("AWS_DEFAULT_REGION")
                                                              : "us-east-1");
  if (options.region.empty()) return fail("--region must not be empty");
  return {};
}

// "throttle:RATE[:BURST]": RATE requests a second (0 < RATE <= 1e6), BURST of them at once
// (1..1e6, default RATE rounded up).
Status read_throttle(const std::string& spec, mock::FaultOptions& fault) {
  const std::string error =
      "--fault throttle:RATE[:BURST] needs RATE in (0, 1000000] requests/s and BURST in "
      "[1, 1000000]";
  const std::string rest = spec.substr(9);
  const size_t colon = rest.find(':');
  const auto rate = parse_non_negative(rest.substr(0, colon));
  if (!rate || *rate <= 0 || *rate > 1e6) return fail(error);
  double burst = std::max(1.0, std::ceil(*rate));
  if (colon != std::string::npos) {
    const auto given = parse_non_negative(rest.substr(colon + 1));
    if (!given || *given < 1 || *given > 1e6) return fail(error);
    burst = *given;
  }
  fault.kind = mock::FaultKind::kThrottle;
  fault.throttle_rate = *rate;
  fault.throttle_burst = std::min(burst, 1e6);
  return {};
}

// --fault KIND with --fault-rate P (throttle takes none), and the seed that fixes the fault
// sequence.
Status read_faults(const Args& args, mock::MockOptions& options) {
  const bool throttle = args.get("fault").rfind("throttle:", 0) == 0;
  if (throttle && args.has("fault-rate"))
    return fail("--fault throttle:RATE[:BURST] takes no --fault-rate (the bucket decides)");
  if (!throttle && args.has("fault") != args.has("fault-rate")) {
    return fail(args.has("fault") ? "--fault needs --fault-rate P (0..1)"
                                  : "--fault-rate needs --fault KIND");
  }
  if (throttle) {
    if (auto read = read_throttle(args.get("fault"), options.fault); !read) return read;
  } else if (args.has("fault")) {
    const std::string kind = args.get("fault");
    if (kind == "internal") {
      options.fault.kind = mock::FaultKind::kInternal;
    } else if (kind == "drop") {
      options.fault.kind = mock::FaultKind::kDrop;
    } else if (kind.rfind("latency:", 0) == 0) {
      const auto ms = parse_integer(kind.substr(8), 0, 600000);
      if (!ms) return fail("--fault latency:MS needs MS in 0..600000");
      options.fault.kind = mock::FaultKind::kLatency;
      options.fault.latency = std::chrono::milliseconds(*ms);
    } else {
      return fail("--fault must be internal, latency:MS, drop or throttle:RATE[:BURST]");
    }
    const auto rate = parse_non_negative(args.get("fault-rate"));
    if (!rate || *rate > 1.0) return fail("--fault-rate must be a number in 0..1");
    options.fault.rate = *rate;
  }
  if (args.has("seed")) {
    const auto seed = parse_integer(args.get("seed"), 0, std::numeric_limits<long long>::max());
    if (!seed) return fail("--seed must be a whole number >= 0");
    options.seed = static_cast<uint64_t>(*seed);
  } else {
    std::random_device device;
    options.seed = (static_cast<uint64_t>(device()) << 32 | device()) & 0x7fffffffffffffffULL;
    if (options.fault.kind != mock::FaultKind::kNone) {
      std::fprintf(stderr, "lpe mock: fault seed %llu (replay with --seed)\n",
                   static_cast<unsigned long long>(options.seed));
    }
  }
  return {};
}

constexpr IntegerOption<mock::ServerOptions> kServerOptions[] = {
    {"threads", 1, 4096, "--threads must be 1..4096",
     [](mock::ServerOptions& o, long long v) { o.threads = static_cast<int>(v); }},
};

// Address, port, worker threads and the access log (written to `log`).
Result<mock::ServerOptions> read_serving(const Args& args, LogSink& log) {
  mock::ServerOptions server_options;
  server_options.host = args.get("host", "127.0.0.1");
  if (server_options.host.empty()) return fail("--host must not be empty");
  const auto port = parse_integer(args.get("port", std::to_string(kDefaultPort)), 0, 65535);
  if (!port) return fail("--port must be 0..65535");
  server_options.port = static_cast<int>(*port);
  if (auto threads = apply_integer_options(args, kServerOptions, server_options); !threads)
    return threads.error();
  if (args.has("log")) {
    if (auto opened = log.open(args.get("log")); !opened) return opened.error();
    server_options.access_log = [&log](const std::string& line) { log.write(line); };
  }
  return server_options;
}

// Serves until SIGINT or SIGTERM: the stop answers requests already received and gives requests
// still arriving a short grace; a second signal ends the process at once (exit 128+signal).
int serve_until_signalled(std::shared_ptr<const mock::MockHandler> handler,
                          const mock::ServerOptions& server_options) {
  // Signals are taken synchronously by this thread; every server thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  raise_descriptor_limit();
  mock::MockServer server(std::move(handler), server_options);
  if (auto started = server.start(); !started) return usage_error("mock", started.error());
  std::printf("listening %s\n", server.url().c_str());
  std::fflush(stdout);
  if (server_options.host != "127.0.0.1" && server_options.host != "::1" &&
      server_options.host != "localhost") {
    std::fprintf(stderr,
                 "lpe mock: warning: listening on %s, reachable beyond this machine (no TLS)\n",
                 server_options.host.c_str());
  }
  int received = 0;
  sigwait(&stop_signals, &received);
  std::fprintf(stderr, "lpe mock: %s received, stopping (send it again to stop at once)\n",
               signal_name(received));
  server.stop();
  std::atomic<bool> stopped{false};
  std::thread waiter([&] {
    server.wait();
    stopped.store(true);
  });
  while (!stopped.load()) {
    timespec tick{0, 50 * 1000 * 1000};
    const int again = sigtimedwait(&stop_signals, nullptr, &tick);
    if (again == SIGINT || again == SIGTERM) {
      std::fprintf(stderr, "lpe mock: second %s, stopping at once\n", signal_name(again));
      std::fflush(stderr);
      std::fflush(stdout);
      std::_Exit(128 + again);
    }
  }
  waiter.join();
  return 0;
}

}  // namespace

int run_mock(int argc, char** argv) {
  const auto args = parse_command_line("mock", argc, argv, mock_option_specs(), kHelp);
  if (!args) return args.error().code;
  if (!args->positionals().empty())
    return usage_error("mock", "unexpected argument '" + args->positionals()[0] + "' (see --help)");
  const auto selected = select_operation(*args);
  if (!selected) return usage_error("mock", selected.error());

  mock::MockOptions options;
  auto dataset = load_dataset(*args, selected->operation);
  if (!dataset) return report(dataset.error());
  options.dataset = std::move(*dataset);
  if (args->has("dump-data")) return dump_dataset(*options.dataset);
  for (const auto read : {read_limits, read_authentication, read_faults}) {
    if (auto status = read(*args, options); !status) return usage_error("mock", status.error());
  }
  LogSink log;
  const auto server_options = read_serving(*args, log);
  if (!server_options) return usage_error("mock", server_options.error());
  auto created =
      mock::MockHandler::create(selected->model, selected->operation, std::move(options));
  if (!created) return usage_error("mock", created.error());
  return serve_until_signalled(*created, *server_options);
}

}  // namespace lpe::cli
