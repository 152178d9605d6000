// A flat, read-only JSON document ("tape"): the common form both JSON readers produce, so that
// every constraint check is written once and runs on either reader's output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
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

// The nodes of a tape. Appending is the readers' innermost step, so it is an inline bump of a
// count into storage that is kept (and only grows) across documents: a warm tape appends without
// a call or an allocation.
class NodeBuffer {
 public:
  NodeBuffer() = default;
  NodeBuffer(const NodeBuffer&) = delete;
  NodeBuffer& operator=(const NodeBuffer&) = delete;

  // A fresh default node at the end.
  Node& append() {
    if (size_ == capacity_) [[unlikely]]
      grow();
    Node& n = data_[size_++];
    n = Node{};
    return n;
  }
  void clear() { size_ = 0; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  Node& operator[](size_t i) { return data_[i]; }
  const Node& operator[](size_t i) const { return data_[i]; }
  const Node& front() const { return data_[0]; }
  Node& back() { return data_[size_ - 1]; }

 private:
  void grow();

  std::unique_ptr<Node[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// The document. `input` must outlive the tape; text views point into it or into `arena`.
struct Tape {
  std::string_view input;
  std::string arena;
  NodeBuffer nodes;
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

// Whether `s` is pure ASCII (then its code points are its bytes): both readers mark string nodes.
inline bool is_ascii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Reads `input` (one JSON value, RFC 8259, UTF-8 checked, depth-limited) into `tape`.
// Returns an empty string on success, else why the text is not acceptable JSON.
std::string read_json_fast(std::string_view input, int max_depth, Tape& tape);

// The same through nlohmann_json's SAX parser (the DOM path of the differential pair).
std::string read_json_nlohmann(std::string_view input, int max_depth, Tape& tape);

}  // namespace lpe::validators::internal
