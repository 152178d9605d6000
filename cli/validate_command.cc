#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "harness/internal/text_safety.h"
#include "validators/validators.h"

namespace lpe::cli {
namespace {

constexpr size_t kMaxInputBytes = 64u << 20;

constexpr const char* kHelp =
    "usage: lpe validate request|response [FILE|-] [options]\n"
    "\n"
    "  request FILE     a request body; prints "
    "{\"valid\",\"status\",\"errorType\",\"message\",\"violations\"}\n"
    "                   (or {\"valid\":true,\"status\":200,\"request\":{decoded}})\n"
    "  response FILE    a raw HTTP response (status line, headers, blank line, body);\n"
    "                   prints {\"valid\",\"status\",\"errorType\",\"findings\"}\n"
    "  FILE omitted or '-' reads standard input.\n"
    "\n"
    "options:\n"
    "  --status N          response FILE is a bare body answered with status N\n"
    "  --header 'N: V'     with --status, a response header (repeatable; default Content-Type:\n"
    "                      application/json and an x-amzn-RequestId)\n"
    "  --strict            should-level findings make a response invalid too\n"
    "  --json-reader R     fast (default) or nlohmann: which JSON reader decodes a request\n"
    "  --model FILE        a Smithy JSON AST model (default: the bundled one)\n"
    "  --operation NAME    the operation to use (required when the model has several)\n"
    "  --overlay FILE      a Smithy overlay of apply shapes for --model (repeatable; default: the\n"
    "                      bundled overlay when its shape ids are in the model)\n"
    "\n"
    "exit: 0 valid, 1 invalid, 2 usage, I/O or model error\n";

}  // namespace

int run_validate(int argc, char** argv) {
  auto specs = model_options();
  specs.push_back({"status", true, false, ""});
  specs.push_back({"header", true, true, ""});
  specs.push_back({"strict", false, false, ""});
  specs.push_back({"json-reader", true, false, ""});
  specs.push_back({"help", false, false, ""});
  std::string error;
  const auto args = Args::parse(argc, argv, 2, specs, error);
  if (!args) return usage_error("validate", error);
  if (args->has("help")) {
    std::fputs(kHelp, stdout);
    return 0;
  }
  const auto& pos = args->positionals();
  if (pos.empty() || (pos[0] != "request" && pos[0] != "response") || pos.size() > 2) {
    return usage_error("validate",
                       "expected 'request' or 'response' and at most one FILE (see --help)");
  }
  const bool request = pos[0] == "request";
  if (request && (args->has("status") || args->has("header") || args->has("strict"))) {
    return usage_error("validate", "--status, --header and --strict apply to responses only");
  }
  const std::string reader = args->get("json-reader", "fast");
  if (reader != "fast" && reader != "nlohmann") {
    return usage_error("validate", "--json-reader must be 'fast' or 'nlohmann'");
  }
  const auto selected = select_operation(*args, error);
  if (!selected) return usage_error("validate", error);
  const std::string path = pos.size() == 2 ? pos[1] : "-";
  const auto input = read_input(path, kMaxInputBytes, error);
  if (!input) return usage_error("validate", error);

  if (request) {
    const validators::RequestValidator validator(selected->model, selected->operation);
    const auto verdict =
        validator.validate(*input, reader == "fast" ? validators::JsonReader::kFast
                                                    : validators::JsonReader::kNlohmann);
    // Peer or file text inside the verdict never reaches the terminal raw.
    std::cout << harness::internal::escape_json_for_terminal(verdict.to_json().dump(
                     -1, ' ', false, nlohmann::json::error_handler_t::replace))
              << "\n";
    return verdict.accepted() ? 0 : 1;
  }

  validators::HttpResponse response;
  if (args->has("status")) {
    const auto status = parse_integer(args->get("status"), 100, 599);
    if (!status) return usage_error("validate", "--status must be an HTTP status 100-599");
    response.status = static_cast<int>(*status);
    response.body = *input;
    const auto headers = args->all("header");
    if (headers.empty()) {
      response.headers = {{"Content-Type", "application/json"},
                          {"x-amzn-RequestId", "lpe-validate"}};
    }
    for (const auto& h : headers) {
      const auto colon = h.find(':');
      if (colon == std::string::npos || colon == 0) {
        return usage_error("validate", "--header must be 'Name: value', got '" + h + "'");
      }
      std::string value = h.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      response.headers.emplace_back(h.substr(0, colon), value);
    }
  } else {
    if (args->has("header")) return usage_error("validate", "--header needs --status");
    auto parsed = validators::parse_http_response(*input);
    if (auto* e = std::get_if<std::string>(&parsed)) {
      return usage_error("validate", path + ": not a raw HTTP response: " + *e +
                                         " (use --status N for a bare body)");
    }
    response = std::move(std::get<validators::HttpResponse>(parsed));
  }
  const validators::ResponseChecker checker(selected->model, selected->operation);
  const auto findings = checker.check(response);
  const bool strict = args->has("strict");
  nlohmann::ordered_json out;
  out["valid"] = !validators::has_failure(findings, strict);
  out["status"] = response.status;
  const auto type = validators::resolve_error_type(response);
  const int success =
      selected->operation.operation->http ? selected->operation.operation->http->code : 200;
  if (response.status != success) out["errorType"] = type.name;
  auto list = nlohmann::ordered_json::array();
  for (const auto& f : findings) list.push_back(f.to_json());
  out["findings"] = std::move(list);
  std::cout << harness::internal::escape_json_for_terminal(
                   out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
            << "\n";
  return out["valid"].get<bool>() ? 0 : 1;
}

}  // namespace lpe::cli
