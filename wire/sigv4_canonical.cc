// SigV4 building blocks: hashing, URI and query canonicalization, canonical headers and
// request, credential scope, string to sign, signing key and signature, X-Amz-Date format.
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "wire/internal/sigv4_support.h"
#include "wire/rfc3339.h"
#include "wire/sigv4.h"
#include "wire/text.h"

namespace lpe::wire {
namespace {

using Clock = std::chrono::system_clock;

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

}  // namespace

namespace internal {

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
  const auto parsed = parse_rfc3339(iso);
  if (!parsed) return std::nullopt;
  return *parsed;
}

std::string quote_input(std::string_view text) { return printable_ascii(text, 64); }

bool is_lowercase_token(std::string_view name) {
  return is_token(name) &&
         std::none_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::string_view first_word(std::string_view text) {
  return text.substr(0, text.find_first_of(kWhitespace));
}

}  // namespace internal

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

namespace {

// SHA-256 fetched once. OpenSSL 3's one-shot calls (EVP_sha256() with EVP_Digest, HMAC()) look
// the algorithm up in the provider store on every call; for the mock, which seals and opens a
// pagination token per page, that lookup was half of all its work.
const EVP_MD* sha256_md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

// A digest context per thread, reused.
EVP_MD_CTX* thread_digest_context() {
  struct Holder {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Holder() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Holder holder;
  return holder.ctx;
}

constexpr size_t kSha256Size = 32;
constexpr size_t kSha256Block = 64;

// SHA-256 of the concatenation of `a` and `b` into `out`; false on an OpenSSL failure.
bool sha256_into(std::string_view a, std::string_view b, unsigned char* out) {
  EVP_MD_CTX* ctx = thread_digest_context();
  const EVP_MD* md = sha256_md();
  unsigned int len = 0;
  return ctx != nullptr && md != nullptr && EVP_DigestInit_ex2(ctx, md, nullptr) == 1 &&
         (a.empty() || EVP_DigestUpdate(ctx, a.data(), a.size()) == 1) &&
         (b.empty() || EVP_DigestUpdate(ctx, b.data(), b.size()) == 1) &&
         EVP_DigestFinal_ex(ctx, out, &len) == 1 && len == kSha256Size;
}

}  // namespace

std::string hex_sha256(std::string_view data) {
  std::array<unsigned char, kSha256Size> md{};
  if (!sha256_into(data, {}, md.data())) return {};
  return to_hex(std::string_view(reinterpret_cast<const char*>(md.data()), md.size()));
}

// HMAC as RFC 2104 defines it, over the prefetched SHA-256.
std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, kSha256Block> block{};
  if (key.size() > kSha256Block) {
    if (!sha256_into(key, {}, block.data())) return {};
  } else {
    std::copy(key.begin(), key.end(), block.begin());
  }
  std::array<char, kSha256Block> pad{};
  for (size_t i = 0; i < kSha256Block; ++i) pad[i] = static_cast<char>(block[i] ^ 0x36);
  std::array<unsigned char, kSha256Size> inner{};
  if (!sha256_into({pad.data(), pad.size()}, data, inner.data())) return {};
  for (size_t i = 0; i < kSha256Block; ++i) pad[i] = static_cast<char>(block[i] ^ 0x5c);
  std::array<unsigned char, kSha256Size> outer{};
  if (!sha256_into({pad.data(), pad.size()},
                   {reinterpret_cast<const char*>(inner.data()), inner.size()}, outer.data()))
    return {};
  return std::string(reinterpret_cast<const char*>(outer.data()), outer.size());
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
  value = trim(value, kWhitespace);
  std::string out;
  out.reserve(value.size());
  bool in_space = false;
  for (const char c : value) {
    if (kWhitespace.find(c) != std::string_view::npos) {
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
  for (const auto& name : signed_headers) values.emplace(to_lower(name), std::nullopt);
  for (const auto& [name, value] : headers) {
    const auto it = values.find(to_lower(name));
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
    out += values[to_lower(name)].value_or("");
    out.push_back('\n');
  }
  return out;
}

std::vector<std::string> default_signed_headers(const HeaderList& headers) {
  std::vector<std::string> names;
  for (const auto& h : headers) {
    std::string lower = to_lower(h.first);
    if (is_token(lower) && !is_hop_or_rewritten(lower)) names.push_back(std::move(lower));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string canonical_request(const HttpRequest& req, std::span<const std::string> signed_headers) {
  const std::string_view target = req.target;
  const std::size_t question = target.find('?');
  const std::string_view query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  return join({req.method, canonical_uri(target.substr(0, question)), canonical_query(query),
               canonical_headers(req.headers, signed_headers), join(signed_headers, ";"),
               hex_sha256(req.body)},
              "\n");
}

std::string credential_scope(std::string_view date, std::string_view region,
                             std::string_view service) {
  return join({date, region, service, kSigV4Terminator}, "/");
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request) {
  return join({kSigV4Algorithm, amz_date, scope, hex_sha256(canonical_request)}, "\n");
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

std::optional<Clock::time_point> parse_amz_date(std::string_view s) {
  const auto ts = internal::parse_amz_timestamp(s);
  if (!ts) return std::nullopt;
  // system_clock counts nanoseconds on common platforms (about years 1678-2261): outside its
  // range the date cannot be a current one, and converting would overflow.
  constexpr auto kMax = std::chrono::floor<std::chrono::milliseconds>(Clock::duration::max());
  constexpr auto kMin = std::chrono::ceil<std::chrono::milliseconds>(Clock::duration::min());
  if (ts->epoch_millis > kMax.count() || ts->epoch_millis < kMin.count()) return std::nullopt;
  return Clock::time_point(
      std::chrono::duration_cast<Clock::duration>(std::chrono::milliseconds(ts->epoch_millis)));
}

}  // namespace lpe::wire
