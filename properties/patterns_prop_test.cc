// Patterns: strings drawn for every patterned member of the operation (input and output, nested
// included) match it under RE2 and under the validator's matcher, within the member's length
// bounds; near misses match under neither, within the same bounds (R1, R2).
#include <re2/re2.h>

#include <set>

#include "generators/pattern.h"
#include "properties/models.h"

namespace lpe::properties {
namespace {

struct PatternedMember {
  std::string path;
  const spec::PatternTrait* trait = nullptr;
  std::shared_ptr<const generators::CompiledPattern> compiled;
  generators::LengthBounds bounds;
};

void collect(const spec::Shape& shape, const std::string& prefix,
             std::set<const spec::Shape*>& seen, std::vector<PatternedMember>& out) {
  if (!seen.insert(&shape).second) return;
  for (const auto& m : shape.members) {
    const std::string path = prefix.empty() ? m.name : prefix + "." + m.name;
    if (m.constraints.pattern) {
      PatternedMember p;
      p.path = path;
      p.trait = &*m.constraints.pattern;
      auto parsed = generators::CompiledPattern::parse(p.trait->source);
      if (!parsed) {
        ADD_FAILURE() << path << ": " << parsed.error().message;
        continue;
      }
      p.compiled = std::make_shared<const generators::CompiledPattern>(std::move(*parsed));
      if (m.constraints.length) {
        p.bounds.min = static_cast<uint64_t>(m.constraints.length->min.value_or(0));
        if (m.constraints.length->max)
          p.bounds.max = static_cast<uint64_t>(*m.constraints.length->max);
      }
      out.push_back(std::move(p));
    }
    collect(*m.target, path, seen, out);
  }
}

const std::vector<PatternedMember>& patterned_members(const ModelUnderTest& m) {
  static std::map<std::string, std::vector<PatternedMember>> cache;
  auto& members = cache[m.name];
  if (members.empty()) {
    std::set<const spec::Shape*> seen;
    for (const spec::Shape* io : {m.operation.input, m.operation.output}) {
      if (io != nullptr) collect(*io, "", seen, members);
    }
  }
  return members;
}

bool within(const generators::LengthBounds& bounds, const std::string& value) {
  const auto n = generators::code_point_count(value);
  return n && *n >= bounds.min && (!bounds.max || *n <= *bounds.max);
}

class Patterns : public ModelProperty {};
LPE_FOR_EVERY_MODEL(Patterns);

LPE_MODEL_PROP(Patterns, DrawnStringsMatchTheirPattern) {
  const auto& members = patterned_members(m);
  RC_ASSERT(!members.empty());
  for (const auto& p : members) {
    const std::string value = *generators::gen_matching(p.compiled, p.bounds);
    RC_LOG() << p.path << " `" << p.trait->source << "` drew '" << value << "'\n";
    RC_ASSERT(RE2::PartialMatch(value, *p.trait->regex));
    if (p.compiled->fully_anchored()) RC_ASSERT(RE2::FullMatch(value, *p.trait->regex));
    RC_ASSERT(spec::pattern_matches(*p.trait, value));
    RC_ASSERT(within(p.bounds, value));
  }
}

LPE_MODEL_PROP(Patterns, NearMissesDoNotMatch) {
  const auto& members = patterned_members(m);
  for (const auto& p : members) {
    const std::string value = *generators::gen_near_miss(p.compiled, p.bounds);
    RC_LOG() << p.path << " `" << p.trait->source << "` near miss '" << value << "'\n";
    RC_ASSERT(!RE2::PartialMatch(value, *p.trait->regex));
    RC_ASSERT(!spec::pattern_matches(*p.trait, value));
    RC_ASSERT(within(p.bounds, value));
  }
}

}  // namespace
}  // namespace lpe::properties
