// parse_http_response: a lenient reader of complete HTTP/1.x responses held in memory. It reads
// what a file or a fuzzer hands over; the harness's socket client has its own bounded, strict
// reader.
#include <charconv>

#include "wire/http.h"
#include "wire/text.h"

namespace lpe::wire {
namespace {

constexpr size_t kMaxHeaders = 1000;

// Header names and values lose blanks on both sides, and stray CRs at the end.
std::string_view clean(std::string_view text) { return trim_left(trim_right(text, " \t\r")); }

// The lines of the head, CRLF or LF terminated, numbered from 1.
class LineReader {
 public:
  explicit LineReader(std::string_view raw) : raw_(raw) {}

  // The next line without its line end; false at the end of the input.
  bool next(std::string_view& line) {
    if (pos_ >= raw_.size()) return false;
    const size_t nl = raw_.find('\n', pos_);
    const size_t end = nl == std::string_view::npos ? raw_.size() : nl;
    line = raw_.substr(pos_, end - pos_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos_ = nl == std::string_view::npos ? raw_.size() : nl + 1;
    ++line_no_;
    return true;
  }
  std::string where() const { return "line " + std::to_string(line_no_); }
  // What follows the lines read so far.
  std::string_view rest() const { return raw_.substr(pos_); }

 private:
  std::string_view raw_;
  size_t pos_ = 0;
  size_t line_no_ = 0;
};

// The status code of a status line such as "HTTP/1.1 200 OK".
Result<int> parse_status_line(LineReader& lines) {
  std::string_view line;
  if (!lines.next(line)) {
    return fail("empty input, expected a status line 'HTTP/1.1 200 OK'", "line 1");
  }
  if (line.substr(0, 7) != "HTTP/1." && line.substr(0, 6) != "HTTP/2") {
    return fail("expected a status line starting with 'HTTP/1.1', got '" +
                    std::string(line.substr(0, 40)) + "'",
                "line 1");
  }
  const auto sp = line.find(' ');
  int status = 0;
  const auto code = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1, 3);
  const auto [ptr, ec] = std::from_chars(code.data(), code.data() + code.size(), status);
  if (code.size() != 3 || ec != std::errc() || ptr != code.data() + 3 || status < 100 ||
      status > 599) {
    return fail("expected a 3-digit status code after the HTTP version", "line 1");
  }
  return status;
}

// The header lines up to the blank line that ends the head.
Status parse_header_lines(LineReader& lines, HeaderList& headers) {
  std::string_view line;
  while (lines.next(line)) {
    if (line.empty()) return {};
    if (headers.size() >= kMaxHeaders) return fail("more than 1000 header lines");
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return fail("expected a header 'Name: value', got '" + std::string(line.substr(0, 60)) + "'",
                  lines.where());
    }
    headers.emplace_back(std::string(clean(line.substr(0, colon))),
                         std::string(clean(line.substr(colon + 1))));
  }
  return fail("no blank line after the headers");
}

// A chunked body, decoded (chunk extensions ignored, trailers dropped).
Result<std::string> decode_chunked(std::string_view body) {
  std::string decoded;
  size_t p = 0;
  while (true) {
    const auto nl = body.find('\n', p);
    if (nl == std::string_view::npos) return fail("chunked body: missing chunk size line");
    std::string_view size_line = clean(body.substr(p, nl - p));
    size_line = size_line.substr(0, size_line.find(';'));
    size_t size = 0;
    const auto [end, ec] =
        std::from_chars(size_line.data(), size_line.data() + size_line.size(), size, 16);
    if (ec != std::errc() || end != size_line.data() + size_line.size()) {
      return fail("chunked body: bad chunk size '" + std::string(size_line.substr(0, 20)) + "'");
    }
    p = nl + 1;
    if (size == 0) return decoded;
    if (size > body.size() - p) return fail("chunked body: chunk longer than the data");
    decoded.append(body.substr(p, size));
    p += size;
    if (p < body.size() && body[p] == '\r') ++p;
    if (p < body.size() && body[p] == '\n') ++p;
  }
}

// The first `content_length` bytes of `body`.
Result<std::string> cut_to_length(std::string_view body, std::string_view content_length) {
  const std::string_view v = clean(content_length);
  size_t length = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), length);
  if (ec != std::errc() || end != v.data() + v.size()) {
    return fail("Content-Length '" + std::string(v.substr(0, 20)) + "' is not a number");
  }
  if (length > body.size()) {
    return fail("Content-Length says " + std::to_string(length) + " bytes, the body has " +
                std::to_string(body.size()));
  }
  return std::string(body.substr(0, length));
}

}  // namespace

Result<HttpResponse> parse_http_response(std::string_view raw) {
  LineReader lines(raw);
  auto status = parse_status_line(lines);
  if (!status) return std::move(status).error();
  HttpResponse out;
  out.status = *status;
  if (auto head = parse_header_lines(lines, out.headers); !head) return head.error();
  const std::string_view body = lines.rest();
  Result<std::string> decoded = std::string(body);
  if (const auto te = out.header("Transfer-Encoding"); te && iequals(clean(*te), "chunked")) {
    decoded = decode_chunked(body);
  } else if (const auto length = out.header("Content-Length")) {
    decoded = cut_to_length(body, *length);
  }
  if (!decoded) return std::move(decoded).error();
  out.body = std::move(*decoded);
  return out;
}

}  // namespace lpe::wire
