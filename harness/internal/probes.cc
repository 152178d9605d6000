// The protocol (R12) and authentication (R13) probes.
#include "harness/internal/probes.h"

#include <functional>

#include "harness/internal/judge.h"
#include "harness/internal/pagination.h"
#include "harness/internal/recorder.h"
#include "harness/internal/scheduler.h"

namespace lpe::harness::internal {
namespace {

struct Probe {
  std::string label;
  OutgoingRequest request;
  Expectation expected;
};

std::vector<Probe> protocol_probes(const RunParts& parts) {
  const auto& http = *parts.op.operation->http;
  const auto status_of = [&](const char* type, int fallback) {
    const auto* e = parts.op.find_error(type);
    return e != nullptr && e->http_error ? *e->http_error : fallback;
  };
  std::vector<Probe> probes;
  OutgoingRequest other_method = parts.session.post("{}");
  other_method.method = http.method == "GET" ? "POST" : "GET";
  other_method.body.clear();
  other_method.headers.clear();
  probes.push_back(
      {other_method.method + " on " + http.uri, other_method,
       Expectation{status_of("MethodNotAllowedException", 405), "", {}, "content_type"}});
  OutgoingRequest other_path = parts.session.post("{}");
  other_path.path = http.uri + "NoSuchOperation";
  probes.push_back({"POST " + other_path.path, other_path,
                    Expectation{status_of("UnknownOperationException", 404),
                                "UnknownOperationException",
                                {},
                                "content_type"}});
  return probes;
}

struct AuthVariant {
  std::string label;
  std::string expected_type;
  std::function<void(OutgoingRequest&)> tweak;
};

std::vector<AuthVariant> auth_variants(const SigningOptions& sigv4) {
  wire::Credentials wrong = sigv4.credentials;
  wrong.secret_access_key += "x";
  wire::Credentials unknown = sigv4.credentials;
  unknown.access_key_id = "AKIALPECONFORMUNKNOWN";
  return {
      {"an unsigned request", "MissingAuthenticationTokenException",
       [](OutgoingRequest& r) { r.sign = false; }},
      {"a request signed with a wrong secret", "InvalidSignatureException",
       [wrong](OutgoingRequest& r) { r.credentials = wrong; }},
      {"a request signed with an unknown access key", "UnrecognizedClientException",
       [unknown](OutgoingRequest& r) { r.credentials = unknown; }},
      {"a request signed 20 minutes ago", "InvalidSignatureException",
       [](OutgoingRequest& r) {
         r.signing_time = std::chrono::system_clock::now() - std::chrono::minutes(20);
       }},
      {"a request with only a session token", "MissingAuthenticationTokenException",
       [](OutgoingRequest& r) {
         r.sign = false;
         r.headers.emplace_back("X-Amz-Security-Token", "FwoGZXIvYXdzEBYaDLpeConformToken");
       }},
  };
}

// The ignored_auth observation of one variant's exchange.
Observation judge_auth(const AuthVariant& v, const Received& r) {
  const auto type = r.transport_ok() ? validators::resolve_error_type(r.response).name : "";
  if (!r.transport_ok() || r.response.status != 403) {
    return {
        "ignored_auth", true, spec::Severity::kMust,
        v.label + " got " +
            (r.transport_ok() ? std::to_string(r.response.status) + (type.empty() ? "" : " " + type)
                              : r.exchange.transport_error) +
            ", expected 403 " + v.expected_type};
  }
  if (type != v.expected_type) {
    return {"ignored_auth", true, spec::Severity::kShould,
            v.label + " got 403 " + type + ", R13 names it " + v.expected_type};
  }
  return pass("ignored_auth");
}

}  // namespace

size_t protocol_probe_count() { return 2; }  // another method, an unknown path

size_t auth_probe_count() { return auth_variants(SigningOptions{}).size(); }

void run_protocol_probes(const RunParts& parts) {
  if (!parts.selection.selected("content_type") || !parts.op.operation->http) return;
  auto client = parts.session.new_transport();
  const auto probes = protocol_probes(parts);
  parts.progress.plan(probes.size());
  for (const auto& probe : probes) {
    if (parts.session.out_of_time()) return;
    const Received r = parts.session.send(*client, probe.request);
    std::vector<Observation> obs;
    parts.judge.judge_response(r, obs);
    const auto problem = Judge::expectation_problem(r, probe.expected);
    obs.push_back({"content_type", problem.has_value(), spec::Severity::kShould,
                   problem ? probe.label + ": " + *problem : ""});
    parts.recorder.write_record(r, probe.expected, "");
    parts.recorder.record(obs, r, "");
    parts.progress.job_done();
  }
}

void run_auth_probes(const RunParts& parts) {
  if (!parts.options.sigv4 || !parts.selection.selected("ignored_auth") ||
      parts.options.targets.empty())
    return;
  auto client = parts.session.new_transport();
  const Target& t = parts.options.targets.front();
  const std::string body = scope_body(parts.op, t, 0, std::nullopt);
  const auto variants = auth_variants(*parts.options.sigv4);
  parts.progress.plan(variants.size());
  for (const auto& v : variants) {
    if (parts.session.out_of_time()) return;
    OutgoingRequest req = parts.session.post(body);
    v.tweak(req);
    const Received r = parts.session.send(*client, req);
    std::vector<Observation> obs;
    parts.judge.judge_response(r, obs);
    obs.push_back(judge_auth(v, r));
    parts.recorder.write_record(r, Expectation{403, v.expected_type, {}, "ignored_auth"},
                                t.label());
    parts.recorder.record(obs, r, t.label());
    parts.progress.job_done();
  }
}

}  // namespace lpe::harness::internal
