// Model errors and skip reasons.
#include "harness/internal/preflight.h"

#include <algorithm>

namespace lpe::harness::internal {
namespace {

// A model error when the operation is not paginated but pagination checks are selected.
std::string unpaginated_error(const spec::OperationView& op, const CheckSelection& selection) {
  std::string names;
  for (const char* c : {"page_size_bound", "token_format", "termination", "walk_consistency",
                        "token_replay", "token_binding", "token_tamper",
                        "empty_token_is_first_page", "items_match_request", "expected_data"}) {
    if (selection.selected(c)) names += (names.empty() ? "" : ", ") + std::string(c);
  }
  if (names.empty()) return "";
  return "model: " + op.operation->id + " has no smithy.api#paginated trait, which " + names +
         " need (add it in an overlay with --overlay FILE, or --exclude-checks them)";
}

// Item members that echo the request (overlay echoesInput).
std::vector<const spec::Member*> echo_members_of(const spec::OperationView& op) {
  std::vector<const spec::Member*> out;
  const auto& p = *op.operation->paginated;
  if (const spec::Member* items = op.output ? op.output->member(p.items) : nullptr;
      items != nullptr && !items->target->members.empty()) {
    const spec::Shape* item = items->target->members.back().target;
    for (const auto& m : item->members) {
      if (!m.echoes_input.empty()) out.push_back(&m);
    }
  }
  return out;
}

// Reasons known from the options alone: no target, no signing, a replay.
void option_skips(const ConformOptions& options, const CheckSelection& selection,
                  SkipReasons& skips) {
  if (options.targets.empty()) {
    for (const auto& c : all_checks()) {
      if (c.family == CheckFamily::kPagination && selection.selected(c.name)) {
        skips[c.name] =
            "no target: pagination checks need a list known to exist (--target or "
            "--targets-file)";
      }
    }
  }
  const bool declared = std::any_of(options.targets.begin(), options.targets.end(),
                                    [](const Target& t) { return t.expected_items != nullptr; });
  if (selection.selected("expected_data") && !options.targets.empty() && !declared) {
    skips["expected_data"] =
        "no expected data: no target came with its events (--target values carry none; a "
        "--targets-file in the `lpe mock --dump-data` format does); the per-event checks "
        "(response_schema presence rules, items_match_request) judged every page without it";
  }
  if (selection.selected("ignored_auth")) {
    if (!options.sigv4) {
      skips["ignored_auth"] = "needs --sigv4: authentication is checked on signed runs";
    } else if (options.targets.empty()) {
      skips["ignored_auth"] = "no target: the auth probes ask for a known list";
    }
  }
  if (!options.replay_path.empty()) {
    for (const auto& c : all_checks()) {
      if (selection.selected(c.name) && !skips.count(c.name)) {
        skips[c.name] = "no exchange of the --replay file exercised it";
      }
    }
  }
}

}  // namespace

std::string preflight(const spec::OperationView& op, const ConformOptions& options,
                      const CheckSelection& selection, Judge& judge, SkipReasons& skips) {
  if (!op.operation->paginated) return unpaginated_error(op, selection);
  const std::string id = op.operation->id;
  const auto& p = *op.operation->paginated;
  if (selection.selected("page_size_bound") && p.page_size.empty() && !op.default_page_size()) {
    return "model: page_size_bound needs the paginated pageSize member of " + id +
           " or a default page size (smithy.api#default, or lpe.conformance#documentedDefault "
           "in an overlay)";
  }
  if (selection.selected("token_binding") && op.list_scope.empty()) {
    return "model: token_binding needs the input members that select a list "
           "(lpe.conformance#listScope, or required string members)";
  }
  judge.echo_members = echo_members_of(op);
  if (selection.selected("items_match_request") && judge.echo_members.empty()) {
    if (selection.explicitly("items_match_request")) {
      return "model: items_match_request needs lpe.conformance#echoesInput on a member of the "
             "items (the bundled overlay adds it to AWS's IVS model; --overlay FILE for others)";
    }
    skips["items_match_request"] =
        "the model has no lpe.conformance#echoesInput trait on the items' members (the bundled "
        "overlay adds it to AWS's IVS model; give one with --overlay FILE)";
  }
  option_skips(options, selection, skips);
  return "";
}

void explain_skips(std::map<std::string, CheckTally>& tallies, const SkipReasons& skips,
                   bool completed) {
  for (auto& [name, tally] : tallies) {
    if (tally.ran) {
      tally.skip_reason.clear();
      continue;
    }
    if (const auto it = skips.find(name); it != skips.end()) {
      tally.skip_reason = it->second;
    } else if (!completed) {
      tally.skip_reason = "the run stopped at --max-time before this check ran";
    } else if (name == "token_replay" || name == "token_binding" || name == "token_tamper" ||
               name == "empty_token_is_first_page" || name == "token_format") {
      tally.skip_reason =
          "no target's first page carried a token: every target list fits on one page at the "
          "smallest page size (give a target with more items)";
    } else if (name == "implementation_limits") {
      tally.skip_reason = "no case whose handling R6 leaves open was drawn (raise --cases)";
    } else if (name == "expected_data") {
      tally.skip_reason =
          "no walk of a target with declared events completed (the walks' own findings say why)";
    } else if (name == "items_match_request" || name == "page_size_bound") {
      tally.skip_reason = "no success page held items (are the targets' lists empty?)";
    } else {
      tally.skip_reason = "no exchange of this run exercised it";
    }
  }
}

}  // namespace lpe::harness::internal
