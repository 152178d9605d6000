// Request generators: valid, unusual-but-valid and labelled invalid requests for any operation.
// The pieces live in internal/: what a request may change without changing its verdict
// (decorate.h), broken values and their labels (request_breaker.h), bodies that are not acceptable
// JSON (serialization_errors.cc).
#include "generators/generators.h"

#include <algorithm>
#include <utility>

#include <rapidcheck.h>

#include "generators/internal/decorate.h"
#include "generators/internal/draw.h"
#include "generators/internal/raw_json.h"
#include "generators/internal/request_breaker.h"
#include "generators/internal/request_state.h"
#include "generators/internal/shape_plan.h"

namespace lpe::generators {

namespace internal {

ExpectedOutcome validation_outcome(const RequestState& state, const Labels& labels) {
  ExpectedOutcome e;
  e.outcome = validators::Outcome::kValidationError;
  e.status = state.validation_status;
  e.error_type = std::string(kValidationException);
  e.violations = labels.violations;
  const size_t n = labels.messages.size();
  e.message = std::to_string(n) +
              (n == 1 ? " validation error detected: " : " validation errors detected: ");
  for (size_t i = 0; i < n; ++i) e.message += (i == 0 ? "" : "; ") + labels.messages[i];
  return e;
}

}  // namespace internal

namespace {

using internal::chance;
using internal::choice;
using internal::draw_style;
using internal::DrawOptions;
using internal::Flavor;
using internal::index_below;
using internal::int_between;
using internal::kSerializationException;
using internal::kValidationException;
using internal::Labels;
using internal::RawJson;
using internal::RequestState;
using internal::TextStyle;
using internal::validation_outcome;
using internal::ValuePlan;
using spec::ShapeType;

const RequestState& state_of(const std::shared_ptr<const void>& state) {
  return internal::state_as<RequestState>(state);
}

int status_of(const spec::OperationView& op, std::string_view error, int fallback) {
  const spec::Shape* shape = op.find_error(error);
  return shape != nullptr && shape->http_error ? *shape->http_error : fallback;
}

ExpectedOutcome accepted_outcome(nlohmann::ordered_json decoded) {
  ExpectedOutcome e;
  e.decoded = std::move(decoded);
  return e;
}

}  // namespace

Result<RequestGenerators> RequestGenerators::make(std::shared_ptr<const spec::Model> model,
                                                  spec::OperationView operation,
                                                  RequestGeneratorOptions options) {
  const spec::Shape& input =
      operation.input != nullptr ? *operation.input : internal::empty_structure(Flavor::kRequest);
  auto plans = internal::PlanSet::build(input);
  if (!plans) return fail("cannot generate requests: " + plans.error().to_string());
  auto state = std::make_shared<RequestState>();
  state->plans = std::move(*plans);
  for (const auto& name : options.omit_members) {
    const ValuePlan* m = state->plans->root_member(name);
    if (m == nullptr) return fail("cannot omit '" + name + "': not a member of the input");
    if (m->must_be_present(Flavor::kRequest)) {
      return fail("cannot omit '" + name + "': it is required");
    }
  }
  state->omit = options.omit_members;
  state->validation_status = status_of(operation, kValidationException, 400);
  state->serialization_status = status_of(operation, kSerializationException, 400);
  for (const ValuePlan* m : state->root().members) {
    state->root_can_carry = state->root_can_carry || m->type() != ShapeType::kDocument;
  }
  RequestGenerators out;
  out.model_ = std::move(model);
  out.operation_ = std::move(operation);
  out.options_ = std::move(options);
  out.state_ = std::move(state);
  return out;
}

rc::Gen<nlohmann::ordered_json> RequestGenerators::valid_input() const {
  const auto state = state_;
  return rc::gen::exec([state] {
    const RequestState& s = state_of(state);
    return internal::draw_valid_structure(s.root(), s.options(), 0, true);
  });
}

rc::Gen<LabelledRequest> RequestGenerators::valid_request() const {
  const auto state = state_;
  return rc::gen::exec([state] {
    const RequestState& s = state_of(state);
    auto input = internal::draw_valid_structure(s.root(), s.options(), 0, true);
    LabelledRequest out;
    out.body = input.dump();
    out.description = "valid request";
    out.expected = accepted_outcome(std::move(input));
    return out;
  });
}

rc::Gen<LabelledRequest> RequestGenerators::unusual_valid_request() const {
  const auto state = state_;
  return rc::gen::exec([state] {
    static const std::vector<std::string> kContentTypes = {
        "application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8",
        "Application/JSON", "application/json ; charset=utf-8"};
    static const std::vector<std::string> kBlanks = {"", " ", "\n", " \r\n\t "};
    const RequestState& s = state_of(state);
    const DrawOptions options = s.options();
    auto input = internal::draw_valid_structure(s.root(), options, 0, true);
    std::vector<std::string> notes;
    LabelledRequest out;
    if (input.empty() && *chance(1, 4)) {
      out.body = kBlanks[*index_below(kBlanks.size())];
      notes.push_back("blank body (read as {})");
    } else {
      RawJson tree = internal::decorate(s.root(), input, options, 0, &notes);
      if (*chance(1, 6)) {
        // Nesting up to the limit inside an unknown member: the root object is level 1, so
        // kMaxJsonDepth - 1 arrays reach the limit exactly (half the time).
        const int64_t limit = validators::kMaxJsonDepth;
        const auto depth = static_cast<size_t>(
            *choice({1, 1}) == 0 ? limit - 1 : *int_between(100, limit - 2, limit - 2));
        tree.members.emplace_back(
            internal::unknown_names(s.root()).front(),
            RawJson::verbatim(std::string(depth, '[') + std::string(depth, ']')));
        notes.push_back("unknown member nested " + std::to_string(depth + 1) + " levels deep");
        out.implementation_defined = internal::kNestingIsImplementationDefined;
      }
      const TextStyle style = draw_style(1);
      out.body = internal::write(tree, style);
      if (style.spacing != TextStyle::Spacing::kCompact) notes.push_back("extra whitespace");
      if (style.random_escapes || style.escape_non_ascii) notes.push_back("escaped characters");
    }
    out.content_type = kContentTypes[*index_below(kContentTypes.size())];
    if (out.content_type != "application/json") notes.push_back("Content-Type " + out.content_type);
    out.description = internal::described("unusual valid request", notes);
    out.expected = accepted_outcome(std::move(input));
    return out;
  });
}

rc::Gen<LabelledRequest> RequestGenerators::validation_error_request() const {
  const auto state = state_;
  if (!state_of(state).root().can_violate) {
    return rc::gen::exec([]() -> LabelledRequest {
      throw rc::GenerationFailure("the input has no constraint a request can break");
    });
  }
  return rc::gen::exec([state] {
    const RequestState& s = state_of(state);
    Labels labels;
    internal::RequestBreaker breaker(s, labels);
    const RawJson tree = breaker.structure(s.root(), 0, false, true);
    LabelledRequest out;
    out.body = internal::write(tree, draw_style(6));
    out.expected = validation_outcome(s, labels);
    out.description = labels.description("validation error");
    return out;
  });
}

rc::Gen<LabelledRequest> RequestGenerators::serialization_error_request() const {
  const auto state = state_;
  return rc::gen::exec([state] { return internal::draw_serialization_error(state_of(state)); });
}

rc::Gen<LabelledRequest> RequestGenerators::invalid_request() const {
  const auto state = state_;
  const auto validation = validation_error_request();
  const auto serialization = serialization_error_request();
  const bool can_violate = state_of(state).root().can_violate;
  return rc::gen::exec([=] {
    if (can_violate && *chance(1, 2)) return *validation;
    return *serialization;
  });
}

rc::Gen<std::string> RequestGenerators::equivalent_body(std::string body) const {
  auto tree = internal::parse_without_duplicates(body);
  if (!tree || !tree->is_object()) return rc::gen::just(std::move(body));
  const auto state = state_;
  return rc::gen::exec([state, tree = std::move(*tree)] {
    RawJson copy = tree;
    // Reorders the members of structures reached through structures only (list and map values are
    // printed in messages in body order, so they stay as they are).
    const auto reorder = [](auto& self, RawJson& object, const ValuePlan& plan) -> void {
      if (object.members.size() > 1 && *chance(3, 4)) internal::shuffle_members(object);
      for (auto& [key, value] : object.members) {
        for (const ValuePlan* m : plan.members) {
          if (m->name == key && m->type() == ShapeType::kStructure && value.is_object()) {
            self(self, value, *m);
          }
        }
      }
    };
    reorder(reorder, copy, state_of(state).root());
    return internal::write(copy, draw_style(1));
  });
}

void showValue(const LabelledRequest& request, std::ostream& os) {
  os << request.description << "\nContent-Type: " << request.content_type << "\nbody ("
     << request.body.size() << " bytes): " << internal::printable(request.body) << "\nexpected: ";
  const ExpectedOutcome& e = request.expected;
  switch (e.outcome) {
    case validators::Outcome::kAccepted:
      os << "accepted " << e.status;
      break;
    case validators::Outcome::kSerializationError:
      os << e.status << " " << e.error_type;
      break;
    case validators::Outcome::kValidationError:
      os << e.status << " " << e.error_type;
      break;
  }
  for (const auto& v : e.violations) {
    os << "\n  " << v.member << ": " << validators::to_string(v.constraint);
  }
  if (!e.message.empty()) os << "\n  message: " << e.message;
  if (e.decoded) os << "\n  decoded: " << e.decoded->dump();
}

}  // namespace lpe::generators
