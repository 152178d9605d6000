// Internals of generators/generators.h: what the generators need to know about every member of an
// operation's input or output, worked out once from the model (compiled patterns with their length
// bounds, integer and float domains, which members can be broken and how), and the rules that turn
// a broken value into its R7 labels. Not a public API.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <rapidcheck/Gen.h>
#include <nlohmann/json.hpp>

#include "base/result.h"
#include "generators/internal/raw_json.h"
#include "generators/pattern.h"
#include "spec/spec.h"
#include "validators/validators.h"

namespace re2 {
class RE2;
}

namespace lpe::generators::internal {

// Requests and responses read `required` and defaults differently: a required member with a
// default may be left out of a request (the server fills it in), never out of a response.
enum class Flavor { kRequest, kResponse };

// Integers a member accepts (type limits intersected with its range), and the values around them.
struct IntDomain {
  int64_t type_min = 0;  // what the JSON integer may hold for the shape (R6)
  int64_t type_max = 0;
  int64_t lo = 0;  // valid values (R7 range)
  int64_t hi = 0;
  std::optional<int64_t> below;  // the largest value under the range, when the type can hold one
  std::optional<int64_t> above;  // the smallest value over it
  int64_t simplest = 0;          // the documented default if valid, else the valid value nearest 0
};

// Finite doubles a member accepts.
struct FloatDomain {
  double lo = 0;
  double hi = 0;
  bool has_min = false;  // a range bound exists (so values beyond it break R7)
  bool has_max = false;
  bool single = false;  // `float`: values stay within float precision and range
  double simplest = 0;
};

// `lpe.conformance#presentWhen` on a response member: present exactly when the sibling member
// `member` is present and its value matches `pattern` (search semantics). Consistency rules that
// the model cannot state otherwise (an event's errorCode only on error events) live in the model
// as data, so no code names them.
struct PresentWhen {
  std::string member;
  std::string source;
  std::shared_ptr<const re2::RE2> pattern;
};

// How to draw values of one member (its target shape under the member's effective constraints).
struct ValuePlan {
  const spec::Shape* shape = nullptr;
  const spec::Constraints* constraints = nullptr;
  std::string name;  // member name ("" for an operation's input/output structure)
  bool required = false;
  std::optional<nlohmann::ordered_json> default_value;
  std::string label;  // "member 'a.b'" for error messages

  // Strings (without enum values) and string enums.
  std::shared_ptr<const CompiledPattern> pattern;  // the model pattern, when there is one
  std::optional<rc::Gen<std::string>> valid_text;  // satisfies pattern and length
  std::optional<rc::Gen<std::string>> short_text;  // shorter than the minimum
  std::optional<rc::Gen<std::string>> long_text;   // longer than the maximum
  std::optional<rc::Gen<std::string>> near_miss;   // within the length bounds, not matching
  std::vector<std::string> enum_values;            // string enum values that satisfy length/pattern
  std::vector<std::string> all_enum_values;        // every string enum value, model order
  // intEnum values in the domain, and all of them in model order.
  std::vector<int64_t> int_enum_values;
  std::vector<int64_t> all_int_enum_values;
  std::optional<IntDomain> ints;
  std::optional<FloatDomain> floats;
  spec::TimestampFormat timestamp_format = spec::TimestampFormat::kEpochSeconds;
  // Lists and maps (elements / entries) and blobs (bytes).
  uint64_t min_count = 0;
  std::optional<uint64_t> max_count;
  bool sparse = false;
  // Structure and union members in model order; list: [element]; map: [key, value].
  std::vector<const ValuePlan*> members;
  std::optional<PresentWhen> present_when;

  // Some present value of this member breaks one of its constraints or of its parts' (R7).
  bool can_violate = false;

  bool must_be_present(Flavor flavor) const {
    return required && (flavor == Flavor::kResponse || !default_value);
  }
  spec::ShapeType type() const { return shape->type; }
  bool is_string_like() const {
    return type() == spec::ShapeType::kString || type() == spec::ShapeType::kEnum;
  }
  bool is_integer() const;
  bool is_float() const;
  bool is_structure() const {
    return type() == spec::ShapeType::kStructure || type() == spec::ShapeType::kUnion;
  }
  bool is_list() const {
    return type() == spec::ShapeType::kList || type() == spec::ShapeType::kSet;
  }
  bool is_map() const { return type() == spec::ShapeType::kMap; }
  // Upper bound on the element count that generation uses (lists can be unbounded).
  uint64_t count_cap(uint64_t span) const;
};

// The plans of one structure (an operation's input or output) and everything it reaches.
class PlanSet {
 public:
  // Fails with a one-line reason naming the member: a pattern outside the supported subset,
  // constraints no value satisfies, a shape type that cannot be generated.
  static Result<std::shared_ptr<const PlanSet>> build(const spec::Shape& root);

  const ValuePlan& root() const { return *root_; }
  // The plan of a member of the root structure, or nullptr.
  const ValuePlan* root_member(std::string_view name) const;

 private:
  PlanSet() = default;
  // The plan of `member` (made and filled the first time), or why it cannot be generated.
  Result<ValuePlan*> plan_for(const spec::Member& member, const std::string& path);
  // Works out everything a plan holds from its shape and constraints (failures name the member).
  Status fill(ValuePlan& plan, const std::string& path);
  // The plans of a list's element, a map's key and value, or a structure's members.
  Status fill_members(ValuePlan& plan, const std::string& path);
  void compute_can_violate();

  std::deque<ValuePlan> plans_;
  std::map<const spec::Member*, ValuePlan*> by_member_;
  ValuePlan* root_ = nullptr;
};

// An input or output structure with no members, for operations without one (it lives as long as
// the program, as plans point to their shapes).
const spec::Shape& empty_structure(Flavor flavor);

// One R7 violation of a value: its kind and the constraint phrase.
struct PhrasedViolation {
  validators::ConstraintKind kind;
  std::string phrase;
};

// Every R7 violation a present, well-typed value of `plan` carries by itself (not counting its
// parts), in the order R7 reports them: length, pattern, enum, range. Computed from the value and
// the constraints (code points for lengths, RE2 for patterns), never by running the validator.
std::vector<PhrasedViolation> violations_of(const ValuePlan& plan, const RawJson& value);

// "Value '<value, cut at 256 code points>' at '<path>' failed to satisfy constraint: <phrase>".
std::string violation_message(const std::string& path, const RawJson& value,
                              const std::string& phrase);
// "Value null at '<path>' failed to satisfy constraint: Member must not be null".
std::string not_null_message(const std::string& path);
inline constexpr const char* kNotNullPhrase = "Member must not be null";

// Base64 (standard alphabet, padded) of `bytes`, and the byte count a padded base64 text decodes
// to.
std::string base64(const std::string& bytes);
uint64_t base64_decoded_size(const std::string& text);

}  // namespace lpe::generators::internal
