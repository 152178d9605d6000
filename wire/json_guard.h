// A check of untrusted JSON text before a DOM parser (nlohmann) sees it: that parser stops at a
// NUL byte and silently ignores what follows, and copying or destroying a deeply nested DOM
// recurses once per level (a stack overflow on hostile input). Used for --data, --targets-file,
// and response bodies the harness parses into a DOM.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace lpe::wire {

// Success when `text` holds no NUL byte and nests at most `max_depth` arrays/objects; else what is
// wrong and where (the message): "a NUL byte at line 3, column 7 (...)" or "nested deeper than 128
// levels at line 1, column 130". Linear, no recursion, no allocation on success.
Status check_json_text(std::string_view text, size_t max_depth);

}  // namespace lpe::wire
