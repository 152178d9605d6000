// Single values checked by the walker: the dataset loader, --target values and anything else
// that must agree with request and response validation use this (one constraint engine).
#include "validators/internal/json_tape.h"
#include "validators/internal/walker.h"
#include "validators/validators.h"

namespace lpe::validators {
namespace {

std::vector<ValueIssue> to_value_issues(const internal::IssueList& issues, ValueMode mode,
                                        size_t pointer_prefix) {
  std::vector<ValueIssue> out;
  for (const auto& issue : issues) {
    ValueIssue v;
    v.pointer = issue.pointer.substr(std::min(pointer_prefix, issue.pointer.size()));
    v.message = issue.message;
    if (mode == ValueMode::kResponse) {
      v.note = issue.kind == internal::IssueKind::kUnknownMember ||
               issue.kind == internal::IssueKind::kUnknownEnumValue ||
               issue.kind == internal::IssueKind::kNullOptional;
      v.should = issue.kind == internal::IssueKind::kAbsentWhenExpected;
    }
    out.push_back(std::move(v));
  }
  return out;
}

bool read(std::string_view json_text, internal::Tape& tape, std::vector<ValueIssue>& out) {
  const std::string error = internal::read_json_fast(json_text, kMaxJsonDepth, tape);
  if (error.empty()) return true;
  out.push_back({"", "not valid JSON: " + error, false, false});
  return false;
}

// Reads `json_text` and walks it with `walk` in `mode`; issues come back with `pointer_prefix`
// bytes cut from their pointers.
template <typename Walk>
std::vector<ValueIssue> read_and_walk(std::string_view json_text, ValueMode mode,
                                      size_t pointer_prefix, const Walk& walk) {
  std::vector<ValueIssue> out;
  internal::Tape tape;
  if (!read(json_text, tape, out)) return out;
  internal::IssueList issues;
  internal::WalkOptions options;
  options.mode = mode;
  walk(tape, options, issues);
  return to_value_issues(issues, mode, pointer_prefix);
}

}  // namespace

std::vector<ValueIssue> check_value(const spec::Member& member, std::string_view json_text,
                                    ValueMode mode, std::string_view member_path) {
  const std::string_view name = member_path.empty() ? std::string_view(member.name) : member_path;
  std::string prefix;
  internal::append_pointer(prefix, name);
  return read_and_walk(json_text, mode, prefix.size(),
                       [&](const internal::Tape& tape, const internal::WalkOptions& options,
                           internal::IssueList& issues) {
                         internal::walk_member(tape, 0, member, name, options, issues);
                       });
}

std::vector<ValueIssue> check_structure_value(const spec::Shape& shape, std::string_view json_text,
                                              ValueMode mode) {
  return read_and_walk(json_text, mode, 0,
                       [&](const internal::Tape& tape, const internal::WalkOptions& options,
                           internal::IssueList& issues) {
                         internal::walk_structure(tape, 0, shape, options, issues);
                       });
}

}  // namespace lpe::validators
