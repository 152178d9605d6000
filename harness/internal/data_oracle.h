// The data oracle: when a target comes with the items the endpoint is declared to serve (a
// --targets-file with events, or the embedded mock's dataset), every complete walk of it must give
// exactly those items: the same count, the same order, the same content (expected_data).
//
// Content is compared as the model defines it, not as bytes: members in any order, a member the
// model defaults (`replica`) absent or equal to its default, timestamps as instants (`...00Z` and
// `...00.000Z` are one time), members the model does not know ignored (a newer API version, R9),
// and an item member that echoes a list-scope input (an event's participantId) taken from the
// target when the declared item leaves it out, as the data file format does.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/harness.h"

namespace lpe::harness::internal {

// The item structure of a paginated operation's items list, or nullptr.
const spec::Shape* item_shape_of(const spec::OperationView& op);

// Compares walks of one target with its declared items.
class DataOracle {
 public:
  // `target` must have expected_items; `item` is item_shape_of(op).
  DataOracle(const spec::OperationView& op, const spec::Shape& item, const Target& target);

  // Empty when `items` (each item's JSON text, as a walk holds them) are the declared ones; else
  // what differs: both counts and the first difference (its index, page, expected and got).
  // `page_starts` are the walk's page boundaries (indexes of each page's first item), `walk`
  // names the walk ("walking with page size 7").
  std::optional<std::string> difference(const std::vector<std::string>& items,
                                        const std::vector<size_t>& page_starts,
                                        const std::string& walk);

 private:
  // `text` (an item as served) in the compared form, cached: walks of one target repeat items.
  const std::string& comparable(const std::string& text);

  const spec::Shape& item_;
  // Echoing members filled in on declared items: member name -> the target's value.
  std::vector<std::pair<std::string, std::string>> echo_fill_;
  std::vector<std::string> expected_;
  std::unordered_map<std::string, std::string> cache_;
};

// `value` as the oracle compares it, as a value of a member of type `shape` (see the top of this
// file); `fill` adds members absent from a structure value (declared items only).
nlohmann::json comparable_value(const spec::Shape& shape, const nlohmann::ordered_json& value,
                                const std::vector<std::pair<std::string, std::string>>* fill);

}  // namespace lpe::harness::internal
