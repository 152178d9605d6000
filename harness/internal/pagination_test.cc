// The walk comparison (walk_consistency) and its diagnosis, the page sizes walks use, the bodies
// they send, and the tampered tokens token_tamper sends.
#include "harness/internal/pagination.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>

#include "harness/internal/tokens.h"

namespace lpe::harness::internal {
namespace {

Walk walk_of(int64_t page_size, std::vector<std::string> items, std::vector<size_t> page_starts,
             bool complete = true) {
  Walk w;
  w.page_size = page_size;
  w.complete = complete;
  w.items = std::move(items);
  w.page_starts = std::move(page_starts);
  return w;
}

const Walk kReference = walk_of(100, {"a", "b", "c", "d"}, {0});

TEST(WalkDifference, SameItemsWhateverThePagesAgree) {
  EXPECT_EQ(walk_difference(walk_of(2, {"a", "b", "c", "d"}, {0, 2}), kReference), std::nullopt);
  EXPECT_EQ(walk_difference(walk_of(-1, {}, {}), walk_of(100, {}, {})), std::nullopt);
}

TEST(WalkDifference, ADuplicateAtAPageBoundary) {
  EXPECT_EQ(walk_difference(walk_of(2, {"a", "b", "b", "c", "d"}, {0, 2, 4}), kReference),
            "walking with page size 2 gives 5 items, with page size 100 4: item 2 is duplicated "
            "(b) at a page boundary");
}

TEST(WalkDifference, AMissingItemAtAPageBoundary) {
  EXPECT_EQ(walk_difference(walk_of(2, {"a", "b", "d"}, {0, 2}), kReference),
            "walking with page size 2 gives 3 items, with page size 100 4: item 2 is missing (c) "
            "at a page boundary");
  // The walk stops short: the first item it lacks is missing.
  EXPECT_EQ(walk_difference(walk_of(3, {"a", "b", "c"}, {0}), kReference),
            "walking with page size 3 gives 3 items, with page size 100 4: item 3 is missing (d)");
}

TEST(WalkDifference, ADifferentItemInsideAPageWithTheDefaultPageSize) {
  EXPECT_EQ(walk_difference(walk_of(-1, {"a", "x", "c", "d"}, {0}), kReference),
            "walking with the default page size gives 4 items, with page size 100 4: item 1 "
            "differs");
  EXPECT_EQ(walk_difference(kReference, walk_of(-1, {"a", "x", "c", "d"}, {0})),
            "walking with page size 100 gives 4 items, with the default page size 4: item 1 "
            "differs");
}

TEST(WalkDifference, ItemsInTheMessageAreCut) {
  const std::string big(500, 'z');
  const auto message =
      walk_difference(walk_of(1, {"a", big, big}, {0, 1, 2}), walk_of(100, {"a", big}, {0}));
  ASSERT_TRUE(message.has_value());
  EXPECT_NE(message->find("item 2 is duplicated (" + std::string(200, 'z') + ") at a page"),
            std::string::npos)
      << *message;
  EXPECT_EQ(message->find(std::string(201, 'z')), std::string::npos);
}

TEST(ReferenceWalk, TheCompleteWalkWithTheLargestPageSize) {
  const std::vector<Walk> walks = {walk_of(1, {"a"}, {0}), walk_of(-1, {"a"}, {0}),
                                   walk_of(100, {"a"}, {0}, false), walk_of(50, {"a"}, {0}),
                                   walk_of(7, {"a"}, {0})};
  ASSERT_NE(reference_walk(walks), nullptr);
  EXPECT_EQ(reference_walk(walks)->page_size, 50);  // 100 did not complete
  EXPECT_EQ(reference_walk({walk_of(1, {}, {}, false)}), nullptr);
  EXPECT_EQ(reference_walk({}), nullptr);
  // An omitted page size (-1) is the reference only when nothing larger completed.
  EXPECT_EQ(reference_walk({walk_of(-1, {}, {}), walk_of(2, {}, {}, false)})->page_size, -1);
}

const spec::OperationView& operation() {
  static const auto model = spec::Model::bundled();
  static const auto op = model->operation().value();
  return op;
}

TEST(WalkPageSizes, TheModelsRangeEndsSmallSizesAndTheDefaultThenOmitted) {
  // maxResults is 1..100 and the overlay documents a default of 50 (R3).
  EXPECT_EQ(walk_page_sizes(operation()), (std::vector<int64_t>{1, 2, 7, 50, 100, -1}));
}

TEST(ScopeBody, ScopeValuesPageSizeAndToken) {
  Target t{{"arn:aws:ivs:us-east-1:123456789012:stage/confA1", "st-confSessionA1", "pOne"}};
  EXPECT_EQ(scope_body(operation(), t, 2, std::string("tok")),
            "{\"stageArn\":\"arn:aws:ivs:us-east-1:123456789012:stage/confA1\","
            "\"sessionId\":\"st-confSessionA1\",\"participantId\":\"pOne\",\"maxResults\":2,"
            "\"nextToken\":\"tok\"}");
  // No page size (0 or -1) and no token: neither member is sent; an empty token is sent.
  EXPECT_EQ(scope_body(operation(), t, -1, std::nullopt).find("maxResults"), std::string::npos);
  EXPECT_EQ(scope_body(operation(), t, 0, std::nullopt).find("nextToken"), std::string::npos);
  EXPECT_NE(scope_body(operation(), t, 0, std::string()).find("\"nextToken\":\"\""),
            std::string::npos);
}

TEST(ScopeBody, EscapesWhatJsonRequiresAndKeepsTheRestByteForByte) {
  const std::string awkward = std::string("q\"b\\n\nt\tc\x01 \xc3\xa9\xf0\x9f\x98\x80");
  Target t{{"arn:aws:ivs:us-east-1:123456789012:stage/confA1", "st-confSessionA1", awkward}};
  const std::string body = scope_body(operation(), t, 7, awkward);
  const auto parsed = nlohmann::json::parse(body);
  EXPECT_EQ(parsed["participantId"], awkward);
  EXPECT_EQ(parsed["nextToken"], awkward);
  EXPECT_EQ(parsed["maxResults"], 7);
  EXPECT_NE(body.find("\\u0001"), std::string::npos) << body;
  EXPECT_NE(body.find("\xc3\xa9"), std::string::npos) << "non-ASCII is sent as UTF-8, not escaped";
}

TEST(TamperedTokens, EveryVariantDiffersAndTheForeignOneFollowsTheSeed) {
  const std::string token = "AQAAAaI5XHUaAAAAAAAAAAHvlHPPFzyspTMiqyDqFSM7Pe6LQa8mW6bnfpuJYb";
  const auto variants = tampered_tokens(token, 42);
  ASSERT_EQ(variants.size(), 7u);
  std::set<std::string> seen;
  for (const auto& [label, variant] : variants) {
    EXPECT_NE(variant, token) << label;
    EXPECT_TRUE(seen.insert(variant).second) << label << " repeats another variant";
  }
  EXPECT_EQ(variants[0].second, "BQAAAaI5XHUaAAAAAAAAAAHvlHPPFzyspTMiqyDqFSM7Pe6LQa8mW6bnfpuJYb");
  EXPECT_EQ(variants[3].second, token.substr(0, token.size() - 1));
  EXPECT_EQ(variants[5].second, token + "AAAA");
  const auto& foreign = variants[6];
  EXPECT_EQ(foreign.first, "a foreign token of the same length");
  EXPECT_EQ(foreign.second.size(), token.size());
  EXPECT_EQ(foreign.second, tampered_tokens(token, 42)[6].second);
  EXPECT_NE(foreign.second, tampered_tokens(token, 43)[6].second);
  // A one-character token cannot be truncated or halved.
  EXPECT_EQ(tampered_tokens("A", 1).size(), 5u);
}

}  // namespace
}  // namespace lpe::harness::internal
