// Check selection and the session's request shape.
#include "harness/internal/run_context.h"

#include <algorithm>

namespace lpe::harness::internal {

bool CheckSelection::selected(std::string_view check) const {
  const auto in = [&](const std::vector<std::string>& list) {
    return std::find(list.begin(), list.end(), check) != list.end();
  };
  if (!options_.only_checks.empty() && !in(options_.only_checks)) return false;
  return !in(options_.excluded_checks);
}

bool CheckSelection::family_selected(CheckFamily family) const {
  for (const auto& c : all_checks()) {
    if (c.family == family && selected(c.name)) return true;
  }
  return false;
}

bool CheckSelection::explicitly(std::string_view check) const {
  return std::find(options_.only_checks.begin(), options_.only_checks.end(), check) !=
         options_.only_checks.end();
}

OutgoingRequest Session::post(std::string body, std::string content_type) const {
  OutgoingRequest req;
  req.method = op_.operation->http ? op_.operation->http->method : "POST";
  req.path = op_.operation->http ? op_.operation->http->uri : "/";
  if (!content_type.empty()) req.headers.emplace_back("Content-Type", std::move(content_type));
  req.body = std::move(body);
  return req;
}

}  // namespace lpe::harness::internal
