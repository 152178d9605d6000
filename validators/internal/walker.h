// The one place where model constraints are checked against a JSON value. Requests and responses
// both walk their tape through here; only how issues are reported differs.
#pragma once

#include <string>
#include <vector>

#include "spec/spec.h"
#include "validators/internal/json_tape.h"
#include "validators/validators.h"

namespace lpe::validators::internal {

enum class IssueKind {
  kTypeMismatch,      // wrong JSON type for the shape (R6 in requests)
  kConstraint,        // length / pattern / range / enum / required (R7 in requests)
  kUnknownMember,     // a member the model does not know (ignored in requests, a note in responses)
  kUnknownEnumValue,  // responses only: a value not in the enum (a note: newer API versions)
  kNullOptional,  // an optional member written as null (absent in requests, a note in responses)
  kBadTimestamp,  // a timestamp not in its format
  // A member with a presence rule (lpe.conformance#presentWhen, R9) present where its sibling
  // does not match ("errorCode on a JOINED event").
  kPresentWhenExcluded,
  // The same member absent where its sibling matches ("a SUBSCRIBE_STARTED event without
  // remoteParticipantId").
  kAbsentWhenExpected,
};

struct Issue {
  IssueKind kind;
  std::string pointer;      // JSON pointer
  std::string member_path;  // dotted member path
  ConstraintKind constraint = ConstraintKind::kRequired;
  std::string message;
};

// The issues of a walk. Reused across walks: entries past size() keep their strings' memory, so a
// warm list records issues without allocating.
class IssueList {
 public:
  // A fresh issue at the end (strings empty, capacity kept).
  Issue& add() {
    if (count_ == items_.size()) items_.emplace_back();
    Issue& issue = items_[count_++];
    issue.kind = IssueKind::kConstraint;
    issue.constraint = ConstraintKind::kRequired;
    issue.pointer.clear();
    issue.member_path.clear();
    issue.message.clear();
    return issue;
  }
  void push_back(Issue&& issue) { add() = std::move(issue); }
  void clear() { count_ = 0; }
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  Issue* begin() { return items_.data(); }
  Issue* end() { return items_.data() + count_; }
  const Issue* begin() const { return items_.data(); }
  const Issue* end() const { return items_.data() + count_; }

 private:
  std::vector<Issue> items_;
  size_t count_ = 0;
};

struct WalkOptions {
  // request: unknown members ignored (R5), unknown enum values are violations, presence rules
  //   not checked; response: unknown members and enum values are notes (R9), presence rules
  //   checked; data (fixture files): unknown members and enum values are errors, presence rules
  //   checked.
  ValueMode mode = ValueMode::kRequest;
  // Default timestamp format for members without timestampFormat (restJson1: epoch-seconds).
  spec::TimestampFormat default_timestamp_format = spec::TimestampFormat::kEpochSeconds;
};

// Walks `tape` from node `index` as a value of structure `shape`, appending issues in model member
// order (each member's issues in the order length, pattern, enum, range).
void walk_structure(const Tape& tape, uint32_t index, const spec::Shape& shape,
                    const WalkOptions& options, IssueList& issues);

// Walks `tape` from node `index` as a value of `member` (its target and effective constraints).
// Issues are reported under `member_path` (pointers start with "/<member_path>").
void walk_member(const Tape& tape, uint32_t index, const spec::Member& member,
                 std::string_view member_path, const WalkOptions& options, IssueList& issues);

// Appends RFC 6901 token escaping of `token` to `pointer`.
void append_pointer(std::string& pointer, std::string_view token);

}  // namespace lpe::validators::internal
