// A table-driven DFA for the patterns AWS models use most: anchored `^...$` where every class
// matches only ASCII under RE2 semantics (so no `.` or negated classes). It is built from the
// syntax tree of spec/pattern_syntax.h, the front end the generators use too. Matching is one
// table lookup per byte, several times faster than a general regex engine on short ids. Patterns
// outside the subset get no DFA and use RE2; tests and fuzz/ascii_dfa_fuzzer.cc check the DFA
// against RE2 on the same inputs.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lpe::spec {
struct PatternSyntax;
}  // namespace lpe::spec

namespace lpe::spec::internal {

class AsciiDfa {
 public:
  // The DFA for a parsed pattern, or nullptr when the pattern is outside the subset (or its
  // automaton would exceed the state limits).
  static std::unique_ptr<AsciiDfa> build(const PatternSyntax& syntax);
  // The same, from the pattern's text (nullptr also when it does not parse).
  static std::unique_ptr<AsciiDfa> compile(std::string_view pattern);

  // True when the whole `text` matches. Any byte >= 0x80 is a mismatch (the subset is ASCII):
  // its column leads to the dead state, which only leads to itself.
  //
  // Three steps per state, all derived from the transition table once at compile time:
  // - a state with a single way on (the `arn:aws:ivs:` of an ARN) compares the forced bytes at
  // once;
  // - a state that loops on a set of bytes (the `[a-zA-Z0-9-]+` of an id) skips the run 16 bytes at
  //   a time with SSE2 range compares when its set is a few ranges, and so does the state in front
  //   of it when that one only leads into the loop;
  // - otherwise one table lookup; the dead state ends the match at once.
  // When the automaton is a chain of such steps (an ARN, an id with a prefix), it is matched as a
  // fixed program of steps instead: no state to look up, so no step waits for the one before.
  bool matches(std::string_view text) const;

  size_t state_count() const { return accepting_.size(); }
  // Benchmarks only: DFAs built after set_plain(true) match by the table alone (one lookup per
  // byte, no forced bytes, runs or chain program), to measure what those steps are worth.
  static void set_plain(bool plain);
  // The automaton is matched as a chain program (see matches); for tests.
  bool is_chain() const { return chain_; }

  static constexpr uint32_t kDead = 0;

 private:
  // Byte ranges [lo, hi] a state loops on (its self-loop set), when they are few.
  static constexpr size_t kMaxLoopRanges = 8;
  static constexpr size_t kFixedRanges = 4;  // scanned with a fixed, loop-free sequence
  struct StateInfo {
    uint32_t literal_offset = 0;  // forced bytes in literals_
    uint16_t literal_length = 0;  // 0: not a forced-bytes state
    uint16_t literal_end = 0;     // the state after the forced bytes
    uint16_t plus_of = 0;         // non-zero: every way on leads to this state on exactly the
                                  // bytes it loops on (the `[0-9]` in front of `[0-9]*`)
    uint8_t loop_ranges = 0;      // 0: no self loop, or too many ranges for the vector scan
    uint32_t loop_offset = 0;     // the ranges' bias/limit bytes in loop_vectors_ (16 each)
    uint8_t lo[kMaxLoopRanges] = {};
    uint8_t hi[kMaxLoopRanges] = {};
  };
  // One step of a chain program.
  struct Step {
    enum class Kind : uint8_t { kLiteral, kRun, kExit };
    Kind kind = Kind::kLiteral;
    bool accept_at_end = false;  // the answer when the text ends before this step
    uint8_t min_run = 0;         // kRun: the run must have at least this many bytes
    uint16_t state = 0;  // kLiteral: the state whose forced bytes follow; kRun: the loop state
                         // scanned; kExit: the loop state left
    uint16_t to = 0;     // kExit: where the byte after the run must lead
  };
  // Fills info_ and literals_ from the table.
  void analyse();
  // The self-loop set of state `s` as byte ranges, and their rows in loop_vectors_.
  void analyse_loop(size_t s);
  // States that only lead into a loop state, on exactly its loop bytes (the `x` of `xx*`).
  void find_plus_states();
  // Builds program_ when the automaton is a chain of literals and runs; else leaves chain_ false.
  void build_chain();
  bool match_chain(const unsigned char* p, const unsigned char* end, bool padded) const;
  // Compares the forced bytes of `info` at p and moves p past them; false on a mismatch or when
  // the text ends first (the states inside them do not accept).
  [[gnu::always_inline]] bool take_literal(const StateInfo& info, const unsigned char*& p,
                                           const unsigned char* end) const;
  // Matches [p, end). `padded`: 16 bytes can be read from any p < end (a local copy of a short
  // text); otherwise the text is at least 16 bytes long and reads stay inside it.
  bool match_range(const unsigned char* p, const unsigned char* end, bool padded) const;
  // How many leading bytes of [p, end) are in the loop set of `info`.
  [[gnu::always_inline]] size_t loop_run(const StateInfo& info, const unsigned char* p,
                                         const unsigned char* end, bool padded) const;

  uint32_t start_ = 0;
  std::vector<uint16_t> table_;     // state * 256 + byte -> state (dead for bytes >= 0x80)
  std::vector<uint8_t> accepting_;  // per state
  std::vector<StateInfo> info_;     // per state
  std::string literals_;
  // Per loop range, two 16-byte rows (bias, limit) for the vector compare, built once.
  std::vector<std::array<int8_t, 16>> loop_vectors_;
  bool chain_ = false;
  std::vector<Step> program_;
  bool final_accept_ = false;  // the chain's last state accepts
  bool plain_ = false;
  friend class DfaBuilder;
};

}  // namespace lpe::spec::internal
