#include <charconv>
#include <string>

#include "validators/internal/decode.h"
#include "validators/internal/json_tape.h"
#include "validators/internal/walker.h"
#include "validators/validators.h"

namespace lpe::validators {
namespace {

constexpr std::string_view kSerializationException = "SerializationException";
constexpr std::string_view kValidationException = "ValidationException";

// True when the body holds no JSON text at all (empty, blanks, or a lone BOM): treated as `{}`
// (R6).
bool is_blank(std::string_view body) {
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  for (char c : body) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return false;
  }
  return true;
}

int status_of(const spec::OperationView& op, std::string_view error, int fallback) {
  const spec::Shape* shape = op.find_error(error);
  return shape != nullptr && shape->http_error ? *shape->http_error : fallback;
}

}  // namespace

std::string_view to_string(ConstraintKind kind) {
  switch (kind) {
    case ConstraintKind::kRequired:
      return "required";
    case ConstraintKind::kLength:
      return "length";
    case ConstraintKind::kPattern:
      return "pattern";
    case ConstraintKind::kRange:
      return "range";
    case ConstraintKind::kEnum:
      return "enum";
  }
  return "unknown";
}

nlohmann::ordered_json RequestVerdict::to_json() const {
  nlohmann::ordered_json out;
  out["valid"] = accepted();
  out["status"] = status;
  if (accepted()) {
    out["request"] = decoded;
    return out;
  }
  out["errorType"] = error_type;
  out["message"] = message;
  auto list = nlohmann::ordered_json::array();
  for (const auto& v : violations) {
    list.push_back({{"path", v.path},
                    {"member", v.member},
                    {"constraint", std::string(to_string(v.constraint))},
                    {"message", v.message}});
  }
  out["violations"] = std::move(list);
  return out;
}

RequestValidator::RequestValidator(std::shared_ptr<const spec::Model> model,
                                   spec::OperationView operation)
    : model_(std::move(model)), operation_(std::move(operation)) {
  serialization_status_ = status_of(operation_, kSerializationException, 400);
  validation_status_ = status_of(operation_, kValidationException, 400);
}

RequestVerdict RequestValidator::validate(std::string_view body, JsonReader reader,
                                          bool decode) const {
  RequestVerdict verdict;
  validate_into(body, verdict, reader, decode);
  return verdict;
}

void RequestValidator::validate_into(std::string_view body, RequestVerdict& verdict,
                                     JsonReader reader, bool decode) const {
  verdict.outcome = Outcome::kAccepted;
  verdict.status = 200;
  verdict.error_type = {};
  verdict.message.clear();
  verdict.violations.clear();
  verdict.decoded = nullptr;
  const auto serialization_error = [&](std::string_view reason, std::string_view detail = {}) {
    verdict.outcome = Outcome::kSerializationError;
    verdict.status = serialization_status_;
    verdict.error_type = kSerializationException;
    verdict.message.append(reason).append(detail);
  };
  // One tape per thread, reused: no allocation per request once warm.
  thread_local internal::Tape tape;
  std::string_view text = is_blank(body) ? std::string_view("{}") : body;
  const std::string error = reader == JsonReader::kFast
                                ? internal::read_json_fast(text, kMaxJsonDepth, tape)
                                : internal::read_json_nlohmann(text, kMaxJsonDepth, tape);
  if (!error.empty()) return serialization_error("The request body is not valid JSON: ", error);
  if (tape.nodes.front().kind != internal::NodeKind::kObject) {
    return serialization_error("The request body must be a JSON object");
  }
  if (operation_.input == nullptr) {
    if (decode) verdict.decoded = nlohmann::ordered_json::object();
    return;
  }
  // Issues likewise: a warm list keeps its strings' memory.
  thread_local internal::IssueList issues;
  issues.clear();
  internal::walk_structure(tape, 0, *operation_.input, internal::WalkOptions{}, issues);
  size_t violation_count = 0;
  size_t message_size = 0;
  for (const auto& issue : issues) {
    if (issue.kind == internal::IssueKind::kTypeMismatch ||
        issue.kind == internal::IssueKind::kBadTimestamp) {
      return serialization_error(issue.message);
    }
    if (issue.kind != internal::IssueKind::kConstraint) continue;
    ++violation_count;
    message_size += issue.message.size() + 2;
  }
  if (violation_count == 0) {
    if (decode) verdict.decoded = internal::decode_structure(tape, 0, *operation_.input);
    return;
  }
  verdict.outcome = Outcome::kValidationError;
  verdict.status = validation_status_;
  verdict.error_type = kValidationException;
  // Copied (not moved) out of the issue list, so that both keep their memory for the next body.
  verdict.violations.resize(violation_count);
  char count[24];
  const auto count_end = std::to_chars(count, count + sizeof count, violation_count).ptr;
  verdict.message.reserve(message_size + 40);
  verdict.message.append(count, count_end)
      .append(violation_count == 1 ? " validation error detected: "
                                   : " validation errors detected: ");
  size_t i = 0;
  for (const auto& issue : issues) {
    if (issue.kind != internal::IssueKind::kConstraint) continue;
    Violation& v = verdict.violations[i];
    v.path.assign(issue.pointer);
    v.member.assign(issue.member_path);
    v.constraint = issue.constraint;
    v.message.assign(issue.message);
    if (i++ != 0) verdict.message.append("; ");
    verdict.message.append(issue.message);
  }
}

}  // namespace lpe::validators
