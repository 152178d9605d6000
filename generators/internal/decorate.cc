#include "generators/internal/decorate.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace lpe::generators::internal {

TextStyle draw_style(uint32_t plain_weight) {
  TextStyle style;
  style.spacing = static_cast<TextStyle::Spacing>(*choice({plain_weight, 1, 1, 2}));
  style.random_escapes = *chance(1, 4);
  style.escape_non_ascii = *chance(1, 8);
  if (style.spacing == TextStyle::Spacing::kRandom || style.random_escapes) {
    style.seed = *any_seed();
  }
  return style;
}

std::vector<std::string> unknown_names(const ValuePlan& plan) {
  std::vector<std::string> names = {"unknownMember", "newerField", "x",      "_meta", "",
                                    "$schema",       "a.b",        "ünïcode"};
  if (!plan.members.empty() && !plan.members[0]->name.empty()) {
    std::string variant = plan.members[0]->name;
    variant[0] = static_cast<char>(std::isupper(static_cast<unsigned char>(variant[0]))
                                       ? std::tolower(static_cast<unsigned char>(variant[0]))
                                       : std::toupper(static_cast<unsigned char>(variant[0])));
    names.push_back(variant);
  }
  std::erase_if(names, [&](const std::string& n) {
    return std::any_of(plan.members.begin(), plan.members.end(),
                       [&](const ValuePlan* m) { return m->name == n; });
  });
  return names;
}

void shuffle_members(RawJson& object) {
  uint64_t seed = *any_seed();
  for (size_t i = object.members.size() - 1; i > 0; --i) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    std::swap(object.members[i], object.members[(seed >> 33) % (i + 1)]);
  }
}

namespace {

// Optional members (absent so far) written as null, each with probability 1/2.
void add_null_optionals(RawJson& object, const ValuePlan& plan, const DrawOptions& options,
                        int depth, std::vector<std::string>* notes) {
  for (const ValuePlan* m : plan.members) {
    if (m->required || object.find(m->name) != nullptr) continue;
    if (options.omit != nullptr && depth == 0 && options.omit->count(m->name) != 0) continue;
    if (*chance(1, 2)) {
      object.members.emplace_back(m->name, RawJson::null());
      if (notes) notes->push_back("optional '" + m->name + "' null");
    }
  }
}

// One or two members the model does not know, with any JSON value.
void add_unknown_members(RawJson& object, const ValuePlan& plan, std::vector<std::string>* notes) {
  const auto names = unknown_names(plan);
  const size_t n = 1 + *index_below(2);
  for (size_t i = 0; i < n && !names.empty(); ++i) {
    const std::string& name = names[*index_below(names.size())];
    object.members.emplace_back(name, draw_any_json(1));
    if (notes) notes->push_back("unknown member '" + name + "'");
  }
}

// An earlier duplicate of a present member: the reader keeps the last one (R5).
void add_shadowed_duplicate(RawJson& object, const ValuePlan& plan, const DrawOptions& options,
                            int depth, std::vector<std::string>* notes) {
  const size_t at = *index_below(object.members.size());
  const std::string name = object.members[at].first;
  const ValuePlan* member = nullptr;
  for (const ValuePlan* m : plan.members) {
    if (m->name == name) member = m;
  }
  RawJson shadow =
      member != nullptr ? draw_shadow_value(*member, options, depth + 1) : draw_any_json(1);
  object.members.insert(object.members.begin() + static_cast<std::ptrdiff_t>(*index_below(at + 1)),
                        {name, std::move(shadow)});
  if (notes) notes->push_back("duplicate '" + name + "' (last wins)");
}

}  // namespace

void decorate_structure(RawJson& object, const ValuePlan& plan, const DrawOptions& options,
                        int depth, uint32_t odds, std::vector<std::string>* notes) {
  if (*chance(1, odds)) add_null_optionals(object, plan, options, depth, notes);
  if (*chance(1, odds)) add_unknown_members(object, plan, notes);
  if (object.members.size() > 1 && *chance(1, odds)) {
    shuffle_members(object);
    if (notes) notes->push_back("members reordered");
  }
  if (!object.members.empty() && *chance(1, odds)) {
    add_shadowed_duplicate(object, plan, options, depth, notes);
  }
}

RawJson decorate(const ValuePlan& plan, const nlohmann::ordered_json& value,
                 const DrawOptions& options, int depth, std::vector<std::string>* notes) {
  if (plan.is_structure() && value.is_object()) {
    RawJson out = RawJson::object();
    for (const ValuePlan* m : plan.members) {
      if (const auto it = value.find(m->name); it != value.end()) {
        out.members.emplace_back(m->name, decorate(*m, *it, options, depth + 1, notes));
      }
    }
    decorate_structure(out, plan, options, depth, depth == 0 ? 2 : 4, notes);
    return out;
  }
  if (plan.is_list() && value.is_array()) {
    RawJson out = RawJson::array();
    for (const auto& item : value)
      out.items.push_back(decorate(*plan.members[0], item, options, depth + 1, notes));
    return out;
  }
  if (plan.is_map() && value.is_object()) {
    RawJson out = RawJson::object();
    for (const auto& [key, item] : value.items()) {
      out.members.emplace_back(key, decorate(*plan.members[1], item, options, depth + 1, notes));
    }
    return out;
  }
  return RawJson::from_json(value);
}

}  // namespace lpe::generators::internal
