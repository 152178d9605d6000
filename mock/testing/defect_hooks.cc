#include "mock/testing/defect_hooks.h"

#include <algorithm>
#include <mutex>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "mock/internal/operation_parts.h"

namespace lpe::mock::testing {
namespace {

using Json = nlohmann::ordered_json;

// The defects implemented here; the others rewrite the answer (defective_handler.cc).
constexpr Defect kHookDefects[] = {
    Defect::kAcceptsUnsignedRequests,
    Defect::kNoMediaTypeCheck,
    Defect::kAcceptsPageSizeAboveMax,
    Defect::kFirstViolationOnly,
    Defect::kRejectsUnknownMembers,
    Defect::kUnknownScopeNotFound,
    Defect::kTokenNotBound,
    Defect::kDefaultPageSize100,
    Defect::kPageLargerThanPageSize,
    Defect::kEmptyTokenRejected,
    Defect::kInternalErrorOnTamperedToken,
    Defect::kTokenReplayDifferentPage,
    Defect::kDuplicatesBoundaryItem,
    Defect::kDropsBoundaryItem,
    // Found by the data oracle and the token probes
    Defect::kValidationCountAlwaysOne,
    Defect::kViolationsSortedByName,
};

// A page size the defect serves when the request sets none.
constexpr int64_t kDefectiveDefaultPageSize = 100;
// The replay defect forgets what it counted beyond this many tokens (bounded memory).
constexpr size_t kMaxReplayCounts = 100000;

class DefectHooks final : public MockHooks {
 public:
  DefectHooks(std::set<Defect> defects, std::shared_ptr<const spec::Model> model,
              spec::OperationView operation, std::string page_size_member)
      : defects_(std::move(defects)),
        model_(std::move(model)),
        operation_(std::move(operation)),
        page_size_member_(std::move(page_size_member)) {}

  bool serves_unsigned_requests() const override { return has(Defect::kAcceptsUnsignedRequests); }

  bool checks_media_type() const override { return !has(Defect::kNoMediaTypeCheck); }

  // kAcceptsPageSizeAboveMax: served when the only violations are a page size above the max.
  bool serves_invalid_request(const validators::RequestVerdict& verdict) const override {
    return has(Defect::kAcceptsPageSizeAboveMax) &&
           std::all_of(verdict.violations.begin(), verdict.violations.end(),
                       [&](const validators::Violation& v) {
                         return v.member == page_size_member_ &&
                                v.constraint == validators::ConstraintKind::kRange &&
                                v.message.find("less than or equal") != std::string::npos;
                       });
  }

  std::string validation_message(const validators::RequestVerdict& verdict) const override {
    if (has(Defect::kFirstViolationOnly) && verdict.violations.size() > 1) {
      return "1 validation error detected: " + verdict.violations.front().message;
    }
    if (has(Defect::kValidationCountAlwaysOne) || has(Defect::kViolationsSortedByName)) {
      // A message built from a list the endpoint keeps by member name, or counted wrongly.
      auto violations = verdict.violations;
      if (has(Defect::kViolationsSortedByName)) {
        std::stable_sort(violations.begin(), violations.end(),
                         [](const auto& a, const auto& b) { return a.member < b.member; });
      }
      const size_t n = has(Defect::kValidationCountAlwaysOne) ? 1 : violations.size();
      std::string message = std::to_string(n) + (n == 1 ? " validation error detected: "
                                                        : " validation errors detected: ");
      for (size_t i = 0; i < violations.size(); ++i)
        message += (i == 0 ? "" : "; ") + violations[i].message;
      return message;
    }
    return verdict.message;
  }

  // kRejectsUnknownMembers: the first member the model does not know is refused.
  std::optional<std::string> refuse_valid_request(const wire::HttpRequest& request) const override {
    if (!has(Defect::kRejectsUnknownMembers)) return std::nullopt;
    const Json body =
        Json::parse(request.body.empty() ? std::string("{}") : request.body, nullptr, false);
    if (!body.is_object()) return std::nullopt;
    for (auto it = body.begin(); it != body.end(); ++it) {
      if (operation_.input->member(it.key()) == nullptr) {
        return "1 validation error detected: Unknown member '" +
               wire::printable_ascii(it.key(), kMaxQuotedBytes) + "'";
      }
    }
    return std::nullopt;
  }

  bool unknown_list_not_found() const override { return has(Defect::kUnknownScopeNotFound); }

  bool binds_tokens_to_list() const override { return !has(Defect::kTokenNotBound); }

  int64_t page_size(bool requested, int64_t contract_size) const override {
    int64_t size = contract_size;
    if (!requested && has(Defect::kDefaultPageSize100)) size = kDefectiveDefaultPageSize;
    if (has(Defect::kPageLargerThanPageSize)) ++size;
    return size;
  }

  bool rejects_empty_token() const override { return has(Defect::kEmptyTokenRejected); }

  bool unreadable_token_is_internal_error() const override {
    return has(Defect::kInternalErrorOnTamperedToken);
  }

  // kTokenReplayDifferentPage moves on by how often the token was presented before; the defects
  // that can point past the end serve an empty page there instead of a 400.
  uint64_t resume_position(std::string_view token, uint64_t position,
                           size_t list_size) const override {
    if (has(Defect::kTokenReplayDifferentPage)) {
      std::lock_guard<std::mutex> lock(replay_mutex_);
      if (replay_counts_.size() > kMaxReplayCounts) replay_counts_.clear();
      position += replay_counts_[std::string(token)]++;
    }
    const bool clamps = has(Defect::kTokenNotBound) || has(Defect::kTokenReplayDifferentPage) ||
                        has(Defect::kDropsBoundaryItem);
    if (position > list_size && clamps) position = list_size;
    return position;
  }

  size_t next_page_start(size_t begin, size_t end, size_t list_size) const override {
    size_t next = end;
    if (has(Defect::kDuplicatesBoundaryItem)) next = std::max(end - 1, begin + 1);
    if (has(Defect::kDropsBoundaryItem)) next = std::min(end + 1, list_size);
    return next;
  }

 private:
  bool has(Defect defect) const { return defects_.count(defect) != 0; }

  std::set<Defect> defects_;
  std::shared_ptr<const spec::Model> model_;  // keeps operation_ valid
  spec::OperationView operation_;
  std::string page_size_member_;
  mutable std::mutex replay_mutex_;
  mutable std::unordered_map<std::string, uint32_t> replay_counts_;
};

}  // namespace

std::shared_ptr<const MockHooks> hooks_for(const std::set<Defect>& defects,
                                           std::shared_ptr<const spec::Model> model,
                                           const spec::OperationView& operation) {
  std::set<Defect> hooked;
  for (const Defect d : kHookDefects) {
    if (defects.count(d) != 0) hooked.insert(d);
  }
  if (hooked.empty()) return nullptr;
  std::string page_size_member;
  const auto parts = internal::resolve_parts(operation);
  if (parts) page_size_member = parts->paginated->page_size;
  return std::make_shared<const DefectHooks>(std::move(hooked), std::move(model), operation,
                                             std::move(page_size_member));
}

}  // namespace lpe::mock::testing
