// The data oracle: walks compared with the items a target is declared to hold.
#include "harness/internal/data_oracle.h"

#include <algorithm>

#include "harness/internal/judge.h"
#include "wire/rfc3339.h"

namespace lpe::harness::internal {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;
using Fill = std::vector<std::pair<std::string, std::string>>;

// Distinct items one oracle remembers in compared form; beyond it each is compared afresh.
constexpr size_t kMaxCachedItems = 200000;
// Item text quoted in a finding is cut to this many bytes.
constexpr size_t kQuotedItemBytes = 160;

std::string quote(const Json& value) {
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > kQuotedItemBytes) text = text.substr(0, kQuotedItemBytes) + "...";
  return text;
}

Json parse_compared(const std::string& text) { return Json::parse(text, nullptr, false); }

// "item 12 (page 3)": where item `index` of a walk is.
std::string where(size_t index, const std::vector<size_t>& page_starts) {
  const auto page = std::upper_bound(page_starts.begin(), page_starts.end(), index);
  std::string out = "item " + std::to_string(index);
  if (page != page_starts.begin())
    out += " (page " + std::to_string(page - page_starts.begin()) + ")";
  return out;
}

// What differs between two items in compared form: the members, and the first one's values.
std::string item_difference(const std::string& expected_text, const std::string& got_text) {
  const Json expected = parse_compared(expected_text);
  const Json got = parse_compared(got_text);
  if (!expected.is_object() || !got.is_object()) {
    return "expected " + quote(expected) + ", got " + quote(got);
  }
  std::vector<std::string> members;
  for (const auto& [name, value] : expected.items()) {
    if (!got.contains(name) || got[name] != value) members.push_back(name);
  }
  for (const auto& [name, value] : got.items()) {
    if (!expected.contains(name)) members.push_back(name);
  }
  if (members.empty()) return "expected " + quote(expected) + ", got " + quote(got);
  const std::string& first = members.front();
  std::string out = "differs in " + first;
  for (size_t i = 1; i < members.size(); ++i)
    out += (i + 1 == members.size() ? " and " : ", ") + members[i];
  out += ": expected " + (expected.contains(first) ? quote(expected[first]) : "no " + first) +
         ", got " + (got.contains(first) ? quote(got[first]) : "no " + first) + " (expected item " +
         quote(expected) + ")";
  return out;
}

}  // namespace

const spec::Shape* item_shape_of(const spec::OperationView& op) {
  if (op.operation == nullptr || !op.operation->paginated || op.output == nullptr) return nullptr;
  const spec::Member* items = op.output->member(op.operation->paginated->items);
  if (items == nullptr || items->target == nullptr || items->target->members.empty())
    return nullptr;
  const spec::Shape* item = items->target->members.back().target;
  return item != nullptr && item->type == spec::ShapeType::kStructure ? item : nullptr;
}

Json comparable_value(const spec::Shape& shape, const OrderedJson& value, const Fill* fill) {
  switch (shape.type) {
    case spec::ShapeType::kStructure:
    case spec::ShapeType::kUnion: {
      if (!value.is_object()) return Json(value);
      Json out = Json::object();
      for (const auto& m : shape.members) {
        if (m.binding != spec::HttpBinding::kBody || m.target == nullptr) continue;
        const auto it = value.find(m.name);
        if (it != value.end() && !it->is_null()) {
          out[m.name] = comparable_value(*m.target, *it, nullptr);
          continue;
        }
        if (fill != nullptr) {
          const auto filled = std::find_if(fill->begin(), fill->end(),
                                           [&](const auto& f) { return f.first == m.name; });
          if (filled != fill->end()) {
            out[m.name] = filled->second;
            continue;
          }
        }
        if (m.default_value) out[m.name] = comparable_value(*m.target, *m.default_value, nullptr);
      }
      return out;
    }
    case spec::ShapeType::kList:
    case spec::ShapeType::kSet: {
      if (!value.is_array() || shape.members.empty() || shape.members[0].target == nullptr)
        return Json(value);
      Json out = Json::array();
      for (const auto& element : value)
        out.push_back(comparable_value(*shape.members[0].target, element, nullptr));
      return out;
    }
    case spec::ShapeType::kMap: {
      if (!value.is_object() || shape.members.size() < 2 || shape.members[1].target == nullptr)
        return Json(value);
      Json out = Json::object();
      for (const auto& [key, element] : value.items())
        out[key] = comparable_value(*shape.members[1].target, element, nullptr);
      return out;
    }
    case spec::ShapeType::kTimestamp: {
      if (!value.is_string()) return Json(value);
      const auto instant = wire::parse_rfc3339(value.get_ref<const std::string&>());
      return instant ? Json(wire::format_rfc3339(*instant)) : Json(value);
    }
    default:
      return Json(value);
  }
}

DataOracle::DataOracle(const spec::OperationView& op, const spec::Shape& item, const Target& target)
    : item_(item) {
  for (const auto& m : item.members) {
    if (m.echoes_input.empty()) continue;
    for (size_t level = 0; level < op.list_scope.size() && level < target.scope_values.size();
         ++level) {
      if (op.list_scope[level]->name == m.echoes_input)
        echo_fill_.emplace_back(m.name, target.scope_values[level]);
    }
  }
  if (target.expected_items == nullptr) return;
  expected_.reserve(target.expected_items->size());
  for (const auto& declared : *target.expected_items) {
    expected_.push_back(comparable_value(item_, declared, &echo_fill_)
                            .dump(-1, ' ', false, Json::error_handler_t::replace));
  }
}

const std::string& DataOracle::comparable(const std::string& text) {
  if (const auto it = cache_.find(text); it != cache_.end()) return it->second;
  const auto parsed = parse_peer_json(text);
  std::string compared = parsed.is_discarded()
                             ? text
                             : comparable_value(item_, parsed, nullptr)
                                   .dump(-1, ' ', false, Json::error_handler_t::replace);
  if (cache_.size() >= kMaxCachedItems) cache_.clear();
  return cache_.emplace(text, std::move(compared)).first->second;
}

std::optional<std::string> DataOracle::difference(const std::vector<std::string>& items,
                                                  const std::vector<size_t>& page_starts,
                                                  const std::string& walk) {
  std::vector<std::string> got;
  got.reserve(items.size());
  for (const auto& item : items) got.push_back(comparable(item));
  if (got == expected_) return std::nullopt;
  const size_t n = got.size(), m = expected_.size();
  size_t i = 0;
  while (i < n && i < m && got[i] == expected_[i]) ++i;
  std::string diagnosis;
  if (n < m && i < n && got[i] == expected_[i + 1]) {
    diagnosis = "item " + std::to_string(i) + " of the data is missing (" +
                quote(parse_compared(expected_[i])) + ")";
  } else if (n > m && i < m && got[i + 1] == expected_[i]) {
    diagnosis =
        where(i, page_starts) + " is not in the data (" + quote(parse_compared(got[i])) + ")";
  } else if (i < n && i < m) {
    auto sorted_got = got, sorted_expected = expected_;
    std::sort(sorted_got.begin(), sorted_got.end());
    std::sort(sorted_expected.begin(), sorted_expected.end());
    diagnosis = where(i, page_starts) + " " + item_difference(expected_[i], got[i]);
    if (sorted_got == sorted_expected) diagnosis += "; the same items in another order";
  } else if (i == n) {
    diagnosis = "it ends before item " + std::to_string(i) + " of the data (" +
                quote(parse_compared(expected_[i])) + ")";
  } else {
    diagnosis = where(i, page_starts) + " and later ones are not in the data";
  }
  return walk + " gives " + std::to_string(n) + " items, the data declares " + std::to_string(m) +
         ": " + diagnosis;
}

}  // namespace lpe::harness::internal
