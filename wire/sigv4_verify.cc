// SigV4 verification on the server side: the credential store and verify_request, one step per
// R13 check in the order the header documents.
#include <openssl/crypto.h>

#include <algorithm>

#include "base/result.h"
#include "wire/internal/sigv4_support.h"
#include "wire/sigv4.h"
#include "wire/text.h"

namespace lpe::wire {
namespace {

using Clock = std::chrono::system_clock;
using internal::quote_input;

// Why a request is refused: an R13 error type and an AWS-like message.
struct Rejection {
  std::string_view error_type;
  std::string message;
};

// Success, or the rejection that ends verification.
using Step = Result<void, Rejection>;

constexpr std::string_view kInvalidToken = "The security token included in the request is invalid.";

// The X-Amz-Date of a request: its text, and its time when system_clock holds it (else the
// timestamp, for dates such as 99991231T235959Z that are well formed but outside any window).
struct SignedDate {
  std::string_view text;
  std::optional<Clock::time_point> at;
  std::optional<Timestamp> stamp;
};

std::string window_text(std::chrono::seconds window) {
  const auto s = window.count();
  if (s % 60 == 0) return std::to_string(s / 60) + " min.";
  return std::to_string(s) + " s.";
}

// Steps 1 and 2 (presence and structure of the Authorization header).
Result<ParsedAuthorization, Rejection> read_authorization(const HeaderList& headers) {
  const auto authorizations = header_values(headers, "authorization");
  if (std::all_of(authorizations.begin(), authorizations.end(),
                  [](std::string_view v) { return trim(v, kWhitespace).empty(); })) {
    return Rejection{kMissingAuthenticationTokenException, "Missing Authentication Token"};
  }
  if (authorizations.size() > 1) {
    return Rejection{kIncompleteSignatureException,
                     "The request carries more than one Authorization header"};
  }
  auto parse = parse_authorization(authorizations.front());
  if (!parse) return Rejection{kIncompleteSignatureException, parse.error().message};
  return std::move(*parse);
}

// Step 2: the algorithm and terminator are SigV4's.
Step check_algorithm(const ParsedAuthorization& auth) {
  if (auth.algorithm != kSigV4Algorithm) {
    return Rejection{kIncompleteSignatureException, "Unsupported AWS 'algorithm': '" +
                                                        quote_input(auth.algorithm) +
                                                        "'; expected 'AWS4-HMAC-SHA256'"};
  }
  if (auth.terminator != kSigV4Terminator) {
    return Rejection{kIncompleteSignatureException,
                     "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                         quote_input(auth.terminator) + "'."};
  }
  return {};
}

// Step 2: exactly one well-formed X-Amz-Date header.
Result<SignedDate, Rejection> read_date(const HeaderList& headers) {
  const auto dates = header_values(headers, "x-amz-date");
  if (dates.empty()) {
    return Rejection{kIncompleteSignatureException,
                     "Authorization header requires existence of a 'X-Amz-Date' header."};
  }
  if (dates.size() > 1) {
    return Rejection{kIncompleteSignatureException,
                     "The request carries more than one X-Amz-Date header"};
  }
  SignedDate date;
  date.text = trim(dates.front(), kWhitespace);
  date.at = parse_amz_date(date.text);
  if (!date.at) date.stamp = internal::parse_amz_timestamp(date.text);
  if (!date.at && !date.stamp) {
    return Rejection{kIncompleteSignatureException,
                     "X-Amz-Date must be in ISO-8601 basic format (YYYYMMDD'T'HHMMSS'Z'). Got '" +
                         quote_input(date.text) + "'."};
  }
  return date;
}

// Step 2: `host`, and a security token when one is sent, are signed.
Step check_signed_headers(const ParsedAuthorization& auth, const HeaderList& headers) {
  const auto is_signed = [&](std::string_view name) {
    return std::binary_search(auth.signed_headers.begin(), auth.signed_headers.end(), name);
  };
  if (!is_signed("host")) {
    return Rejection{kIncompleteSignatureException,
                     "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."};
  }
  if (!header_values(headers, "x-amz-security-token").empty() &&
      !is_signed("x-amz-security-token")) {
    return Rejection{kIncompleteSignatureException,
                     "'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS Authorization."};
  }
  return {};
}

// Step 3: a known access key id, with exactly the session token the store holds for it (none for
// long-term credentials), compared in constant time.
Result<const Credentials*, Rejection> identify(const CredentialStore& store, std::string_view akid,
                                               const HeaderList& headers) {
  const Credentials* creds = store.lookup(akid);
  if (creds == nullptr) {
    return Rejection{kUnrecognizedClientException, std::string(kInvalidToken)};
  }
  const auto tokens = header_values(headers, "x-amz-security-token");
  const std::string presented =
      tokens.size() == 1 ? std::string(trim(tokens.front(), kWhitespace)) : std::string();
  const std::string& expected = creds->session_token;
  const bool token_ok =
      (tokens.empty() && expected.empty()) ||
      (tokens.size() == 1 && !expected.empty() && presented.size() == expected.size() &&
       CRYPTO_memcmp(presented.data(), expected.data(), presented.size()) == 0);
  if (!token_ok) return Rejection{kUnrecognizedClientException, std::string(kInvalidToken)};
  return creds;
}

// Step 4: the credential scope names this region, this service and the X-Amz-Date day.
Step check_scope(const ParsedAuthorization& auth, std::string_view region, std::string_view service,
                 std::string_view amz_date) {
  if (auth.region != region) {
    return Rejection{
        kInvalidSignatureException,
        "Credential should be scoped to a valid region, not '" + quote_input(auth.region) + "'."};
  }
  if (auth.service != service) {
    return Rejection{
        kInvalidSignatureException,
        "Credential should be scoped to correct service: '" + std::string(service) + "'."};
  }
  if (auth.date != amz_date.substr(0, 8)) {
    return Rejection{kInvalidSignatureException,
                     "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
                     "date from HTTP: '" +
                         auth.date + "' != '" + std::string(amz_date.substr(0, 8)) + "', from '" +
                         std::string(amz_date) + "'."};
  }
  return {};
}

// Step 5: the X-Amz-Date is within `window` of `now`. Compared without `now - signed_at`: that
// difference overflows for dates far from now (X-Amz-Date may be anywhere in years 1678-2261;
// beyond, it is outside any window).
Step check_freshness(const SignedDate& date, Clock::time_point now, std::chrono::seconds window) {
  const bool early = date.at ? *date.at < now - window : date.stamp->epoch_millis < 0;
  const bool late = date.at ? *date.at > now + window : !early;
  if (early) {
    return Rejection{kInvalidSignatureException,
                     "Signature expired: " + std::string(date.text) + " is now earlier than " +
                         format_amz_date(now - window) + " (" + format_amz_date(now) + " - " +
                         window_text(window) + ")"};
  }
  if (late) {
    return Rejection{kInvalidSignatureException,
                     "Signature not yet current: " + std::string(date.text) +
                         " is still later than " + format_amz_date(now + window) + " (" +
                         format_amz_date(now) + " + " + window_text(window) + ")"};
  }
  return {};
}

// Step 6: the signature is the one the secret key gives (constant-time comparison).
Step check_signature(const HttpRequest& req, const ParsedAuthorization& auth,
                     const Credentials& creds, std::string_view amz_date) {
  const std::string scope = credential_scope(auth.date, auth.region, auth.service);
  const std::string sts =
      string_to_sign(amz_date, scope, canonical_request(req, auth.signed_headers));
  const std::string expected = compute_signature(
      derive_signing_key(creds.secret_access_key, auth.date, auth.region, auth.service), sts);
  if (expected.size() != auth.signature.size() ||
      CRYPTO_memcmp(expected.data(), auth.signature.data(), expected.size()) != 0) {
    return Rejection{kInvalidSignatureException,
                     "The request signature we calculated does not match the signature you "
                     "provided. Check your AWS Secret Access Key and signing method. Consult the "
                     "service documentation for details."};
  }
  return {};
}

VerifyResult refused(const Rejection& r, std::string access_key_id) {
  VerifyResult out;
  out.error_type = std::string(r.error_type);
  out.message = r.message;
  out.access_key_id = std::move(access_key_id);
  return out;
}

}  // namespace

void CredentialStore::add(std::string access_key_id, std::string secret_access_key) {
  add(std::move(access_key_id), std::move(secret_access_key), std::string());
}

void CredentialStore::add(std::string access_key_id, std::string secret_access_key,
                          std::string session_token) {
  Credentials creds{access_key_id, std::move(secret_access_key), std::move(session_token)};
  entries_.insert_or_assign(std::move(access_key_id), std::move(creds));
}

const Credentials* CredentialStore::lookup(std::string_view access_key_id) const {
  const auto it = entries_.find(access_key_id);
  return it == entries_.end() ? nullptr : &it->second;
}

VerifyResult verify_request(const HttpRequest& req, const CredentialStore& store,
                            std::string_view region, std::string_view service,
                            Clock::time_point now, std::chrono::seconds window) {
  const auto auth = read_authorization(req.headers);
  if (!auth) return refused(auth.error(), {});
  const std::string& akid = auth->access_key_id;
  if (auto s = check_algorithm(*auth); !s) return refused(s.error(), akid);
  const auto date = read_date(req.headers);
  if (!date) return refused(date.error(), akid);
  if (auto s = check_signed_headers(*auth, req.headers); !s) return refused(s.error(), akid);
  const auto creds = identify(store, akid, req.headers);
  if (!creds) return refused(creds.error(), akid);
  if (auto s = check_scope(*auth, region, service, date->text); !s) {
    return refused(s.error(), akid);
  }
  if (auto s = check_freshness(*date, now, window); !s) return refused(s.error(), akid);
  if (auto s = check_signature(req, *auth, **creds, date->text); !s) {
    return refused(s.error(), akid);
  }
  VerifyResult ok;
  ok.ok = true;
  ok.access_key_id = akid;
  return ok;
}

}  // namespace lpe::wire
