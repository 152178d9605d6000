#include "wire/error_encoding.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>

namespace lpe::wire {
namespace {

// Drops control characters (CR, LF, NUL, DEL, ...) so a value cannot break the header block.
std::string header_safe(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) out.push_back(c);
  }
  return out;
}

// SplitMix64 finalizer: a bijection on 64-bit values with good diffusion.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

HttpResponse encode_error(int status, std::string_view error_type, std::string_view message,
                          std::string_view request_id) {
  HttpResponse response;
  response.status = status;
  response.headers = {{std::string(kContentTypeHeader), "application/json"},
                      {std::string(kErrorTypeHeader), header_safe(error_type)},
                      {std::string(kRequestIdHeader), header_safe(request_id)}};
  nlohmann::json body = nlohmann::json::object();
  body["exceptionMessage"] = std::string(message);
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

std::string new_request_id(uint64_t seed_or_counter) {
  // All 64 bits of `hi` land in the id (so distinct inputs give distinct ids); `lo` fills the
  // remaining 58 free bits. Version nibble 4, variant bits 10.
  const uint64_t hi = mix(seed_or_counter);
  const uint64_t lo = mix(hi ^ 0x6a09e667f3bcc908ULL);
  const auto g1 = static_cast<unsigned long long>(hi >> 32);
  const auto g2 = static_cast<unsigned long long>((hi >> 16) & 0xffff);
  const auto g3 = static_cast<unsigned long long>(0x4000 | ((hi >> 4) & 0x0fff));
  const auto g4 =
      static_cast<unsigned long long>(0x8000 | ((hi & 0xf) << 10) | ((lo >> 54) & 0x3ff));
  const auto g5 = static_cast<unsigned long long>(lo & 0xffffffffffffULL);
  std::array<char, 37> text{};
  std::snprintf(text.data(), text.size(), "%08llx-%04llx-%04llx-%04llx-%012llx", g1, g2, g3, g4,
                g5);
  return std::string(text.data(), 36);
}

}  // namespace lpe::wire
