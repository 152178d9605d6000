// Turning a walked tape into the JSON value a server acts on: the model-known members of a
// structure, in model order.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "spec/spec.h"
#include "validators/internal/json_tape.h"

namespace lpe::validators::internal {

// The model-known members of a structure value as JSON (model order, nulls dropped, last duplicate
// wins). Only meaningful for a value that walked without type mismatches.
nlohmann::ordered_json decode_structure(const Tape& tape, uint32_t index, const spec::Shape& shape);

}  // namespace lpe::validators::internal
