// Shrinking: a failing case shrinks to a small, readable request. These tests run RapidCheck's
// shrinking (the generators' own shrink trees) against made-up failing predicates and look at
// what is left: only the members the predicate needs, with the simplest values.
#include <functional>
#include <iostream>

#include "properties/models.h"

namespace lpe::properties {
namespace {

// The first drawn value (seeds 1, 2, ...) for which `fails` holds, shrunk greedily as RapidCheck
// does: take the first shrink that still fails, until none does.
template <typename T>
std::optional<T> shrunk_counterexample(const rc::Gen<T>& gen,
                                       const std::function<bool(const T&)>& fails) {
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    rc::Shrinkable<T> current = gen(rc::Random(seed), 50);
    if (!fails(current.value())) continue;
    for (bool progress = true; progress;) {
      progress = false;
      auto shrinks = current.shrinks();
      while (auto next = shrinks.next()) {
        try {
          if (fails(next->value())) {
            current = std::move(*next);
            progress = true;
            break;
          }
        } catch (const rc::GenerationFailure&) {
          // a shrink the generator cannot replay: skip it
        }
      }
    }
    return current.value();
  }
  return std::nullopt;
}

size_t optional_members(const ModelUnderTest& m, const nlohmann::ordered_json& input) {
  size_t n = 0;
  for (const auto& member : m.operation.input->members) {
    if (input.contains(member.name) && !(member.required && !member.default_value)) ++n;
  }
  return n;
}

class Shrinking : public ModelProperty {};
LPE_FOR_EVERY_MODEL(Shrinking);

TEST_P(Shrinking, ValidRequestsShrinkToRequiredMembersAndOneOptional) {
  const ModelUnderTest& m = model();
  // "A request with an optional member fails": the smallest such request has the members that
  // must be present plus one optional member, all with their simplest values.
  const auto shrunk = shrunk_counterexample<nlohmann::ordered_json>(
      m.requests->valid_input(),
      [&](const nlohmann::ordered_json& input) { return optional_members(m, input) > 0; });
  ASSERT_TRUE(shrunk.has_value());
  std::cout << m.name << " shrinks to " << shrunk->dump() << std::endl;
  EXPECT_EQ(optional_members(m, *shrunk), 1u) << shrunk->dump();
  for (const auto& member : m.operation.input->members) {
    if (member.required && !member.default_value) {
      EXPECT_TRUE(shrunk->contains(member.name)) << member.name;
    }
  }
  EXPECT_LT(shrunk->dump().size(), 200u) << shrunk->dump();
}

TEST_P(Shrinking, ValidationErrorsShrinkToOneViolationInACompactBody) {
  const ModelUnderTest& m = model();
  // "Any validation error fails": the smallest one has one violation and no decoration.
  const auto shrunk = shrunk_counterexample<generators::LabelledRequest>(
      m.requests->validation_error_request(),
      [](const generators::LabelledRequest&) { return true; });
  ASSERT_TRUE(shrunk.has_value());
  std::cout << m.name << " shrinks to " << shrunk->body << "\n  " << shrunk->expected.message
            << std::endl;
  EXPECT_EQ(shrunk->expected.violations.size(), 1u);
  EXPECT_EQ(shrunk->body.find('\n'), std::string::npos);
  EXPECT_LT(shrunk->body.size(), 200u);
  EXPECT_TRUE(m.validator->validate(shrunk->body).outcome == validators::Outcome::kValidationError);
}

TEST_P(Shrinking, AFailureTiedToOneMemberKeepsOnlyThatMemberBroken) {
  const ModelUnderTest& m = model();
  // A validator bug that only shows on a length violation of the last member that has a length
  // bound: the counterexample keeps exactly that violation.
  std::string target;
  for (const auto& member : m.operation.input->members) {
    if (member.constraints.length && member.target->type == spec::ShapeType::kString)
      target = member.name;
  }
  ASSERT_FALSE(target.empty());
  const auto shrunk = shrunk_counterexample<generators::LabelledRequest>(
      m.requests->validation_error_request(), [&](const generators::LabelledRequest& r) {
        for (const auto& v : r.expected.violations) {
          if (v.member == target && v.constraint == validators::ConstraintKind::kLength)
            return true;
        }
        return false;
      });
  ASSERT_TRUE(shrunk.has_value());
  std::cout << m.name << " shrinks to " << shrunk->body << "\n  " << shrunk->expected.message
            << std::endl;
  ASSERT_GE(shrunk->expected.violations.size(), 1u);
  EXPECT_LE(shrunk->expected.violations.size(), 2u);  // a too-long value may break the pattern too
  EXPECT_EQ(shrunk->expected.violations[0].member, target);
}

TEST_P(Shrinking, SerializationErrorsShrinkToASmallBody) {
  const ModelUnderTest& m = model();
  const auto shrunk = shrunk_counterexample<generators::LabelledRequest>(
      m.requests->serialization_error_request(),
      [](const generators::LabelledRequest&) { return true; });
  ASSERT_TRUE(shrunk.has_value());
  std::cout << m.name << " shrinks to " << shrunk->body << " (" << shrunk->description << ")"
            << std::endl;
  EXPECT_LT(shrunk->body.size(), 200u);
}

}  // namespace
}  // namespace lpe::properties
