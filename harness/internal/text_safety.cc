#include "harness/internal/text_safety.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace lpe::harness::internal {

void SecretMasker::add(std::string_view secret) {
  if (secret.size() < kMinSecretLength) return;
  const auto add_one = [&](std::string s) {
    if (std::find(secrets_.begin(), secrets_.end(), s) == secrets_.end())
      secrets_.push_back(std::move(s));
  };
  add_one(std::string(secret));
  // The form it takes inside a JSON string (a record or report serializes it that way).
  // (A secret that is not UTF-8 is replaced the way reports replace it, never thrown on.)
  const std::string quoted = nlohmann::json(std::string(secret))
                                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  add_one(quoted.substr(1, quoted.size() - 2));
  std::sort(secrets_.begin(), secrets_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

bool SecretMasker::mask_in_place(std::string& text) const {
  bool masked = false;
  for (const auto& secret : secrets_) {
    for (size_t pos = text.find(secret); pos != std::string::npos;
         pos = text.find(secret, pos + 3)) {
      text.replace(pos, secret.size(), "***");
      masked = true;
    }
  }
  return masked;
}

std::string SecretMasker::mask(std::string_view text) const {
  std::string out(text);
  mask_in_place(out);
  return out;
}

std::string markup_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (const unsigned char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

}  // namespace lpe::harness::internal
