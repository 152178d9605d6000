// Shared helpers of the mock's tests: the bundled model, handlers, request bodies, HTTP clients.
// Tests may name the operation's members; the code under test may not.
#pragma once

#include <httplib.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mock/mock.h"
#include "validators/validators.h"

namespace lpe::mock::testing {

using Json = nlohmann::ordered_json;

inline std::shared_ptr<const spec::Model> model() { return spec::Model::bundled(); }

inline const spec::OperationView& operation() {
  static const spec::OperationView op = model()->operation().value();
  return op;
}

// The default dataset, built once per test process.
inline std::shared_ptr<const Dataset> default_dataset() {
  static const std::shared_ptr<const Dataset> dataset = [] {
    auto built = Dataset::synthetic(operation());
    if (!built) {
      ADD_FAILURE() << built.error().front().to_string();
      return std::shared_ptr<const Dataset>();
    }
    return std::make_shared<const Dataset>(std::move(*built));
  }();
  return dataset;
}

inline std::shared_ptr<const MockHandler> make_handler(MockOptions options = {}) {
  if (options.dataset == nullptr) options.dataset = default_dataset();
  if (options.token_secret.empty()) options.token_secret = "test-secret";
  auto created = MockHandler::create(model(), operation(), std::move(options));
  if (!created) {
    ADD_FAILURE() << created.error().to_string();
    return nullptr;
  }
  return *created;
}

inline const std::string kStage = "arn:aws:ivs:us-east-1:123456789012:stage/lpeStageA001";
inline const std::string kSession = "st-lpeSession001";
inline const std::string kStageB = "arn:aws:ivs:us-west-2:123456789012:stage/lpeStageB002";
inline const std::string kSessionB = "st-lpeSession003";
inline const std::string kSession2 = "st-lpeSession002";

// A valid request body for a list of the default dataset.
inline Json body_for(const std::string& stage, const std::string& session,
                     const std::string& participant, std::optional<int> max_results = std::nullopt,
                     std::optional<std::string> token = std::nullopt) {
  Json b = Json::object();
  b["stageArn"] = stage;
  b["sessionId"] = session;
  b["participantId"] = participant;
  if (max_results) b["maxResults"] = *max_results;
  if (token) b["nextToken"] = *token;
  return b;
}

inline MockRequest post(std::string body, std::string content_type = "application/json") {
  MockRequest r;
  r.method = "POST";
  r.target = "/ListParticipantEvents";
  r.headers = {{"Host", "127.0.0.1"}};
  if (!content_type.empty()) r.headers.emplace_back("Content-Type", content_type);
  r.body = std::move(body);
  return r;
}

inline MockRequest post(const Json& body) { return post(body.dump()); }

inline std::chrono::system_clock::time_point fixed_now() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1735689600));  // 2025-01-01
}

inline validators::ResponseChecker& checker() {
  static validators::ResponseChecker c(model(), operation());
  return c;
}

// Every must-level finding, one per line (empty when none).
inline std::string must_findings(const wire::HttpResponse& response) {
  std::string out;
  for (const auto& f : checker().check(response)) {
    if (f.severity == spec::Severity::kMust)
      out += std::string(spec::to_string(f.rule)) + " " + f.path + ": " + f.message + "\n";
  }
  return out;
}

// An httplib client for `port` with TCP_NODELAY, as the DESIGN measurements require.
inline std::unique_ptr<httplib::Client> client_for(int port) {
  auto c = std::make_unique<httplib::Client>("127.0.0.1", port);
  c->set_tcp_nodelay(true);
  c->set_keep_alive(true);
  c->set_connection_timeout(5, 0);
  c->set_read_timeout(10, 0);
  return c;
}

}  // namespace lpe::mock::testing
