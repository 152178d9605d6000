#include "spec/spec.h"

#include <re2/re2.h>

#include "spec/derive.h"
#include "spec/internal/model_builder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

namespace lpe::spec {
namespace {

constexpr std::string_view kBundledModelName =
    "<bundled>/ivs-realtime-list-participant-events.json";
constexpr std::string_view kBundledOverlayName = "<bundled>/lpe-overlay.json";
constexpr std::string_view kBundledErrorsName = "<bundled>/aws-common-errors.json";

}  // namespace

const Member* Shape::member(std::string_view member_name) const {
  const int m = find_member(member_name);
  return m < 0 ? nullptr : &members[static_cast<size_t>(m)];
}

std::string_view Shape::name() const {
  const auto hash = id.find('#');
  return hash == std::string::npos ? std::string_view(id) : std::string_view(id).substr(hash + 1);
}

std::string ModelError::to_string() const {
  std::string out = file.empty() ? "model" : file;
  out += ": ";
  if (!pointer.empty()) out += "at " + pointer + ": ";
  out += message;
  return out;
}

const Shape* OperationView::find_error(std::string_view error_name) const {
  for (const auto* list : {&declared_errors, &protocol_errors}) {
    for (const Shape* e : *list) {
      if (e->name() == error_name) return e;
    }
  }
  return nullptr;
}

std::optional<int64_t> OperationView::default_page_size() const {
  if (operation == nullptr || !operation->paginated || input == nullptr) return std::nullopt;
  const Member* m = input->member(operation->paginated->page_size);
  if (m == nullptr) return std::nullopt;
  if (m->default_value && m->default_value->is_number_integer()) {
    return m->default_value->get<int64_t>();
  }
  return m->documented_default;
}

std::string ContractInfo::summary() const {
  std::string out = origin == "bundled" ? "bundled model" : "model";
  for (const auto& s : sources) {
    out += (&s == &sources.front() ? ": " : " + ") + s.role + " " + s.name + " (sha256 " +
           s.sha256.substr(0, 12) + ")";
  }
  if (derived_from.is_object()) {
    out += "; derived from " + derived_from.value("repository", std::string()) + "@" +
           derived_from.value("commit", std::string()) + " " +
           derived_from.value("path", std::string()) + " (sha256 " +
           derived_from.value("sha256", std::string()).substr(0, 12) + ")";
  }
  return out;
}

nlohmann::ordered_json ContractInfo::to_json() const {
  auto files = nlohmann::ordered_json::array();
  for (const auto& s : sources) {
    files.push_back({{"name", s.name}, {"role", s.role}, {"sha256", s.sha256}});
  }
  nlohmann::ordered_json out = {{"origin", origin}, {"files", std::move(files)}};
  if (derived_from.is_object()) out["derivedFrom"] = derived_from;
  return out;
}

Result<std::shared_ptr<const Model>, ModelError> Model::load(const std::vector<Source>& sources) {
  auto model = std::make_shared<Model>();
  ModelBuilder builder(*model);
  model->contract_.origin = "file";
  for (const auto& s : sources) {
    model->contract_.sources.push_back({s.name, s.role, sha256_hex(s.text)});
    if (s.name.rfind("<bundled>/", 0) == 0 && s.role == "model") {
      model->contract_.origin = "bundled";
    }
  }
  try {
    for (const auto& s : sources) builder.add_document(s);
    builder.resolve();
  } catch (const ModelBuilder::LoadFailure& f) {
    return ModelError{builder.current_file(), f.pointer, f.message};
  } catch (const std::exception& e) {
    return ModelError{builder.current_file(), "", std::string("cannot load: ") + e.what()};
  }
  auto& files = model->contract_.sources;
  files.erase(std::remove_if(files.begin(), files.end(),
                             [&](const ContractSource& f) {
                               return builder.dropped_files_.count(f.name) != 0;
                             }),
              files.end());
  return std::shared_ptr<const Model>(std::move(model));
}

std::shared_ptr<const Model> Model::bundled() {
  static const std::shared_ptr<const Model> model = [] {
    auto loaded =
        load({{std::string(kBundledModelName), std::string(bundled_operation_model())},
              {std::string(kBundledOverlayName), std::string(bundled_overlay_model()), "overlay"},
              {std::string(kBundledErrorsName), std::string(bundled_protocol_errors_model()),
               "protocol errors"}});
    if (!loaded) {
      // The bundled model is checked by the tests; failing here means a broken build.
      std::fprintf(stderr, "lpe: bundled model is invalid: %s\n",
                   loaded.error().to_string().c_str());
      std::abort();
    }
    return *loaded;
  }();
  return model;
}

namespace {

std::optional<std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

}  // namespace

Result<std::shared_ptr<const Model>, ModelError> Model::load_file(
    const std::string& path, const std::vector<std::string>& overlay_paths) {
  const auto text = read_whole_file(path);
  if (!text) return ModelError{path, "", "cannot open or read the model file"};
  std::vector<Source> sources{{path, *text}};
  if (overlay_paths.empty()) {
    // AWS's published model and our derived one share their shape ids; other models do not.
    sources.push_back({std::string(kBundledOverlayName), std::string(bundled_overlay_model()),
                       "overlay", /*only_if_it_fits=*/true});
  } else {
    for (const auto& overlay : overlay_paths) {
      const auto overlay_text = read_whole_file(overlay);
      if (!overlay_text) return ModelError{overlay, "", "cannot open or read the overlay file"};
      sources.push_back({overlay, *overlay_text, "overlay"});
    }
  }
  // The protocol errors come along unless the user's file defines them itself.
  if (text->find("aws.protocols.common#SerializationException") == std::string::npos) {
    sources.push_back({std::string(kBundledErrorsName),
                       std::string(bundled_protocol_errors_model()), "protocol errors"});
  }
  return load(sources);
}

const Shape* Model::find(std::string_view id) const {
  const auto it = shapes_.find(id);
  return it == shapes_.end() ? nullptr : &it->second;
}

std::vector<std::string> Model::operation_names() const {
  std::vector<std::string> out;
  for (const auto& [id, s] : shapes_) {
    if (s.type == ShapeType::kOperation) out.emplace_back(s.name());
  }
  return out;
}

Result<OperationView> Model::operation(std::string_view wanted) const {
  const Shape* op = nullptr;
  size_t count = 0;
  std::string paginated;
  for (const auto& [id, s] : shapes_) {
    if (s.type != ShapeType::kOperation) continue;
    ++count;
    if (s.paginated) paginated += (paginated.empty() ? "" : ", ") + std::string(s.name());
    if (wanted.empty() || s.name() == wanted || s.id == wanted) {
      if (op != nullptr && !wanted.empty()) {
        return fail("operation name '" + std::string(wanted) +
                    "' is ambiguous; use its absolute id");
      }
      if (op == nullptr) op = &s;
    }
  }
  if (wanted.empty() && count > 1) {
    return fail("the model defines " + std::to_string(count) +
                " operations; choose one with --operation (paginated: " +
                (paginated.empty() ? std::string("none") : paginated) + ")");
  }
  if (op == nullptr) {
    if (wanted.empty()) return fail("the model defines no operation");
    std::string known;
    for (const auto& n : operation_names()) known += (known.empty() ? "" : ", ") + n;
    return fail("no operation '" + std::string(wanted) + "' in the model (has: " + known + ")");
  }
  if (op->paginated && op->paginated->items.empty() && !op->paginated->items_problem.empty()) {
    return fail(op->paginated->items_problem);
  }
  OperationView view;
  view.operation = op;
  view.input = op->input;
  view.output = op->output;
  view.declared_errors = op->errors;
  if (const auto bound = service_of_.find(op->id); bound != service_of_.end()) {
    const Shape& s = *bound->second;
    view.service = &s;
    for (const Shape* e : s.errors) {
      if (std::find(view.declared_errors.begin(), view.declared_errors.end(), e) ==
          view.declared_errors.end()) {
        view.declared_errors.push_back(e);
      }
    }
    if (const auto sig = s.traits.find("aws.auth#sigv4");
        sig != s.traits.end() && sig->is_object()) {
      if (const auto n = sig->find("name"); n != sig->end() && n->is_string()) {
        view.sigv4_name = n->get<std::string>();
      }
    }
    if (const auto svc = s.traits.find("aws.api#service");
        svc != s.traits.end() && svc->is_object()) {
      if (const auto n = svc->find("endpointPrefix"); n != svc->end() && n->is_string()) {
        view.endpoint_prefix = n->get<std::string>();
      }
    }
  }
  view.protocol_errors = protocol_errors_;
  if (view.input != nullptr) {
    const auto scope = op->traits.find("lpe.conformance#listScope");
    if (scope != op->traits.end()) {
      for (const auto& name : scope->at("members"))
        view.list_scope.push_back(view.input->member(name.get<std::string>()));
    } else {
      for (const auto& m : view.input->members) {
        if (m.required && m.target->type == ShapeType::kString) view.list_scope.push_back(&m);
      }
    }
  }
  return view;
}

}  // namespace lpe::spec
