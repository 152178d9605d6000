// RequestFramer without sockets: requests out of bytes, the limits at their exact boundaries,
// chunked bodies, 100-continue, the body policy, and that nothing is read after the end.
#include "mock/internal/http_framing.h"

#include <gtest/gtest.h>

namespace lpe::mock::internal {
namespace {

using Step = RequestFramer::Step;

struct Result {
  std::vector<FramedRequest> requests;
  std::optional<FramingError> error;
};

// Feeds `bytes` in pieces of `piece` bytes (0: all at once), draining after each.
Result frame(std::string_view bytes, FramingLimits limits = {}, size_t piece = 0,
             RequestFramer::BodyPolicy policy = {}) {
  RequestFramer framer(limits, std::move(policy));
  Result out;
  for (size_t pos = 0; pos < bytes.size() || pos == 0;) {
    const size_t n = piece == 0 ? bytes.size() : std::min(piece, bytes.size() - pos);
    framer.feed(bytes.substr(pos, n));
    pos += n;
    while (true) {
      FramedRequest request;
      FramingError error;
      const Step step = framer.next(request, error);
      if (step == Step::kRequest) {
        out.requests.push_back(std::move(request));
        continue;
      }
      if (step == Step::kError) out.error = error;
      break;
    }
    if (framer.closed() || bytes.empty()) break;
  }
  return out;
}

TEST(RequestFramer, PipelinedRequestsWithBodiesWhateverTheReadSizes) {
  const std::string two =
      "POST /a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nX-Empty:\r\nX-Pad:  v  \r\n\r\nabc"
      "GET /b HTTP/1.1\r\nHost: h\r\n\r\n";
  for (const size_t piece : {0, 1, 2, 7}) {
    const Result r = frame(two, {}, piece);
    ASSERT_FALSE(r.error) << piece << ": " << r.error->message;
    ASSERT_EQ(r.requests.size(), 2u) << piece;
    EXPECT_EQ(r.requests[0].method, "POST");
    EXPECT_EQ(r.requests[0].target, "/a?x=1");
    EXPECT_EQ(r.requests[0].body, "abc");
    const std::vector<std::pair<std::string, std::string>> headers = {
        {"Host", "h"}, {"Content-Length", "3"}, {"X-Empty", ""}, {"X-Pad", "v"}};
    EXPECT_EQ(r.requests[0].headers, headers);
    EXPECT_TRUE(r.requests[0].keep_alive);
    EXPECT_EQ(r.requests[1].target, "/b");
    EXPECT_EQ(r.requests[1].body, "");
  }
}

TEST(RequestFramer, ChunkedBodyWithExtensionsAndTrailers) {
  const std::string text =
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n"
      "3;name=value\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n";
  for (const size_t piece : {0, 1, 5}) {
    const Result r = frame(text, {}, piece);
    ASSERT_FALSE(r.error) << r.error->message;
    ASSERT_EQ(r.requests.size(), 1u);
    EXPECT_EQ(r.requests[0].body, "abc0123456789");
  }
}

TEST(RequestFramer, LimitsHoldAtTheirExactBoundaries) {
  FramingLimits limits;
  limits.max_request_line = 20;  // "GET /xxxxxx HTTP/1.1\r\n" is 22 bytes with 6 x
  limits.max_header_bytes = 32;
  limits.max_header_count = 2;
  limits.max_body_bytes = 4;
  EXPECT_FALSE(frame("GET /xxxx HTTP/1.1\r\nHost: h\r\n\r\n", limits).error);  // 20 bytes
  auto r = frame("GET /xxxxx HTTP/1.1\r\nHost: h\r\n\r\n", limits);            // 21 bytes
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->status, 400);
  // Header block: 9 + 21 bytes of lines plus the blank line's 2 = 32.
  const std::string at_limit =
      "GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(16, 'a') + "\r\n\r\n";
  EXPECT_FALSE(frame(at_limit, limits).error);
  r = frame("GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(17, 'a') + "\r\n\r\n", limits);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->status, 431);
  r = frame("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n", limits);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->status, 431);
  EXPECT_EQ(r.error->error_type, "RequestHeaderFieldsTooLargeException");
  EXPECT_FALSE(frame("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nabcd", limits).error);
  r = frame("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n", limits);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->status, 413);
  limits.max_header_bytes = 64;
  r = frame("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\n",
            limits);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->status, 413);
}

TEST(RequestFramer, AnEndlessLineIsRefusedWithoutBufferingIt) {
  RequestFramer framer;
  framer.feed("GET / HTTP/1.1\r\nHost: h\r\nX: ");
  FramedRequest request;
  FramingError error;
  Step step = Step::kNeedMore;
  for (int i = 0; i < 1000 && step == Step::kNeedMore; ++i) {
    framer.feed(std::string(1024, 'a'));
    step = framer.next(request, error);
    EXPECT_LE(framer.buffered(), 16384u + 1024u + 64u);
  }
  EXPECT_EQ(step, Step::kError);
  EXPECT_EQ(error.status, 431);
  EXPECT_EQ(framer.buffered(), 0u);
}

TEST(RequestFramer, ExpectContinueIsSignalledOnceBeforeTheBody) {
  RequestFramer framer;
  framer.feed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nExpect: 100-Continue\r\n\r\n");
  FramedRequest request;
  FramingError error;
  EXPECT_EQ(framer.next(request, error), Step::kNeedMore);
  EXPECT_TRUE(framer.in_request());
  EXPECT_TRUE(framer.take_continue());
  EXPECT_FALSE(framer.take_continue());
  framer.feed("{}");
  EXPECT_EQ(framer.next(request, error), Step::kRequest);
  EXPECT_EQ(request.body, "{}");
  EXPECT_FALSE(framer.in_request());
}

TEST(RequestFramer, BodyLeftUnreadByPolicyEndsTheConnection) {
  const auto only_a = [](std::string_view, std::string_view target) { return target == "/a"; };
  const Result r = frame(
      "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5000000\r\n\r\nGET /c HTTP/1.1\r\nHost: "
      "h\r\n\r\n",
      {}, 0, only_a);
  EXPECT_FALSE(r.error);
  ASSERT_EQ(r.requests.size(), 1u);
  EXPECT_TRUE(r.requests[0].body_unread);
  EXPECT_FALSE(r.requests[0].keep_alive);
}

TEST(RequestFramer, NothingIsReadAfterAnErrorOrAClosingRequest) {
  RequestFramer framer;
  framer.feed(
      "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /x HTTP/1.1\r\nHost: h\r\n\r\n");
  FramedRequest request;
  FramingError error;
  EXPECT_EQ(framer.next(request, error), Step::kRequest);
  EXPECT_FALSE(request.keep_alive);
  EXPECT_EQ(framer.next(request, error), Step::kClosed);
  EXPECT_EQ(framer.buffered(), 0u);

  RequestFramer failing;
  failing.feed("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx");
  EXPECT_EQ(failing.next(request, error), Step::kError);
  failing.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(failing.next(request, error), Step::kClosed);
}

TEST(RequestFramer, Http10KeepsAliveOnlyWhenAsked) {
  Result r = frame("GET / HTTP/1.0\r\n\r\nGET /x HTTP/1.0\r\n\r\n");
  ASSERT_EQ(r.requests.size(), 1u);
  EXPECT_FALSE(r.requests[0].keep_alive);
  r = frame("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\nGET /x HTTP/1.0\r\n\r\n");
  ASSERT_EQ(r.requests.size(), 2u);
  EXPECT_TRUE(r.requests[0].keep_alive);
}

}  // namespace
}  // namespace lpe::mock::internal
