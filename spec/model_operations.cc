// The model loader: operations, their pagination and errors, our overlay's operation traits (see
// model_builder.h).
#include "spec/internal/model_builder.h"

#include <algorithm>

namespace lpe::spec {
void ModelBuilder::check_operation(Shape& op, const std::string& ptr) {
  if (const auto scope = op.traits.find("lpe.conformance#listScope"); scope != op.traits.end()) {
    const std::string sptr = ptr + "/traits/lpe.conformance#listScope/members";
    const auto members = scope->is_object() ? scope->find("members") : scope->end();
    if (members == scope->end() || !members->is_array() || members->empty()) {
      fail(sptr, "listScope needs a non-empty \"members\" array");
    }
    for (size_t i = 0; i < members->size(); ++i) {
      const auto& name = (*members)[i];
      const Member* m = name.is_string() && op.input != nullptr
                            ? op.input->member(name.get<std::string>())
                            : nullptr;
      if (m == nullptr)
        fail(sptr + "/" + std::to_string(i), "not a member of the operation's input");
      if (!m->required || m->target->type != ShapeType::kString) {
        fail(sptr + "/" + std::to_string(i), "listScope members must be required strings");
      }
    }
  }
  if (!op.paginated) return;
  // Merge the service's paginated defaults.
  for (const auto& [id, shape] : model_.shapes_) {
    if (shape.type != ShapeType::kService || !shape.paginated) continue;
    if (!binds(shape, op)) continue;
    auto& p = *op.paginated;
    if (p.input_token.empty()) p.input_token = shape.paginated->input_token;
    if (p.output_token.empty()) p.output_token = shape.paginated->output_token;
    if (p.page_size.empty()) p.page_size = shape.paginated->page_size;
    if (p.items.empty()) p.items = shape.paginated->items;
  }
  const auto& p = *op.paginated;
  const std::string pptr = ptr + "/traits/smithy.api#paginated";
  if (p.input_token.empty() || p.output_token.empty()) {
    fail(pptr, "paginated needs inputToken and outputToken");
  }
  const auto need = [&](const Shape* io, const std::string& name, const char* what,
                        std::initializer_list<ShapeType> types) {
    const Member* m = io == nullptr ? nullptr : io->member(name);
    if (m == nullptr) {
      fail(pptr + "/" + what, std::string(what) + " '" + name + "' is not a member of " +
                                  (io == nullptr ? std::string("the operation") : io->id));
    }
    if (std::find(types.begin(), types.end(), m->target->type) == types.end()) {
      fail(pptr + "/" + what, std::string(what) + " '" + name + "' has the wrong type (" +
                                  std::string(to_string(m->target->type)) + ")");
    }
  };
  need(op.input, p.input_token, "inputToken", {ShapeType::kString});
  need(op.output, p.output_token, "outputToken", {ShapeType::kString});
  if (!p.page_size.empty()) {
    need(op.input, p.page_size, "pageSize",
         {ShapeType::kInteger, ShapeType::kShort, ShapeType::kByte, ShapeType::kLong});
  }
  if (!p.items.empty()) {
    need(op.output, p.items, "items", {ShapeType::kList, ShapeType::kMap, ShapeType::kSet});
  } else {
    infer_items(op);
  }
  check_overlay_operation(op, ptr);
}

void ModelBuilder::infer_items(Shape& op) {
  auto& p = *op.paginated;
  std::vector<std::string> candidates;
  if (op.output != nullptr) {
    for (const auto& m : op.output->members) {
      const ShapeType t = m.target->type;
      if (m.binding == HttpBinding::kBody &&
          (t == ShapeType::kList || t == ShapeType::kSet || t == ShapeType::kMap)) {
        candidates.push_back(m.name);
      }
    }
  }
  if (candidates.size() == 1) {
    p.items = candidates.front();
    p.items_inferred = true;
    return;
  }
  std::string names;
  for (const auto& c : candidates) names += (names.empty() ? "'" : ", '") + c + "'";
  p.items_problem =
      "smithy.api#paginated of " + op.id + " names no items member, and it cannot be inferred: " +
      (candidates.empty() ? std::string("the output has no list or map member")
                          : "the output has several list or map members (" + names +
                                "); name one with \"items\" (in an overlay: --overlay)");
}

void ModelBuilder::check_overlay_operation(const Shape& op, const std::string& ptr) {
  const auto& p = *op.paginated;
  if (op.input != nullptr && !p.page_size.empty()) {
    const Member* size = op.input->member(p.page_size);
    if (size != nullptr && size->documented_default) {
      const auto& r = size->constraints.range;
      const double d = static_cast<double>(*size->documented_default);
      if (r && ((r->min && d < *r->min) || (r->max && d > *r->max))) {
        fail(ptr, "documentedDefault " + std::to_string(*size->documented_default) + " of " +
                      op.input->id + "$" + size->name + " is outside its range");
      }
    }
  }
  if (p.items.empty() || op.output == nullptr) return;
  const Member* items = op.output->member(p.items);
  const Shape* item = items == nullptr || items->target->members.empty()
                          ? nullptr
                          : items->target->members.back().target;
  if (item == nullptr) return;
  for (const Member& m : item->members) {
    if (m.echoes_input.empty()) continue;
    if (op.input == nullptr || op.input->member(m.echoes_input) == nullptr) {
      fail(ptr, "echoesInput of " + item->id + "$" + m.name + " names '" + m.echoes_input +
                    "', which is not an input member of " + op.id);
    }
  }
}

}  // namespace lpe::spec
