#include "harness/internal/replay_file.h"

#include "wire/json_guard.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "harness/harness.h"
#include "wire/http.h"
#include "wire/text.h"

namespace lpe::harness::internal {
namespace {

using Json = nlohmann::json;

const char* type_name(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "an integer";
    case Json::value_t::number_float:
      return "a number with a fraction";
    default:
      return "another value";
  }
}

// The first control character (other than TAB when `tab_ok`) in `s`, or -1.
int control_char(std::string_view s, bool tab_ok) {
  for (unsigned char c : s) {
    if ((c < 0x20 && !(tab_ok && c == '\t')) || c == 0x7f) return c;
  }
  return -1;
}

std::string hex_byte(int c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned>(c) & 0xffu);
  return buf;
}

Error expected(const std::string& field, const char* what, const Json& got) {
  return fail(field + ": must be " + what + ", got " + type_name(got));
}

// The string member `key` of `object`: nullopt when absent, an error when present with another
// type (`field` names it).
Result<std::optional<std::string>> optional_string(const Json& object, const char* key,
                                                   const std::string& field) {
  const auto it = object.find(key);
  if (it == object.end()) return std::optional<std::string>();
  if (!it->is_string()) return expected(field, "a string", *it);
  return std::optional<std::string>(it->get<std::string>());
}

// The top-level members of a line: the check it was recorded for and its target.
Status read_line_members(const Json& line, ReplayCase& c) {
  if (auto check = optional_string(line, "check", "check"); !check) return check.error();
  auto target = optional_string(line, "target", "target");
  if (!target) return target.error();
  if (*target) c.target = **target;
  if (const int bad = control_char(c.target, false); bad >= 0)
    return fail("target: control character " + hex_byte(bad));
  return {};
}

Status read_method_and_path(const Json& request, ReplayCase& c) {
  const auto method = optional_string(request, "method", "exchange.request.method");
  if (!method) return method.error();
  if (*method) {
    c.method = **method;
    if (c.method.size() > 32 || !wire::is_token(c.method)) {
      const int bad = control_char(c.method, false);
      return fail("exchange.request.method: not an HTTP method token" +
                  (bad >= 0 ? " (control character " + hex_byte(bad) + ")" : std::string()));
    }
  }
  const auto path = optional_string(request, "path", "exchange.request.path");
  if (!path) return path.error();
  if (*path) {
    c.path = **path;
    if (c.path.empty() || c.path.front() != '/' ||
        std::any_of(c.path.begin(), c.path.end(), [](char ch) {
          const auto u = static_cast<unsigned char>(ch);
          return u <= 0x20 || u >= 0x7f;
        })) {
      return fail(
          "exchange.request.path: must start with '/' and hold no space, control or non-ASCII "
          "character");
    }
  }
  return {};
}

// Headers to send again: HTTP tokens and values without control characters; no framing headers
// (the client sets them from the body); signatures, dates and Host dropped (made afresh for the
// endpoint replayed against).
Status read_headers(const Json& request, size_t max_headers, ReplayCase& c) {
  const auto headers = request.find("headers");
  if (headers == request.end()) return {};
  if (!headers->is_object())
    return expected("exchange.request.headers", "an object of strings", *headers);
  if (headers->size() > max_headers)
    return fail("exchange.request.headers: more than " + std::to_string(max_headers));
  for (const auto& [name, value] : headers->items()) {
    const std::string field = "exchange.request.headers." + name.substr(0, 64);
    if (name.size() > 256 || !wire::is_token(name)) {
      const int bad = control_char(name, false);
      return fail("exchange.request.headers: header name '" +
                  (bad >= 0 ? std::string("(with control character ") + hex_byte(bad) + ")"
                            : name.substr(0, 64)) +
                  "' is not an HTTP token");
    }
    if (!value.is_string()) return expected(field, "a string", value);
    const auto& v = value.get_ref<const std::string&>();
    if (const int bad = control_char(v, true); bad >= 0)
      return fail(field + ": control character " + hex_byte(bad) + " in the value");
    const std::string key = wire::to_lower(name);
    if (key == "content-length" || key == "transfer-encoding" || key == "connection" ||
        key == "expect" || key == "upgrade" || key == "te" || key == "trailer") {
      return fail(field + ": a framing header; the client sets it from the body");
    }
    if (key == "authorization" || key == "host" || key.rfind("x-amz-", 0) == 0) continue;
    c.headers.emplace_back(name, v);
  }
  return {};
}

// exchange.request: method, path, headers and body.
Status read_request(const Json& line, size_t max_headers, ReplayCase& c) {
  const auto exchange = line.find("exchange");
  if (exchange == line.end())
    return fail("exchange: missing (a recorded case has exchange.request)");
  if (!exchange->is_object()) return expected("exchange", "an object", *exchange);
  const auto request = exchange->find("request");
  if (request == exchange->end()) return fail("exchange.request: missing");
  if (!request->is_object()) return expected("exchange.request", "an object", *request);
  if (auto read = read_method_and_path(*request, c); !read) return read;
  if (auto read = read_headers(*request, max_headers, c); !read) return read;
  if (const auto body = request->find("body"); body != request->end()) {
    if (!body->is_string()) return expected("exchange.request.body", "a string", *body);
    c.body = body->get<std::string>();
  }
  return {};
}

// expectation: the status, the check that judges the answer again and the error type.
Status read_expectation(const Json& line, ReplayCase& c) {
  const auto e = line.find("expectation");
  if (e == line.end()) return fail("expectation: missing (a recorded case has expectation.status)");
  if (!e->is_object()) return expected("expectation", "an object", *e);
  const auto status = e->find("status");
  if (status == e->end()) return fail("expectation.status: missing");
  if (!status->is_number_integer()) return expected("expectation.status", "an integer", *status);
  const auto code = status->get<int64_t>();
  if (code < 100 || code > 599)
    return fail("expectation.status: " + std::to_string(code) + " is not an HTTP status (100-599)");
  c.status = static_cast<int>(code);
  const auto check = optional_string(*e, "check", "expectation.check");
  if (!check) return check.error();
  if (*check) {
    if (find_check(**check) == nullptr) {
      const int bad = control_char(**check, false);
      return fail(
          "expectation.check: unknown check '" +
          (bad >= 0 ? std::string("(with control characters)") : check->value().substr(0, 64)) +
          "' (see --list-checks)");
    }
    c.check = **check;
  }
  const auto error_type = optional_string(*e, "errorType", "expectation.errorType");
  if (!error_type) return error_type.error();
  if (*error_type) {
    c.error_type = **error_type;
    if (c.error_type.size() > 256 || control_char(c.error_type, false) >= 0)
      return fail("expectation.errorType: longer than 256 bytes or holds control characters");
  }
  if (const auto v = e->find("violations"); v != e->end() && !v->is_array())
    return expected("expectation.violations", "an array", *v);
  return {};
}

// One line as a recorded case; the error is "field: what".
Status parse_case(std::string_view text, const ReplayLimits& limits, ReplayCase& c) {
  // Nesting is bounded before the DOM sees it (a DOM copy recurses once per level).
  if (const Status checked = wire::check_json_text(text, 64); !checked)
    return fail("not a recorded case: " + checked.error().message);
  const Json line = Json::parse(text, nullptr, false);
  if (line.is_discarded()) return fail("not a JSON value (each line is one JSON object)");
  if (!line.is_object()) return expected("line", "a JSON object", line);
  if (auto read = read_line_members(line, c); !read) return read;
  if (auto read = read_request(line, limits.max_headers, c); !read) return read;
  return read_expectation(line, c);
}

// Collects the cases of a file line by line; errors are "file:line: field: what".
class LineReader {
 public:
  LineReader(const std::string& name, const ReplayLimits& limits) : name_(name), limits_(limits) {}

  // Adds one line (without its newline); an error is one for the whole file.
  Status add(std::string_view text, size_t line_no) {
    if (text.size() > limits_.max_line_bytes) return line_too_long(line_no);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.find_first_not_of(" \t") == std::string_view::npos) return {};
    if (cases_.size() >= limits_.max_cases)
      return fail("more than " + std::to_string(limits_.max_cases) + " recorded cases",
                  where(line_no));
    ReplayCase c;
    c.line = line_no;
    if (auto parsed = parse_case(text, limits_, c); !parsed)
      return fail(parsed.error().message, where(line_no));
    cases_.push_back(std::move(c));
    return {};
  }

  Error line_too_long(size_t line_no) const {
    return fail("line longer than " + std::to_string(limits_.max_line_bytes) + " bytes",
                where(line_no));
  }

  // The cases read, or an error when there are none.
  Result<std::vector<ReplayCase>> take() {
    if (cases_.empty()) return fail(name_ + ": no recorded cases");
    return std::move(cases_);
  }

 private:
  std::string where(size_t line_no) const { return name_ + ":" + std::to_string(line_no); }

  const std::string& name_;
  const ReplayLimits& limits_;
  std::vector<ReplayCase> cases_;
};

}  // namespace

Result<std::vector<ReplayCase>> parse_replay(std::string_view text, const std::string& name,
                                             const ReplayLimits& limits) {
  LineReader reader(name, limits);
  size_t line_no = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    if (auto added = reader.add(line, ++line_no); !added) return added.error();
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return reader.take();
}

namespace {

// Reads `file` line by line into `reader`, never holding more than one line.
Status read_lines(std::FILE* file, const std::string& path, const ReplayLimits& limits,
                  LineReader& reader) {
  std::string line;
  size_t line_no = 1;
  size_t total = 0;
  char buf[64 << 10];
  while (true) {
    const size_t n = std::fread(buf, 1, sizeof buf, file);
    if (n == 0) {
      if (std::ferror(file))
        return fail("cannot read --replay file " + path + ": " + std::strerror(errno));
      break;
    }
    total += n;
    if (total > limits.max_file_bytes)
      return fail(path + ": larger than " + std::to_string(limits.max_file_bytes) + " bytes");
    std::string_view chunk(buf, n);
    while (!chunk.empty()) {
      const auto nl = chunk.find('\n');
      const std::string_view piece = chunk.substr(0, nl);
      if (line.size() + piece.size() > limits.max_line_bytes) return reader.line_too_long(line_no);
      line.append(piece);
      if (nl == std::string_view::npos) break;
      if (auto added = reader.add(line, line_no); !added) return added;
      line.clear();
      ++line_no;
      chunk.remove_prefix(nl + 1);
    }
  }
  if (line.empty()) return {};
  return reader.add(line, line_no);
}

}  // namespace

Result<std::vector<ReplayCase>> read_replay_file(const std::string& path,
                                                 const ReplayLimits& limits) {
  const std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) return fail("cannot open --replay file " + path + ": " + std::strerror(errno));
  LineReader reader(path, limits);
  if (auto read = read_lines(file.get(), path, limits, reader); !read) return read.error();
  return reader.take();
}

}  // namespace lpe::harness::internal
