// Replaying recorded exchanges.
#include "harness/internal/replay.h"

#include "harness/internal/judge.h"
#include "harness/internal/recorder.h"
#include "harness/internal/scheduler.h"

namespace lpe::harness::internal {

void run_replay(const RunParts& parts, const std::vector<ReplayCase>& cases) {
  parts.progress.plan(cases.size());
  parallel_for(
      cases.size(), parts.options.workers, [&] { return parts.session.new_transport(); },
      [&] { return parts.session.out_of_time(); },
      [&](Transport& client, size_t i) {
        const ReplayCase& c = cases[i];
        OutgoingRequest req;
        req.method = c.method;
        // Recorded paths include the recording endpoint's base path; replay the operation's own.
        const auto& http = parts.op.operation->http;
        req.path = http ? http->uri : c.path.empty() ? "/" : c.path;
        req.headers = c.headers;
        req.body = c.body;
        Expectation e;
        e.check = c.check;
        e.status = c.status;
        e.error_type = c.error_type;
        const Received r = parts.session.send(client, req);
        std::vector<Observation> obs;
        parts.judge.judge_response(r, obs);
        const auto problem = Judge::expectation_problem(r, e);
        obs.push_back({e.check, problem.has_value(), find_check(e.check)->level,
                       problem ? "replayed case " + std::to_string(i + 1) + " (line " +
                                     std::to_string(c.line) + "): " + *problem
                               : ""});
        parts.recorder.write_record(r, e, c.target);
        parts.recorder.record(obs, r, c.target);
        parts.progress.job_done();
      });
}

}  // namespace lpe::harness::internal
