// Unit tests of the request/response generators' edges: what make() refuses and why, omitted
// members, and the JSON writer and message rendering the labels rely on. The generators' behaviour
// on whole operations is covered by the property suites in properties/.
#include "generators/generators.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <string>

#include "generators/internal/raw_json.h"
#include "generators/internal/shape_plan.h"

namespace lpe::generators {
namespace {

using internal::RawJson;

// A one-operation model whose input has the given members (JSON text of the "members" object)
// and extra shapes.
std::shared_ptr<const spec::Model> model_with(const std::string& members,
                                              const std::string& shapes = "") {
  const std::string text = R"({"smithy":"2.0","shapes":{
    "ex#Op":{"type":"operation","input":{"target":"ex#In"},
             "traits":{"smithy.api#http":{"method":"POST","uri":"/op","code":200}}},
    "ex#In":{"type":"structure","members":{)" +
                           members + "}}" + (shapes.empty() ? "" : "," + shapes) + "}}";
  auto loaded = spec::Model::load({{"test.json", text}});
  if (!loaded) {
    ADD_FAILURE() << loaded.error().to_string();
    return nullptr;
  }
  return *loaded;
}

Result<RequestGenerators> requests_for(const std::shared_ptr<const spec::Model>& model,
                                       RequestGeneratorOptions options = {}) {
  return RequestGenerators::make(model, model->operation().value(), std::move(options));
}

std::string failure(const Result<RequestGenerators>& made) {
  return made ? "(made)" : made.error().to_string();
}

TEST(RequestGeneratorsMake, NamesTheUnsupportedPatternConstruct) {
  const auto model =
      model_with(R"("name":{"target":"ex#Name","traits":{"smithy.api#required":{}}})",
                 R"("ex#Name":{"type":"string","traits":{"smithy.api#pattern":"^\\p{L}+$"}})");
  const std::string why = failure(requests_for(model));
  EXPECT_NE(why.find("member 'name'"), std::string::npos) << why;
  EXPECT_NE(why.find("^\\p{L}+$"), std::string::npos) << why;
  EXPECT_NE(why.find("outside the supported subset"), std::string::npos) << why;
}

TEST(RequestGeneratorsMake, RefusesConstraintsNoValueSatisfies) {
  // Pattern lengths 2..3 against length bounds 5..9.
  auto model =
      model_with(R"("code":{"target":"ex#Code"})",
                 R"("ex#Code":{"type":"string","traits":{"smithy.api#pattern":"^[A-Z]{2,3}$",)"
                 R"("smithy.api#length":{"min":5,"max":9}}})");
  EXPECT_NE(failure(requests_for(model)).find("no achievable length"), std::string::npos);
  // A byte whose range starts above 127.
  model = model_with(R"("b":{"target":"ex#B"})",
                     R"("ex#B":{"type":"byte","traits":{"smithy.api#range":{"min":200}}})");
  EXPECT_NE(failure(requests_for(model)).find("no byte satisfies range min 200"), std::string::npos)
      << failure(requests_for(model));
}

TEST(RequestGeneratorsMake, OmitsOnlyOptionalMembersThatExist) {
  const auto model =
      model_with(R"("id":{"target":"smithy.api#String","traits":{"smithy.api#required":{}}},)"
                 R"("token":{"target":"smithy.api#String"})");
  EXPECT_NE(failure(requests_for(model, {{"id"}})).find("required"), std::string::npos);
  EXPECT_NE(failure(requests_for(model, {{"nope"}})).find("not a member"), std::string::npos);
  const auto made = requests_for(model, {{"token"}});
  ASSERT_TRUE(made.ok()) << failure(made);
  const auto& gens = *made;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    const auto valid = gens.valid_request()(rc::Random(seed), 50).value();
    EXPECT_FALSE(valid.expected.decoded->contains("token")) << valid.body;
    const auto unusual = gens.unusual_valid_request()(rc::Random(seed), 50).value();
    EXPECT_FALSE(unusual.expected.decoded->contains("token")) << unusual.body;
  }
}

TEST(RequestGeneratorsMake, AnInputWithNothingToBreakHasNoValidationErrors) {
  const auto model =
      model_with(R"("note":{"target":"smithy.api#String"},"flag":{"target":"smithy.api#Boolean"})");
  const auto made = requests_for(model);
  ASSERT_TRUE(made.ok());
  const auto& gens = *made;
  EXPECT_THROW(gens.validation_error_request()(rc::Random(1), 10).value(), rc::GenerationFailure);
  // Serialization errors and invalid requests still work.
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    const auto invalid = gens.invalid_request()(rc::Random(seed), 30).value();
    EXPECT_EQ(invalid.expected.outcome, validators::Outcome::kSerializationError);
  }
}

TEST(RawJsonWriter, EscapesWhatJsonRequiresAndKeepsInvalidUtf8) {
  const RawJson value =
      RawJson::object({{"a\"b", RawJson::string(std::string("q\\\n\x01\xC3\xA9\xFF", 7))},
                       {"n", RawJson::number("1e2")}});
  EXPECT_EQ(internal::write(value),
            std::string("{\"a\\\"b\":\"q\\\\\\n\\u0001\xC3\xA9\xFF\",\"n\":1e2}"));
  internal::TextStyle ascii;
  ascii.escape_non_ascii = true;
  EXPECT_EQ(internal::write(RawJson::string("\xC3\xA9\xF0\x9F\x98\x80"), ascii),
            "\"\\u00e9\\ud83d\\ude00\"");
  internal::TextStyle pretty;
  pretty.spacing = internal::TextStyle::Spacing::kPretty;
  EXPECT_EQ(internal::write(RawJson::object({{"a", RawJson::array({RawJson::null()})}}), pretty),
            "{\n  \"a\": [\n    null\n  ]\n}");
}

TEST(RawJsonWriter, RandomStylesKeepTheDocument) {
  const RawJson value =
      RawJson::object({{"k/é", RawJson::array({RawJson::string("a\"/\\\t😀"),
                                               RawJson::number("-0.5"), RawJson::boolean(true)})},
                       {"", RawJson::object()}});
  for (uint64_t seed = 0; seed < 200; ++seed) {
    internal::TextStyle style;
    style.spacing = internal::TextStyle::Spacing::kRandom;
    style.random_escapes = true;
    style.seed = seed;
    const std::string text = internal::write(value, style);
    EXPECT_EQ(nlohmann::json::parse(text), nlohmann::json::parse(internal::write(value))) << text;
  }
}

TEST(RawJsonRendering, AwsMessageForms) {
  EXPECT_EQ(internal::render_for_message(
                RawJson::array({RawJson::string("a b"), RawJson::number("1.50")})),
            "[a b, 1.50]");
  EXPECT_EQ(internal::render_for_message(RawJson::object(
                {{"k", RawJson::string("v")}, {"n", RawJson::null()}, {"e", RawJson::array()}})),
            "{k=v, n=null, e=[]}");
  EXPECT_EQ(internal::cut_code_points(std::string(300, 'x'), 256), std::string(256, 'x') + "...");
  std::string emoji;
  for (int i = 0; i < 257; ++i) emoji += "\xF0\x9F\x98\x80";
  EXPECT_EQ(internal::cut_code_points(emoji, 256), emoji.substr(0, 256 * 4) + "...");
  EXPECT_EQ(internal::cut_code_points(emoji.substr(0, 256 * 4), 256), emoji.substr(0, 256 * 4));
}

TEST(RawJsonParse, KeepsNumberTextAndRefusesDuplicates) {
  const auto parsed =
      internal::parse_without_duplicates(R"({"a":1E2,"b":[-0.0,18446744073709551615]})");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(internal::write(*parsed), R"({"a":1E2,"b":[-0.0,18446744073709551615]})");
  EXPECT_FALSE(internal::parse_without_duplicates(R"({"a":1,"a":2})").has_value());
  EXPECT_FALSE(internal::parse_without_duplicates(R"({"x":{"a":1,"a":2}})").has_value());
  EXPECT_FALSE(internal::parse_without_duplicates("\xEF\xBB\xBF{}").has_value());
  EXPECT_FALSE(internal::parse_without_duplicates("{").has_value());
  EXPECT_FALSE(internal::parse_without_duplicates(std::string("{}\0x", 4)).has_value());
}

TEST(Base64, PaddingAndDecodedSize) {
  EXPECT_EQ(internal::base64(""), "");
  EXPECT_EQ(internal::base64("a"), "YQ==");
  EXPECT_EQ(internal::base64("ab"), "YWI=");
  EXPECT_EQ(internal::base64("abc"), "YWJj");
  for (const std::string s : {"", "a", "ab", "abc", "abcd"}) {
    EXPECT_EQ(internal::base64_decoded_size(internal::base64(s)), s.size()) << s;
  }
}

}  // namespace
}  // namespace lpe::generators
