// sigv4: SigV4 parsing, canonicalization, signing and verification (R13).
//
// Properties, on every input (read as a recipe by FuzzInput):
//  A. On arbitrary bytes, nothing crashes, and:
//     - parse_authorization either parses (64 lowercase hex digits of signature, signed header
//       names lowercase tokens in strictly ascending order, at most kMaxSignedHeaders) or says why;
//     - redact_header masks the security token and the signature, and keeps nothing but a scheme
//       word of an Authorization value it cannot parse;
//     - parse_amz_date accepts exactly what format_amz_date gives back unchanged;
//     - canonical_uri starts with '/', has no empty segment and only unreserved characters, '%'
//       escapes and '/'; canonical_query only unreserved characters, escapes, '=' and '&';
//       trim_header_value leaves no blank at either end and no run of blanks;
//     - default_signed_headers are sorted, unique, lowercase tokens; canonical_request ends with
//       the payload hash;
//     - verify_request on arbitrary headers (an Authorization and X-Amz-Date built from the same
//       bytes among them) refuses with one of the four R13 error types and a message.
//  B. For a fuzzer-built request that HTTP allows (token method and header names, visible ASCII
//     target, field-content header values, any body), with long-term or session credentials, any
//     region and service, any signing time between 2015 and 2151: verify(sign(request)) holds
//     within +/-15 minutes of the signing time, and fails with InvalidSignatureException outside
//     that window, after the body is changed and after the method is changed (one of these four
//     per input).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "wire/sigv4.h"

namespace {

using Clock = std::chrono::system_clock;
using lpe::fuzz::escape;
using lpe::fuzz::FuzzInput;
namespace wire = lpe::wire;

// Part A reads at most about 2.6 KB and part B about 1.5 KB; every parser here is linear and caps
// its own input, so longer inputs would only slow the fuzzer down.
constexpr size_t kMaxInputSize = 4096;

// The official test-suite credentials and time (2015-08-30T12:36:00Z).
constexpr std::string_view kAccessKey = "AKIDEXAMPLE";
constexpr std::string_view kSessionAccessKey = "ASIDEXAMPLE";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const Clock::time_point kSuiteTime = Clock::time_point(std::chrono::seconds(1440938160));
constexpr std::chrono::seconds kWindow = std::chrono::minutes(15);

// Part A's fixed session token (the one in the store); part B draws its own.
constexpr std::string_view kSessionToken = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4";

const wire::CredentialStore& fixed_store() {
  static const wire::CredentialStore* const store = [] {
    auto* s = new wire::CredentialStore();
    s->add(std::string(kAccessKey), std::string(kSecret));
    s->add(std::string(kSessionAccessKey), std::string(kSecret), std::string(kSessionToken));
    return s;
  }();
  return *store;
}

bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// RFC 9110 tchar, lowercase only (what signed header names are made of).
bool is_lower_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// `bytes` mapped onto `alphabet` (one character per byte), at least `min_length` long.
std::string from_alphabet(std::string_view bytes, std::string_view alphabet, size_t min_length) {
  std::string out;
  out.reserve(std::max(bytes.size(), min_length));
  for (const char b : bytes)
    out.push_back(alphabet[static_cast<unsigned char>(b) % alphabet.size()]);
  while (out.size() < min_length) out.push_back(alphabet[0]);
  return out;
}

constexpr std::string_view kTokenChars =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";
constexpr std::string_view kScopeChars = "abcdefghijklmnopqrstuvwxyz0123456789-";
constexpr std::string_view kBase64Chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

// RFC 9110 field-content: visible ASCII, obs-text and, inside, blanks.
std::string field_value(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (const char b : bytes) {
    const auto c = static_cast<unsigned char>(b);
    out.push_back(c < 0x20 || c == 0x7f ? (c % 2 ? '\t' : ' ') : b);
  }
  return out;
}

std::string describe(const wire::HttpRequest& req) {
  std::string out = "method: " + escape(req.method) + "\ntarget: " + escape(req.target) + "\n";
  for (const auto& [name, value] : req.headers) out += escape(name) + ": " + escape(value) + "\n";
  return out + "body: " + escape(req.body);
}

bool is_r13_type(std::string_view type) {
  return type == wire::kMissingAuthenticationTokenException ||
         type == wire::kIncompleteSignatureException ||
         type == wire::kUnrecognizedClientException || type == wire::kInvalidSignatureException;
}

void check_parse_authorization(std::string_view header) {
  const auto result = wire::parse_authorization(header);
  if (!result) {
    LPE_FUZZ_CHECK(!result.error().message.empty(), "no error for " + escape(header));
    return;
  }
  const wire::ParsedAuthorization& a = *result;
  LPE_FUZZ_CHECK(header.size() <= wire::kMaxAuthorizationLength, escape(header));
  LPE_FUZZ_CHECK(a.signature.size() == 64 && is_lower_hex(a.signature), escape(header));
  LPE_FUZZ_CHECK(!a.signed_headers.empty() && a.signed_headers.size() <= wire::kMaxSignedHeaders,
                 escape(header));
  for (size_t i = 0; i < a.signed_headers.size(); ++i) {
    const std::string& name = a.signed_headers[i];
    LPE_FUZZ_CHECK(!name.empty() && std::all_of(name.begin(), name.end(), is_lower_token_char) &&
                       (i == 0 || a.signed_headers[i - 1] < name),
                   "signed header '" + escape(name) + "' in " + escape(header));
  }
  LPE_FUZZ_CHECK(a.date.size() == 8 && !a.access_key_id.empty() && !a.region.empty() &&
                     !a.service.empty() && !a.terminator.empty(),
                 escape(header));
}

size_t occurrences(std::string_view text, std::string_view part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string_view::npos; at = text.find(part, at + 1)) {
    ++count;
  }
  return count;
}

void check_redaction(std::string_view value) {
  LPE_FUZZ_CHECK(wire::redact_header("X-Amz-Security-Token", value) == "****", escape(value));
  const std::string redacted = wire::redact_header("authorization", value);
  const auto parsed = wire::parse_authorization(value);
  if (parsed) {
    // The signature is masked: only copies of it elsewhere in the value (say, as the region) stay.
    const std::string& signature = parsed->signature;
    LPE_FUZZ_CHECK(redacted.ends_with(", Signature=****") &&
                       occurrences(redacted, signature) < occurrences(value, signature),
                   escape(value) + " -> " + escape(redacted));
  } else {
    LPE_FUZZ_CHECK(redacted.size() <= 32 && redacted.ends_with("****"),
                   escape(value) + " -> " + escape(redacted));
  }
  const std::string masked = wire::mask_secret(value);
  LPE_FUZZ_CHECK(masked.starts_with("****") && masked.size() <= 8, escape(masked));
}

void check_amz_date(std::string_view text) {
  const auto t = wire::parse_amz_date(text);
  if (!t) return;
  LPE_FUZZ_CHECK(wire::format_amz_date(*t) == text,
                 escape(text) + " -> " + wire::format_amz_date(*t));
}

void check_canonical_pieces(std::string_view path, std::string_view query, std::string_view value) {
  const std::string uri = wire::canonical_uri(path);
  LPE_FUZZ_CHECK(!uri.empty() && uri.front() == '/' && uri.find("//") == std::string::npos &&
                     std::all_of(uri.begin(), uri.end(),
                                 [](char c) { return is_unreserved(c) || c == '%' || c == '/'; }),
                 escape(path) + " -> " + escape(uri));
  const std::string canonical_query = wire::canonical_query(query);
  LPE_FUZZ_CHECK(
      std::all_of(canonical_query.begin(), canonical_query.end(),
                  [](char c) { return is_unreserved(c) || c == '%' || c == '=' || c == '&'; }),
      escape(query) + " -> " + escape(canonical_query));
  const std::string trimmed = wire::trim_header_value(value);
  LPE_FUZZ_CHECK(trimmed.empty() || (!is_blank(trimmed.front()) && !is_blank(trimmed.back())),
                 escape(value) + " -> " + escape(trimmed));
  for (size_t i = 1; i < trimmed.size(); ++i) {
    LPE_FUZZ_CHECK(!(is_blank(trimmed[i - 1]) && is_blank(trimmed[i])),
                   escape(value) + " -> " + escape(trimmed));
  }
}

// Part A: parsers, canonicalizer and verifier on arbitrary bytes.
void arbitrary_bytes(FuzzInput& in) {
  const std::string_view authorization = in.string(1024);
  const std::string_view amz_date = in.string(24);
  check_parse_authorization(authorization);
  check_redaction(authorization);
  check_amz_date(amz_date);

  const std::string_view path = in.string(256);
  const std::string_view query = in.string(256);
  check_canonical_pieces(path, query, in.string(64));

  wire::HttpRequest req;
  req.method = in.string(16);
  req.target = std::string(path) + (query.empty() ? "" : "?") + std::string(query);
  const size_t header_count = in.integer(0, 8);
  for (size_t i = 0; i < header_count; ++i) {
    const std::string_view name = in.string(32);
    req.headers.emplace_back(name, in.string(64));
  }
  if (in.boolean()) req.headers.emplace_back("Authorization", authorization);
  if (in.boolean()) req.headers.emplace_back("X-Amz-Date", amz_date);
  req.body = in.string(256);

  const std::vector<std::string> names = wire::default_signed_headers(req.headers);
  for (size_t i = 0; i < names.size(); ++i) {
    LPE_FUZZ_CHECK(!names[i].empty() &&
                       std::all_of(names[i].begin(), names[i].end(), is_lower_token_char) &&
                       (i == 0 || names[i - 1] < names[i]) && names[i] != "authorization",
                   "signed header '" + escape(names[i]) + "'\n" + describe(req));
  }
  const std::string canonical = wire::canonical_request(req, names);
  LPE_FUZZ_CHECK(canonical.ends_with("\n" + wire::hex_sha256(req.body)), describe(req));

  const wire::VerifyResult verdict =
      wire::verify_request(req, fixed_store(), "us-east-1", "service",
                           kSuiteTime + std::chrono::seconds(in.integer(0, 3600)));
  LPE_FUZZ_CHECK(verdict.ok || (is_r13_type(verdict.error_type) && !verdict.message.empty()),
                 verdict.error_type + ": " + verdict.message + "\n" + describe(req));
}

// Part B: verify(sign(request)) for requests HTTP allows.
void sign_and_verify(FuzzInput& in) {
  wire::HttpRequest req;
  req.method = from_alphabet(in.string(10), kTokenChars, 1);
  req.target = "/" + from_alphabet(in.string(128),
                                   "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKL"
                                   "MNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
                                   0);
  req.headers.emplace_back("Host", "ivsrealtime.us-east-1.amazonaws.com");
  const bool session = in.boolean();
  const size_t header_count = in.integer(0, 8);
  for (size_t i = 0; i < header_count; ++i) {
    std::string name = from_alphabet(in.string(24), kTokenChars, 1);
    std::string value = field_value(in.string(48));
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    // A security token the credentials do not carry is rightly refused (R13): not sent here.
    if (!session && lower == "x-amz-security-token") continue;
    req.headers.emplace_back(std::move(name), std::move(value));
  }
  req.body = in.string(256);
  wire::Credentials creds;
  creds.access_key_id = "AKIDFUZZ" + from_alphabet(in.string(12), kTokenChars.substr(26, 36), 0);
  creds.secret_access_key = from_alphabet(in.string(40), kBase64Chars, 1);
  if (session) creds.session_token = from_alphabet(in.string(64), kBase64Chars, 1);
  const std::string region = from_alphabet(in.string(16), kScopeChars, 1);
  const std::string service = from_alphabet(in.string(16), kScopeChars, 1);
  const Clock::time_point signed_at = kSuiteTime + std::chrono::seconds(in.integer(0, UINT32_MAX));
  const auto skew = std::chrono::seconds(static_cast<int64_t>(in.integer(0, 1800)) - 900);

  wire::CredentialStore store;
  if (session) {
    store.add(creds.access_key_id, creds.secret_access_key, creds.session_token);
  } else {
    store.add(creds.access_key_id, creds.secret_access_key);
  }
  wire::sign_request(req, creds, region, service, signed_at);

  const wire::VerifyResult ok = wire::verify_request(req, store, region, service, signed_at + skew);
  LPE_FUZZ_CHECK(ok.ok && ok.access_key_id == creds.access_key_id,
                 ok.error_type + ": " + ok.message + "\n" + describe(req));

  const auto expect_invalid = [&](const wire::HttpRequest& r, Clock::time_point now,
                                  const char* what) {
    const wire::VerifyResult v = wire::verify_request(r, store, region, service, now);
    LPE_FUZZ_CHECK(!v.ok && v.error_type == wire::kInvalidSignatureException,
                   std::string(what) + ": " +
                       (v.ok ? "accepted" : v.error_type + ": " + v.message) + "\n" + describe(r));
  };
  // One negative case per input (each verification derives a signing key: keep inputs fast).
  wire::HttpRequest changed = req;
  switch (in.integer(0, 3)) {
    case 0:
      expect_invalid(req, signed_at + kWindow + std::chrono::seconds(1), "after the time window");
      break;
    case 1:
      expect_invalid(req, signed_at - kWindow - std::chrono::seconds(1), "before the time window");
      break;
    case 2:
      changed.body.push_back(static_cast<char>(in.byte()));
      expect_invalid(changed, signed_at, "body changed");
      break;
    default:
      changed.method = req.method == "GET" ? "POST" : "GET";
      expect_invalid(changed, signed_at, "method changed");
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInputSize) return -1;  // not added to the corpus
  FuzzInput in(data, size);
  // One byte says which part reads the bytes first, so both get short and long inputs.
  if (in.boolean()) {
    sign_and_verify(in);
    arbitrary_bytes(in);
  } else {
    arbitrary_bytes(in);
    sign_and_verify(in);
  }
  return 0;
}
