#include "harness/internal/text_safety.h"

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace lpe::harness::internal {
namespace {

// Length of the valid UTF-8 sequence at s[i] (1..4), or 0 when the bytes there are not one.
size_t utf8_sequence(std::string_view s, size_t i, uint32_t& code_point) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  size_t n;
  uint32_t cp;
  if (c < 0x80) {
    code_point = c;
    return 1;
  } else if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
    cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    cp = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3f);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
      (cp >= 0xd800 && cp <= 0xdfff)) {
    return 0;
  }
  code_point = cp;
  return n;
}

void append_hex(std::string& out, const char* format, unsigned value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, format, value);
  out += buf;
}

}  // namespace

std::string escape_for_terminal(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    const size_t n = utf8_sequence(text, i, cp);
    if (n == 0) {
      append_hex(out, "\\x%02x", static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    if (cp < 0x20 || cp == 0x7f) {
      if (keep_newlines && (cp == '\n' || cp == '\t')) {
        out += static_cast<char>(cp);
      } else {
        append_hex(out, "\\x%02x", cp);
      }
    } else if (cp >= 0x80 && cp <= 0x9f) {
      append_hex(out, "\\u{%02x}", cp);
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string escape_json_for_terminal(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (size_t i = 0; i < json.size();) {
    uint32_t cp = 0;
    const size_t n = utf8_sequence(json, i, cp);
    if (n == 0) {  // not produced by the serializer with error_handler_t::replace; be safe
      out += "\\ufffd";
      ++i;
      continue;
    }
    if (cp == 0x7f || (cp >= 0x80 && cp <= 0x9f)) {
      append_hex(out, "\\u%04x", cp);
    } else {
      out.append(json.substr(i, n));
    }
    i += n;
  }
  return out;
}

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

}  // namespace lpe::harness::internal
