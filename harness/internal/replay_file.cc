#include "harness/internal/replay_file.h"

#include "wire/json_guard.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <nlohmann/json.hpp>

#include "harness/harness.h"

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

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
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

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Validates one line; the error is "field: what".
class LineReader {
 public:
  LineReader(const std::string& name, const ReplayLimits& limits) : name_(name), limits_(limits) {}

  // Adds one line (without its newline); returns an error for the whole file, or "".
  std::string add(std::string_view text, size_t line_no) {
    if (text.size() > limits_.max_line_bytes) {
      return where(line_no) + "line longer than " + std::to_string(limits_.max_line_bytes) +
             " bytes";
    }
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.find_first_not_of(" \t") == std::string_view::npos) return "";
    if (cases_.size() >= limits_.max_cases) {
      return where(line_no) + "more than " + std::to_string(limits_.max_cases) + " recorded cases";
    }
    ReplayCase c;
    c.line = line_no;
    const std::string error = parse(text, c);
    if (!error.empty()) return where(line_no) + error;
    cases_.push_back(std::move(c));
    return "";
  }
  std::vector<ReplayCase> take() { return std::move(cases_); }
  size_t count() const { return cases_.size(); }

 private:
  std::string where(size_t line_no) const { return name_ + ":" + std::to_string(line_no) + ": "; }

  static std::string expected(const std::string& field, const char* what, const Json& got) {
    return field + ": must be " + what + ", got " + type_name(got);
  }

  // An optional string member; sets `error` when present with another type.
  static bool optional_string(const Json& object, const char* key, const std::string& field,
                              std::string& value, std::string& error) {
    const auto it = object.find(key);
    if (it == object.end()) return false;
    if (!it->is_string()) {
      error = expected(field, "a string", *it);
      return false;
    }
    value = it->get<std::string>();
    return true;
  }

  std::string parse(std::string_view text, ReplayCase& c) const {
    // Nesting is bounded before the DOM sees it (a DOM copy recurses once per level).
    if (const std::string problem = wire::json_text_problem(text, 64); !problem.empty()) {
      return "not a recorded case: " + problem;
    }
    Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded()) return "not a JSON value (each line is one JSON object)";
    if (!j.is_object()) return expected("line", "a JSON object", j);
    std::string error;
    std::string top_check;
    optional_string(j, "check", "check", top_check, error);
    if (!error.empty()) return error;
    optional_string(j, "target", "target", c.target, error);
    if (!error.empty()) return error;
    if (const int bad = control_char(c.target, false); bad >= 0)
      return "target: control character " + hex_byte(bad);

    // exchange.request
    const auto exchange = j.find("exchange");
    if (exchange == j.end()) return "exchange: missing (a recorded case has exchange.request)";
    if (!exchange->is_object()) return expected("exchange", "an object", *exchange);
    const auto request = exchange->find("request");
    if (request == exchange->end()) return "exchange.request: missing";
    if (!request->is_object()) return expected("exchange.request", "an object", *request);
    if (optional_string(*request, "method", "exchange.request.method", c.method, error)) {
      if (c.method.empty() || c.method.size() > 32 ||
          !std::all_of(c.method.begin(), c.method.end(), is_token_char)) {
        const int bad = control_char(c.method, false);
        return "exchange.request.method: not an HTTP method token" +
               (bad >= 0 ? " (control character " + hex_byte(bad) + ")" : std::string());
      }
    }
    if (!error.empty()) return error;
    if (optional_string(*request, "path", "exchange.request.path", c.path, error)) {
      if (c.path.empty() || c.path.front() != '/' ||
          std::any_of(c.path.begin(), c.path.end(), [](char ch) {
            const auto u = static_cast<unsigned char>(ch);
            return u <= 0x20 || u >= 0x7f;
          })) {
        return "exchange.request.path: must start with '/' and hold no space, control or "
               "non-ASCII character";
      }
    }
    if (!error.empty()) return error;
    if (const auto headers = request->find("headers"); headers != request->end()) {
      if (!headers->is_object())
        return expected("exchange.request.headers", "an object of strings", *headers);
      if (headers->size() > limits_.max_headers)
        return "exchange.request.headers: more than " + std::to_string(limits_.max_headers);
      for (const auto& [name, value] : headers->items()) {
        const std::string field = "exchange.request.headers." + name.substr(0, 64);
        if (name.empty() || name.size() > 256 ||
            !std::all_of(name.begin(), name.end(), is_token_char)) {
          const int bad = control_char(name, false);
          return "exchange.request.headers: header name '" +
                 (bad >= 0 ? std::string("(with control character ") + hex_byte(bad) + ")"
                           : name.substr(0, 64)) +
                 "' is not an HTTP token";
        }
        if (!value.is_string()) return expected(field, "a string", value);
        const auto& v = value.get_ref<const std::string&>();
        if (const int bad = control_char(v, true); bad >= 0)
          return field + ": control character " + hex_byte(bad) + " in the value";
        const std::string key = lower(name);
        if (key == "content-length" || key == "transfer-encoding" || key == "connection" ||
            key == "expect" || key == "upgrade" || key == "te" || key == "trailer") {
          return field + ": a framing header; the client sets it from the body";
        }
        // Signatures, dates and Host are made afresh for the endpoint replayed against.
        if (key == "authorization" || key == "host" || key.rfind("x-amz-", 0) == 0) continue;
        c.headers.emplace_back(name, v);
      }
    }
    if (const auto body = request->find("body"); body != request->end()) {
      if (!body->is_string()) return expected("exchange.request.body", "a string", *body);
      c.body = body->get<std::string>();
    }

    // expectation
    const auto e = j.find("expectation");
    if (e == j.end()) return "expectation: missing (a recorded case has expectation.status)";
    if (!e->is_object()) return expected("expectation", "an object", *e);
    const auto status = e->find("status");
    if (status == e->end()) return "expectation.status: missing";
    if (!status->is_number_integer()) return expected("expectation.status", "an integer", *status);
    const auto code = status->get<int64_t>();
    if (code < 100 || code > 599)
      return "expectation.status: " + std::to_string(code) + " is not an HTTP status (100-599)";
    c.status = static_cast<int>(code);
    std::string check;
    if (optional_string(*e, "check", "expectation.check", check, error)) {
      if (find_check(check) == nullptr) {
        const int bad = control_char(check, false);
        return "expectation.check: unknown check '" +
               (bad >= 0 ? std::string("(with control characters)") : check.substr(0, 64)) +
               "' (see --list-checks)";
      }
      c.check = check;
    }
    if (!error.empty()) return error;
    if (optional_string(*e, "errorType", "expectation.errorType", c.error_type, error)) {
      if (c.error_type.size() > 256 || control_char(c.error_type, false) >= 0)
        return "expectation.errorType: longer than 256 bytes or holds control characters";
    }
    if (!error.empty()) return error;
    if (const auto v = e->find("violations"); v != e->end() && !v->is_array())
      return expected("expectation.violations", "an array", *v);
    return "";
  }

  const std::string& name_;
  const ReplayLimits& limits_;
  std::vector<ReplayCase> cases_;
};

}  // namespace

std::variant<std::vector<ReplayCase>, std::string> parse_replay(std::string_view text,
                                                                const std::string& name,
                                                                const ReplayLimits& limits) {
  LineReader reader(name, limits);
  size_t line_no = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    if (auto error = reader.add(line, ++line_no); !error.empty()) return error;
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  if (reader.count() == 0) return name + ": no recorded cases";
  return reader.take();
}

std::variant<std::vector<ReplayCase>, std::string> read_replay_file(const std::string& path,
                                                                    const ReplayLimits& limits) {
  const std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) return "cannot open --replay file " + path + ": " + std::strerror(errno);
  LineReader reader(path, limits);
  std::string line;
  size_t line_no = 1;
  size_t total = 0;
  char buf[64 << 10];
  while (true) {
    const size_t n = std::fread(buf, 1, sizeof buf, file.get());
    if (n == 0) {
      if (std::ferror(file.get()))
        return "cannot read --replay file " + path + ": " + std::strerror(errno);
      break;
    }
    total += n;
    if (total > limits.max_file_bytes) {
      return path + ": larger than " + std::to_string(limits.max_file_bytes) + " bytes";
    }
    std::string_view chunk(buf, n);
    while (!chunk.empty()) {
      const auto nl = chunk.find('\n');
      const std::string_view piece = chunk.substr(0, nl);
      if (line.size() + piece.size() > limits.max_line_bytes) {
        return path + ":" + std::to_string(line_no) + ": line longer than " +
               std::to_string(limits.max_line_bytes) + " bytes";
      }
      line.append(piece);
      if (nl == std::string_view::npos) break;
      if (auto error = reader.add(line, line_no); !error.empty()) return error;
      line.clear();
      ++line_no;
      chunk.remove_prefix(nl + 1);
    }
  }
  if (!line.empty()) {
    if (auto error = reader.add(line, line_no); !error.empty()) return error;
  }
  if (reader.count() == 0) return path + ": no recorded cases";
  return reader.take();
}

}  // namespace lpe::harness::internal
