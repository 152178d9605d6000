// pagination_token: sealed pagination tokens (R10) against arbitrary and tampered text.
//
// Properties, on every input:
//  1. Unsealing the whole input as a token never crashes; a refusal carries a message; a token
//     that is accepted is exactly the token seal() gives for the same position and sealing time
//     (nothing but seal() with this secret and binding can produce an accepted token).
//  2. Round trip: a token sealed for fuzzer-chosen binding fields, position and time is base64url
//     text of 87 characters, unseals to the same position under the same binding up to the expiry
//     (to the millisecond) and is refused as expired after it; refused with kWrongBinding under
//     other binding fields, and with kBadSignature by a sealer with another secret.
//  3. No forgery: the sealed token edited by fuzzer-chosen byte replacements, insertions, deletions
//     and truncation is refused unless the edits left it unchanged.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "wire/pagination_token.h"

namespace {

using Clock = std::chrono::system_clock;
using lpe::fuzz::escape;
using lpe::wire::TokenError;
using lpe::wire::TokenResult;
using lpe::wire::TokenSealer;
using std::chrono::milliseconds;

// Unsealing looks at no more than kMaxPaginationTokenLength (1024) characters; a little more lets
// the over-long refusal be reached, and the round-trip part needs only a few hundred bytes.
constexpr size_t kMaxInputSize = lpe::wire::kMaxPaginationTokenLength + 64;

constexpr std::chrono::seconds kTtl = std::chrono::hours(1);
// 2023-11-14T22:13:20Z: the sealing time of the committed seed tokens.
const Clock::time_point kT0 = Clock::time_point(std::chrono::seconds(1700000000));
constexpr std::array<std::string_view, 3> kSeedBinding = {
    "arn:aws:ivs:us-east-1:123456789012:stage/abcdABCDefgh", "st-1234567890abcd", "pid-0123456789"};

const TokenSealer& sealer() {
  static const TokenSealer* const instance = new TokenSealer("fuzz-secret", kTtl);
  return *instance;
}

const TokenSealer& foreign_sealer() {
  static const TokenSealer* const instance = new TokenSealer("another-secret", kTtl);
  return *instance;
}

int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

// The sealing time of an accepted version-1 token: expiry (bytes 1..9, big-endian Unix ms) - ttl.
// Decoded here independently of the sealer, from the documented base64url text.
std::optional<Clock::time_point> sealing_time(std::string_view token) {
  std::string bytes;
  uint32_t acc = 0;
  int bits = 0;
  for (const char c : token) {
    const int v = base64url_value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (bytes.size() < 9) return std::nullopt;
  uint64_t expiry = 0;
  for (size_t i = 1; i < 9; ++i) expiry = (expiry << 8) | static_cast<unsigned char>(bytes[i]);
  return Clock::time_point(milliseconds(static_cast<int64_t>(expiry)) - kTtl);
}

bool is_base64url(std::string_view token) {
  for (const char c : token) {
    if (base64url_value(c) < 0) return false;
  }
  return true;
}

std::string describe(const TokenResult& r) {
  return r.ok() ? "ok position " + std::to_string(*r)
                : "error " + std::to_string(static_cast<int>(r.error().kind)) + ": " +
                      r.error().message;
}

// Part 1: the whole input as a token.
void unseal_arbitrary(std::string_view token) {
  const TokenResult r = sealer().unseal(token, kSeedBinding, kT0);
  if (!r.ok()) {
    LPE_FUZZ_CHECK(!r.error().message.empty(), "refusal without a message for " + escape(token));
    return;
  }
  const auto sealed_at = sealing_time(token);
  LPE_FUZZ_CHECK(sealed_at && sealer().seal(kSeedBinding, *r, *sealed_at) == token,
                 "accepted a token seal() did not produce: " + escape(token));
}

// Part 2 and 3: the input as a recipe.
void round_trip(lpe::fuzz::FuzzInput& in) {
  // Binding fields: 0..4 fields of up to 64 bytes each (order and boundaries matter).
  std::array<std::string_view, 4> fields;
  const size_t field_count = in.integer(0, fields.size());
  for (size_t i = 0; i < field_count; ++i) fields[i] = in.string(64);
  const std::span<const std::string_view> binding(fields.data(), field_count);

  const uint64_t position = in.integer(0, UINT64_MAX);
  // Any millisecond within about +/-68 years of 2023 (both sides of the Unix epoch).
  const auto sealed_at = Clock::time_point(
      milliseconds(1700000000000LL + static_cast<int64_t>(in.integer(0, UINT32_MAX)) * 1000 -
                   (int64_t{1} << 31) * 1000 + static_cast<int64_t>(in.integer(0, 999))));
  const std::string token = sealer().seal(binding, position, sealed_at);
  LPE_FUZZ_CHECK(token.size() == 87 && is_base64url(token), "token shape: " + escape(token));

  // Unseal between 1 h early and 1 h + 2 s late: accepted up to the expiry, to the millisecond.
  const auto delta = milliseconds(static_cast<int64_t>(in.integer(0, 7202000)) - 3600000);
  const TokenResult r = sealer().unseal(token, binding, sealed_at + delta);
  if (delta <= kTtl) {
    LPE_FUZZ_CHECK(r.ok() && *r == position,
                   "round trip of position " + std::to_string(position) + ": " + describe(r));
  } else {
    LPE_FUZZ_CHECK(!r.ok() && r.error().kind == TokenError::kExpired,
                   "expired token: " + describe(r));
  }

  // Another binding: one field changed, added or removed.
  std::array<std::string_view, 5> other_fields;
  std::copy(fields.begin(), fields.begin() + field_count, other_fields.begin());
  size_t other_count = field_count;
  const std::string_view replacement = in.string(64);
  const size_t which = in.integer(0, field_count);
  if (which == field_count) {
    other_fields[other_count++] = replacement;  // one more field
  } else if (replacement != fields[which]) {
    other_fields[which] = replacement;
  } else {
    other_count = which;  // fields after `which` dropped (at least one)
  }
  const std::span<const std::string_view> other(other_fields.data(), other_count);
  const TokenResult wrong = sealer().unseal(token, other, sealed_at);
  LPE_FUZZ_CHECK(!wrong.ok() && wrong.error().kind == TokenError::kWrongBinding,
                 "token used with another binding: " + describe(wrong));

  const TokenResult foreign = foreign_sealer().unseal(token, binding, sealed_at);
  LPE_FUZZ_CHECK(!foreign.ok() && foreign.error().kind == TokenError::kBadSignature,
                 "token of another secret: " + describe(foreign));

  // Tampering: up to 8 edits of the token text.
  std::string tampered = token;
  const size_t edits = in.integer(1, 8);
  for (size_t i = 0; i < edits && !in.empty(); ++i) {
    const size_t at = in.integer(0, tampered.size());
    const char c = static_cast<char>(in.byte());
    switch (in.integer(0, 3)) {
      case 0:
        if (at < tampered.size()) tampered[at] = c;
        break;
      case 1:
        tampered.insert(tampered.begin() + static_cast<std::ptrdiff_t>(at), c);
        break;
      case 2:
        if (at < tampered.size()) tampered.erase(at, 1);
        break;
      default:
        tampered.resize(at);
        break;
    }
  }
  const TokenResult forged = sealer().unseal(tampered, binding, sealed_at);
  LPE_FUZZ_CHECK(tampered == token || !forged.ok(),
                 "accepted a tampered token: " + escape(tampered) + " (sealed " + token + ")");
  LPE_FUZZ_CHECK(tampered != token || forged.ok(),
                 "refused an untouched token: " + describe(forged));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInputSize) return -1;  // not added to the corpus
  unseal_arbitrary(std::string_view(reinterpret_cast<const char*>(data), size));
  lpe::fuzz::FuzzInput in(data, size);
  round_trip(in);
  return 0;
}
