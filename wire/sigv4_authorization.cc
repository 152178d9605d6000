// The SigV4 Authorization header: parsing (parse_authorization) and redaction for logs
// (mask_secret, redact_header).
#include <algorithm>
#include <array>

#include "base/result.h"
#include "wire/internal/sigv4_support.h"
#include "wire/sigv4.h"
#include "wire/text.h"

namespace lpe::wire {
namespace {

using internal::quote_input;

// The three parameters of the header, as written.
struct Parameters {
  std::optional<std::string_view> credential;
  std::optional<std::string_view> signed_headers;
  std::optional<std::string_view> signature;
};

// The algorithm word of a trimmed, non-empty header; the rest is its parameter text.
Result<std::string_view> read_algorithm(std::string_view header) {
  const std::string_view algorithm = internal::first_word(header);
  for (const char c : algorithm) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e || c == '=' || c == ',') {
      return fail(
          "Authorization header is malformed: expected '<algorithm> Credential=..., "
          "SignedHeaders=..., Signature=...'");
    }
  }
  return algorithm;
}

// `Credential=..., SignedHeaders=..., Signature=...` in any order, each exactly once.
Result<Parameters> read_parameters(std::string_view text) {
  Parameters found;
  for (const std::string_view raw : split(text, ',')) {
    const std::string_view part = trim(raw, kWhitespace);
    if (part.empty()) return fail("Authorization header has an empty parameter");
    const std::size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      return fail("Authorization parameter '" + quote_input(part) +
                  "' is not of the form key=value");
    }
    const std::string_view key = part.substr(0, eq);
    std::optional<std::string_view>* slot = key == "Credential"      ? &found.credential
                                            : key == "SignedHeaders" ? &found.signed_headers
                                            : key == "Signature"     ? &found.signature
                                                                     : nullptr;
    if (slot == nullptr) {
      return fail("Authorization header has an unknown parameter '" + quote_input(key) + "'");
    }
    if (slot->has_value()) {
      return fail("Authorization header has more than one '" + std::string(key) + "' parameter");
    }
    *slot = part.substr(eq + 1);
  }
  std::string missing;
  if (!found.credential) missing += "Authorization header requires 'Credential' parameter. ";
  if (!found.signature) missing += "Authorization header requires 'Signature' parameter. ";
  if (!found.signed_headers) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!missing.empty()) {
    missing.pop_back();
    return fail(std::move(missing));
  }
  return found;
}

// Credential=<akid>/<YYYYMMDD>/<region>/<service>/<terminator>: five non-empty printable pieces,
// the second eight digits.
Status read_credential(std::string_view credential, ParsedAuthorization& out) {
  const std::vector<std::string_view> scope = split(credential, '/');
  const auto printable = [](std::string_view piece) {
    return !piece.empty() && std::all_of(piece.begin(), piece.end(), [](char c) {
      const auto u = static_cast<unsigned char>(c);
      return u >= 0x21 && u <= 0x7e;
    });
  };
  if (scope.size() != 5 || !std::all_of(scope.begin(), scope.end(), printable) ||
      scope[1].size() != 8 ||
      !std::all_of(scope[1].begin(), scope[1].end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return fail(
        "Authorization header has a malformed Credential: expected "
        "'<access key id>/<YYYYMMDD>/<region>/<service>/aws4_request'");
  }
  out.access_key_id = std::string(scope[0]);
  out.date = std::string(scope[1]);
  out.region = std::string(scope[2]);
  out.service = std::string(scope[3]);
  out.terminator = std::string(scope[4]);
  return {};
}

// SignedHeaders=a;b;c: lowercase header names, strictly ascending, at most kMaxSignedHeaders.
Status read_signed_headers(std::string_view names, ParsedAuthorization& out) {
  for (const std::string_view name : split(names, ';')) {
    if (!internal::is_lowercase_token(name) ||
        (!out.signed_headers.empty() && out.signed_headers.back() >= name)) {
      return fail(
          "SignedHeaders must be lowercase header names separated by ';', sorted and without "
          "duplicates");
    }
    if (out.signed_headers.size() == kMaxSignedHeaders) {
      return fail("SignedHeaders lists more than " + std::to_string(kMaxSignedHeaders) +
                  " headers");
    }
    out.signed_headers.emplace_back(name);
  }
  return {};
}

// All of the header but its shape checks; `header` is trimmed and non-empty.
Result<ParsedAuthorization> read_authorization(std::string_view header) {
  const auto algorithm = read_algorithm(header);
  if (!algorithm) return algorithm.error();
  const std::string_view rest = trim(header.substr(algorithm->size()), kWhitespace);
  if (rest.empty()) {
    return fail(
        "Authorization header requires 'Credential' parameter. Authorization header requires "
        "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.");
  }
  const auto parameters = read_parameters(rest);
  if (!parameters) return parameters.error();
  ParsedAuthorization parsed;
  parsed.algorithm = std::string(*algorithm);
  if (auto s = read_credential(*parameters->credential, parsed); !s) return s.error();
  if (auto s = read_signed_headers(*parameters->signed_headers, parsed); !s) return s.error();
  const std::string_view sig = *parameters->signature;
  if (sig.size() != 64 || !std::all_of(sig.begin(), sig.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      })) {
    return fail("Signature must be 64 lowercase hexadecimal digits");
  }
  parsed.signature = std::string(sig);
  return parsed;
}

std::string mask_fully() { return "****"; }

}  // namespace

Result<ParsedAuthorization> parse_authorization(std::string_view header) {
  if (header.size() > kMaxAuthorizationLength) {
    return fail("Authorization header is longer than " + std::to_string(kMaxAuthorizationLength) +
                " bytes");
  }
  header = trim(header, kWhitespace);
  if (header.empty()) return fail("Authorization header is empty");
  return read_authorization(header);
}

std::string mask_secret(std::string_view secret) {
  if (secret.size() < 8) return mask_fully();
  return mask_fully() + std::string(secret.substr(secret.size() - 4));
}

std::string redact_header(std::string_view name, std::string_view value) {
  if (iequals(name, "x-amz-security-token")) return mask_fully();
  if (!iequals(name, "authorization")) return std::string(value);
  const auto parse = parse_authorization(value);
  if (parse) {
    const ParsedAuthorization& a = *parse;
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
  const std::string_view first = internal::first_word(trim(value, kWhitespace));
  for (const auto scheme : kSchemes) {
    if (iequals(first, scheme)) return std::string(first) + " " + mask_fully();
  }
  return mask_fully();
}

}  // namespace lpe::wire
