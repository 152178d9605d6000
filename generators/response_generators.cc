// Response generators: correct success pages and error responses of any operation, and broken
// responses labelled with the finding rules a correct response checker must report (R8, R9, R10).
// The pieces live in internal/: broken success bodies (broken_success.cc), correct and broken
// error responses (error_responses.cc).
#include <algorithm>

#include <rapidcheck.h>

#include "generators/generators.h"
#include "generators/internal/draw.h"
#include "generators/internal/raw_json.h"
#include "generators/internal/response_state.h"
#include "generators/internal/shape_plan.h"
#include "wire/error_encoding.h"

namespace lpe::generators {

namespace internal {

std::vector<std::pair<std::string, std::string>> response_headers(bool content_type,
                                                                  bool request_id) {
  static const std::vector<std::string> kContentTypes = {
      "application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8"};
  std::vector<std::pair<std::string, std::string>> out;
  if (content_type) {
    out.emplace_back(*chance(1, 3) ? "content-type" : "Content-Type",
                     kContentTypes[*index_below(kContentTypes.size())]);
  }
  if (request_id) {
    out.emplace_back(*chance(1, 3) ? "x-amzn-requestid" : "x-amzn-RequestId",
                     wire::new_request_id(*any_seed()));
  }
  return out;
}

TextStyle body_style() {
  TextStyle style;
  style.spacing = static_cast<TextStyle::Spacing>(*choice({4, 1, 1, 1}));
  style.random_escapes = *chance(1, 6);
  if (style.spacing == TextStyle::Spacing::kRandom || style.random_escapes) {
    style.seed = *any_seed();
  }
  return style;
}
}  // namespace internal

namespace {

using internal::choice;
using internal::ErrorInfo;
using internal::Flavor;
using internal::RawJson;
using internal::ResponseState;
using wire::HttpResponse;

const ResponseState& state_of(const std::shared_ptr<const void>& state) {
  return internal::state_as<ResponseState>(state);
}

}  // namespace

Result<ResponseGenerators> ResponseGenerators::make(std::shared_ptr<const spec::Model> model,
                                                    spec::OperationView operation) {
  auto state = std::make_shared<ResponseState>();
  state->has_output = operation.output != nullptr;
  const spec::Shape& output =
      state->has_output ? *operation.output : internal::empty_structure(Flavor::kResponse);
  auto plans = internal::PlanSet::build(output);
  if (!plans) return fail("cannot generate responses: " + plans.error().to_string());
  state->plans = std::move(*plans);
  if (operation.operation != nullptr && operation.operation->http) {
    state->success = operation.operation->http->code;
  }
  for (const auto* list : {&operation.declared_errors, &operation.protocol_errors}) {
    for (const spec::Shape* e : *list) {
      ErrorInfo info = internal::error_info(*e);
      info.declared = list == &operation.declared_errors;
      if (std::find(state->known_error_names.begin(), state->known_error_names.end(), info.name) !=
          state->known_error_names.end()) {
        continue;  // the first one of a name is the one clients resolve (OperationView::find_error)
      }
      state->known_error_names.push_back(info.name);
      if (info.status != state->success) state->errors.push_back(std::move(info));
    }
  }
  if (state->errors.empty()) return fail("cannot generate responses: the operation has no errors");
  state->options.flavor = Flavor::kResponse;
  if (operation.operation != nullptr && operation.operation->paginated) {
    const auto& p = *operation.operation->paginated;
    state->output_token = p.output_token;
    state->options.items_member = p.items;
    state->options.max_items = 100;
    if (operation.input != nullptr && !p.page_size.empty()) {
      if (const spec::Member* size = operation.input->member(p.page_size);
          size != nullptr && size->constraints.range && size->constraints.range->max) {
        state->options.max_items =
            static_cast<uint64_t>(std::max(1.0, *size->constraints.range->max));
      }
    }
  }
  ResponseGenerators out;
  out.model_ = std::move(model);
  out.operation_ = std::move(operation);
  out.state_ = std::move(state);
  return out;
}

rc::Gen<HttpResponse> ResponseGenerators::valid_success() const {
  const auto state = state_;
  return rc::gen::exec([state] {
    const ResponseState& s = state_of(state);
    HttpResponse r;
    r.status = s.success;
    r.headers = internal::response_headers(true, true);
    r.body = internal::write(
        RawJson::from_json(internal::draw_valid_structure(s.root(), s.options, 0, true)),
        internal::body_style());
    return r;
  });
}

rc::Gen<HttpResponse> ResponseGenerators::valid_error() const {
  const auto state = state_;
  return rc::gen::exec([state] { return internal::draw_valid_error(state_of(state)); });
}

rc::Gen<LabelledResponse> ResponseGenerators::broken_response() const {
  const auto state = state_;
  return rc::gen::exec([state] {
    const ResponseState& s = state_of(state);
    return *choice({5, 4}) == 0 ? internal::draw_broken_success(s) : internal::draw_broken_error(s);
  });
}

void showValue(const LabelledResponse& response, std::ostream& os) {
  os << response.description << "\nexpected rules:";
  for (const auto& rule : response.expected_rules) os << " " << rule;
  os << "\n";
  wire::showValue(response.response, os);
}

}  // namespace lpe::generators

namespace lpe::wire {

void showValue(const HttpResponse& response, std::ostream& os) {
  os << "HTTP/1.1 " << response.status << "\n";
  for (const auto& [name, value] : response.headers) os << name << ": " << value << "\n";
  os << "\n" << generators::internal::printable(response.body) << "\n";
}

}  // namespace lpe::wire
