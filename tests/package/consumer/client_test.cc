// A client test as a team writes it against the installed lpe package: the reference endpoint
// runs in-process on a free loopback port, the team's HTTP client talks to it, and lpe's
// validators judge what went over the wire.
#include <httplib.h>

#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mock/mock.h"
#include "spec/spec.h"
#include "validators/validators.h"
#include "wire/wire.h"

namespace {

class InProcessMock : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = lpe::spec::Model::bundled();
    auto operation = model_->operation();
    ASSERT_TRUE(operation.ok()) << operation.error().to_string();
    operation_ = *operation;
    auto handler = lpe::mock::MockHandler::create(model_, operation_, {});
    ASSERT_TRUE(handler.ok()) << handler.error().to_string();
    handler_ = *handler;
    server_ = std::make_unique<lpe::mock::MockServer>(handler_, lpe::mock::ServerOptions{});
    const auto started = server_->start();
    ASSERT_TRUE(started.ok()) << started.error().to_string();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }
  void TearDown() override {
    if (server_) {
      server_->stop();
      server_->wait();
    }
  }

  // The team's client call, returned in lpe's HTTP vocabulary for the checker.
  lpe::wire::HttpResponse post(const std::string& body) {
    const auto result = client_->Post("/ListParticipantEvents", body, "application/json");
    lpe::wire::HttpResponse response;
    if (!result) return response;
    response.status = result->status;
    for (const auto& [name, value] : result->headers) response.headers.emplace_back(name, value);
    response.body = result->body;
    return response;
  }

  // A request for the first list of the mock's dataset.
  nlohmann::ordered_json request_for_first_list() const {
    const auto scope = handler_->dataset().scopes().front();
    nlohmann::ordered_json request = nlohmann::ordered_json::object();
    for (size_t i = 0; i < operation_.list_scope.size(); ++i)
      request[operation_.list_scope[i]->name] = scope.values[i];
    return request;
  }

  std::shared_ptr<const lpe::spec::Model> model_;
  lpe::spec::OperationView operation_;
  std::shared_ptr<const lpe::mock::MockHandler> handler_;
  std::unique_ptr<lpe::mock::MockServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(InProcessMock, AValidRequestGetsAPageTheCheckerAccepts) {
  auto request = request_for_first_list();
  request["maxResults"] = 5;
  const lpe::validators::RequestValidator validator(model_, operation_);
  ASSERT_TRUE(validator.validate(request.dump()).accepted());

  const auto response = post(request.dump());
  ASSERT_EQ(response.status, 200) << response.body;
  const lpe::validators::ResponseChecker checker(model_, operation_);
  const auto diagnostics = checker.check(response);
  EXPECT_FALSE(lpe::validators::has_failure(diagnostics, /*strict=*/true))
      << diagnostics.front().message;
  EXPECT_LE(nlohmann::json::parse(response.body).at("events").size(), 5u);
}

TEST_F(InProcessMock, AnInvalidRequestIsRefusedAsTheValidatorSays) {
  auto request = request_for_first_list();
  request["maxResults"] = 0;
  const lpe::validators::RequestValidator validator(model_, operation_);
  const auto verdict = validator.validate(request.dump());
  ASSERT_FALSE(verdict.accepted());

  const auto response = post(request.dump());
  EXPECT_EQ(response.status, verdict.status);
  EXPECT_EQ(response.header("x-amzn-ErrorType").value_or(""), verdict.error_type);
  const lpe::validators::ResponseChecker checker(model_, operation_);
  EXPECT_FALSE(lpe::validators::has_failure(checker.check(response)));
}

}  // namespace
