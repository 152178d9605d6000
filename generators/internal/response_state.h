// Internals of generators/generators.h: what ResponseGenerators keeps for one operation, the rules
// a broken response gathers while it is drawn, and the pieces every response is made of (headers,
// body text style). Not a public API.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "generators/generators.h"
#include "generators/internal/draw.h"
#include "generators/internal/labels.h"
#include "generators/internal/shape_plan.h"

namespace lpe::generators::internal {

// One error the operation can return, with what a correct response of it looks like.
struct ErrorInfo {
  std::string name;            // simple name, the x-amzn-ErrorType value
  std::string id;              // absolute shape id ("ns#Name"), the body `__type` form
  int status = 400;            // the model's httpError
  std::string message_member;  // the body member holding the message
  bool declared = true;        // declared by the model (else a protocol error of ours)
};

// What ResponseGenerators keeps behind its opaque state pointer.
struct ResponseState {
  std::shared_ptr<const PlanSet> plans;
  bool has_output = false;
  int success = 200;
  std::vector<ErrorInfo> errors;
  std::vector<std::string> known_error_names;
  std::string output_token;
  DrawOptions options;

  const ValuePlan& root() const { return plans->root(); }
};

// The rules a broken response must produce (a set: one break may yield several findings), in
// the order of their names ("R10.token_format" before "R8.body"), as labels list them.
struct Rules {
  struct ByName {
    bool operator()(spec::Rule a, spec::Rule b) const { return to_string(a) < to_string(b); }
  };
  std::set<spec::Rule, ByName> rules;
  std::vector<std::string> notes;
  void add(spec::Rule rule, std::string note) {
    rules.insert(rule);
    notes.push_back(std::move(note));
  }
  // Labels `out` with these rules, and describes it as "<prefix>: <note>; ...".
  void label(LabelledResponse& out, std::string_view prefix) const {
    out.expected_rules.assign(rules.begin(), rules.end());
    out.description = described(prefix, notes);
  }
};

// Content-Type and x-amzn-RequestId headers (each when asked for), in either spelling.
std::vector<std::pair<std::string, std::string>> response_headers(bool content_type,
                                                                  bool request_id);
// Whitespace and escapes of a body; shrinks toward compact text.
TextStyle body_style();

// What a correct error response of `shape` looks like.
ErrorInfo error_info(const spec::Shape& shape);
// A correct error response of one of the operation's errors.
wire::HttpResponse draw_valid_error(const ResponseState& s);
// An error response broken in the ways R8 names, labelled with the rules it breaks.
LabelledResponse draw_broken_error(const ResponseState& s);
// A success response broken in its body (R9, R10), status or headers, labelled.
LabelledResponse draw_broken_success(const ResponseState& s);

}  // namespace lpe::generators::internal
