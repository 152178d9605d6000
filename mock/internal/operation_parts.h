// The pieces of an operation the mock needs, resolved once from the model: the paginated trait,
// the output's items member and its item structure, the input's page-size member.
#pragma once

#include <string>

#include "base/result.h"
#include "spec/spec.h"

namespace lpe::mock::internal {

struct OperationParts {
  const spec::PaginatedTrait* paginated = nullptr;
  const spec::Member* items_member = nullptr;        // output member holding the page's items
  const spec::Shape* item_shape = nullptr;           // the structure each item is
  const spec::Member* page_size_member = nullptr;    // input member; may be null
  const spec::Member* input_token_member = nullptr;  // input member; may be null
};

// Resolves the parts, or says why the operation cannot be served by the mock.
Result<OperationParts> resolve_parts(const spec::OperationView& operation);

}  // namespace lpe::mock::internal
