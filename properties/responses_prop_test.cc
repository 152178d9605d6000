// Response checker: correct pages and errors give no finding at all; each labelled broken response
// gives exactly the rules it breaks (R8, R9, R10); generated items follow the model's presence
// rules (`lpe.conformance#presentWhen`).
#include <re2/re2.h>

#include <set>

#include "properties/models.h"

namespace lpe::properties {
namespace {

std::string describe(const std::vector<validators::Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    out += "  " + std::string(spec::to_string(d.rule)) + " (" +
           std::string(spec::to_string(d.severity)) + ") at " + d.path + ": " + d.message + "\n";
  }
  return out;
}

class Responses : public ModelProperty {};
LPE_FOR_EVERY_MODEL(Responses);

LPE_MODEL_PROP(Responses, ValidSuccessResponsesHaveNoFindings) {
  const auto response = *m.responses->valid_success();
  const auto findings = m.checker->check(response);
  if (!findings.empty()) RC_FAIL("findings on a correct page:\n" + describe(findings));
}

LPE_MODEL_PROP(Responses, ValidErrorResponsesHaveNoFindings) {
  const auto response = *m.responses->valid_error();
  const auto findings = m.checker->check(response);
  if (!findings.empty()) RC_FAIL("findings on a correct error:\n" + describe(findings));
}

LPE_MODEL_PROP(Responses, BrokenResponsesGiveTheirRules) {
  const auto labelled = *m.responses->broken_response();
  RC_ASSERT(!labelled.expected_rules.empty());
  const auto findings = m.checker->check(labelled.response);
  std::set<spec::Rule> got;
  for (const auto& d : findings) got.insert(d.rule);
  const std::set<spec::Rule> expected(labelled.expected_rules.begin(),
                                      labelled.expected_rules.end());
  for (const auto rule : expected) RC_TAG(std::string(spec::to_string(rule)));
  if (got != expected) {
    std::string want;
    for (const auto r : expected) want += " " + std::string(spec::to_string(r));
    RC_FAIL("expected rules:" + want + "\nfindings:\n" + describe(findings));
  }
}

// Checks every structure object of a value against the presentWhen rules of its members.
std::string presence_problems(const spec::Shape& shape, const nlohmann::ordered_json& value,
                              const std::string& path) {
  std::string out;
  if (shape.type == spec::ShapeType::kList && value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      out += presence_problems(*shape.members[0].target, value[i], path + "." + std::to_string(i));
    }
  } else if (shape.type == spec::ShapeType::kStructure && value.is_object()) {
    for (const auto& m : shape.members) {
      if (value.contains(m.name))
        out += presence_problems(*m.target, value[m.name], path + "." + m.name);
      const auto rule = m.traits.find("lpe.conformance#presentWhen");
      if (rule == m.traits.end()) continue;
      const std::string other = (*rule)["member"].get<std::string>();
      const bool holds =
          value.contains(other) && value[other].is_string() &&
          RE2::PartialMatch(value[other].get<std::string>(), (*rule)["pattern"].get<std::string>());
      if (holds != value.contains(m.name)) {
        out += path + "." + m.name + (holds ? " missing" : " present") + " with " + other + "=" +
               (value.contains(other) ? value[other].dump() : "absent") + "\n";
      }
    }
  }
  return out;
}

LPE_MODEL_PROP(Responses, ItemsFollowTheModelsPresenceRules) {
  const auto response = *m.responses->valid_success();
  const auto body = nlohmann::ordered_json::parse(response.body);
  const std::string problems = presence_problems(*m.operation.output, body, "");
  if (!problems.empty()) RC_FAIL(problems);
}

}  // namespace
}  // namespace lpe::properties
