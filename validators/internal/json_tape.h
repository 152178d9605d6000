// A flat, read-only JSON document ("tape"): the common form both JSON readers produce, so that
// every constraint check is written once and runs on either reader's output.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lpe::validators::internal {

enum class NodeKind : uint8_t { kNull, kFalse, kTrue, kNumber, kString, kArray, kObject };

// One value. Containers are followed by their children (objects: key, value, key, value...);
// `end` is the index one past the node's subtree, so siblings are reached in O(1).
struct Node {
  NodeKind kind = NodeKind::kNull;
  bool integral = false;     // a number written without fraction or exponent
  bool fits_int64 = false;   // integral and within int64 (then `int_value` holds it)
  bool in_arena = false;     // text lives in Tape::arena (decoded escapes) instead of the input
  bool ascii = false;        // string text is pure ASCII (code points == bytes)
  uint32_t end = 0;          // subtree end
  uint32_t size = 0;         // array elements / object members
  uint32_t text_offset = 0;  // string: decoded text; number: its source text (may be empty)
  uint32_t text_length = 0;
  int64_t int_value = 0;
};

// The document. `input` must outlive the tape; text views point into it or into `arena`.
struct Tape {
  std::string_view input;
  std::string arena;
  std::vector<Node> nodes;
  std::vector<uint32_t> open_containers;  // the fast reader's stack, kept to reuse its memory

  void clear(std::string_view in) {
    input = in;
    arena.clear();
    nodes.clear();
  }
  std::string_view text(const Node& n) const {
    const std::string_view base = n.in_arena ? std::string_view(arena) : input;
    return base.substr(n.text_offset, n.text_length);
  }
};

// Reads `input` (one JSON value, RFC 8259, UTF-8 checked, depth-limited) into `tape`.
// Returns an empty string on success, else why the text is not acceptable JSON.
std::string read_json_fast(std::string_view input, int max_depth, Tape& tape);

// The same through nlohmann_json's SAX parser (the DOM path of the differential pair).
std::string read_json_nlohmann(std::string_view input, int max_depth, Tape& tape);

}  // namespace lpe::validators::internal
