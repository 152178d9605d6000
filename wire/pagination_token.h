// Opaque, versioned, sealed pagination tokens (R10): a token carries a page position, its expiry
// and a keyed hash of the request fields it is bound to (no plaintext ids), all under
// HMAC-SHA256. Tampered, foreign, expired, re-bound and malformed tokens are told apart so the
// endpoint can answer each with a clear 400 ValidationException message. Nothing here throws.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"

namespace lpe::wire {

// Why a pagination token was refused.
enum class TokenError {
  kMalformed,           // not text this sealer could have produced (alphabet, length, layout)
  kBadSignature,        // MAC mismatch: tampered, or sealed under another secret
  kExpired,             // older than the sealer's time to live
  kWrongBinding,        // authentic, but issued for different binding fields
  kUnsupportedVersion,  // a token layout version this build does not know
};

// Why TokenSealer::unseal refused a token: the kind, and a message for the 400 response.
struct TokenRefusal {
  TokenError kind = TokenError::kMalformed;
  std::string message;
};

// Outcome of TokenSealer::unseal: the page position, or why the token was refused.
using TokenResult = Result<uint64_t, TokenRefusal>;

// Longest token text unseal() will look at; longer input is kMalformed without decoding.
inline constexpr std::size_t kMaxPaginationTokenLength = 1024;

// Seals and unseals pagination tokens under one secret. Tokens are base64url text without
// padding (they match `^[a-zA-Z0-9+/=_-]*$`), 87 characters for version 1, and deterministic:
// the same binding, position and time give the same token.
class TokenSealer {
 public:
  // `secret`: key material (any bytes; use random_secret() unless tokens must survive restarts).
  // `ttl`: how long a token stays valid after it is sealed.
  // `binding_names`: how binding fields are named in the kWrongBinding message.
  TokenSealer(std::string secret, std::chrono::seconds ttl,
              std::string binding_names = "list scope");

  // 32 fresh random bytes from the OpenSSL CSPRNG, for a per-process secret.
  static std::string random_secret();

  // A token for `position` bound to the `binding` fields (order and boundaries matter), valid
  // until `now + ttl`.
  std::string seal(std::span<const std::string_view> binding, uint64_t position,
                   std::chrono::system_clock::time_point now) const;

  // The position of `token` if it is authentic, unexpired (`now` <= sealing time + ttl, to the
  // millisecond) and bound to `binding`. Checks, in order: text shape, version, MAC (constant
  // time), binding, expiry. Bounded work on any input.
  TokenResult unseal(std::string_view token, std::span<const std::string_view> binding,
                     std::chrono::system_clock::time_point now) const;

 private:
  std::string mac_key_;
  std::string binding_key_;
  std::chrono::seconds ttl_;
  std::string binding_names_;
};

}  // namespace lpe::wire
