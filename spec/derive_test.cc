// The bundled contract is AWS's model: derived by the committed script, byte for byte, from the
// fixture copy of AWS's published file, and our overlay fits it (spec/README.md).
#include "spec/derive.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "spec/spec.h"

namespace lpe::spec {
namespace {

using Json = nlohmann::ordered_json;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string& aws_model_text() {
  static const std::string text =
      read(std::string(LPE_SPEC_DIR) + "/testdata/ivs-realtime-2020-07-14.json");
  return text;
}

TEST(DerivedModel, BundledFileIsExactlyWhatTheScriptDerivesFromTheAwsFixture) {
  const Json bundled = Json::parse(bundled_operation_model());
  const Json& provenance = bundled["metadata"][std::string(kDerivedFromKey)];
  DeriveSource source{provenance["repository"], provenance["path"], provenance["commit"]};
  auto derived = derive_operation_model(aws_model_text(), "ListParticipantEvents", source);
  ASSERT_TRUE(derived.ok()) << derived.error().to_string();
  EXPECT_EQ(serialize_derived_model(*derived), std::string(bundled_operation_model()))
      << "spec/ivs-realtime-list-participant-events.json is not what scripts/refresh-model.sh "
         "derives from spec/testdata/ivs-realtime-2020-07-14.json: run the script";
}

TEST(DerivedModel, RecordsTheSourceHashAndDropsProse) {
  const Json bundled = Json::parse(bundled_operation_model());
  const Json& provenance = bundled["metadata"][std::string(kDerivedFromKey)];
  EXPECT_EQ(provenance["sha256"], sha256_hex(aws_model_text()));
  EXPECT_EQ(provenance["sha256"],
            "be089eef8ccb4bed73218c06b5f8965dd5b0f2cd89b34d6170edfc938feeddca");
  EXPECT_EQ(provenance["repository"], "aws/api-models-aws");
  EXPECT_FALSE(provenance["commit"].get<std::string>().empty());
  const std::string shapes_text = bundled["shapes"].dump();
  EXPECT_EQ(shapes_text.find("smithy.api#documentation"), std::string::npos);
  EXPECT_EQ(shapes_text.find("endpointRuleSet"), std::string::npos);
  EXPECT_NE(shapes_text.find("aws.protocols#restJson1"), std::string::npos);
  // Only the one operation is bound; AWS's other 38 are gone with the shapes only they use.
  const Json& shapes = bundled["shapes"];
  size_t operations = 0;
  for (const auto& [id, shape] : shapes.items()) operations += shape["type"] == "operation";
  EXPECT_EQ(operations, 1u);
  EXPECT_FALSE(shapes.contains("com.amazonaws.ivsrealtime#CreateStage"));
  EXPECT_TRUE(shapes.contains("com.amazonaws.ivsrealtime#ExchangedParticipantToken"));
}

TEST(DerivedModel, KeepsAwsMemberOrderAndConstraints) {
  const Json bundled = Json::parse(bundled_operation_model());
  const Json aws = Json::parse(aws_model_text());
  for (const char* id :
       {"com.amazonaws.ivsrealtime#ListParticipantEventsRequest", "com.amazonaws.ivsrealtime#Event",
        "com.amazonaws.ivsrealtime#EventName", "com.amazonaws.ivsrealtime#EventErrorCode",
        "com.amazonaws.ivsrealtime#ExchangedParticipantToken"}) {
    const Json& ours = bundled["shapes"][id];
    const Json& theirs = aws["shapes"][id];
    std::vector<std::string> a, b;
    if (ours.contains("members")) {
      for (const auto& [name, ref] : ours["members"].items()) a.push_back(name);
      for (const auto& [name, ref] : theirs["members"].items()) b.push_back(name);
    }
    EXPECT_EQ(a, b) << id;
    if (theirs.contains("traits")) {
      for (const auto& [trait, value] : theirs["traits"].items()) {
        if (trait == "smithy.api#documentation") continue;
        EXPECT_EQ(ours["traits"][trait], value) << id << " " << trait;
      }
    }
  }
}

TEST(DerivedModel, ReportsUnknownOperationsAndBadInput) {
  auto missing = derive_operation_model(aws_model_text(), "NoSuchOperation", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("NoSuchOperation"), std::string::npos);
  auto bad = derive_operation_model("{not json", "ListParticipantEvents", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("not valid JSON"), std::string::npos);
  auto dangling = derive_operation_model(
      R"({"smithy":"2.0","shapes":{"a.b#Op":{"type":"operation","input":{"target":"a.b#Gone"}}}})",
      "Op", {});
  ASSERT_FALSE(dangling.ok());
  EXPECT_NE(dangling.error().message.find("a.b#Gone"), std::string::npos);
}

// The overlay and the model agree: the bundle loads, and every overlay trait landed where the
// overlay says (a renamed member or enum value in a newer AWS model fails here, not at run time).
TEST(Overlay, FitsTheBundledModel) {
  const auto model = Model::bundled();
  const auto op = model->operation().value();
  EXPECT_EQ(op.default_page_size(), 50);
  const Member* max = op.input->member("maxResults");
  ASSERT_NE(max, nullptr);
  EXPECT_EQ(max->documented_default, 50);
  EXPECT_FALSE(max->default_value.has_value()) << "AWS's model has no default for maxResults";
  const Json overlay = Json::parse(bundled_overlay_model());
  for (const auto& [id, body] : overlay["shapes"].items()) {
    const auto dollar = id.find('$');
    const Shape* shape = model->find(id.substr(0, dollar));
    ASSERT_NE(shape, nullptr) << id;
    const Json* traits = &shape->traits;
    if (dollar != std::string::npos) {
      const Member* m = shape->member(id.substr(dollar + 1));
      ASSERT_NE(m, nullptr) << id;
      traits = &m->traits;
    }
    for (const auto& [trait, value] : body["traits"].items()) {
      EXPECT_EQ((*traits)[trait], value) << id << " " << trait;
    }
  }
  const Shape* event = model->find("com.amazonaws.ivsrealtime#Event");
  ASSERT_NE(event, nullptr);
  ASSERT_TRUE(event->member("errorCode")->present_when.has_value());
  EXPECT_EQ(event->member("errorCode")->present_when->sibling, "name");
  EXPECT_EQ(event->member("participantId")->echoes_input, "participantId");
  EXPECT_FALSE(event->member("replica")->present_when.has_value());
}

Model::Source aws_source() { return {"ivs-realtime-2020-07-14.json", aws_model_text()}; }

std::string overlay_with(const std::string& id, const std::string& traits) {
  return R"({"smithy":"2.0","shapes":{")" + id + R"(":{"type":"apply","traits":)" + traits + "}}}";
}

std::string load_error(const std::vector<Model::Source>& sources) {
  auto loaded = Model::load(sources);
  if (!loaded) return loaded.error().to_string();
  return "";
}

TEST(Overlay, DisagreementsAreModelErrors) {
  // A member the model does not have.
  EXPECT_NE(load_error({aws_source(),
                        {"bad-overlay.json",
                         overlay_with("com.amazonaws.ivsrealtime#Event$gone",
                                      R"({"lpe.conformance#echoesInput":{"member":"x"}})"),
                         "overlay"}})
                .find("unknown member 'gone'"),
            std::string::npos);
  // A presence rule that matches no event name.
  EXPECT_NE(load_error({aws_source(),
                        {"bad-overlay.json",
                         overlay_with("com.amazonaws.ivsrealtime#Event$errorCode",
                                      R"({"lpe.conformance#presentWhen":)"
                                      R"({"member":"name","pattern":"^NO_SUCH_EVENT$"}})"),
                         "overlay"}})
                .find("matches no value of com.amazonaws.ivsrealtime#EventName"),
            std::string::npos);
  // A trait AWS sets to another value (apply semantics: a conflict).
  EXPECT_NE(
      load_error({aws_source(),
                  {"bad-overlay.json",
                   overlay_with("com.amazonaws.ivsrealtime#ListParticipantEventsRequest$stageArn",
                                R"({"smithy.api#required":{"x":1}})"),
                   "overlay"}})
          .find("conflicts"),
      std::string::npos);
  // A documented default outside the range.
  EXPECT_NE(
      load_error({aws_source(),
                  {"bad-overlay.json",
                   overlay_with("com.amazonaws.ivsrealtime#ListParticipantEventsRequest$maxResults",
                                R"({"lpe.conformance#documentedDefault":500})"),
                   "overlay"}})
          .find("outside its range"),
      std::string::npos);
  // echoesInput naming no input member.
  EXPECT_NE(load_error({aws_source(),
                        {"bad-overlay.json",
                         overlay_with("com.amazonaws.ivsrealtime#Event$remoteParticipantId",
                                      R"({"lpe.conformance#echoesInput":{"member":"x"}})"),
                         "overlay"}})
                .find("'x', which is not an input member"),
            std::string::npos);
}

TEST(AwsModel, LoadsAsPublishedAndNeedsAnOperationName) {
  auto loaded = Model::load({aws_source()});
  ASSERT_TRUE(loaded.ok()) << loaded.error().to_string();
  const auto model = *loaded;
  auto unnamed = model->operation();
  ASSERT_FALSE(unnamed.ok());
  const std::string why = unnamed.error().message;
  EXPECT_NE(why.find("39 operations"), std::string::npos) << why;
  EXPECT_NE(why.find("ListParticipantEvents"), std::string::npos) << why;
  EXPECT_NE(why.find("ListStages"), std::string::npos) << why;
  EXPECT_EQ(why.find("CreateStage"), std::string::npos) << "only paginated ones are named: " << why;
  auto named = model->operation("ListParticipantEvents");
  ASSERT_TRUE(named.ok());
  const auto& op = *named;
  EXPECT_EQ(op.operation->paginated->items, "events");
  EXPECT_TRUE(op.operation->paginated->items_inferred);
  EXPECT_EQ(op.default_page_size(), std::nullopt) << "no overlay loaded: AWS documents 50 only";
  // Header-bound error members are not body members.
  const Shape* validation = op.find_error("ValidationException");
  ASSERT_NE(validation, nullptr);
  EXPECT_EQ(validation->member("xAmznErrorType")->binding, HttpBinding::kHeader);
  EXPECT_EQ(validation->member("xAmznErrorType")->binding_name, "x-amzn-ErrorType");
  EXPECT_EQ(validation->member("exceptionMessage")->binding, HttpBinding::kBody);
  // The legacy enum trait on a string and a default on a boolean.
  const Shape* event = model->find("com.amazonaws.ivsrealtime#Event");
  EXPECT_EQ(event->member("name")->target->enum_values.size(), 12u);
  EXPECT_EQ(event->member("replica")->default_value, nlohmann::ordered_json(false));
  EXPECT_EQ(event->member("previousToken")->target->member("attributes")->target->type,
            ShapeType::kMap);
}

TEST(AwsModel, ItemsInferenceNamesTheCandidates) {
  const std::string model = R"({"smithy":"2.0","shapes":{
    "a.b#L":{"type":"list","member":{"target":"smithy.api#String"}},
    "a.b#Op":{"type":"operation","input":{"target":"a.b#In"},"output":{"target":"a.b#Out"},
      "traits":{"smithy.api#paginated":{"inputToken":"t","outputToken":"t"}}},
    "a.b#In":{"type":"structure","members":{"t":{"target":"smithy.api#String"}}},
    "a.b#Out":{"type":"structure","members":{"t":{"target":"smithy.api#String"},
      "first":{"target":"a.b#L"},"second":{"target":"a.b#L"}}}}})";
  auto loaded = Model::load({{"two-lists.json", model}});
  ASSERT_TRUE(loaded.ok());
  auto op = (*loaded)->operation("Op");
  ASSERT_FALSE(op.ok());
  EXPECT_NE(op.error().message.find("several list or map members ('first', 'second')"),
            std::string::npos)
      << op.error().to_string();
}

TEST(AwsModel, LoadFileAppliesTheBundledOverlayWhenItFits) {
  auto loaded =
      Model::load_file(std::string(LPE_SPEC_DIR) + "/testdata/ivs-realtime-2020-07-14.json");
  ASSERT_TRUE(loaded.ok()) << loaded.error().to_string();
  const auto model = *loaded;
  const auto op = model->operation("ListParticipantEvents").value();
  EXPECT_EQ(op.default_page_size(), 50);
  const auto& contract = model->contract();
  ASSERT_EQ(contract.sources.size(), 3u);
  EXPECT_EQ(contract.sources[0].role, "model");
  EXPECT_EQ(contract.sources[0].sha256,
            "be089eef8ccb4bed73218c06b5f8965dd5b0f2cd89b34d6170edfc938feeddca");
  EXPECT_EQ(contract.sources[1].role, "overlay");
  EXPECT_EQ(contract.origin, "file");
  EXPECT_NE(contract.summary().find("be089eef8ccb"), std::string::npos) << contract.summary();
}

TEST(AwsModel, AnOverlayThatDoesNotFitIsLeftOutWhole) {
  const std::string other = R"({"smithy":"2.0","shapes":{
    "a.b#Op":{"type":"operation","input":{"target":"a.b#In"}},
    "a.b#In":{"type":"structure","members":{"id":{"target":"smithy.api#String"}}}}})";
  auto loaded = Model::load({{"other.json", other},
                             {"overlay.json", std::string(bundled_overlay_model()), "overlay",
                              /*only_if_it_fits=*/true}});
  ASSERT_TRUE(loaded.ok()) << loaded.error().to_string();
  const auto& contract = (*loaded)->contract();
  ASSERT_EQ(contract.sources.size(), 1u);
  EXPECT_EQ(contract.sources[0].name, "other.json");
  // The same overlay given as a must-apply file is an error naming the shape.
  EXPECT_NE(load_error({{"other.json", other},
                        {"overlay.json", std::string(bundled_overlay_model()), "overlay"}})
                .find("apply targets unknown shape"),
            std::string::npos);
}

TEST(BundledContract, NamesItsSourcesAndProvenance) {
  const auto& contract = Model::bundled()->contract();
  EXPECT_EQ(contract.origin, "bundled");
  ASSERT_EQ(contract.sources.size(), 3u);
  EXPECT_EQ(contract.sources[0].sha256, sha256_hex(bundled_operation_model()));
  ASSERT_TRUE(contract.derived_from.is_object());
  EXPECT_EQ(contract.derived_from["sha256"],
            "be089eef8ccb4bed73218c06b5f8965dd5b0f2cd89b34d6170edfc938feeddca");
  const auto json = contract.to_json();
  EXPECT_EQ(json["files"].size(), 3u);
  EXPECT_EQ(json["derivedFrom"]["repository"], "aws/api-models-aws");
}

}  // namespace
}  // namespace lpe::spec
