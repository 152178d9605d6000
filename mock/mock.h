// The reference endpoint (`lpe mock`): serves the model's paginated list operation exactly as the
// contract says (DESIGN.md R1-R13), from a dataset whose shape also comes from the model.
//
// Three layers, each usable alone:
// - Dataset: the lists the endpoint serves, loaded from a fixture file or generated, validated
//   against the model.
// - MockHandler: one request in, one response out. No sockets, no sleeping, never throws, bounded
//   work, deterministic given its inputs, its seed and the order of calls. Used by the server, by
//   tests and by fuzz targets.
// - MockServer: the epoll transport (bounded strict HTTP/1.1 framing, keep-alive, TCP_NODELAY,
//   deadlines, body limit before buffering, faults, access log, graceful stop).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "mock/hooks.h"
#include "spec/spec.h"
#include "validators/validators.h"
#include "wire/wire.h"

namespace lpe::mock {

// ---- Dataset ---------------------------------------------------------------------------------

// Where a data file is wrong: file, JSON pointer and what is wrong.
struct DataError {
  std::string file;
  std::string pointer;  // RFC 6901; empty for the document as a whole
  std::string message;
  // "data.json: at /stages/0/sessions/0/id: ..." (one line).
  std::string to_string() const;
};

// One list the dataset serves: the list-scope values that select it (outermost first, in
// OperationView::list_scope order) and how many items it holds.
struct ListScope {
  std::vector<std::string> values;
  size_t item_count = 0;
};

// The lists the endpoint serves. The fixture format nests the three list-scope members:
//   {"stages":[{"arn":S,"sessions":[{"id":S,"participants":[{"id":S,"events":[ITEM...]}]}]}]}
// where `arn`, the session `id` and the participant `id` are the values of list_scope[0..2] and
// each ITEM is an object of the model's item structure. An item member named like the innermost
// scope member defaults to that list's value. Items are served in file order. Immutable once built;
// thread-safe to share.
class Dataset {
 public:
  // Parses and validates fixture text against `operation` (scope values against their members'
  // constraints, items against the item structure: known members only, enums known, timestamps
  // RFC 3339 UTC; no duplicate scope entries). `file_name` prefixes every error. On failure
  // returns every error found (at most 50, the last one saying how many more there were).
  static Result<Dataset, std::vector<DataError>> load(std::string_view text,
                                                      std::string_view file_name,
                                                      const spec::OperationView& operation);

  // The same from an already parsed document.
  static Result<Dataset, std::vector<DataError>> from_json(const nlohmann::ordered_json& document,
                                                           std::string_view file_name,
                                                           const spec::OperationView& operation);

  // The deterministic default dataset (documented in mock/README.md): several stages, sessions
  // and participants whose item counts hit the paging boundaries (0, 1, 49, 50, 51, 99, 100, 101,
  // 250 and 5000), every event name, error events with error codes, subscribe events naming the
  // publisher, times sorted with equal timestamps present. Validated like a fixture file; fails
  // only when a custom model cannot express it.
  static Result<Dataset, std::vector<DataError>> synthetic(const spec::OperationView& operation);

  // The dataset in the fixture format, items as served (the defaulted member filled in), so that
  // `load(to_json().dump())` gives an equal dataset.
  nlohmann::ordered_json to_json() const;

  // Every list, in file order, with its scope values and item count.
  std::vector<ListScope> scopes() const;

  // The items of the list with these scope values (outermost first), in serving order, or nullptr
  // when the dataset has no such list.
  const std::vector<nlohmann::ordered_json>* items(std::span<const std::string> scope) const;
  // The same items, each serialized as compact JSON (what the endpoint writes).
  const std::vector<std::string>* serialized_items(std::span<const std::string_view> scope) const;

  // Number of lists and of items over all lists.
  size_t list_count() const { return lists_.size(); }
  size_t total_items() const;

  // A copy whose every item went through `change` (then re-serialized). For tests (a defective
  // dataset proves the response checks); the result is not validated again.
  Dataset transformed(const std::function<void(nlohmann::ordered_json& item)>& change) const;
  // A copy whose every list went through `change` (its scope values and its items, which it may
  // reorder, remove or alter), then re-serialized. For tests, like `transformed`: not validated.
  Dataset transformed_lists(
      const std::function<void(std::span<const std::string> scope,
                               std::vector<nlohmann::ordered_json>& items)>& change) const;

 private:
  struct List {
    std::vector<std::string> scope;
    std::vector<nlohmann::ordered_json> items;
    std::vector<std::string> serialized;
  };
  // The nesting as the file gave it (a stage with no session is kept).
  struct Participant {
    std::string id;
    size_t list = 0;  // index into lists_
  };
  struct Session {
    std::string id;
    std::vector<Participant> participants;
  };
  struct Stage {
    std::string arn;
    std::vector<Session> sessions;
  };

  struct FixtureReader;  // from_json's steps (dataset.cc)

  static std::string key_of(std::span<const std::string_view> scope);
  void index_lists();

  std::vector<Stage> stages_;
  std::vector<List> lists_;
  std::unordered_map<std::string, size_t> index_;  // key_of(scope) -> lists_ index
};

// ---- Handler ---------------------------------------------------------------------------------

namespace internal {
class TokenBucket;
}

// How requests are authenticated (R13).
enum class AuthMode { kNone, kSigV4 };

// What an injected fault does to a request that reaches the operation.
enum class FaultKind {
  kNone,
  kInternal,  // 500 InternalServerException
  kLatency,   // the normal response, written after MockResponse::delay
  kDrop,      // the connection is closed without a response
  // An AWS-style rate limit: a token bucket of FaultOptions::throttle_rate requests a second up
  // to throttle_burst; an empty bucket answers 429 ThrottlingException (R8 form; the status is
  // the one aws-common-errors.json gives the shape). `rate` is not used.
  kThrottle,
};

// Fault injection for client testing: each request that reaches the operation (after routing,
// the body limit and authentication) is faulted with probability `rate`, drawn from a sequence
// fixed by MockOptions::seed.
struct FaultOptions {
  FaultKind kind = FaultKind::kNone;
  double rate = 0.0;                     // 0..1
  std::chrono::milliseconds latency{0};  // for kLatency
  // for kThrottle: requests per second (0 < rate <= 1e6) and bucket size (1..1e6)
  double throttle_rate = 0;
  double throttle_burst = 0;
};

// Default request body limit (1 MiB).
inline constexpr size_t kDefaultMaxBodyBytes = size_t{1} << 20;
// Default pagination token lifetime (24 h).
inline constexpr std::chrono::seconds kDefaultTokenTtl{86400};
// Request text quoted in an error message (a path, a method, a Content-Type) is cut at this many
// bytes and made printable ASCII (wire::printable_ascii), so that no message carries control
// bytes or invalid UTF-8 into a response or a log.
inline constexpr size_t kMaxQuotedBytes = 200;

// Everything that decides how the endpoint answers.
struct MockOptions {
  // The lists served; null means Dataset::synthetic.
  std::shared_ptr<const Dataset> dataset;
  // Bodies larger than this are 413 RequestEntityTooLargeException.
  size_t max_body_bytes = kDefaultMaxBodyBytes;
  // Key material for pagination tokens; empty means fresh random bytes per handler, so tokens do
  // not survive a restart. Set it to keep tokens valid across restarts.
  std::string token_secret;
  std::chrono::seconds token_ttl = kDefaultTokenTtl;
  // Authentication (R13). With kSigV4, `credentials` must know at least one key.
  AuthMode auth = AuthMode::kNone;
  wire::CredentialStore credentials;
  std::string region = "us-east-1";
  std::chrono::seconds clock_skew = std::chrono::minutes(15);
  FaultOptions fault;
  // Fixes the request ids and the fault sequence.
  uint64_t seed = 0;
  // Deviations from the contract inside the handler's stages, for tests that prove the harness
  // detects them (mock/hooks.h; mock/testing/ fills it). Null in production: nothing outside
  // test code sets it.
  std::shared_ptr<const MockHooks> hooks;
};

// One HTTP request: method, target as on the wire (path and optional `?query`), headers in wire
// order, body.
using MockRequest = wire::HttpRequest;

// One answer (wire's HTTP response: status, headers, body, header lookup), plus what the
// transport must do and what the access log needs.
struct MockResponse : wire::HttpResponse {
  // Close the connection without writing anything (the `drop` fault).
  bool drop_connection = false;
  // Write the response, then close the connection (used when a request body was left unread).
  bool close_connection = false;
  // Wait this long before writing (the `latency` fault). The handler itself never sleeps.
  std::chrono::milliseconds delay{0};
  // For the access log: the request id sent, the error type ("" on success), the access key id
  // the request was signed with (unmasked: mask it before printing), the fault applied ("" none).
  std::string request_id;
  std::string error_type;
  std::string access_key_id;
  std::string fault;
};

// What MockServer serves: one request in, one response out. MockHandler is the implementation;
// tests wrap it (mock/testing/) to serve a deliberately defective endpoint over sockets.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // The response to `request` at time `now`. Never throws.
  virtual MockResponse handle(const MockRequest& request,
                              std::chrono::system_clock::time_point now) const noexcept = 0;
  // An R8 error response with a fresh request id, for a request the transport refuses itself.
  virtual MockResponse error_response(std::string_view error_type,
                                      std::string_view message) const = 0;
  // True when the request's body must be read (it addresses the served operation).
  virtual bool routes_to_operation(std::string_view method, std::string_view target) const = 0;
  // Request bodies larger than this are refused (413) before they are buffered.
  virtual size_t max_body_bytes() const = 0;
};

// Serves one operation of a model. Thread-safe; `handle` may run on many threads at once.
class MockHandler final : public RequestHandler {
 public:
  // Checks that the operation can be served (an HTTP binding, a paginated trait whose items
  // member is a list of structures, a list scope) and builds the dataset when none is given.
  // Returns why not otherwise.
  static Result<std::shared_ptr<const MockHandler>> create(std::shared_ptr<const spec::Model> model,
                                                           spec::OperationView operation,
                                                           MockOptions options);

  // The response to `request` at time `now` (SigV4 clock window, token sealing and expiry).
  // Order of checks: route (404/405), body limit (413), authentication (403), injected fault,
  // media type (415), serialization and validation (400), pagination token (400), then the page.
  MockResponse handle(const MockRequest& request,
                      std::chrono::system_clock::time_point now) const noexcept override;

  // True when `method` and `target` address the served operation (used by the server to decide
  // whether a body must be read at all).
  bool routes_to_operation(std::string_view method, std::string_view target) const override;

  // An R8 error response of the model error (or protocol error) named `error_type`, with a fresh
  // request id. For transports that must answer before a request reaches `handle` (a body over
  // the limit, a body that cannot be read).
  MockResponse error_response(std::string_view error_type, std::string_view message) const override;

  size_t max_body_bytes() const override { return options_.max_body_bytes; }

  const MockOptions& options() const { return options_; }
  const Dataset& dataset() const { return *dataset_; }
  const spec::OperationView& operation() const { return operation_; }

  // Not for direct use: MockHandler::create builds handlers.
  MockHandler(std::shared_ptr<const spec::Model> model, spec::OperationView operation,
              MockOptions options, std::shared_ptr<const Dataset> dataset);

 private:
  // One request through the named stages below, in this order; each stage either answers
  // (an error, or a dropped connection) or lets the request go on.
  MockResponse handle_operation(const MockRequest& request,
                                std::chrono::system_clock::time_point now,
                                MockResponse& response) const;
  struct ListRequest;  // what the stages after validation share (handler.cc)
  std::optional<MockResponse> route(const MockRequest& request, MockResponse& response) const;
  std::optional<MockResponse> check_body_limit(const MockRequest& request,
                                               MockResponse& response) const;
  std::optional<MockResponse> authenticate(const MockRequest& request,
                                           std::chrono::system_clock::time_point now,
                                           MockResponse& response) const;
  std::optional<MockResponse> inject_fault(MockResponse& response,
                                           std::chrono::system_clock::time_point now) const;
  std::optional<MockResponse> check_media_type(const MockRequest& request,
                                               MockResponse& response) const;
  std::optional<MockResponse> validate(const MockRequest& request, MockResponse& response,
                                       nlohmann::ordered_json& decoded) const;
  nlohmann::ordered_json decode_as_is(std::string_view body_text) const;
  std::optional<MockResponse> resolve_list(MockResponse& response, ListRequest& list) const;
  int64_t page_size(const nlohmann::ordered_json& decoded) const;
  std::optional<MockResponse> read_token(std::chrono::system_clock::time_point now,
                                         MockResponse& response, ListRequest& list) const;
  std::string encode_page(const ListRequest& list, std::chrono::system_clock::time_point now) const;
  // An R8 error; its status comes from the model's error shape (500 for a name the model does
  // not know) unless `status` is given.
  MockResponse error(MockResponse& response, std::string_view error_type, std::string_view message,
                     int status = 0) const;
  void finish_success(MockResponse& response, std::string body) const;
  std::string next_request_id() const;
  bool draw_fault() const;

  std::shared_ptr<const spec::Model> model_;
  spec::OperationView operation_;
  MockOptions options_;
  std::shared_ptr<const Dataset> dataset_;
  const MockHooks* hooks_ = nullptr;  // options_.hooks: null in production
  validators::RequestValidator validator_;
  wire::TokenSealer sealer_;
  std::string method_;
  std::string path_;
  std::string items_member_;
  std::string input_token_member_;
  std::string output_token_member_;
  std::string page_size_member_;
  int64_t default_page_size_ = 50;
  std::optional<double> page_size_max_;
  std::string items_key_json_;         // "\"events\":" as written in success bodies
  std::string output_token_key_json_;  // ",\"nextToken\":"
  std::string service_name_;
  uint64_t request_id_base_ = 0;
  mutable std::atomic<uint64_t> request_counter_{0};
  mutable std::atomic<uint64_t> fault_counter_{0};
  std::shared_ptr<internal::TokenBucket> throttle_;  // the throttle fault's bucket, else null
};

// ---- Server ----------------------------------------------------------------------------------

// Transport settings of MockServer.
struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 picks a free port
  // Worker threads that read, frame and answer requests; 0 means default_thread_count().
  // Connections wait for bytes in epoll, never on a worker, so this bounds the requests answered
  // at once, not the connections open.
  int threads = 0;
  // Receives one line per request (no trailing newline), from worker threads: must be
  // thread-safe. Null: no access log. Lines never hold secrets (see MockServer).
  std::function<void(const std::string& line)> access_log;
  // An idle connection (no request in progress) is closed after this long.
  std::chrono::milliseconds keep_alive_timeout{5000};
  size_t keep_alive_max_requests = 1000;
  // A whole request (line, headers, body) must arrive within this long after its first byte,
  // however slowly it drips; otherwise 408 RequestTimeoutException and the connection closes.
  std::chrono::milliseconds request_timeout{10000};
  // A response must drain to the peer within this long, or the connection closes.
  std::chrono::milliseconds write_timeout{5000};
  // After stop(), requests still arriving get at most this long; then every connection closes.
  std::chrono::milliseconds stop_grace{2000};
  // Bounds of the request head: a longer request line is 400, a longer or larger header block
  // 431, both in the R8 form, and the connection closes.
  size_t max_request_line_bytes = 8192;
  size_t max_header_bytes = 16384;
  size_t max_header_count = 100;
  // Connections beyond this are accepted and closed at once.
  size_t max_connections = 10000;
};

// The default worker count: four per hardware thread, at least 16.
int default_thread_count();

// `lpe mock`'s server: an epoll transport (keep-alive, pipelining, TCP_NODELAY) that frames
// requests strictly and within bounds (mock/internal/http_framing.h) and routes each complete one
// through a RequestHandler (a MockHandler, or a test's wrapper around one). Idle and slow
// connections hold no worker; every request has a deadline; every framing error is answered in the
// R8 form and closes the connection. A body over the limit is refused from its Content-Length (or,
// when chunked, as soon as the limit is passed) without being buffered whole. Access log lines read
//   <time> <method> <path> <status> <bytes>B <latency>ms id=<request id> key=<masked key id>
//   [error=<type>] [fault=<kind>]
// (no query string, no header values; `-` for a method or path a framing error left unknown).
class MockServer {
 public:
  MockServer(std::shared_ptr<const RequestHandler> handler, ServerOptions options);
  // Stops and waits.
  ~MockServer();
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  // Binds and starts serving on a background thread; returns once the socket listens (so
  // port() is known and connections are accepted), or says why it cannot (bind, epoll).
  Status start();
  // The bound port (after start).
  int port() const;
  // "http://HOST:PORT" (IPv6 hosts in brackets).
  std::string url() const;
  // Stops accepting; requests already received are answered at once (a latency fault is cut
  // short; then their connections close), idle connections are closed, requests still arriving
  // get ServerOptions::stop_grace. Thread-safe and idempotent; returns at once.
  void stop();
  // Blocks until the server has stopped and every worker has finished.
  void wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lpe::mock
