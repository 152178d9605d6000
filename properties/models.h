// The operations every property runs against: the bundled ListParticipantEvents and a made-up
// paginated operation that lives only in test data (testdata/widgets.smithy.json), so that each
// property proves nothing in validators/ or generators/ is specific to one operation.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "generators/generators.h"
#include "spec/spec.h"
#include "validators/validators.h"

namespace lpe::properties {

// One operation with everything the properties need, built once.
struct ModelUnderTest {
  std::string name;
  std::shared_ptr<const spec::Model> model;
  spec::OperationView operation;
  std::shared_ptr<const validators::RequestValidator> validator;
  std::shared_ptr<const validators::ResponseChecker> checker;
  std::shared_ptr<const generators::RequestGenerators> requests;
  std::shared_ptr<const generators::ResponseGenerators> responses;
};

// "ListParticipantEvents" (bundled) and "ListWidgets" (test data).
const std::vector<std::string>& model_names();
// The model by name; aborts the test program with the reason when it does not load.
const ModelUnderTest& model_named(const std::string& name);

// Base of the per-model property suites (value-parameterized by model name).
class ModelProperty : public ::testing::TestWithParam<std::string> {
 protected:
  const ModelUnderTest& model() const { return model_named(GetParam()); }
};

// Test names end in the model name: "Models/Soundness.ValidRequestsAreAccepted/ListWidgets".
std::string model_test_name(const ::testing::TestParamInfo<std::string>& info);

// A RapidCheck property run once per model, like RC_GTEST_PROP: it prints the seed and the
// shrunk counterexample when it fails. The body sees the model as `m`.
#define LPE_MODEL_PROP(Suite, Name)                                                     \
  static void Suite##_##Name##_property(const ::lpe::properties::ModelUnderTest& m);    \
  TEST_P(Suite, Name) {                                                                 \
    const ::lpe::properties::ModelUnderTest& under_test = model();                      \
    ::rc::detail::checkGTest([&under_test] { Suite##_##Name##_property(under_test); }); \
  }                                                                                     \
  static void Suite##_##Name##_property(const ::lpe::properties::ModelUnderTest& m)

// Instantiates a suite for every model.
#define LPE_FOR_EVERY_MODEL(Suite)                                                               \
  INSTANTIATE_TEST_SUITE_P(Models, Suite, ::testing::ValuesIn(::lpe::properties::model_names()), \
                           ::lpe::properties::model_test_name)

// Differences between a verdict and the labels, one per line; empty when they agree exactly
// (outcome, status, error type, violations in order, R7 message, decoded input).
std::string verdict_mismatch(const generators::LabelledRequest& request,
                             const validators::RequestVerdict& verdict);

// Differences between two verdicts on equivalent input; messages, violations and decoded values
// are compared unless both are serialization errors (whose reasons may name positions).
std::string verdict_difference(const validators::RequestVerdict& a,
                               const validators::RequestVerdict& b);

// Any request: valid, unusual, validation error or serialization error.
rc::Gen<generators::LabelledRequest> any_request(const ModelUnderTest& m);

}  // namespace lpe::properties
