// Orchestration of a conformance run: generated request checks (in parallel, failures shrunk),
// pagination walks per target, auth checks, record/replay, progress.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <rapidcheck.h>

#include "generators/generators.h"
#include "generators/pattern.h"
#include "harness/harness.h"
#include "harness/internal/http_client.h"
#include "harness/internal/replay_file.h"

namespace lpe::harness {
namespace {

using internal::HttpClient;
using internal::OutgoingRequest;
using internal::Received;
using Json = nlohmann::ordered_json;

constexpr size_t kReportBodyCap = 4096;

std::string cut_for_report(const std::string& s) {
  if (s.size() <= kReportBodyCap) return s;
  return s.substr(0, kReportBodyCap) + "... (" + std::to_string(s.size()) + " bytes in all)";
}

Level finding_level(const CheckInfo& check, validators::Severity severity) {
  return check.level == Level::kShould || severity == validators::Severity::kShould ? Level::kShould
                                                                                    : Level::kMust;
}

// Which check a response finding belongs to.
std::string check_for_rule(const std::string& rule) {
  if (rule == "R9.timestamp_format") return "timestamp_format";
  if (rule == "R8.request_id") return "request_id_header";
  if (rule == "R10.token_format") return "token_format";
  if (rule.rfind("R8.", 0) == 0) return "error_shape";
  return "response_schema";
}

const char* const kResponseChecks[] = {"response_schema", "error_shape", "timestamp_format",
                                       "request_id_header", "token_format"};

// One observation a case produced: a check passed, failed (with a message and level) or noted.
struct Observation {
  std::string check;
  bool failed = false;
  Level level = Level::kMust;
  std::string message;
  bool note = false;
};

Observation pass(std::string check) {
  return Observation{std::move(check), false, Level::kMust, "", false};
}

struct Expectation {
  int status = 200;
  std::string error_type;  // empty: any (success)
  std::vector<generators::ExpectedViolation> violations;
  std::string check;  // the primary check this exchange serves
  Json to_json() const {
    Json out = {{"check", check}, {"status", status}};
    if (!error_type.empty()) out["errorType"] = error_type;
    if (!violations.empty()) {
      auto list = Json::array();
      for (const auto& v : violations) {
        list.push_back({{"member", v.member},
                        {"constraint", std::string(validators::to_string(v.constraint))}});
      }
      out["violations"] = list;
    }
    return out;
  }
};

// The phrase R7 uses for a constraint kind (to find it in a message).
std::string_view phrase_of(validators::ConstraintKind kind) {
  switch (kind) {
    case validators::ConstraintKind::kRequired:
      return "Member must not be null";
    case validators::ConstraintKind::kLength:
      return "Member must have length";
    case validators::ConstraintKind::kPattern:
      return "Member must satisfy regular expression pattern";
    case validators::ConstraintKind::kRange:
      return "Member must have value";
    case validators::ConstraintKind::kEnum:
      return "Member must satisfy enum value set";
  }
  return "";
}

class Runner {
 public:
  Runner(std::shared_ptr<const spec::Model> model, const spec::OperationView& op,
         const ConformOptions& options)
      : model_(std::move(model)),
        op_(op),
        options_(options),
        checker_(model_, op_),
        started_(std::chrono::steady_clock::now()) {}

  RunResult run();

 private:
  // --- set-up -------------------------------------------------------------------------------
  bool selected(const std::string& check) const {
    const auto in = [&](const std::vector<std::string>& list) {
      return std::find(list.begin(), list.end(), check) != list.end();
    };
    if (!options_.only_checks.empty() && !in(options_.only_checks)) return false;
    return !in(options_.excluded_checks);
  }
  bool family_selected(const std::string& family) const {
    for (const auto& c : all_checks()) {
      if (c.family == family && selected(c.name)) return true;
    }
    return false;
  }
  // The run's stop time (--max-time): no new request after it, and a request in flight then is
  // interrupted (its exchange is neither judged nor recorded).
  internal::SteadyTime stop_time() const {
    return options_.max_time.count() > 0 ? started_ + options_.max_time
                                         : internal::SteadyTime::max();
  }
  bool out_of_time() const { return std::chrono::steady_clock::now() >= stop_time(); }
  std::unique_ptr<HttpClient> new_client() const { return std::make_unique<HttpClient>(settings_); }

  // --- judging ------------------------------------------------------------------------------
  // Response-level checks on any response, plus not_a_server_error.
  void judge_response(const Received& r, std::vector<Observation>& out) const {
    if (!r.transport_ok()) {
      out.push_back({"not_a_server_error", true, Level::kMust, r.exchange.transport_error});
      return;
    }
    if (r.response.status >= 500) {
      out.push_back({"not_a_server_error", true, Level::kMust,
                     "status " + std::to_string(r.response.status) + ": " +
                         cut_for_report(r.response.body).substr(0, 300)});
    } else {
      out.push_back(pass("not_a_server_error"));
    }
    const auto findings = checker_.check(r.response);
    std::map<std::string, const validators::Finding*> first_failure;
    for (const auto& f : findings) {
      const std::string check = check_for_rule(f.rule);
      if (f.severity == validators::Severity::kNote) {
        out.push_back(
            {check, false, Level::kMust, f.rule + " at " + f.path + ": " + f.message, true});
        continue;
      }
      if (!first_failure.count(check)) first_failure[check] = &f;
    }
    for (const char* check : kResponseChecks) {
      const auto it = first_failure.find(check);
      if (it == first_failure.end()) {
        out.push_back(pass(check));
        continue;
      }
      const auto* info = find_check(check);
      const auto& f = *it->second;
      out.push_back({check, true, finding_level(*info, f.severity),
                     f.rule + (f.path.empty() ? "" : " at " + f.path) + ": " + f.message});
    }
  }

  // Status and error type as expected.
  static std::optional<std::string> expectation_problem(const Received& r, const Expectation& e) {
    if (!r.transport_ok()) return r.exchange.transport_error;
    const int status = r.response.status;
    // The error type only matters for error statuses (and costs a parse of the body).
    const auto type =
        status >= 300 ? validators::resolve_error_type(r.response).name : std::string();
    if (e.error_type.empty()) {
      if (status != e.status) {
        return "expected " + std::to_string(e.status) + ", got " + std::to_string(status) +
               (type.empty() ? "" : " " + type) + ": " +
               cut_for_report(r.response.body).substr(0, 400);
      }
      return std::nullopt;
    }
    if (status != e.status || type != e.error_type) {
      return "expected " + std::to_string(e.status) + " " + e.error_type + ", got " +
             std::to_string(status) + (type.empty() ? "" : " " + type) + ": " +
             cut_for_report(r.response.body).substr(0, 400);
    }
    return std::nullopt;
  }

  // The exception message of an error body (exceptionMessage, message or Message).
  static std::string error_message(const Received& r) {
    const auto body = Json::parse(r.response.body, nullptr, false);
    if (!body.is_object()) return "";
    for (const char* key : {"exceptionMessage", "message", "Message"}) {
      const auto it = body.find(key);
      if (it != body.end() && it->is_string()) return it->get<std::string>();
    }
    return "";
  }

  // Request-family checks for one labelled request and its response.
  void judge_request_case(const std::string& family, const generators::LabelledRequest& lr,
                          const Received& r, std::vector<Observation>& out) const {
    judge_response(r, out);
    Expectation e = expectation_of(family, lr);
    if (!lr.implementation_defined.empty()) {
      judge_implementation_defined(lr, r, e, out);
      return;
    }
    const auto problem = expectation_problem(r, e);
    out.push_back({e.check, problem.has_value(), find_check(e.check)->level,
                   problem ? lr.description + ": " + *problem : ""});
    if (family == "negative" && !problem && e.error_type == "ValidationException" &&
        selected("validation_message")) {
      const std::string message = error_message(r);
      std::string missing;
      for (const auto& v : e.violations) {
        const std::string at = "at '" + v.member + "'";
        const auto pos = message.find(at);
        const bool named = pos != std::string::npos &&
                           message.find(phrase_of(v.constraint), pos) != std::string::npos;
        if (!named)
          missing += (missing.empty() ? "" : "; ") + v.member + " " +
                     std::string(validators::to_string(v.constraint));
      }
      out.push_back({"validation_message", !missing.empty(), Level::kShould,
                     missing.empty() ? ""
                                     : "the message does not name " + missing + " as R7 does: '" +
                                           message.substr(0, 400) + "'"});
    }
    if ((family == "positive" || family == "unusual") && r.transport_ok() &&
        r.response.status == 200) {
      judge_page_size(lr.body, r, out);
      judge_items_match_request(lr.body, r.response.body, out);
    }
  }

  // A case R6 leaves to the implementation (nesting depth, huge numbers, lone surrogates inside
  // members the operation does not define): accepting it and answering its R6 error are both
  // conformant, so the family's must-check is not asked. Anything else is a should-finding of
  // implementation_limits (a 5xx stays a not_a_server_error finding); an acceptance is a note.
  void judge_implementation_defined(const generators::LabelledRequest& lr, const Received& r,
                                    const Expectation& e, std::vector<Observation>& out) const {
    if (!r.transport_ok() || r.response.status >= 500) return;  // judged by not_a_server_error
    if (r.response.status == 200) {
      out.push_back({"implementation_limits", false, Level::kShould,
                     "the endpoint accepts bodies whose handling is its choice (" +
                         lr.implementation_defined + ")",
                     true});
      out.push_back(pass("implementation_limits"));
      return;
    }
    const auto problem = expectation_problem(r, e);
    out.push_back({"implementation_limits", problem.has_value(), Level::kShould,
                   problem ? lr.description + ": " + *problem + " (expected 200 or " +
                                 std::to_string(e.status) + " " + e.error_type + "; " +
                                 lr.implementation_defined + ")"
                           : ""});
  }

  // items_match_request: item members that echo an input member (overlay echoesInput, R9) hold
  // the value the request asked for. `request_body` is what was sent, `page_body` the 200 page.
  void judge_items_match_request(const std::string& request_body, const std::string& page_body,
                                 std::vector<Observation>& out) const {
    if (echo_members_.empty() || !selected("items_match_request")) return;
    const auto request = Json::parse(request_body, nullptr, false);
    const auto page = Json::parse(page_body, nullptr, false);
    if (!request.is_object() || !page.is_object()) return;
    const auto items = page.find(op_.operation->paginated->items);
    if (items == page.end() || !items->is_array()) return;
    std::string problem;
    for (size_t i = 0; i < items->size() && problem.empty(); ++i) {
      const Json& item = (*items)[i];
      if (!item.is_object()) continue;
      for (const auto* m : echo_members_) {
        const auto asked = request.find(m->echoes_input);
        const auto got = item.find(m->name);
        if (asked == request.end() || got == item.end() || *asked == *got) continue;
        problem = "item " + std::to_string(i) + " has " + m->name + " " +
                  got->dump(-1, ' ', false, Json::error_handler_t::replace).substr(0, 100) +
                  ", the request asked for " + m->echoes_input + " " +
                  asked->dump(-1, ' ', false, Json::error_handler_t::replace).substr(0, 100);
        break;
      }
    }
    out.push_back({"items_match_request", !problem.empty(), Level::kShould, problem});
  }

  Expectation expectation_of(const std::string& family,
                             const generators::LabelledRequest& lr) const {
    Expectation e;
    e.status = lr.expected.status;
    e.error_type = lr.expected.error_type;
    e.violations = lr.expected.violations;
    e.check = family == "positive"   ? "positive_data_acceptance"
              : family == "negative" ? "negative_data_rejection"
              : family == "unusual"  ? "unknown_members_ignored"
                                     : "content_type";
    return e;
  }

  // page_size_bound on a 200 page for the request body that asked for it.
  void judge_page_size(const std::string& request_body, const Received& r,
                       std::vector<Observation>& out) const {
    if (!op_.operation->paginated || !selected("page_size_bound")) return;
    const auto& p = *op_.operation->paginated;
    const auto request = Json::parse(request_body, nullptr, false);
    const auto page = validators::read_page(r.response.body, p.items, p.output_token);
    if (!page || !page->items_present) return;
    int64_t limit = op_.default_page_size().value_or(-1);
    if (request.is_object() && !p.page_size.empty()) {
      const auto it = request.find(p.page_size);
      if (it != request.end() && it->is_number_integer()) limit = it->get<int64_t>();
    }
    if (limit < 0) return;
    const auto n = static_cast<int64_t>(page->items.size());
    out.push_back({"page_size_bound", n > limit, Level::kMust,
                   n > limit ? "page holds " + std::to_string(n) + " items, the page size is " +
                                   std::to_string(limit)
                             : ""});
  }

  // --- bookkeeping --------------------------------------------------------------------------
  // Records observations; returns the checks that failed (for shrinking).
  std::vector<Observation> record(const std::vector<Observation>& observations, const Received& r,
                                  const std::string& target,
                                  const std::string& original_body = "") {
    std::vector<Observation> failed;
    if (r.interrupted) return failed;  // stopped by --max-time: says nothing about the endpoint
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& o : observations) {
      if (!selected(o.check)) continue;
      auto& tally = tallies_[o.check];
      tally.ran = true;
      if (o.note) {
        ++tally.notes;
        if (notes_seen_.insert(o.check + "|" + o.message).second && notes_.size() < 200) {
          notes_.push_back({o.check, o.message});
        }
        continue;
      }
      if (!o.failed) {
        ++tally.passed;
        continue;
      }
      ++tally.failed;
      failed.push_back(o);
      const std::string key = o.check + "|" + target;
      if (reported_.count(key)) continue;
      reported_.insert(key);
      Finding f;
      f.check = o.check;
      f.rule = find_check(o.check)->rule;
      f.level = o.level;
      f.target = target;
      f.message = o.message;
      f.exchange = r.exchange;
      f.exchange.response_body = cut_for_report(f.exchange.response_body);
      f.exchange.request_body = cut_for_report(f.exchange.request_body);
      (void)original_body;
      f.reproduction = options_.reproduce_prefix + " --seed " + std::to_string(options_.seed) +
                       " --checks " + o.check;
      findings_.push_back(std::move(f));
    }
    return failed;
  }

  void write_record(const Received& r, const Expectation& e, const std::string& target) {
    if (!record_ || r.interrupted) return;
    Json line = {{"check", e.check}};
    if (!target.empty()) line["target"] = target;
    line["exchange"] = r.exchange.to_json();
    line["expectation"] = e.to_json();
    std::lock_guard<std::mutex> lock(record_mutex_);
    *record_ << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }

  Received send(HttpClient& client, const OutgoingRequest& request) {
    Received r = client.send(request, stop_time());
    if (!r.interrupted) requests_.fetch_add(1, std::memory_order_relaxed);
    return r;
  }

  OutgoingRequest post(std::string body, std::string content_type = "application/json") const {
    OutgoingRequest req;
    req.method = op_.operation->http ? op_.operation->http->method : "POST";
    req.path = op_.operation->http ? op_.operation->http->uri : "/";
    if (!content_type.empty()) req.headers.emplace_back("Content-Type", std::move(content_type));
    req.body = std::move(body);
    return req;
  }

  // --- request families ---------------------------------------------------------------------
  struct Family {
    std::string name;
    rc::Gen<generators::LabelledRequest> gen;
  };
  std::vector<Family> request_families(const generators::RequestGenerators& gens) const;
  void run_request_families(const generators::RequestGenerators& gens, int workers);
  void shrink_failure(const Family& family,
                      const rc::Shrinkable<generators::LabelledRequest>& failing,
                      const std::string& check, HttpClient& client);

  // --- pagination ---------------------------------------------------------------------------
  // A request body for target `t`; page_size <= 0 leaves the page size out.
  std::string scope_body(const Target& t, int64_t page_size,
                         const std::optional<std::string>& token) const;
  struct Walk {
    int64_t page_size = -1;  // -1: omitted
    bool complete = false;
    std::vector<std::string> items;  // canonical JSON of each item
    std::vector<size_t> page_starts;
  };
  Walk walk(HttpClient& client, const Target& t, int64_t page_size);
  void token_checks(HttpClient& client, size_t target_index);
  void compare_walks(size_t target_index, const std::vector<Walk>& walks);
  std::vector<int64_t> walk_page_sizes() const;
  void run_pagination(int workers);

  // --- auth ---------------------------------------------------------------------------------
  void run_auth();
  // R12 beyond Content-Type: another method on the operation's path, an unknown path.
  void run_protocol_probes();

  // --- replay -------------------------------------------------------------------------------
  // Reads the --replay file (validated by internal/replay_file); errors: "file:line: field: what".
  std::string load_replay(std::vector<internal::ReplayCase>& cases) const;
  void run_replay(const std::vector<internal::ReplayCase>& cases);

  // --- progress -----------------------------------------------------------------------------
  void progress_loop();

  std::shared_ptr<const spec::Model> model_;
  const spec::OperationView& op_;
  const ConformOptions& options_;
  validators::ResponseChecker checker_;
  internal::ClientSettings settings_;
  std::chrono::steady_clock::time_point started_;

  std::mutex mutex_;
  std::map<std::string, CheckTally> tallies_;
  std::vector<Finding> findings_;
  std::vector<Note> notes_;
  std::set<std::string> notes_seen_;
  std::set<std::string> reported_;
  std::atomic<uint64_t> requests_{0};
  std::atomic<uint64_t> jobs_done_{0};
  std::atomic<uint64_t> jobs_planned_{0};
  std::atomic<bool> stopped_early_{false};
  std::atomic<bool> finished_{false};
  std::unique_ptr<std::ofstream> record_;
  std::mutex record_mutex_;
  std::mutex walks_mutex_;
  // Item members with lpe.conformance#echoesInput (items_match_request).
  std::vector<const spec::Member*> echo_members_;

  // Why each selected check cannot run, known before sending anything; a model that lacks what
  // a check needs is a model error (exit 2), returned as the first element's reason.
  std::string preflight();
  // Reasons for selected checks that did not run, after the run.
  void explain_skips();
  std::map<std::string, std::string> skip_reasons_;
  bool result_completed_ = true;
};

// Runs `count` jobs on `workers` threads, each with its own connection.
template <typename Job>
void parallel_for(size_t count, int workers,
                  const std::function<std::unique_ptr<HttpClient>()>& make_client,
                  const std::function<bool()>& stop, const Job& job) {
  std::atomic<size_t> next{0};
  const int n = std::max(1, std::min<int>(workers, static_cast<int>(std::max<size_t>(count, 1))));
  std::vector<std::thread> threads;
  for (int w = 0; w < n; ++w) {
    threads.emplace_back([&] {
      auto client = make_client();
      while (true) {
        if (stop()) return;
        const size_t i = next.fetch_add(1);
        if (i >= count) return;
        job(*client, i);
      }
    });
  }
  for (auto& t : threads) t.join();
}

std::vector<Runner::Family> Runner::request_families(
    const generators::RequestGenerators& gens) const {
  std::vector<Family> families;
  const auto& scope = op_.list_scope;
  const auto& targets = options_.targets;
  // Response checks and not_a_server_error judge every response: they need every family.
  const bool any = family_selected("responses") || selected("not_a_server_error");
  if (any || selected("positive_data_acceptance") || selected("page_size_bound")) {
    // Valid inputs; half of them aimed at a known target so that pages are not all empty.
    auto gen = rc::gen::map(
        rc::gen::pair(gens.valid_input(), rc::gen::inRange<size_t>(0, targets.size() * 2 + 1)),
        [&scope, &targets](const std::pair<Json, size_t>& p) {
          Json input = p.first;
          if (p.second < targets.size()) {
            for (size_t i = 0; i < scope.size(); ++i) {
              input[scope[i]->name] = targets[p.second].scope_values[i];
            }
          }
          generators::LabelledRequest lr;
          lr.body = input.dump();
          lr.description = "valid request";
          return lr;
        });
    families.push_back({"positive", gen});
  }
  if (any || selected("negative_data_rejection") || selected("validation_message")) {
    families.push_back({"negative", gens.invalid_request()});
  }
  if (any || selected("unknown_members_ignored"))
    families.push_back({"unusual", gens.unusual_valid_request()});
  if (any || selected("content_type")) {
    const auto unsupported = op_.find_error("UnsupportedMediaTypeException");
    const int status = unsupported && unsupported->http_error ? *unsupported->http_error : 415;
    auto gen = rc::gen::map(rc::gen::pair(gens.valid_request(),
                                          rc::gen::element<std::string>(
                                              "text/plain", "application/x-www-form-urlencoded",
                                              "application/x-amz-json-1.1", "application/xml", "")),
                            [status](const std::pair<generators::LabelledRequest, std::string>& p) {
                              generators::LabelledRequest lr = p.first;
                              lr.content_type = p.second;
                              lr.expected = {};
                              lr.expected.outcome = validators::Outcome::kSerializationError;
                              lr.expected.status = status;
                              lr.expected.error_type = "UnsupportedMediaTypeException";
                              lr.description = p.second.empty()
                                                   ? "request body without Content-Type"
                                                   : "Content-Type " + p.second;
                              return lr;
                            });
    families.push_back({"content_type", gen});
  }
  return families;
}

void Runner::run_request_families(const generators::RequestGenerators& gens, int workers) {
  const auto families = request_families(gens);
  // RapidCheck generation is not thread-safe (its implicit parameters are process-wide), so every
  // value is drawn here, on this thread; workers only send and judge.
  struct Case {
    size_t family;
    rc::Shrinkable<generators::LabelledRequest> value;
    std::optional<generators::LabelledRequest> drawn;  // empty: the generator gave up (a discard)
  };
  std::vector<Case> cases;
  const int per_family = std::max(1, options_.cases);
  for (size_t f = 0; f < families.size(); ++f) {
    for (int i = 0; i < per_family; ++i) {
      // Sizes grow from small to large across a family's cases, as in RapidCheck.
      const int size = per_family == 1 ? 50 : std::min(100, i * 100 / (per_family - 1));
      const uint64_t seed = options_.seed * 1000003ULL + f * 7919ULL + static_cast<uint64_t>(i);
      auto shrinkable = families[f].gen(rc::Random(seed), size);
      std::optional<generators::LabelledRequest> drawn;
      try {
        drawn = shrinkable.value();
      } catch (const std::exception&) {
      }
      cases.push_back({f, std::move(shrinkable), std::move(drawn)});
    }
  }
  jobs_planned_ += cases.size();
  // First failing case per check (lowest index), shrunk afterwards.
  std::map<std::string, size_t> first_failure;
  std::mutex failure_mutex;
  parallel_for(
      cases.size(), workers, [this] { return new_client(); }, [this] { return out_of_time(); },
      [&](HttpClient& client, size_t i) {
        const auto& c = cases[i];
        const auto& family = families[c.family];
        if (!c.drawn) {
          jobs_done_++;
          return;  // a generator gave up on this draw (RapidCheck discard)
        }
        const generators::LabelledRequest& lr = *c.drawn;
        auto req = post(lr.body, lr.content_type);
        if (family.name == "content_type" && lr.content_type.empty()) req.headers.clear();
        const Received r = send(client, req);
        std::vector<Observation> obs;
        judge_request_case(family.name, lr, r, obs);
        write_record(r, expectation_of(family.name, lr), "");
        for (const auto& failed : record(obs, r, "")) {
          std::lock_guard<std::mutex> lock(failure_mutex);
          auto it = first_failure.find(failed.check);
          if (it == first_failure.end() || it->second > i) first_failure[failed.check] = i;
        }
        jobs_done_++;
      });
  if (first_failure.empty()) return;
  auto client = new_client();
  for (const auto& [check, index] : first_failure) {
    if (out_of_time()) break;
    shrink_failure(families[cases[index].family], cases[index].value, check, *client);
  }
}

void Runner::shrink_failure(const Family& family,
                            const rc::Shrinkable<generators::LabelledRequest>& failing,
                            const std::string& check, HttpClient& client) {
  const auto fails = [&](const generators::LabelledRequest& lr, Received& r, std::string& message) {
    auto req = post(lr.body, lr.content_type);
    if (family.name == "content_type" && lr.content_type.empty()) req.headers.clear();
    r = send(client, req);
    std::vector<Observation> obs;
    judge_request_case(family.name, lr, r, obs);
    for (const auto& o : obs) {
      if (o.check == check && o.failed) {
        message = o.message;
        return true;
      }
    }
    return false;
  };
  rc::Shrinkable<generators::LabelledRequest> current = failing;
  const std::string original = failing.value().body;
  Received best_response;
  std::string best_message;
  if (!fails(current.value(), best_response, best_message))
    return;  // not reproducible: keep the original report
  int steps = 0;
  bool progressed = true;
  while (progressed && steps < options_.max_shrink_steps && !out_of_time()) {
    progressed = false;
    auto shrinks = current.shrinks();
    while (auto candidate = shrinks.next()) {
      if (++steps > options_.max_shrink_steps || out_of_time()) break;
      generators::LabelledRequest lr;
      try {
        lr = candidate->value();
      } catch (const std::exception&) {
        continue;
      }
      Received r;
      std::string message;
      if (fails(lr, r, message)) {
        current = *candidate;
        best_response = std::move(r);
        best_message = std::move(message);
        progressed = true;
        break;
      }
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& f : findings_) {
    if (f.check != check || !f.target.empty()) continue;
    f.exchange = best_response.exchange;
    f.exchange.response_body = cut_for_report(f.exchange.response_body);
    f.message = best_message;
    f.shrink_steps = steps;
    if (current.value().body != original) f.original_request_body = cut_for_report(original);
    break;
  }
}

std::string Runner::scope_body(const Target& t, int64_t page_size,
                               const std::optional<std::string>& token) const {
  Json body = Json::object();
  for (size_t i = 0; i < op_.list_scope.size() && i < t.scope_values.size(); ++i) {
    body[op_.list_scope[i]->name] = t.scope_values[i];
  }
  const auto& p = *op_.operation->paginated;
  if (page_size > 0 && !p.page_size.empty()) body[p.page_size] = page_size;
  if (token) body[p.input_token] = *token;
  return body.dump();
}

std::vector<int64_t> Runner::walk_page_sizes() const {
  std::vector<int64_t> sizes;
  const auto& p = *op_.operation->paginated;
  const spec::Member* m = p.page_size.empty() ? nullptr : op_.input->member(p.page_size);
  if (m != nullptr) {
    int64_t lo = 1, hi = 100;
    if (m->constraints.range && m->constraints.range->min)
      lo = static_cast<int64_t>(std::ceil(*m->constraints.range->min));
    if (m->constraints.range && m->constraints.range->max)
      hi = static_cast<int64_t>(std::floor(*m->constraints.range->max));
    lo = std::max<int64_t>(lo, 1);
    for (int64_t s : {lo, int64_t{2}, int64_t{7}, op_.default_page_size().value_or(50), hi}) {
      if (s >= lo && s <= hi && std::find(sizes.begin(), sizes.end(), s) == sizes.end())
        sizes.push_back(s);
    }
  }
  sizes.push_back(-1);  // page size omitted
  return sizes;
}

Runner::Walk Runner::walk(HttpClient& client, const Target& t, int64_t page_size) {
  const auto& p = *op_.operation->paginated;
  Walk w;
  w.page_size = page_size;
  const std::string target = t.label();
  const int64_t limit = page_size > 0 ? page_size : op_.default_page_size().value_or(-1);
  std::set<std::string> seen;
  std::optional<std::string> token;
  const std::string size_label =
      page_size > 0 ? "page size " + std::to_string(page_size) : "default page size";
  for (size_t page = 0;; ++page) {
    if (out_of_time()) return w;
    if (page >= options_.max_pages) {
      Received none;
      record({{"termination", true, Level::kMust,
               "walk with " + size_label + " did not end after " +
                   std::to_string(options_.max_pages) + " pages"}},
             none, target);
      return w;
    }
    const Received r = send(client, post(scope_body(t, page_size, token)));
    std::vector<Observation> obs;
    judge_response(r, obs);
    write_record(r, Expectation{200, "", {}, "walk_consistency"}, target);
    if (const auto problem = expectation_problem(r, Expectation{200, "", {}, "walk_consistency"})) {
      obs.push_back(
          {"walk_consistency", true, Level::kMust,
           size_label + ", page " + std::to_string(page + 1) + " request failed: " + *problem});
      record(obs, r, target);
      return w;
    }
    auto view = validators::read_page(r.response.body, p.items, p.output_token);
    if (!view || !view->items_present) {
      record(obs, r, target);  // response_schema reports the shape
      return w;
    }
    if (limit >= 0 && selected("page_size_bound")) {
      const bool over = static_cast<int64_t>(view->items.size()) > limit;
      obs.push_back({"page_size_bound", over, Level::kMust,
                     over ? size_label + ": page " + std::to_string(page + 1) + " holds " +
                                std::to_string(view->items.size()) + " items (limit " +
                                std::to_string(limit) + ")"
                          : ""});
    }
    judge_items_match_request(scope_body(t, page_size, token), r.response.body, obs);
    w.page_starts.push_back(w.items.size());
    for (auto& item : view->items) w.items.push_back(std::move(item));
    std::optional<std::string> next;
    if (view->token && !view->token->empty()) next = view->token;
    if (next && !seen.insert(*next).second) {
      obs.push_back(
          {"termination", true, Level::kMust,
           size_label + ": page " + std::to_string(page + 1) +
               " returned a token the walk already used (a paginator would loop forever)"});
      record(obs, r, target);
      return w;
    }
    if (!next) {
      if (view->token) {
        // Clients stop on "" too, but R10 says the last page has no token at all.
        obs.push_back(
            {"termination", true, Level::kShould,
             size_label + ": the last page carries an empty token; R10 says it has none"});
      } else {
        obs.push_back(pass("termination"));
      }
      w.complete = true;
    }
    record(obs, r, target);
    if (!next) return w;
    token = next;
  }
}

void Runner::compare_walks(size_t target_index, const std::vector<Walk>& walks) {
  const std::string target = options_.targets[target_index].label();
  const Walk* reference = nullptr;
  for (const auto& w : walks) {
    if (!w.complete) continue;
    if (reference == nullptr || (w.page_size > reference->page_size)) reference = &w;
  }
  if (reference == nullptr) return;
  Received none;
  for (const auto& w : walks) {
    if (!w.complete || &w == reference) continue;
    const std::string label =
        w.page_size > 0 ? "page size " + std::to_string(w.page_size) : "the default page size";
    const std::string ref_label = reference->page_size > 0
                                      ? "page size " + std::to_string(reference->page_size)
                                      : "the default page size";
    if (w.items == reference->items) {
      record({pass("walk_consistency")}, none, target);
      continue;
    }
    size_t i = 0;
    while (i < w.items.size() && i < reference->items.size() && w.items[i] == reference->items[i])
      ++i;
    std::string diagnosis;
    if (i < w.items.size() && i > 0 && w.items[i] == w.items[i - 1] &&
        w.items.size() > reference->items.size()) {
      diagnosis =
          "item " + std::to_string(i) + " is duplicated (" + w.items[i].substr(0, 200) + ")";
    } else if (i < reference->items.size() &&
               (i + 1 >= w.items.size() + 1 || w.items.size() < reference->items.size())) {
      diagnosis =
          "item " + std::to_string(i) + " is missing (" + reference->items[i].substr(0, 200) + ")";
    } else {
      diagnosis = "item " + std::to_string(i) + " differs";
    }
    // Is the divergence at a page boundary?
    const bool boundary =
        std::find(w.page_starts.begin(), w.page_starts.end(), i) != w.page_starts.end();
    record({{"walk_consistency", true, Level::kMust,
             "walking with " + label + " gives " + std::to_string(w.items.size()) +
                 " items, with " + ref_label + " " + std::to_string(reference->items.size()) +
                 ": " + diagnosis + (boundary ? " at a page boundary" : "")}},
           none, target);
  }
}

void Runner::token_checks(HttpClient& client, size_t target_index) {
  const auto& p = *op_.operation->paginated;
  const Target& t = options_.targets[target_index];
  const std::string target = t.label();
  const int64_t one = p.page_size.empty() ? 0 : walk_page_sizes().front();
  // The first page, and its token.
  const Received first = send(client, post(scope_body(t, one, std::nullopt)));
  const auto first_body = Json::parse(first.response.body, nullptr, false);
  if (!first.transport_ok() || first.response.status != 200 || !first_body.is_object()) return;
  std::optional<std::string> token;
  if (const auto it = first_body.find(p.output_token);
      it != first_body.end() && it->is_string() && !it->get<std::string>().empty()) {
    token = it->get<std::string>();
  }
  const auto same_page = [&](const Json& a, const Json& b) {
    const auto items_a = a.is_object() && a.contains(p.items) ? a[p.items] : Json();
    const auto items_b = b.is_object() && b.contains(p.items) ? b[p.items] : Json();
    const bool token_a = a.is_object() && a.contains(p.output_token) &&
                         a[p.output_token].is_string() &&
                         !a[p.output_token].get<std::string>().empty();
    const bool token_b = b.is_object() && b.contains(p.output_token) &&
                         b[p.output_token].is_string() &&
                         !b[p.output_token].get<std::string>().empty();
    return items_a == items_b && token_a == token_b;
  };
  if (selected("empty_token_is_first_page")) {
    const Received r = send(client, post(scope_body(t, one, std::string())));
    std::vector<Observation> obs;
    judge_response(r, obs);
    const auto problem = expectation_problem(r, Expectation{200, "", {}, ""});
    const bool same =
        !problem && same_page(Json::parse(r.response.body, nullptr, false), first_body);
    obs.push_back({"empty_token_is_first_page", !same, Level::kMust,
                   problem ? "an empty token was not accepted: " + *problem
                   : same  ? ""
                           : "an empty token gave a different page than no token"});
    write_record(r, Expectation{200, "", {}, "empty_token_is_first_page"}, target);
    record(obs, r, target);
  }
  if (!token) return;  // a single page: nothing more to check with tokens
  const Json expected_error = {{"status", 400}, {"type", "ValidationException"}};
  const auto validation = op_.find_error("ValidationException");
  const int validation_status =
      validation && validation->http_error ? *validation->http_error : 400;
  if (selected("token_replay")) {
    const Received a = send(client, post(scope_body(t, one, token)));
    const Received b = send(client, post(scope_body(t, one, token)));
    std::vector<Observation> obs;
    judge_response(a, obs);
    judge_response(b, obs);
    const auto problem = expectation_problem(a, Expectation{200, "", {}, ""});
    const bool same = !problem && b.transport_ok() && b.response.status == 200 &&
                      same_page(Json::parse(a.response.body, nullptr, false),
                                Json::parse(b.response.body, nullptr, false));
    obs.push_back({"token_replay", !same, Level::kMust,
                   problem ? "the endpoint rejected its own token: " + *problem
                   : same  ? ""
                           : "the same token gave two different pages"});
    write_record(a, Expectation{200, "", {}, "token_replay"}, target);
    record(obs, same ? a : b, target);
  }
  if (selected("token_binding")) {
    for (size_t level = 0; level < op_.list_scope.size(); ++level) {
      Target other = t;
      // Another known value at this level, else one drawn from the member's pattern.
      for (const auto& candidate : options_.targets) {
        if (candidate.scope_values[level] != t.scope_values[level]) {
          other.scope_values[level] = candidate.scope_values[level];
          break;
        }
      }
      if (other.scope_values[level] == t.scope_values[level]) {
        const auto& c = op_.list_scope[level]->constraints;
        if (c.pattern) {
          auto compiled = generators::CompiledPattern::parse(c.pattern->source);
          if (auto* cp = std::get_if<generators::CompiledPattern>(&compiled)) {
            generators::LengthBounds bounds;
            if (c.length && c.length->min) bounds.min = static_cast<uint64_t>(*c.length->min);
            if (c.length && c.length->max) bounds.max = static_cast<uint64_t>(*c.length->max);
            for (uint64_t s = 1; s < 50 && other.scope_values[level] == t.scope_values[level];
                 ++s) {
              generators::SeededChoiceSource choices(options_.seed + s);
              if (auto v = generators::generate(*cp, bounds, choices))
                other.scope_values[level] = *v;
            }
          }
        }
      }
      if (other.scope_values[level] == t.scope_values[level]) continue;
      const Received r = send(client, post(scope_body(other, one, token)));
      std::vector<Observation> obs;
      judge_response(r, obs);
      const Expectation e{validation_status, "ValidationException", {}, "token_binding"};
      const auto problem = expectation_problem(r, e);
      obs.push_back({"token_binding", problem.has_value(), Level::kMust,
                     problem ? "a token issued for " + target + " used with another " +
                                   op_.list_scope[level]->name + " (" + other.scope_values[level] +
                                   "): " + *problem
                             : ""});
      write_record(r, e, target);
      record(obs, r, target);
    }
  }
  if (selected("token_tamper")) {
    const std::string& tk = *token;
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
    uint64_t x = options_.seed * 6364136223846793005ULL + 1442695040888963407ULL;
    static const char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (size_t i = 0; i < tk.size(); ++i) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      foreign += kAlphabet[(x >> 33) % 64];
    }
    variants.emplace_back("a foreign token of the same length", foreign);
    for (const auto& [label, variant] : variants) {
      if (variant == tk) continue;
      const Received r = send(client, post(scope_body(t, one, variant)));
      std::vector<Observation> obs;
      judge_response(r, obs);
      const Expectation e{validation_status, "ValidationException", {}, "token_tamper"};
      const auto problem = expectation_problem(r, e);
      obs.push_back({"token_tamper", problem.has_value(), Level::kMust,
                     problem ? label + ": " + *problem : ""});
      write_record(r, e, target);
      record(obs, r, target);
    }
  }
  (void)expected_error;
}

void Runner::run_pagination(int workers) {
  if (!op_.operation->paginated || options_.targets.empty() || !family_selected("pagination"))
    return;
  const auto sizes = walk_page_sizes();
  const bool walks = selected("walk_consistency") || selected("page_size_bound") ||
                     selected("termination") || selected("token_format");
  struct Job {
    size_t target;
    int64_t page_size;  // 0: the token checks job
  };
  std::vector<Job> jobs;
  for (size_t t = 0; t < options_.targets.size(); ++t) {
    if (walks) {
      for (int64_t s : sizes) jobs.push_back({t, s});
    }
    jobs.push_back({t, 0});
  }
  // Longest walks first (smallest page sizes), token checks last: the size-1 walk of the largest
  // list is the critical path of a run.
  std::stable_sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) {
    const auto rank = [](int64_t s) { return s == 0 ? INT64_MAX : s < 0 ? INT64_MAX - 1 : s; };
    return rank(a.page_size) < rank(b.page_size);
  });
  jobs_planned_ += jobs.size();
  std::map<size_t, std::vector<Walk>> results;
  parallel_for(
      jobs.size(), workers, [this] { return new_client(); }, [this] { return out_of_time(); },
      [&](HttpClient& client, size_t i) {
        const auto& job = jobs[i];
        if (job.page_size == 0) {
          token_checks(client, job.target);
        } else {
          Walk w = walk(client, options_.targets[job.target], job.page_size);
          std::lock_guard<std::mutex> lock(walks_mutex_);
          results[job.target].push_back(std::move(w));
        }
        jobs_done_++;
      });
  if (selected("walk_consistency")) {
    for (auto& [target, walks_of_target] : results) compare_walks(target, walks_of_target);
  }
}

void Runner::run_protocol_probes() {
  if (!selected("content_type") || !op_.operation->http) return;
  auto client = new_client();
  const auto status_of = [&](const char* type, int fallback) {
    const auto* e = op_.find_error(type);
    return e != nullptr && e->http_error ? *e->http_error : fallback;
  };
  struct Probe {
    std::string label;
    OutgoingRequest request;
    Expectation expected;
  };
  std::vector<Probe> probes;
  OutgoingRequest other_method = post("{}");
  other_method.method = op_.operation->http->method == "GET" ? "POST" : "GET";
  other_method.body.clear();
  other_method.headers.clear();
  probes.push_back(
      {other_method.method + " on " + op_.operation->http->uri, other_method,
       Expectation{status_of("MethodNotAllowedException", 405), "", {}, "content_type"}});
  OutgoingRequest other_path = post("{}");
  other_path.path = op_.operation->http->uri + "NoSuchOperation";
  probes.push_back({"POST " + other_path.path, other_path,
                    Expectation{status_of("UnknownOperationException", 404),
                                "UnknownOperationException",
                                {},
                                "content_type"}});
  jobs_planned_ += probes.size();
  for (const auto& probe : probes) {
    if (out_of_time()) return;
    const Received r = send(*client, probe.request);
    std::vector<Observation> obs;
    judge_response(r, obs);
    const auto problem = expectation_problem(r, probe.expected);
    obs.push_back({"content_type", problem.has_value(), Level::kShould,
                   problem ? probe.label + ": " + *problem : ""});
    write_record(r, probe.expected, "");
    record(obs, r, "");
    jobs_done_++;
  }
}

void Runner::run_auth() {
  if (!options_.sigv4 || !selected("ignored_auth") || options_.targets.empty()) return;
  auto client = new_client();
  const Target& t = options_.targets.front();
  const auto& p = *op_.operation->paginated;
  (void)p;
  const std::string body = scope_body(t, 0, std::nullopt);
  struct Variant {
    std::string label;
    std::string expected_type;
    std::function<void(OutgoingRequest&)> tweak;
  };
  wire::Credentials wrong = options_.sigv4->credentials;
  wrong.secret_access_key += "x";
  wire::Credentials unknown = options_.sigv4->credentials;
  unknown.access_key_id = "AKIALPECONFORMUNKNOWN";
  const std::vector<Variant> variants = {
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
  jobs_planned_ += variants.size();
  for (const auto& v : variants) {
    if (out_of_time()) return;
    OutgoingRequest req = post(body);
    v.tweak(req);
    const Received r = send(*client, req);
    std::vector<Observation> obs;
    judge_response(r, obs);
    const auto type = r.transport_ok() ? validators::resolve_error_type(r.response).name : "";
    if (!r.transport_ok() || r.response.status != 403) {
      obs.push_back({"ignored_auth", true, Level::kMust,
                     v.label + " got " +
                         (r.transport_ok()
                              ? std::to_string(r.response.status) + (type.empty() ? "" : " " + type)
                              : r.exchange.transport_error) +
                         ", expected 403 " + v.expected_type});
    } else if (type != v.expected_type) {
      obs.push_back({"ignored_auth", true, Level::kShould,
                     v.label + " got 403 " + type + ", R13 names it " + v.expected_type});
    } else {
      obs.push_back(pass("ignored_auth"));
    }
    write_record(r, Expectation{403, v.expected_type, {}, "ignored_auth"}, t.label());
    record(obs, r, t.label());
    jobs_done_++;
  }
}

std::string Runner::load_replay(std::vector<internal::ReplayCase>& cases) const {
  auto read = internal::read_replay_file(options_.replay_path);
  if (auto* error = std::get_if<std::string>(&read)) return *error;
  cases = std::move(std::get<std::vector<internal::ReplayCase>>(read));
  return "";
}

void Runner::run_replay(const std::vector<internal::ReplayCase>& cases) {
  jobs_planned_ += cases.size();
  parallel_for(
      cases.size(), options_.workers, [this] { return new_client(); },
      [this] { return out_of_time(); },
      [&](HttpClient& client, size_t i) {
        const internal::ReplayCase& c = cases[i];
        OutgoingRequest req;
        req.method = c.method;
        // Recorded paths include the recording endpoint's base path; replay the operation's own.
        req.path = op_.operation->http ? op_.operation->http->uri : c.path.empty() ? "/" : c.path;
        req.headers = c.headers;
        req.body = c.body;
        Expectation e;
        e.check = c.check;
        e.status = c.status;
        e.error_type = c.error_type;
        const Received r = send(client, req);
        std::vector<Observation> obs;
        judge_response(r, obs);
        const auto problem = expectation_problem(r, e);
        obs.push_back({e.check, problem.has_value(), find_check(e.check)->level,
                       problem ? "replayed case " + std::to_string(i + 1) + " (line " +
                                     std::to_string(c.line) + "): " + *problem
                               : ""});
        write_record(r, e, c.target);
        record(obs, r, c.target);
        jobs_done_++;
      });
}

void Runner::progress_loop() {
  const bool tty = isatty(STDERR_FILENO) != 0;
  if (!options_.show_progress || !tty) return;
  while (!finished_.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const uint64_t done = jobs_done_.load(), planned = jobs_planned_.load();
    size_t failures;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      failures = findings_.size();
    }
    const double rate = elapsed > 0 ? static_cast<double>(requests_.load()) / elapsed : 0;
    std::string left = "";
    if (done > 0 && planned > done) {
      left = ", ~" +
             std::to_string(static_cast<int>(elapsed * static_cast<double>(planned - done) /
                                             static_cast<double>(done))) +
             " s left";
    }
    std::fprintf(stderr, "\r\033[K  %llu/%llu cases, %zu findings, %.0f req/s, %.1f s%s",
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(planned),
                 failures, rate, elapsed, left.c_str());
    std::fflush(stderr);
  }
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

std::string Runner::preflight() {
  const auto needed_by = [&](std::initializer_list<const char*> checks) {
    std::string names;
    for (const char* c : checks) {
      if (selected(c)) names += (names.empty() ? "" : ", ") + std::string(c);
    }
    return names;
  };
  const auto explicitly = [&](const char* check) {
    return std::find(options_.only_checks.begin(), options_.only_checks.end(), check) !=
           options_.only_checks.end();
  };
  const std::string op = op_.operation->id;
  if (!op_.operation->paginated) {
    const std::string names = needed_by(
        {"page_size_bound", "token_format", "termination", "walk_consistency", "token_replay",
         "token_binding", "token_tamper", "empty_token_is_first_page", "items_match_request"});
    if (!names.empty()) {
      return "model: " + op + " has no smithy.api#paginated trait, which " + names +
             " need (add it in an overlay with --overlay FILE, or --exclude-checks them)";
    }
    return "";
  }
  const auto& p = *op_.operation->paginated;
  if (selected("page_size_bound") && p.page_size.empty() && !op_.default_page_size()) {
    return "model: page_size_bound needs the paginated pageSize member of " + op +
           " or a default page size (smithy.api#default, or lpe.conformance#documentedDefault "
           "in an overlay)";
  }
  if (selected("token_binding") && op_.list_scope.empty()) {
    return "model: token_binding needs the input members that select a list "
           "(lpe.conformance#listScope, or required string members)";
  }
  // Item members that echo the request (overlay echoesInput).
  if (const spec::Member* items = op_.output ? op_.output->member(p.items) : nullptr;
      items != nullptr && !items->target->members.empty()) {
    const spec::Shape* item = items->target->members.back().target;
    for (const auto& m : item->members) {
      if (!m.echoes_input.empty()) echo_members_.push_back(&m);
    }
  }
  if (selected("items_match_request") && echo_members_.empty()) {
    if (explicitly("items_match_request")) {
      return "model: items_match_request needs lpe.conformance#echoesInput on a member of the "
             "items (the bundled overlay adds it to AWS's IVS model; --overlay FILE for others)";
    }
    skip_reasons_["items_match_request"] =
        "the model has no lpe.conformance#echoesInput trait on the items' members (the bundled "
        "overlay adds it to AWS's IVS model; give one with --overlay FILE)";
  }
  if (options_.targets.empty()) {
    for (const auto& c : all_checks()) {
      if (c.family == "pagination" && selected(c.name)) {
        skip_reasons_[c.name] =
            "no target: pagination checks need a list known to exist (--target or "
            "--targets-file)";
      }
    }
  }
  if (selected("ignored_auth")) {
    if (!options_.sigv4) {
      skip_reasons_["ignored_auth"] = "needs --sigv4: authentication is checked on signed runs";
    } else if (options_.targets.empty()) {
      skip_reasons_["ignored_auth"] = "no target: the auth probes ask for a known list";
    }
  }
  if (!options_.replay_path.empty()) {
    for (const auto& c : all_checks()) {
      if (selected(c.name) && !skip_reasons_.count(c.name)) {
        skip_reasons_[c.name] = "no exchange of the --replay file exercised it";
      }
    }
  }
  return "";
}

void Runner::explain_skips() {
  for (auto& [name, tally] : tallies_) {
    if (tally.ran) {
      tally.skip_reason.clear();
      continue;
    }
    if (const auto it = skip_reasons_.find(name); it != skip_reasons_.end()) {
      tally.skip_reason = it->second;
    } else if (!result_completed_) {
      tally.skip_reason = "the run stopped at --max-time before this check ran";
    } else if (name == "token_replay" || name == "token_binding" || name == "token_tamper" ||
               name == "empty_token_is_first_page" || name == "token_format") {
      tally.skip_reason =
          "no target's first page carried a token: every target list fits on one page at the "
          "smallest page size (give a target with more items)";
    } else if (name == "implementation_limits") {
      tally.skip_reason = "no case whose handling R6 leaves open was drawn (raise --cases)";
    } else if (name == "items_match_request" || name == "page_size_bound") {
      tally.skip_reason = "no success page held items (are the targets' lists empty?)";
    } else {
      tally.skip_reason = "no exchange of this run exercised it";
    }
  }
}

RunResult Runner::run() {
  RunResult result;
  result.operation = op_.operation != nullptr ? op_.operation->id : "";
  result.contract = model_->contract().to_json();
  result.contract_summary = model_->contract().summary();
  auto endpoint = internal::parse_endpoint(options_.endpoint);
  if (auto* e = std::get_if<std::string>(&endpoint)) {
    result.setup_error = "--endpoint: " + *e;
    return result;
  }
  settings_.endpoint = std::get<internal::Endpoint>(endpoint);
  settings_.timeout = options_.timeout;
  settings_.max_response_bytes = options_.max_response_bytes;
  settings_.sigv4 = options_.sigv4;
  if (settings_.sigv4 && settings_.sigv4->service.empty())
    settings_.sigv4->service = op_.sigv4_name;
  if (options_.rate_limit > 0)
    settings_.limiter = std::make_shared<internal::RateLimiter>(options_.rate_limit);
  if (op_.operation == nullptr || op_.input == nullptr) {
    result.setup_error = "the operation has no input structure";
    return result;
  }
  if (auto error = preflight(); !error.empty()) {
    result.setup_error = error;
    return result;
  }
  // Reachability: one request that any endpoint must answer.
  {
    auto client = new_client();
    const Received probe = send(*client, post("{}"));
    if (!probe.transport_ok()) {
      result.setup_error =
          "cannot reach " + options_.endpoint + ": " + probe.exchange.transport_error;
      return result;
    }
  }
  if (!options_.record_path.empty()) {
    record_ = std::make_unique<std::ofstream>(options_.record_path, std::ios::trunc);
    if (!*record_) {
      result.setup_error = "cannot write --record file " + options_.record_path;
      return result;
    }
  }
  for (const auto& c : all_checks()) {
    if (selected(c.name)) tallies_[c.name].check = c.name;
  }
  std::vector<internal::ReplayCase> replay_lines;
  if (!options_.replay_path.empty()) {
    if (auto error = load_replay(replay_lines); !error.empty()) {
      result.setup_error = error;
      return result;
    }
  }
  std::thread progress([this] { progress_loop(); });
  if (!options_.replay_path.empty()) {
    run_replay(replay_lines);
  } else {
    generators::RequestGeneratorOptions gen_options;
    if (op_.operation->paginated)
      gen_options.omit_members.insert(op_.operation->paginated->input_token);
    auto gens = generators::RequestGenerators::make(model_, op_, gen_options);
    if (auto* e = std::get_if<std::string>(&gens)) {
      finished_ = true;
      progress.join();
      result.setup_error = "cannot generate requests from the model: " + *e;
      return result;
    }
    // Pagination walks are chains of dependent requests; request cases are independent. Running
    // both at once (the workers split between them) keeps every connection busy.
    const int walk_workers = options_.workers > 1 ? std::max(1, options_.workers / 2) : 1;
    const int case_workers =
        options_.workers > 1 ? std::max(1, options_.workers - walk_workers) : 1;
    if (options_.workers > 1) {
      std::thread pagination([this, walk_workers] { run_pagination(walk_workers); });
      run_request_families(std::get<generators::RequestGenerators>(gens), case_workers);
      run_protocol_probes();
      pagination.join();
    } else {
      run_request_families(std::get<generators::RequestGenerators>(gens), 1);
      run_protocol_probes();
      run_pagination(1);
    }
    run_auth();
  }
  finished_ = true;
  progress.join();
  result.completed = !out_of_time();
  result_completed_ = result.completed;
  explain_skips();
  for (const auto& c : all_checks()) {
    const auto it = tallies_.find(c.name);
    if (it != tallies_.end()) result.tallies.push_back(it->second);
  }
  result.findings = std::move(findings_);
  // Report order: must first, then by check order.
  std::stable_sort(result.findings.begin(), result.findings.end(),
                   [](const Finding& a, const Finding& b) {
                     return a.level == Level::kMust && b.level != Level::kMust;
                   });
  result.notes = std::move(notes_);
  result.requests = requests_.load();
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  return result;
}

}  // namespace

RunResult run_conformance(std::shared_ptr<const spec::Model> model,
                          const spec::OperationView& operation, const ConformOptions& options) {
  Runner runner(std::move(model), operation, options);
  return runner.run();
}

}  // namespace lpe::harness
