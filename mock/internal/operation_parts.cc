#include "mock/internal/operation_parts.h"

namespace lpe::mock::internal {

Result<OperationParts> resolve_parts(const spec::OperationView& operation) {
  OperationParts parts;
  if (operation.operation == nullptr) return fail("no operation selected");
  const std::string name(operation.operation->name());
  if (!operation.operation->paginated) {
    return fail("operation " + name +
                " has no smithy.api#paginated trait: the mock serves paged lists");
  }
  parts.paginated = &*operation.operation->paginated;
  if (operation.output == nullptr || operation.input == nullptr) {
    return fail("operation " + name + " needs an input and an output structure");
  }
  parts.items_member = operation.output->member(parts.paginated->items);
  if (parts.items_member == nullptr) {
    return fail("operation " + name + ": the paginated items member '" + parts.paginated->items +
                "' is not a member of the output");
  }
  const spec::Shape* list = parts.items_member->target;
  if (list == nullptr ||
      (list->type != spec::ShapeType::kList && list->type != spec::ShapeType::kSet) ||
      list->members.empty() || list->members[0].target == nullptr ||
      list->members[0].target->type != spec::ShapeType::kStructure) {
    return fail("operation " + name + ": the items member '" + parts.paginated->items +
                "' must be a list of structures");
  }
  parts.item_shape = list->members[0].target;
  if (!parts.paginated->page_size.empty()) {
    parts.page_size_member = operation.input->member(parts.paginated->page_size);
  }
  if (!parts.paginated->input_token.empty()) {
    parts.input_token_member = operation.input->member(parts.paginated->input_token);
  }
  if (operation.list_scope.empty()) {
    return fail("operation " + name + " has no list scope (lpe.conformance#listScope trait or " +
                "required string input members)");
  }
  for (const spec::Member* m : operation.list_scope) {
    if (m == nullptr)
      return fail("operation " + name + ": a list scope member is not an input member");
  }
  return parts;
}

}  // namespace lpe::mock::internal
