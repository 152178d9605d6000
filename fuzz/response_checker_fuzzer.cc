// response_checker: any bytes as a raw HTTP response to ListParticipantEvents (R8, R9).
//
// Properties, on every input:
//  - wire::parse_http_response, ResponseChecker::check and resolve_error_type never crash or
//    throw, and finish in bounded time (libFuzzer's -timeout turns a slow input into a reported
//    crash);
//  - a parse error says what is wrong (and a head error on which line); a parsed status is a
//    valid HTTP status;
//  - every finding names its rule; `must` failures are failures in strict mode too;
//  - a resolved error type is named exactly when a source was found, and is sanitized as SDKs do
//    (no namespace `#`, no `:` suffix, no surrounding blanks).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "spec/spec.h"
#include "validators/validators.h"
#include "wire/http.h"

namespace {

using lpe::validators::Diagnostic;
using lpe::validators::ResponseChecker;

// A full page (100 events of typical size, about 130 bytes each) plus headers fits in 16 KiB; the
// checker is linear in the events, so longer responses only repeat per-event paths.
constexpr size_t kMaxInputSize = 16384;

const ResponseChecker& checker() {
  static const ResponseChecker* const instance = [] {
    auto model = lpe::spec::Model::bundled();
    auto operation = model->operation();
    if (!operation.ok()) {
      lpe::fuzz::fail("bundled model has an operation", __FILE__, __LINE__,
                      operation.error().to_string());
    }
    return new ResponseChecker(std::move(model), std::move(*operation));
  }();
  return *instance;
}

bool blank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInputSize) return -1;  // not added to the corpus
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const auto parsed = lpe::wire::parse_http_response(raw);
  if (!parsed) {
    const lpe::Error& error = parsed.error();
    LPE_FUZZ_CHECK(
        !error.message.empty() && (error.where.empty() || error.where.rfind("line ", 0) == 0),
        "error '" + error.to_string() + "' for input: " + lpe::fuzz::escape(raw));
    return 0;
  }
  const lpe::wire::HttpResponse& response = *parsed;
  LPE_FUZZ_CHECK(response.status >= 100 && response.status <= 599,
                 "status " + std::to_string(response.status) + " from " + lpe::fuzz::escape(raw));

  const std::vector<Diagnostic> diagnostics = checker().check(response);
  for (const Diagnostic& d : diagnostics) {
    LPE_FUZZ_CHECK(!lpe::spec::to_string(d.rule).empty() && !d.message.empty(),
                   "diagnostic without rule or message: " + d.to_json().dump() +
                       "\ninput: " + lpe::fuzz::escape(raw));
  }
  LPE_FUZZ_CHECK(!lpe::validators::has_failure(diagnostics) ||
                     lpe::validators::has_failure(diagnostics, /*strict=*/true),
                 "input: " + lpe::fuzz::escape(raw));

  const auto type = lpe::validators::resolve_error_type(response);
  const bool named = !type.name.empty();
  LPE_FUZZ_CHECK(
      named == (type.source != lpe::wire::ErrorTypeSource::kNone),
      "error type '" + lpe::fuzz::escape(type.name) + "' from " + lpe::fuzz::escape(raw));
  LPE_FUZZ_CHECK(type.name.find_first_of("#:") == std::string::npos &&
                     (!named || (!blank(type.name.front()) && !blank(type.name.back()))),
                 "unsanitized error type '" + lpe::fuzz::escape(type.name) + "' from " +
                     lpe::fuzz::escape(raw));
  return 0;
}
