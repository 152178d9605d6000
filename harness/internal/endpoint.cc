#include "harness/internal/endpoint.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <optional>

#include "base/result.h"
#include "wire/text.h"

namespace lpe::harness::internal {
namespace {

bool is_dns_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

bool is_ipv6_char(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
}

// A printable rendering of user text for one-line errors (no control bytes reach the terminal).
std::string shown(std::string_view s) {
  std::string out;
  for (unsigned char c : s.substr(0, 200)) {
    if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > 200) out += "...";
  return out;
}

}  // namespace

std::string Endpoint::host_header() const {
  const bool v6 = host.find(':') != std::string::npos;
  std::string h = v6 ? "[" + host + "]" : host;
  const bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  if (!default_port) h += ":" + std::to_string(port);
  return h;
}

std::string Endpoint::origin() const {
  const bool v6 = host.find(':') != std::string::npos;
  return scheme + "://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool Endpoint::is_loopback() const { return is_loopback_host(host); }

bool is_loopback_host(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty() || host.size() > 255) return false;
  if (wire::to_lower(host) == "localhost") return true;
  const std::string text(host);
  // inet_pton takes only the strict dotted-decimal form (no "127.1", no octal, no trailing text).
  std::array<unsigned char, 16> bytes{};
  if (inet_pton(AF_INET, text.c_str(), bytes.data()) == 1) return bytes[0] == 127;
  if (inet_pton(AF_INET6, text.c_str(), bytes.data()) == 1) {
    static constexpr std::array<unsigned char, 16> kLoopback = {0, 0, 0, 0, 0, 0, 0, 0,
                                                                0, 0, 0, 0, 0, 0, 0, 1};
    if (bytes == kLoopback) return true;
    // ::ffff:127.0.0.0/104 (IPv4-mapped loopback).
    static constexpr std::array<unsigned char, 12> kMapped = {0, 0, 0, 0, 0,    0,
                                                              0, 0, 0, 0, 0xff, 0xff};
    return std::equal(kMapped.begin(), kMapped.end(), bytes.begin()) && bytes[12] == 127;
  }
  return false;
}

bool is_loopback_url(std::string_view url) {
  const auto parsed = parse_endpoint(url);
  return parsed && parsed->is_loopback();
}

namespace {

Status check_printable(std::string_view url) {
  for (unsigned char c : url) {
    if (c < 0x21 || c >= 0x7f) {
      return fail("endpoint '" + shown(url) +
                  "' contains a space, control or non-ASCII character (write it percent-encoded)");
    }
  }
  return {};
}

// Splits what follows "scheme://" into the authority and the base path (trailing slashes
// dropped); no query, fragment or backslash anywhere.
Result<std::string_view> split_authority(std::string_view rest, std::string& base_path) {
  const auto authority_end = rest.find_first_of("/?#\\");
  if (authority_end == std::string_view::npos) return rest;
  const char sep = rest[authority_end];
  if (sep != '/') {
    return fail(std::string("endpoint must not contain '") + sep +
                "' (no query, fragment or backslash; give http(s)://host[:port][/base])");
  }
  const std::string_view path = rest.substr(authority_end);
  if (path.find_first_of("?#") != std::string_view::npos)
    return fail("endpoint must not have a query or fragment");
  base_path = std::string(path);
  while (!base_path.empty() && base_path.back() == '/') base_path.pop_back();
  return rest.substr(0, authority_end);
}

// The host of an authority and the text of its port (nullopt when there is none).
struct HostAndPort {
  std::string host;
  std::optional<std::string_view> port_text;
};

// "[v6]" or "[v6]:port".
Result<HostAndPort> split_ipv6_authority(std::string_view authority) {
  const auto close = authority.find(']');
  if (close == std::string_view::npos)
    return fail("unterminated IPv6 address in endpoint (missing ']')");
  const std::string_view v6 = authority.substr(1, close - 1);
  std::array<unsigned char, 16> bytes{};
  if (v6.empty() || !std::all_of(v6.begin(), v6.end(), is_ipv6_char) ||
      inet_pton(AF_INET6, std::string(v6).c_str(), bytes.data()) != 1) {
    return fail("'" + shown(v6) +
                "' in endpoint is not an IPv6 address (zone ids are not supported)");
  }
  HostAndPort out{std::string(v6), std::nullopt};
  if (close + 1 < authority.size()) {
    if (authority[close + 1] != ':')
      return fail("unexpected text after the IPv6 address in endpoint");
    out.port_text = authority.substr(close + 2);
  }
  return out;
}

// "name" or "name:port" (a DNS name or an IPv4 address).
Result<HostAndPort> split_name_authority(std::string_view authority) {
  const auto colon = authority.find(':');
  HostAndPort out{std::string(authority.substr(0, colon)), std::nullopt};
  if (colon != std::string_view::npos) out.port_text = authority.substr(colon + 1);
  const std::string& host = out.host;
  if (host.empty()) return fail("endpoint has no host");
  if (!std::all_of(host.begin(), host.end(), is_dns_char) || host.front() == '.' ||
      host.front() == '-' || host.find("..") != std::string::npos) {
    return fail("'" + shown(host) +
                "' in endpoint is not a host name or IPv4 address (IPv6 goes in brackets: "
                "http://[::1]:8080)");
  }
  return out;
}

// The port written, or the scheme's default.
Result<int> port_of(const std::optional<std::string_view>& port_text, const std::string& scheme) {
  if (!port_text) return scheme == "https" ? 443 : 80;
  int port = 0;
  const auto [p, ec] =
      std::from_chars(port_text->data(), port_text->data() + port_text->size(), port);
  if (port_text->empty() || ec != std::errc() || p != port_text->data() + port_text->size() ||
      port < 1 || port > 65535) {
    return fail("invalid port '" + shown(*port_text) + "' in endpoint (1-65535)");
  }
  return port;
}

Result<Endpoint> parse(std::string_view url) {
  if (auto printable = check_printable(url); !printable) return printable.error();
  Endpoint e;
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos)
    return fail("endpoint '" + shown(url) + "' must start with http:// or https://");
  e.scheme = wire::to_lower(url.substr(0, scheme_end));
  if (e.scheme != "http" && e.scheme != "https")
    return fail("unsupported scheme '" + shown(e.scheme) + "' in endpoint (use http or https)");
  const auto authority = split_authority(url.substr(scheme_end + 3), e.base_path);
  if (!authority) return authority.error();
  if (authority->find('@') != std::string_view::npos) {
    return fail(
        "endpoint must not contain user information ('user@host'): credentials come from "
        "--sigv4 options, and the host is what follows '@'");
  }
  if (authority->empty()) return fail("endpoint has no host");
  const auto host = authority->front() == '[' ? split_ipv6_authority(*authority)
                                              : split_name_authority(*authority);
  if (!host) return host.error();
  e.host = host->host;
  const auto port = port_of(host->port_text, e.scheme);
  if (!port) return port.error();
  e.port = *port;
  return e;
}

}  // namespace

Result<Endpoint> parse_endpoint(std::string_view url) { return parse(url); }

}  // namespace lpe::harness::internal
