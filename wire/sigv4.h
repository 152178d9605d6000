// AWS Signature Version 4 (header signing, AWS4-HMAC-SHA256): client-side signing, server-side
// verification with the R13 error types, the canonical building blocks (exposed for tests and
// fuzzing) and log redaction. SigV4 covers the method, target, headers and body of a
// wire::HttpRequest. Nothing here throws.
//
// Conventions, as the official AWS SigV4 test suite expects for non-S3 services:
// - The request target is taken as on the wire. Path segments are URI-encoded once more (a `%`
//   becomes `%25`), dot segments are removed and empty segments collapsed.
// - Query parameters are percent-decoded, then re-encoded (RFC 3986 unreserved set, `%XX`
//   uppercase), and sorted by encoded name, then encoded value. `+` is a literal plus (`%2B`).
// - The payload hash is always the hex SHA-256 of the body (no `x-amz-content-sha256` header).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "wire/http.h"

namespace lpe::wire {

// The only signing algorithm this module produces and accepts.
inline constexpr std::string_view kSigV4Algorithm = "AWS4-HMAC-SHA256";
// The fixed last element of a SigV4 credential scope.
inline constexpr std::string_view kSigV4Terminator = "aws4_request";

// R13 error type names, as sent in `x-amzn-ErrorType`.
inline constexpr std::string_view kMissingAuthenticationTokenException =
    "MissingAuthenticationTokenException";
inline constexpr std::string_view kIncompleteSignatureException = "IncompleteSignatureException";
inline constexpr std::string_view kUnrecognizedClientException = "UnrecognizedClientException";
inline constexpr std::string_view kInvalidSignatureException = "InvalidSignatureException";

// AWS credentials as the environment provides them (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN). An empty session token means long-term credentials.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
};

// ---- Building blocks -------------------------------------------------------------------------

// Lowercase hex of arbitrary bytes.
std::string to_hex(std::string_view bytes);

// Lowercase hex SHA-256 of `data` (the payload hash and the canonical-request hash).
std::string hex_sha256(std::string_view data);

// Raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256(std::string_view key, std::string_view data);

// Percent-encodes every byte outside the RFC 3986 unreserved set (A-Z a-z 0-9 - . _ ~) as `%XX`.
std::string uri_encode(std::string_view bytes);

// Canonical URI of a wire path (no query): dot segments removed, `//` collapsed, each segment
// URI-encoded; an empty path is `/`; a trailing slash is kept.
std::string canonical_uri(std::string_view path);

// Canonical query string of a wire query (without `?`): decoded, re-encoded, sorted, `k=v`
// joined with `&`; a parameter without `=` gets an empty value.
std::string canonical_query(std::string_view query);

// Trims a header value and collapses every run of whitespace to one space ("Trimall").
std::string trim_header_value(std::string_view value);

// Canonical headers block: for each name of `signed_headers` (lowercase, sorted), one
// `name:value\n` line where value joins the trimmed values of every header of that name
// (case-insensitive) with `,` in wire order. A listed name that is absent gets an empty value.
std::string canonical_headers(const HeaderList& headers,
                              std::span<const std::string> signed_headers);

// The header names `sign_request` signs: every header present, lowercased, sorted and unique,
// except hop-by-hop and rewritten-in-transit ones (authorization, connection, expect, keep-alive,
// proxy-authenticate, proxy-authorization, te, trailer, transfer-encoding, upgrade, user-agent,
// x-amzn-trace-id) and names that are not valid HTTP tokens. So `host`, `content-type` and every
// `x-amz-*` header are always covered.
std::vector<std::string> default_signed_headers(const HeaderList& headers);

// The canonical request of `req` for the given signed header names (lowercase, sorted):
// method, canonical URI, canonical query, canonical headers, signed headers, payload hash.
std::string canonical_request(const HttpRequest& req, std::span<const std::string> signed_headers);

// `<date>/<region>/<service>/aws4_request`, `date` being `YYYYMMDD`.
std::string credential_scope(std::string_view date, std::string_view region,
                             std::string_view service);

// `AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256(canonical_request)>`.
std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request);

// Raw signing key: HMAC("AWS4"+secret, date) -> region -> service -> "aws4_request".
std::string derive_signing_key(std::string_view secret_access_key, std::string_view date,
                               std::string_view region, std::string_view service);

// Lowercase hex HMAC-SHA256 of the string to sign under the derived signing key.
std::string compute_signature(std::string_view signing_key, std::string_view string_to_sign);

// `YYYYMMDDThhmmssZ` (UTC, truncated to the second), the X-Amz-Date format.
std::string format_amz_date(std::chrono::system_clock::time_point t);

// Parses an X-Amz-Date value (`YYYYMMDDThhmmssZ`, real calendar date, within the range of
// system_clock); nullopt otherwise.
std::optional<std::chrono::system_clock::time_point> parse_amz_date(std::string_view text);

// ---- Signing ---------------------------------------------------------------------------------

// Signs `req` in place: sets `X-Amz-Date`, sets `X-Amz-Security-Token` when `creds` carries a
// session token, then sets `Authorization` over `default_signed_headers`. Existing headers of
// those names are replaced. The caller must already have set `Host` (and `Content-Type` when
// there is a body); every signed header must then be sent unchanged.
void sign_request(HttpRequest& req, const Credentials& creds, std::string_view region,
                  std::string_view service, std::chrono::system_clock::time_point now);

// ---- Authorization header parsing --------------------------------------------------------------

// The components of a SigV4 `Authorization` header.
struct ParsedAuthorization {
  std::string algorithm;
  std::string access_key_id;
  std::string date;  // YYYYMMDD from the credential scope
  std::string region;
  std::string service;
  std::string terminator;                   // normally "aws4_request"
  std::vector<std::string> signed_headers;  // lowercase, strictly ascending
  std::string signature;                    // 64 lowercase hex digits
};

// Upper bound on the Authorization header length accepted by the parser (bounded work).
inline constexpr std::size_t kMaxAuthorizationLength = 8192;
// Upper bound on the number of SignedHeaders accepted by the parser.
inline constexpr std::size_t kMaxSignedHeaders = 128;

// Parses `<algorithm> Credential=<akid>/<date>/<region>/<service>/<terminator>,
// SignedHeaders=<a;b;c>, Signature=<hex>` (components in any order, blanks after commas).
// Structure only: the algorithm and terminator values are checked by the verifier. Total on any
// byte string; linear in the input, which is capped at kMaxAuthorizationLength. The error's message
// says what is malformed.
Result<ParsedAuthorization> parse_authorization(std::string_view header);

// ---- Verification ----------------------------------------------------------------------------

// The secrets a verifier knows, by access key id.
class CredentialStore {
 public:
  // Registers long-term credentials; requests with this key must not carry a session token.
  void add(std::string access_key_id, std::string secret_access_key);
  // Registers temporary credentials; requests with this key must carry exactly this token.
  void add(std::string access_key_id, std::string secret_access_key, std::string session_token);
  // The credentials of `access_key_id`, or nullptr when unknown.
  const Credentials* lookup(std::string_view access_key_id) const;

 private:
  std::map<std::string, Credentials, std::less<>> entries_;
};

// Outcome of verify_request. On failure `error_type` is one of the R13 names and `message` reads
// like AWS's. `access_key_id` is set whenever the header could be parsed (for logs).
struct VerifyResult {
  bool ok = false;
  std::string error_type;
  std::string message;
  std::string access_key_id;
};

// Verifies a SigV4-signed request (R13). Checks, in order:
//  1. no (or blank) Authorization header                       -> MissingAuthenticationToken
//  2. malformed Authorization, several Authorization headers, algorithm other than
//     AWS4-HMAC-SHA256, terminator other than aws4_request, missing or malformed X-Amz-Date,
//     `host` not signed, an x-amz-security-token present but not signed -> IncompleteSignature
//  3. unknown access key id, or session token not matching the store -> UnrecognizedClient
//  4. credential scope for another region or service, or a scope date that is not the
//     X-Amz-Date day                                              -> InvalidSignature
//     (a well-formed header scoped elsewhere is a wrong signature, not an incomplete one; AWS
//     answers "Credential should be scoped to ..." with InvalidSignatureException)
//  5. X-Amz-Date more than `window` away from `now` (exactly `window` is accepted)
//                                                                 -> InvalidSignature
//  6. signature mismatch (constant-time comparison)               -> InvalidSignature
VerifyResult verify_request(const HttpRequest& req, const CredentialStore& store,
                            std::string_view region, std::string_view service,
                            std::chrono::system_clock::time_point now,
                            std::chrono::seconds window = std::chrono::minutes(15));

// ---- Redaction -------------------------------------------------------------------------------

// Masks a secret for logs: `****` plus its last 4 characters when it has at least 8, else `****`.
std::string mask_secret(std::string_view secret);

// A header value safe for logs and reports. Authorization keeps the algorithm, the credential
// scope with the access key id masked by mask_secret, SignedHeaders, and `Signature=****` (an
// unparsable one keeps only a well-known scheme word such as `Basic`, else is `****`);
// x-amz-security-token becomes `****`; other headers are returned unchanged. Names compare
// case-insensitively.
std::string redact_header(std::string_view name, std::string_view value);

}  // namespace lpe::wire
