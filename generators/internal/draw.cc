#include "generators/internal/draw.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <rapidcheck.h>

#include "wire/rfc3339.h"

namespace lpe::generators::internal {
namespace {

using spec::ShapeType;

// 2100-01-01T00:00:00Z: drawn times stay in 1970..2099.
constexpr int64_t kLastMillis = 4102444799999;
// Lists hold at most min + this many elements (less when deep).
constexpr uint64_t kListSpan = 4;

// "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate) for Smithy `http-date`.
std::string http_date(int64_t millis) {
  static constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const int64_t seconds = millis / 1000;
  int64_t days = seconds / 86400;
  const int64_t rest = seconds % 86400;
  const char* weekday = kDays[days % 7];
  // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
  days += 719468;
  const int64_t era = days / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  char out[64];
  std::snprintf(out, sizeof out, "%s, %02lld %s %04lld %02lld:%02lld:%02lld GMT", weekday,
                static_cast<long long>(day), kMonths[month - 1], static_cast<long long>(year),
                static_cast<long long>(rest / 3600), static_cast<long long>(rest / 60 % 60),
                static_cast<long long>(rest % 60));
  return out;
}

// A number draw's first options: the simplest value of the domain, then its two ends.
constexpr size_t kLandmarks = 3;
template <class Domain>
nlohmann::ordered_json landmark(const Domain& d, size_t option) {
  return option == 0 ? d.simplest : option == 1 ? d.lo : d.hi;
}

nlohmann::ordered_json draw_int(const ValuePlan& plan) {
  if (!plan.int_enum_values.empty()) {
    return plan.int_enum_values[*index_below(plan.int_enum_values.size())];
  }
  const IntDomain& d = *plan.ints;
  const size_t option = *choice({2, 1, 1, 4, 1});
  if (option < kLandmarks) return landmark(d, option);
  if (option == 3) return *int_between(d.lo, d.hi, d.simplest);
  // Near the simplest value: small numbers.
  const uint64_t room_below = static_cast<uint64_t>(d.simplest) - static_cast<uint64_t>(d.lo);
  const uint64_t room_above = static_cast<uint64_t>(d.hi) - static_cast<uint64_t>(d.simplest);
  const int64_t lo = d.simplest - static_cast<int64_t>(std::min<uint64_t>(10, room_below));
  const int64_t hi = d.simplest + static_cast<int64_t>(std::min<uint64_t>(10, room_above));
  return *int_between(lo, hi, d.simplest);
}

nlohmann::ordered_json draw_float(const ValuePlan& plan) {
  const FloatDomain& d = *plan.floats;
  const auto clamp = [&](double v) { return std::clamp(v, d.lo, d.hi); };
  const size_t option = *choice({2, 1, 1, 3, 2});
  if (option < kLandmarks) return landmark(d, option);
  if (option == 3) {
    // Uniform over the domain (or over +-1e6 when it is wider).
    const double lo = std::max(d.lo, -1e6);
    const double hi = std::min(d.hi, 1e6);
    const double unit = static_cast<double>(*int_between(0, 1 << 30, 0)) / (1 << 30);
    return clamp(lo + (hi - lo) * unit);
  }
  // Halves and integers near the simplest value.
  const double step = static_cast<double>(*int_between(-20, 20, 0)) / 2.0;
  return clamp(d.simplest + step);
}

nlohmann::ordered_json draw_timestamp(const ValuePlan& plan) {
  int64_t millis = *int_between(0, kLastMillis, 0);
  if (!*chance(1, 4)) millis -= millis % 1000;
  switch (plan.timestamp_format) {
    case spec::TimestampFormat::kDateTime:
      return wire::format_rfc3339(wire::Timestamp{millis});
    case spec::TimestampFormat::kHttpDate:
      return http_date(millis);
    case spec::TimestampFormat::kEpochSeconds:
      if (millis % 1000 == 0) return millis / 1000;
      return static_cast<double>(millis) / 1000.0;
  }
  return millis / 1000;
}

nlohmann::ordered_json draw_document() {
  static const std::vector<nlohmann::ordered_json> kDocuments = {
      1, "text", true, nlohmann::ordered_json::array({1, "a"}),
      nlohmann::ordered_json{{"k", nlohmann::ordered_json::array({false})}}};
  return kDocuments[*index_below(kDocuments.size())];
}

std::string draw_key_text() {
  static const std::vector<std::string> kKeys = {"x", "k", "unknown", "", "é", "a b", "1", "\"q\""};
  return kKeys[*index_below(kKeys.size())];
}

}  // namespace

rc::Gen<size_t> choice(std::vector<uint32_t> weights) {
  const uint64_t total = std::accumulate(weights.begin(), weights.end(), uint64_t{0});
  return [weights = std::move(weights), total](const rc::Random& random, int) {
    uint64_t roll = rc::Random(random).next() % total;
    size_t index = 0;
    while (roll >= weights[index]) roll -= weights[index++];
    // Shrinks only to options that can be drawn: a weight of 0 marks an option not allowed here.
    return rc::shrinkable::shrinkRecur(index, [weights](size_t i) {
      return rc::seq::filter(rc::shrink::towards<size_t>(i, 0),
                             [weights](size_t j) { return weights[j] > 0; });
    });
  };
}

rc::Gen<size_t> index_below(size_t n) {
  return [n](const rc::Random& random, int) {
    const size_t index = static_cast<size_t>(rc::Random(random).next() % n);
    return rc::shrinkable::shrinkRecur(index,
                                       [](size_t i) { return rc::shrink::towards<size_t>(i, 0); });
  };
}

rc::Gen<bool> chance(uint32_t numerator, uint32_t denominator) {
  return [numerator, denominator](const rc::Random& random, int) {
    const bool value = rc::Random(random).next() % denominator < numerator;
    return rc::shrinkable::shrinkRecur(
        value, [](bool b) { return b ? rc::seq::just(false) : rc::Seq<bool>(); });
  };
}

rc::Gen<int64_t> int_between(int64_t lo, int64_t hi, int64_t target) {
  return [lo, hi, target](const rc::Random& random, int) {
    const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
    const uint64_t roll = rc::Random(random).next();
    const uint64_t offset = span == std::numeric_limits<uint64_t>::max() ? roll : roll % (span + 1);
    const int64_t value = static_cast<int64_t>(static_cast<uint64_t>(lo) + offset);
    return rc::shrinkable::shrinkRecur(
        value, [target](int64_t v) { return rc::shrink::towards<int64_t>(v, target); });
  };
}

rc::Gen<uint64_t> any_seed() {
  return [](const rc::Random& random, int) {
    return rc::shrinkable::shrinkRecur(rc::Random(random).next(), [](uint64_t v) {
      return v == 0 ? rc::Seq<uint64_t>() : rc::seq::just<uint64_t>(0);
    });
  };
}

uint64_t draw_count(const ValuePlan& plan, int depth, const DrawOptions& options) {
  const uint64_t lo = plan.min_count;
  uint64_t hi = depth >= options.max_depth ? lo : plan.count_cap(kListSpan);
  if (depth == 1 && options.max_items && plan.name == options.items_member) {
    hi = std::max(lo, std::min(*options.max_items, plan.count_cap(12)));
  }
  if (hi <= lo) return lo;
  switch (*choice({1, 4, 1})) {
    case 0:
      return lo;
    case 1:
      return *rc::gen::inRange<uint64_t>(lo, hi + 1);
    default:
      return hi;
  }
}

nlohmann::ordered_json draw_valid(const ValuePlan& plan, const DrawOptions& options, int depth) {
  if (depth > 4 * options.max_depth + 16) {
    throw rc::GenerationFailure(plan.label + ": required members nest without end");
  }
  if (plan.is_integer()) return draw_int(plan);
  if (plan.is_float()) return draw_float(plan);
  switch (plan.type()) {
    case ShapeType::kString:
    case ShapeType::kEnum:
      if (!plan.enum_values.empty()) return plan.enum_values[*index_below(plan.enum_values.size())];
      return *(*plan.valid_text);
    case ShapeType::kBoolean:
      return *chance(1, 2);
    case ShapeType::kTimestamp:
      return draw_timestamp(plan);
    case ShapeType::kBlob: {
      const uint64_t hi =
          plan.max_count ? std::min(*plan.max_count, plan.min_count + 12) : plan.min_count + 12;
      const uint64_t n = static_cast<uint64_t>(*int_between(static_cast<int64_t>(plan.min_count),
                                                            static_cast<int64_t>(hi),
                                                            static_cast<int64_t>(plan.min_count)));
      std::string bytes;
      for (uint64_t i = 0; i < n; ++i) bytes += static_cast<char>(*int_between(0, 255, 0));
      return base64(bytes);
    }
    case ShapeType::kDocument:
      return draw_document();
    case ShapeType::kList:
    case ShapeType::kSet: {
      auto out = nlohmann::ordered_json::array();
      const uint64_t n = draw_count(plan, depth, options);
      const auto element = valid_value(*plan.members[0], options, depth + 1);
      for (uint64_t i = 0; i < n; ++i) {
        if (plan.sparse && *chance(1, 8)) {
          out.push_back(nullptr);
        } else {
          out.push_back(*element);
        }
      }
      return out;
    }
    case ShapeType::kMap: {
      auto out = nlohmann::ordered_json::object();
      const uint64_t n = draw_count(plan, depth, options);
      for (uint64_t i = 0; i < n; ++i) {
        std::string key;
        bool fresh = false;
        for (int attempt = 0; attempt < 4 && !fresh; ++attempt) {
          key = draw_valid(*plan.members[0], options, depth + 1).get<std::string>();
          fresh = !out.contains(key);
        }
        if (!fresh) continue;
        out[key] = plan.sparse && *chance(1, 8) ? nlohmann::ordered_json(nullptr)
                                                : draw_valid(*plan.members[1], options, depth + 1);
      }
      if (out.size() < plan.min_count) {
        throw rc::GenerationFailure(plan.label + ": too few distinct map keys");
      }
      return out;
    }
    case ShapeType::kStructure:
    case ShapeType::kUnion:
      return draw_valid_structure(plan, options, depth, false);
    default:
      throw rc::GenerationFailure(plan.label + ": cannot be generated");
  }
}

nlohmann::ordered_json draw_valid_structure(const ValuePlan& plan, const DrawOptions& options,
                                            int depth, bool root) {
  const auto& members = plan.members;
  std::vector<std::optional<nlohmann::ordered_json>> values(members.size());
  if (plan.type() == ShapeType::kUnion) {
    if (!members.empty()) {
      const size_t chosen = *index_below(members.size());
      values[chosen] = draw_valid(*members[chosen], options, depth + 1);
    }
  } else {
    for (size_t i = 0; i < members.size(); ++i) {
      const ValuePlan& m = *members[i];
      if (root && options.omit != nullptr && options.omit->count(m.name) != 0) continue;
      if (m.present_when && options.flavor == Flavor::kResponse) continue;  // decided below
      values[i] = *valid_member(m, options, depth);
    }
    if (options.flavor == Flavor::kResponse) {
      for (size_t i = 0; i < members.size(); ++i) {
        const ValuePlan& m = *members[i];
        if (!m.present_when) continue;
        bool holds = false;
        for (size_t j = 0; j < members.size(); ++j) {
          if (members[j]->name == m.present_when->member && values[j] && values[j]->is_string()) {
            holds = RE2::PartialMatch(values[j]->get<std::string>(), *m.present_when->pattern);
          }
        }
        if (holds || m.must_be_present(options.flavor))
          values[i] = *valid_value(m, options, depth + 1);
      }
    }
  }
  auto out = nlohmann::ordered_json::object();
  for (size_t i = 0; i < members.size(); ++i) {
    if (values[i]) out[members[i]->name] = std::move(*values[i]);
  }
  return out;
}

rc::Gen<nlohmann::ordered_json> valid_value(const ValuePlan& plan, const DrawOptions& options,
                                            int depth) {
  return rc::gen::exec([&plan, options, depth] { return draw_valid(plan, options, depth); });
}

rc::Gen<std::optional<nlohmann::ordered_json>> valid_member(const ValuePlan& member,
                                                            const DrawOptions& options, int depth) {
  return rc::gen::exec([&member, options, depth]() -> std::optional<nlohmann::ordered_json> {
    // Responses usually carry their optional members (an event without a name is valid but rare).
    const bool response = options.flavor == Flavor::kResponse;
    const bool present = member.must_be_present(options.flavor) ||
                         (depth < options.max_depth && *chance(response ? 4 : 1, response ? 5 : 2));
    if (!present) return std::nullopt;
    return draw_valid(member, options, depth + 1);
  });
}

rc::Gen<std::vector<bool>> flags(size_t n, uint32_t numerator, uint32_t denominator) {
  return rc::gen::container<std::vector<bool>>(n, chance(numerator, denominator));
}

RawJson draw_any_json(int depth) {
  static const std::vector<std::string> kNumbers = {
      "0", "1", "-7", "42", "1.5", "1e2", "-0.0", "1E-3", "99999999999999999999", "2147483648"};
  static const std::vector<std::string> kStrings = {
      "", "x", "hello world", "é中😀", "a\"b\\c", "line\nbreak", "\x01", "</script>"};
  const size_t kind = *choice({2, 2, 1, 1, depth < 3 ? 1u : 0u, depth < 3 ? 1u : 0u});
  switch (kind) {
    case 0:
      return RawJson::number(kNumbers[*index_below(kNumbers.size())]);
    case 1:
      return RawJson::string(kStrings[*index_below(kStrings.size())]);
    case 2:
      return RawJson::boolean(*chance(1, 2));
    case 3:
      return RawJson::null();
    case 4: {
      RawJson out = RawJson::array();
      const size_t n = *index_below(4);
      for (size_t i = 0; i < n; ++i) out.items.push_back(draw_any_json(depth + 1));
      return out;
    }
    default: {
      RawJson out = RawJson::object();
      const size_t n = *index_below(4);
      for (size_t i = 0; i < n; ++i)
        out.members.emplace_back(draw_key_text(), draw_any_json(depth + 1));
      return out;
    }
  }
}

const std::vector<std::string>& bad_date_times() {
  static const std::vector<std::string> kBad = {"2024-01-01T00:00:00",
                                                "2024-01-01T01:00:00+01:00",
                                                "2024-01-01 00:00:00Z",
                                                "2024-02-30T00:00:00Z",
                                                "2024-01-01T24:00:00Z",
                                                "2024-01-01T00:60:00Z",
                                                "1704067200",
                                                "2024-01-01",
                                                "",
                                                "2024-01-01T00:00:00.Z",
                                                "2024-13-01T00:00:00Z",
                                                "24-01-01T00:00:00Z",
                                                "2024-01-01T00:00:00ZZ",
                                                "Mon, 01 Jan 2024 00:00:00 GMT"};
  return kBad;
}

std::vector<RawJson> wrong_type_values(const ValuePlan& plan) {
  using R = RawJson;
  const R empty_array = R::array();
  const R empty_object = R::object();
  switch (plan.type()) {
    case ShapeType::kString:
    case ShapeType::kEnum:
      return {R::number("5"), R::number("1.5"),           R::boolean(true), R::boolean(false),
              empty_array,    R::array({R::string("x")}), empty_object};
    case ShapeType::kBoolean:
      return {R::string("true"), R::string("false"), R::number("0"),
              R::number("1"),    empty_array,        empty_object};
    case ShapeType::kBigInteger:
      return {R::string("5"),   R::boolean(true), R::number("1.5"), R::number("1e2"),
              R::number("1.0"), empty_array,      empty_object};
    case ShapeType::kByte:
    case ShapeType::kShort:
    case ShapeType::kInteger:
    case ShapeType::kLong:
    case ShapeType::kIntEnum: {
      const IntDomain& d = *plan.ints;
      // One past the type's limits, written exactly (int64 limits need more than 64 bits).
      const std::string over = d.type_max == std::numeric_limits<int64_t>::max()
                                   ? "9223372036854775808"
                                   : std::to_string(d.type_max + 1);
      const std::string under = d.type_min == std::numeric_limits<int64_t>::min()
                                    ? "-9223372036854775809"
                                    : std::to_string(d.type_min - 1);
      return {R::string("5"),
              R::boolean(true),
              R::number("1.0"),
              R::number("1.5"),
              R::number("1e2"),
              R::number("1E2"),
              R::number("-0.0"),
              R::number("0.5e1"),
              R::number(over),
              R::number(under),
              R::number("99999999999999999999"),
              R::array({R::number("5")}),
              empty_object,
              R::boolean(false)};
    }
    case ShapeType::kFloat:
    case ShapeType::kDouble:
    case ShapeType::kBigDecimal:
      return {R::string("1.5"), R::boolean(true), empty_array, empty_object, R::string("NaN")};
    case ShapeType::kTimestamp:
      switch (plan.timestamp_format) {
        case spec::TimestampFormat::kDateTime: {
          std::vector<R> out = {R::number("1704067200"), R::boolean(true), empty_array,
                                empty_object};
          for (const auto& s : bad_date_times()) out.push_back(R::string(s));
          return out;
        }
        case spec::TimestampFormat::kEpochSeconds:
          return {R::string("1704067200"), R::string("2024-01-01T00:00:00Z"), R::boolean(true),
                  empty_array, empty_object};
        case spec::TimestampFormat::kHttpDate:
          return {R::number("1704067200"), R::boolean(true), empty_array, empty_object};
      }
      return {};
    case ShapeType::kBlob:
      return {R::number("5"), R::boolean(true), R::string("abc"), R::string("ab!d"), empty_array};
    case ShapeType::kList:
    case ShapeType::kSet:
      return {empty_object, R::string("x"), R::number("5"), R::boolean(true)};
    case ShapeType::kMap:
      return {empty_array, R::string("x"), R::number("5"), R::boolean(true)};
    case ShapeType::kStructure:
      return {empty_array, R::string("x"), R::number("5"), R::boolean(true)};
    case ShapeType::kUnion:
      return {empty_array, R::string("x"), R::number("5"), empty_object};
    default:
      return {};
  }
}

RawJson draw_shadow_value(const ValuePlan& plan, const DrawOptions& options, int depth) {
  switch (*choice({2, 1, 1, 1})) {
    case 0:
      return draw_any_json(2);
    case 1:
      return RawJson::from_json(draw_valid(plan, options, depth));
    case 2:
      return RawJson::null();
    default: {
      const auto wrong = wrong_type_values(plan);
      if (wrong.empty()) return RawJson::null();
      return wrong[*index_below(wrong.size())];
    }
  }
}

}  // namespace lpe::generators::internal
