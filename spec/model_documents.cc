// The model loader: reading documents, applies and overlays, resolving references (see
// model_builder.h).
#include "spec/internal/model_builder.h"

#include <algorithm>

namespace lpe::spec {
namespace {

constexpr std::string_view kPrelude = "smithy.api#";

// Prelude simple shapes (smithy.api#String, ...) and whether they carry a zero default.
struct PreludeShape {
  std::string_view name;
  ShapeType type;
  bool primitive;
};

constexpr PreludeShape kPreludeShapes[] = {
    {"String", ShapeType::kString, false},
    {"Blob", ShapeType::kBlob, false},
    {"Boolean", ShapeType::kBoolean, false},
    {"Byte", ShapeType::kByte, false},
    {"Short", ShapeType::kShort, false},
    {"Integer", ShapeType::kInteger, false},
    {"Long", ShapeType::kLong, false},
    {"Float", ShapeType::kFloat, false},
    {"Double", ShapeType::kDouble, false},
    {"BigInteger", ShapeType::kBigInteger, false},
    {"BigDecimal", ShapeType::kBigDecimal, false},
    {"Timestamp", ShapeType::kTimestamp, false},
    {"Document", ShapeType::kDocument, false},
    {"Unit", ShapeType::kUnit, false},
    {"PrimitiveBoolean", ShapeType::kBoolean, true},
    {"PrimitiveByte", ShapeType::kByte, true},
    {"PrimitiveShort", ShapeType::kShort, true},
    {"PrimitiveInteger", ShapeType::kInteger, true},
    {"PrimitiveLong", ShapeType::kLong, true},
    {"PrimitiveFloat", ShapeType::kFloat, true},
    {"PrimitiveDouble", ShapeType::kDouble, true},
};

}  // namespace

void ModelBuilder::add_document(const Model::Source& source) {
  current_file_ = source.name;
  only_if_it_fits_ = source.only_if_it_fits;
  Json doc;
  try {
    doc = Json::parse(source.text);
  } catch (const Json::parse_error& e) {
    fail("", "not valid JSON (" + line_column(source.text, e.byte == 0 ? 0 : e.byte - 1) +
                 "): " + strip_nlohmann_prefix(e.what()));
  }
  if (!doc.is_object()) fail("", "a Smithy JSON AST document must be a JSON object");
  const auto smithy = doc.find("smithy");
  if (smithy == doc.end() || !smithy->is_string()) {
    fail("/smithy", "missing the \"smithy\" version string (expected \"2.0\")");
  }
  const std::string version = smithy->get<std::string>();
  if (version != "2.0" && version != "2" && version != "1.0" && version != "1") {
    fail("/smithy", "unsupported Smithy version '" + version + "' (expected \"2.0\" or \"1.0\")");
  }
  if (const auto meta = doc.find("metadata"); meta != doc.end()) {
    if (!meta->is_object()) fail("/metadata", "metadata must be an object");
    if (const auto d = meta->find("lpe.derivedFrom"); d != meta->end() && d->is_object()) {
      model_.contract_.derived_from = *d;
    }
    if (const auto pe = meta->find("lpe.protocolErrors"); pe != meta->end()) {
      if (!pe->is_array()) fail("/metadata/lpe.protocolErrors", "must be an array of shape ids");
      for (size_t i = 0; i < pe->size(); ++i) {
        const auto& id = (*pe)[i];
        if (!id.is_string()) {
          fail("/metadata/lpe.protocolErrors/" + std::to_string(i), "must be a shape id string");
        }
        protocol_error_ids_.push_back({current_file_,
                                       "/metadata/lpe.protocolErrors/" + std::to_string(i),
                                       id.get<std::string>()});
      }
    }
  }
  const auto shapes = doc.find("shapes");
  if (shapes == doc.end()) return;  // a document may hold only metadata
  if (!shapes->is_object()) fail("/shapes", "\"shapes\" must be an object of shape id -> shape");
  for (const auto& [id, body] : shapes->items()) {
    const std::string ptr = "/shapes/" + escape_pointer_token(id);
    if (!body.is_object()) fail(ptr, "a shape must be a JSON object");
    const auto type_it = body.find("type");
    if (type_it == body.end() || !type_it->is_string()) {
      fail(ptr + "/type", "missing the shape \"type\"");
    }
    const std::string type_name = type_it->get<std::string>();
    if (type_name == "apply") {
      // "ns#Shape" or "ns#Shape$member" (Smithy apply to a member).
      const auto dollar = id.find('$');
      const std::string shape_id = id.substr(0, dollar);
      const std::string member =
          dollar == std::string::npos ? std::string() : id.substr(dollar + 1);
      if (!is_absolute_shape_id(shape_id) ||
          (dollar != std::string::npos && !is_identifier(member))) {
        fail(ptr, "'" + id + "' is not an absolute shape id (namespace#Name[$member])");
      }
      applies_.push_back({current_file_, ptr, shape_id, member, body, only_if_it_fits_});
      continue;
    }
    if (!is_absolute_shape_id(id)) {
      fail(ptr, "'" + id + "' is not an absolute shape id (namespace#Name)");
    }
    const auto type = parse_type(type_name);
    if (!type) fail(ptr + "/type", "unknown shape type '" + type_name + "'");
    if (model_.shapes_.count(id) != 0) {
      fail(ptr, "shape '" + id + "' is defined twice (also in " + origin_[id] + ")");
    }
    Shape& shape = model_.shapes_[id];
    shape.id = id;
    shape.type = *type;
    origin_[id] = current_file_;
    pending_.push_back({current_file_, ptr, &shape, body});
  }
}

void ModelBuilder::resolve() {
  add_prelude();
  drop_overlays_that_do_not_fit();
  for (const auto& a : applies_) {
    current_file_ = a.file;
    const auto pending = std::find_if(pending_.begin(), pending_.end(),
                                      [&](const Pending& p) { return p.shape->id == a.id; });
    if (pending == pending_.end()) {
      fail(a.pointer, "apply targets unknown shape '" + a.id + "'");
    }
    if (!a.member.empty()) {
      const auto members = pending->body.find("members");
      const bool element = pending->body.contains(a.member) &&
                           (a.member == "member" || a.member == "key" || a.member == "value");
      if (!element && (members == pending->body.end() || !members->is_object() ||
                       !members->contains(a.member))) {
        fail(a.pointer, "apply targets unknown member '" + a.member + "' of '" + a.id + "'");
      }
    }
    const auto traits = a.body.find("traits");
    if (traits == a.body.end()) continue;
    if (!traits->is_object()) fail(a.pointer + "/traits", "traits must be an object");
    Json& into = a.member.empty() ? apply_traits_[a.id] : apply_member_traits_[a.id][a.member];
    for (const auto& [k, v] : traits->items()) {
      merge_applied_trait(into, k, v, a.pointer + "/traits/" + escape_pointer_token(k));
    }
    applied_from_[a.id + (a.member.empty() ? "" : "$" + a.member)] = a.file;
  }
  // Traits first (members need their targets' constraints), then members and references.
  for (auto& p : pending_) {
    current_file_ = p.file;
    Json traits = Json::object();
    if (const auto t = p.body.find("traits"); t != p.body.end()) {
      if (!t->is_object()) fail(p.pointer + "/traits", "traits must be an object");
      traits = *t;
    }
    if (const auto a = apply_traits_.find(p.shape->id); a != apply_traits_.end()) {
      for (const auto& [k, v] : a->second.items()) {
        merge_applied_trait(traits, k, v, p.pointer + "/traits/" + escape_pointer_token(k));
      }
    }
    p.shape->traits = traits;
    read_shape_traits(*p.shape, traits, p.pointer + "/traits");
  }
  for (auto& p : pending_) {
    current_file_ = p.file;
    resolve_shape(*p.shape, p.body, p.pointer);
  }
  for (auto& p : pending_) {
    current_file_ = p.file;
    if (p.shape->type == ShapeType::kOperation) check_operation(*p.shape, p.pointer);
  }
  for (const auto& pe : protocol_error_ids_) {
    current_file_ = pe.file;
    const Shape* s = model_.find(pe.id);
    if (s == nullptr) fail(pe.pointer, "unresolved protocol error '" + pe.id + "'");
    if (!s->error) fail(pe.pointer, "'" + pe.id + "' has no smithy.api#error trait");
    model_.protocol_errors_.push_back(s);
  }
  for (const auto& [sid, service] : model_.shapes_) {
    if (service.type != ShapeType::kService) continue;
    for (const auto& [oid, op] : model_.shapes_) {
      if (op.type == ShapeType::kOperation && binds(service, op)) {
        model_.service_of_.emplace(oid, &service);
      }
    }
  }
}

void ModelBuilder::drop_overlays_that_do_not_fit() {
  for (const auto& a : applies_) {
    if (a.only_if_it_fits && model_.shapes_.count(a.id) == 0) dropped_files_.insert(a.file);
  }
  applies_.erase(std::remove_if(applies_.begin(), applies_.end(),
                                [&](const Apply& a) { return dropped_files_.count(a.file) != 0; }),
                 applies_.end());
}

void ModelBuilder::merge_applied_trait(Json& traits, const std::string& name, const Json& value,
                                       const std::string& ptr) {
  const auto it = traits.find(name);
  if (it == traits.end()) {
    traits[name] = value;
  } else if (*it == value) {
    return;
  } else if (it->is_array() && value.is_array()) {
    for (const auto& v : value) it->push_back(v);
  } else {
    fail(ptr, "applied trait '" + name + "' conflicts with the value the shape already has (" +
                  it->dump().substr(0, 80) + " vs " + value.dump().substr(0, 80) + ")");
  }
}

void ModelBuilder::add_prelude() {
  for (const auto& p : kPreludeShapes) {
    std::string id = std::string(kPrelude) + std::string(p.name);
    if (model_.shapes_.count(id) != 0) continue;
    Shape& s = model_.shapes_[id];
    s.id = id;
    s.type = p.type;
    if (p.primitive) {
      s.traits["smithy.api#default"] = p.type == ShapeType::kBoolean ? Json(false) : Json(0);
    }
  }
}

Shape* ModelBuilder::find_mutable(std::string_view id) {
  const auto it = model_.shapes_.find(id);
  return it == model_.shapes_.end() ? nullptr : &it->second;
}

const Shape& ModelBuilder::resolve_target(const Json& ref, const std::string& ptr) {
  if (!ref.is_object()) fail(ptr, "a shape reference must be an object {\"target\": id}");
  const auto t = ref.find("target");
  if (t == ref.end() || !t->is_string()) fail(ptr + "/target", "missing \"target\" shape id");
  const std::string id = t->get<std::string>();
  const Shape* s = find_mutable(id);
  if (s == nullptr) fail(ptr + "/target", "unresolved target '" + id + "'");
  return *s;
}

std::vector<const Shape*> ModelBuilder::resolve_refs(const Json& body, const char* key,
                                                     const std::string& ptr,
                                                     std::optional<ShapeType> expected) {
  std::vector<const Shape*> out;
  const auto it = body.find(key);
  if (it == body.end()) return out;
  const std::string kptr = ptr + "/" + key;
  if (!it->is_array()) fail(kptr, std::string(key) + " must be an array of shape references");
  for (size_t i = 0; i < it->size(); ++i) {
    const std::string iptr = kptr + "/" + std::to_string(i);
    const Shape& s = resolve_target((*it)[i], iptr);
    if (expected && s.type != *expected) {
      fail(iptr + "/target", "'" + s.id + "' is a " + std::string(to_string(s.type)) +
                                 ", expected a " + std::string(to_string(*expected)));
    }
    out.push_back(&s);
  }
  return out;
}

const Shape* ModelBuilder::resolve_single(const Json& body, const char* key,
                                          const std::string& ptr) {
  const auto it = body.find(key);
  if (it == body.end()) return nullptr;
  return &resolve_target(*it, ptr + "/" + key);
}

bool ModelBuilder::binds(const Shape& container, const Shape& op, int depth) const {
  if (depth > 64) return false;
  if (std::find(container.operations.begin(), container.operations.end(), &op) !=
      container.operations.end()) {
    return true;
  }
  const auto r = resources_.find(container.id);
  if (r == resources_.end()) return false;
  return std::any_of(r->second.begin(), r->second.end(),
                     [&](const Shape* res) { return binds(*res, op, depth + 1); });
}

}  // namespace lpe::spec
