// Stable finding ids and the comparison with an earlier run (--baseline): which findings are new,
// which known, which fixed. Also the per-check verdict and the walk summaries reports share.
#include <algorithm>
#include <set>

#include "harness/harness.h"
#include "wire/sigv4.h"

namespace lpe::harness {
namespace {

using Json = nlohmann::ordered_json;

// The string member `key` of finding `f` (at `where`), or an error naming the file and place.
Result<std::string> string_member(const Json& f, const char* key, const std::string& where,
                                  bool required) {
  const auto it = f.find(key);
  if (it == f.end()) {
    if (!required) return std::string();
    return fail(where + ": no \"" + key + "\"" +
                (std::string(key) == "id"
                     ? " (a report written before findings had ids cannot be a baseline: run "
                       "lpe conform --report-json once more to make one)"
                     : ""));
  }
  if (!it->is_string()) return fail(where + ": \"" + key + "\" is not a string");
  return it->get<std::string>();
}

// One baseline finding from its JSON form at /findings/`index`.
Result<BaselineFinding> read_baseline_finding(const Json& f, const std::string& file,
                                              size_t index) {
  const std::string where = file + ": /findings/" + std::to_string(index);
  if (!f.is_object()) return fail(where + ": not a JSON object");
  BaselineFinding out;
  const std::pair<const char*, std::string*> members[] = {
      {"id", &out.id},       {"check", &out.check},   {"rule", &out.rule},
      {"level", &out.level}, {"target", &out.target}, {"message", &out.message}};
  for (const auto& [key, slot] : members) {
    const bool required = std::string(key) == "id" || std::string(key) == "check";
    auto value = string_member(f, key, where, required);
    if (!value) return std::move(value).error();
    *slot = std::move(*value);
  }
  const bool hex =
      out.id.size() == 16 && out.id.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (!hex) return fail(where + ": \"id\" '" + out.id.substr(0, 40) + "' is not 16 hex digits");
  return out;
}

}  // namespace

std::string Finding::id() const {
  return wire::hex_sha256(check + '\n' + rule + '\n' + subject + '\n' + target).substr(0, 16);
}

Json WalkSummary::to_json() const {
  uint64_t items = 0, largest = 0;
  for (const auto n : page_items) {
    items += n;
    largest = std::max(largest, n);
  }
  Json out = {{"target", target}};
  out["pageSize"] = page_size > 0 ? Json(page_size) : Json(nullptr);
  out["limit"] = limit >= 0 ? Json(limit) : Json(nullptr);
  out["pages"] = page_items.size();
  out["items"] = items;
  out["largestPage"] = largest;
  out["complete"] = complete;
  out["pageItems"] = page_items;
  return out;
}

Json BaselineFinding::to_json() const {
  Json out = {{"id", id}, {"check", check}, {"rule", rule}, {"level", level}};
  if (!target.empty()) out["target"] = target;
  out["message"] = message;
  return out;
}

Json BaselineComparison::to_json() const {
  Json out = {{"file", file}, {"new", new_findings}, {"known", known_findings}};
  out["fixed"] = Json::array();
  for (const auto& f : fixed) out["fixed"].push_back(f.to_json());
  out["unchecked"] = Json::array();
  for (const auto& f : unchecked) out["unchecked"].push_back(f.to_json());
  return out;
}

Result<Baseline> read_baseline(const Json& report, const std::string& file) {
  if (!report.is_object())
    return fail(file + ": not a JSON object (expected a report of lpe conform --report-json)");
  const auto findings = report.find("findings");
  if (findings == report.end() || !findings->is_array())
    return fail(file + ": no \"findings\" array (expected a report of lpe conform --report-json)");
  Baseline out;
  out.file = file;
  for (size_t i = 0; i < findings->size(); ++i) {
    auto f = read_baseline_finding((*findings)[i], file, i);
    if (!f) return std::move(f).error();
    out.findings.push_back(std::move(*f));
  }
  return out;
}

void compare_with_baseline(const Baseline& baseline, const std::vector<Target>& targets,
                           RunResult& result) {
  BaselineComparison comparison;
  comparison.file = baseline.file;
  std::set<std::string> known_ids, seen_ids;
  for (const auto& b : baseline.findings) known_ids.insert(b.id);
  for (auto& f : result.findings) {
    const std::string id = f.id();
    seen_ids.insert(id);
    f.baseline = known_ids.count(id) ? "known" : "new";
    ++(known_ids.count(id) ? comparison.known_findings : comparison.new_findings);
  }
  std::set<std::string> ran, labels;
  for (const auto& t : result.tallies) {
    if (t.ran) ran.insert(t.check);
  }
  for (const auto& t : targets) labels.insert(t.label());
  for (const auto& b : baseline.findings) {
    if (seen_ids.count(b.id)) continue;
    const bool checked = ran.count(b.check) && (b.target.empty() || labels.count(b.target));
    (checked ? comparison.fixed : comparison.unchecked).push_back(b);
    seen_ids.insert(b.id);  // a baseline listing an id twice reports it once
  }
  result.baseline = std::move(comparison);
}

std::string check_verdict(const CheckTally& tally, const RunResult& result, bool strict) {
  if (!tally.ran) return "skipped";
  if (tally.failed == 0) return "passed";
  bool any = false, must = false;
  for (const auto& f : result.findings) {
    if (f.check != tally.check) continue;
    any = true;
    must = must || f.level == spec::Severity::kMust;
  }
  if (!any) {
    const CheckInfo* info = find_check(tally.check);
    must = info == nullptr || info->level == spec::Severity::kMust;
  }
  return must || strict ? "failed" : "warned";
}

}  // namespace lpe::harness
