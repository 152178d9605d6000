#include "properties/models.h"

#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>

namespace lpe::properties {
namespace {

[[noreturn]] void die(const std::string& what) {
  std::cerr << "properties: " << what << std::endl;
  std::abort();
}

ModelUnderTest build(const std::string& name, std::shared_ptr<const spec::Model> model) {
  ModelUnderTest m;
  m.name = name;
  m.model = std::move(model);
  auto op = m.model->operation(name);
  if (!op) die(op.error().to_string());
  m.operation = *op;
  m.validator = std::make_shared<validators::RequestValidator>(m.model, m.operation);
  m.checker = std::make_shared<validators::ResponseChecker>(m.model, m.operation);
  auto requests = generators::RequestGenerators::make(m.model, m.operation);
  if (!requests) die(name + ": " + requests.error().to_string());
  m.requests = std::make_shared<generators::RequestGenerators>(std::move(*requests));
  auto responses = generators::ResponseGenerators::make(m.model, m.operation);
  if (!responses) die(name + ": " + responses.error().to_string());
  m.responses = std::make_shared<generators::ResponseGenerators>(std::move(*responses));
  return m;
}

std::string outcome_name(validators::Outcome o) {
  switch (o) {
    case validators::Outcome::kAccepted:
      return "accepted";
    case validators::Outcome::kSerializationError:
      return "serialization error";
    case validators::Outcome::kValidationError:
      return "validation error";
  }
  return "?";
}

std::string list(const std::vector<generators::ExpectedViolation>& violations) {
  std::string out = "[";
  for (const auto& v : violations) {
    out += (out.size() > 1 ? ", " : "") + v.member + ":" +
           std::string(validators::to_string(v.constraint));
  }
  return out + "]";
}

std::vector<generators::ExpectedViolation> labels_of(const std::vector<validators::Violation>& vs) {
  std::vector<generators::ExpectedViolation> out;
  for (const auto& v : vs) out.push_back({v.member, v.constraint});
  return out;
}

}  // namespace

const std::vector<std::string>& model_names() {
  static const std::vector<std::string> names = {"ListParticipantEvents", "ListWidgets"};
  return names;
}

const ModelUnderTest& model_named(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, ModelUnderTest> cache;
  std::lock_guard lock(mutex);
  if (const auto it = cache.find(name); it != cache.end()) return it->second;
  std::shared_ptr<const spec::Model> model;
  if (name == "ListParticipantEvents") {
    model = spec::Model::bundled();
  } else if (name == "ListWidgets") {
    auto loaded = spec::Model::load_file(LPE_WIDGETS_MODEL);
    if (!loaded) die(loaded.error().to_string());
    model = std::move(*loaded);
  } else {
    die("no model named " + name);
  }
  return cache.emplace(name, build(name, std::move(model))).first->second;
}

std::string model_test_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

std::string verdict_mismatch(const generators::LabelledRequest& request,
                             const validators::RequestVerdict& verdict) {
  const auto& e = request.expected;
  std::ostringstream out;
  if (verdict.outcome != e.outcome) {
    out << "outcome: got " << outcome_name(verdict.outcome) << ", labelled "
        << outcome_name(e.outcome) << "\n";
  }
  if (verdict.status != e.status)
    out << "status: got " << verdict.status << ", labelled " << e.status << "\n";
  if (verdict.error_type != e.error_type) {
    out << "error type: got '" << verdict.error_type << "', labelled '" << e.error_type << "'\n";
  }
  const auto got = labels_of(verdict.violations);
  if (got != e.violations)
    out << "violations: got " << list(got) << ", labelled " << list(e.violations) << "\n";
  if (e.outcome == validators::Outcome::kValidationError && verdict.message != e.message) {
    out << "message:\n  got      " << verdict.message << "\n  labelled " << e.message << "\n";
  }
  if (e.outcome == validators::Outcome::kSerializationError && verdict.message.empty()) {
    out << "message: a serialization error needs a reason\n";
  }
  if (e.decoded && verdict.accepted() && verdict.decoded != *e.decoded) {
    out << "decoded:\n  got      " << verdict.decoded.dump() << "\n  labelled " << e.decoded->dump()
        << "\n";
  }
  if (!out.str().empty() && verdict.outcome != validators::Outcome::kValidationError) {
    out << "validator message: " << verdict.message << "\n";
  }
  return out.str();
}

std::string verdict_difference(const validators::RequestVerdict& a,
                               const validators::RequestVerdict& b) {
  std::ostringstream out;
  if (a.outcome != b.outcome)
    out << "outcome: " << outcome_name(a.outcome) << " vs " << outcome_name(b.outcome) << "\n";
  if (a.status != b.status) out << "status: " << a.status << " vs " << b.status << "\n";
  if (a.error_type != b.error_type)
    out << "error type: " << a.error_type << " vs " << b.error_type << "\n";
  const bool both_serialization = a.outcome == validators::Outcome::kSerializationError &&
                                  b.outcome == validators::Outcome::kSerializationError;
  if (!both_serialization) {
    if (a.message != b.message) out << "message:\n  " << a.message << "\n  " << b.message << "\n";
    if (labels_of(a.violations) != labels_of(b.violations)) {
      out << "violations: " << list(labels_of(a.violations)) << " vs "
          << list(labels_of(b.violations)) << "\n";
    }
    if (a.decoded != b.decoded)
      out << "decoded:\n  " << a.decoded.dump() << "\n  " << b.decoded.dump() << "\n";
  }
  if (!out.str().empty() && (a.outcome != b.outcome)) {
    out << "messages:\n  " << a.message << "\n  " << b.message << "\n";
  }
  return out.str();
}

rc::Gen<generators::LabelledRequest> any_request(const ModelUnderTest& m) {
  return rc::gen::oneOf(m.requests->valid_request(), m.requests->unusual_valid_request(),
                        m.requests->validation_error_request(),
                        m.requests->serialization_error_request());
}

}  // namespace lpe::properties
