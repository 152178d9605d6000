// Request families: drawing, sending, judging and shrinking generated requests.
#include "harness/internal/requests.h"

#include <map>
#include <mutex>

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
  const auto& sel = parts.selection;
  std::vector<Family> families;
  // Response checks and not_a_server_error judge every response: they need every family.
  const bool any =
      sel.family_selected(CheckFamily::kResponses) || sel.selected("not_a_server_error");
  if (any || sel.selected("positive_data_acceptance") || sel.selected("page_size_bound"))
    families.push_back({RequestFamily::kPositive, positive_requests(parts, gens)});
  if (any || sel.selected("negative_data_rejection") || sel.selected("validation_message"))
    families.push_back({RequestFamily::kNegative, gens.invalid_request()});
  if (any || sel.selected("unknown_members_ignored"))
    families.push_back({RequestFamily::kUnusual, gens.unusual_valid_request()});
  if (any || sel.selected("content_type"))
    families.push_back({RequestFamily::kContentType, media_type_requests(parts, gens)});
  return families;
}

// One drawn case of a family.
struct Case {
  size_t family;
  rc::Shrinkable<generators::LabelledRequest> value;
  std::optional<generators::LabelledRequest> drawn;  // empty: the generator gave up (a discard)
};

// RapidCheck generation is not thread-safe (its implicit parameters are process-wide), so every
// value is drawn here, on one thread; workers only send and judge.
std::vector<Case> draw_cases(const std::vector<Family>& families, const ConformOptions& options) {
  std::vector<Case> cases;
  const int per_family = std::max(1, options.cases);
  for (size_t f = 0; f < families.size(); ++f) {
    for (int i = 0; i < per_family; ++i) {
      // Sizes grow from small to large across a family's cases, as in RapidCheck.
      const int size = per_family == 1 ? 50 : std::min(100, i * 100 / (per_family - 1));
      const uint64_t seed = options.seed * 1000003ULL + f * 7919ULL + static_cast<uint64_t>(i);
      auto shrinkable = families[f].gen(rc::Random(seed), size);
      std::optional<generators::LabelledRequest> drawn;
      try {
        drawn = shrinkable.value();
      } catch (const std::exception&) {
      }
      cases.push_back({f, std::move(shrinkable), std::move(drawn)});
    }
  }
  return cases;
}

// The exchange for a labelled request (a content-type case without a type sends no header).
Received send_case(const RunParts& parts, Transport& client, RequestFamily family,
                   const generators::LabelledRequest& lr) {
  auto req = parts.session.post(lr.body, lr.content_type);
  if (family == RequestFamily::kContentType && lr.content_type.empty()) req.headers.clear();
  return parts.session.send(client, req);
}

// Shrinks a failing case of `check` as far as it still fails, and puts the smallest failing
// exchange into the finding.
void shrink_failure(const RunParts& parts, RequestFamily family,
                    const rc::Shrinkable<generators::LabelledRequest>& failing,
                    const std::string& check, spec::Severity level, Transport& client) {
  const auto fails = [&](const generators::LabelledRequest& lr, Received& r, std::string& message) {
    r = send_case(parts, client, family, lr);
    std::vector<Observation> obs;
    judge_request_case(parts.judge, parts.selection, family, lr, r, obs);
    for (const auto& o : obs) {
      if (o.check == check && o.failed && (o.level == level || level != spec::Severity::kMust)) {
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
  const int max_steps = parts.options.max_shrink_steps;
  while (progressed && steps < max_steps && !parts.session.out_of_time()) {
    progressed = false;
    auto shrinks = current.shrinks();
    while (auto candidate = shrinks.next()) {
      if (++steps > max_steps || parts.session.out_of_time()) break;
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
  const auto cases = draw_cases(families, parts.options);
  parts.progress.plan(cases.size());
  // First failing case per check (a must-level failure before any should-level one, then the
  // lowest index), shrunk afterwards.
  std::map<std::string, std::pair<spec::Severity, size_t>> first_failure;
  std::mutex failure_mutex;
  parallel_for(
      cases.size(), workers, [&] { return parts.session.new_transport(); },
      [&] { return parts.session.out_of_time(); },
      [&](Transport& client, size_t i) {
        const auto& c = cases[i];
        const RequestFamily family = families[c.family].kind;
        if (!c.drawn) {
          parts.progress.job_done();
          return;  // a generator gave up on this draw (RapidCheck discard)
        }
        const generators::LabelledRequest& lr = *c.drawn;
        const Received r = send_case(parts, client, family, lr);
        std::vector<Observation> obs;
        judge_request_case(parts.judge, parts.selection, family, lr, r, obs);
        parts.recorder.write_record(r, expectation_of(family, lr), "");
        for (const auto& failed : parts.recorder.record(obs, r, "")) {
          std::lock_guard<std::mutex> lock(failure_mutex);
          const auto rank = [](const std::pair<spec::Severity, size_t>& f) {
            return std::make_pair(f.first == spec::Severity::kMust ? 0 : 1, f.second);
          };
          const std::pair<spec::Severity, size_t> here{failed.level, i};
          auto it = first_failure.find(failed.check);
          if (it == first_failure.end() || rank(here) < rank(it->second))
            first_failure[failed.check] = here;
        }
        parts.progress.job_done();
      });
  if (first_failure.empty()) return;
  auto client = parts.session.new_transport();
  for (const auto& [check, failure] : first_failure) {
    if (parts.session.out_of_time()) break;
    const auto& [level, index] = failure;
    shrink_failure(parts, families[cases[index].family].kind, cases[index].value, check, level,
                   *client);
  }
}

}  // namespace lpe::harness::internal
