#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "validators/validators.h"
#include "wire/http.h"
#include "wire/text.h"

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

std::vector<OptionSpec> validate_option_specs() {
  auto specs = model_options();
  specs.push_back({"status", true, false, ""});
  specs.push_back({"header", true, true, ""});
  specs.push_back({"strict", false, false, ""});
  specs.push_back({"json-reader", true, false, ""});
  specs.push_back({"help", false, false, ""});
  return specs;
}

// Prints a verdict as one JSON line; peer or file text inside it never reaches the terminal raw.
void print_verdict(const nlohmann::ordered_json& verdict) {
  std::cout << wire::escape_json_for_terminal(
                   verdict.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
            << "\n";
}

int validate_request(const SelectedOperation& selected, const std::string& body,
                     const std::string& reader) {
  const validators::RequestValidator validator(selected.model, selected.operation);
  const auto verdict = validator.validate(
      body, reader == "fast" ? validators::JsonReader::kFast : validators::JsonReader::kNlohmann);
  print_verdict(verdict.to_json());
  return verdict.accepted() ? 0 : 1;
}

// `--status N` with `--header 'Name: value'`s: `body` answered with that status.
Result<wire::HttpResponse> bare_body_response(const Args& args, const std::string& body) {
  const auto status = parse_integer(args.get("status"), 100, 599);
  if (!status) return fail("--status must be an HTTP status 100-599");
  wire::HttpResponse response;
  response.status = static_cast<int>(*status);
  response.body = body;
  const auto headers = args.all("header");
  if (headers.empty()) {
    response.headers = {{"Content-Type", "application/json"}, {"x-amzn-RequestId", "lpe-validate"}};
  }
  for (const auto& h : headers) {
    const auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0)
      return fail("--header must be 'Name: value', got '" + h + "'");
    const std::string_view value = wire::trim_left(std::string_view(h).substr(colon + 1), " ");
    response.headers.emplace_back(h.substr(0, colon), value);
  }
  return response;
}

// The response to judge: a bare body with --status, or a raw HTTP response read from `path`.
Result<wire::HttpResponse> response_to_check(const Args& args, const std::string& path,
                                             const std::string& input) {
  if (args.has("status")) return bare_body_response(args, input);
  if (args.has("header")) return fail("--header needs --status");
  auto parsed = wire::parse_http_response(input);
  if (!parsed) {
    return fail(path + ": not a raw HTTP response: " + parsed.error().to_string() +
                " (use --status N for a bare body)");
  }
  return std::move(*parsed);
}

int check_response(const SelectedOperation& selected, const wire::HttpResponse& response,
                   bool strict) {
  const validators::ResponseChecker checker(selected.model, selected.operation);
  const auto findings = checker.check(response);
  nlohmann::ordered_json out;
  out["valid"] = !validators::has_failure(findings, strict);
  out["status"] = response.status;
  const auto type = validators::resolve_error_type(response);
  const int success =
      selected.operation.operation->http ? selected.operation.operation->http->code : 200;
  if (response.status != success) out["errorType"] = type.name;
  auto list = nlohmann::ordered_json::array();
  for (const auto& f : findings) list.push_back(f.to_json());
  out["findings"] = std::move(list);
  print_verdict(out);
  return out["valid"].get<bool>() ? 0 : 1;
}

// The usage rules that do not need the model: what to validate and which options apply.
Status check_usage(const Args& args) {
  const auto& pos = args.positionals();
  if (pos.empty() || (pos[0] != "request" && pos[0] != "response") || pos.size() > 2)
    return fail("expected 'request' or 'response' and at most one FILE (see --help)");
  if (pos[0] == "request" && (args.has("status") || args.has("header") || args.has("strict")))
    return fail("--status, --header and --strict apply to responses only");
  const std::string reader = args.get("json-reader", "fast");
  if (reader != "fast" && reader != "nlohmann")
    return fail("--json-reader must be 'fast' or 'nlohmann'");
  return {};
}

}  // namespace

int run_validate(int argc, char** argv) {
  const auto args = parse_command_line("validate", argc, argv, validate_option_specs(), kHelp);
  if (!args) return args.error().code;
  if (auto usage = check_usage(*args); !usage) return usage_error("validate", usage.error());
  const auto selected = select_operation(*args);
  if (!selected) return usage_error("validate", selected.error());
  const auto& pos = args->positionals();
  const std::string path = pos.size() == 2 ? pos[1] : "-";
  const auto input = read_input(path, kMaxInputBytes);
  if (!input) return usage_error("validate", input.error());
  if (pos[0] == "request")
    return validate_request(*selected, *input, args->get("json-reader", "fast"));
  const auto response = response_to_check(*args, path, *input);
  if (!response) return usage_error("validate", response.error());
  return check_response(*selected, *response, args->has("strict"));
}

}  // namespace lpe::cli
