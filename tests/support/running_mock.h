// The reference mock with test-only defects (mock/testing) on a free loopback port, serving the
// small conformance dataset (tests/data/conform-small.json), for the life of the object. The test
// target defines LPE_TEST_DATA as the tests/data folder.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "mock/mock.h"
#include "mock/testing/defects.h"
#include "temp_files.h"

#ifndef LPE_TEST_DATA
#error "LPE_TEST_DATA must name tests/data"
#endif

namespace lpe::test_support {

// The dataset the mock serves; its lists are the targets of runs against it (--targets-file).
inline const std::string kConformData = std::string(LPE_TEST_DATA) + "/conform-small.json";
// The made-up credentials of a signed mock.
inline constexpr const char* kConformAkid = "AKIDCONFORMTEST0001";
inline constexpr const char* kConformSecret = "conform-test-secret-key-0123456789";

class RunningMock {
 public:
  explicit RunningMock(std::set<mock::testing::Defect> defects, bool sigv4 = false,
                       mock::FaultOptions fault = {}) {
    auto model = spec::Model::bundled();
    const auto op = model->operation().value();
    auto dataset = mock::Dataset::load(read_file(kConformData), kConformData, op);
    if (!dataset) {
      ADD_FAILURE() << dataset.error().front().to_string();
      return;
    }
    mock::MockOptions options;
    options.dataset = std::make_shared<const mock::Dataset>(std::move(*dataset));
    options.seed = 7;
    options.fault = fault;
    if (sigv4) {
      options.auth = mock::AuthMode::kSigV4;
      options.credentials.add(kConformAkid, kConformSecret);
    }
    auto handler = mock::testing::DefectiveHandler::create(model, op, options, std::move(defects));
    if (!handler) {
      ADD_FAILURE() << handler.error().to_string();
      return;
    }
    server_ = std::make_unique<mock::MockServer>(std::move(*handler), mock::ServerOptions{});
    if (auto started = server_->start(); !started) ADD_FAILURE() << started.error().to_string();
  }
  ~RunningMock() {
    if (server_) server_->stop();
  }
  std::string url() const { return server_ ? server_->url() : "http://127.0.0.1:1"; }

 private:
  std::unique_ptr<mock::MockServer> server_;
};

}  // namespace lpe::test_support
