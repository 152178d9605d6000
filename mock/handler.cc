// MockHandler: one request in, one response out (R6-R13), no sockets.
#include <algorithm>
#include <cmath>
#include <exception>

#include "mock/internal/operation_parts.h"
#include "mock/internal/token_bucket.h"
#include "mock/mock.h"

namespace lpe::mock {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kValidationException = "ValidationException";
constexpr std::string_view kInternalServerException = "InternalServerException";
constexpr std::string_view kUnknownOperationException = "UnknownOperationException";
constexpr std::string_view kMethodNotAllowedException = "MethodNotAllowedException";
constexpr std::string_view kRequestEntityTooLargeException = "RequestEntityTooLargeException";
constexpr std::string_view kUnsupportedMediaTypeException = "UnsupportedMediaTypeException";
constexpr std::string_view kResourceNotFoundException = "ResourceNotFoundException";
constexpr std::string_view kThrottlingException = "ThrottlingException";
constexpr std::string_view kJsonMediaType = "application/json";
constexpr std::string_view kAuthorization = "Authorization";

// SplitMix64: the deterministic sequence behind request ids and faults.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string json_string(std::string_view text) {
  return Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string binding_names(const spec::OperationView& operation) {
  std::string out;
  const size_t n = operation.list_scope.size();
  for (size_t i = 0; i < n; ++i) {
    if (i != 0) out += i + 1 == n ? " and " : ", ";
    out += operation.list_scope[i]->name;
  }
  return out;
}

}  // namespace

Result<std::shared_ptr<const MockHandler>> MockHandler::create(
    std::shared_ptr<const spec::Model> model, spec::OperationView operation, MockOptions options) {
  if (model == nullptr) return fail("no model");
  const auto parts = internal::resolve_parts(operation);
  if (!parts) return parts.error();
  if (!operation.operation->http) {
    return fail("operation " + std::string(operation.operation->name()) +
                " has no smithy.api#http trait (method and path)");
  }
  if (!(options.fault.rate >= 0.0 && options.fault.rate <= 1.0)) {
    return fail("the fault rate must be between 0 and 1");
  }
  if (options.fault.kind == FaultKind::kThrottle &&
      !(options.fault.throttle_rate > 0 && options.fault.throttle_rate <= 1e6 &&
        options.fault.throttle_burst >= 1 && options.fault.throttle_burst <= 1e6)) {
    return fail("the throttle fault needs a rate in (0, 1e6] per second and a burst in [1, 1e6]");
  }
  if (options.auth == AuthMode::kSigV4 && operation.sigv4_name.empty()) {
    return fail("operation " + std::string(operation.operation->name()) +
                " belongs to no service with an aws.auth#sigv4 trait: SigV4 needs a signing name");
  }
  std::shared_ptr<const Dataset> dataset = options.dataset;
  if (dataset == nullptr) {
    auto built = Dataset::synthetic(operation);
    if (!built) {
      std::string out = "cannot build the default dataset:";
      for (const auto& e : built.error()) out += "\n  " + e.to_string();
      return fail(std::move(out));
    }
    dataset = std::make_shared<const Dataset>(std::move(*built));
  }
  return std::make_shared<const MockHandler>(std::move(model), std::move(operation),
                                             std::move(options), std::move(dataset));
}

MockHandler::MockHandler(std::shared_ptr<const spec::Model> model, spec::OperationView operation,
                         MockOptions options, std::shared_ptr<const Dataset> dataset)
    : model_(std::move(model)),
      operation_(std::move(operation)),
      options_(std::move(options)),
      dataset_(std::move(dataset)),
      hooks_(options_.hooks.get()),
      validator_(model_, operation_),
      sealer_(options_.token_secret.empty() ? wire::TokenSealer::random_secret()
                                            : options_.token_secret,
              options_.token_ttl, binding_names(operation_)) {
  const auto parts = internal::resolve_parts(operation_).value();
  method_ = operation_.operation->http->method;
  path_ = operation_.operation->http->uri;
  items_member_ = parts.paginated->items;
  input_token_member_ = parts.paginated->input_token;
  output_token_member_ = parts.paginated->output_token;
  page_size_member_ = parts.paginated->page_size;
  if (parts.page_size_member != nullptr && parts.page_size_member->constraints.range &&
      parts.page_size_member->constraints.range->max) {
    page_size_max_ = parts.page_size_member->constraints.range->max;
  }
  default_page_size_ = operation_.default_page_size().value_or(
      page_size_max_ ? static_cast<int64_t>(*page_size_max_) : 50);
  items_key_json_ = json_string(items_member_) + ":";
  output_token_key_json_ = "," + json_string(output_token_member_) + ":";
  service_name_ = operation_.sigv4_name;
  request_id_base_ = mix(options_.seed ^ 0x5eedULL);
  if (options_.fault.kind == FaultKind::kThrottle) {
    throttle_ = std::make_shared<internal::TokenBucket>(options_.fault.throttle_rate,
                                                        options_.fault.throttle_burst);
  }
}

std::string MockHandler::next_request_id() const {
  return wire::new_request_id(request_id_base_ + request_counter_.fetch_add(1));
}

bool MockHandler::draw_fault() const {
  if (options_.fault.kind == FaultKind::kNone || options_.fault.rate <= 0.0) return false;
  const uint64_t index = fault_counter_.fetch_add(1);
  const uint64_t bits = mix(mix(options_.seed) ^ (index * 0xd1b54a32d192ed03ULL));
  const double u = static_cast<double>(bits >> 11) * 0x1.0p-53;
  return u < options_.fault.rate;
}

bool MockHandler::routes_to_operation(std::string_view method, std::string_view target) const {
  return method == method_ && target.substr(0, target.find('?')) == path_;
}

MockResponse MockHandler::error(MockResponse& response, std::string_view error_type,
                                std::string_view message, int status) const {
  const spec::Shape* shape = operation_.find_error(error_type);
  if (status == 0) status = shape != nullptr && shape->http_error ? *shape->http_error : 500;
  auto encoded = wire::encode_error(status, error_type, message, response.request_id);
  response.status = encoded.status;
  response.error_type = std::string(error_type);
  for (auto& h : encoded.headers) response.headers.push_back(std::move(h));
  response.body = std::move(encoded.body);
  return std::move(response);
}

MockResponse MockHandler::error_response(std::string_view error_type,
                                         std::string_view message) const {
  MockResponse response;
  response.request_id = next_request_id();
  return error(response, error_type, message);
}

void MockHandler::finish_success(MockResponse& response, std::string body) const {
  response.status = operation_.operation->http->code;
  response.headers.emplace_back(wire::kContentTypeHeader, kJsonMediaType);
  response.headers.emplace_back(wire::kRequestIdHeader, response.request_id);
  response.body = std::move(body);
}

MockResponse MockHandler::handle(const MockRequest& request,
                                 std::chrono::system_clock::time_point now) const noexcept {
  MockResponse response;
  response.status = 200;  // wire::HttpResponse starts at 0; every stage that answers sets its own
  try {
    response.request_id = next_request_id();
    return handle_operation(request, now, response);
  } catch (...) {
    // Only allocation failure can get here; answer 500 if even that is possible.
    MockResponse failed;
    failed.status = 500;
    try {
      failed.request_id = response.request_id;
      return error(failed, kInternalServerException, "The mock failed to answer");
    } catch (...) {
      return failed;
    }
  }
}

// What the stages after validation know about one list request.
struct MockHandler::ListRequest {
  Json decoded;                    // the request members the model knows, decoded
  std::vector<std::string> scope;  // the list-scope values, outermost first
  std::vector<std::string_view> scope_views;
  const std::vector<std::string>* items = nullptr;  // the list served (empty when unknown)
  std::span<const std::string_view> binding;        // what pagination tokens are bound to
  int64_t page_size = 0;
  std::string request_token;  // as the request gave it ("" when absent)
  uint64_t position = 0;      // index of the page's first item
};

MockResponse MockHandler::handle_operation(const MockRequest& request,
                                           std::chrono::system_clock::time_point now,
                                           MockResponse& response) const {
  if (auto answer = route(request, response)) return std::move(*answer);
  if (auto answer = check_body_limit(request, response)) return std::move(*answer);
  if (auto answer = authenticate(request, now, response)) return std::move(*answer);
  if (auto answer = inject_fault(response, now)) return std::move(*answer);
  if (auto answer = check_media_type(request, response)) return std::move(*answer);
  ListRequest list;
  if (auto answer = validate(request, response, list.decoded)) return std::move(*answer);
  if (auto answer = resolve_list(response, list)) return std::move(*answer);
  list.page_size = page_size(list.decoded);
  if (auto answer = read_token(now, response, list)) return std::move(*answer);
  finish_success(response, encode_page(list, now));
  return std::move(response);
}

// Route (R12): other paths 404, other methods 405.
std::optional<MockResponse> MockHandler::route(const MockRequest& request,
                                               MockResponse& response) const {
  const std::string_view target = request.target;
  const std::string_view path = target.substr(0, target.find('?'));
  if (path != path_) {
    return error(response, kUnknownOperationException,
                 "No operation is bound to " + wire::printable_ascii(path, kMaxQuotedBytes) +
                     "; the endpoint serves " + method_ + " " + path_);
  }
  if (request.method != method_) {
    response.headers.emplace_back("Allow", method_);
    return error(response, kMethodNotAllowedException,
                 "Method " + wire::printable_ascii(request.method, kMaxQuotedBytes) +
                     " is not allowed on " + path_ + "; use " + method_);
  }
  return std::nullopt;
}

// Body limit: the server refuses larger bodies before reading them; this covers direct use.
std::optional<MockResponse> MockHandler::check_body_limit(const MockRequest& request,
                                                          MockResponse& response) const {
  if (request.body.size() <= options_.max_body_bytes) return std::nullopt;
  response.close_connection = true;
  return error(response, kRequestEntityTooLargeException,
               "The request body is larger than the limit of " +
                   std::to_string(options_.max_body_bytes) + " bytes");
}

// Authentication (R13). Without SigV4 the access key id is still read for the access log.
std::optional<MockResponse> MockHandler::authenticate(const MockRequest& request,
                                                      std::chrono::system_clock::time_point now,
                                                      MockResponse& response) const {
  if (options_.auth == AuthMode::kSigV4) {
    const bool unsigned_request = !request.header(kAuthorization).has_value();
    if (!(unsigned_request && hooks_ != nullptr && hooks_->serves_unsigned_requests())) {
      const auto verdict = wire::verify_request(request, options_.credentials, options_.region,
                                                service_name_, now, options_.clock_skew);
      response.access_key_id = verdict.access_key_id;
      if (!verdict.ok) return error(response, verdict.error_type, verdict.message);
    }
  } else if (const auto auth = request.header(kAuthorization)) {
    const auto parsed = wire::parse_authorization(*auth);
    if (parsed) response.access_key_id = parsed->access_key_id;
  }
  return std::nullopt;
}

// Injected faults (--fault): a 500, a dropped connection, or a delay before the normal answer.
std::optional<MockResponse> MockHandler::inject_fault(
    MockResponse& response, std::chrono::system_clock::time_point now) const {
  if (throttle_ != nullptr) {
    // As AWS answers a caller over its rate: the R8 form of ThrottlingException.
    if (throttle_->take(now)) return std::nullopt;
    response.fault = "throttle";
    return error(response, kThrottlingException, "Rate exceeded (--fault throttle)");
  }
  if (!draw_fault()) return std::nullopt;
  switch (options_.fault.kind) {
    case FaultKind::kInternal:
      response.fault = "internal";
      return error(response, kInternalServerException,
                   "Injected fault: internal server error (--fault internal)");
    case FaultKind::kDrop:
      response.fault = "drop";
      response.drop_connection = true;
      response.status = 0;
      return std::move(response);
    case FaultKind::kLatency:
      response.fault = "latency";
      response.delay = options_.fault.latency;
      break;
    case FaultKind::kNone:
    case FaultKind::kThrottle:
      break;
  }
  return std::nullopt;
}

// Media type (R12): a body must say application/json (parameters allowed).
std::optional<MockResponse> MockHandler::check_media_type(const MockRequest& request,
                                                          MockResponse& response) const {
  if (request.body.empty()) return std::nullopt;
  if (hooks_ != nullptr && !hooks_->checks_media_type()) return std::nullopt;
  const auto content_type = request.header(wire::kContentTypeHeader);
  if (content_type && wire::is_json_media_type(*content_type)) return std::nullopt;
  return error(response, kUnsupportedMediaTypeException,
               content_type ? "Unsupported Content-Type '" +
                                  wire::printable_ascii(*content_type, kMaxQuotedBytes) +
                                  "': a request body must be application/json"
                            : std::string("The request has a body but no Content-Type: a "
                                          "request body must be application/json"));
}

// Serialization (R6) and validation (R7); on success `decoded` holds the members the model knows.
std::optional<MockResponse> MockHandler::validate(const MockRequest& request,
                                                  MockResponse& response, Json& decoded) const {
  // One verdict per worker thread, reused: no allocation per request once its strings have grown.
  thread_local validators::RequestVerdict verdict;
  validator_.validate_into(request.body, verdict, validators::JsonReader::kFast, true);
  if (verdict.outcome == validators::Outcome::kSerializationError) {
    return error(response, verdict.error_type, verdict.message);
  }
  if (verdict.outcome == validators::Outcome::kValidationError) {
    if (hooks_ == nullptr) return error(response, verdict.error_type, verdict.message);
    if (!hooks_->serves_invalid_request(verdict)) {
      return error(response, verdict.error_type, hooks_->validation_message(verdict));
    }
    decoded = decode_as_is(request.body);
  } else {
    decoded = std::move(verdict.decoded);
  }
  if (hooks_ != nullptr) {
    if (auto refusal = hooks_->refuse_valid_request(request)) {
      return error(response, kValidationException, *refusal);
    }
  }
  return std::nullopt;
}

// The members the model knows, taken from the body as it is (no constraint checked): what a hook
// that serves an invalid request is served from.
Json MockHandler::decode_as_is(std::string_view body_text) const {
  const Json body = Json::parse(body_text, nullptr, false);
  Json decoded = Json::object();
  if (body.is_object()) {
    for (const auto& m : operation_.input->members) {
      const auto it = body.find(m.name);
      if (it != body.end() && !it->is_null()) decoded[m.name] = *it;
    }
  }
  return decoded;
}

// Resolve the list (R11): the list-scope values select a list; an unknown one is empty.
std::optional<MockResponse> MockHandler::resolve_list(MockResponse& response,
                                                      ListRequest& list) const {
  list.scope.reserve(operation_.list_scope.size());
  for (const spec::Member* m : operation_.list_scope) {
    const auto it = list.decoded.find(m->name);
    list.scope.push_back(it != list.decoded.end() && it->is_string() ? it->get<std::string>()
                                                                     : std::string());
  }
  list.scope_views.assign(list.scope.begin(), list.scope.end());
  list.items = dataset_->serialized_items(list.scope_views);
  static const std::vector<std::string> kNoItems;
  if (list.items == nullptr) {
    if (hooks_ != nullptr && hooks_->unknown_list_not_found()) {
      // AWS's model does not declare ResourceNotFoundException for this operation: the hook
      // answers as other IVS operations do (404).
      return error(response, kResourceNotFoundException,
                   "No list matches the given " + binding_names(operation_), 404);
    }
    list.items = &kNoItems;
  }
  const bool bound = hooks_ == nullptr || hooks_->binds_tokens_to_list();
  list.binding = bound ? std::span<const std::string_view>(list.scope_views)
                       : std::span<const std::string_view>();
  return std::nullopt;
}

// The page size (R3): the request's, else the default; never below 1.
int64_t MockHandler::page_size(const Json& decoded) const {
  int64_t size = default_page_size_;
  const auto it = decoded.find(page_size_member_);
  const bool requested =
      !page_size_member_.empty() && it != decoded.end() && it->is_number_integer();
  if (requested) size = it->get<int64_t>();
  size = std::max<int64_t>(size, 1);
  return hooks_ != nullptr ? hooks_->page_size(requested, size) : size;
}

// Pagination token (R10): unseal it against the list scope; sets the page's first position.
std::optional<MockResponse> MockHandler::read_token(std::chrono::system_clock::time_point now,
                                                    MockResponse& response,
                                                    ListRequest& list) const {
  bool has_token = false;
  if (const auto it = list.decoded.find(input_token_member_);
      !input_token_member_.empty() && it != list.decoded.end() && it->is_string()) {
    list.request_token = it->get<std::string>();
    has_token = true;
  }
  if (has_token && list.request_token.empty() && hooks_ != nullptr &&
      hooks_->rejects_empty_token()) {
    return error(response, kValidationException, "The pagination token is invalid: it is empty");
  }
  if (list.request_token.empty()) return std::nullopt;
  const auto unsealed = sealer_.unseal(list.request_token, list.binding, now);
  if (!unsealed.ok()) {
    const wire::TokenError kind = unsealed.error().kind;
    const bool server_side = kind == wire::TokenError::kMalformed ||
                             kind == wire::TokenError::kBadSignature ||
                             kind == wire::TokenError::kUnsupportedVersion;
    if (server_side && hooks_ != nullptr && hooks_->unreadable_token_is_internal_error()) {
      return error(response, kInternalServerException, "Internal error while reading the token");
    }
    return error(response, kValidationException, unsealed.error().message);
  }
  list.position = *unsealed;
  if (hooks_ != nullptr) {
    list.position = hooks_->resume_position(list.request_token, list.position, list.items->size());
  }
  if (list.position > list.items->size()) {
    return error(response, kValidationException,
                 "The pagination token is invalid: it points past the end of the list");
  }
  return std::nullopt;
}

// Encode the page (R9, R10): the items from the position on, and a token when more remain.
std::string MockHandler::encode_page(const ListRequest& list,
                                     std::chrono::system_clock::time_point now) const {
  const std::vector<std::string>& items = *list.items;
  const size_t begin = static_cast<size_t>(list.position);
  const size_t end = std::min(items.size(), begin + static_cast<size_t>(list.page_size));
  std::string body;
  size_t reserve = 64;
  for (size_t i = begin; i < end; ++i) reserve += items[i].size() + 1;
  body.reserve(reserve + 200);
  body += '{';
  body += items_key_json_;
  body += '[';
  for (size_t i = begin; i < end; ++i) {
    if (i != begin) body += ',';
    body += items[i];
  }
  body += ']';
  if (end < items.size()) {
    const size_t next = hooks_ != nullptr ? hooks_->next_page_start(begin, end, items.size()) : end;
    body += output_token_key_json_;
    body += json_string(sealer_.seal(list.binding, next, now));
  }
  body += '}';
  return body;
}

}  // namespace lpe::mock
