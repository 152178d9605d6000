#include "mock/testing/request_defects.h"

#include <cmath>
#include <cstdint>

namespace lpe::mock::testing {
namespace {

using Json = nlohmann::ordered_json;

constexpr Defect kBodyDefects[] = {
    Defect::kCoercesNumericStringPageSize, Defect::kCoercesBooleanPageSize,
    Defect::kAcceptsIntegralFloatPageSize, Defect::kWrapsPageSizeToInt32,
    Defect::kPageSizeMaxOffByOne,          Defect::kLengthMaxOffByOne,
    Defect::kPatternAcceptsUnderscore,     Defect::kPatternDollarBeforeNewline,
    Defect::kTrimsStringsBeforeValidation, Defect::kCaseInsensitivePatterns,
    Defect::kNonAsciiLettersAccepted,      Defect::kStringsCutAtNul,
};

// Integral doubles beyond this are not read as integers (no exact int64 for them).
constexpr double kLargestExactDouble = 9007199254740992.0;

std::string without_last_code_point(std::string text) {
  while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) text.pop_back();
  if (!text.empty()) text.pop_back();
  return text;
}

std::string ascii_lowered(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// Every non-ASCII code point replaced by 'a' (a check that takes any letter for a letter).
std::string non_ascii_as_letters(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      out += c;
    } else if ((byte & 0xC0) != 0x80) {
      out += 'a';
    }
  }
  return out;
}

// An integer JSON value as int64, when it is one and fits.
std::optional<int64_t> as_int64(const Json& value) {
  if (value.is_number_unsigned()) {
    const auto v = value.get<uint64_t>();
    if (v <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(v);
    return std::nullopt;
  }
  if (value.is_number_integer()) return value.get<int64_t>();
  return std::nullopt;
}

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

}  // namespace

std::shared_ptr<const RequestBodyDefects> RequestBodyDefects::make(
    const std::set<Defect>& defects, const spec::OperationView& operation) {
  auto out = std::make_shared<RequestBodyDefects>();
  for (const Defect d : kBodyDefects) {
    if (defects.count(d) != 0) out->defects_.insert(d);
  }
  if (out->defects_.empty() || operation.input == nullptr) return nullptr;
  for (const auto& m : operation.input->members) {
    if (m.target == nullptr || m.target->type != spec::ShapeType::kString) continue;
    StringMember s{m.name, m.constraints.pattern ? &*m.constraints.pattern : nullptr, {}};
    if (m.constraints.length) s.max_length = m.constraints.length->max;
    out->strings_.push_back(std::move(s));
  }
  if (operation.operation != nullptr && operation.operation->paginated) {
    out->page_size_member_ = operation.operation->paginated->page_size;
    const spec::Member* page_size = operation.input->member(out->page_size_member_);
    if (page_size != nullptr && page_size->constraints.range && page_size->constraints.range->max)
      out->page_size_max_ = static_cast<int64_t>(*page_size->constraints.range->max);
  }
  if (!operation.list_scope.empty()) out->scope_member_ = operation.list_scope.back()->name;
  return out;
}

std::string RequestBodyDefects::read_string(const StringMember& member, std::string value) const {
  if (has(Defect::kStringsCutAtNul)) value = value.substr(0, value.find('\0'));
  if (has(Defect::kTrimsStringsBeforeValidation)) {
    while (!value.empty() && is_ascii_space(value.back())) value.pop_back();
    size_t start = 0;
    while (start < value.size() && is_ascii_space(value[start])) ++start;
    value.erase(0, start);
  }
  if (has(Defect::kLengthMaxOffByOne) && member.max_length &&
      spec::code_point_length(value) == static_cast<size_t>(*member.max_length) + 1) {
    value = without_last_code_point(value);  // a `<= max + 1` check: the value is served
  }
  if (member.pattern == nullptr || spec::pattern_matches(*member.pattern, value)) return value;
  // Lax pattern checks: the value passes when a lax reading of it matches the true pattern.
  std::optional<std::string> lax;
  if (has(Defect::kPatternAcceptsUnderscore) && member.name == scope_member_) {
    lax = value;
    for (char& c : *lax) c = c == '_' ? '-' : c;
  }
  if (has(Defect::kPatternDollarBeforeNewline) && !value.empty() && value.back() == '\n')
    lax = value.substr(0, value.size() - 1);
  if (has(Defect::kCaseInsensitivePatterns)) lax = ascii_lowered(value);
  if (has(Defect::kNonAsciiLettersAccepted)) lax = non_ascii_as_letters(value);
  if (lax && spec::pattern_matches(*member.pattern, *lax)) return *lax;
  return value;
}

void RequestBodyDefects::read_page_size(Json& value) const {
  if (has(Defect::kCoercesNumericStringPageSize) && value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (!text.empty() && text.size() < 10 &&
        text.find_first_not_of("0123456789") == std::string::npos)
      value = std::stoll(text);
  }
  if (has(Defect::kCoercesBooleanPageSize) && value.is_boolean()) value = value.get<bool>() ? 1 : 0;
  if (has(Defect::kAcceptsIntegralFloatPageSize) && value.is_number_float()) {
    const double v = value.get<double>();
    if (std::isfinite(v) && std::trunc(v) == v && std::fabs(v) <= kLargestExactDouble)
      value = static_cast<int64_t>(v);
  }
  const auto integer = as_int64(value);
  if (has(Defect::kWrapsPageSizeToInt32) && integer) {
    value = static_cast<int64_t>(static_cast<int32_t>(*integer));  // read into a 32-bit int
  }
  if (has(Defect::kPageSizeMaxOffByOne) && page_size_max_ && integer &&
      *integer == *page_size_max_ + 1) {
    value = *page_size_max_;  // a `<= max + 1` check: the page is served
  }
}

std::optional<std::string> RequestBodyDefects::rewrite(std::string_view body) const {
  Json json = Json::parse(body, nullptr, false);
  if (!json.is_object()) return std::nullopt;
  const std::string before = json.dump(-1, ' ', false, Json::error_handler_t::replace);
  for (const auto& member : strings_) {
    const auto it = json.find(member.name);
    if (it != json.end() && it->is_string()) *it = read_string(member, it->get<std::string>());
  }
  if (!page_size_member_.empty()) {
    const auto it = json.find(page_size_member_);
    if (it != json.end()) read_page_size(*it);
  }
  // Compared as text: JSON equality takes 1.0 and 1 for the same number.
  std::string after = json.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (after == before) return std::nullopt;
  return after;
}

}  // namespace lpe::mock::testing
