// The token checks: empty_token_is_first_page, token_replay, token_binding, token_tamper.
#include "harness/internal/tokens.h"

#include "generators/pattern.h"
#include "harness/internal/judge.h"
#include "harness/internal/pagination.h"
#include "harness/internal/recorder.h"

namespace lpe::harness::internal {
namespace {

using Json = nlohmann::ordered_json;

// The token checks of one target: its first page (at the smallest page size) and its token.
struct TokenProbe {
  const RunParts& parts;
  Transport& client;
  const Target& t;
  std::string target;
  int64_t one = 0;  // the page size asked for
  Json first_body;
  std::optional<std::string> token;

  Received send(const Target& scope, const std::optional<std::string>& with_token) {
    return parts.session.send(client,
                              parts.session.post(scope_body(parts.op, scope, one, with_token)));
  }
  // Two pages are the same: the same items, and both with or both without a next token.
  bool same_page(const Json& a, const Json& b) const {
    const auto& p = *parts.op.operation->paginated;
    const auto items_a = a.is_object() && a.contains(p.items) ? a[p.items] : Json();
    const auto items_b = b.is_object() && b.contains(p.items) ? b[p.items] : Json();
    const auto has_token = [&](const Json& page) {
      return page.is_object() && page.contains(p.output_token) &&
             page[p.output_token].is_string() && !page[p.output_token].get<std::string>().empty();
    };
    return items_a == items_b && has_token(a) == has_token(b);
  }
  int validation_status() const {
    const auto validation = parts.op.find_error("ValidationException");
    return validation && validation->http_error ? *validation->http_error : 400;
  }
  // Judges `r` against `e`, adds `check`'s observation, writes and records it.
  void conclude(const Received& r, const Expectation& e, Observation check_observation,
                std::vector<Observation>& obs) {
    obs.push_back(std::move(check_observation));
    parts.recorder.write_record(r, e, target);
    parts.recorder.record(obs, r, target);
  }
};

void check_empty_token(TokenProbe& k) {
  const Received r = k.send(k.t, std::string());
  std::vector<Observation> obs;
  k.parts.judge.judge_response(r, obs);
  const auto problem = Judge::expectation_problem(r, Expectation{200, "", {}, ""});
  const bool same = !problem && k.same_page(parse_peer_json(r.response.body), k.first_body);
  obs.push_back({"empty_token_is_first_page", !same, spec::Severity::kShould,
                 problem ? "an empty token was not accepted: " + *problem
                 : same  ? ""
                         : "an empty token gave a different page than no token"});
  k.parts.recorder.write_record(r, Expectation{200, "", {}, "empty_token_is_first_page"}, k.target);
  k.parts.recorder.record(obs, r, k.target);
}

void check_token_replay(TokenProbe& k) {
  const Received a = k.send(k.t, k.token);
  const Received b = k.send(k.t, k.token);
  std::vector<Observation> obs;
  k.parts.judge.judge_response(a, obs);
  k.parts.judge.judge_response(b, obs);
  const auto problem = Judge::expectation_problem(a, Expectation{200, "", {}, ""});
  const bool same = !problem && b.transport_ok() && b.response.status == 200 &&
                    k.same_page(parse_peer_json(a.response.body), parse_peer_json(b.response.body));
  obs.push_back({"token_replay", !same, spec::Severity::kMust,
                 problem ? "the endpoint rejected its own token: " + *problem
                 : same  ? ""
                         : "the same token gave two different pages"});
  k.parts.recorder.write_record(a, Expectation{200, "", {}, "token_replay"}, k.target);
  k.parts.recorder.record(obs, same ? a : b, k.target);
}

// Another value for scope level `level` of `t`: another target's, else one drawn from the
// member's pattern; `t`'s own value when there is none.
std::string other_scope_value(const RunParts& parts, const Target& t, size_t level) {
  const std::string& own = t.scope_values[level];
  for (const auto& candidate : parts.options.targets) {
    if (candidate.scope_values[level] != own) return candidate.scope_values[level];
  }
  const auto& c = parts.op.list_scope[level]->constraints;
  if (!c.pattern) return own;
  const auto compiled = generators::CompiledPattern::parse(c.pattern->source);
  if (!compiled) return own;
  generators::LengthBounds bounds;
  if (c.length && c.length->min) bounds.min = static_cast<uint64_t>(*c.length->min);
  if (c.length && c.length->max) bounds.max = static_cast<uint64_t>(*c.length->max);
  std::string value = own;
  for (uint64_t s = 1; s < 50 && value == own; ++s) {
    generators::SeededChoiceSource choices(parts.options.seed + s);
    if (auto v = generators::generate(*compiled, bounds, choices)) value = *v;
  }
  return value;
}

void check_token_binding(TokenProbe& k) {
  for (size_t level = 0; level < k.parts.op.list_scope.size(); ++level) {
    Target other = k.t;
    other.scope_values[level] = other_scope_value(k.parts, k.t, level);
    if (other.scope_values[level] == k.t.scope_values[level]) continue;
    const Received r = k.send(other, k.token);
    std::vector<Observation> obs;
    k.parts.judge.judge_response(r, obs);
    const Expectation e{k.validation_status(), "ValidationException", {}, "token_binding"};
    const auto problem = Judge::expectation_problem(r, e);
    k.conclude(r, e,
               {"token_binding", problem.has_value(), spec::Severity::kMust,
                problem ? "a token issued for " + k.target + " used with another " +
                              k.parts.op.list_scope[level]->name + " (" +
                              other.scope_values[level] + "): " + *problem
                        : ""},
               obs);
  }
}

void check_token_tamper(TokenProbe& k) {
  for (const auto& [label, variant] : tampered_tokens(*k.token, k.parts.options.seed)) {
    if (variant == *k.token) continue;
    const Received r = k.send(k.t, variant);
    std::vector<Observation> obs;
    k.parts.judge.judge_response(r, obs);
    const Expectation e{k.validation_status(), "ValidationException", {}, "token_tamper"};
    const auto problem = Judge::expectation_problem(r, e);
    k.conclude(r, e,
               {"token_tamper", problem.has_value(), spec::Severity::kMust,
                problem ? label + ": " + *problem : ""},
               obs);
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> tampered_tokens(const std::string& tk,
                                                                 uint64_t seed) {
  std::vector<std::pair<std::string, std::string>> variants;
  auto flip = [](std::string s, size_t i) {
    s[i] = s[i] == 'A' ? 'B' : 'A';
    return s;
  };
  variants.emplace_back("a flipped first character", flip(tk, 0));
  variants.emplace_back("a flipped middle character", flip(tk, tk.size() / 2));
  variants.emplace_back("a flipped last character", flip(tk, tk.size() - 1));
  if (tk.size() > 1) variants.emplace_back("a truncated token", tk.substr(0, tk.size() - 1));
  if (tk.size() > 2) variants.emplace_back("a token cut in half", tk.substr(0, tk.size() / 2));
  if (tk.size() + 4 <= 1024) variants.emplace_back("an extended token", tk + "AAAA");
  std::string foreign;
  uint64_t x = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (size_t i = 0; i < tk.size(); ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    foreign += kAlphabet[(x >> 33) % 64];
  }
  variants.emplace_back("a foreign token of the same length", foreign);
  return variants;
}

void token_checks(const RunParts& parts, Transport& client, size_t target_index) {
  const auto& p = *parts.op.operation->paginated;
  const Target& t = parts.options.targets[target_index];
  TokenProbe k{parts, client, t, t.label(), 0, Json(), std::nullopt};
  k.one = p.page_size.empty() ? 0 : walk_page_sizes(parts.op).front();
  // The first page, and its token.
  const Received first = k.send(t, std::nullopt);
  k.first_body = parse_peer_json(first.response.body);
  if (!first.transport_ok() || first.response.status != 200 || !k.first_body.is_object()) return;
  if (const auto it = k.first_body.find(p.output_token);
      it != k.first_body.end() && it->is_string() && !it->get<std::string>().empty()) {
    k.token = it->get<std::string>();
  }
  if (parts.selection.selected("empty_token_is_first_page")) check_empty_token(k);
  if (!k.token) return;  // a single page: nothing more to check with tokens
  if (parts.selection.selected("token_replay")) check_token_replay(k);
  if (parts.selection.selected("token_binding")) check_token_binding(k);
  if (parts.selection.selected("token_tamper")) check_token_tamper(k);
}

}  // namespace lpe::harness::internal
