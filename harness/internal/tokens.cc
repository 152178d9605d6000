// The token checks: empty_token_is_first_page, token_replay, token_binding, token_tamper.
#include "harness/internal/tokens.h"

#include <algorithm>
#include <cctype>

#include "generators/pattern.h"
#include "harness/internal/judge.h"
#include "harness/internal/pagination.h"
#include "harness/internal/recorder.h"

namespace lpe::harness::internal {
namespace {

using Json = nlohmann::ordered_json;

// Whether `value` is a valid value of `member` (the validators' one engine).
bool valid_scope_value(const spec::Member& member, const std::string& value) {
  std::string json;
  try {
    json = nlohmann::json(value).dump();
  } catch (const nlohmann::json::exception&) {
    return false;
  }
  return validators::check_value(member, json, validators::ValueMode::kData, member.name).empty();
}

// The first of `candidates` (in order) that is a valid value of `member`, else the first one
// marked as invalid; nothing when there are no candidates.
std::optional<std::pair<std::string, std::string>> pick_variant(
    const spec::Member& member, const std::string& label,
    const std::vector<std::string>& candidates) {
  for (const auto& c : candidates) {
    if (valid_scope_value(member, c)) return std::make_pair(label, c);
  }
  if (candidates.empty()) return std::nullopt;
  return std::make_pair(label + " (not a valid " + member.name + ")", candidates.front());
}

// The token checks of one target: its first page (at the smallest page size) and the token in
// use, from one position of the longest walk.
struct TokenProbe {
  const RunParts& parts;
  Transport& client;
  const Target& t;
  std::string target;
  int64_t one = 0;  // the page size asked for
  Json first_body;
  std::string token;        // the token probed
  std::string token_label;  // "the token for page 31 of 61"

  Received send(const Target& scope, const std::optional<std::string>& with_token) {
    return parts.session.send(client,
                              parts.session.post(scope_body(parts.op, scope, one, with_token)));
  }
  // The response checks on `r`, and on a 200 page the echoed members of its items (R9).
  void judge_page(const Target& scope, const std::optional<std::string>& with_token,
                  const Received& r, std::vector<Observation>& obs) const {
    parts.judge.judge_response(r, obs);
    if (r.transport_ok() && r.response.status == 200) {
      parts.judge.judge_items_match_request(scope_body(parts.op, scope, one, with_token),
                                            r.response.body, obs);
    }
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
  // Sends `token_text` with `scope`, expects a ValidationException and records `check`'s
  // observation; `what` says what was sent.
  void expect_refusal(const Target& scope, const std::string& token_text, const std::string& check,
                      const std::string& what) {
    const Received r = send(scope, token_text);
    std::vector<Observation> obs;
    judge_page(scope, token_text, r, obs);
    const Expectation e{validation_status(), "ValidationException", {}, check};
    const auto problem = Judge::expectation_problem(r, e);
    obs.push_back(
        {check, problem.has_value(), spec::Severity::kMust, problem ? what + ": " + *problem : ""});
    parts.recorder.write_record(r, e, target);
    parts.recorder.record(obs, r, target);
  }
};

void check_empty_token(TokenProbe& k) {
  const Received r = k.send(k.t, std::string());
  std::vector<Observation> obs;
  k.judge_page(k.t, std::string(), r, obs);
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
  k.judge_page(k.t, k.token, a, obs);
  k.judge_page(k.t, k.token, b, obs);
  const auto problem = Judge::expectation_problem(a, Expectation{200, "", {}, ""});
  const bool same = !problem && b.transport_ok() && b.response.status == 200 &&
                    k.same_page(parse_peer_json(a.response.body), parse_peer_json(b.response.body));
  obs.push_back({"token_replay", !same, spec::Severity::kMust,
                 problem
                     ? "the endpoint rejected its own token (" + k.token_label + "): " + *problem
                 : same ? ""
                        : "the same token (" + k.token_label + ") gave two different pages"});
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

// The token used with another value of each list-scope member in turn: another target's, and
// near variants of its own (R10: any other value is a 400 ValidationException).
void check_token_binding(TokenProbe& k) {
  for (size_t level = 0; level < k.parts.op.list_scope.size(); ++level) {
    const spec::Member& member = *k.parts.op.list_scope[level];
    const std::string& own = k.t.scope_values[level];
    auto values = scope_variants(member, own);
    values.insert(values.begin(),
                  {"another target's value", other_scope_value(k.parts, k.t, level)});
    for (const auto& [label, value] : values) {
      if (value == own) continue;
      Target other = k.t;
      other.scope_values[level] = value;
      k.expect_refusal(other, k.token, "token_binding",
                       "a token issued for " + k.target + " (" + k.token_label +
                           ") used with another " + member.name + " '" + value + "' (" + label +
                           ")");
    }
  }
}

void check_token_tamper(TokenProbe& k) {
  for (const auto& [label, variant] : tampered_tokens(k.token, k.parts.options.seed)) {
    if (variant == k.token) continue;
    k.expect_refusal(k.t, variant, "token_tamper", label + " of " + k.token_label);
  }
}

}  // namespace

std::vector<size_t> probe_positions(size_t token_count) {
  std::vector<size_t> out;
  if (token_count == 0) return out;
  for (size_t i : {size_t{0}, token_count / 2, token_count - 1}) {
    if (std::find(out.begin(), out.end(), i) == out.end()) out.push_back(i);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> scope_variants(const spec::Member& member,
                                                                const std::string& value) {
  std::vector<std::string> cased, changed, appended;
  for (size_t i = value.size(); i-- > 0;) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    std::string v = value;
    if (std::isalpha(c)) {
      v[i] = static_cast<char>(std::islower(c) ? std::toupper(c) : std::tolower(c));
      cased.push_back(v);
      v[i] = static_cast<char>(c == 'z' ? 'y' : c == 'Z' ? 'Y' : c + 1);
      changed.push_back(v);
    } else if (std::isdigit(c)) {
      v[i] = static_cast<char>(c == '9' ? '8' : c + 1);
      changed.push_back(v);
    }
  }
  for (const char c : {'x', '0', '-', 'X', '_'}) appended.push_back(value + c);
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& [label, candidates] :
       {std::pair{"its case changed", &cased}, std::pair{"one character changed", &changed},
        std::pair{"a character appended", &appended}}) {
    if (auto picked = pick_variant(member, label, *candidates); picked && picked->second != value)
      out.push_back(std::move(*picked));
  }
  return out;
}

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

void token_checks(const RunParts& parts, Transport& client, size_t target_index,
                  const Walk& longest) {
  const auto& p = *parts.op.operation->paginated;
  const Target& t = parts.options.targets[target_index];
  TokenProbe k{parts, client, t, t.label(), 0, Json(), "", ""};
  k.one = longest.page_size;
  // The first page without a token, judged like every page.
  const Received first = k.send(t, std::nullopt);
  {
    std::vector<Observation> obs;
    k.judge_page(t, std::nullopt, first, obs);
    parts.recorder.record(obs, first, k.target);
  }
  k.first_body = parse_peer_json(first.response.body);
  if (!first.transport_ok() || first.response.status != 200 || !k.first_body.is_object()) return;
  std::vector<std::string> tokens = longest.tokens;
  if (const auto it = k.first_body.find(p.output_token);
      tokens.empty() && it != k.first_body.end() && it->is_string() &&
      !it->get<std::string>().empty()) {
    tokens.push_back(it->get<std::string>());
  }
  if (parts.selection.selected("empty_token_is_first_page")) check_empty_token(k);
  const std::string pages =
      longest.complete ? " of " + std::to_string(longest.tokens.size() + 1) : "";
  auto positions = probe_positions(tokens.size());
  // Under a request budget the plan may probe fewer positions: the later ones are kept.
  if (positions.size() > parts.options.token_probe_positions)
    positions.erase(positions.begin(),
                    positions.end() - static_cast<std::ptrdiff_t>(std::max<size_t>(
                                          1, parts.options.token_probe_positions)));
  for (const size_t i : positions) {
    if (parts.session.out_of_time()) return;
    k.token = tokens[i];
    k.token_label = "the token for page " + std::to_string(i + 2) + pages;
    if (parts.selection.selected("token_replay")) check_token_replay(k);
    if (parts.selection.selected("token_binding")) check_token_binding(k);
    if (parts.selection.selected("token_tamper")) check_token_tamper(k);
  }
}

}  // namespace lpe::harness::internal
