// Unit tests of the coverage cases (RequestGenerators::coverage_cases): every case's expected
// outcome agrees with the validator, each case breaks exactly one thing, the cases are the same
// on every call, and a pattern's excluded characters are all probed.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "generators/generators.h"

namespace lpe::generators {
namespace {

using Json = nlohmann::ordered_json;

std::shared_ptr<const spec::Model> model_with(const std::string& members,
                                              const std::string& shapes) {
  const std::string text = R"({"smithy":"2.0","shapes":{
    "ex#Op":{"type":"operation","input":{"target":"ex#In"},
             "traits":{"smithy.api#http":{"method":"POST","uri":"/op","code":200}}},
    "ex#In":{"type":"structure","members":{)" +
                           members + "}}," + shapes + "}}";
  auto loaded = spec::Model::load({{"test.json", text}});
  if (!loaded) {
    ADD_FAILURE() << loaded.error().to_string();
    return nullptr;
  }
  return *loaded;
}

// The bundled operation's generators with the pagination token omitted, as the harness makes them.
RequestGenerators bundled_generators() {
  const auto model = spec::Model::bundled();
  const auto op = model->operation().value();
  RequestGeneratorOptions options;
  options.omit_members.insert(op.operation->paginated->input_token);
  return RequestGenerators::make(model, op, options).value();
}

const Json kBase = {{"stageArn", "arn:aws:ivs:us-east-1:123456789012:stage/abcd1234"},
                    {"sessionId", "st-a1b2c3d4e5f6g"},
                    {"participantId", "p1"}};

std::vector<const CoverageCase*> select(const std::vector<CoverageCase>& cases,
                                        const std::string& member, const std::string& constraint) {
  std::vector<const CoverageCase*> out;
  for (const auto& c : cases) {
    if (c.member == member && c.constraint == constraint) out.push_back(&c);
  }
  return out;
}

const CoverageCase* named(const std::vector<CoverageCase>& cases, const std::string& member,
                          const std::string& name) {
  for (const auto& c : cases) {
    if (c.member == member && c.name == name) return &c;
  }
  return nullptr;
}

TEST(CoverageCases, AgreeWithTheValidatorAndBreakOneThingEach) {
  const auto gens = bundled_generators();
  const auto model = spec::Model::bundled();
  const validators::RequestValidator validator(model, model->operation().value());
  const auto cases = gens.coverage_cases(kBase);
  ASSERT_GT(cases.size(), 150u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.request.description + " body " + c.request.body);
    const auto verdict = validator.validate(c.request.body);
    const auto& e = c.request.expected;
    EXPECT_EQ(verdict.outcome, e.outcome);
    EXPECT_EQ(verdict.status, e.status);
    EXPECT_EQ(std::string(verdict.error_type), e.error_type);
    if (e.outcome == validators::Outcome::kAccepted) {
      ASSERT_TRUE(e.decoded.has_value());
      EXPECT_EQ(verdict.decoded, *e.decoded);
    }
    if (e.outcome != validators::Outcome::kValidationError) continue;
    EXPECT_EQ(verdict.message, e.message);
    ASSERT_EQ(verdict.violations.size(), e.violations.size());
    for (size_t i = 0; i < e.violations.size(); ++i) {
      EXPECT_EQ(verdict.violations[i].member, e.violations[i].member);
      EXPECT_EQ(verdict.violations[i].constraint, e.violations[i].constraint);
    }
    if (c.constraint == "body") continue;  // every required member is missing
    // One violation, of the member under test; a length no matching value has also breaks the
    // pattern.
    EXPECT_EQ(e.violations.front().member, c.member);
    const bool length_and_pattern =
        c.constraint == "length" && e.violations.size() == 2 &&
        e.violations[1].constraint == validators::ConstraintKind::kPattern;
    EXPECT_TRUE(e.violations.size() == 1 || length_and_pattern);
  }
}

TEST(CoverageCases, AreTheSameOnEveryCallAndSentOnce) {
  const auto gens = bundled_generators();
  const auto a = gens.coverage_cases(kBase);
  const auto b = gens.coverage_cases(kBase);
  ASSERT_EQ(a.size(), b.size());
  std::set<std::string> bodies;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].request.body, b[i].request.body);
    EXPECT_EQ(a[i].name, b[i].name);
    EXPECT_TRUE(bodies.insert(a[i].member + "|" + a[i].request.body).second) << a[i].name;
  }
}

TEST(CoverageCases, BoundsTypesAndRequiredMembersOfTheBundledModel) {
  const auto cases = bundled_generators().coverage_cases(kBase);
  // maxResults: range 1..100 and the int32 edges.
  const std::pair<const char*, const char*> page_size[] = {{"min-1", "0"},
                                                           {"min", "1"},
                                                           {"max", "100"},
                                                           {"max+1", "101"},
                                                           {"int32 max", "2147483647"},
                                                           {"int32 max+1", "2147483648"},
                                                           {"int32 min", "-2147483648"},
                                                           {"int32 min-1", "-2147483649"}};
  for (const auto& [name, value] : page_size) {
    const auto* c = named(cases, "maxResults", name);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_EQ(c->value, value);
  }
  EXPECT_EQ(named(cases, "maxResults", "max")->request.expected.status, 200);
  EXPECT_EQ(named(cases, "maxResults", "max+1")->request.expected.error_type,
            "ValidationException");
  EXPECT_EQ(named(cases, "maxResults", "int32 max+1")->request.expected.error_type,
            "SerializationException");
  for (const char* wrong : {"string \"5\"", "boolean true", "fraction 1.0", "exponent 1e2"}) {
    const auto* c = named(cases, "maxResults", wrong);
    ASSERT_NE(c, nullptr) << wrong;
    EXPECT_EQ(c->request.expected.error_type, "SerializationException");
  }
  EXPECT_NE(named(cases, "participantId", "integer 5"), nullptr);
  // sessionId is 16..16: min and max are one case; min-1 and max+1 are two.
  EXPECT_EQ(select(cases, "sessionId", "length").size(), 3u);
  EXPECT_NE(named(cases, "sessionId", "min, max"), nullptr);
  // Required members absent and null; an optional null is read as absent (accepted).
  EXPECT_EQ(named(cases, "stageArn", "absent")->request.expected.error_type, "ValidationException");
  EXPECT_EQ(named(cases, "stageArn", "null")->request.expected.error_type, "ValidationException");
  EXPECT_EQ(named(cases, "maxResults", "null")->request.expected.status, 200);
  EXPECT_EQ(named(cases, "", "empty")->request.body, "");
  EXPECT_EQ(named(cases, "", "empty")->request.expected.violations.size(), 3u);
  // Every other member keeps its base value.
  for (const auto* c : select(cases, "maxResults", "range")) {
    EXPECT_NE(c->request.body.find("\"participantId\":\"p1\""), std::string::npos);
  }
}

TEST(CoverageCases, NeverGiveTheOmittedTokenAValidValue) {
  const auto cases = bundled_generators().coverage_cases(kBase);
  for (const auto* c : select(cases, "nextToken", "length")) {
    EXPECT_NE(c->request.expected.outcome, validators::Outcome::kAccepted) << c->name;
  }
  EXPECT_NE(named(cases, "nextToken", "max+1"), nullptr);
  EXPECT_EQ(named(cases, "nextToken", "min"), nullptr);
  for (const auto& c : cases) {
    if (c.member != "nextToken") {
      EXPECT_EQ(c.request.body.find("nextToken"), std::string::npos) << c.name;
    }
  }
}

TEST(CoverageCases, ProbeEveryCharacterClassAPatternExcludes) {
  const auto model =
      model_with(R"("id":{"target":"ex#Id","traits":{"smithy.api#required":{}}},)"
                 R"("tag":{"target":"ex#Tag"})",
                 R"("ex#Id":{"type":"string","traits":{"smithy.api#pattern":"^[a-z]+$",)"
                 R"("smithy.api#length":{"min":1,"max":10}}},)"
                 R"("ex#Tag":{"type":"string","traits":{"smithy.api#pattern":"^[a-zA-Z0-9_]+$"}})");
  ASSERT_NE(model, nullptr);
  const auto gens = RequestGenerators::make(model, model->operation().value()).value();
  const auto cases = gens.coverage_cases(Json::object());
  std::set<std::string> id_names, tag_names;
  for (const auto* c : select(cases, "id", "pattern")) id_names.insert(c->name);
  for (const auto* c : select(cases, "tag", "pattern")) tag_names.insert(c->name);
  for (const char p : std::string_view("!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~")) {
    EXPECT_TRUE(id_names.count(std::string("trailing '") + p + "'")) << p;
  }
  for (const char* name :
       {"trailing apostrophe", "trailing space", "leading space", "trailing newline",
        "leading newline", "trailing tab", "trailing U+0000 NUL", "trailing U+007F delete",
        "trailing '0'", "trailing 'A'", "upper-cased", "trailing U+0430 Cyrillic a",
        "trailing U+FF10 fullwidth zero", "trailing U+00E9 e acute", "trailing U+212A Kelvin sign",
        "trailing U+1F600 emoji"}) {
    EXPECT_TRUE(id_names.count(name)) << name;
  }
  // What the pattern allows is not probed: letters for id, letters, digits and '_' for tag.
  EXPECT_FALSE(id_names.count("trailing 'a'"));
  EXPECT_FALSE(tag_names.count("trailing '_'"));
  EXPECT_FALSE(tag_names.count("trailing '0'"));
  EXPECT_FALSE(tag_names.count("upper-cased"));
  EXPECT_TRUE(tag_names.count("trailing '-'"));
  // Every probe keeps the length valid: the one violation is the pattern.
  for (const auto* c : select(cases, "id", "pattern")) {
    ASSERT_EQ(c->request.expected.violations.size(), 1u) << c->name;
    EXPECT_EQ(c->request.expected.violations[0].constraint, validators::ConstraintKind::kPattern);
  }
}

TEST(CoverageCases, EnumsGetAValueOutsideTheSet) {
  const auto model = model_with(
      R"("color":{"target":"ex#Color"})",
      R"("ex#Color":{"type":"enum","members":{)"
      R"("RED":{"target":"smithy.api#Unit","traits":{"smithy.api#enumValue":"RED"}},)"
      R"("BLUE":{"target":"smithy.api#Unit","traits":{"smithy.api#enumValue":"BLUE"}}}})");
  ASSERT_NE(model, nullptr);
  const auto gens = RequestGenerators::make(model, model->operation().value()).value();
  const auto cases = gens.coverage_cases(Json::object());
  const auto* c = named(cases, "color", "not an enum value");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->value, "\"red\"");
  ASSERT_EQ(c->request.expected.violations.size(), 1u);
  EXPECT_EQ(c->request.expected.violations[0].constraint, validators::ConstraintKind::kEnum);
}

}  // namespace
}  // namespace lpe::generators
