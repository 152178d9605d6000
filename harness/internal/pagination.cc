// Pagination walks, their comparison, and the pagination jobs.
#include "harness/internal/pagination.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <mutex>
#include <set>

#include "harness/internal/budget.h"
#include "harness/internal/data_oracle.h"
#include "harness/internal/judge.h"
#include "harness/internal/recorder.h"
#include "harness/internal/scheduler.h"
#include "harness/internal/tokens.h"

namespace lpe::harness::internal {
namespace {

using Json = nlohmann::ordered_json;

std::string size_phrase(int64_t page_size, const char* default_phrase) {
  return page_size > 0 ? "page size " + std::to_string(page_size) : default_phrase;
}

// One walk in progress: the target, its page size and limit, the tokens seen so far.
struct Walker {
  const RunParts& parts;
  Transport& client;
  const Target& t;
  std::string target;
  int64_t limit = -1;
  std::string size_label;
  std::set<std::string> seen;
  std::optional<std::string> token;
  Walk w;
};

// Sends and judges page `page` of a walk and adds its items; returns the next token, or nothing
// when the walk ends (its last page, or a failure recorded).
std::optional<std::string> walk_page(Walker& k, size_t page) {
  const auto& p = *k.parts.op.operation->paginated;
  const std::string page_label = k.size_label + ", page " + std::to_string(page + 1);
  const std::string body = scope_body(k.parts.op, k.t, k.w.page_size, k.token);
  const Received r = k.parts.session.send(k.client, k.parts.session.post(body));
  std::vector<Observation> obs;
  k.parts.judge.judge_response(r, obs);
  const Expectation expected{200, "", {}, "walk_consistency"};
  k.parts.recorder.write_record(r, expected, k.target);
  if (const auto problem = Judge::expectation_problem(r, expected)) {
    obs.push_back({"walk_consistency", true, spec::Severity::kMust,
                   page_label + " request failed: " + *problem});
    k.parts.recorder.record(obs, r, k.target);
    return std::nullopt;
  }
  auto view = validators::read_page(r.response.body, p.items, p.output_token);
  if (!view || !view->items_present) {
    k.parts.recorder.record(obs, r, k.target);  // response_schema reports the shape
    return std::nullopt;
  }
  if (k.limit >= 0 && k.parts.selection.selected("page_size_bound")) {
    const bool over = static_cast<int64_t>(view->items.size()) > k.limit;
    obs.push_back({"page_size_bound", over, spec::Severity::kMust,
                   over ? k.size_label + ": page " + std::to_string(page + 1) + " holds " +
                              std::to_string(view->items.size()) + " items (limit " +
                              std::to_string(k.limit) + ")"
                        : ""});
  }
  k.parts.judge.judge_items_match_request(body, r.response.body, obs);
  k.w.page_starts.push_back(k.w.items.size());
  for (auto& item : view->items) k.w.items.push_back(std::move(item));
  std::optional<std::string> next;
  if (view->token && !view->token->empty()) next = view->token;
  if (next && !k.seen.insert(*next).second) {
    obs.push_back({"termination", true, spec::Severity::kMust,
                   k.size_label + ": page " + std::to_string(page + 1) +
                       " returned a token the walk already used (a paginator would loop forever)"});
    k.parts.recorder.record(obs, r, k.target);
    return std::nullopt;
  }
  if (next) k.w.tokens.push_back(*next);
  if (!next) {
    if (view->token) {
      // Clients stop on "" too, but R10 says the last page has no token at all.
      obs.push_back(
          {"termination", true, spec::Severity::kShould,
           k.size_label + ": the last page carries an empty token; R10 says it has none"});
    } else {
      obs.push_back(pass("termination"));
    }
    k.w.complete = true;
  }
  k.parts.recorder.record(obs, r, k.target);
  return next;
}

// Walks target `t` with `page_size` until the last page, a failure, --max-pages or --max-time.
Walk walk(const RunParts& parts, Transport& client, const Target& t, int64_t page_size) {
  Walker k{parts, client, t, t.label(), -1, "", {}, std::nullopt, {}};
  k.w.page_size = page_size;
  k.limit = page_size > 0 ? page_size : parts.op.default_page_size().value_or(-1);
  k.size_label = size_phrase(page_size, "default page size");
  for (size_t page = 0;; ++page) {
    if (parts.session.out_of_time()) return k.w;
    if (const auto cap = walk_page_cap(parts.options, page_size); cap && page >= *cap) {
      // The plan's page budget (--max-requests): the walk is shortened, not failed.
      k.w.shortened = true;
      parts.session.note_shortened_walk(
          k.target + ", " + k.size_label + ": stopped after " + std::to_string(page) +
          (page == 1 ? " page (" : " pages (") + std::to_string(k.w.items.size()) +
          (k.w.items.size() == 1 ? " item" : " items") + ") by the page budget");
      return k.w;
    }
    if (page >= parts.options.max_pages) {
      Received none;
      parts.recorder.record({{"termination", true, spec::Severity::kMust,
                              "walk with " + k.size_label + " did not end after " +
                                  std::to_string(parts.options.max_pages) + " pages"}},
                            none, k.target);
      return k.w;
    }
    auto next = walk_page(k, page);
    if (!next) return k.w;
    k.token = std::move(next);
  }
}

// expected_data: every complete walk of a target with declared items gives exactly those.
void compare_with_data(const RunParts& parts, size_t target_index, const std::vector<Walk>& walks) {
  const Target& t = parts.options.targets[target_index];
  const spec::Shape* item = item_shape_of(parts.op);
  if (t.expected_items == nullptr || item == nullptr) return;
  DataOracle oracle(parts.op, *item, t);
  Received none;
  for (const auto& w : walks) {
    if (!w.complete) continue;
    const auto difference =
        oracle.difference(w.items, w.page_starts,
                          "walking with " + size_phrase(w.page_size, "the default page size"));
    parts.recorder.record(
        {difference ? Observation{"expected_data", true, spec::Severity::kMust, *difference}
                    : pass("expected_data")},
        none, t.label());
  }
}

void compare_walks(const RunParts& parts, size_t target_index, const std::vector<Walk>& walks) {
  const std::string target = parts.options.targets[target_index].label();
  const bool shortened =
      std::any_of(walks.begin(), walks.end(), [](const Walk& w) { return w.shortened; });
  const std::vector<Walk> cut = shortened ? common_prefix(walks) : std::vector<Walk>{};
  const std::vector<Walk>& compared = shortened ? cut : walks;
  const Walk* reference = reference_walk(compared);
  if (reference == nullptr) return;
  Received none;
  for (const auto& w : compared) {
    if (!w.complete || &w == reference) continue;
    if (const auto difference = walk_difference(w, *reference)) {
      parts.recorder.record({{"walk_consistency", true, spec::Severity::kMust, *difference}}, none,
                            target);
    } else {
      parts.recorder.record({pass("walk_consistency")}, none, target);
    }
  }
}

}  // namespace

std::vector<Walk> common_prefix(const std::vector<Walk>& walks) {
  std::vector<Walk> out;
  size_t common = SIZE_MAX;
  for (const auto& w : walks) {
    if (w.complete || w.shortened) common = std::min(common, w.items.size());
  }
  for (const auto& w : walks) {
    if (!w.complete && !w.shortened) continue;
    Walk c = w;
    c.items.resize(common);
    c.page_starts.erase(std::remove_if(c.page_starts.begin(), c.page_starts.end(),
                                       [&](size_t start) { return start >= common; }),
                        c.page_starts.end());
    c.complete = true;
    out.push_back(std::move(c));
  }
  return out;
}

const Walk* reference_walk(const std::vector<Walk>& walks) {
  const Walk* reference = nullptr;
  for (const auto& w : walks) {
    if (!w.complete) continue;
    if (reference == nullptr || (w.page_size > reference->page_size)) reference = &w;
  }
  return reference;
}

std::optional<std::string> walk_difference(const Walk& w, const Walk& reference) {
  if (w.items == reference.items) return std::nullopt;
  const std::string label = size_phrase(w.page_size, "the default page size");
  const std::string ref_label = size_phrase(reference.page_size, "the default page size");
  size_t i = 0;
  while (i < w.items.size() && i < reference.items.size() && w.items[i] == reference.items[i]) ++i;
  std::string diagnosis;
  if (i < w.items.size() && i > 0 && w.items[i] == w.items[i - 1] &&
      w.items.size() > reference.items.size()) {
    diagnosis = "item " + std::to_string(i) + " is duplicated (" + w.items[i].substr(0, 200) + ")";
  } else if (i < reference.items.size() &&
             (i + 1 >= w.items.size() + 1 || w.items.size() < reference.items.size())) {
    diagnosis =
        "item " + std::to_string(i) + " is missing (" + reference.items[i].substr(0, 200) + ")";
  } else {
    diagnosis = "item " + std::to_string(i) + " differs";
  }
  // Is the divergence at a page boundary?
  const bool boundary =
      std::find(w.page_starts.begin(), w.page_starts.end(), i) != w.page_starts.end();
  return "walking with " + label + " gives " + std::to_string(w.items.size()) + " items, with " +
         ref_label + " " + std::to_string(reference.items.size()) + ": " + diagnosis +
         (boundary ? " at a page boundary" : "");
}

namespace {

// Appends `s` as a JSON string. Bytes are copied as they are (a token is sent back exactly as
// the endpoint gave it); only what JSON requires is escaped.
void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += ch;
    }
  }
  out += '"';
}

}  // namespace

// Written directly rather than through a JSON document: every page of every walk builds one,
// and long tokens made the document's serializer a tenth of the harness's work.
std::string scope_body(const spec::OperationView& op, const Target& t, int64_t page_size,
                       const std::optional<std::string>& token) {
  std::string body = "{";
  const auto member = [&body](const std::string& name) {
    if (body.size() > 1) body += ',';
    append_json_string(body, name);
    body += ':';
  };
  for (size_t i = 0; i < op.list_scope.size() && i < t.scope_values.size(); ++i) {
    member(op.list_scope[i]->name);
    append_json_string(body, t.scope_values[i]);
  }
  const auto& p = *op.operation->paginated;
  if (page_size > 0 && !p.page_size.empty()) {
    member(p.page_size);
    body += std::to_string(page_size);
  }
  if (token) {
    member(p.input_token);
    append_json_string(body, *token);
  }
  body += '}';
  return body;
}

std::vector<int64_t> walk_page_sizes(const spec::OperationView& op) {
  std::vector<int64_t> sizes;
  const auto& p = *op.operation->paginated;
  const spec::Member* m = p.page_size.empty() ? nullptr : op.input->member(p.page_size);
  if (m != nullptr) {
    int64_t lo = 1, hi = 100;
    if (m->constraints.range && m->constraints.range->min)
      lo = static_cast<int64_t>(std::ceil(*m->constraints.range->min));
    if (m->constraints.range && m->constraints.range->max)
      hi = static_cast<int64_t>(std::floor(*m->constraints.range->max));
    lo = std::max<int64_t>(lo, 1);
    for (int64_t s : {lo, int64_t{2}, int64_t{7}, op.default_page_size().value_or(50), hi}) {
      if (s >= lo && s <= hi && std::find(sizes.begin(), sizes.end(), s) == sizes.end())
        sizes.push_back(s);
    }
  }
  sizes.push_back(-1);  // page size omitted
  return sizes;
}

void run_pagination(const RunParts& parts, int workers) {
  const auto& sel = parts.selection;
  // The response checks judge every page of every walk too (an event on page 3 counts as much
  // as one on page 1), so walks run when they are selected alone.
  const bool responses = sel.family_selected(CheckFamily::kResponses);
  if (!parts.op.operation->paginated || parts.options.targets.empty() ||
      !(sel.family_selected(CheckFamily::kPagination) || responses))
    return;
  const auto sizes = walk_page_sizes(parts.op);
  const bool walks = sel.selected("walk_consistency") || sel.selected("page_size_bound") ||
                     sel.selected("termination") || sel.selected("token_format") ||
                     sel.selected("expected_data") || responses;
  const bool tokens = sel.selected("token_replay") || sel.selected("token_binding") ||
                      sel.selected("token_tamper") || sel.selected("empty_token_is_first_page");
  struct Job {
    size_t target;
    int64_t page_size;
    bool token_checks;  // after the walk, the token checks on its tokens
  };
  std::vector<Job> jobs;
  for (size_t t = 0; t < parts.options.targets.size(); ++t) {
    // The smallest page size gives the longest walk: the token checks use its tokens.
    if (walks || tokens) jobs.push_back({t, sizes.front(), tokens});
    if (!walks) continue;
    for (size_t i = 1; i < sizes.size(); ++i) jobs.push_back({t, sizes[i], false});
  }
  // Longest walks first (smallest page sizes): the size-1 walk of the largest list, then its
  // token checks, is the critical path of a run.
  std::stable_sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) {
    const auto rank = [](int64_t s) { return s < 0 ? INT64_MAX : s; };
    return rank(a.page_size) < rank(b.page_size);
  });
  parts.progress.plan(jobs.size());
  std::map<size_t, std::vector<Walk>> results;
  std::mutex results_mutex;
  parallel_for(
      jobs.size(), workers, [&] { return parts.session.new_transport(); },
      [&] { return parts.session.out_of_time(); },
      [&](Transport& client, size_t i) {
        const auto& job = jobs[i];
        Walk w = walk(parts, client, parts.options.targets[job.target], job.page_size);
        // Under a request budget the plan may give token checks to the first targets only.
        if (job.token_checks && gets_token_checks(parts.options, job.target))
          token_checks(parts, client, job.target, w);
        {
          std::lock_guard<std::mutex> lock(results_mutex);
          results[job.target].push_back(std::move(w));
        }
        parts.progress.job_done();
      });
  for (auto& [target, walks_of_target] : results) {
    if (sel.selected("walk_consistency")) compare_walks(parts, target, walks_of_target);
    if (sel.selected("expected_data")) compare_with_data(parts, target, walks_of_target);
  }
  for (const auto& [target, walks_of_target] : results)
    parts.recorder.walked(parts.options.targets[target].label(), walks_of_target,
                          parts.op.default_page_size());
}

}  // namespace lpe::harness::internal
