// How values of a tape are printed in issue messages: a value as AWS validation messages print it
// (R7), a short JSON form of a scalar, the name of a JSON type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "validators/internal/json_tape.h"

namespace lpe::validators::internal {

// Values longer than this many code points are cut in messages (R7).
inline constexpr size_t kMaxRenderedCodePoints = 256;

// "null", "a boolean", "a number", "a string", "an array", "an object".
std::string_view kind_name(NodeKind k);

// Cuts UTF-8 text to at most `max` code points, marking the cut with "...".
std::string cut(std::string_view text, size_t max);

// A short JSON rendering of a scalar for type-mismatch messages (strings quoted, cut at 64).
std::string render_json(const Tape& tape, uint32_t index);

// A number as written (integers in int64 canonically), cut at kMaxRenderedCodePoints.
std::string number_text(const Tape& tape, const Node& n);

// Appends the value at `index` as AWS messages print it: strings raw, lists as [a, b], objects as
// {k=v, k2=v2}; stops growing `out` past about four times kMaxRenderedCodePoints.
void render_for_message(const Tape& tape, uint32_t index, std::string& out, int depth);

}  // namespace lpe::validators::internal
