// Request families: drawing, sending, judging and shrinking generated requests.
#include "harness/internal/requests.h"

#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "harness/internal/recorder.h"
#include "harness/internal/scheduler.h"

namespace lpe::harness::internal {
namespace {

using Json = nlohmann::ordered_json;

struct Family {
  RequestFamily kind;
  rc::Gen<generators::LabelledRequest> gen;
};

// Valid inputs; half of them aimed at a known target so that pages are not all empty.
rc::Gen<generators::LabelledRequest> positive_requests(const RunParts& parts,
                                                       const generators::RequestGenerators& gens) {
  const auto& scope = parts.op.list_scope;
  const auto& targets = parts.options.targets;
  return rc::gen::map(
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
}

// Valid requests with a Content-Type other than JSON, or none.
rc::Gen<generators::LabelledRequest> media_type_requests(
    const RunParts& parts, const generators::RequestGenerators& gens) {
  const auto unsupported = parts.op.find_error("UnsupportedMediaTypeException");
  const int status = unsupported && unsupported->http_error ? *unsupported->http_error : 415;
  return rc::gen::map(
      rc::gen::pair(gens.valid_request(), rc::gen::element<std::string>(
                                              "text/plain", "application/x-www-form-urlencoded",
                                              "application/x-amz-json-1.1", "application/xml", "")),
      [status](const std::pair<generators::LabelledRequest, std::string>& p) {
        generators::LabelledRequest lr = p.first;
        lr.content_type = p.second;
        lr.expected = {};
        lr.expected.outcome = validators::Outcome::kSerializationError;
        lr.expected.status = status;
        lr.expected.error_type = "UnsupportedMediaTypeException";
        lr.description =
            p.second.empty() ? "request body without Content-Type" : "Content-Type " + p.second;
        return lr;
      });
}

std::vector<Family> request_families(const RunParts& parts,
                                     const generators::RequestGenerators& gens) {
  std::vector<Family> families;
  for (const RequestFamily kind : selected_request_families(parts.selection)) {
    switch (kind) {
      case RequestFamily::kPositive:
        families.push_back({kind, positive_requests(parts, gens)});
        break;
      case RequestFamily::kNegative:
        families.push_back({kind, gens.invalid_request()});
        break;
      case RequestFamily::kUnusual:
        families.push_back({kind, gens.unusual_valid_request()});
        break;
      case RequestFamily::kContentType:
        families.push_back({kind, media_type_requests(parts, gens)});
        break;
    }
  }
  return families;
}

// One drawn case of a family.
struct Case {
  size_t family;
  rc::Shrinkable<generators::LabelledRequest> value;
  std::optional<generators::LabelledRequest> drawn;  // empty: the generator gave up (a discard)
};

// The cases of the families, drawn in order on one thread while the workers send the ones
// already drawn. RapidCheck generation is not thread-safe (its implicit parameters are
// process-wide), so one thread draws every value; a worker waits only for the case it took, so
// sending starts with the first case instead of after the last (drawing costs about as much as
// judging, and the endpoint would sit idle meanwhile).
class CaseStream {
 public:
  CaseStream(const std::vector<Family>& families, const ConformOptions& options)
      : families_(families),
        options_(options),
        per_family_(std::max(1, options.cases)),
        cases_(families.size() * static_cast<size_t>(per_family_)) {}

  size_t size() const { return cases_.size(); }

  // Draws every case (on the calling thread); stops early once `stop` says so.
  void draw_all(const std::function<bool()>& stop) {
    for (size_t index = 0; index < cases_.size(); ++index) {
      if (stop()) break;
      Case c = draw(index);
      std::lock_guard<std::mutex> lock(mutex_);
      cases_[index] = std::move(c);
      drawn_ = index + 1;
      // Most cases are drawn before a worker asks for them: wake workers only when one waits.
      if (waiting_ > 0) ready_.notify_all();
    }
    abandon();
  }

  // Ends drawing where it is (workers waiting for later cases get none).
  void abandon() {
    std::lock_guard<std::mutex> lock(mutex_);
    finished_ = true;
    ready_.notify_all();
  }

  // Case `index` once drawn; nullptr when drawing stopped before it.
  const Case* wait(size_t index) {
    std::unique_lock<std::mutex> lock(mutex_);
    ++waiting_;
    ready_.wait(lock, [&] { return drawn_ > index || finished_; });
    --waiting_;
    return drawn_ > index ? &*cases_[index] : nullptr;
  }

  // After draw_all returned: every case drawn.
  const Case& at(size_t index) const { return *cases_[index]; }

 private:
  Case draw(size_t index) const {
    const size_t f = index / static_cast<size_t>(per_family_);
    const int i = static_cast<int>(index % static_cast<size_t>(per_family_));
    // Sizes grow from small to large across a family's cases, as in RapidCheck.
    const int size = per_family_ == 1 ? 50 : std::min(100, i * 100 / (per_family_ - 1));
    const uint64_t seed = options_.seed * 1000003ULL + f * 7919ULL + static_cast<uint64_t>(i);
    auto shrinkable = families_[f].gen(rc::Random(seed), size);
    std::optional<generators::LabelledRequest> drawn;
    try {
      drawn = shrinkable.value();
    } catch (const std::exception&) {
    }
    return Case{f, std::move(shrinkable), std::move(drawn)};
  }

  const std::vector<Family>& families_;
  const ConformOptions& options_;
  const int per_family_;
  std::vector<std::optional<Case>> cases_;
  std::mutex mutex_;
  std::condition_variable ready_;
  size_t drawn_ = 0;
  int waiting_ = 0;  // workers blocked in wait()
  bool finished_ = false;
};

// The exchange for a labelled request (a content-type case without a type sends no header).
Received send_case(const RunParts& parts, Transport& client, RequestFamily family,
                   const generators::LabelledRequest& lr) {
  auto req = parts.session.post(lr.body, lr.content_type);
  if (family == RequestFamily::kContentType && lr.content_type.empty()) req.headers.clear();
  return parts.session.send(client, req);
}

// A failing case of a check: the one the recorder keeps comes first (kept_before), then the
// lowest index.
struct FailingCase {
  spec::Severity level = spec::Severity::kMust;
  std::string subject;
  size_t index = 0;
  bool before(const FailingCase& other) const {
    if (kept_before(level, subject, other.level, other.subject)) return true;
    if (kept_before(other.level, other.subject, level, subject)) return false;
    return index < other.index;
  }
};

// Shrinks a failing case of `check` as far as it still fails, and puts the smallest failing
// exchange into the finding.
void shrink_failure(const RunParts& parts, RequestFamily family,
                    const rc::Shrinkable<generators::LabelledRequest>& failing,
                    const std::string& check, spec::Severity level, const std::string& subject,
                    Transport& client) {
  const auto fails = [&](const generators::LabelledRequest& lr, Received& r, std::string& message) {
    r = send_case(parts, client, family, lr);
    std::vector<Observation> obs;
    judge_request_case(parts.judge, parts.selection, family, lr, r, obs);
    for (const auto& o : obs) {
      if (o.check == check && o.failed && o.subject == subject &&
          (o.level == level || level != spec::Severity::kMust)) {
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
  // Shrinking spends the plan's spare requests only (--max-requests).
  if (!parts.session.take_spare_request()) return;
  if (!fails(current.value(), best_response, best_message))
    return;  // not reproducible: keep the original report
  int steps = 0;
  bool progressed = true;
  const int max_steps = parts.options.max_shrink_steps;
  while (progressed && steps < max_steps && !parts.session.out_of_time()) {
    progressed = false;
    auto shrinks = current.shrinks();
    while (auto candidate = shrinks.next()) {
      if (++steps > max_steps || parts.session.out_of_time() || !parts.session.take_spare_request())
        break;
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
  const bool changed = current.value().body != original;
  parts.recorder.shrunk(check, best_response, best_message, steps, changed ? original : "");
}

}  // namespace

std::vector<RequestFamily> selected_request_families(const CheckSelection& sel) {
  std::vector<RequestFamily> families;
  // Response checks and not_a_server_error judge every response: they need every family.
  const bool any =
      sel.family_selected(CheckFamily::kResponses) || sel.selected("not_a_server_error");
  if (any || sel.selected("positive_data_acceptance") || sel.selected("page_size_bound"))
    families.push_back(RequestFamily::kPositive);
  if (any || sel.selected("negative_data_rejection") || sel.selected("validation_message"))
    families.push_back(RequestFamily::kNegative);
  if (any || sel.selected("unknown_members_ignored")) families.push_back(RequestFamily::kUnusual);
  if (any || sel.selected("content_type")) families.push_back(RequestFamily::kContentType);
  return families;
}

generators::RequestGeneratorOptions run_generator_options(const spec::OperationView& op) {
  generators::RequestGeneratorOptions options;
  if (op.operation != nullptr && op.operation->paginated)
    options.omit_members.insert(op.operation->paginated->input_token);
  return options;
}

std::string_view primary_check(RequestFamily family) {
  switch (family) {
    case RequestFamily::kPositive:
      return "positive_data_acceptance";
    case RequestFamily::kNegative:
      return "negative_data_rejection";
    case RequestFamily::kUnusual:
      return "unknown_members_ignored";
    case RequestFamily::kContentType:
      return "content_type";
  }
  return "content_type";
}

Expectation expectation_of(RequestFamily family, const generators::LabelledRequest& lr) {
  Expectation e;
  e.status = lr.expected.status;
  e.error_type = lr.expected.error_type;
  e.violations = lr.expected.violations;
  e.check = std::string(primary_check(family));
  return e;
}

void judge_request_case(const Judge& judge, const CheckSelection& selection, RequestFamily family,
                        const generators::LabelledRequest& lr, const Received& r,
                        std::vector<Observation>& out) {
  judge.judge_response(r, out);
  const Expectation e = expectation_of(family, lr);
  if (!lr.implementation_defined.empty()) {
    judge.judge_implementation_defined(lr, r, e, out);
    return;
  }
  const auto problem = Judge::expectation_problem(r, e);
  out.push_back({e.check, problem.has_value(), find_check(e.check)->level,
                 problem ? lr.description + ": " + *problem : ""});
  out.back().subject = violations_subject(lr.expected.violations);
  if (family == RequestFamily::kNegative && !problem && e.error_type == "ValidationException" &&
      selection.selected("validation_message")) {
    judge.judge_validation_message(r, e, out);
  }
  if ((family == RequestFamily::kPositive || family == RequestFamily::kUnusual) &&
      r.transport_ok() && r.response.status == 200) {
    judge.judge_page_size(lr.body, r, out);
    judge.judge_items_match_request(lr.body, r.response.body, out);
  }
}

void run_request_families(const RunParts& parts, const generators::RequestGenerators& gens,
                          int workers) {
  const auto families = request_families(parts, gens);
  CaseStream cases(families, parts.options);
  // A finding of the coverage phase is already minimal: a random case does not replace it.
  const std::set<std::string> found_before = parts.recorder.request_case_findings();
  parts.progress.plan(cases.size());
  // Per check, the failing case the recorder keeps (must before should, then the smallest
  // subject), the lowest index among those; shrunk afterwards.
  std::map<std::string, FailingCase> first_failure;
  std::mutex failure_mutex;
  std::exception_ptr draw_error;  // rethrown here once the workers are done
  std::thread drawing([&] {
    try {
      cases.draw_all([&] { return parts.session.out_of_time(); });
    } catch (...) {
      draw_error = std::current_exception();
      cases.abandon();
    }
  });
  parallel_for(
      cases.size(), workers, [&] { return parts.session.new_transport(); },
      [&] { return parts.session.out_of_time(); },
      [&](Transport& client, size_t i) {
        const Case* c = cases.wait(i);
        if (c == nullptr || !c->drawn) {
          parts.progress.job_done();
          return;  // drawing stopped (--max-time), or the generator gave up (a discard)
        }
        const RequestFamily family = families[c->family].kind;
        const generators::LabelledRequest& lr = *c->drawn;
        const Received r = send_case(parts, client, family, lr);
        std::vector<Observation> obs;
        judge_request_case(parts.judge, parts.selection, family, lr, r, obs);
        parts.recorder.write_record(r, expectation_of(family, lr), "");
        for (const auto& failed : parts.recorder.record(obs, r, "")) {
          std::lock_guard<std::mutex> lock(failure_mutex);
          auto it = first_failure.find(failed.check);
          const FailingCase here{failed.level, failed.subject, i};
          if (it == first_failure.end() || here.before(it->second))
            first_failure[failed.check] = here;
        }
        parts.progress.job_done();
      });
  drawing.join();
  if (draw_error) std::rethrow_exception(draw_error);
  if (first_failure.empty()) return;
  auto client = parts.session.new_transport();
  for (const auto& [check, failure] : first_failure) {
    if (parts.session.out_of_time()) break;
    if (found_before.count(check)) continue;
    const Case& c = cases.at(failure.index);
    shrink_failure(parts, families[c.family].kind, c.value, check, failure.level, failure.subject,
                   *client);
  }
}

}  // namespace lpe::harness::internal
