// mock_handler: whole HTTP requests through mock::MockHandler::handle, without sockets, with the
// default (synthetic) dataset. Two handlers: one without authentication, one requiring SigV4.
//
// Input (read by FuzzInput): a control byte, then the request. The control byte picks
//   bits 0-1  the body: 0 and 3 the rest of the input as raw bytes; 1 a JSON request for one of
//             the dataset's lists (or an unknown one) with a fuzzer-chosen page size; 2 the same
//             followed by a second request with the first page's nextToken (kept, edited, or used
//             with another list or page size), sent twice;
//   bit 2     the SigV4 handler; bit 4 signs the request properly (official example credentials);
//   bit 3     adds `Content-Type: application/json` before the fuzzer's own headers.
// The method, target and up to 8 headers come from short lists of meaningful values or are
// fuzzer bytes (header names as HTTP tokens, values without CR, LF or NUL, as HTTP allows).
//
// Properties, on every request:
//  - handle never crashes, throws or drops the connection, and never answers 5xx (no faults are
//    configured, so a 500 means the mock caught an internal failure);
//  - the response serializes to HTTP/1.1 that parse_http_response reads back (header names are
//    tokens, values carry no CR/LF/NUL), and ResponseChecker finds no `must` failure in it: a
//    well-formed R8 error or R9 success;
//  - it agrees with the validator (differential): a 200 answers a body the RequestValidator
//    accepts; a body it rejects gets 400 with its error type once routing, authentication and
//    the media type pass;
//  - pages (R10): at most maxResults events (50 without); the token of a page, presented again
//    for the same list, gives 200, and the same request twice gives the same body; a token edited
//    or presented for another list is a 400 ValidationException.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_support.h"
#include "mock/mock.h"
#include "spec/spec.h"
#include "validators/validators.h"
#include "wire/http.h"
#include "wire/sigv4.h"

namespace {

using Clock = std::chrono::system_clock;
using lpe::fuzz::escape;
using lpe::fuzz::FuzzInput;
namespace mock = lpe::mock;
namespace validators = lpe::validators;
namespace wire = lpe::wire;

// Valid bodies are at most about 1.3 KB; 8 KiB also covers the handlers' body limit (4 KiB, set
// low so that the 413 path is reachable) plus headers. Longer requests only repeat the body limit.
constexpr size_t kMaxInputSize = 8192;
constexpr size_t kMaxBodyBytes = 4096;

constexpr std::string_view kAccessKey = "AKIDEXAMPLE";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
// 2023-11-14T22:13:20Z plus up to two days (tokens live 24 h: expiry is reachable).
const Clock::time_point kT0 = Clock::time_point(std::chrono::seconds(1700000000));

struct Fixture {
  std::shared_ptr<const mock::MockHandler> open;
  std::shared_ptr<const mock::MockHandler> sigv4;
  std::unique_ptr<validators::RequestValidator> validator;
  std::unique_ptr<validators::ResponseChecker> checker;
  std::vector<mock::ListScope> scopes;
  std::string region;
  std::string service;
};

std::shared_ptr<const mock::MockHandler> make_handler(
    const std::shared_ptr<const lpe::spec::Model>& model, const lpe::spec::OperationView& op,
    bool sigv4) {
  mock::MockOptions options;
  options.max_body_bytes = kMaxBodyBytes;
  options.token_secret = "fuzz-token-secret";  // fixed: replays are deterministic
  if (sigv4) {
    options.auth = mock::AuthMode::kSigV4;
    options.credentials.add(std::string(kAccessKey), std::string(kSecret));
  }
  auto created = mock::MockHandler::create(model, op, std::move(options));
  if (!created) {
    lpe::fuzz::fail("MockHandler::create", __FILE__, __LINE__, created.error().to_string());
  }
  return std::move(*created);
}

const Fixture& fixture() {
  static const Fixture* const instance = [] {
    auto* f = new Fixture();
    auto model = lpe::spec::Model::bundled();
    auto operation = model->operation();
    if (!operation.ok()) {
      lpe::fuzz::fail("bundled model has an operation", __FILE__, __LINE__,
                      operation.error().to_string());
    }
    const auto& op = *operation;
    f->open = make_handler(model, op, false);
    f->sigv4 = make_handler(model, op, true);
    f->validator = std::make_unique<validators::RequestValidator>(model, op);
    f->checker = std::make_unique<validators::ResponseChecker>(model, op);
    f->scopes = f->open->dataset().scopes();
    f->region = f->sigv4->options().region;
    f->service = op.sigv4_name;
    return f;
  }();
  return *instance;
}

template <size_t N>
std::string pick_or_bytes(FuzzInput& in, const std::array<std::string_view, N>& known,
                          size_t max_length) {
  const size_t choice = in.integer(0, N);
  if (choice < N) return std::string(known[choice]);
  return std::string(in.string(max_length));
}

constexpr std::array<std::string_view, 7> kMethods = {"POST", "GET",     "PUT", "DELETE",
                                                      "HEAD", "OPTIONS", "post"};
constexpr std::array<std::string_view, 5> kTargets = {
    "/ListParticipantEvents", "/ListParticipantEvents?x=1&y", "/", "/ListParticipantEvents/",
    "/listparticipantevents"};
constexpr std::array<std::string_view, 9> kHeaderNames = {
    "Content-Type",   "content-type",      "Host",
    "Authorization",  "X-Amz-Date",        "X-Amz-Security-Token",
    "Content-Length", "Transfer-Encoding", "X-Amz-Target"};
constexpr std::array<std::string_view, 7> kHeaderValues = {
    "application/json",
    "application/json; charset=utf-8",
    "Application/JSON ;charset=UTF-8",
    "text/plain",
    "application/x-amz-json-1.1",
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/us-east-1/ivs/aws4_request, "
    "SignedHeaders=host;x-amz-date, "
    "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
    "20231114T221320Z"};

// A header name as HTTP allows (a token); fuzzer bytes outside the set become '-'.
std::string header_name(std::string name) {
  if (name.empty()) name = "x";
  for (char& c : name) {
    if (!wire::is_token_char(c)) c = '-';
  }
  return name;
}

// A header value as HTTP allows: no CR, LF or NUL.
std::string header_value(std::string value) {
  for (char& c : value) {
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';
  }
  return value;
}

std::string describe(const mock::MockRequest& req) {
  std::string out = escape(req.method) + " " + escape(req.target) + "\n";
  for (const auto& [name, value] : req.headers) out += escape(name) + ": " + escape(value) + "\n";
  return out + "\n" + escape(req.body);
}

std::string describe(const mock::MockResponse& resp) {
  std::string out = std::to_string(resp.status) + "\n";
  for (const auto& [name, value] : resp.headers) out += escape(name) + ": " + escape(value) + "\n";
  return out + "\n" + escape(resp.body);
}

// Sends `req` (signed first when asked) and checks every per-response property.
mock::MockResponse send(const mock::MockHandler& handler, mock::MockRequest req, bool sign,
                        Clock::time_point now) {
  const Fixture& f = fixture();
  if (sign) {
    wire::Credentials creds{std::string(kAccessKey), std::string(kSecret), ""};
    wire::sign_request(req, creds, f.region, f.service, now);
  }
  mock::MockResponse resp = handler.handle(req, now);
  const std::string context = "request:\n" + describe(req) + "\nresponse:\n" + describe(resp);
  LPE_FUZZ_CHECK(!resp.drop_connection && resp.status >= 200 && resp.status < 500, context);

  // The response as bytes on the wire, read back by the checker's own parser.
  std::string raw = "HTTP/1.1 " + std::to_string(resp.status) + " Status\r\n";
  for (const auto& [name, value] : resp.headers) {
    LPE_FUZZ_CHECK(wire::is_token(name) &&
                       value.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos,
                   "malformed header in " + context);
    raw += name + ": " + value + "\r\n";
  }
  raw += "\r\n" + resp.body;
  const auto parsed = wire::parse_http_response(raw);
  LPE_FUZZ_CHECK(parsed.ok(), parsed.error().to_string() + "\n" + context);
  const auto findings = f.checker->check(*parsed);
  if (validators::has_failure(findings)) {
    std::string list;
    for (const auto& finding : findings)
      list +=
          finding.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    lpe::fuzz::fail("no must finding", __FILE__, __LINE__, list + context);
  }

  // Differential with the validator.
  const validators::RequestVerdict verdict = f.validator->validate(req.body);
  if (resp.status == 200) {
    LPE_FUZZ_CHECK(verdict.accepted(), "200 for a body the validator rejects\n" + context);
    const auto body = nlohmann::json::parse(resp.body, nullptr, false);
    const auto page = verdict.decoded.find("maxResults");
    const size_t page_size = page != verdict.decoded.end() ? page->get<size_t>() : 50;
    LPE_FUZZ_CHECK(body.is_object() && body.contains("events") && body["events"].is_array() &&
                       body["events"].size() <= page_size,
                   "page larger than " + std::to_string(page_size) + "\n" + context);
  } else if (!verdict.accepted() && resp.status != 403 && resp.status != 404 &&
             resp.status != 405 && resp.status != 413 && resp.status != 415) {
    LPE_FUZZ_CHECK(resp.status == verdict.status && resp.error_type == verdict.error_type,
                   "validator says " + std::string(verdict.error_type) + "\n" + context);
  }
  return resp;
}

nlohmann::ordered_json list_request(FuzzInput& in) {
  const Fixture& f = fixture();
  nlohmann::ordered_json body = nlohmann::ordered_json::object();
  const size_t which = in.integer(0, f.scopes.size());
  static constexpr std::array<std::string_view, 3> kMembers = {"stageArn", "sessionId",
                                                               "participantId"};
  for (size_t i = 0; i < kMembers.size(); ++i) {
    if (which < f.scopes.size() && i < f.scopes[which].values.size()) {
      body[kMembers[i]] = f.scopes[which].values[i];
    } else {
      body[kMembers[i]] = header_value(std::string(in.string(40)));
    }
  }
  const uint64_t page = in.integer(0, 102);  // 0: omitted, else 0..101 (both range ends)
  if (page != 0) body["maxResults"] = page - 1;
  return body;
}

// Fuzzer bytes in unknown scope values may be invalid UTF-8: written as U+FFFD.
std::string dump(const nlohmann::ordered_json& body) {
  return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::optional<std::string> next_token(const mock::MockResponse& resp) {
  if (resp.status != 200) return std::nullopt;
  const auto body = nlohmann::json::parse(resp.body, nullptr, false);
  if (!body.is_object() || !body.contains("nextToken") || !body["nextToken"].is_string()) {
    return std::nullopt;
  }
  return body["nextToken"].get<std::string>();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInputSize) return -1;  // not added to the corpus
  const Fixture& f = fixture();
  FuzzInput in(data, size);
  const uint8_t control = in.byte();
  const int body_kind = control & 3;
  const bool use_sigv4 = (control & 4) != 0;
  const bool add_json_type = (control & 8) != 0;
  const bool sign = use_sigv4 && (control & 16) != 0;
  const mock::MockHandler& handler = use_sigv4 ? *f.sigv4 : *f.open;
  const Clock::time_point now = kT0 + std::chrono::seconds(in.integer(0, 2 * 86400));

  mock::MockRequest req;
  req.method = pick_or_bytes(in, kMethods, 12);
  req.target = pick_or_bytes(in, kTargets, 64);
  req.headers.emplace_back("Host", "ivsrealtime.us-east-1.amazonaws.com");
  if (add_json_type) req.headers.emplace_back("Content-Type", "application/json");
  const size_t header_count = in.integer(0, 8);
  for (size_t i = 0; i < header_count; ++i) {
    std::string name = header_name(pick_or_bytes(in, kHeaderNames, 24));
    req.headers.emplace_back(std::move(name), header_value(pick_or_bytes(in, kHeaderValues, 96)));
  }

  if (body_kind == 0 || body_kind == 3) {
    req.body = std::string(in.rest());
    send(handler, std::move(req), sign, now);
    return 0;
  }

  nlohmann::ordered_json body = list_request(in);
  req.body = dump(body);
  const mock::MockResponse first = send(handler, req, sign, now);
  const std::optional<std::string> token = next_token(first);
  if (body_kind != 2 || !token) return 0;

  // The next page: the token kept, edited, or used with another list or page size.
  std::string sent_token = *token;
  bool same_list = true;
  switch (in.integer(0, 3)) {
    case 0:
      break;
    case 1: {
      const size_t at = in.integer(0, sent_token.size() - 1);
      sent_token[at] = static_cast<char>(in.byte());
      break;
    }
    case 2: {
      const nlohmann::ordered_json other = list_request(in);
      for (const auto& member : {"stageArn", "sessionId", "participantId"}) {
        if (other[member] != body[member]) same_list = false;
        body[member] = other[member];
      }
      break;
    }
    default: {
      const uint64_t page = in.integer(1, 100);
      body["maxResults"] = page;
      break;
    }
  }
  body["nextToken"] = sent_token;
  req.body = dump(body);
  const mock::MockResponse second = send(handler, req, sign, now);
  const std::string context =
      "first page:\n" + describe(first) + "\nnext:\n" + escape(req.body) + "\n" + describe(second);
  if (sent_token == *token && same_list) {
    LPE_FUZZ_CHECK(second.status == 200, "the next page was refused\n" + context);
    const mock::MockResponse again = send(handler, req, sign, now);
    LPE_FUZZ_CHECK(again.body == second.body,
                   "the same token gave another page\n" + context + "\nagain:\n" + describe(again));
  } else {
    LPE_FUZZ_CHECK(second.status == 400 && second.error_type == "ValidationException",
                   "an edited or re-bound token was not a 400 ValidationException\n" + context);
  }
  return 0;
}
