#include "mock/internal/access_log.h"

#include <cstdio>

namespace lpe::mock::internal {
namespace {

// Printable ASCII for logs; anything else as %XX (no log injection).
std::string log_safe(std::string_view text, size_t max = 512) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text.substr(0, max)) {
    const auto u = static_cast<unsigned char>(c);
    if (u > 0x20 && u < 0x7f && c != '%') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    }
  }
  if (text.size() > max) out += "...";
  return out;
}

}  // namespace

LogRecord record_of(std::string_view method, std::string_view target,
                    std::chrono::steady_clock::time_point start, const MockResponse& answer) {
  LogRecord r;
  r.method = method.empty() ? "-" : std::string(method);
  r.path = target.empty() ? "-" : std::string(target.substr(0, target.find('?')));
  r.start = start;
  r.status = answer.status;
  r.dropped = answer.drop_connection;
  r.body_bytes = answer.body.size();
  r.request_id = answer.request_id;
  r.access_key_id = answer.access_key_id;
  r.error_type = answer.error_type;
  r.fault = answer.fault;
  return r;
}

std::string access_log_line(const LogRecord& r) {
  const auto now = std::chrono::system_clock::now();
  const double latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - r.start).count();
  char latency[32];
  std::snprintf(latency, sizeof latency, "%.3fms", latency_ms);
  std::string line = wire::format_rfc3339(wire::Timestamp{
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()});
  line += ' ';
  line += log_safe(r.method, 32);
  line += ' ';
  line += log_safe(r.path);
  line += ' ';
  line += r.dropped ? std::string("-") : std::to_string(r.status);
  line += ' ';
  line += std::to_string(r.dropped ? 0 : r.body_bytes);
  line += "B ";
  line += latency;
  line += " id=";
  line += r.request_id.empty() ? std::string("-") : log_safe(r.request_id, 64);
  line += " key=";
  line += r.access_key_id.empty() ? std::string("-") : wire::mask_secret(r.access_key_id);
  if (!r.error_type.empty()) line += " error=" + log_safe(r.error_type, 64);
  if (!r.fault.empty()) line += " fault=" + r.fault;
  return line;
}

}  // namespace lpe::mock::internal
