#include "wire/pagination_token.h"

#include <gtest/gtest.h>

#include <array>
#include <random>
#include <regex>
#include <set>

namespace lpe::wire {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using Clock = std::chrono::system_clock;

const Clock::time_point kT0 = Clock::time_point(seconds(1700000000));
constexpr const char* kArn = "arn:aws:ivs:us-east-1:123456789012:stage/abcdABCDefgh";
constexpr const char* kSession = "st-1234567890abcdef";
constexpr const char* kParticipant = "pid-0123456789";

const std::array<std::string_view, 3> kBinding = {kArn, kSession, kParticipant};

TokenSealer sealer() { return TokenSealer("unit-test-secret", hours(1)); }

bool matches_pattern(const std::string& token) {
  static const std::regex pattern("^[a-zA-Z0-9+/=_-]*$");
  return std::regex_match(token, pattern);
}

TEST(PaginationToken, RoundTripsPositions) {
  const TokenSealer s = sealer();
  for (const uint64_t position :
       {uint64_t{0}, uint64_t{1}, uint64_t{50}, uint64_t{1} << 32, ~uint64_t{0}}) {
    const std::string token = s.seal(kBinding, position, kT0);
    const TokenResult r = s.unseal(token, kBinding, kT0 + minutes(5));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(*r, position);
  }
}

TEST(PaginationToken, ShapeMatchesTheApiPattern) {
  const TokenSealer s = sealer();
  std::mt19937_64 rng(1);
  for (int i = 0; i < 500; ++i) {
    const std::string arn(rng() % 200, static_cast<char>('a' + rng() % 26));
    const std::array<std::string_view, 3> binding = {arn, kSession, kParticipant};
    const std::string token = s.seal(binding, rng(), kT0 + seconds(rng() % 100000000));
    EXPECT_EQ(token.size(), 87u);
    EXPECT_TRUE(matches_pattern(token)) << token;
    EXPECT_LT(token.size(), 1024u);
  }
}

TEST(PaginationToken, CarriesNoPlaintextIds) {
  const std::string token = sealer().seal(kBinding, 7, kT0);
  for (const auto field : kBinding) EXPECT_EQ(token.find(field), std::string::npos);
  EXPECT_EQ(token.find("stage"), std::string::npos);
}

TEST(PaginationToken, IsDeterministicAndDistinctPerPosition) {
  const TokenSealer s = sealer();
  EXPECT_EQ(s.seal(kBinding, 3, kT0), s.seal(kBinding, 3, kT0));
  std::set<std::string> seen;
  for (uint64_t p = 0; p < 1000; ++p) seen.insert(s.seal(kBinding, p, kT0));
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(PaginationToken, ExpiryBoundary) {
  const TokenSealer s("k", minutes(10));
  const std::string token = s.seal(kBinding, 9, kT0);
  EXPECT_TRUE(s.unseal(token, kBinding, kT0).ok());
  EXPECT_TRUE(s.unseal(token, kBinding, kT0 + minutes(10)).ok());
  EXPECT_TRUE(s.unseal(token, kBinding, kT0 + minutes(10) + std::chrono::microseconds(999)).ok());
  for (const auto late :
       {kT0 + minutes(10) + milliseconds(1), kT0 + minutes(10) + seconds(1), kT0 + hours(1000)}) {
    const TokenResult r = s.unseal(token, kBinding, late);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, TokenError::kExpired);
    EXPECT_EQ(r.error().message, "The pagination token has expired");
  }
}

TEST(PaginationToken, WrongBindingIsToldApartFromTampering) {
  const TokenSealer s = sealer();
  const std::string token = s.seal(kBinding, 4, kT0);
  const std::vector<std::array<std::string_view, 3>> others = {
      {"arn:aws:ivs:us-east-1:123456789012:stage/other", kSession, kParticipant},
      {kArn, "st-other", kParticipant},
      {kArn, kSession, "pid-other"},
      // Same concatenation, different boundaries: the fields are length-prefixed.
      {"arn:aws:ivs:us-east-1:123456789012:stage/abcdABCDefghst-1234567890abcdef", "",
       kParticipant},
      {kSession, kArn, kParticipant},
  };
  for (const auto& other : others) {
    const TokenResult r = s.unseal(token, other, kT0);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, TokenError::kWrongBinding);
    EXPECT_EQ(r.error().message, "The pagination token was issued for a different list scope");
  }
  const std::array<std::string_view, 2> fewer = {kArn, kSession};
  EXPECT_EQ(s.unseal(token, fewer, kT0).error().kind, TokenError::kWrongBinding);
}

TEST(PaginationToken, BindingNamesAreConfigurable) {
  const TokenSealer s("k", hours(1), "listing");
  const std::array<std::string_view, 1> a = {"a"}, b = {"b"};
  EXPECT_EQ(s.unseal(s.seal(a, 1, kT0), b, kT0).error().message,
            "The pagination token was issued for a different listing");
}

TEST(PaginationToken, ForeignSecretIsABadSignature) {
  const TokenSealer mine = sealer();
  const TokenSealer theirs("another-secret", hours(1));
  const TokenResult r = mine.unseal(theirs.seal(kBinding, 4, kT0), kBinding, kT0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, TokenError::kBadSignature);
  EXPECT_EQ(r.error().message,
            "The pagination token is invalid: it was not issued by this endpoint or it was "
            "modified");
  const TokenSealer random1(TokenSealer::random_secret(), hours(1));
  const TokenSealer random2(TokenSealer::random_secret(), hours(1));
  EXPECT_EQ(random1.unseal(random2.seal(kBinding, 4, kT0), kBinding, kT0).error().kind,
            TokenError::kBadSignature);
  EXPECT_TRUE(random1.unseal(random1.seal(kBinding, 4, kT0), kBinding, kT0).ok());
}

TEST(PaginationToken, RandomSecretsAreFreshAndFull) {
  const std::string a = TokenSealer::random_secret();
  const std::string b = TokenSealer::random_secret();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
}

TEST(PaginationToken, EveryBitFlipIsRejected) {
  const TokenSealer s = sealer();
  const std::string token = s.seal(kBinding, 12345, kT0);
  int flips = 0;
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = token;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      const TokenResult r = s.unseal(bad, kBinding, kT0);
      ASSERT_FALSE(r.ok()) << "char " << i << " bit " << bit;
      EXPECT_NE(r.error().kind, TokenError::kWrongBinding) << "char " << i << " bit " << bit;
      EXPECT_NE(r.error().kind, TokenError::kExpired) << "char " << i << " bit " << bit;
      ++flips;
    }
  }
  EXPECT_EQ(flips, 87 * 8);
}

TEST(PaginationToken, EveryDecodedBitFlipIsABadSignatureOrVersion) {
  // Flip bits of the 65 decoded bytes by re-encoding: every change is caught by the MAC (or, for
  // the version byte, by the version check).
  const TokenSealer s = sealer();
  const std::string token = s.seal(kBinding, 77, kT0);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (const char c : alphabet) {
      if (c == token[i]) continue;
      std::string bad = token;
      bad[i] = c;
      const TokenResult r = s.unseal(bad, kBinding, kT0);
      ASSERT_FALSE(r.ok()) << i << c;
      if (i == token.size() - 1 && (alphabet.find(c) & 0x03) != 0) {
        // The 2 unused low bits of the last character are set: non-canonical text.
        EXPECT_EQ(r.error().kind, TokenError::kMalformed) << i << c;
      } else if (i < 2 && (alphabet.find(c) >> (i == 0 ? 0 : 4)) !=
                              (alphabet.find(token[i]) >> (i == 0 ? 0 : 4))) {
        EXPECT_EQ(r.error().kind, TokenError::kUnsupportedVersion) << i << c;
      } else {
        EXPECT_EQ(r.error().kind, TokenError::kBadSignature) << i << c;
      }
    }
  }
}

TEST(PaginationToken, TruncationAndExtensionAreRejected) {
  const TokenSealer s = sealer();
  const std::string token = s.seal(kBinding, 5, kT0);
  for (std::size_t len = 0; len < token.size(); ++len) {
    const TokenResult r = s.unseal(token.substr(0, len), kBinding, kT0);
    ASSERT_FALSE(r.ok()) << len;
    EXPECT_EQ(r.error().kind, TokenError::kMalformed) << len;
  }
  for (const std::string suffix : {"A", "AA", "AAA", "AAAA", "_", "Zm9v"}) {
    const TokenResult r = s.unseal(token + suffix, kBinding, kT0);
    ASSERT_FALSE(r.ok()) << suffix;
    EXPECT_EQ(r.error().kind, TokenError::kMalformed) << suffix;
  }
  // A leading character shifts every byte: the version byte becomes 0.
  EXPECT_EQ(s.unseal("A" + token, kBinding, kT0).error().kind, TokenError::kUnsupportedVersion);
}

struct MalformedToken {
  std::string token;
  TokenError error;
  std::string message;
};

class MalformedTokens : public ::testing::TestWithParam<MalformedToken> {};

TEST_P(MalformedTokens, AreRefusedWithAReason) {
  const TokenResult r = sealer().unseal(GetParam().token, kBinding, kT0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, GetParam().error);
  EXPECT_EQ(r.error().message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedTokens,
    ::testing::Values(
        MalformedToken{"", TokenError::kMalformed, "The pagination token is invalid: it is empty"},
        MalformedToken{std::string(1025, 'A'), TokenError::kMalformed,
                       "The pagination token is invalid: it is longer than 1024 characters"},
        MalformedToken{std::string(1024, 'A'), TokenError::kUnsupportedVersion,
                       "The pagination token is invalid: token version 0 is not supported"},
        MalformedToken{"AQ==", TokenError::kMalformed,
                       "The pagination token is invalid: it contains characters no token "
                       "contains"},
        MalformedToken{"a+b/", TokenError::kMalformed,
                       "The pagination token is invalid: it contains characters no token "
                       "contains"},
        MalformedToken{"tok en", TokenError::kMalformed,
                       "The pagination token is invalid: it contains characters no token "
                       "contains"},
        MalformedToken{std::string("AQ\0A", 4), TokenError::kMalformed,
                       "The pagination token is invalid: it contains characters no token "
                       "contains"},
        MalformedToken{"A", TokenError::kMalformed,
                       "The pagination token is invalid: it is not a well-formed token"},
        MalformedToken{"AR", TokenError::kMalformed,
                       "The pagination token is invalid: it is not a well-formed token"},
        MalformedToken{"AQ", TokenError::kMalformed,
                       "The pagination token is invalid: it has the wrong length for a version 1 "
                       "token"},
        MalformedToken{"Ag", TokenError::kUnsupportedVersion,
                       "The pagination token is invalid: token version 2 is not supported"},
        MalformedToken{"_w", TokenError::kUnsupportedVersion,
                       "The pagination token is invalid: token version 255 is not supported"}));

TEST(PaginationToken, ArbitraryInputNeverCrashesOrPasses) {
  const TokenSealer s = sealer();
  std::mt19937_64 rng(99);
  const std::string valid = s.seal(kBinding, 1, kT0);
  for (int i = 0; i < 20000; ++i) {
    std::string input;
    if (i % 2 == 0) {
      for (std::size_t n = rng() % 200; n > 0; --n) input.push_back(static_cast<char>(rng()));
    } else {
      input = valid;
      input[rng() % input.size()] = static_cast<char>(rng());
    }
    const TokenResult r = s.unseal(input, kBinding, kT0);
    if (input == valid) continue;
    ASSERT_FALSE(r.ok());
    EXPECT_FALSE(r.error().message.empty());
  }
}

}  // namespace
}  // namespace lpe::wire
