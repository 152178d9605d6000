// Differential: the byte-level JSON reader (JsonReader::kFast, the hot path) and nlohmann's reader
// (the DOM path) give the same verdict on every generated body, valid or not.
#include "properties/models.h"

namespace lpe::properties {
namespace {

class Differential : public ModelProperty {};
LPE_FOR_EVERY_MODEL(Differential);

LPE_MODEL_PROP(Differential, ReadersAgreeOnEveryGeneratedRequest) {
  const auto request = *any_request(m);
  const auto fast = m.validator->validate(request.body, validators::JsonReader::kFast);
  const auto dom = m.validator->validate(request.body, validators::JsonReader::kNlohmann);
  const std::string difference = verdict_difference(fast, dom);
  if (!difference.empty()) RC_FAIL("kFast vs kNlohmann:\n" + difference);
}

LPE_MODEL_PROP(Differential, ReadersAgreeOnRewrittenBodies) {
  const auto request = *any_request(m);
  const std::string body = *m.requests->equivalent_body(request.body);
  const auto fast = m.validator->validate(body, validators::JsonReader::kFast);
  const auto dom = m.validator->validate(body, validators::JsonReader::kNlohmann);
  const std::string difference = verdict_difference(fast, dom);
  if (!difference.empty()) RC_FAIL("kFast vs kNlohmann on\n" + body + "\n" + difference);
}

}  // namespace
}  // namespace lpe::properties
