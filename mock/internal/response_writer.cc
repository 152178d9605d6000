#include "mock/internal/response_writer.h"

#include "wire/text.h"

namespace lpe::mock::internal {
namespace {

const char* reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 402:
      return "Payment Required";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return status >= 200 && status < 300 ? "OK" : "Error";
  }
}

}  // namespace

void serialize_response(const MockResponse& answer, bool close, bool head_only,
                        std::string_view keep_alive, std::string& out) {
  out += "HTTP/1.1 ";
  out += std::to_string(answer.status);
  out += ' ';
  out += reason_phrase(answer.status);
  out += "\r\n";
  for (const auto& [name, value] : answer.headers) {
    // Framing is the transport's: never taken from the handler.
    if (wire::iequals(name, "Content-Length") || wire::iequals(name, "Transfer-Encoding") ||
        wire::iequals(name, "Connection")) {
      continue;
    }
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "Content-Length: ";
  out += std::to_string(answer.body.size());
  out += "\r\n";
  if (close) {
    out += "Connection: close\r\n";
  } else {
    out += "Keep-Alive: ";
    out += keep_alive;
    out += "\r\n";
  }
  out += "\r\n";
  if (!head_only) out += answer.body;
}

}  // namespace lpe::mock::internal
