// DefectiveHandler: the true handler's answers, rewritten as the output-only defects say.
#include <algorithm>
#include <optional>

#include <nlohmann/json.hpp>

#include "mock/internal/operation_parts.h"
#include "mock/testing/defect_hooks.h"
#include "mock/testing/defects.h"
#include "mock/testing/request_defects.h"

namespace lpe::mock::testing {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kContentType = "Content-Type";
constexpr std::string_view kErrorTypeHeader = "x-amzn-ErrorType";
constexpr std::string_view kRequestIdHeader = "x-amzn-RequestId";
constexpr std::string_view kSerializationException = "SerializationException";
constexpr std::string_view kInternalServerException = "InternalServerException";
constexpr std::string_view kValidationException = "ValidationException";
constexpr std::string_view kExceptionSuffix = "Exception";

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
  } catch (...) {
    rewritten.reset();  // only allocation failure gets here: the body is read as sent
  }
  const MockRequest& seen = rewritten ? *rewritten : request;
  MockResponse response = inner_->handle(seen, now);
  try {
    rewrite(&seen, response);
  } catch (...) {
    // Only allocation failure gets here: the answer goes out as far as it was rewritten.
  }
  return response;
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
  if (has(Defect::kNoRequestId)) wire::remove_headers(response.headers, kRequestIdHeader);
}

void DefectiveHandler::rewrite_error(MockResponse& response) const {
  if (has(Defect::kInternalErrorOnMalformedJson) &&
      response.error_type == kSerializationException) {
    make_internal_error(response);
  }
  if (has(Defect::kWrongErrorTypeName)) {
    response.error_type = with_error_suffix(response.error_type);
    for (auto& [name, value] : response.headers) {
      if (wire::iequals(name, kErrorTypeHeader)) value = with_error_suffix(value);
    }
  }
  if (has(Defect::kNoErrorTypeHeader)) wire::remove_headers(response.headers, kErrorTypeHeader);
  if (has(Defect::kErrorBodyNotJson)) {
    const Json body = Json::parse(response.body, nullptr, false);
    const std::string message =
        body.is_object() ? body.value("exceptionMessage", std::string()) : std::string();
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

void DefectiveHandler::rewrite_success(const MockRequest& request, MockResponse& response) const {
  if (has(Defect::kWrongSuccessContentType)) {
    for (auto& [name, value] : response.headers) {
      if (wire::iequals(name, kContentType)) value = "text/plain";
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
