// The defects that change a decision inside the handler's stages, as MockHooks (mock/hooks.h).
#pragma once

#include <memory>
#include <set>

#include "mock/hooks.h"
#include "mock/testing/defects.h"

namespace lpe::mock::testing {

// Hooks that break what `defects` name and follow the contract everywhere else; null when none
// of `defects` needs a hook. `model` and `operation` are what the handler serves.
std::shared_ptr<const MockHooks> hooks_for(const std::set<Defect>& defects,
                                           std::shared_ptr<const spec::Model> model,
                                           const spec::OperationView& operation);

}  // namespace lpe::mock::testing
