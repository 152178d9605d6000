// The run plan: fixed phases counted, a budget shared out in priority order and never exceeded,
// walk caps that cover the same items at every page size, a budget too small refused, and the
// common prefix shortened walks are compared on.
#include "harness/internal/budget.h"

#include <gtest/gtest.h>

#include "harness/internal/pagination.h"
#include "harness/internal/tokens.h"

namespace lpe::harness::internal {
namespace {

const spec::OperationView& operation() {
  static const auto model = spec::Model::bundled();
  static const auto op = model->operation().value();
  return op;
}

// Targets shaped like the embedded mock's lists (sizes known) or unknown ones.
std::vector<Target> targets(const std::vector<std::optional<uint64_t>>& sizes) {
  std::vector<Target> out;
  for (size_t i = 0; i < sizes.size(); ++i) {
    out.push_back(Target{{"arn:aws:ivs:us-east-1:123456789012:stage/confA1", "st-confSessionA1",
                          "p" + std::to_string(i)}});
    out.back().known_items = sizes[i];
  }
  return out;
}

uint64_t line(const RunPlan& plan, const std::string& phase_prefix) {
  for (const auto& l : plan.lines) {
    if (l.phase.rfind(phase_prefix, 0) == 0) return l.requests;
  }
  return 0;
}

TEST(PagesFor, AtLeastOnePageAndRoundedUp) {
  EXPECT_EQ(pages_for(0, 7), 1u);
  EXPECT_EQ(pages_for(7, 7), 1u);
  EXPECT_EQ(pages_for(8, 7), 2u);
  EXPECT_EQ(pages_for(5000, 1), 5000u);
}

TEST(RunPlan, WithoutABudgetCountsEveryPhaseAsItWillRun) {
  ConformOptions options;
  options.targets = targets({0, 1, 120});
  auto plan = plan_run(nullptr, operation(), options);
  ASSERT_TRUE(plan) << plan.error().to_string();
  EXPECT_EQ(line(*plan, "reachability"), 1u);
  EXPECT_EQ(line(*plan, "protocol probes"), 2u);
  EXPECT_EQ(line(*plan, "random cases"), 4u * 200);
  // Token checks: per target the first page and an empty token; then at each token position of
  // the longest walk (none for lists of one page; first, middle and last of the 120-item list's
  // 119 tokens) a replay twice, every binding variant (another target's value and near variants
  // of its own, per scope member) and the 7 tampered tokens.
  uint64_t binding = 0;
  for (size_t level = 0; level < operation().list_scope.size(); ++level) {
    binding +=
        1 + scope_variants(*operation().list_scope[level], options.targets[2].scope_values[level])
                .size();
  }
  EXPECT_EQ(line(*plan, "token checks"), 2u + 2u + 2u + 3u * (2u + binding + 7u));
  // Walks at 1, 2, 7, 50, 100 and the default (50): 6 x 1 + 6 x 1 + (120+60+18+3+2+3).
  EXPECT_EQ(line(*plan, "walks"), 6u + 6u + 206u);
  EXPECT_TRUE(plan->bounded());
  EXPECT_TRUE(options.walk_page_caps.empty());
  EXPECT_EQ(options.cases, 200);
  options.targets = targets({std::nullopt});
  plan = plan_run(nullptr, operation(), options);
  EXPECT_FALSE(plan->bounded());
  EXPECT_NE(plan->text().find("at least"), std::string::npos) << plan->text();
}

TEST(RunPlan, ABudgetIsSharedOutInOrderAndNeverExceeded) {
  for (const uint64_t budget : {300u, 1000u, 2400u, 20000u}) {
    ConformOptions options;
    options.targets = targets({0, 1, 49, 50, 51, 12, 99, 100, 101, 250, 5000, 12, 2});
    options.max_requests = budget;
    auto plan = plan_run(nullptr, operation(), options);
    ASSERT_TRUE(plan) << budget << ": " << plan.error().to_string();
    EXPECT_EQ(plan->total(), budget) << plan->text();  // the reserve takes what is left
    // The coverage cases (none without a model here) and token checks shrink to fit: at least
    // one token position on one target, everything when the budget holds it.
    EXPECT_GE(options.token_probe_targets, 1u);
    EXPECT_LE(options.token_probe_targets, 13u);
    if (budget >= 20000) {
      EXPECT_EQ(options.token_probe_targets, 13u);
      EXPECT_EQ(options.token_probe_positions, 3u);
    }
    EXPECT_GE(options.cases, 1);
    EXPECT_LE(options.cases, 200);
    EXPECT_EQ(options.spare_requests, line(*plan, "shrinking"));
    if (budget < 10000) {
      // The 5000-item list cannot be walked at page size 1: every walk gets the same item cap.
      ASSERT_EQ(options.walk_page_caps.size(), 6u) << budget;
      const size_t cap1 = *walk_page_cap(options, 1);
      EXPECT_EQ(*walk_page_cap(options, 2), (cap1 + 1) / 2);
      EXPECT_NE(plan->text().find("page budget: each walk stops after the pages"),
                std::string::npos);
    }
  }
}

TEST(RunPlan, UnknownListsAreWalkedWithinAPageBudget) {
  ConformOptions options;
  options.targets = targets({std::nullopt, std::nullopt});
  options.max_requests = 2400;
  options.rate_limit = 10;
  auto plan = plan_run(nullptr, operation(), options);
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->bounded());
  EXPECT_LE(plan->total(), 2400u);
  EXPECT_GT(*walk_page_cap(options, 1), 100u);
  EXPECT_NE(plan->text().find("about 240 s at 10 requests/s"), std::string::npos) << plan->text();
}

TEST(RunPlan, ABudgetBelowTheFixedPhasesIsAnError) {
  ConformOptions options;
  options.targets = targets({0, 1, 120});
  options.max_requests = 20;  // one page per walk alone is 18, with 4 families and 3 probes
  const auto plan = plan_run(nullptr, operation(), options);
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().to_string().find("--max-requests 20 is too small"), std::string::npos)
      << plan.error().to_string();
}

TEST(WalkItemCap, TheLargestCapThatFits) {
  const auto sizes = walk_page_sizes(operation());
  const auto t = targets({std::nullopt});
  EXPECT_EQ(walk_item_cap(operation(), t, sizes, 5), 0u);  // not even one page per walk
  EXPECT_EQ(walk_item_cap(operation(), t, sizes, 6), 1u);
  const uint64_t cap = walk_item_cap(operation(), t, sizes, 500);
  EXPECT_GT(cap, 100u);
  // pages at the cap fit; one more item does not.
  const auto cost = [&](uint64_t items) {
    uint64_t n = 0;
    for (int64_t s : sizes) n += pages_for(items, effective_page_size(operation(), s));
    return n;
  };
  EXPECT_LE(cost(cap), 500u);
  EXPECT_GT(cost(cap + 1), 500u);
}

TEST(CommonPrefix, ShortenedWalksAreComparedOnWhatEveryWalkSaw) {
  Walk full;
  full.page_size = 100;
  full.complete = true;
  full.items = {"a", "b", "c", "d"};
  full.page_starts = {0};
  Walk cut;
  cut.page_size = 1;
  cut.shortened = true;
  cut.items = {"a", "b"};
  cut.page_starts = {0, 1};
  Walk failed;  // neither complete nor shortened: left out
  failed.page_size = 2;
  const auto prefix = common_prefix({full, cut, failed});
  ASSERT_EQ(prefix.size(), 2u);
  for (const auto& w : prefix) {
    EXPECT_TRUE(w.complete);
    EXPECT_EQ(w.items, (std::vector<std::string>{"a", "b"}));
  }
  EXPECT_FALSE(walk_difference(prefix[1], prefix[0]));
  cut.items = {"a", "a"};
  EXPECT_TRUE(walk_difference(common_prefix({full, cut})[1], common_prefix({full, cut})[0]));
}

}  // namespace
}  // namespace lpe::harness::internal
