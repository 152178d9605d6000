#include "wire/sigv4.h"

#include <gtest/gtest.h>

#include <cctype>
#include <functional>
#include <random>

namespace lpe::wire {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using Clock = std::chrono::system_clock;

// The AWS SigV4 test suite's fixed inputs.
constexpr const char* kAkid = "AKIDEXAMPLE";
constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr const char* kRegion = "us-east-1";
constexpr const char* kService = "service";
constexpr const char* kEmptyHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kStsToken =
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPf"
    "IeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT"
    "7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlz"
    "m8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

// 2015-08-30T12:36:00Z
Clock::time_point suite_time() { return Clock::time_point(seconds(1440938160)); }

std::string header(const HttpRequest& req, std::string_view name) {
  std::string out;
  for (const auto& [n, v] : req.headers) {
    if (n == name) out = v;
  }
  return out;
}

std::string suite_authorization(std::string_view signed_headers, std::string_view signature) {
  return "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
         "SignedHeaders=" +
         std::string(signed_headers) + ", Signature=" + std::string(signature);
}

// ---- Official test-suite vectors ---------------------------------------------------------------
// From the AWS SigV4 test suite (aws-c-auth tests/aws-signing-test-suite/v4/<name>/ and the
// AWS SDK for JavaScript suite fixture): request as on the wire, expected Authorization.

struct SuiteVector {
  const char* name;
  const char* method;
  const char* target;
  HeaderList headers;  // besides X-Amz-Date, which sign_request sets
  std::string body;
  std::string session_token;
  const char* signed_headers;
  const char* signature;
};

const HeaderList kHost = {{"Host", "example.amazonaws.com"}};

std::vector<SuiteVector> suite_vectors() {
  return {
      {"get-vanilla", "GET", "/", kHost, "", "", "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-vanilla-query", "GET", "/?", kHost, "", "", "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-vanilla-empty-query-key", "GET", "/?Param1=value1", kHost, "", "", "host;x-amz-date",
       "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"},
      {"get-vanilla-query-order-key-case", "GET", "/?Param2=value2&Param1=value1", kHost, "", "",
       "host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"get-vanilla-query-unreserved", "GET",
       "/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz="
       "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       kHost, "", "", "host;x-amz-date",
       "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
      {"get-vanilla-utf8-query", "GET", "/?\xE1\x88\xB4=bar", kHost, "", "", "host;x-amz-date",
       "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
      {"get-unreserved", "GET",
       "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", kHost, "", "",
       "host;x-amz-date", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
      {"get-utf8", "GET", "/\xE1\x88\xB4", kHost, "", "", "host;x-amz-date",
       "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
      {"get-header-key-duplicate",
       "GET",
       "/",
       {{"Host", "example.amazonaws.com"},
        {"My-Header1", "value2"},
        {"My-Header1", "value2"},
        {"My-Header1", "value1"}},
       "",
       "",
       "host;my-header1;x-amz-date",
       "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
      // The suite's request file folds value2 and value3 onto continuation lines, and its parser
      // reads each line as one more value of My-Header1 (its canonical request shows
      // `my-header1:value1,value2,value3`). A parsed request therefore has three headers.
      {"get-header-value-multiline",
       "GET",
       "/",
       {{"Host", "example.amazonaws.com"},
        {"My-Header1", "value1"},
        {"My-Header1", "  value2"},
        {"My-Header1", "     value3"}},
       "",
       "",
       "host;my-header1;x-amz-date",
       "ba17b383a53190154eb5fa66a1b836cc297cc0a3d70a5d00705980573d8ff790"},
      {"get-header-value-order",
       "GET",
       "/",
       {{"Host", "example.amazonaws.com"},
        {"My-Header1", "value4"},
        {"My-Header1", "value1"},
        {"My-Header1", "value3"},
        {"My-Header1", "value2"}},
       "",
       "",
       "host;my-header1;x-amz-date",
       "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"},
      {"get-header-value-trim",
       "GET",
       "/",
       {{"Host", "example.amazonaws.com"},
        {"My-Header1", " value1"},
        {"My-Header2", " \"a   b   c\""}},
       "",
       "",
       "host;my-header1;my-header2;x-amz-date",
       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"get-relative-normalized", "GET", "/example/..", kHost, "", "", "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-relative-relative-normalized", "GET", "/example1/example2/../..", kHost, "", "",
       "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slash-normalized", "GET", "//", kHost, "", "", "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slash-dot-slash-normalized", "GET", "/./", kHost, "", "", "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slashes-normalized", "GET", "//example//", kHost, "", "", "host;x-amz-date",
       "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"},
      {"get-slash-pointless-dot-normalized", "GET", "/./example", kHost, "", "", "host;x-amz-date",
       "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5"},
      {"get-space-normalized", "GET", "/example space/", kHost, "", "", "host;x-amz-date",
       "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
      {"post-vanilla", "POST", "/", kHost, "", "", "host;x-amz-date",
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"post-header-key-case",
       "POST",
       "/",
       {{"HOST", "example.amazonaws.com"}},
       "",
       "",
       "host;x-amz-date",
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"post-header-key-sort",
       "POST",
       "/",
       {{"Host", "example.amazonaws.com"}, {"My-Header1", "value1"}},
       "",
       "",
       "host;my-header1;x-amz-date",
       "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
      {"post-header-value-case",
       "POST",
       "/",
       {{"Host", "example.amazonaws.com"}, {"My-Header1", "VALUE1"}},
       "",
       "",
       "host;my-header1;x-amz-date",
       "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
      {"post-vanilla-query", "POST", "/?Param1=value1", kHost, "", "", "host;x-amz-date",
       "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
      {"post-vanilla-query-nonunreserved", "POST",
       "/?%40%23%24%25%5E=&%2B=%2F%2C%3F%3E%3C%60%22%3B%3A%5C%7C%5D%5B%7B%7D", kHost, "", "",
       "host;x-amz-date", "66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e"},
      {"post-vanilla-query-space", "POST", "/?p=", kHost, "", "", "host;x-amz-date",
       "e71688addb58a26418614085fb730ba3faa623b461c17f48f2fbdb9361b94a9b"},
      {"post-x-www-form-urlencoded",
       "POST",
       "/",
       {{"Content-Type", "application/x-www-form-urlencoded"}, {"Host", "example.amazonaws.com"}},
       "Param1=value1",
       "",
       "content-type;host;x-amz-date",
       "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
      {"post-x-www-form-urlencoded-parameters",
       "POST",
       "/",
       {{"Content-Type", "application/x-www-form-urlencoded; charset=utf8"},
        {"Host", "example.amazonaws.com"}},
       "Param1=value1",
       "",
       "content-type;host;x-amz-date",
       "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe"},
      // The token is set by sign_request from the credentials and signed.
      {"post-sts-header-before", "POST", "/", kHost, "", kStsToken,
       "host;x-amz-date;x-amz-security-token",
       "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"},
      // The token is already a request header (credentials without one): still signed.
      {"post-sts-header-before (header present)",
       "POST",
       "/",
       {{"Host", "example.amazonaws.com"}, {"X-Amz-Security-Token", kStsToken}},
       "",
       "",
       "host;x-amz-date;x-amz-security-token",
       "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"},
      {"get-vanilla-with-session-token", "GET", "/", kHost, "",
       "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267",
       "host;x-amz-date;x-amz-security-token",
       "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"},
  };
}

class SuiteVectors : public ::testing::TestWithParam<SuiteVector> {};

TEST_P(SuiteVectors, SignRequestProducesTheOfficialAuthorization) {
  const SuiteVector& v = GetParam();
  HttpRequest req{v.method, v.target, v.headers, v.body};
  sign_request(req, {kAkid, kSecret, v.session_token}, kRegion, kService, suite_time());
  EXPECT_EQ(header(req, "X-Amz-Date"), "20150830T123600Z");
  EXPECT_EQ(header(req, "Authorization"), suite_authorization(v.signed_headers, v.signature));
  if (!v.session_token.empty()) {
    EXPECT_EQ(header(req, "X-Amz-Security-Token"), v.session_token);
  }
}

TEST_P(SuiteVectors, VerifierAcceptsTheOfficialRequest) {
  const SuiteVector& v = GetParam();
  HttpRequest req{v.method, v.target, v.headers, v.body};
  req.headers.emplace_back("X-Amz-Date", "20150830T123600Z");
  if (!v.session_token.empty()) req.headers.emplace_back("X-Amz-Security-Token", v.session_token);
  req.headers.emplace_back("Authorization", suite_authorization(v.signed_headers, v.signature));
  CredentialStore store;
  const bool has_token = !v.session_token.empty() || !header(req, "X-Amz-Security-Token").empty();
  if (has_token) {
    store.add(kAkid, kSecret, header(req, "X-Amz-Security-Token"));
  } else {
    store.add(kAkid, kSecret);
  }
  const VerifyResult r = verify_request(req, store, kRegion, kService, suite_time());
  EXPECT_TRUE(r.ok) << r.error_type << ": " << r.message;
  EXPECT_EQ(r.access_key_id, kAkid);
}

INSTANTIATE_TEST_SUITE_P(Aws, SuiteVectors, ::testing::ValuesIn(suite_vectors()),
                         [](const ::testing::TestParamInfo<SuiteVector>& info) {
                           std::string name;
                           for (const char c : std::string(info.param.name)) {
                             name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
                           }
                           return name;
                         });

// Canonical requests and strings to sign, written out, for the vectors whose intermediate
// products the suite publishes (get-vanilla.creq/.sts, post-vanilla.creq/.sts, ...).
struct IntermediateVector {
  const char* name;
  HttpRequest request;  // X-Amz-Date included
  std::vector<std::string> signed_headers;
  std::string canonical_request;
  std::string sts_hash;  // empty: checked through the final signature only
  const char* signature;
};

std::string suite_lines(std::initializer_list<std::string_view> lines) {
  std::string out;
  bool first = true;
  for (const auto line : lines) {
    if (!first) out.push_back('\n');
    first = false;
    out += line;
  }
  return out;
}

std::vector<IntermediateVector> intermediate_vectors() {
  const HeaderList host_date = {{"Host", "example.amazonaws.com"},
                                {"X-Amz-Date", "20150830T123600Z"}};
  return {
      {"get-vanilla",
       {"GET", "/", host_date, ""},
       {"host", "x-amz-date"},
       suite_lines({"GET", "/", "", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "",
                    "host;x-amz-date", kEmptyHash}),
       "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"post-vanilla",
       {"POST", "/", host_date, ""},
       {"host", "x-amz-date"},
       suite_lines({"POST", "/", "", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z",
                    "", "host;x-amz-date", kEmptyHash}),
       "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"get-vanilla-query-order-key-case",
       {"GET", "/?Param2=value2&Param1=value1", host_date, ""},
       {"host", "x-amz-date"},
       suite_lines({"GET", "/", "Param1=value1&Param2=value2", "host:example.amazonaws.com",
                    "x-amz-date:20150830T123600Z", "", "host;x-amz-date", kEmptyHash}),
       "",
       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"get-header-value-trim",
       {"GET",
        "/",
        {{"Host", "example.amazonaws.com"},
         {"My-Header1", " value1"},
         {"My-Header2", " \"a   b   c\""},
         {"X-Amz-Date", "20150830T123600Z"}},
        ""},
       {"host", "my-header1", "my-header2", "x-amz-date"},
       suite_lines({"GET", "/", "", "host:example.amazonaws.com", "my-header1:value1",
                    "my-header2:\"a b c\"", "x-amz-date:20150830T123600Z", "",
                    "host;my-header1;my-header2;x-amz-date", kEmptyHash}),
       "",
       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"get-header-key-duplicate",
       {"GET",
        "/",
        {{"Host", "example.amazonaws.com"},
         {"My-Header1", "value2"},
         {"My-Header1", "value2"},
         {"My-Header1", "value1"},
         {"X-Amz-Date", "20150830T123600Z"}},
        ""},
       {"host", "my-header1", "x-amz-date"},
       suite_lines({"GET", "/", "", "host:example.amazonaws.com", "my-header1:value2,value2,value1",
                    "x-amz-date:20150830T123600Z", "", "host;my-header1;x-amz-date", kEmptyHash}),
       "",
       "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
      {"get-utf8",
       {"GET", "/\xE1\x88\xB4", host_date, ""},
       {"host", "x-amz-date"},
       suite_lines({"GET", "/%E1%88%B4", "", "host:example.amazonaws.com",
                    "x-amz-date:20150830T123600Z", "", "host;x-amz-date", kEmptyHash}),
       "",
       "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
      {"get-slashes-normalized",
       {"GET", "//example//", host_date, ""},
       {"host", "x-amz-date"},
       suite_lines({"GET", "/example/", "", "host:example.amazonaws.com",
                    "x-amz-date:20150830T123600Z", "", "host;x-amz-date", kEmptyHash}),
       "",
       "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"},
      {"get-space-normalized",
       {"GET", "/example space/", host_date, ""},
       {"host", "x-amz-date"},
       suite_lines({"GET", "/example%20space/", "", "host:example.amazonaws.com",
                    "x-amz-date:20150830T123600Z", "", "host;x-amz-date", kEmptyHash}),
       "",
       "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
      {"post-vanilla-query-nonunreserved",
       {"POST", "/?%40%23%24%25%5E=&%2B=%2F%2C%3F%3E%3C%60%22%3B%3A%5C%7C%5D%5B%7B%7D", host_date,
        ""},
       {"host", "x-amz-date"},
       suite_lines({"POST", "/",
                    "%2B=%2F%2C%3F%3E%3C%60%22%3B%3A%5C%7C%5D%5B%7B%7D&%40%23%24%25%5E=",
                    "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "",
                    "host;x-amz-date", kEmptyHash}),
       "",
       "66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e"},
      {"post-x-www-form-urlencoded",
       {"POST",
        "/",
        {{"Content-Type", "application/x-www-form-urlencoded"},
         {"Host", "example.amazonaws.com"},
         {"X-Amz-Date", "20150830T123600Z"}},
        "Param1=value1"},
       {"content-type", "host", "x-amz-date"},
       suite_lines({"POST", "/", "", "content-type:application/x-www-form-urlencoded",
                    "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "",
                    "content-type;host;x-amz-date",
                    "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"}),
       "",
       "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
      {"post-sts-header-before",
       {"POST",
        "/",
        {{"Host", "example.amazonaws.com"},
         {"X-Amz-Date", "20150830T123600Z"},
         {"X-Amz-Security-Token", kStsToken}},
        ""},
       {"host", "x-amz-date", "x-amz-security-token"},
       suite_lines({"POST", "/", "", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z",
                    std::string("x-amz-security-token:") + kStsToken, "",
                    "host;x-amz-date;x-amz-security-token", kEmptyHash}),
       "",
       "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"},
  };
}

class IntermediateVectors : public ::testing::TestWithParam<IntermediateVector> {};

TEST_P(IntermediateVectors, BuildingBlocksMatchTheSuite) {
  const IntermediateVector& v = GetParam();
  const std::string creq = canonical_request(v.request, v.signed_headers);
  EXPECT_EQ(creq, v.canonical_request) << v.name;
  const std::string scope = credential_scope("20150830", kRegion, kService);
  EXPECT_EQ(scope, "20150830/us-east-1/service/aws4_request");
  const std::string sts = string_to_sign("20150830T123600Z", scope, creq);
  const std::string hash = v.sts_hash.empty() ? hex_sha256(v.canonical_request) : v.sts_hash;
  EXPECT_EQ(sts,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n" + hash);
  const std::string key = derive_signing_key(kSecret, "20150830", kRegion, kService);
  EXPECT_EQ(compute_signature(key, sts), v.signature);
}

INSTANTIATE_TEST_SUITE_P(Aws, IntermediateVectors, ::testing::ValuesIn(intermediate_vectors()),
                         [](const ::testing::TestParamInfo<IntermediateVector>& info) {
                           std::string name;
                           for (const char c : std::string(info.param.name)) {
                             name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
                           }
                           return name;
                         });

// botocore tests/unit/auth/aws4_testsuite (2011 suite: host.foo.com, service "host", signed Date
// header). The path is already percent-encoded on the wire and is encoded once more.
TEST(SigV4Botocore, GetSpaceDoubleEncodesTheWirePath) {
  const HttpRequest req{
      "GET", "/%20/foo", {{"Date", "Mon, 09 Sep 2011 23:36:00 GMT"}, {"Host", "host.foo.com"}}, ""};
  const std::vector<std::string> signed_headers = {"date", "host"};
  const std::string creq = canonical_request(req, signed_headers);
  EXPECT_EQ(creq, suite_lines({"GET", "/%2520/foo", "", "date:Mon, 09 Sep 2011 23:36:00 GMT",
                               "host:host.foo.com", "", "date;host", kEmptyHash}));
  const std::string sts =
      string_to_sign("20110909T233600Z", credential_scope("20110909", "us-east-1", "host"), creq);
  EXPECT_EQ(sts,
            "AWS4-HMAC-SHA256\n20110909T233600Z\n20110909/us-east-1/host/aws4_request\n"
            "35975885599128f8963ce9be7219598b2b5a344321bae304529556c891e9e6ba");
  EXPECT_EQ(compute_signature(derive_signing_key(kSecret, "20110909", "us-east-1", "host"), sts),
            "2be9e587d1ee1f0fd02128724b86b4358ba3630d39f493b6e06610a19a50779e");
}

TEST(SigV4Botocore, GetUtf8DoubleEncodesTheWirePath) {
  const HttpRequest req{"GET",
                        "/%E1%88%B4",
                        {{"Date", "Mon, 09 Sep 2011 23:36:00 GMT"}, {"Host", "host.foo.com"}},
                        ""};
  const std::vector<std::string> signed_headers = {"date", "host"};
  const std::string creq = canonical_request(req, signed_headers);
  EXPECT_EQ(creq, suite_lines({"GET", "/%25E1%2588%25B4", "", "date:Mon, 09 Sep 2011 23:36:00 GMT",
                               "host:host.foo.com", "", "date;host", kEmptyHash}));
  const std::string sts =
      string_to_sign("20110909T233600Z", credential_scope("20110909", "us-east-1", "host"), creq);
  EXPECT_EQ(sts,
            "AWS4-HMAC-SHA256\n20110909T233600Z\n20110909/us-east-1/host/aws4_request\n"
            "47f4456c465167f4db3490a68903fe057412e6e030de38f71d9006467eb4922a");
  EXPECT_EQ(compute_signature(derive_signing_key(kSecret, "20110909", "us-east-1", "host"), sts),
            "57b1eb3df3b16a8479c0097b66c0b261cfd65b829419a3f2c3d05319722490b8");
}

// AWS General Reference, "Examples of how to derive a signing key for Signature Version 4".
TEST(SigV4, DerivesTheDocumentedSigningKey) {
  EXPECT_EQ(to_hex(derive_signing_key(kSecret, "20120215", "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(SigV4, HashesAndHmacs) {
  EXPECT_EQ(hex_sha256(""), kEmptyHash);
  EXPECT_EQ(hex_sha256("Param1=value1"),
            "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  // RFC 4231 test case 2.
  EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // RFC 4231 test cases 1 (a 20-byte key), 6 and 7 (keys longer than a block are hashed first).
  EXPECT_EQ(to_hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(to_hex(hmac_sha256(std::string(131, '\xaa'),
                               "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(
      to_hex(hmac_sha256(std::string(131, '\xaa'),
                         "This is a test using a larger than block-size key and a larger than "
                         "block-size data. The key needs to be hashed before being used by the "
                         "HMAC algorithm.")),
      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  // A key of exactly one block is used as it is.
  EXPECT_EQ(to_hex(hmac_sha256(std::string(64, 'k'), "")).size(), 64u);
  EXPECT_NE(hmac_sha256(std::string(64, 'k'), ""), hmac_sha256(std::string(65, 'k'), ""));
  EXPECT_EQ(to_hex(std::string("\x00\x7f\x80\xff", 4)), "007f80ff");
}

// ---- Canonicalisation tables
// ---------------------------------------------------------------------

struct StringCase {
  std::string input;
  std::string expected;
};

class CanonicalUriTable : public ::testing::TestWithParam<StringCase> {};
TEST_P(CanonicalUriTable, Normalises) {
  EXPECT_EQ(canonical_uri(GetParam().input), GetParam().expected) << GetParam().input;
}
INSTANTIATE_TEST_SUITE_P(
    Paths, CanonicalUriTable,
    ::testing::Values(StringCase{"", "/"}, StringCase{"/", "/"}, StringCase{"//", "/"},
                      StringCase{"/./", "/"}, StringCase{"/example/..", "/"},
                      StringCase{"/example/../..", "/"}, StringCase{"/a/b/../c", "/a/c"},
                      StringCase{"/a/./b", "/a/b"}, StringCase{"/a/.", "/a/"},
                      StringCase{"/a/b/..", "/a/"}, StringCase{"//example//", "/example/"},
                      StringCase{"/ListParticipantEvents", "/ListParticipantEvents"},
                      StringCase{"/a b", "/a%20b"}, StringCase{"/%20", "/%2520"},
                      StringCase{"/a:b@c", "/a%3Ab%40c"}, StringCase{"/..a/.b.", "/..a/.b."},
                      StringCase{"relative/x", "/relative/x"},
                      StringCase{"/\xE1\x88\xB4", "/%E1%88%B4"},
                      StringCase{std::string("/a\0b", 4), "/a%00b"}));

class CanonicalQueryTable : public ::testing::TestWithParam<StringCase> {};
TEST_P(CanonicalQueryTable, SortsAndEncodes) {
  EXPECT_EQ(canonical_query(GetParam().input), GetParam().expected) << GetParam().input;
}
INSTANTIATE_TEST_SUITE_P(
    Queries, CanonicalQueryTable,
    ::testing::Values(StringCase{"", ""}, StringCase{"&&", ""}, StringCase{"a", "a="},
                      StringCase{"b=2&a=1", "a=1&b=2"}, StringCase{"a=2&a=1", "a=1&a=2"},
                      StringCase{"A=1&a=1", "A=1&a=1"}, StringCase{"a=b=c", "a=b%3Dc"},
                      StringCase{"a=%2a", "a=%2A"}, StringCase{"a=%zz", "a=%25zz"},
                      StringCase{"a=%4", "a=%254"}, StringCase{"a=x+y", "a=x%2By"},
                      StringCase{"a=x%20y", "a=x%20y"}, StringCase{"a=x y", "a=x%20y"},
                      StringCase{"=v", "=v"}, StringCase{"z=&y", "y=&z="},
                      StringCase{"a=~-._", "a=~-._"}));

class TrimTable : public ::testing::TestWithParam<StringCase> {};
TEST_P(TrimTable, TrimsAll) { EXPECT_EQ(trim_header_value(GetParam().input), GetParam().expected); }
INSTANTIATE_TEST_SUITE_P(
    Values, TrimTable,
    ::testing::Values(StringCase{"", ""}, StringCase{"   ", ""}, StringCase{" value1 ", "value1"},
                      StringCase{"\"a   b   c\"", "\"a b c\""}, StringCase{"a\t\tb", "a b"},
                      StringCase{"value1\n  value2\n  value3", "value1 value2 value3"}));

TEST(SigV4, UriEncodeKeepsOnlyUnreserved) {
  EXPECT_EQ(uri_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(uri_encode("/ +%=&?#"), "%2F%20%2B%25%3D%26%3F%23");
  EXPECT_EQ(uri_encode("\xE1\x88\xB4"), "%E1%88%B4");
}

TEST(SigV4, CanonicalHeadersJoinDuplicatesCaseInsensitively) {
  const HeaderList headers = {{"X-A", " 1 "}, {"Host", "h"}, {"x-a", "2"}, {"X-Other", "o"}};
  const std::vector<std::string> names = {"host", "missing", "x-a"};
  EXPECT_EQ(canonical_headers(headers, names), "host:h\nmissing:\nx-a:1,2\n");
}

TEST(SigV4, DefaultSignedHeadersSkipHopByHopAndRewritten) {
  const HeaderList headers = {{"Host", "h"},
                              {"Content-Type", "application/json"},
                              {"User-Agent", "sdk"},
                              {"Connection", "keep-alive"},
                              {"Authorization", "x"},
                              {"X-Amz-Date", "d"},
                              {"x-amz-date", "d"},
                              {"X-Amzn-Trace-Id", "t"},
                              {"Transfer-Encoding", "chunked"},
                              {"Content-Length", "2"},
                              {"X-Amz-Target", "t"},
                              {"Bad Name", "x"},
                              {"", "empty"},
                              {"x-a;b", "x"}};
  EXPECT_EQ(default_signed_headers(headers),
            (std::vector<std::string>{"content-length", "content-type", "host", "x-amz-date",
                                      "x-amz-target"}));
}

TEST(SigV4, AmzDateFormatsAndParses) {
  EXPECT_EQ(format_amz_date(suite_time()), "20150830T123600Z");
  EXPECT_EQ(format_amz_date(suite_time() + std::chrono::milliseconds(999)), "20150830T123600Z");
  EXPECT_EQ(format_amz_date(Clock::time_point(seconds(0))), "19700101T000000Z");
  EXPECT_EQ(parse_amz_date("20150830T123600Z"), suite_time());
  for (const char* bad :
       {"", "20150830T123600", "2015-08-30T12:36:00Z", "20150230T123600Z", "20150830t123600Z",
        "20150830T243600Z", "2015083OT123600Z", "20150830T123600ZZ", "+0150830T123600Z",
        // Real dates outside system_clock's range.
        "85200130T123600Z", "00010101T000000Z"}) {
    EXPECT_FALSE(parse_amz_date(bad).has_value()) << bad;
  }
}

// ---- Authorization parsing ---------------------------------------------------------------------

TEST(ParseAuthorization, ParsesTheSuiteHeader) {
  const auto r = parse_authorization(suite_authorization(
      "host;x-amz-date", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->algorithm, "AWS4-HMAC-SHA256");
  EXPECT_EQ(r->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(r->date, "20150830");
  EXPECT_EQ(r->region, "us-east-1");
  EXPECT_EQ(r->service, "service");
  EXPECT_EQ(r->terminator, "aws4_request");
  EXPECT_EQ(r->signed_headers, (std::vector<std::string>{"host", "x-amz-date"}));
  EXPECT_EQ(r->signature, "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

TEST(ParseAuthorization, AcceptsAnyComponentOrderAndSpacing) {
  const std::string sig(64, 'a');
  const auto r = parse_authorization("  AWS4-HMAC-SHA256   Signature=" + sig +
                                     ",SignedHeaders=host,\tCredential=K/20150830/r/s/t  ");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->access_key_id, "K");
  EXPECT_EQ(r->terminator, "t");
  EXPECT_EQ(r->signed_headers, std::vector<std::string>{"host"});
}

struct MalformedCase {
  std::string header;
  std::string error;
};

class MalformedAuthorization : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedAuthorization, SaysWhatIsWrong) {
  const auto r = parse_authorization(GetParam().header);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, GetParam().error) << GetParam().header;
}

const std::string kSig(64, '0');
const std::string kCred = "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";

INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedAuthorization,
    ::testing::Values(
        MalformedCase{"", "Authorization header is empty"},
        MalformedCase{"  \t ", "Authorization header is empty"},
        MalformedCase{"AWS4-HMAC-SHA256",
                      "Authorization header requires 'Credential' parameter. Authorization header "
                      "requires 'Signature' parameter. Authorization header requires "
                      "'SignedHeaders' parameter."},
        MalformedCase{"AWS4-HMAC-SHA256 " + kCred + ", Signature=" + kSig,
                      "Authorization header requires 'SignedHeaders' parameter."},
        MalformedCase{"AWS4-HMAC-SHA256 SignedHeaders=host",
                      "Authorization header requires 'Credential' parameter. Authorization header "
                      "requires 'Signature' parameter."},
        MalformedCase{kCred + ", SignedHeaders=host, Signature=" + kSig,
                      "Authorization header is malformed: expected '<algorithm> Credential=..., "
                      "SignedHeaders=..., Signature=...'"},
        MalformedCase{"AWS4-HMAC-SHA256 " + kCred + ",, SignedHeaders=host, Signature=" + kSig,
                      "Authorization header has an empty parameter"},
        MalformedCase{"AWS4-HMAC-SHA256 " + kCred + ", SignedHeaders=host, Signature=" + kSig + ",",
                      "Authorization header has an empty parameter"},
        MalformedCase{"AWS4-HMAC-SHA256 " + kCred + ", SignedHeaders host, Signature=" + kSig,
                      "Authorization parameter 'SignedHeaders host' is not of the form key=value"},
        MalformedCase{"AWS4-HMAC-SHA256 " + kCred + ", signature=" + kSig + ", SignedHeaders=host",
                      "Authorization header has an unknown parameter 'signature'"},
        MalformedCase{"AWS4-HMAC-SHA256 " + kCred + ", Bad\x01Key=1",
                      "Authorization header has an unknown parameter 'Bad?Key'"},
        MalformedCase{
            "AWS4-HMAC-SHA256 " + kCred + ", " + kCred + ", SignedHeaders=host, Signature=" + kSig,
            "Authorization header has more than one 'Credential' parameter"},
        MalformedCase{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service, "
                      "SignedHeaders=host, Signature=" +
                          kSig,
                      "Authorization header has a malformed Credential: expected '<access key "
                      "id>/<YYYYMMDD>/<region>/<service>/aws4_request'"},
        MalformedCase{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                      "aws4_request/x, SignedHeaders=host, Signature=" +
                          kSig,
                      "Authorization header has a malformed Credential: expected '<access key "
                      "id>/<YYYYMMDD>/<region>/<service>/aws4_request'"},
        MalformedCase{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE//us-east-1/service/aws4_request, "
                      "SignedHeaders=host, Signature=" +
                          kSig,
                      "Authorization header has a malformed Credential: expected '<access key "
                      "id>/<YYYYMMDD>/<region>/<service>/aws4_request'"},
        MalformedCase{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2015-08-30/us-east-1/service/"
                      "aws4_request, SignedHeaders=host, Signature=" +
                          kSig,
                      "Authorization header has a malformed Credential: expected '<access key "
                      "id>/<YYYYMMDD>/<region>/<service>/aws4_request'"},
        MalformedCase{"AWS4-HMAC-SHA256 " + kCred + ", SignedHeaders=, Signature=" + kSig,
                      "SignedHeaders must be lowercase header names separated by ';', sorted and "
                      "without duplicates"},
        MalformedCase{"AWS4-HMAC-SHA256 " + kCred + ", SignedHeaders=Host, Signature=" + kSig,
                      "SignedHeaders must be lowercase header names separated by ';', sorted and "
                      "without duplicates"},
        MalformedCase{
            "AWS4-HMAC-SHA256 " + kCred + ", SignedHeaders=x-amz-date;host, Signature=" + kSig,
            "SignedHeaders must be lowercase header names separated by ';', sorted and "
            "without duplicates"},
        MalformedCase{"AWS4-HMAC-SHA256 " + kCred + ", SignedHeaders=host;host, Signature=" + kSig,
                      "SignedHeaders must be lowercase header names separated by ';', sorted and "
                      "without duplicates"},
        MalformedCase{"AWS4-HMAC-SHA256 " + kCred + ", SignedHeaders=host;, Signature=" + kSig,
                      "SignedHeaders must be lowercase header names separated by ';', sorted and "
                      "without duplicates"},
        MalformedCase{"AWS4-HMAC-SHA256 " + kCred + ", SignedHeaders=host, Signature=abc",
                      "Signature must be 64 lowercase hexadecimal digits"},
        MalformedCase{
            "AWS4-HMAC-SHA256 " + kCred + ", SignedHeaders=host, Signature=" + std::string(64, 'A'),
            "Signature must be 64 lowercase hexadecimal digits"},
        MalformedCase{std::string(kMaxAuthorizationLength + 1, 'A'),
                      "Authorization header is longer than 8192 bytes"}));

TEST(ParseAuthorization, CapsSignedHeaders) {
  std::string names;
  for (int i = 0; i < 129; ++i) {
    if (i != 0) names += ";";
    names += "h" + std::string(3 - std::to_string(i).size(), '0') + std::to_string(i);
  }
  const auto r = parse_authorization("AWS4-HMAC-SHA256 " + kCred + ", SignedHeaders=" + names +
                                     ", Signature=" + kSig);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "SignedHeaders lists more than 128 headers");
}

// Never crashes, always answers, on random bytes and on mutations of a valid header.
TEST(ParseAuthorization, IsTotalOnArbitraryBytes) {
  std::mt19937_64 rng(20150830);
  const std::string valid = suite_authorization("host;x-amz-date", kSig);
  const std::string alphabet =
      std::string("AWS4-HMAC-SHA256 Credential=/,;= \t") + '\0' + '\xff' + valid;
  for (int i = 0; i < 20000; ++i) {
    std::string input;
    if (i % 2 == 0) {
      const std::size_t len = rng() % 300;
      for (std::size_t j = 0; j < len; ++j) input.push_back(alphabet[rng() % alphabet.size()]);
    } else {
      input = valid;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !input.empty(); ++e) {
        const std::size_t at = rng() % input.size();
        switch (rng() % 3) {
          case 0:
            input[at] = static_cast<char>(rng() & 0xff);
            break;
          case 1:
            input.erase(at, 1 + rng() % 8);
            break;
          default:
            input.insert(at, 1, alphabet[rng() % alphabet.size()]);
        }
      }
    }
    const auto r = parse_authorization(input);
    if (!r) {
      EXPECT_FALSE(r.error().message.empty()) << input;
    }
  }
}

// ---- Verification ------------------------------------------------------------------------------

constexpr const char* kIvsRegion = "us-east-1";
constexpr const char* kIvsService = "ivs";
constexpr const char* kMismatch =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";
constexpr const char* kInvalidToken = "The security token included in the request is invalid.";

HttpRequest ivs_request() {
  return {"POST",
          "/ListParticipantEvents",
          {{"Host", "ivsrealtime.us-east-1.amazonaws.com"},
           {"Content-Type", "application/json"},
           {"User-Agent", "lpe-test"}},
          R"({"stageArn":"arn:aws:ivs:us-east-1:123456789012:stage/abcdABCDefgh",)"
          R"("sessionId":"st-1234567890abcdef","participantId":"pid-0123456789"})"};
}

HttpRequest signed_ivs_request(const Credentials& creds = {kAkid, kSecret, ""},
                               Clock::time_point at = suite_time()) {
  HttpRequest req = ivs_request();
  sign_request(req, creds, kIvsRegion, kIvsService, at);
  return req;
}

CredentialStore example_store() {
  CredentialStore store;
  store.add(kAkid, kSecret);
  return store;
}

void set_header(HttpRequest& req, std::string_view name, std::string value) {
  for (auto& [n, v] : req.headers) {
    if (n == name) {
      v = std::move(value);
      return;
    }
  }
  req.headers.emplace_back(std::string(name), std::move(value));
}

void remove_header(HttpRequest& req, std::string_view name) {
  std::erase_if(req.headers, [&](const auto& h) { return h.first == name; });
}

// Authorization built by hand, so tests can sign with unusual header lists or scopes.
std::string manual_authorization(const HttpRequest& req, std::vector<std::string> signed_headers,
                                 std::string_view region, std::string_view service,
                                 std::string_view amz_date, std::string_view secret = kSecret,
                                 std::string_view algorithm = "AWS4-HMAC-SHA256",
                                 std::string_view terminator = "aws4_request") {
  const std::string date(amz_date.substr(0, 8));
  std::string scope =
      date + "/" + std::string(region) + "/" + std::string(service) + "/" + std::string(terminator);
  const std::string sts = std::string(algorithm) + "\n" + std::string(amz_date) + "\n" + scope +
                          "\n" + hex_sha256(canonical_request(req, signed_headers));
  const std::string sig = compute_signature(derive_signing_key(secret, date, region, service), sts);
  std::string names;
  for (const auto& n : signed_headers) names += (names.empty() ? "" : ";") + n;
  return std::string(algorithm) + " Credential=" + kAkid + "/" + scope +
         ", SignedHeaders=" + names + ", Signature=" + sig;
}

TEST(VerifyRequest, RoundTripsSignRequest) {
  const VerifyResult r =
      verify_request(signed_ivs_request(), example_store(), kIvsRegion, kIvsService, suite_time());
  EXPECT_TRUE(r.ok) << r.message;
  EXPECT_EQ(r.error_type, "");
  EXPECT_EQ(r.message, "");
  EXPECT_EQ(r.access_key_id, kAkid);
}

TEST(VerifyRequest, RoundTripsWithASessionToken) {
  CredentialStore store;
  store.add("ASIATEMPORARY", "temp-secret", "the-session-token");
  HttpRequest req = signed_ivs_request({"ASIATEMPORARY", "temp-secret", "the-session-token"});
  EXPECT_EQ(header(req, "X-Amz-Security-Token"), "the-session-token");
  EXPECT_NE(header(req, "Authorization").find("x-amz-security-token"), std::string::npos);
  const VerifyResult r = verify_request(req, store, kIvsRegion, kIvsService, suite_time());
  EXPECT_TRUE(r.ok) << r.message;
  EXPECT_EQ(r.access_key_id, "ASIATEMPORARY");
}

TEST(VerifyRequest, RoundTripsOverManyTimesAndBodies) {
  std::mt19937_64 rng(7);
  const CredentialStore store = example_store();
  for (int i = 0; i < 200; ++i) {
    HttpRequest req = ivs_request();
    req.body.clear();
    for (std::size_t j = rng() % 64; j > 0; --j) req.body.push_back(static_cast<char>(rng()));
    req.target = "/ListParticipantEvents?x=" + std::to_string(rng() % 1000) + "&a=%2F";
    const auto at =
        Clock::time_point(seconds(1000000000 + static_cast<int64_t>(rng() % 2000000000)));
    sign_request(req, {kAkid, kSecret, ""}, kIvsRegion, kIvsService, at);
    const VerifyResult r = verify_request(req, store, kIvsRegion, kIvsService, at + seconds(5));
    ASSERT_TRUE(r.ok) << i << ": " << r.message;
  }
}

TEST(VerifyRequest, ResigningReplacesOldHeaders) {
  HttpRequest req = signed_ivs_request();
  sign_request(req, {kAkid, kSecret, ""}, kIvsRegion, kIvsService, suite_time() + minutes(1));
  int authorizations = 0, dates = 0;
  for (const auto& [n, v] : req.headers) {
    authorizations += n == "Authorization";
    dates += n == "X-Amz-Date";
  }
  EXPECT_EQ(authorizations, 1);
  EXPECT_EQ(dates, 1);
  EXPECT_EQ(header(req, "X-Amz-Date"), "20150830T123700Z");
  EXPECT_TRUE(
      verify_request(req, example_store(), kIvsRegion, kIvsService, suite_time() + minutes(1)).ok);
}

TEST(VerifyRequest, UnsignedExtraHeadersDoNotMatter) {
  HttpRequest req = signed_ivs_request();
  set_header(req, "User-Agent", "something-else");
  req.headers.emplace_back("X-Forwarded-For", "10.0.0.1");
  EXPECT_TRUE(verify_request(req, example_store(), kIvsRegion, kIvsService, suite_time()).ok);
}

struct VerifyCase {
  const char* name;
  std::function<void(HttpRequest&)> mutate;
  Clock::time_point now;
  std::string error_type;
  std::string message;
  std::string access_key_id = kAkid;
};

class VerifyErrors : public ::testing::TestWithParam<VerifyCase> {};

TEST_P(VerifyErrors, ReportsTheR13TypeAndMessage) {
  const VerifyCase& c = GetParam();
  HttpRequest req = signed_ivs_request();
  c.mutate(req);
  CredentialStore store = example_store();
  store.add("ASIATEMPORARY", "temp-secret", "the-session-token");
  const VerifyResult r = verify_request(req, store, kIvsRegion, kIvsService, c.now);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error_type, c.error_type);
  EXPECT_EQ(r.message, c.message);
  EXPECT_EQ(r.access_key_id, c.access_key_id);
}

const std::string kAmz = "20150830T123600Z";

std::vector<VerifyCase> verify_cases() {
  const auto t = suite_time();
  const auto resign = [](std::vector<std::string> names, std::string region = kIvsRegion,
                         std::string service = kIvsService, std::string secret = kSecret,
                         std::string algorithm = "AWS4-HMAC-SHA256",
                         std::string terminator = "aws4_request") {
    return [=](HttpRequest& req) {
      remove_header(req, "Authorization");
      req.headers.emplace_back(
          "Authorization",
          manual_authorization(req, names, region, service, kAmz, secret, algorithm, terminator));
    };
  };
  const auto with_temporary = [](std::string token) {
    return [=](HttpRequest& req) {
      req = signed_ivs_request({"ASIATEMPORARY", "temp-secret", token});
    };
  };
  return {
      // MissingAuthenticationTokenException
      {"NoAuthorization", [](HttpRequest& r) { remove_header(r, "Authorization"); }, t,
       "MissingAuthenticationTokenException", "Missing Authentication Token", ""},
      {"BlankAuthorization", [](HttpRequest& r) { set_header(r, "Authorization", "  "); }, t,
       "MissingAuthenticationTokenException", "Missing Authentication Token", ""},
      // IncompleteSignatureException
      {"Garbage", [](HttpRequest& r) { set_header(r, "Authorization", "garbage"); }, t,
       "IncompleteSignatureException",
       "Authorization header requires 'Credential' parameter. Authorization header requires "
       "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.",
       ""},
      {"TwoAuthorizationHeaders",
       [](HttpRequest& r) { r.headers.emplace_back("authorization", header(r, "Authorization")); },
       t, "IncompleteSignatureException", "The request carries more than one Authorization header",
       ""},
      {"OtherAlgorithm",
       resign({"content-type", "host", "x-amz-date"}, kIvsRegion, kIvsService, kSecret,
              "AWS4-HMAC-SHA512"),
       t, "IncompleteSignatureException",
       "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'; expected 'AWS4-HMAC-SHA256'"},
      {"OtherTerminator",
       resign({"content-type", "host", "x-amz-date"}, kIvsRegion, kIvsService, kSecret,
              "AWS4-HMAC-SHA256", "aws5_request"),
       t, "IncompleteSignatureException",
       "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'."},
      {"NoAmzDate",
       [](HttpRequest& r) {
         remove_header(r, "X-Amz-Date");
         r.headers.emplace_back("Date", "Sun, 30 Aug 2015 12:36:00 GMT");
       },
       t, "IncompleteSignatureException",
       "Authorization header requires existence of a 'X-Amz-Date' header."},
      {"MalformedAmzDate",
       [](HttpRequest& r) { set_header(r, "X-Amz-Date", "2015-08-30T12:36:00Z"); }, t,
       "IncompleteSignatureException",
       "X-Amz-Date must be in ISO-8601 basic format (YYYYMMDD'T'HHMMSS'Z'). Got "
       "'2015-08-30T12:36:00Z'."},
      {"TwoAmzDates", [](HttpRequest& r) { r.headers.emplace_back("x-amz-date", kAmz); }, t,
       "IncompleteSignatureException", "The request carries more than one X-Amz-Date header"},
      {"HostNotSigned", resign({"content-type", "x-amz-date"}), t, "IncompleteSignatureException",
       "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
      {"TokenNotSigned",
       [](HttpRequest& r) {
         r = signed_ivs_request({"ASIATEMPORARY", "temp-secret", ""});
         r.headers.emplace_back("X-Amz-Security-Token", "the-session-token");
       },
       t, "IncompleteSignatureException",
       "'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS Authorization.",
       "ASIATEMPORARY"},
      // UnrecognizedClientException
      {"UnknownKey",
       [](HttpRequest& r) {
         r = signed_ivs_request({"AKIDUNKNOWN", kSecret, ""});
       },
       t, "UnrecognizedClientException", kInvalidToken, "AKIDUNKNOWN"},
      {"TokenMissingForTemporaryKey",
       [](HttpRequest& r) {
         r = signed_ivs_request({"ASIATEMPORARY", "temp-secret", ""});
       },
       t, "UnrecognizedClientException", kInvalidToken, "ASIATEMPORARY"},
      {"WrongToken", with_temporary("another-token"), t, "UnrecognizedClientException",
       kInvalidToken, "ASIATEMPORARY"},
      {"TokenForLongTermKey",
       [](HttpRequest& r) {
         r = signed_ivs_request({kAkid, kSecret, "a-token"});
       },
       t, "UnrecognizedClientException", kInvalidToken},
      // InvalidSignatureException: scope
      {"WrongRegion", resign({"content-type", "host", "x-amz-date"}, "eu-west-1"), t,
       "InvalidSignatureException",
       "Credential should be scoped to a valid region, not 'eu-west-1'."},
      {"WrongService", resign({"content-type", "host", "x-amz-date"}, kIvsRegion, "execute-api"), t,
       "InvalidSignatureException", "Credential should be scoped to correct service: 'ivs'."},
      {"ScopeDateNotAmzDate",
       [](HttpRequest& r) { set_header(r, "X-Amz-Date", "20150831T000100Z"); }, t + hours(12),
       "InvalidSignatureException",
       "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
       "'20150830' != '20150831', from '20150831T000100Z'."},
      // InvalidSignatureException: time window
      {"Expired", [](HttpRequest&) {}, t + minutes(15) + seconds(1), "InvalidSignatureException",
       "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T125101Z "
       "- 15 min.)"},
      {"ExpiredLongAgo", [](HttpRequest&) {}, t + hours(2), "InvalidSignatureException",
       "Signature expired: 20150830T123600Z is now earlier than 20150830T142100Z (20150830T143600Z "
       "- 15 min.)"},
      {"NotYetCurrent", [](HttpRequest&) {}, t - minutes(15) - seconds(1),
       "InvalidSignatureException",
       "Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z "
       "(20150830T122059Z + 15 min.)"},
      // A well-formed date beyond system_clock's range is outside the window, not malformed.
      {"DateBeyondTheClockRange",
       [](HttpRequest& r) { set_header(r, "X-Amz-Date", "99991231T235959Z"); }, t,
       "InvalidSignatureException",
       "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
       "'20150830' != '99991231', from '99991231T235959Z'."},
      {"DateBeyondTheClockRangeInScopeToo",
       [](HttpRequest& r) {
         set_header(r, "X-Amz-Date", "99991231T235959Z");
         for (auto& [name, value] : r.headers) {
           if (name != "Authorization") continue;
           const auto at = value.find("/20150830/");
           if (at != std::string::npos) value.replace(at, 10, "/99991231/");
         }
       },
       t, "InvalidSignatureException",
       "Signature not yet current: 99991231T235959Z is still later than 20150830T125100Z "
       "(20150830T123600Z + 15 min.)"},
      {"DateBeforeTheClockRangeInScopeToo",
       [](HttpRequest& r) {
         set_header(r, "X-Amz-Date", "10000101T000000Z");
         for (auto& [name, value] : r.headers) {
           if (name != "Authorization") continue;
           const auto at = value.find("/20150830/");
           if (at != std::string::npos) value.replace(at, 10, "/10000101/");
         }
       },
       t, "InvalidSignatureException",
       "Signature expired: 10000101T000000Z is now earlier than 20150830T122100Z "
       "(20150830T123600Z - 15 min.)"},
      // InvalidSignatureException: tampering
      {"TamperedBody", [](HttpRequest& r) { r.body += " "; }, t, "InvalidSignatureException",
       kMismatch},
      {"TamperedSignedHeader",
       [](HttpRequest& r) { set_header(r, "Content-Type", "application/x-amz-json-1.1"); }, t,
       "InvalidSignatureException", kMismatch},
      {"TamperedHost",
       [](HttpRequest& r) { set_header(r, "Host", "ivsrealtime.us-west-2.amazonaws.com"); }, t,
       "InvalidSignatureException", kMismatch},
      {"SignedHeaderRemoved", [](HttpRequest& r) { remove_header(r, "Content-Type"); }, t,
       "InvalidSignatureException", kMismatch},
      {"TamperedPath", [](HttpRequest& r) { r.target = "/ListParticipantEvents2"; }, t,
       "InvalidSignatureException", kMismatch},
      {"TamperedQuery", [](HttpRequest& r) { r.target += "?maxResults=1"; }, t,
       "InvalidSignatureException", kMismatch},
      {"TamperedMethod", [](HttpRequest& r) { r.method = "PUT"; }, t, "InvalidSignatureException",
       kMismatch},
      {"TamperedAmzDate", [](HttpRequest& r) { set_header(r, "X-Amz-Date", "20150830T123601Z"); },
       t, "InvalidSignatureException", kMismatch},
      {"WrongSecret",
       resign({"content-type", "host", "x-amz-date"}, kIvsRegion, kIvsService, "not-the-secret"), t,
       "InvalidSignatureException", kMismatch},
      {"FlippedSignatureDigit",
       [](HttpRequest& r) {
         std::string a = header(r, "Authorization");
         a.back() = a.back() == '0' ? '1' : '0';
         set_header(r, "Authorization", a);
       },
       t, "InvalidSignatureException", kMismatch},
      {"SignedHeadersNarrowed",
       [](HttpRequest& r) {
         std::string a = header(r, "Authorization");
         const auto at = a.find("content-type;");
         a.erase(at, std::string("content-type;").size());
         set_header(r, "Authorization", a);
       },
       t, "InvalidSignatureException", kMismatch},
  };
}

INSTANTIATE_TEST_SUITE_P(R13, VerifyErrors, ::testing::ValuesIn(verify_cases()),
                         [](const ::testing::TestParamInfo<VerifyCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(VerifyRequest, WindowBoundariesAreInclusive) {
  const HttpRequest req = signed_ivs_request();
  const CredentialStore store = example_store();
  const auto t = suite_time();
  for (const auto now : {t - minutes(15), t - minutes(14), t, t + minutes(15)}) {
    EXPECT_TRUE(verify_request(req, store, kIvsRegion, kIvsService, now).ok);
  }
  for (const auto now : {t - minutes(15) - seconds(1), t + minutes(15) + seconds(1),
                         t + minutes(15) + std::chrono::milliseconds(1)}) {
    const VerifyResult r = verify_request(req, store, kIvsRegion, kIvsService, now);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.error_type, "InvalidSignatureException");
  }
}

TEST(VerifyRequest, CustomWindow) {
  const HttpRequest req = signed_ivs_request();
  const CredentialStore store = example_store();
  const auto t = suite_time();
  EXPECT_TRUE(verify_request(req, store, kIvsRegion, kIvsService, t + minutes(5), minutes(5)).ok);
  const VerifyResult r =
      verify_request(req, store, kIvsRegion, kIvsService, t + minutes(5) + seconds(1), minutes(5));
  EXPECT_EQ(r.message,
            "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z "
            "(20150830T124101Z - 5 min.)");
  const VerifyResult s =
      verify_request(req, store, kIvsRegion, kIvsService, t + seconds(31), seconds(30));
  EXPECT_EQ(s.message,
            "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z "
            "(20150830T123631Z - 30 s.)");
}

TEST(VerifyRequest, EveryTamperedByteOfTheAuthorizationIsRejected) {
  const HttpRequest good = signed_ivs_request();
  const CredentialStore store = example_store();
  const std::string authorization = header(good, "Authorization");
  for (std::size_t i = 0; i < authorization.size(); ++i) {
    HttpRequest req = good;
    std::string a = authorization;
    a[i] = static_cast<char>(a[i] ^ 0x01);
    set_header(req, "Authorization", a);
    const VerifyResult r = verify_request(req, store, kIvsRegion, kIvsService, suite_time());
    EXPECT_FALSE(r.ok) << i << ": " << a;
    EXPECT_FALSE(r.error_type.empty());
  }
}

TEST(CredentialStore, LooksUpByExactKey) {
  CredentialStore store;
  EXPECT_EQ(store.lookup(kAkid), nullptr);
  store.add(kAkid, kSecret);
  store.add("ASIA1", "s1", "t1");
  ASSERT_NE(store.lookup(kAkid), nullptr);
  EXPECT_EQ(store.lookup(kAkid)->secret_access_key, kSecret);
  EXPECT_EQ(store.lookup(kAkid)->session_token, "");
  EXPECT_EQ(store.lookup("ASIA1")->session_token, "t1");
  EXPECT_EQ(store.lookup("akidexample"), nullptr);
  store.add(kAkid, "rotated");
  EXPECT_EQ(store.lookup(kAkid)->secret_access_key, "rotated");
}

// ---- Redaction ---------------------------------------------------------------------------------

TEST(Redaction, MasksSecrets) {
  EXPECT_EQ(mask_secret(""), "****");
  EXPECT_EQ(mask_secret("short"), "****");
  EXPECT_EQ(mask_secret("1234567"), "****");
  EXPECT_EQ(mask_secret("12345678"), "****5678");
  EXPECT_EQ(mask_secret("AKIDEXAMPLE"), "****MPLE");
  EXPECT_EQ(mask_secret(kSecret), "****EKEY");
}

struct RedactCase {
  std::string name;
  std::string value;
  std::string expected;
};

class RedactTable : public ::testing::TestWithParam<RedactCase> {};
TEST_P(RedactTable, RedactsForLogs) {
  EXPECT_EQ(redact_header(GetParam().name, GetParam().value), GetParam().expected);
}
INSTANTIATE_TEST_SUITE_P(
    Headers, RedactTable,
    ::testing::Values(
        RedactCase{
            "Authorization",
            suite_authorization("host;x-amz-date",
                                "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
            "AWS4-HMAC-SHA256 Credential=****MPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=****"},
        RedactCase{"authorization",
                   "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20150830/us-east-1/ivs/"
                   "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "
                   "Signature=" +
                       std::string(64, 'f'),
                   "AWS4-HMAC-SHA256 Credential=****MPLE/20150830/us-east-1/ivs/aws4_request, "
                   "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "
                   "Signature=****"},
        RedactCase{"Authorization", "AWS4-HMAC-SHA256 Credential=AKID/broken, Signature=abc",
                   "AWS4-HMAC-SHA256 ****"},
        RedactCase{"Authorization", "Bearer eyJhbGciOi.secret", "Bearer ****"},
        RedactCase{"Authorization", "sk-live-secret-value", "****"},
        RedactCase{"Authorization", "", "****"},
        RedactCase{"X-Amz-Security-Token", kStsToken, "****"},
        RedactCase{"x-amz-security-token", "", "****"},
        RedactCase{"X-Amz-Date", "20150830T123600Z", "20150830T123600Z"},
        RedactCase{"Content-Type", "application/json", "application/json"}));

}  // namespace
}  // namespace lpe::wire
