// The judge sorts the response checker's diagnostics into checks by their typed rule: each rule
// lands in a response check of the catalogue filed under the same rule number, notes stay notes,
// and the first failing diagnostic of a check is its message, rule id first.
#include "harness/internal/judge.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/internal/run_context.h"

namespace lpe::harness::internal {
namespace {

TEST(CheckOf, EveryRuleLandsInACatalogueCheckOfItsRuleNumber) {
  const auto last = static_cast<int>(spec::Rule::kR10TokenFormat);
  for (int i = 0; i <= last; ++i) {
    const auto rule = static_cast<spec::Rule>(i);
    const std::string check(check_of(rule));
    const CheckInfo* info = find_check(check);
    ASSERT_NE(info, nullptr) << spec::to_string(rule) << " -> " << check;
    EXPECT_EQ(info->rule, "R" + std::to_string(spec::rule_number(rule)))
        << spec::to_string(rule) << " -> " << check;
    EXPECT_TRUE(info->family == CheckFamily::kResponses || info->family == CheckFamily::kPagination)
        << check;
  }
}

TEST(CheckOf, RulesWithTheirOwnCheck) {
  EXPECT_EQ(check_of(spec::Rule::kR9TimestampFormat), "timestamp_format");
  EXPECT_EQ(check_of(spec::Rule::kR8RequestId), "request_id_header");
  EXPECT_EQ(check_of(spec::Rule::kR10TokenFormat), "token_format");
  EXPECT_EQ(check_of(spec::Rule::kR8ErrorType), "error_shape");
  EXPECT_EQ(check_of(spec::Rule::kR8ContentType), "error_shape");
  EXPECT_EQ(check_of(spec::Rule::kR9ContentType), "response_schema");
  EXPECT_EQ(check_of(spec::Rule::kR9UnknownMember), "response_schema");
}

TEST(CheckFamilies, PrintAsListChecksShowsThem) {
  EXPECT_EQ(to_string(CheckFamily::kRequests), "requests");
  EXPECT_EQ(to_string(CheckFamily::kResponses), "responses");
  EXPECT_EQ(to_string(CheckFamily::kPagination), "pagination");
  EXPECT_EQ(to_string(CheckFamily::kAuth), "auth");
  EXPECT_EQ(find_check("token_tamper")->family, CheckFamily::kPagination);
  EXPECT_EQ(find_check("ignored_auth")->family, CheckFamily::kAuth);
  EXPECT_EQ(find_check("error_shape")->family, CheckFamily::kResponses);
  EXPECT_EQ(find_check("content_type")->family, CheckFamily::kRequests);
}

TEST(JudgeResponse, DiagnosticsBecomeObservationsOfTheirChecks) {
  const auto model = spec::Model::bundled();
  const auto op = model->operation().value();
  const ConformOptions options;
  const CheckSelection selection(options);
  const Judge judge(model, op, selection);

  Received r;
  r.exchange.status = 200;
  r.response.status = 200;
  r.response.headers = {{"Content-Type", "application/json"}};  // no x-amzn-RequestId
  r.response.body =
      R"({"events":[{"name":"JOINED","participantId":"p1","eventTime":"yesterday"}],"shiny":1})";
  std::vector<Observation> observations;
  judge.judge_response(r, observations);

  const auto find = [&](const std::string& check, bool note) -> const Observation* {
    for (const auto& o : observations) {
      if (o.check == check && o.note == note) return &o;
    }
    return nullptr;
  };
  // `check` failed at `level` with a message that starts with `prefix`.
  const auto expect_failed = [&](const std::string& check, spec::Severity level,
                                 const std::string& prefix) {
    const Observation* o = find(check, false);
    ASSERT_NE(o, nullptr) << check;
    EXPECT_TRUE(o->failed) << check;
    EXPECT_EQ(o->level, level) << check;
    EXPECT_EQ(o->message.rfind(prefix, 0), 0u) << o->message;
  };
  expect_failed("request_id_header", spec::Severity::kShould,
                "R8.request_id at header:x-amzn-RequestId: ");
  expect_failed("timestamp_format", spec::Severity::kMust,
                "R9.timestamp_format at /events/0/eventTime: ");

  const Observation* unknown = find("response_schema", true);
  ASSERT_NE(unknown, nullptr);
  EXPECT_FALSE(unknown->failed);
  EXPECT_EQ(unknown->message.rfind("R9.unknown_member at /shiny: ", 0), 0u) << unknown->message;

  for (const char* passed : {"response_schema", "error_shape", "token_format"}) {
    const Observation* o = find(passed, false);
    ASSERT_NE(o, nullptr) << passed;
    EXPECT_FALSE(o->failed) << passed << ": " << o->message;
  }
}

}  // namespace
}  // namespace lpe::harness::internal
