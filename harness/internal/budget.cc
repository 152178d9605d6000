// The run plan and the request budget.
#include "harness/internal/budget.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "harness/internal/coverage.h"
#include "harness/internal/pagination.h"
#include "harness/internal/probes.h"
#include "harness/internal/requests.h"
#include "harness/internal/tokens.h"

namespace lpe::harness::internal {
namespace {

// Random cases per family a budget keeps before it gives room to the coverage cases.
constexpr uint64_t kRandomCasesFloor = 10;

std::string targets_phrase(size_t n) {
  return std::to_string(n) + (n == 1 ? " target" : " targets");
}

bool runs_pagination(const PlanInputs& in) {
  return in.op.operation->paginated && !in.options.targets.empty() &&
         in.selection.family_selected(CheckFamily::kPagination) && in.options.replay_path.empty();
}

bool runs_walks(const PlanInputs& in) {
  const auto& sel = in.selection;
  return runs_pagination(in) &&
         (sel.selected("walk_consistency") || sel.selected("page_size_bound") ||
          sel.selected("termination") || sel.selected("token_format"));
}

std::optional<PhaseDemand> reachability(const PlanInputs&) {
  return PhaseDemand{"setup", "reachability probe", 1};
}

std::optional<PhaseDemand> protocol_probes(const PlanInputs& in) {
  if (!in.selection.selected("content_type") || !in.op.operation->http ||
      !in.options.replay_path.empty())
    return std::nullopt;
  return PhaseDemand{"requests", "protocol probes", protocol_probe_count()};
}

std::optional<PhaseDemand> auth_probes(const PlanInputs& in) {
  if (!in.options.sigv4 || !in.selection.selected("ignored_auth") || in.options.targets.empty() ||
      !in.options.replay_path.empty())
    return std::nullopt;
  return PhaseDemand{"auth", "signature probes", auth_probe_count()};
}

// The coverage phase: one request per case the selection sends, before anything else random.
std::optional<PhaseDemand> coverage_phase(const PlanInputs& in) {
  const size_t n = std::min(in.coverage_cases, in.options.coverage_limit);
  if (n == 0) return std::nullopt;
  return PhaseDemand{"requests", "coverage phase, one request per case", n};
}

}  // namespace

std::vector<size_t> token_probe_order(const std::vector<Target>& targets) {
  std::vector<size_t> order(targets.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  // Longest lists first (an unknown length counts as long): their walks have the most tokens.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return targets[a].known_items.value_or(UINT64_MAX) >
           targets[b].known_items.value_or(UINT64_MAX);
  });
  return order;
}

bool gets_token_checks(const ConformOptions& options, size_t target_index) {
  if (options.token_probe_targets >= options.targets.size()) return true;
  const auto order = token_probe_order(options.targets);
  const auto at = std::find(order.begin(), order.end(), target_index);
  return static_cast<size_t>(at - order.begin()) < options.token_probe_targets;
}

uint64_t token_check_requests(const PlanInputs& in, size_t targets, size_t positions) {
  const auto sizes = walk_page_sizes(in.op);
  const int64_t smallest = sizes.empty() ? 1 : effective_page_size(in.op, sizes.front());
  const uint64_t tampered = tampered_tokens(std::string(64, 'A'), 0).size();
  const auto order = token_probe_order(in.options.targets);
  uint64_t total = 0;
  for (size_t n = 0; n < order.size() && n < targets; ++n) {
    const Target& t = in.options.targets[order[n]];
    uint64_t binding = 0;
    for (size_t level = 0; level < in.op.list_scope.size() && level < t.scope_values.size();
         ++level) {
      binding += 1 + scope_variants(*in.op.list_scope[level], t.scope_values[level]).size();
    }
    const size_t at =
        t.known_items ? probe_positions(pages_for(*t.known_items, smallest) - 1).size() : 3;
    total += 2 + std::min(at, positions) * (2 + binding + tampered);
  }
  return total;
}

namespace {

// Per target: the first page and an empty token; then at each probed token position (first,
// middle, last of the longest walk; three when the list's length is unknown) the token replayed
// twice, every binding variant of each list-scope member and every tampered form.
std::optional<PhaseDemand> token_probes(const PlanInputs& in) {
  if (!runs_pagination(in)) return std::nullopt;
  const size_t n = std::min(in.options.targets.size(), in.options.token_probe_targets);
  return PhaseDemand{"pagination", "token checks, " + targets_phrase(n),
                     token_check_requests(in, n, in.options.token_probe_positions)};
}

// Pages of one walk of list `t` when its walk covers at most `cap` items (0: no cap).
uint64_t walk_cost(const spec::OperationView& op, const Target& t, int64_t size, uint64_t cap) {
  const int64_t s = effective_page_size(op, size);
  if (!t.known_items) return pages_for(cap, s);
  return cap == 0 ? pages_for(*t.known_items, s)
                  : std::min(pages_for(*t.known_items, s), pages_for(cap, s));
}

uint64_t walks_cost(const spec::OperationView& op, const std::vector<Target>& targets,
                    const std::vector<int64_t>& sizes, uint64_t cap) {
  uint64_t total = 0;
  for (const auto& t : targets) {
    for (const int64_t s : sizes) total += walk_cost(op, t, s, cap);
  }
  return total;
}

bool all_known(const std::vector<Target>& targets) {
  return std::all_of(targets.begin(), targets.end(),
                     [](const Target& t) { return t.known_items.has_value(); });
}

// Shares `available` requests between the walks and the random cases (walks first, the random
// cases keeping a floor), writes the walk caps and the case count into `options`, and adds the
// plan lines.
void fit_walks_and_cases(const PlanInputs& in, ConformOptions& options, uint64_t available,
                         size_t families, RunPlan& plan) {
  const auto sizes = runs_walks(in) ? walk_page_sizes(in.op) : std::vector<int64_t>{};
  const uint64_t walk_minimum = walks_cost(in.op, options.targets, sizes, 1);
  const uint64_t per_family_floor = std::max<uint64_t>(
      1, std::min<uint64_t>(
             {static_cast<uint64_t>(options.cases),
              std::max<uint64_t>(kRandomCasesFloor, available / 4 / std::max<size_t>(families, 1)),
              families == 0 ? 1 : (available - walk_minimum) / families}));
  uint64_t walk_budget = available - per_family_floor * families;
  uint64_t walk_pages = 0;
  options.walk_page_caps.clear();
  if (!sizes.empty()) {
    const bool fits =
        all_known(options.targets) && walks_cost(in.op, options.targets, sizes, 0) <= walk_budget;
    uint64_t cap = 0;
    if (fits) {
      // Every list fits whole; a list longer than its file said still stops at the longest.
      for (const auto& t : options.targets) cap = std::max(cap, *t.known_items);
      for (const int64_t s : sizes) {
        options.walk_page_caps.emplace_back(s, pages_for(cap, effective_page_size(in.op, s)));
      }
      walk_pages = walks_cost(in.op, options.targets, sizes, 0);
    } else {
      cap = walk_item_cap(in.op, options.targets, sizes, walk_budget);
      for (const int64_t s : sizes) {
        options.walk_page_caps.emplace_back(s, pages_for(cap, effective_page_size(in.op, s)));
      }
      walk_pages = walks_cost(in.op, options.targets, sizes, cap);
      plan.notes.push_back("page budget: each walk stops after the pages " + std::to_string(cap) +
                           (cap == 1 ? " item needs" : " items need") +
                           " at its page size; a longer list's walks are reported as "
                           "shortened and compared on the items they saw");
    }
    plan.lines.push_back({"pagination",
                          "walks, " + std::to_string(sizes.size()) + " page sizes x " +
                              targets_phrase(options.targets.size()),
                          walk_pages, true});
  }
  walk_budget = walk_pages;
  if (families > 0) {
    const uint64_t per_family = std::min<uint64_t>(
        static_cast<uint64_t>(options.cases),
        std::max<uint64_t>(per_family_floor, (available - walk_budget) / families));
    options.cases = static_cast<int>(per_family);
    plan.lines.push_back(
        {"requests",
         "random cases, " + std::to_string(families) + " families x " + std::to_string(per_family),
         per_family * families, true});
  }
}

// Without a budget: the walks as they will run (pages counted when list sizes are known).
void plan_unbudgeted(const PlanInputs& in, size_t families, RunPlan& plan) {
  if (runs_walks(in)) {
    const auto sizes = walk_page_sizes(in.op);
    const bool known = all_known(in.options.targets);
    plan.lines.push_back({"pagination",
                          "walks, " + std::to_string(sizes.size()) + " page sizes x " +
                              targets_phrase(in.options.targets.size()) +
                              (known ? "" : " (list sizes unknown)"),
                          known ? walks_cost(in.op, in.options.targets, sizes, 0) : 0, known});
    if (!known) {
      plan.notes.push_back("walks run to the end of each list (at most --max-pages " +
                           std::to_string(in.options.max_pages) +
                           " pages each); --max-requests bounds them");
    }
  }
  if (families > 0) {
    plan.lines.push_back({"requests",
                          "random cases, " + std::to_string(families) + " families x " +
                              std::to_string(in.options.cases),
                          families * static_cast<uint64_t>(in.options.cases), true});
  }
}

}  // namespace

const std::vector<FixedPhase>& fixed_phases() {
  static const std::vector<FixedPhase> phases = {
      reachability, coverage_phase, protocol_probes, auth_probes, token_probes,
  };
  return phases;
}

uint64_t pages_for(uint64_t items, int64_t page_size) {
  const uint64_t s = page_size > 0 ? static_cast<uint64_t>(page_size) : 1;
  return std::max<uint64_t>(1, (items + s - 1) / s);
}

int64_t effective_page_size(const spec::OperationView& op, int64_t page_size) {
  return page_size > 0 ? page_size : op.default_page_size().value_or(50);
}

uint64_t walk_item_cap(const spec::OperationView& op, const std::vector<Target>& targets,
                       const std::vector<int64_t>& sizes, uint64_t budget) {
  if (walks_cost(op, targets, sizes, 1) > budget) return 0;
  uint64_t lo = 1, hi = 1;
  while (hi < (uint64_t{1} << 40) && walks_cost(op, targets, sizes, hi * 2) <= budget) hi *= 2;
  hi *= 2;  // walks_cost(hi) > budget, or hi is past any useful cap
  while (hi - lo > 1) {
    const uint64_t mid = lo + (hi - lo) / 2;
    (walks_cost(op, targets, sizes, mid) <= budget ? lo : hi) = mid;
  }
  return lo;
}

Result<uint64_t> fit_elastic_phases(const PlanInputs& in, ConformOptions& options,
                                    size_t families) {
  uint64_t probes = 0;
  for (const auto phase : {reachability, protocol_probes, auth_probes}) {
    if (auto demand = phase(in)) probes += demand->requests;
  }
  const auto sizes = runs_walks(in) ? walk_page_sizes(in.op) : std::vector<int64_t>{};
  const uint64_t walks_min = walks_cost(in.op, options.targets, sizes, 1);
  const bool tokens = runs_pagination(in);
  const uint64_t coverage_full = in.coverage_cases;
  const uint64_t tokens_min = tokens ? token_check_requests(in, 1, 1) : 0;
  const uint64_t minimum = probes + tokens_min + walks_min + families;
  // Random cases hold what no fixed phase does (implementation-defined bodies among them): a
  // few per family come before the coverage cases when the budget has room for them.
  const uint64_t cases_floor =
      families * std::min<uint64_t>(kRandomCasesFloor, static_cast<uint64_t>(options.cases));
  if (options.max_requests < minimum) {
    return fail("--max-requests " + std::to_string(options.max_requests) +
                " is too small for every selected check: at least " + std::to_string(minimum) +
                " requests (probes " + std::to_string(probes) + ", token checks on one target " +
                std::to_string(tokens_min) + ", one page per walk, one case per request family)");
  }
  const uint64_t spare =
      std::min<uint64_t>({options.max_requests / 20, 100, options.max_requests - minimum});
  uint64_t room = options.max_requests - spare - minimum;
  room -= std::min(room, cases_floor > families ? cases_floor - families : 0);
  // The coverage cases first, as many as fit; then the token checks at every position and on
  // more targets; the walks and the random cases share what is left.
  options.coverage_limit = std::min(coverage_full, room);
  room -= options.coverage_limit;
  size_t k = 1, p = 1;
  if (tokens) {
    const auto cost = [&](size_t targets, size_t positions) {
      return token_check_requests(in, targets, positions) - tokens_min;
    };
    if (cost(1, 3) <= room) p = 3;
    while (k < options.targets.size() && cost(k + 1, p) <= room) ++k;
    room -= cost(k, p);
  }
  options.token_probe_targets = k;
  options.token_probe_positions = p;
  return spare;
}

uint64_t add_fixed_lines(const PlanInputs& in, RunPlan& plan) {
  uint64_t fixed = 0;
  for (const auto phase : fixed_phases()) {
    if (auto demand = phase(in)) {
      fixed += demand->requests;
      plan.lines.push_back({demand->family, demand->phase, demand->requests, true});
    }
  }
  return fixed;
}

void note_elastic_cuts(const PlanInputs& in, const ConformOptions& options, RunPlan& plan) {
  if (options.coverage_limit < in.coverage_cases) {
    plan.notes.push_back("the budget holds " + std::to_string(options.coverage_limit) + " of " +
                         std::to_string(in.coverage_cases) +
                         " coverage cases (spread over every member and constraint; the "
                         "others are reported not sent)");
  }
  if (runs_pagination(in) &&
      (options.token_probe_targets < options.targets.size() || options.token_probe_positions < 3)) {
    plan.notes.push_back("token checks on " + std::to_string(options.token_probe_targets) + " of " +
                         targets_phrase(options.targets.size()) + ", " +
                         std::to_string(options.token_probe_positions) + " token position(s) each");
  }
}

std::optional<size_t> walk_page_cap(const ConformOptions& options, int64_t page_size) {
  for (const auto& [size, pages] : options.walk_page_caps) {
    if (size == page_size) return pages;
  }
  return std::nullopt;
}

}  // namespace lpe::harness::internal

namespace lpe::harness {

uint64_t RunPlan::total() const {
  uint64_t n = 0;
  for (const auto& line : lines) n += line.requests;
  return n;
}

bool RunPlan::bounded() const {
  return std::all_of(lines.begin(), lines.end(), [](const PlanLine& l) { return l.bounded; });
}

std::string RunPlan::text() const {
  std::ostringstream os;
  os << "plan: " << (bounded() ? "" : "at least ") << total() << " requests";
  if (max_requests > 0) os << " (--max-requests " << max_requests << ")";
  char buf[200];
  if (rate > 0) {
    std::snprintf(buf, sizeof buf, "; about %.0f s at %g requests/s",
                  static_cast<double>(total()) / rate, rate);
    os << buf;
  } else {
    os << "; no rate limit (loopback), so no duration estimate";
  }
  os << "\n";
  std::snprintf(buf, sizeof buf, "  %-11s %-48s %8s\n", "family", "phase", "requests");
  os << buf;
  for (const auto& line : lines) {
    const std::string count = line.bounded ? std::to_string(line.requests) : "?";
    std::snprintf(buf, sizeof buf, "  %-11s %-48s %8s\n", line.family.c_str(), line.phase.c_str(),
                  count.c_str());
    os << buf;
  }
  for (const auto& note : notes) os << "  note: " << note << "\n";
  return os.str();
}

nlohmann::ordered_json RunPlan::to_json() const {
  nlohmann::ordered_json out;
  out["maxRequests"] = max_requests;
  out["rate"] = rate;
  out["total"] = total();
  out["bounded"] = bounded();
  auto phases = nlohmann::ordered_json::array();
  for (const auto& l : lines) {
    phases.push_back({{"family", l.family}, {"phase", l.phase}, {"requests", l.requests}});
    if (!l.bounded) phases.back()["requests"] = nullptr;
  }
  out["phases"] = phases;
  out["notes"] = notes;
  return out;
}

Result<RunPlan> plan_run(std::shared_ptr<const spec::Model> model, const spec::OperationView& op,
                         ConformOptions& options) {
  RunPlan plan;
  plan.max_requests = options.max_requests;
  plan.rate = options.rate_limit;
  if (op.operation == nullptr || op.input == nullptr) return plan;
  const internal::CheckSelection selection(options);
  // The coverage cases come from the run's generators, made the way the run makes them.
  size_t coverage_cases = 0;
  if (model != nullptr && options.replay_path.empty()) {
    if (auto gens =
            generators::RequestGenerators::make(model, op, internal::run_generator_options(op)))
      coverage_cases = internal::coverage_requests(op, options, selection, *gens);
  }
  const internal::PlanInputs in{op, options, selection, coverage_cases};
  const size_t families =
      options.replay_path.empty() ? internal::selected_request_families(selection).size() : 0;
  uint64_t spare = 0;
  if (options.max_requests > 0) {
    auto fitted = internal::fit_elastic_phases(in, options, families);
    if (!fitted) return fitted.error();
    spare = *fitted;
  }
  const uint64_t fixed = internal::add_fixed_lines(in, plan);
  if (options.max_requests == 0) {
    internal::plan_unbudgeted(in, families, plan);
    return plan;
  }
  internal::note_elastic_cuts(in, options, plan);
  // fit_elastic_phases left room for one page per walk and one case per family beside the spare.
  internal::fit_walks_and_cases(in, options, options.max_requests - fixed - spare, families, plan);
  options.spare_requests = options.max_requests - plan.total();
  plan.lines.push_back(
      {"reserve", "shrinking failures, retries after throttling", options.spare_requests, true});
  return plan;
}

}  // namespace lpe::harness
