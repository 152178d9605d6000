#include "spec/derive.h"

#include <openssl/evp.h>

#include <array>
#include <deque>
#include <set>

namespace lpe::spec {
namespace {

using Json = nlohmann::ordered_json;

// Traits that carry prose or SDK endpoint resolution, not the contract: dropped from the bundle.
constexpr std::array<std::string_view, 4> kDroppedTraits = {
    "smithy.api#documentation",
    "smithy.api#examples",
    "smithy.rules#endpointRuleSet",
    "smithy.rules#endpointTests",
};

bool dropped(std::string_view trait) {
  for (const auto t : kDroppedTraits) {
    if (t == trait) return true;
  }
  return false;
}

bool is_prelude(std::string_view id) { return id.rfind("smithy.api#", 0) == 0; }

std::string simple_name(std::string_view id) {
  const auto hash = id.find('#');
  return std::string(hash == std::string_view::npos ? id : id.substr(hash + 1));
}

// A copy of a traits object without the dropped traits (an empty object stays empty).
Json kept_traits(const Json& traits) {
  Json out = Json::object();
  for (const auto& [k, v] : traits.items()) {
    if (!dropped(k)) out[k] = v;
  }
  return out;
}

// A member reference {"target", "traits"} with the dropped traits removed.
Json kept_member(const Json& ref) {
  Json out = Json::object();
  for (const auto& [k, v] : ref.items()) {
    if (k == "traits") {
      Json t = kept_traits(v);
      if (!t.empty()) out[k] = std::move(t);
    } else {
      out[k] = v;
    }
  }
  return out;
}

// The shape ids a shape refers to (members, input/output, errors).
std::vector<std::string> references(const Json& shape) {
  std::vector<std::string> out;
  const auto add_ref = [&](const Json& ref) {
    if (ref.is_object()) {
      if (const auto t = ref.find("target"); t != ref.end() && t->is_string()) {
        out.push_back(t->get<std::string>());
      }
    }
  };
  for (const char* key : {"input", "output", "member", "key", "value"}) {
    if (const auto it = shape.find(key); it != shape.end()) add_ref(*it);
  }
  if (const auto it = shape.find("errors"); it != shape.end() && it->is_array()) {
    for (const auto& e : *it) add_ref(e);
  }
  if (const auto it = shape.find("members"); it != shape.end() && it->is_object()) {
    for (const auto& [name, ref] : it->items()) add_ref(ref);
  }
  return out;
}

bool binds_operation(const Json& shapes, const Json& container, const std::string& op_id,
                     int depth) {
  if (depth > 32 || !container.is_object()) return false;
  for (const char* key : {"operations", "collectionOperations"}) {
    if (const auto it = container.find(key); it != container.end() && it->is_array()) {
      for (const auto& ref : *it) {
        if (ref.is_object() && ref.value("target", "") == op_id) return true;
      }
    }
  }
  for (const char* key : {"create", "put", "read", "update", "delete", "list"}) {
    if (const auto it = container.find(key); it != container.end() && it->is_object()) {
      if (it->value("target", "") == op_id) return true;
    }
  }
  if (const auto it = container.find("resources"); it != container.end() && it->is_array()) {
    for (const auto& ref : *it) {
      const std::string rid = ref.is_object() ? ref.value("target", "") : "";
      const auto r = shapes.find(rid);
      if (r != shapes.end() && binds_operation(shapes, *r, op_id, depth + 1)) return true;
    }
  }
  return false;
}

// The shapes of the derived model: those in `keep`, with only the traits we keep, and the service
// reduced to the one operation.
Json kept_shapes(const Json& shapes, const std::set<std::string>& keep, const std::string& op_id,
                 const std::string& service_id) {
  Json out_shapes = Json::object();
  for (const auto& [id, shape] : shapes.items()) {
    if (id == service_id) {
      Json s = Json::object();
      s["type"] = "service";
      if (shape.contains("version")) s["version"] = shape["version"];
      s["operations"] = Json::array({Json{{"target", op_id}}});
      if (shape.contains("errors")) s["errors"] = shape["errors"];
      if (shape.contains("traits")) s["traits"] = kept_traits(shape["traits"]);
      out_shapes[id] = std::move(s);
      continue;
    }
    if (keep.count(id) == 0) continue;
    Json s = Json::object();
    for (const auto& [k, v] : shape.items()) {
      if (k == "traits") {
        Json t = kept_traits(v);
        if (!t.empty()) s[k] = std::move(t);
      } else if (k == "members" && v.is_object()) {
        Json members = Json::object();
        for (const auto& [name, ref] : v.items()) members[name] = kept_member(ref);
        s[k] = std::move(members);
      } else if ((k == "member" || k == "key" || k == "value") && v.is_object()) {
        s[k] = kept_member(v);
      } else {
        s[k] = v;
      }
    }
    out_shapes[id] = std::move(s);
  }

  return out_shapes;
}

// The `lpe.derivedFrom` metadata: where the AWS model came from and what was dropped.
Json derivation_metadata(std::string_view aws_model_text, const DeriveSource& source,
                         const std::string& op_id, const std::string& service_id) {
  Json provenance = Json::object();
  provenance["repository"] = source.repository;
  provenance["path"] = source.path;
  provenance["commit"] = source.commit;
  provenance["sha256"] = sha256_hex(aws_model_text);
  provenance["operation"] = op_id;
  provenance["service"] = service_id;
  provenance["droppedTraits"] = Json::array();
  for (const auto t : kDroppedTraits) provenance["droppedTraits"].push_back(std::string(t));
  provenance["tool"] = "scripts/refresh-model.sh (spec/derive.cc)";

  return provenance;
}

}  // namespace

Result<nlohmann::ordered_json> derive_operation_model(std::string_view aws_model_text,
                                                      std::string_view operation,
                                                      const DeriveSource& source) {
  Json doc;
  try {
    doc = Json::parse(aws_model_text);
  } catch (const Json::parse_error& e) {
    return fail(std::string("the AWS model is not valid JSON: ") + e.what());
  }
  if (!doc.is_object() || !doc.contains("shapes") || !doc["shapes"].is_object()) {
    return fail("the AWS model has no \"shapes\" object");
  }
  const Json& shapes = doc["shapes"];
  // The operation, by simple name or absolute id.
  std::string op_id;
  for (const auto& [id, shape] : shapes.items()) {
    if (!shape.is_object() || shape.value("type", "") != "operation") continue;
    if (id == operation || simple_name(id) == operation) {
      if (!op_id.empty()) {
        return fail("operation '" + std::string(operation) + "' is ambiguous; use its absolute id");
      }
      op_id = id;
    }
  }
  if (op_id.empty()) return fail("no operation '" + std::string(operation) + "' in the AWS model");
  std::string service_id;
  for (const auto& [id, shape] : shapes.items()) {
    if (shape.is_object() && shape.value("type", "") == "service" &&
        binds_operation(shapes, shape, op_id, 0)) {
      service_id = id;
      break;
    }
  }

  // The closure of the operation (and of the service's own errors).
  std::set<std::string> keep{op_id};
  std::deque<std::string> queue{op_id};
  if (!service_id.empty()) {
    for (const auto& e : references(shapes[service_id])) queue.push_back(e);
  }
  while (!queue.empty()) {
    const std::string id = queue.front();
    queue.pop_front();
    if (is_prelude(id)) continue;
    const auto it = shapes.find(id);
    if (it == shapes.end()) return fail("unresolved target '" + id + "' in the AWS model");
    keep.insert(id);
    for (auto& ref : references(*it)) {
      if (!is_prelude(ref) && keep.insert(ref).second) queue.push_back(std::move(ref));
    }
  }

  Json out = Json::object();
  out["smithy"] = doc.value("smithy", "2.0");
  out["metadata"] = Json::object();
  out["metadata"][std::string(kDerivedFromKey)] =
      derivation_metadata(aws_model_text, source, op_id, service_id);
  out["shapes"] = kept_shapes(shapes, keep, op_id, service_id);
  return out;
}

std::string serialize_derived_model(const nlohmann::ordered_json& document) {
  return document.dump(2) + "\n";
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace lpe::spec
