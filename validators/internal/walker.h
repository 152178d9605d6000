// The one place where model constraints are checked against a JSON value. Requests and responses
// both walk their tape through here; only how issues are reported differs.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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
};

struct Issue {
  IssueKind kind;
  std::string pointer;      // JSON pointer
  std::string member_path;  // dotted member path
  ConstraintKind constraint = ConstraintKind::kRequired;
  std::string message;
};

struct WalkOptions {
  bool response = false;  // enum values: unknown is a note (response) or a violation (request)
  // Default timestamp format for members without timestampFormat (restJson1: epoch-seconds).
  spec::TimestampFormat default_timestamp_format = spec::TimestampFormat::kEpochSeconds;
};

// Walks `tape` from node `index` as a value of structure `shape`, appending issues in model member
// order (each member's issues in the order length, pattern, enum, range).
void walk_structure(const Tape& tape, uint32_t index, const spec::Shape& shape,
                    const WalkOptions& options, std::vector<Issue>& issues);

// The model-known members of a structure value as JSON (model order, nulls dropped, last duplicate
// wins). Only meaningful for a value that walked without type mismatches.
nlohmann::ordered_json decode_structure(const Tape& tape, uint32_t index, const spec::Shape& shape);

// Appends RFC 6901 token escaping of `token` to `pointer`.
void append_pointer(std::string& pointer, std::string_view token);

}  // namespace lpe::validators::internal
