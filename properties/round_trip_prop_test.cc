// Round trip: decoding a serialized valid input gives the input back, whatever the member order,
// whitespace and string escapes; and no verdict depends on member order or whitespace.
#include "properties/models.h"

namespace lpe::properties {
namespace {

class RoundTrip : public ModelProperty {};
LPE_FOR_EVERY_MODEL(RoundTrip);

LPE_MODEL_PROP(RoundTrip, DecodeOfSerializeIsTheInput) {
  // valid_request() is valid_input() serialized; its label holds the input (RapidCheck cannot
  // print a bare nlohmann::json pick).
  const auto request = *m.requests->valid_request();
  const nlohmann::ordered_json& input = *request.expected.decoded;
  RC_ASSERT(request.body == input.dump());
  const std::string body = *m.requests->equivalent_body(request.body);
  RC_LOG() << "body: " << body << "\n";
  for (const auto reader : {validators::JsonReader::kFast, validators::JsonReader::kNlohmann}) {
    const auto verdict = m.validator->validate(body, reader);
    RC_ASSERT(verdict.accepted());
    if (verdict.decoded != input) {
      RC_FAIL("decoded " + verdict.decoded.dump() + "\n  input " + input.dump());
    }
  }
}

LPE_MODEL_PROP(RoundTrip, VerdictIsStableUnderReorderingAndWhitespace) {
  const auto request = *any_request(m);
  const std::string rewritten = *m.requests->equivalent_body(request.body);
  RC_CLASSIFY(rewritten != request.body, "rewritten");
  const auto original = m.validator->validate(request.body);
  const auto other = m.validator->validate(rewritten);
  const std::string difference = verdict_difference(original, other);
  if (!difference.empty()) RC_FAIL("original vs rewritten:\n" + rewritten + "\n" + difference);
}

}  // namespace
}  // namespace lpe::properties
