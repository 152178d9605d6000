// A table-driven DFA for the patterns AWS models use most: anchored `^...$`, ASCII-only, no
// negated classes or `.`. Matching is one table lookup per byte, several times faster than a
// general regex engine on short ids. Patterns outside the subset get no DFA and use RE2; tests
// check the DFA against RE2 on the same inputs.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace lpe::spec::internal {

class AsciiDfa {
 public:
  // The DFA for `pattern`, or nullptr when the pattern is outside the subset (or its automaton
  // would exceed the state limits).
  static std::unique_ptr<AsciiDfa> compile(std::string_view pattern);

  // True when the whole `text` matches. Any byte >= 0x80 is a mismatch (the subset is ASCII):
  // its column leads to the dead state, which only leads to itself.
  bool matches(std::string_view text) const {
    const uint16_t* table = table_.data();
    uint32_t state = start_;
    for (const char ch : text) state = table[state * 256 + static_cast<unsigned char>(ch)];
    return accepting_[state] != 0;
  }

  size_t state_count() const { return accepting_.size(); }

  static constexpr uint32_t kDead = 0;

 private:
  uint32_t start_ = 0;
  std::vector<uint16_t> table_;     // state * 256 + byte -> state (dead for bytes >= 0x80)
  std::vector<uint8_t> accepting_;  // per state
  friend class DfaBuilder;
};

}  // namespace lpe::spec::internal
