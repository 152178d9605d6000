// DefectiveHandler: the true handler's answers, rewritten as the output-only defects say.
#include <algorithm>
#include <optional>

#include <nlohmann/json.hpp>

#include "mock/internal/operation_parts.h"
#include "mock/testing/defect_data.h"
#include "mock/testing/defect_hooks.h"
#include "mock/testing/defects.h"
#include "mock/testing/request_defects.h"

namespace lpe::mock::testing {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kSerializationException = "SerializationException";
constexpr std::string_view kInternalServerException = "InternalServerException";
constexpr std::string_view kValidationException = "ValidationException";
constexpr std::string_view kExceptionSuffix = "Exception";
constexpr std::string_view kMessageMember = "exceptionMessage";
// The later-token defect checks this many leading characters of a token.
constexpr size_t kCheckedTokenPrefix = 43;
// The token defects forget what they remembered beyond this many tokens (bounded memory).
constexpr size_t kMaxIssuedTokens = 100000;

// "ValidationException" -> "ValidationError"; other names unchanged.
std::string with_error_suffix(std::string name) {
  const size_t n = kExceptionSuffix.size();
  if (name.size() > n && name.compare(name.size() - n, n, kExceptionSuffix) == 0) {
    name.replace(name.size() - n, n, "Error");
  }
  return name;
}

std::string dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// The dataset `options` serves, with the `Z` cut off every timestamp string of its items.
Result<std::shared_ptr<const Dataset>> timestamps_without_z(const MockOptions& options,
                                                            const spec::OperationView& operation,
                                                            const spec::Shape& item) {
  std::shared_ptr<const Dataset> dataset = options.dataset;
  if (dataset == nullptr) {
    auto built = Dataset::synthetic(operation);
    if (!built) {
      return fail("cannot build the default dataset: " + built.error().front().to_string());
    }
    dataset = std::make_shared<const Dataset>(std::move(*built));
  }
  std::vector<std::string> time_members;
  for (const auto& m : item.members) {
    if (m.target != nullptr && m.target->type == spec::ShapeType::kTimestamp) {
      time_members.push_back(m.name);
    }
  }
  return std::make_shared<const Dataset>(dataset->transformed([&](Json& event) {
    for (const auto& name : time_members) {
      const auto it = event.find(name);
      if (it == event.end() || !it->is_string()) continue;
      std::string text = it->get<std::string>();
      if (!text.empty() && text.back() == 'Z') text.pop_back();
      *it = text;
    }
  }));
}

}  // namespace

Result<std::shared_ptr<const DefectiveHandler>> DefectiveHandler::create(
    std::shared_ptr<const spec::Model> model, spec::OperationView operation, MockOptions options,
    std::set<Defect> defects) {
  if (options.hooks != nullptr) {
    return fail("a defective mock takes its hooks from its defects: options.hooks must be null");
  }
  const auto parts = internal::resolve_parts(operation);
  if (!parts) return parts.error();
  if (defects.count(Defect::kTimestampWithoutZ) != 0) {
    auto dataset = timestamps_without_z(options, operation, *parts->item_shape);
    if (!dataset) return dataset.error();
    options.dataset = std::move(*dataset);
  }
  if (std::any_of(defects.begin(), defects.end(), is_data_defect)) {
    if (options.dataset == nullptr) {
      auto built = Dataset::synthetic(operation);
      if (!built)
        return fail("cannot build the default dataset: " + built.error().front().to_string());
      options.dataset = std::make_shared<const Dataset>(std::move(*built));
    }
    auto dataset = with_data_defects(options.dataset, *parts->item_shape, defects);
    if (!dataset) return dataset.error();
    options.dataset = std::move(*dataset);
  }
  options.hooks = hooks_for(defects, model, operation);
  auto created = MockHandler::create(std::move(model), std::move(operation), std::move(options));
  if (!created) return created.error();
  return std::make_shared<const DefectiveHandler>(std::move(*created), std::move(defects));
}

DefectiveHandler::DefectiveHandler(std::shared_ptr<const MockHandler> inner,
                                   std::set<Defect> defects)
    : inner_(std::move(inner)), defects_(std::move(defects)) {
  body_defects_ = RequestBodyDefects::make(defects_, inner_->operation());
  const auto parts = internal::resolve_parts(inner_->operation()).value();
  items_member_ = parts.paginated->items;
  input_token_member_ = parts.paginated->input_token;
  output_token_member_ = parts.paginated->output_token;
  for (const auto* m : inner_->operation().list_scope) scope_members_.push_back(m->name);
}

MockResponse DefectiveHandler::handle(const MockRequest& request,
                                      std::chrono::system_clock::time_point now) const noexcept {
  std::optional<MockRequest> rewritten;
  try {
    if (body_defects_ != nullptr) {
      if (auto body = body_defects_->rewrite(request.body)) {
        rewritten = request;
        rewritten->body = std::move(*body);
      }
    }
    if (has_token_defect()) {
      if (auto lenient = lenient_request(rewritten ? *rewritten : request))
        rewritten = std::move(lenient);
    }
  } catch (...) {
    rewritten.reset();  // only allocation failure gets here: the request is served as sent
  }
  const MockRequest& served = rewritten ? *rewritten : request;
  MockResponse response = inner_->handle(served, now);
  try {
    if (has_token_defect()) remember_token(served, response);
    rewrite(&served, response);
  } catch (...) {
    // Only allocation failure gets here: the answer goes out as far as it was rewritten.
  }
  return response;
}

bool DefectiveHandler::has_token_defect() const {
  return has(Defect::kLaterTokensCheckedOnPrefix) || has(Defect::kTokenBoundCaseInsensitively) ||
         has(Defect::kTokenBoundByPrefix);
}

std::optional<MockRequest> DefectiveHandler::lenient_request(const MockRequest& request) const {
  const Json body = Json::parse(request.body, nullptr, false);
  if (!body.is_object()) return std::nullopt;
  const auto sent = body.find(input_token_member_);
  if (sent == body.end() || !sent->is_string() || sent->get_ref<const std::string&>().empty())
    return std::nullopt;
  std::string token = sent->get<std::string>();
  std::lock_guard<std::mutex> lock(issued_mutex_);
  auto issued = issued_.find(token);
  if (issued == issued_.end() && has(Defect::kLaterTokensCheckedOnPrefix) &&
      token.size() >= kCheckedTokenPrefix) {
    // Later tokens are checked on their first characters only.
    const auto same_prefix = later_by_prefix_.find(token.substr(0, kCheckedTokenPrefix));
    if (same_prefix != later_by_prefix_.end()) issued = issued_.find(same_prefix->second);
  }
  if (issued == issued_.end()) return std::nullopt;
  Json changed = body;
  changed[input_token_member_] = issued->first;
  for (size_t level = 0; level < scope_members_.size() && level < issued->second.scope.size();
       ++level) {
    const auto asked = body.find(scope_members_[level]);
    if (asked == body.end() || !asked->is_string()) continue;
    const std::string& value = asked->get_ref<const std::string&>();
    const std::string& own = issued->second.scope[level];
    const bool extends = value.size() > own.size() && value.compare(0, own.size(), own) == 0;
    if ((has(Defect::kTokenBoundCaseInsensitively) && wire::iequals(value, own)) ||
        (has(Defect::kTokenBoundByPrefix) && extends)) {
      changed[scope_members_[level]] = own;
    }
  }
  if (changed == body) return std::nullopt;
  MockRequest out = request;
  out.body = dump(changed);
  return out;
}

void DefectiveHandler::remember_token(const MockRequest& request,
                                      const MockResponse& response) const {
  if (response.status != 200) return;
  const Json page = Json::parse(response.body, nullptr, false);
  const Json body =
      Json::parse(request.body.empty() ? std::string("{}") : request.body, nullptr, false);
  if (!page.is_object() || !body.is_object()) return;
  const auto token = page.find(output_token_member_);
  if (token == page.end() || !token->is_string() || token->get_ref<const std::string&>().empty())
    return;
  IssuedToken issued;
  for (const auto& name : scope_members_) issued.scope.push_back(body.value(name, std::string()));
  const auto sent = body.find(input_token_member_);
  issued.later =
      sent != body.end() && sent->is_string() && !sent->get_ref<const std::string&>().empty();
  const std::string text = token->get<std::string>();
  std::lock_guard<std::mutex> lock(issued_mutex_);
  if (issued_.size() >= kMaxIssuedTokens) {
    issued_.clear();
    later_by_prefix_.clear();
  }
  if (issued.later && text.size() >= kCheckedTokenPrefix)
    later_by_prefix_[text.substr(0, kCheckedTokenPrefix)] = text;
  issued_[text] = std::move(issued);
}

MockResponse DefectiveHandler::error_response(std::string_view error_type,
                                              std::string_view message) const {
  MockResponse response = inner_->error_response(error_type, message);
  rewrite(nullptr, response);
  return response;
}

bool DefectiveHandler::routes_to_operation(std::string_view method, std::string_view target) const {
  return inner_->routes_to_operation(method, target);
}

size_t DefectiveHandler::max_body_bytes() const { return inner_->max_body_bytes(); }

void DefectiveHandler::rewrite(const MockRequest* request, MockResponse& response) const {
  if (response.drop_connection) return;
  if (has(Defect::kEmptyBodyInternalError) && request != nullptr && request->body.empty() &&
      response.error_type == kValidationException) {
    make_internal_error(response);
  }
  if (!response.error_type.empty()) {
    rewrite_error(response);
  } else if (request != nullptr) {
    rewrite_success(*request, response);
  }
  if (has(Defect::kNoRequestId)) wire::remove_headers(response.headers, wire::kRequestIdHeader);
}

void DefectiveHandler::rewrite_error(MockResponse& response) const {
  if (has(Defect::kInternalErrorOnMalformedJson) &&
      response.error_type == kSerializationException) {
    make_internal_error(response);
  }
  if (has(Defect::kWrongErrorTypeName)) {
    response.error_type = with_error_suffix(response.error_type);
    for (auto& [name, value] : response.headers) {
      if (wire::iequals(name, wire::kErrorTypeHeader)) value = with_error_suffix(value);
    }
  }
  if (has(Defect::kNoErrorTypeHeader))
    wire::remove_headers(response.headers, wire::kErrorTypeHeader);
  rewrite_error_body(response);
  if (has(Defect::kErrorBodyNotJson)) {
    const Json body = Json::parse(response.body, nullptr, false);
    const std::string message =
        body.is_object() ? body.value(std::string(kMessageMember), std::string()) : std::string();
    response.body = response.error_type + ": " + message;
  }
}

void DefectiveHandler::make_internal_error(MockResponse& response) const {
  const spec::Shape* shape = inner_->operation().find_error(kInternalServerException);
  const int status = shape != nullptr && shape->http_error ? *shape->http_error : 500;
  auto encoded =
      wire::encode_error(status, kInternalServerException,
                         "Internal error while reading the request", response.request_id);
  response.status = encoded.status;
  response.error_type = std::string(kInternalServerException);
  response.headers.clear();
  for (auto& h : encoded.headers) response.headers.push_back(std::move(h));
  response.body = std::move(encoded.body);
}

// The error body defects: an array around the error object, another message member, or the
// message alone as plain text.
void DefectiveHandler::rewrite_error_body(MockResponse& response) const {
  if (has(Defect::kErrorBodyJsonArray)) response.body = "[" + response.body + "]";
  if (!has(Defect::kErrorBodyWithoutMessage) && !has(Defect::kErrorBodyPlainText)) return;
  const Json body = Json::parse(response.body, nullptr, false);
  const std::string key(kMessageMember);
  if (!body.is_object() || !body.contains(key)) return;
  if (has(Defect::kErrorBodyPlainText)) {
    response.body = body[key].is_string() ? body[key].get<std::string>() : dump(body[key]);
    for (auto& [name, value] : response.headers) {
      if (wire::iequals(name, wire::kContentTypeHeader)) value = "text/plain; charset=utf-8";
    }
    return;
  }
  Json renamed = Json::object();
  for (const auto& [name, value] : body.items())
    renamed[name == key ? "errorMessage" : name] = value;
  response.body = dump(renamed);
}

void DefectiveHandler::rewrite_success(const MockRequest& request, MockResponse& response) const {
  if (has(Defect::kWrongSuccessContentType)) {
    for (auto& [name, value] : response.headers) {
      if (wire::iequals(name, wire::kContentTypeHeader)) value = "text/plain";
    }
  }
  if (!has(Defect::kTokenOutsidePattern) && !has(Defect::kRepeatsLastToken) &&
      !has(Defect::kEmptyTokenOnLastPage) && !has(Defect::kMissingItemsMember)) {
    return;
  }
  Json body = Json::parse(response.body, nullptr, false);
  if (!body.is_object()) return;
  if (const auto token = body.find(output_token_member_); token != body.end()) {
    // A page with more after it.
    if (has(Defect::kTokenOutsidePattern) && token->is_string())
      *token = token->get<std::string>() + "!";
  } else {
    // The last page: the request's token again, or an empty one, instead of none.
    const Json sent =
        Json::parse(request.body.empty() ? std::string("{}") : request.body, nullptr, false);
    const auto request_token = sent.is_object() ? sent.find(input_token_member_) : sent.end();
    const bool repeats = has(Defect::kRepeatsLastToken) && request_token != sent.end() &&
                         request_token->is_string() &&
                         !request_token->get_ref<const std::string&>().empty();
    if (repeats) {
      body[output_token_member_] = *request_token;
    } else if (has(Defect::kEmptyTokenOnLastPage)) {
      body[output_token_member_] = std::string();
    }
  }
  if (has(Defect::kMissingItemsMember)) body.erase(items_member_);
  response.body = dump(body);
}

}  // namespace lpe::mock::testing
