// request_validator: any bytes as a ListParticipantEvents request body (R1-R7).
//
// Properties, on every input:
//  - the validator never crashes or throws, with either JSON reader;
//  - the byte-level reader (kFast) and nlohmann's (kNlohmann) agree on outcome, status and error
//    type, and, unless the body is a SerializationException (whose message names the parser's
//    own reason), on the message, the violations and the decoded request (differential);
//  - a body judged valid re-serializes (decoded.dump()) to a body judged valid with the same
//    decoded request.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "fuzz/fuzz_support.h"
#include "spec/spec.h"
#include "validators/validators.h"

namespace {

using lpe::validators::JsonReader;
using lpe::validators::Outcome;
using lpe::validators::RequestValidator;
using lpe::validators::RequestVerdict;

// The longest valid body is about 1.3 KB (stageArn 128 + sessionId 16 + participantId 64 +
// nextToken 1024 characters + maxResults); 4 KiB leaves room for unknown members, escapes and
// nesting past kMaxJsonDepth (128) while keeping each execution short. Both readers are linear,
// so longer bodies only repeat paths shorter ones already reach.
constexpr size_t kMaxInputSize = 4096;

const RequestValidator& validator() {
  static const RequestValidator* const instance = [] {
    auto model = lpe::spec::Model::bundled();
    auto operation = model->operation();
    if (!operation.ok()) {
      lpe::fuzz::fail("bundled model has an operation", __FILE__, __LINE__,
                      operation.error().to_string());
    }
    return new RequestValidator(std::move(model), std::move(*operation));
  }();
  return *instance;
}

std::string describe(std::string_view body, const RequestVerdict& fast,
                     const RequestVerdict& nlohmann) {
  return "body: " + lpe::fuzz::escape(body) + "\nfast:     " +
         fast.to_json().dump(-1, ' ', true, nlohmann::json::error_handler_t::replace) +
         "\nnlohmann: " +
         nlohmann.to_json().dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInputSize) return -1;  // not added to the corpus
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const RequestValidator& v = validator();

  // Verdicts kept across executions (validate_into reuses their memory), as a server would.
  static RequestVerdict fast;
  static RequestVerdict nlohmann;
  v.validate_into(body, fast, JsonReader::kFast);
  v.validate_into(body, nlohmann, JsonReader::kNlohmann);
  LPE_FUZZ_CHECK(fast.outcome == nlohmann.outcome && fast.status == nlohmann.status &&
                     fast.error_type == nlohmann.error_type,
                 describe(body, fast, nlohmann));
  LPE_FUZZ_CHECK(
      fast.accepted() == fast.error_type.empty() && !fast.accepted() == (fast.status != 200),
      describe(body, fast, nlohmann));
  if (fast.outcome == Outcome::kSerializationError) return 0;
  LPE_FUZZ_CHECK(fast.message == nlohmann.message && fast.violations == nlohmann.violations &&
                     fast.decoded == nlohmann.decoded,
                 describe(body, fast, nlohmann));
  if (fast.outcome == Outcome::kValidationError) {
    LPE_FUZZ_CHECK(!fast.violations.empty() && !fast.message.empty(),
                   describe(body, fast, nlohmann));
    return 0;
  }

  // Accepted: the decoded request is itself a valid body that decodes to the same request.
  LPE_FUZZ_CHECK(fast.violations.empty() && fast.decoded.is_object(),
                 describe(body, fast, nlohmann));
  const std::string again = fast.decoded.dump();
  static RequestVerdict reparsed;
  v.validate_into(again, reparsed, JsonReader::kFast);
  LPE_FUZZ_CHECK(
      reparsed.accepted() && reparsed.decoded == fast.decoded,
      describe(body, fast, nlohmann) + "\nre-serialized: " + again + "\nre-validated: " +
          reparsed.to_json().dump(-1, ' ', true, nlohmann::json::error_handler_t::replace));
  return 0;
}
