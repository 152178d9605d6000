// The nlohmann_json side of the differential pair: its SAX parser's events written to the same
// tape the fast reader produces, so that both readers are checked by the same walker.
#include <nlohmann/json.hpp>

#include "validators/internal/json_tape.h"

namespace lpe::validators::internal {
namespace {

// nlohmann SAX events -> the same tape.
class NlohmannTapeBuilder {
 public:
  using number_integer_t = int64_t;
  using number_unsigned_t = uint64_t;
  using number_float_t = double;
  using string_t = std::string;
  using binary_t = std::vector<std::uint8_t>;

  NlohmannTapeBuilder(Tape& tape, int max_depth) : tape_(tape), max_depth_(max_depth) {}

  bool null() { return leaf(NodeKind::kNull); }
  bool boolean(bool v) { return leaf(v ? NodeKind::kTrue : NodeKind::kFalse); }
  bool number_integer(int64_t v) {
    Node n = number_node(true);
    n.fits_int64 = true;
    n.int_value = v;
    return add(n);
  }
  bool number_unsigned(uint64_t v) {
    Node n = number_node(true);
    if (v <= static_cast<uint64_t>(INT64_MAX)) {
      n.fits_int64 = true;
      n.int_value = static_cast<int64_t>(v);
    }
    store_text(n, std::to_string(v));
    return add(n);
  }
  bool number_float(double, const std::string& raw) {
    Node n = number_node(raw.find_first_of(".eE") == std::string::npos);
    store_text(n, raw);
    return add(n);
  }
  bool string(std::string& s) {
    Node n;
    n.kind = NodeKind::kString;
    n.ascii = is_ascii(s);
    store_text(n, s);
    return add(n);
  }
  bool binary(binary_t&) { return false; }
  bool key(std::string& s) { return string(s); }
  bool start_object(std::size_t) { return open(NodeKind::kObject); }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(NodeKind::kArray); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) {
    error_ = ex.what();
    if (const auto colon = error_.find(": "); colon != std::string::npos) {
      error_ = error_.substr(colon + 2);
    }
    error_position_ = position;
    return false;
  }

  const std::string& error() const { return error_; }
  bool depth_exceeded() const { return depth_exceeded_; }

 private:
  Node number_node(bool integral) {
    Node n;
    n.kind = NodeKind::kNumber;
    n.integral = integral;
    return n;
  }
  void store_text(Node& n, std::string_view s) {
    n.in_arena = true;
    n.text_offset = static_cast<uint32_t>(tape_.arena.size());
    n.text_length = static_cast<uint32_t>(s.size());
    tape_.arena.append(s);
  }
  bool add(const Node& n) {
    tape_.nodes.append() = n;
    tape_.nodes.back().end = static_cast<uint32_t>(tape_.nodes.size());
    count_child();
    return true;
  }
  bool leaf(NodeKind kind) {
    Node n;
    n.kind = kind;
    return add(n);
  }
  // Values (not keys) count as children; keys are counted by their value.
  void count_child() {
    if (stack_.empty()) return;
    Node& top = tape_.nodes[stack_.back()];
    if (top.kind == NodeKind::kObject) {
      pending_key_ = !pending_key_;
      if (pending_key_) return;  // this was a key
    }
    ++top.size;
  }
  bool open(NodeKind kind) {
    Node n;
    n.kind = kind;
    tape_.nodes.append() = n;
    stack_.push_back(static_cast<uint32_t>(tape_.nodes.size() - 1));
    key_state_.push_back(pending_key_);
    pending_key_ = false;
    if (static_cast<int>(stack_.size()) > max_depth_) {
      depth_exceeded_ = true;
      return false;
    }
    return true;
  }
  bool close() {
    tape_.nodes[stack_.back()].end = static_cast<uint32_t>(tape_.nodes.size());
    stack_.pop_back();
    pending_key_ = key_state_.back();
    key_state_.pop_back();
    count_child();
    return true;
  }

  Tape& tape_;
  int max_depth_;
  std::vector<uint32_t> stack_;
  std::vector<bool> key_state_;
  bool pending_key_ = false;
  bool depth_exceeded_ = false;
  std::string error_;
  size_t error_position_ = 0;
};

}  // namespace

std::string read_json_nlohmann(std::string_view input, int max_depth, Tape& tape) {
  tape.clear(input);
  // nlohmann's lexer takes a NUL byte for the end of the input, so `{}\0junk` would pass. A raw
  // NUL is never valid JSON text (not whitespace, and strings must escape it): refuse it first.
  if (input.find('\0') != std::string_view::npos) {
    return "a NUL byte (U+0000) is not allowed in JSON text";
  }
  NlohmannTapeBuilder builder(tape, max_depth);
  const bool ok = nlohmann::json::sax_parse(input, &builder, nlohmann::json::input_format_t::json,
                                            /*strict=*/true, /*ignore_comments=*/false);
  if (ok) return {};
  if (builder.depth_exceeded()) {
    return "nesting deeper than " + std::to_string(max_depth) + " levels";
  }
  return builder.error().empty() ? std::string("invalid JSON") : builder.error();
}

}  // namespace lpe::validators::internal
