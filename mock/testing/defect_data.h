// The defects that are a dataset served as it is: lists with an event lost, moved or changed.
#pragma once

#include <memory>
#include <set>

#include "base/result.h"
#include "mock/mock.h"
#include "mock/testing/defects.h"

namespace lpe::mock::testing {

// The dataset `dataset` with the data defects among `defects` applied (the others are ignored);
// `item` is the structure of the served items. Not validated again: some defects break the model.
Result<std::shared_ptr<const Dataset>> with_data_defects(std::shared_ptr<const Dataset> dataset,
                                                         const spec::Shape& item,
                                                         const std::set<Defect>& defects);

// True when `defect` is one with_data_defects applies.
bool is_data_defect(Defect defect);

}  // namespace lpe::mock::testing
