#include "wire/pagination_token.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <limits>
#include <random>

#include "wire/sigv4.h"

namespace lpe::wire {
namespace {

using Clock = std::chrono::system_clock;

// Version 1 layout (65 bytes, 87 base64url characters):
//   [0]      version (1)
//   [1, 9)   expiry, Unix milliseconds, big-endian two's complement
//   [9, 17)  position, big-endian
//   [17, 33) binding tag: HMAC(binding key, length-prefixed fields), first 16 bytes
//   [33, 65) HMAC-SHA256(mac key, bytes [0, 33))
constexpr uint8_t kVersion = 1;
constexpr std::size_t kBindingTagSize = 16;
constexpr std::size_t kSignedSize = 1 + 8 + 8 + kBindingTagSize;
constexpr std::size_t kMacSize = 32;
constexpr std::size_t kTokenSize = kSignedSize + kMacSize;

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int alphabet_index(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  uint32_t acc = 0;
  int bits = 0;
  for (const char ch : bytes) {
    acc = (acc << 8) | static_cast<unsigned char>(ch);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

// Strict decoding: alphabet only (checked by the caller), no padding, zero trailing bits.
std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (const char c : text) {
    const int v = alphabet_index(c);
    if (v < 0) return std::nullopt;
    acc = ((acc << 6) | static_cast<uint32_t>(v)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

void put_u64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

uint64_t get_u64(std::string_view bytes, std::size_t at) {
  uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
  return v;
}

int64_t floor_millis(Clock::time_point t) {
  return static_cast<int64_t>(
      std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count());
}

int64_t saturating_add(int64_t a, int64_t b) {
  if (b > 0 && a > std::numeric_limits<int64_t>::max() - b) {
    return std::numeric_limits<int64_t>::max();
  }
  if (b < 0 && a < std::numeric_limits<int64_t>::min() - b) {
    return std::numeric_limits<int64_t>::min();
  }
  return a + b;
}

int64_t ttl_millis(std::chrono::seconds ttl) {
  const int64_t s = ttl.count();
  constexpr int64_t kLimit = std::numeric_limits<int64_t>::max() / 1000;
  if (s > kLimit) return std::numeric_limits<int64_t>::max();
  if (s < -kLimit) return std::numeric_limits<int64_t>::min();
  return s * 1000;
}

std::string binding_tag(std::string_view key, std::span<const std::string_view> binding) {
  std::string framed;
  put_u64(framed, binding.size());
  for (const auto field : binding) {
    put_u64(framed, field.size());
    framed += field;
  }
  return hmac_sha256(key, framed).substr(0, kBindingTagSize);
}

TokenRefusal refuse(TokenError kind, std::string message) {
  return TokenRefusal{kind, std::move(message)};
}

constexpr std::string_view kInvalid = "The pagination token is invalid: ";

}  // namespace

TokenSealer::TokenSealer(std::string secret, std::chrono::seconds ttl, std::string binding_names)
    : mac_key_(hmac_sha256(secret, "lpe/pagination-token/v1/mac")),
      binding_key_(hmac_sha256(secret, "lpe/pagination-token/v1/binding")),
      ttl_(ttl),
      binding_names_(std::move(binding_names)) {}

std::string TokenSealer::random_secret() {
  std::string secret(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()),
                 static_cast<int>(secret.size())) != 1) {
    std::random_device device;
    for (char& c : secret) c = static_cast<char>(device() & 0xff);
  }
  return secret;
}

std::string TokenSealer::seal(std::span<const std::string_view> binding, uint64_t position,
                              Clock::time_point now) const {
  const int64_t expires = saturating_add(floor_millis(now), ttl_millis(ttl_));
  std::string bytes;
  bytes.reserve(kTokenSize);
  bytes.push_back(static_cast<char>(kVersion));
  put_u64(bytes, static_cast<uint64_t>(expires));
  put_u64(bytes, position);
  bytes += binding_tag(binding_key_, binding);
  bytes += hmac_sha256(mac_key_, bytes);
  return base64url_encode(bytes);
}

TokenResult TokenSealer::unseal(std::string_view token, std::span<const std::string_view> binding,
                                Clock::time_point now) const {
  if (token.empty()) return refuse(TokenError::kMalformed, std::string(kInvalid) + "it is empty");
  if (token.size() > kMaxPaginationTokenLength) {
    return refuse(TokenError::kMalformed, std::string(kInvalid) + "it is longer than " +
                                              std::to_string(kMaxPaginationTokenLength) +
                                              " characters");
  }
  for (const char c : token) {
    if (alphabet_index(c) < 0) {
      return refuse(TokenError::kMalformed,
                    std::string(kInvalid) + "it contains characters no token contains");
    }
  }
  const std::optional<std::string> decoded = base64url_decode(token);
  if (!decoded) {
    return refuse(TokenError::kMalformed, std::string(kInvalid) + "it is not a well-formed token");
  }
  const std::string_view bytes = *decoded;
  const auto version = static_cast<unsigned char>(bytes[0]);
  if (version != kVersion) {
    return refuse(
        TokenError::kUnsupportedVersion,
        std::string(kInvalid) + "token version " + std::to_string(version) + " is not supported");
  }
  if (bytes.size() != kTokenSize) {
    return refuse(TokenError::kMalformed,
                  std::string(kInvalid) + "it has the wrong length for a version 1 token");
  }
  const std::string expected_mac = hmac_sha256(mac_key_, bytes.substr(0, kSignedSize));
  if (expected_mac.size() != kMacSize ||
      CRYPTO_memcmp(expected_mac.data(), bytes.data() + kSignedSize, kMacSize) != 0) {
    return refuse(TokenError::kBadSignature,
                  std::string(kInvalid) + "it was not issued by this endpoint or it was modified");
  }
  const std::string expected_tag = binding_tag(binding_key_, binding);
  if (CRYPTO_memcmp(expected_tag.data(), bytes.data() + 17, kBindingTagSize) != 0) {
    return refuse(TokenError::kWrongBinding,
                  "The pagination token was issued for a different " + binding_names_);
  }
  const auto expires = static_cast<int64_t>(get_u64(bytes, 1));
  if (floor_millis(now) > expires) {
    return refuse(TokenError::kExpired, "The pagination token has expired");
  }
  return get_u64(bytes, 9);
}

}  // namespace lpe::wire
