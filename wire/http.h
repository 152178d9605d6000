// The project's one HTTP vocabulary: a header list, a request and a response, header lookup, the
// HTTP token grammar, and a parser of raw HTTP/1.x responses (files given to `lpe validate
// response`, bytes a fuzzer or test produces). The mock serves HttpResponse, the harness sends
// HttpRequest and judges HttpResponse, the validators check HttpResponse.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace lpe::wire {

// Header names of AWS's JSON protocols (R8, R9), written as AWS writes them (compare them with
// iequals: header names are case-insensitive).
inline constexpr std::string_view kContentTypeHeader = "Content-Type";
inline constexpr std::string_view kErrorTypeHeader = "x-amzn-ErrorType";
inline constexpr std::string_view kRequestIdHeader = "x-amzn-RequestId";

// Header list in wire order; names keep their case, duplicates are allowed.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// The value of the first header named `name` (case-insensitive), if any.
std::optional<std::string_view> find_header(const HeaderList& headers, std::string_view name);

// The values of every header named `name` (case-insensitive), in wire order.
std::vector<std::string_view> header_values(const HeaderList& headers, std::string_view name);

// Removes every header named `name` (case-insensitive).
void remove_headers(HeaderList& headers, std::string_view name);

// True when `c` may appear in an HTTP token such as a method or header name (RFC 9110 tchar).
bool is_token_char(char c);

// True when `name` is a non-empty HTTP token.
bool is_token(std::string_view name);

// One HTTP request. `target` is the path with an optional `?query`, exactly as in the request
// line.
struct HttpRequest {
  std::string method;
  std::string target;
  HeaderList headers;
  std::string body;

  // The first header with this name (case-insensitive), if any.
  std::optional<std::string_view> header(std::string_view name) const {
    return find_header(headers, name);
  }
};

// One HTTP response: status, headers in wire order, the (decoded) body.
struct HttpResponse {
  int status = 0;
  HeaderList headers;
  std::string body;

  // The first header with this name (case-insensitive), if any.
  std::optional<std::string_view> header(std::string_view name) const {
    return find_header(headers, name);
  }
  friend bool operator==(const HttpResponse&, const HttpResponse&) = default;
};

// Parses a raw HTTP/1.x response (status line, headers, blank line, body; CRLF or LF; chunked
// bodies decoded; Content-Length honoured; at most 1000 header lines). A status line of HTTP/2 is
// read the same way. The error says what is wrong and, for the head, on which line (`where` is
// "line N").
Result<HttpResponse> parse_http_response(std::string_view raw);

}  // namespace lpe::wire
