#include "spec/spec.h"

#include <gtest/gtest.h>

#include <string>

namespace lpe::spec {
namespace {

const OperationView& lpe_operation() {
  static const OperationView view = Model::bundled()->operation().value();
  return view;
}

TEST(BundledModel, ResolvesTheOperation) {
  const auto& op = lpe_operation();
  ASSERT_NE(op.operation, nullptr);
  EXPECT_EQ(op.operation->name(), "ListParticipantEvents");
  ASSERT_TRUE(op.operation->http.has_value());
  EXPECT_EQ(op.operation->http->method, "POST");
  EXPECT_EQ(op.operation->http->uri, "/ListParticipantEvents");
  EXPECT_EQ(op.operation->http->code, 200);
  EXPECT_TRUE(op.operation->readonly);
  ASSERT_TRUE(op.operation->paginated.has_value());
  EXPECT_EQ(op.operation->paginated->input_token, "nextToken");
  EXPECT_EQ(op.operation->paginated->output_token, "nextToken");
  EXPECT_EQ(op.operation->paginated->page_size, "maxResults");
  EXPECT_EQ(op.operation->paginated->items, "events");
  EXPECT_EQ(op.default_page_size(), 50);
  EXPECT_EQ(op.sigv4_name, "ivs");
  EXPECT_EQ(op.endpoint_prefix, "ivsrealtime");
  ASSERT_EQ(op.list_scope.size(), 3u);
  EXPECT_EQ(op.list_scope[0]->name, "stageArn");
  EXPECT_EQ(op.list_scope[1]->name, "sessionId");
  EXPECT_EQ(op.list_scope[2]->name, "participantId");
  ASSERT_NE(op.service, nullptr);
}

TEST(BundledModel, InputMembersInModelOrderWithConstraints) {
  const Shape* in = lpe_operation().input;
  ASSERT_NE(in, nullptr);
  std::vector<std::string> names;
  for (const auto& m : in->members) names.push_back(m.name);
  // AWS's model order, which R7 messages follow.
  EXPECT_EQ(names, (std::vector<std::string>{"stageArn", "sessionId", "participantId", "nextToken",
                                             "maxResults"}));
  const Member* max = in->member("maxResults");
  ASSERT_TRUE(max->constraints.range.has_value());
  EXPECT_EQ(max->constraints.range->min, 1);
  EXPECT_EQ(max->constraints.range->max, 100);
  EXPECT_EQ(max->constraints.range->max_text, "100");
  EXPECT_FALSE(max->required);
  const Member* session = in->member("sessionId");
  EXPECT_TRUE(session->required);
  EXPECT_EQ(session->constraints.length->min, 16);
  EXPECT_EQ(session->constraints.length->max, 16);
  EXPECT_EQ(session->constraints.pattern->source, "^st-[a-zA-Z0-9]+$");
  const Member* arn = in->member("stageArn");
  EXPECT_EQ(arn->constraints.length->min, 1);
  EXPECT_EQ(arn->constraints.length->max, 128);
  EXPECT_EQ(in->member("participantId")->constraints.length->max, 64);
  EXPECT_EQ(in->member("nextToken")->constraints.length->max, 1024);
  EXPECT_EQ(in->member("nextToken")->constraints.pattern->source, "^[a-zA-Z0-9+/=_-]*$");
}

TEST(BundledModel, OutputEventsAndEnums) {
  const Shape* out = lpe_operation().output;
  const Member* events = out->member("events");
  ASSERT_NE(events, nullptr);
  EXPECT_TRUE(events->required);
  ASSERT_EQ(events->target->type, ShapeType::kList);
  const Shape* event = events->target->members.at(0).target;
  EXPECT_EQ(event->name(), "Event");
  EXPECT_EQ(event->member("eventTime")->constraints.timestamp_format, TimestampFormat::kDateTime);
  EXPECT_EQ(event->member("name")->target->enum_values.size(), 12u);
  EXPECT_EQ(event->member("errorCode")->target->enum_values.size(), 14u);
}

TEST(BundledModel, ErrorsDeclaredAndProtocol) {
  const auto& op = lpe_operation();
  // AWS's model declares two errors on the operation and none on the service.
  ASSERT_EQ(op.declared_errors.size(), 2u);
  ASSERT_NE(op.find_error("ValidationException"), nullptr);
  EXPECT_EQ(op.find_error("ValidationException")->http_error, 400);
  EXPECT_EQ(op.find_error("AccessDeniedException")->http_error, 403);
  EXPECT_EQ(op.find_error("ResourceNotFoundException"), nullptr);
  EXPECT_EQ(op.find_error("SerializationException")->http_error, 400);
  EXPECT_EQ(op.find_error("UnsupportedMediaTypeException")->http_error, 415);
  EXPECT_EQ(op.find_error("InvalidSignatureException")->http_error, 403);
  EXPECT_EQ(op.find_error("NoSuchThing"), nullptr);
}

TEST(BundledModel, EventHasAwsTenMembersInAwsOrder) {
  const Shape* event = lpe_operation().output->member("events")->target->members.at(0).target;
  std::vector<std::string> names;
  for (const auto& m : event->members) names.push_back(m.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"name", "participantId", "eventTime", "remoteParticipantId",
                                      "errorCode", "destinationStageArn", "destinationSessionId",
                                      "replica", "previousToken", "newToken"}));
  EXPECT_EQ(event->member("replica")->default_value, nlohmann::ordered_json(false));
  const Shape* token = event->member("newToken")->target;
  EXPECT_EQ(token->member("capabilities")->constraints.length->max, 2);
  EXPECT_EQ(token->member("userId")->constraints.length->max, 128);
  EXPECT_EQ(token->member("expirationTime")->constraints.timestamp_format,
            TimestampFormat::kDateTime);
  EXPECT_EQ(event->member("destinationSessionId")->constraints.pattern->source,
            "^st-[a-zA-Z0-9]+$");
  // EventName uses the legacy smithy.api#enum trait on a string; AWS's order is kept.
  EXPECT_EQ(event->member("name")->target->type, ShapeType::kString);
  EXPECT_EQ(event->member("name")->target->enum_values.back().string_value, "TOKEN_EXCHANGED");
}

TEST(CodePoints, CountsUnicodeScalars) {
  EXPECT_EQ(code_point_length(""), 0u);
  EXPECT_EQ(code_point_length("abc"), 3u);
  EXPECT_EQ(code_point_length("\xC3\xA9"), 1u);          // é
  EXPECT_EQ(code_point_length("\xF0\x9F\x98\x80"), 1u);  // emoji
}

// A model text with one shape `ns#S` of the given JSON body, plus an operation using it.
std::string model_with(const std::string& extra_shapes) {
  return R"({"smithy":"2.0","shapes":{"ns#Op":{"type":"operation","input":{"target":"ns#In"}},)" +
         extra_shapes + "}}";
}

struct BadModel {
  const char* name;
  std::string text;
  std::string pointer;
  std::string message_part;
};

class BadModels : public ::testing::TestWithParam<BadModel> {};

TEST_P(BadModels, GivePreciseErrors) {
  const auto& c = GetParam();
  const auto loaded = Model::load({{"m.json", c.text}});
  ASSERT_FALSE(loaded.ok()) << c.name;
  const ModelError& error = loaded.error();
  EXPECT_EQ(error.file, "m.json");
  EXPECT_EQ(error.pointer, c.pointer) << error.to_string();
  EXPECT_NE(error.message.find(c.message_part), std::string::npos) << error.to_string();
}

INSTANTIATE_TEST_SUITE_P(
    Loader, BadModels,
    ::testing::Values(
        BadModel{"syntax", "{\"smithy\": \"2.0\",\n \"shapes\": {,}}", "", "line 2, column 13"},
        BadModel{"not object", "[1]", "", "must be a JSON object"},
        BadModel{"no version", "{\"shapes\":{}}", "/smithy", "missing the \"smithy\""},
        BadModel{"bad version", "{\"smithy\":\"3.0\"}", "/smithy", "unsupported Smithy version"},
        BadModel{"unresolved target",
                 model_with(R"("ns#In":{"type":"structure","members":{"a":{"target":"ns#Nope"}}})"),
                 "/shapes/ns#In/members/a/target", "unresolved target 'ns#Nope'"},
        BadModel{"bad pattern",
                 model_with(R"("ns#In":{"type":"structure","members":{"a":{"target":"ns#S"}}},)"
                            R"("ns#S":{"type":"string","traits":{"smithy.api#pattern":"^(a$"}})"),
                 "/shapes/ns#S/traits/smithy.api#pattern", "does not compile in RE2"},
        BadModel{
            "lookahead pattern",
            model_with(R"("ns#In":{"type":"structure","members":{"a":{"target":"ns#S"}}},)"
                       R"("ns#S":{"type":"string","traits":{"smithy.api#pattern":"^(?=a)b"}})"),
            "/shapes/ns#S/traits/smithy.api#pattern", "does not compile in RE2"},
        BadModel{"unknown type", model_with(R"("ns#In":{"type":"structur"})"), "/shapes/ns#In/type",
                 "unknown shape type 'structur'"},
        BadModel{"bad id", model_with(R"("In":{"type":"structure"})"), "/shapes/In",
                 "not an absolute shape id"},
        BadModel{
            "length on int",
            model_with(R"("ns#In":{"type":"integer","traits":{"smithy.api#length":{"max":3}}})"),
            "/shapes/ns#In/traits/smithy.api#length", "cannot apply to a integer"},
        BadModel{
            "length min>max",
            model_with(
                R"("ns#In":{"type":"string","traits":{"smithy.api#length":{"min":4,"max":3}}})"),
            "/shapes/ns#In/traits/smithy.api#length", "min is greater than max"},
        BadModel{
            "range not number",
            model_with(R"("ns#In":{"type":"integer","traits":{"smithy.api#range":{"min":"a"}}})"),
            "/shapes/ns#In/traits/smithy.api#range/min", "must be a number"},
        BadModel{"member trait on wrong type",
                 model_with(
                     R"("ns#In":{"type":"structure","members":{"a":{"target":"smithy.api#Boolean",)"
                     R"("traits":{"smithy.api#pattern":"x"}}}})"),
                 "/shapes/ns#In/members/a/traits/smithy.api#pattern", "cannot apply to a boolean"},
        BadModel{
            "paginated token missing",
            R"({"smithy":"2.0","shapes":{"ns#Op":{"type":"operation","input":{"target":"ns#In"},)"
            R"("output":{"target":"ns#In"},"traits":{"smithy.api#paginated":{"inputToken":"t","outputToken":"t"}}},)"
            R"("ns#In":{"type":"structure","members":{}}}})",
            "/shapes/ns#Op/traits/smithy.api#paginated/inputToken", "'t' is not a member"},
        BadModel{
            "error without trait",
            R"({"smithy":"2.0","shapes":{"ns#Op":{"type":"operation","errors":[{"target":"ns#E"}]},)"
            R"("ns#E":{"type":"structure"}}})",
            "/shapes/ns#Op/errors/0/target", "no smithy.api#error trait"},
        BadModel{
            "httpError range",
            R"({"smithy":"2.0","shapes":{"ns#E":{"type":"structure","traits":{"smithy.api#error":"client","smithy.api#httpError":200}}}})",
            "/shapes/ns#E/traits/smithy.api#httpError", "400-599"},
        BadModel{"duplicate shape across files? same file keys collapse",
                 model_with(R"("ns#In":{"type":"structure","members":{"a":5}})"),
                 "/shapes/ns#In/members/a", "shape reference must be an object"}),
    [](const auto& info) {
      std::string n;
      for (char c : std::string(info.param.name))
        n += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return n;
    });

TEST(Loader, DuplicateShapeAcrossFilesIsAnError) {
  const std::string a = R"({"smithy":"2.0","shapes":{"ns#S":{"type":"string"}}})";
  const auto loaded = Model::load({{"a.json", a}, {"b.json", a}});
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().file, "b.json");
  EXPECT_NE(loaded.error().message.find("defined twice (also in a.json)"), std::string::npos);
}

TEST(Loader, ReadsAnyModelWithMemberTraitOverridesAndPrelude) {
  const std::string text = R"({"smithy":"2.0","shapes":{
    "ex#Svc":{"type":"service","operations":[{"target":"ex#Find"}],
              "traits":{"smithy.api#paginated":{"inputToken":"cursor","outputToken":"cursor"}}},
    "ex#Find":{"type":"operation","input":{"target":"ex#FindInput"},"output":{"target":"ex#FindOutput"},
               "traits":{"smithy.api#http":{"method":"PUT","uri":"/find"},
                         "smithy.api#paginated":{"items":"things","pageSize":"limit"}}},
    "ex#FindInput":{"type":"structure","members":{
       "limit":{"target":"smithy.api#Integer","traits":{"smithy.api#range":{"min":0,"max":10},"smithy.api#default":3}},
       "name":{"target":"ex#Name","traits":{"smithy.api#length":{"max":5},"smithy.api#required":{}}},
       "cursor":{"target":"smithy.api#String"}}},
    "ex#FindOutput":{"type":"structure","members":{"things":{"target":"ex#Things"},"cursor":{"target":"smithy.api#String"}}},
    "ex#Things":{"type":"list","member":{"target":"smithy.api#String"}},
    "ex#Name":{"type":"string","traits":{"smithy.api#length":{"min":2,"max":50},"smithy.api#pattern":"^[a-z]+$","custom#note":{"x":1}}}
  }})";
  const auto loaded = Model::load({{"ex.json", text}});
  ASSERT_TRUE(loaded.ok()) << loaded.error().to_string();
  const auto model = *loaded;
  const auto view = model->operation("Find").value();
  EXPECT_EQ(view.operation->http->code, 200);                   // default code
  EXPECT_EQ(view.operation->paginated->input_token, "cursor");  // merged from the service
  EXPECT_EQ(view.default_page_size(), 3);
  const Member* name = view.input->member("name");
  // Smithy: a member's trait replaces the target's trait of the same name as a whole.
  EXPECT_FALSE(name->constraints.length->min.has_value());
  EXPECT_EQ(name->constraints.length->max, 5);
  EXPECT_EQ(view.input->member("name")->target->constraints.length->min, 2);
  EXPECT_EQ(name->constraints.pattern->source, "^[a-z]+$");
  EXPECT_TRUE(name->target->traits.contains("custom#note"));  // unknown traits are kept
  EXPECT_EQ(view.service->name(), "Svc");
  ASSERT_EQ(view.list_scope.size(), 1u);  // no listScope trait: the required strings
  EXPECT_EQ(view.list_scope[0]->name, "name");
  EXPECT_FALSE(model->operation("Nope").ok());
}

}  // namespace
}  // namespace lpe::spec
