// Internals of generators/generators.h: what RequestGenerators keeps for one operation's input,
// and the labels a request gathers while it is drawn (the generator knows what it broke). Not a
// public API.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "generators/generators.h"
#include "generators/internal/draw.h"
#include "generators/internal/labels.h"
#include "generators/internal/shape_plan.h"

namespace lpe::generators::internal {

inline constexpr std::string_view kValidationException = "ValidationException";
inline constexpr std::string_view kSerializationException = "SerializationException";

// Why a nesting depth is not contract: RFC 8259 section 9 lets a parser limit it, and R6 says so.
inline constexpr const char* kNestingIsImplementationDefined =
    "R6 leaves the nesting depth a server accepts to the implementation (RFC 8259 section 9)";

// What RequestGenerators keeps behind its opaque state pointer.
struct RequestState {
  std::shared_ptr<const PlanSet> plans;
  std::set<std::string> omit;
  int validation_status = 400;
  int serialization_status = 400;
  bool root_can_carry = false;  // some input member can hold a value of the wrong JSON type

  DrawOptions options() const {
    DrawOptions o;
    o.flavor = Flavor::kRequest;
    o.omit = &omit;
    return o;
  }
  const ValuePlan& root() const { return plans->root(); }
};

// The labels of one request, gathered while it is drawn.
struct Labels {
  std::vector<ExpectedViolation> violations;
  std::vector<std::string> messages;
  std::vector<std::string> notes;  // what was done, for the description
  bool type_break = false;

  void violate(const std::string& member, validators::ConstraintKind kind, std::string message) {
    violations.push_back({member, kind});
    messages.push_back(std::move(message));
  }
  void append(const Labels& other) {
    violations.insert(violations.end(), other.violations.begin(), other.violations.end());
    messages.insert(messages.end(), other.messages.begin(), other.messages.end());
    notes.insert(notes.end(), other.notes.begin(), other.notes.end());
    type_break = type_break || other.type_break;
  }
  std::string description(std::string_view prefix) const { return described(prefix, notes); }
};

// The R7 expectation for the violations `labels` gathered: a ValidationException with the
// operation's status for it and the exact message.
ExpectedOutcome validation_outcome(const RequestState& state, const Labels& labels);
// The R6 expectation: a SerializationException with the operation's status for it.
ExpectedOutcome serialization_outcome(const RequestState& state);

// A body that must be rejected with a SerializationException (R6), labelled: wrong JSON types,
// non-objects, malformed JSON, invalid UTF-8, nesting past the limit.
LabelledRequest draw_serialization_error(const RequestState& state);

}  // namespace lpe::generators::internal
