// Soundness: every generated request gets exactly the verdict its labels say, from the validator
// that the mock endpoint and `lpe validate` use (R4-R7), message included.
#include "properties/models.h"
#include "wire/media_type.h"

namespace lpe::properties {
namespace {

class Soundness : public ModelProperty {};
LPE_FOR_EVERY_MODEL(Soundness);

void expect_labelled_verdict(const ModelUnderTest& m, const generators::LabelledRequest& request) {
  const auto verdict = m.validator->validate(request.body);
  const std::string mismatch = verdict_mismatch(request, verdict);
  if (!mismatch.empty()) RC_FAIL(mismatch);
}

LPE_MODEL_PROP(Soundness, ValidRequestsAreAccepted) {
  const auto request = *m.requests->valid_request();
  RC_ASSERT(request.expected.outcome == validators::Outcome::kAccepted);
  expect_labelled_verdict(m, request);
}

LPE_MODEL_PROP(Soundness, UnusualValidRequestsAreAccepted) {
  const auto request = *m.requests->unusual_valid_request();
  RC_ASSERT(wire::is_json_media_type(request.content_type));
  expect_labelled_verdict(m, request);
}

LPE_MODEL_PROP(Soundness, ValidationErrorsGetExactlyTheirLabels) {
  const auto request = *m.requests->validation_error_request();
  RC_ASSERT(!request.expected.violations.empty());
  RC_TAG(request.expected.violations.size() == 1 ? "one violation" : "several violations");
  expect_labelled_verdict(m, request);
}

LPE_MODEL_PROP(Soundness, SerializationErrorsAreRejected) {
  const auto request = *m.requests->serialization_error_request();
  expect_labelled_verdict(m, request);
}

LPE_MODEL_PROP(Soundness, InvalidRequestsGetTheirOutcome) {
  const auto request = *m.requests->invalid_request();
  RC_ASSERT(request.expected.outcome != validators::Outcome::kAccepted);
  expect_labelled_verdict(m, request);
}

}  // namespace
}  // namespace lpe::properties
