// Endpoint parsing and the one loopback definition used by the CLI guard, the remote rate limit
// and the client: literal loopback addresses or exactly "localhost"; lookalike names are remote.
#include "harness/internal/endpoint.h"

#include <gtest/gtest.h>

namespace lpe::harness::internal {
namespace {

TEST(IsLoopbackHost, LiteralLoopbackAddressesAndExactlyLocalhost) {
  for (const char* host : {"localhost", "LOCALHOST", "LocalHost", "127.0.0.1", "127.1.2.3",
                           "127.255.255.255", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1",
                           "[::ffff:127.0.0.1]", "::ffff:7f00:1", "::FFFF:127.9.8.7"}) {
    EXPECT_TRUE(is_loopback_host(host)) << host;
  }
}

TEST(IsLoopbackHost, LookalikesAreRemote) {
  for (const char* host : {"localhost.attacker.example",
                           "localhost.",
                           "localhost.localdomain",
                           "localhostx",
                           "xlocalhost",
                           "127.evil.example",
                           "127.0.0.1.nip.io",
                           "127.0.0.1.",
                           "127.1",
                           "127.0.1",
                           "0127.0.0.1",
                           "127.0.0.01",
                           "0x7f.0.0.1",
                           "2130706433",
                           "128.0.0.1",
                           "10.0.0.1",
                           "0.0.0.0",
                           "::",
                           "::2",
                           "::ffff:128.0.0.1",
                           "::127.0.0.1",
                           "fe80::1",
                           "[::1",
                           "",
                           "evil.example",
                           "::ffff:127.0.0.1%lo"}) {
    EXPECT_FALSE(is_loopback_host(host)) << host;
  }
}

TEST(IsLoopbackUrl, UsesTheParsedHostNotTextPrefixes) {
  for (const char* url : {"http://localhost", "http://localhost:8080", "http://LOCALHOST:1/base",
                          "http://127.0.0.1:9000", "https://127.3.4.5", "http://[::1]:8080",
                          "http://[::ffff:127.0.0.1]:80/x"}) {
    EXPECT_TRUE(is_loopback_url(url)) << url;
  }
  for (const char* url : {
           "http://localhost.attacker.example", "http://localhost.attacker.example:8080",
           "http://127.evil.example", "http://127.0.0.1.nip.io",
           "http://127.0.0.1.nip.io:8080/base",
           "http://127.0.0.1@evil.example",        // userinfo: refused, so not loopback
           "http://localhost:80@evil.example",     // same
           "http://evil.example#@127.0.0.1",       // fragment trick
           "http://evil.example?@127.0.0.1",       // query trick
           "http://evil.example\\@127.0.0.1",      // backslash trick
           "http://[::1]@evil.example",            // text after the IPv6 address
           "http://[::1].evil.example",            //
           "http://localhost%2eattacker.example",  // percent-encoded dot
           "http://evil.example/127.0.0.1",        // loopback in the path
           "ftp://127.0.0.1",                      // not http(s)
           "127.0.0.1:8080",                       // no scheme
       }) {
    EXPECT_FALSE(is_loopback_url(url)) << url;
  }
  // A NUL byte would cut the host for C string functions.
  EXPECT_FALSE(is_loopback_url(std::string("http://127.0.0.1\0.evil.example", 30)));
}

TEST(ParseEndpoint, PartsOfAGoodUrl) {
  auto parsed = parse_endpoint("http://127.0.0.1:8080/base/");
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  auto e = *parsed;
  EXPECT_EQ(e.scheme, "http");
  EXPECT_EQ(e.host, "127.0.0.1");
  EXPECT_EQ(e.port, 8080);
  EXPECT_EQ(e.base_path, "/base");
  EXPECT_EQ(e.host_header(), "127.0.0.1:8080");
  EXPECT_TRUE(e.is_loopback());

  parsed = parse_endpoint("HTTPS://Example.COM");
  ASSERT_TRUE(parsed.ok());
  e = *parsed;
  EXPECT_EQ(e.scheme, "https");
  EXPECT_EQ(e.port, 443);
  EXPECT_EQ(e.host_header(), "Example.COM");
  EXPECT_FALSE(e.is_loopback());

  parsed = parse_endpoint("http://[::ffff:127.0.0.1]:9");
  ASSERT_TRUE(parsed.ok());
  e = *parsed;
  EXPECT_EQ(e.host, "::ffff:127.0.0.1");
  EXPECT_EQ(e.host_header(), "[::ffff:127.0.0.1]:9");
  EXPECT_EQ(e.origin(), "http://[::ffff:127.0.0.1]:9");
  EXPECT_TRUE(e.is_loopback());
}

TEST(ParseEndpoint, ErrorsAreOneLineAndSayWhat) {
  const std::pair<const char*, const char*> cases[] = {
      {"example.com", "must start with http:// or https://"},
      {"ftp://example.com", "unsupported scheme 'ftp'"},
      {"http://", "has no host"},
      {"http://:80", "has no host"},
      {"http://host:0", "invalid port '0'"},
      {"http://host:65536", "invalid port '65536'"},
      {"http://host:http", "invalid port 'http'"},
      {"http://host:", "invalid port ''"},
      {"http://user:pw@host", "user information"},
      {"http://127.0.0.1@evil.example", "user information"},
      {"http://host?x=1", "must not contain '?'"},
      {"http://host#frag", "must not contain '#'"},
      {"http://host/base?x", "must not have a query or fragment"},
      {"http://[::1", "unterminated IPv6 address"},
      {"http://[zz::1]:80", "is not an IPv6 address"},
      {"http://[fe80::1%25eth0]:80", "is not an IPv6 address"},
      {"http://[::1]x", "unexpected text after the IPv6 address"},
      {"http://ho st", "space, control or non-ASCII"},
      {"http://host\r\nX-Injected: 1", "space, control or non-ASCII"},
      {"http://\x1b[31mred", "space, control or non-ASCII"},
      {"http://h\xc3\xa9te", "space, control or non-ASCII"},
      {"http://a..b", "is not a host name"},
      {"http://-a", "is not a host name"},
      {"http://a$b", "is not a host name"},
  };
  for (const auto& [url, phrase] : cases) {
    const auto parsed = parse_endpoint(url);
    ASSERT_FALSE(parsed.ok()) << url;
    const std::string error = parsed.error().to_string();
    EXPECT_NE(error.find(phrase), std::string::npos) << url << " -> " << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    EXPECT_EQ(error.find('\x1b'), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace lpe::harness::internal
