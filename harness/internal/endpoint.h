// Endpoint URLs and what counts as loopback. One definition serves the CLI's guard against signed
// requests over plain http to a remote host, the default rate limit for remote hosts and the
// HTTP client: a host is loopback only when it is a literal loopback address (127.0.0.0/8, ::1,
// ::ffff:127.0.0.0/104) or exactly `localhost`; `localhost.example` or `127.evil.example` are
// remote.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace lpe::harness::internal {

// The parts of an endpoint URL.
struct Endpoint {
  std::string scheme;  // "http" / "https"
  std::string host;    // without brackets for IPv6, as written (case kept)
  int port = 0;
  std::string base_path;  // "" or "/prefix"
  std::string host_header() const;
  std::string origin() const;  // scheme://host:port
  bool is_loopback() const;
};

// Parses "http(s)://host[:port][/base]". Refuses user information ("user@host"), queries,
// fragments, control characters and hosts that are neither a DNS name nor an IP literal, so that
// the host checked is the host connected to. The error is one line saying what is wrong.
Result<Endpoint> parse_endpoint(std::string_view url);

// True for a literal loopback address or exactly "localhost" (any case). `host` is an IPv6
// address without brackets or with them.
bool is_loopback_host(std::string_view host);

// True when `url` parses and its host is loopback (false for anything unparseable).
bool is_loopback_url(std::string_view url);

}  // namespace lpe::harness::internal
