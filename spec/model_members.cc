// The model loader: shapes and their members (see model_builder.h).
#include "spec/internal/model_builder.h"

#include <algorithm>

namespace lpe::spec {
void ModelBuilder::resolve_shape(Shape& s, const Json& body, const std::string& ptr) {
  switch (s.type) {
    case ShapeType::kStructure:
    case ShapeType::kUnion:
    case ShapeType::kEnum:
    case ShapeType::kIntEnum:
      resolve_named_members(s, body, ptr);
      break;
    case ShapeType::kList:
    case ShapeType::kSet: {
      const auto member = body.find("member");
      if (member == body.end()) fail(ptr + "/member", "a list needs a member");
      current_shape_ = &s;
      s.members.push_back(make_member("member", *member, ptr + "/member"));
      current_shape_ = nullptr;
      break;
    }
    case ShapeType::kMap: {
      const auto key = body.find("key");
      const auto value = body.find("value");
      if (key == body.end()) fail(ptr + "/key", "a map needs a key");
      if (value == body.end()) fail(ptr + "/value", "a map needs a value");
      current_shape_ = &s;
      s.members.push_back(make_member("key", *key, ptr + "/key"));
      const ShapeType kt = s.members.back().target->type;
      if (kt != ShapeType::kString && kt != ShapeType::kEnum) {
        fail(ptr + "/key/target", "a map key must target a string or enum");
      }
      s.members.push_back(make_member("value", *value, ptr + "/value"));
      current_shape_ = nullptr;
      break;
    }
    case ShapeType::kOperation: {
      s.input = resolve_single(body, "input", ptr);
      s.output = resolve_single(body, "output", ptr);
      for (const Shape* io : {s.input, s.output}) {
        if (io != nullptr && io->type != ShapeType::kStructure && io->type != ShapeType::kUnit) {
          fail(ptr, "operation input/output '" + io->id + "' must be a structure");
        }
      }
      s.errors = resolve_refs(body, "errors", ptr, ShapeType::kStructure);
      for (size_t i = 0; i < s.errors.size(); ++i) {
        if (!s.errors[i]->error) {
          fail(ptr + "/errors/" + std::to_string(i) + "/target",
               "'" + s.errors[i]->id + "' has no smithy.api#error trait");
        }
      }
      break;
    }
    case ShapeType::kService:
    case ShapeType::kResource: {
      s.operations = resolve_refs(body, "operations", ptr, ShapeType::kOperation);
      for (const char* key : {"create", "put", "read", "update", "delete", "list"}) {
        if (const Shape* op = resolve_single(body, key, ptr)) s.operations.push_back(op);
      }
      for (const Shape* op :
           resolve_refs(body, "collectionOperations", ptr, ShapeType::kOperation)) {
        s.operations.push_back(op);
      }
      resources_[s.id] = resolve_refs(body, "resources", ptr, ShapeType::kResource);
      s.errors = resolve_refs(body, "errors", ptr, ShapeType::kStructure);
      break;
    }
    default:
      break;
  }
}

void ModelBuilder::resolve_named_members(Shape& s, const Json& body, const std::string& ptr) {
  const bool is_enum = s.type == ShapeType::kEnum || s.type == ShapeType::kIntEnum;
  const auto members = body.find("members");
  if (members == body.end()) {
    if (is_enum) fail(ptr + "/members", "an enum needs members");
    return;
  }
  if (!members->is_object()) fail(ptr + "/members", "members must be an object");
  current_shape_ = &s;
  for (const auto& [name, ref] : members->items()) {
    const std::string mptr = ptr + "/members/" + escape_pointer_token(name);
    if (!is_identifier(name)) fail(mptr, "member name '" + name + "' is not an identifier");
    Member m = make_member(name, ref, mptr);
    if (is_enum) s.enum_values.push_back(enum_value(s.type, m, mptr));
    s.members.push_back(std::move(m));
  }
  current_shape_ = nullptr;
  for (const auto& m : s.members) {
    s.member_keys.push_back({Shape::name_head(m.name), static_cast<uint32_t>(m.name.size())});
  }
  check_overlay_members(s, ptr);
}

EnumValue ModelBuilder::enum_value(ShapeType type, const Member& m, const std::string& ptr) {
  EnumValue ev;
  ev.name = m.name;
  const auto v = m.traits.find("smithy.api#enumValue");
  if (type == ShapeType::kEnum) {
    if (v != m.traits.end() && !v->is_string()) {
      fail(ptr + "/traits/smithy.api#enumValue", "enumValue of an enum must be a string");
    }
    ev.string_value = v != m.traits.end() ? v->get<std::string>() : m.name;
  } else {
    if (v == m.traits.end()) fail(ptr + "/traits", "an intEnum member needs enumValue");
    ev.int_value = read_int(*v, ptr + "/traits/smithy.api#enumValue", "enumValue");
  }
  return ev;
}

Member ModelBuilder::make_member(const std::string& name, const Json& ref, const std::string& ptr) {
  Member m;
  m.name = name;
  const Shape& target = resolve_target(ref, ptr);
  m.target_id = target.id;
  m.target = &target;
  m.constraints = target.constraints;
  if (const auto d = target.traits.find("smithy.api#default"); d != target.traits.end()) {
    m.default_value = *d;
  }
  Json member_traits = Json::object();
  if (const auto t = ref.find("traits"); t != ref.end()) {
    if (!t->is_object()) fail(ptr + "/traits", "traits must be an object");
    member_traits = *t;
  }
  if (current_shape_ != nullptr) {
    if (const auto a = apply_member_traits_.find(current_shape_->id);
        a != apply_member_traits_.end()) {
      if (const auto mt = a->second.find(name); mt != a->second.end()) {
        for (const auto& [k, v] : mt->second.items()) {
          merge_applied_trait(member_traits, k, v, ptr + "/traits/" + escape_pointer_token(k));
        }
      }
    }
  }
  if (!member_traits.empty()) {
    const Json* t = &member_traits;
    m.traits = *t;
    for (const auto& [key, value] : t->items()) {
      const std::string tptr = ptr + "/traits/" + escape_pointer_token(key);
      if (key.find('#') == std::string::npos) {
        fail(tptr, "trait name '" + key + "' must be an absolute shape id");
      }
      if (key == "smithy.api#required") m.required = true;
      if (key == "smithy.api#default") m.default_value = value;
      read_member_binding(m, key, value, tptr);
      read_overlay_member_trait(m, key, value, tptr);
      if (key == "smithy.api#documentation") {
        if (!value.is_string()) fail(tptr, "documentation must be a string");
        m.documentation = value.get<std::string>();
      }
    }
    Constraints own;
    read_constraints(own, *t, ptr + "/traits");
    check_constraints_apply(own, target.type, ptr + "/traits");
    if (own.length) m.constraints.length = own.length;
    if (own.pattern) m.constraints.pattern = own.pattern;
    if (own.range) m.constraints.range = own.range;
    if (own.timestamp_format) m.constraints.timestamp_format = own.timestamp_format;
    if (own.sparse) m.constraints.sparse = true;
  }
  return m;
}

void ModelBuilder::read_member_binding(Member& m, const std::string& key, const Json& value,
                                       const std::string& ptr) {
  static const std::pair<std::string_view, HttpBinding> kBindings[] = {
      {"smithy.api#httpHeader", HttpBinding::kHeader},
      {"smithy.api#httpPrefixHeaders", HttpBinding::kPrefixHeaders},
      {"smithy.api#httpQuery", HttpBinding::kQuery},
      {"smithy.api#httpQueryParams", HttpBinding::kQueryParams},
      {"smithy.api#httpLabel", HttpBinding::kLabel},
      {"smithy.api#httpPayload", HttpBinding::kPayload},
      {"smithy.api#httpResponseCode", HttpBinding::kResponseCode},
  };
  for (const auto& [name, binding] : kBindings) {
    if (key != name) continue;
    m.binding = binding;
    if (binding == HttpBinding::kHeader || binding == HttpBinding::kQuery ||
        binding == HttpBinding::kPrefixHeaders) {
      if (!value.is_string()) fail(ptr, std::string(name) + " needs a string value");
      m.binding_name = value.get<std::string>();
    }
  }
}

void ModelBuilder::read_overlay_member_trait(Member& m, const std::string& key, const Json& value,
                                             const std::string& ptr) {
  if (key == "lpe.conformance#presentWhen") {
    const auto sibling = value.is_object() ? value.find("member") : value.end();
    const auto pattern = value.is_object() ? value.find("pattern") : value.end();
    if (sibling == value.end() || !sibling->is_string() || pattern == value.end() ||
        !pattern->is_string()) {
      fail(ptr, "presentWhen needs {\"member\": name, \"pattern\": regex}");
    }
    Constraints c;
    read_constraints(c, Json{{"smithy.api#pattern", *pattern}}, ptr);
    m.present_when = PresenceRule{sibling->get<std::string>(), std::move(*c.pattern)};
  } else if (key == "lpe.conformance#echoesInput") {
    const auto member = value.is_object() ? value.find("member") : value.end();
    if (member == value.end() || !member->is_string()) {
      fail(ptr, "echoesInput needs {\"member\": input member name}");
    }
    m.echoes_input = member->get<std::string>();
  } else if (key == "lpe.conformance#documentedDefault") {
    m.documented_default = read_int(value, ptr, "documentedDefault");
  }
}

void ModelBuilder::check_overlay_members(const Shape& s, const std::string& ptr) {
  for (const Member& m : s.members) {
    if (!m.present_when) continue;
    const std::string tptr =
        ptr + "/members/" + escape_pointer_token(m.name) + "/traits/lpe.conformance#presentWhen";
    const Member* sibling =
        m.present_when->sibling == m.name ? nullptr : s.member(m.present_when->sibling);
    if (sibling == nullptr || (sibling->target->type != ShapeType::kString &&
                               sibling->target->type != ShapeType::kEnum)) {
      fail(tptr, "presentWhen member '" + m.present_when->sibling + "' is not a string member of " +
                     s.id);
    }
    const auto& values = sibling->target->enum_values;
    if (!values.empty() && std::none_of(values.begin(), values.end(), [&](const EnumValue& v) {
          return pattern_matches(m.present_when->pattern, v.string_value);
        })) {
      fail(tptr, "presentWhen pattern '" + m.present_when->pattern.source +
                     "' matches no value of " + sibling->target->id);
    }
  }
}

}  // namespace lpe::spec
