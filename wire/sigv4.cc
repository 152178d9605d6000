#include "wire/sigv4.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "wire/rfc3339.h"

namespace lpe::wire {
namespace {

using Clock = std::chrono::system_clock;

// Non-null pointer for OpenSSL calls on possibly empty views.
const unsigned char* bytes_of(std::string_view s) {
  static constexpr unsigned char kEmpty[1] = {0};
  return s.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes valid `%XX` escapes; anything else (including a stray `%`) is kept literally.
std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// Printable-ASCII, length-capped copy of client input for error messages (no log injection).
std::string sanitize_for_message(std::string_view s) {
  constexpr std::size_t kMax = 64;
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    out.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?');
  }
  if (s.size() > kMax) out += "...";
  return out;
}

std::string join(std::span<const std::string> parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i != 0) out += sep;
    out += parts[i];
  }
  return out;
}

bool is_token_char(char c) {
  // RFC 9110 tchar, lowercase letters only (signed header names are lowercase).
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '!' || c == '#' || c == '$' ||
         c == '%' || c == '&' || c == '\'' || c == '*' || c == '+' || c == '-' || c == '.' ||
         c == '^' || c == '_' || c == '`' || c == '|' || c == '~';
}

bool is_hop_or_rewritten(std::string_view lower_name) {
  static constexpr std::array<std::string_view, 12> kUnsigned = {"authorization",
                                                                 "connection",
                                                                 "expect",
                                                                 "keep-alive",
                                                                 "proxy-authenticate",
                                                                 "proxy-authorization",
                                                                 "te",
                                                                 "trailer",
                                                                 "transfer-encoding",
                                                                 "upgrade",
                                                                 "user-agent",
                                                                 "x-amzn-trace-id"};
  return std::find(kUnsigned.begin(), kUnsigned.end(), lower_name) != kUnsigned.end();
}

void erase_headers(HeaderList& headers, std::string_view name) {
  std::erase_if(headers, [&](const auto& h) { return iequals(h.first, name); });
}

// Values of every header named `name` (case-insensitive), in wire order.
std::vector<std::string_view> header_values(const HeaderList& headers, std::string_view name) {
  std::vector<std::string_view> out;
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) out.push_back(v);
  }
  return out;
}

std::string window_text(std::chrono::seconds window) {
  const auto s = window.count();
  if (s % 60 == 0) return std::to_string(s / 60) + " min.";
  return std::to_string(s) + " s.";
}

VerifyResult fail(std::string_view type, std::string message, std::string akid = {}) {
  VerifyResult r;
  r.ok = false;
  r.error_type = std::string(type);
  r.message = std::move(message);
  r.access_key_id = std::move(akid);
  return r;
}

std::string mask_fully() { return "****"; }

}  // namespace

// ---- Building blocks -------------------------------------------------------------------------

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0x0f]);
  }
  return out;
}

std::string hex_sha256(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(bytes_of(data), data.size(), md.data(), &len, EVP_sha256(), nullptr) != 1) {
    return {};
  }
  return to_hex(std::string_view(reinterpret_cast<const char*>(md.data()), len));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), bytes_of(key), static_cast<int>(key.size()), bytes_of(data), data.size(),
           md.data(), &len) == nullptr) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(md.data()), len);
}

std::string uri_encode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size());
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0x0f]);
    }
  }
  return out;
}

std::string canonical_uri(std::string_view path) {
  std::vector<std::string_view> segments;
  std::string_view last;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    const std::string_view segment = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    last = segment;
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (segments.empty()) return "/";
  std::string out;
  for (const auto segment : segments) {
    out.push_back('/');
    out += uri_encode(segment);
  }
  if (last.empty() || last == "." || last == "..") out.push_back('/');
  return out;
}

std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view pair = query.substr(start, amp - start);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      const std::string_view key = pair.substr(0, eq);
      const std::string_view value =
          eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
      params.emplace_back(uri_encode(percent_decode(key)), uri_encode(percent_decode(value)));
    }
    start = amp + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (i != 0) out.push_back('&');
    out += params[i].first;
    out.push_back('=');
    out += params[i].second;
  }
  return out;
}

std::string trim_header_value(std::string_view value) {
  value = trim(value);
  std::string out;
  out.reserve(value.size());
  bool in_space = false;
  for (const char c : value) {
    if (is_space(c)) {
      in_space = true;
      continue;
    }
    if (in_space) out.push_back(' ');
    in_space = false;
    out.push_back(c);
  }
  return out;
}

std::string canonical_headers(const HeaderList& headers,
                              std::span<const std::string> signed_headers) {
  // Lowercase signed name -> its values joined with ','; nullopt until a header of it is seen.
  std::map<std::string, std::optional<std::string>, std::less<>> values;
  for (const auto& name : signed_headers) values.emplace(lowercase(name), std::nullopt);
  for (const auto& [name, value] : headers) {
    const auto it = values.find(lowercase(name));
    if (it == values.end()) continue;
    std::optional<std::string>& joined = it->second;
    if (joined) {
      joined->push_back(',');
    } else {
      joined.emplace();
    }
    *joined += trim_header_value(value);
  }
  std::string out;
  for (const auto& name : signed_headers) {
    out += name;
    out.push_back(':');
    out += values[lowercase(name)].value_or("");
    out.push_back('\n');
  }
  return out;
}

std::vector<std::string> default_signed_headers(const HeaderList& headers) {
  std::vector<std::string> names;
  for (const auto& h : headers) {
    std::string lower = lowercase(h.first);
    const bool valid_name =
        !lower.empty() && std::all_of(lower.begin(), lower.end(), is_token_char);
    if (valid_name && !is_hop_or_rewritten(lower)) names.push_back(std::move(lower));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string canonical_request(const HttpRequestView& req,
                              std::span<const std::string> signed_headers) {
  const std::string_view target = req.target;
  const std::size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  std::string out = req.method;
  out.push_back('\n');
  out += canonical_uri(path);
  out.push_back('\n');
  out += canonical_query(query);
  out.push_back('\n');
  out += canonical_headers(req.headers, signed_headers);
  out.push_back('\n');
  out += join(signed_headers, ";");
  out.push_back('\n');
  out += hex_sha256(req.body);
  return out;
}

std::string credential_scope(std::string_view date, std::string_view region,
                             std::string_view service) {
  std::string out(date);
  out.push_back('/');
  out += region;
  out.push_back('/');
  out += service;
  out.push_back('/');
  out += kSigV4Terminator;
  return out;
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request) {
  std::string out(kSigV4Algorithm);
  out.push_back('\n');
  out += amz_date;
  out.push_back('\n');
  out += scope;
  out.push_back('\n');
  out += hex_sha256(canonical_request);
  return out;
}

std::string derive_signing_key(std::string_view secret_access_key, std::string_view date,
                               std::string_view region, std::string_view service) {
  const std::string k_secret = "AWS4" + std::string(secret_access_key);
  const std::string k_date = hmac_sha256(k_secret, date);
  const std::string k_region = hmac_sha256(k_date, region);
  const std::string k_service = hmac_sha256(k_region, service);
  return hmac_sha256(k_service, kSigV4Terminator);
}

std::string compute_signature(std::string_view signing_key, std::string_view string_to_sign) {
  return to_hex(hmac_sha256(signing_key, string_to_sign));
}

std::string format_amz_date(Clock::time_point t) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch());
  const std::string iso = format_rfc3339({static_cast<int64_t>(secs.count()) * 1000});
  std::string out;
  out.reserve(16);
  for (const char c : iso) {
    if (c != '-' && c != ':') out.push_back(c);
  }
  return out;
}

namespace {

// An X-Amz-Date value as a timestamp (`YYYYMMDDThhmmssZ`, real calendar date), whatever its year.
std::optional<Timestamp> parse_amz_timestamp(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  for (std::size_t i = 0; i < 15; ++i) {
    if (i != 8 && (s[i] < '0' || s[i] > '9')) return std::nullopt;
  }
  std::string iso;
  iso.reserve(20);
  iso.append(s.substr(0, 4)).append("-").append(s.substr(4, 2)).append("-").append(s.substr(6, 2));
  iso.append("T").append(s.substr(9, 2)).append(":").append(s.substr(11, 2)).append(":");
  iso.append(s.substr(13, 2)).append("Z");
  return parse_rfc3339(iso);
}

}  // namespace

std::optional<Clock::time_point> parse_amz_date(std::string_view s) {
  const auto ts = parse_amz_timestamp(s);
  if (!ts) return std::nullopt;
  // system_clock counts nanoseconds on common platforms (about years 1678-2261): outside its
  // range the date cannot be a current one, and converting would overflow.
  constexpr auto kMax = std::chrono::floor<std::chrono::milliseconds>(Clock::duration::max());
  constexpr auto kMin = std::chrono::ceil<std::chrono::milliseconds>(Clock::duration::min());
  if (ts->epoch_millis > kMax.count() || ts->epoch_millis < kMin.count()) return std::nullopt;
  return Clock::time_point(
      std::chrono::duration_cast<Clock::duration>(std::chrono::milliseconds(ts->epoch_millis)));
}

// ---- Signing ---------------------------------------------------------------------------------

void sign_request(HttpRequestView& req, const Credentials& creds, std::string_view region,
                  std::string_view service, Clock::time_point now) {
  const std::string amz_date = format_amz_date(now);
  const std::string date = amz_date.substr(0, 8);
  erase_headers(req.headers, "authorization");
  erase_headers(req.headers, "x-amz-date");
  req.headers.emplace_back("X-Amz-Date", amz_date);
  if (!creds.session_token.empty()) {
    erase_headers(req.headers, "x-amz-security-token");
    req.headers.emplace_back("X-Amz-Security-Token", creds.session_token);
  }
  const std::vector<std::string> signed_headers = default_signed_headers(req.headers);
  const std::string scope = credential_scope(date, region, service);
  const std::string sts = string_to_sign(amz_date, scope, canonical_request(req, signed_headers));
  const std::string signature =
      compute_signature(derive_signing_key(creds.secret_access_key, date, region, service), sts);
  std::string authorization(kSigV4Algorithm);
  authorization += " Credential=" + creds.access_key_id + "/" + scope;
  authorization += ", SignedHeaders=" + join(signed_headers, ";");
  authorization += ", Signature=" + signature;
  req.headers.emplace_back("Authorization", std::move(authorization));
}

// ---- Authorization header parsing --------------------------------------------------------------

AuthorizationParseResult parse_authorization(std::string_view header) {
  AuthorizationParseResult result;
  const auto error = [&](std::string message) {
    result.parsed.reset();
    result.error = std::move(message);
    return result;
  };
  if (header.size() > kMaxAuthorizationLength) {
    return error("Authorization header is longer than " + std::to_string(kMaxAuthorizationLength) +
                 " bytes");
  }
  header = trim(header);
  if (header.empty()) return error("Authorization header is empty");
  std::size_t split = 0;
  while (split < header.size() && !is_space(header[split])) ++split;
  const std::string_view algorithm = header.substr(0, split);
  for (const char c : algorithm) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e || c == '=' || c == ',') {
      return error(
          "Authorization header is malformed: expected '<algorithm> Credential=..., "
          "SignedHeaders=..., Signature=...'");
    }
  }
  const std::string_view rest = trim(header.substr(split));
  if (rest.empty()) {
    return error(
        "Authorization header requires 'Credential' parameter. Authorization header requires "
        "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.");
  }

  std::optional<std::string_view> credential, signed_headers, signature;
  std::size_t start = 0;
  while (start <= rest.size()) {
    std::size_t comma = rest.find(',', start);
    if (comma == std::string_view::npos) comma = rest.size();
    const std::string_view part = trim(rest.substr(start, comma - start));
    start = comma + 1;
    if (part.empty()) return error("Authorization header has an empty parameter");
    const std::size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      return error("Authorization parameter '" + sanitize_for_message(part) +
                   "' is not of the form key=value");
    }
    const std::string_view key = part.substr(0, eq);
    const std::string_view value = part.substr(eq + 1);
    std::optional<std::string_view>* slot = nullptr;
    if (key == "Credential") {
      slot = &credential;
    } else if (key == "SignedHeaders") {
      slot = &signed_headers;
    } else if (key == "Signature") {
      slot = &signature;
    } else {
      return error("Authorization header has an unknown parameter '" + sanitize_for_message(key) +
                   "'");
    }
    if (slot->has_value()) {
      return error("Authorization header has more than one '" + std::string(key) + "' parameter");
    }
    *slot = value;
  }
  std::string missing;
  if (!credential) missing += "Authorization header requires 'Credential' parameter. ";
  if (!signature) missing += "Authorization header requires 'Signature' parameter. ";
  if (!signed_headers) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!missing.empty()) {
    missing.pop_back();
    return error(std::move(missing));
  }

  ParsedAuthorization parsed;
  parsed.algorithm = std::string(algorithm);

  // Credential=<akid>/<YYYYMMDD>/<region>/<service>/<terminator>
  std::array<std::string_view, 5> scope{};
  std::size_t count = 0;
  std::size_t pos = 0;
  const std::string_view cred = *credential;
  bool well_formed = true;
  while (well_formed) {
    const std::size_t slash = cred.find('/', pos);
    const std::string_view piece =
        cred.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    if (count == scope.size() || piece.empty()) {
      well_formed = false;
      break;
    }
    scope[count++] = piece;
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  if (well_formed && count == scope.size()) {
    for (const auto piece : scope) {
      for (const char c : piece) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x21 || u > 0x7e) well_formed = false;
      }
    }
    if (scope[1].size() != 8 || !std::all_of(scope[1].begin(), scope[1].end(),
                                             [](char c) { return c >= '0' && c <= '9'; })) {
      well_formed = false;
    }
  }
  if (!well_formed || count != scope.size()) {
    return error(
        "Authorization header has a malformed Credential: expected "
        "'<access key id>/<YYYYMMDD>/<region>/<service>/aws4_request'");
  }
  parsed.access_key_id = std::string(scope[0]);
  parsed.date = std::string(scope[1]);
  parsed.region = std::string(scope[2]);
  parsed.service = std::string(scope[3]);
  parsed.terminator = std::string(scope[4]);

  // SignedHeaders=a;b;c (lowercase, strictly ascending)
  const std::string_view names = *signed_headers;
  pos = 0;
  while (true) {
    const std::size_t semi = names.find(';', pos);
    const std::string_view name =
        names.substr(pos, semi == std::string_view::npos ? std::string_view::npos : semi - pos);
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_token_char) ||
        (!parsed.signed_headers.empty() && parsed.signed_headers.back() >= name)) {
      return error(
          "SignedHeaders must be lowercase header names separated by ';', sorted and without "
          "duplicates");
    }
    if (parsed.signed_headers.size() == kMaxSignedHeaders) {
      return error("SignedHeaders lists more than " + std::to_string(kMaxSignedHeaders) +
                   " headers");
    }
    parsed.signed_headers.emplace_back(name);
    if (semi == std::string_view::npos) break;
    pos = semi + 1;
  }

  const std::string_view sig = *signature;
  if (sig.size() != 64 || !std::all_of(sig.begin(), sig.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      })) {
    return error("Signature must be 64 lowercase hexadecimal digits");
  }
  parsed.signature = std::string(sig);
  result.parsed = std::move(parsed);
  result.error.clear();
  return result;
}

// ---- Verification ----------------------------------------------------------------------------

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

VerifyResult verify_request(const HttpRequestView& req, const CredentialStore& store,
                            std::string_view region, std::string_view service,
                            Clock::time_point now, std::chrono::seconds window) {
  // 1. Presence.
  const auto authorizations = header_values(req.headers, "authorization");
  const bool all_blank = std::all_of(authorizations.begin(), authorizations.end(),
                                     [](std::string_view v) { return trim(v).empty(); });
  if (authorizations.empty() || all_blank) {
    return fail(kMissingAuthenticationTokenException, "Missing Authentication Token");
  }

  // 2. Structure.
  if (authorizations.size() > 1) {
    return fail(kIncompleteSignatureException,
                "The request carries more than one Authorization header");
  }
  const AuthorizationParseResult parse = parse_authorization(authorizations.front());
  if (!parse.parsed) return fail(kIncompleteSignatureException, parse.error);
  const ParsedAuthorization& auth = *parse.parsed;
  const std::string& akid = auth.access_key_id;
  if (auth.algorithm != kSigV4Algorithm) {
    return fail(kIncompleteSignatureException,
                "Unsupported AWS 'algorithm': '" + sanitize_for_message(auth.algorithm) +
                    "'; expected 'AWS4-HMAC-SHA256'",
                akid);
  }
  if (auth.terminator != kSigV4Terminator) {
    return fail(kIncompleteSignatureException,
                "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                    sanitize_for_message(auth.terminator) + "'.",
                akid);
  }
  const auto dates = header_values(req.headers, "x-amz-date");
  if (dates.empty()) {
    return fail(kIncompleteSignatureException,
                "Authorization header requires existence of a 'X-Amz-Date' header.", akid);
  }
  if (dates.size() > 1) {
    return fail(kIncompleteSignatureException,
                "The request carries more than one X-Amz-Date header", akid);
  }
  const std::string_view amz_date = trim(dates.front());
  // A well-formed date outside system_clock's range (such as 99991231T235959Z) is a date outside
  // the window (step 5), not a malformed header.
  const auto signed_at = parse_amz_date(amz_date);
  const auto signed_stamp = signed_at ? std::nullopt : parse_amz_timestamp(amz_date);
  if (!signed_at && !signed_stamp) {
    return fail(kIncompleteSignatureException,
                "X-Amz-Date must be in ISO-8601 basic format (YYYYMMDD'T'HHMMSS'Z'). Got '" +
                    sanitize_for_message(amz_date) + "'.",
                akid);
  }
  const auto is_signed = [&](std::string_view name) {
    return std::binary_search(auth.signed_headers.begin(), auth.signed_headers.end(), name);
  };
  if (!is_signed("host")) {
    return fail(kIncompleteSignatureException,
                "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.", akid);
  }
  const auto tokens = header_values(req.headers, "x-amz-security-token");
  if (!tokens.empty() && !is_signed("x-amz-security-token")) {
    return fail(kIncompleteSignatureException,
                "'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS Authorization.", akid);
  }

  // 3. Identity.
  const Credentials* creds = store.lookup(akid);
  constexpr std::string_view kInvalidToken =
      "The security token included in the request is invalid.";
  if (creds == nullptr) return fail(kUnrecognizedClientException, std::string(kInvalidToken), akid);
  const std::string presented =
      tokens.size() == 1 ? std::string(trim(tokens.front())) : std::string();
  const std::string& expected_token = creds->session_token;
  const bool token_ok =
      (tokens.empty() && expected_token.empty()) ||
      (tokens.size() == 1 && !expected_token.empty() && presented.size() == expected_token.size() &&
       CRYPTO_memcmp(presented.data(), expected_token.data(), presented.size()) == 0);
  if (!token_ok) return fail(kUnrecognizedClientException, std::string(kInvalidToken), akid);

  // 4. Scope.
  if (auth.region != region) {
    return fail(kInvalidSignatureException,
                "Credential should be scoped to a valid region, not '" +
                    sanitize_for_message(auth.region) + "'.",
                akid);
  }
  if (auth.service != service) {
    return fail(kInvalidSignatureException,
                "Credential should be scoped to correct service: '" + std::string(service) + "'.",
                akid);
  }
  if (auth.date != amz_date.substr(0, 8)) {
    return fail(kInvalidSignatureException,
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                "from HTTP: '" +
                    auth.date + "' != '" + std::string(amz_date.substr(0, 8)) + "', from '" +
                    std::string(amz_date) + "'.",
                akid);
  }

  // 5. Freshness. Compared without `now - signed_at`: that difference overflows for dates far
  // from now (X-Amz-Date may be anywhere in years 1678-2261; beyond, it is outside any window).
  if (!signed_at) {
    return signed_stamp->epoch_millis < 0
               ? fail(kInvalidSignatureException,
                      "Signature expired: " + std::string(amz_date) + " is now earlier than " +
                          format_amz_date(now - window) + " (" + format_amz_date(now) + " - " +
                          window_text(window) + ")",
                      akid)
               : fail(kInvalidSignatureException,
                      "Signature not yet current: " + std::string(amz_date) +
                          " is still later than " + format_amz_date(now + window) + " (" +
                          format_amz_date(now) + " + " + window_text(window) + ")",
                      akid);
  }
  if (*signed_at < now - window) {
    return fail(kInvalidSignatureException,
                "Signature expired: " + std::string(amz_date) + " is now earlier than " +
                    format_amz_date(now - window) + " (" + format_amz_date(now) + " - " +
                    window_text(window) + ")",
                akid);
  }
  if (*signed_at > now + window) {
    return fail(kInvalidSignatureException,
                "Signature not yet current: " + std::string(amz_date) + " is still later than " +
                    format_amz_date(now + window) + " (" + format_amz_date(now) + " + " +
                    window_text(window) + ")",
                akid);
  }

  // 6. Signature.
  const std::string scope = credential_scope(auth.date, auth.region, auth.service);
  const std::string sts =
      string_to_sign(amz_date, scope, canonical_request(req, auth.signed_headers));
  const std::string expected = compute_signature(
      derive_signing_key(creds->secret_access_key, auth.date, auth.region, auth.service), sts);
  if (expected.size() != auth.signature.size() ||
      CRYPTO_memcmp(expected.data(), auth.signature.data(), expected.size()) != 0) {
    return fail(kInvalidSignatureException,
                "The request signature we calculated does not match the signature you provided. "
                "Check your AWS Secret Access Key and signing method. Consult the service "
                "documentation for details.",
                akid);
  }
  VerifyResult ok;
  ok.ok = true;
  ok.access_key_id = akid;
  return ok;
}

// ---- Redaction -------------------------------------------------------------------------------

std::string mask_secret(std::string_view secret) {
  if (secret.size() < 8) return mask_fully();
  return mask_fully() + std::string(secret.substr(secret.size() - 4));
}

std::string redact_header(std::string_view name, std::string_view value) {
  if (iequals(name, "x-amz-security-token")) return mask_fully();
  if (!iequals(name, "authorization")) return std::string(value);
  const AuthorizationParseResult parse = parse_authorization(value);
  if (parse.parsed) {
    const ParsedAuthorization& a = *parse.parsed;
    std::string out = a.algorithm;
    out += " Credential=" + mask_secret(a.access_key_id) + "/" + a.date + "/" + a.region + "/" +
           a.service + "/" + a.terminator;
    out += ", SignedHeaders=" + join(a.signed_headers, ";");
    out += ", Signature=" + mask_fully();
    return out;
  }
  // Unparsable: keep only a well-known scheme word, never anything that could be a credential.
  static constexpr std::array<std::string_view, 7> kSchemes = {
      "AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256", "AWS", "Basic", "Bearer", "Digest",
      "Negotiate"};
  const std::string_view trimmed = trim(value);
  std::size_t word = 0;
  while (word < trimmed.size() && !is_space(trimmed[word])) ++word;
  const std::string_view first = trimmed.substr(0, word);
  for (const auto scheme : kSchemes) {
    if (iequals(first, scheme)) return std::string(first) + " " + mask_fully();
  }
  return mask_fully();
}

}  // namespace lpe::wire
