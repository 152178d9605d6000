#include "spec/internal/ascii_dfa.h"

#include <atomic>
#include <bitset>
#include <cstring>
#include <map>
#include <optional>
#include <string>

#include "spec/pattern_syntax.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace lpe::spec::internal {
namespace {

using CharSet = std::bitset<128>;

constexpr size_t kMaxNfaStates = 2048;
constexpr size_t kMaxDfaStates = 512;
// Subset construction work cap (NFA states x 128 bytes x DFA states), so loading stays fast.
constexpr size_t kMaxBuildWork = 40'000'000;
std::atomic<bool> plain_dfas{false};  // AsciiDfa::set_plain

// Thompson NFA: each state has either a character-set edge or up to two epsilon edges.
struct NfaState {
  CharSet chars;
  int next = -1;  // target of the character edge
  int eps[2] = {-1, -1};
};

// A fragment under construction: start state and the dangling exits to patch.
struct Fragment {
  int start = -1;
  std::vector<int*> exits;  // pointers into NfaState fields (stable: states_ is reserved)
};

// What RE2 matches at a class, as bytes, when every member is ASCII; else nullopt.
std::optional<CharSet> ascii_set(const spec::CodePointSet& set) {
  CharSet out;
  for (const auto& [lo, hi] : set.ranges()) {
    if (hi >= 128) return std::nullopt;
    for (char32_t c = lo; c <= hi; ++c) out.set(c);
  }
  return out;
}

// Builds the NFA of a syntax tree (Thompson construction); counted repetitions are expanded.
class NfaBuilder {
 public:
  NfaBuilder() { states_.reserve(kMaxNfaStates + 8); }

  std::vector<NfaState>& states() { return states_; }

  // Empty when the tree has a non-ASCII class or needs more than kMaxNfaStates states.
  std::optional<Fragment> build(const spec::PatternNode& node) {
    using Kind = spec::PatternNode::Kind;
    switch (node.kind) {
      case Kind::kEmpty:
        return empty();
      case Kind::kClass: {
        const auto set = ascii_set(node.chars.re2);
        if (!set) return std::nullopt;
        return chars(*set);
      }
      case Kind::kConcat: {
        std::optional<Fragment> result;
        for (const spec::PatternNode& child : node.children) {
          if (!append(result, build(child))) return std::nullopt;
        }
        return result ? result : empty();
      }
      case Kind::kAlternation:
        return alternation(node);
      case Kind::kRepeat:
        return repeated(node);
    }
    return std::nullopt;
  }

  int new_state() {
    if (states_.size() >= kMaxNfaStates) return -1;
    states_.emplace_back();
    return static_cast<int>(states_.size() - 1);
  }

 private:
  static void patch(Fragment& f, int target) {
    for (int* e : f.exits) *e = target;
  }

  // Appends `piece` to `result` (false when the piece could not be built).
  static bool append(std::optional<Fragment>& result, std::optional<Fragment> piece) {
    if (!piece) return false;
    if (!result) {
      result = std::move(piece);
    } else {
      patch(*result, piece->start);
      result->exits = std::move(piece->exits);
    }
    return true;
  }

  // An empty fragment (matches the empty string): one epsilon state.
  std::optional<Fragment> empty() {
    const int s = new_state();
    if (s < 0) return std::nullopt;
    return Fragment{s, {&states_[s].eps[0]}};
  }

  std::optional<Fragment> chars(const CharSet& set) {
    const int s = new_state();
    if (s < 0) return std::nullopt;
    states_[s].chars = set;
    return Fragment{s, {&states_[s].next}};
  }

  std::optional<Fragment> alternation(const spec::PatternNode& node) {
    auto left = build(node.children[0]);
    for (size_t i = 1; left && i < node.children.size(); ++i) {
      auto right = build(node.children[i]);
      const int split = new_state();
      if (!right || split < 0) return std::nullopt;
      states_[split].eps[0] = left->start;
      states_[split].eps[1] = right->start;
      Fragment f{split, std::move(left->exits)};
      f.exits.insert(f.exits.end(), right->exits.begin(), right->exits.end());
      left = std::move(f);
    }
    return left;
  }

  // `piece` or nothing; with `loop`, any number of `piece`.
  std::optional<Fragment> optional_of(std::optional<Fragment> piece, bool loop) {
    const int split = new_state();
    if (!piece || split < 0) return std::nullopt;
    states_[split].eps[0] = piece->start;
    if (loop) patch(*piece, split);
    Fragment f{split, {&states_[split].eps[1]}};
    if (!loop) f.exits.insert(f.exits.end(), piece->exits.begin(), piece->exits.end());
    return f;
  }

  // `min` copies of the operand, then a loop (unbounded) or max - min optional copies.
  std::optional<Fragment> repeated(const spec::PatternNode& node) {
    const spec::PatternNode& operand = node.children[0];
    std::optional<Fragment> result;
    for (uint32_t i = 0; i < node.min_repeat; ++i) {
      if (!append(result, build(operand))) return std::nullopt;
    }
    if (!node.max_repeat) {
      if (!append(result, optional_of(build(operand), true))) return std::nullopt;
    } else {
      for (uint32_t i = node.min_repeat; i < *node.max_repeat; ++i) {
        if (!append(result, optional_of(build(operand), false))) return std::nullopt;
      }
    }
    return result ? result : empty();
  }

  std::vector<NfaState> states_;
};

}  // namespace

// Subset construction over the ASCII bytes. DFA state 0 is the dead state, 1 the start.
class DfaBuilder {
 public:
  static std::unique_ptr<AsciiDfa> build(const std::vector<NfaState>& nfa, int start, int accept) {
    DfaBuilder b(nfa);
    auto dfa = std::unique_ptr<AsciiDfa>(new AsciiDfa());
    dfa->table_.assign(2 * 256, AsciiDfa::kDead);
    dfa->accepting_.push_back(0);
    b.sets_.emplace_back(b.words_, 0);
    Set initial(b.words_, 0);
    add(initial, static_cast<size_t>(start));
    b.closure(initial);
    b.ids_.emplace(initial, 1);
    dfa->accepting_.push_back(has(initial, static_cast<size_t>(accept)) ? 1 : 0);
    b.sets_.push_back(std::move(initial));
    dfa->start_ = 1;
    size_t work = 0;
    for (size_t current = 1; current < b.sets_.size(); ++current) {
      work += nfa.size() * 128;
      if (work > kMaxBuildWork || !b.expand(*dfa, current, accept)) return nullptr;
    }
    dfa->analyse();
    dfa->plain_ = plain_dfas;
    return dfa;
  }

 private:
  using Set = std::vector<uint64_t>;  // a set of NFA states, one bit each

  explicit DfaBuilder(const std::vector<NfaState>& nfa) : nfa_(nfa), words_(nfa.size() / 64 + 1) {}

  static bool has(const Set& set, size_t s) { return ((set[s / 64] >> (s % 64)) & 1) != 0; }
  static void add(Set& set, size_t s) { set[s / 64] |= uint64_t{1} << (s % 64); }

  void closure(Set& set) const {
    std::vector<size_t> stack;
    for (size_t s = 0; s < nfa_.size(); ++s) {
      if (has(set, s)) stack.push_back(s);
    }
    while (!stack.empty()) {
      const size_t s = stack.back();
      stack.pop_back();
      for (int e : nfa_[s].eps) {
        if (e >= 0 && !has(set, static_cast<size_t>(e))) {
          add(set, static_cast<size_t>(e));
          stack.push_back(static_cast<size_t>(e));
        }
      }
    }
  }

  // Fills the table row of DFA state `current`, adding the states it leads to; false when the
  // DFA would need more than kMaxDfaStates states.
  bool expand(AsciiDfa& dfa, size_t current, int accept) {
    std::vector<size_t> movers;  // the members with a character edge
    for (size_t s = 0; s < nfa_.size(); ++s) {
      if (has(sets_[current], s) && nfa_[s].next >= 0) movers.push_back(s);
    }
    for (int c = 0; c < 128; ++c) {
      Set next(words_, 0);
      bool any = false;
      for (size_t s : movers) {
        if (!nfa_[s].chars.test(c)) continue;
        add(next, static_cast<size_t>(nfa_[s].next));
        any = true;
      }
      if (!any) continue;
      closure(next);
      const auto [it, added] = ids_.try_emplace(next, static_cast<uint32_t>(sets_.size()));
      if (added) {
        if (sets_.size() >= kMaxDfaStates) return false;
        dfa.accepting_.push_back(has(next, static_cast<size_t>(accept)) ? 1 : 0);
        sets_.push_back(std::move(next));
        dfa.table_.resize(sets_.size() * 256, AsciiDfa::kDead);
      }
      dfa.table_[current * 256 + static_cast<size_t>(c)] = static_cast<uint16_t>(it->second);
    }
    return true;
  }

  const std::vector<NfaState>& nfa_;
  size_t words_;
  std::map<Set, uint32_t> ids_;
  std::vector<Set> sets_;
};

std::unique_ptr<AsciiDfa> AsciiDfa::compile(std::string_view pattern) {
  const auto syntax = spec::parse_pattern_syntax(pattern);
  return syntax ? build(*syntax) : nullptr;
}

std::unique_ptr<AsciiDfa> AsciiDfa::build(const spec::PatternSyntax& syntax) {
  if (!syntax.anchored_start || !syntax.anchored_end) return nullptr;
  NfaBuilder nfa;
  auto fragment = nfa.build(syntax.root);
  const int accept = fragment ? nfa.new_state() : -1;
  if (accept < 0) return nullptr;
  for (int* e : fragment->exits) *e = accept;
  return DfaBuilder::build(nfa.states(), fragment->start, accept);
}

void AsciiDfa::analyse() {
  const size_t states = accepting_.size();
  info_.assign(states, StateInfo{});
  // The single byte that leads on from `s` (not to the dead state), or -1.
  const auto only_way = [&](size_t s) {
    int byte = -1;
    for (int c = 0; c < 128; ++c) {
      if (table_[s * 256 + c] == kDead) continue;
      if (byte >= 0) return -1;
      byte = c;
    }
    return byte;
  };
  for (size_t s = 1; s < states; ++s) {
    StateInfo& info = info_[s];
    // Forced bytes: follow single ways while the states passed through cannot end a match (so a
    // text that stops inside them, or differs from them, is a mismatch) and do not loop.
    std::string forced;
    size_t at = s;
    for (int c = only_way(at); c >= 0 && forced.size() < 64; c = only_way(at)) {
      const size_t next = table_[at * 256 + c];
      if (next == at) break;
      forced += static_cast<char>(c);
      at = next;
      if (accepting_[at] != 0 || forced.size() >= states) break;
    }
    if (!forced.empty()) {
      info.literal_offset = static_cast<uint32_t>(literals_.size());
      info.literal_length = static_cast<uint16_t>(forced.size());
      info.literal_end = static_cast<uint16_t>(at);
      literals_ += forced;
      continue;
    }
    analyse_loop(s);
  }
  find_plus_states();
  build_chain();
}

void AsciiDfa::analyse_loop(size_t s) {
  StateInfo& info = info_[s];
  size_t ranges = 0;
  bool fits = true;
  for (int c = 0; c < 128 && fits; ++c) {
    if (table_[s * 256 + c] != s) continue;
    if (ranges > 0 && info.hi[ranges - 1] + 1 == c) {
      info.hi[ranges - 1] = static_cast<uint8_t>(c);
    } else if (ranges < kMaxLoopRanges) {
      info.lo[ranges] = info.hi[ranges] = static_cast<uint8_t>(c);
      ++ranges;
    } else {
      fits = false;
    }
  }
  info.loop_ranges = fits ? static_cast<uint8_t>(ranges) : 0;
  info.loop_offset = static_cast<uint32_t>(loop_vectors_.size());
  // b in [lo, hi] <=> (b + 0x80 - lo) as a signed byte < -128 + (hi - lo + 1).
  // Sets of up to kFixedRanges ranges get unused rows that match no byte (nothing is below -128).
  const size_t rows = info.loop_ranges <= kFixedRanges ? kFixedRanges : info.loop_ranges;
  for (size_t r = 0; r < rows; ++r) {
    std::array<int8_t, 16> bias, limit;
    bias.fill(0);
    limit.fill(-128);
    if (r < info.loop_ranges) {
      bias.fill(static_cast<int8_t>(static_cast<uint8_t>(0x80 - info.lo[r])));
      limit.fill(static_cast<int8_t>(-128 + (info.hi[r] - info.lo[r] + 1)));
    }
    loop_vectors_.push_back(bias);
    loop_vectors_.push_back(limit);
  }
}

void AsciiDfa::find_plus_states() {
  const size_t states = accepting_.size();
  for (size_t s = 1; s < states; ++s) {
    StateInfo& info = info_[s];
    if (info.literal_length != 0 || info.loop_ranges != 0) continue;
    uint32_t target = kDead;
    bool single = true;
    for (int c = 0; c < 128 && single; ++c) {
      const uint32_t next = table_[s * 256 + c];
      if (next == kDead) continue;
      if (target != kDead && next != target) single = false;
      target = next;
    }
    if (!single || target == kDead || target == s || info_[target].loop_ranges == 0) continue;
    bool same = true;
    for (int c = 0; c < 128 && same; ++c) {
      same = (table_[s * 256 + c] == target) == (table_[target * 256 + c] == target);
    }
    if (same) info.plus_of = static_cast<uint16_t>(target);
  }
}

void AsciiDfa::build_chain() {
  const size_t states = accepting_.size();
  std::vector<bool> visited(states, false);
  std::vector<Step> program;
  uint32_t s = start_;
  while (true) {
    if (s == kDead || visited[s] || program.size() > 64) return;
    visited[s] = true;
    const StateInfo& info = info_[s];
    Step step;
    step.accept_at_end = accepting_[s] != 0;
    if (info.literal_length != 0) {
      step.kind = Step::Kind::kLiteral;
      step.state = static_cast<uint16_t>(s);
      program.push_back(step);
      s = info.literal_end;
      continue;
    }
    uint32_t loop = s;
    if (info.plus_of != 0) {
      loop = info.plus_of;
      if (visited[loop]) return;
      visited[loop] = true;
      step.min_run = 1;
    } else if (info.loop_ranges == 0) {
      // Not a run: the chain may only end here, in a state with no way on.
      for (int c = 0; c < 128; ++c) {
        if (table_[s * 256 + c] != kDead) return;
      }
      final_accept_ = accepting_[s] != 0;
      break;
    }
    step.kind = Step::Kind::kRun;
    step.state = static_cast<uint16_t>(loop);
    program.push_back(step);
    // The run stops at a byte outside the loop set: it must lead to one state (or nowhere).
    uint32_t to = kDead;
    for (int c = 0; c < 128; ++c) {
      const uint32_t next = table_[loop * 256 + c];
      if (next == kDead || next == loop) continue;
      if (to != kDead && next != to) return;
      to = next;
    }
    if (to == kDead) {
      final_accept_ = accepting_[loop] != 0;
      break;
    }
    Step exit;
    exit.kind = Step::Kind::kExit;
    exit.accept_at_end = accepting_[loop] != 0;
    exit.state = static_cast<uint16_t>(loop);
    exit.to = static_cast<uint16_t>(to);
    program.push_back(exit);
    s = to;
  }
  program_ = std::move(program);
  chain_ = true;
}

inline size_t AsciiDfa::loop_run(const StateInfo& info, const unsigned char* p,
                                 const unsigned char* end, bool padded) const {
#if defined(__SSE2__)
  const unsigned char* const start = p;
  const std::array<int8_t, 16>* const vectors = loop_vectors_.data() + info.loop_offset;
  while (true) {
    const auto avail = static_cast<size_t>(end - p);
    // 16 bytes from p, or the last 16 of the text (bytes before p then fall off the mask).
    const bool from_end = avail < 16 && !padded;
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(from_end ? end - 16 : p));
    const auto in_range = [&](size_t r) {
      const auto* rows = reinterpret_cast<const __m128i*>(vectors + 2 * r);
      return _mm_cmplt_epi8(_mm_add_epi8(v, _mm_loadu_si128(rows)), _mm_loadu_si128(rows + 1));
    };
    __m128i in;
    if (info.loop_ranges <= kFixedRanges) {
      // The usual id sets: always kFixedRanges compares (unused rows match nothing), no loop.
      in = _mm_or_si128(_mm_or_si128(in_range(0), in_range(1)),
                        _mm_or_si128(in_range(2), in_range(3)));
    } else {
      in = _mm_setzero_si128();
      for (size_t r = 0; r < info.loop_ranges; ++r) in = _mm_or_si128(in, in_range(r));
    }
    auto bits = static_cast<uint32_t>(_mm_movemask_epi8(in));
    if (from_end) bits >>= 16 - avail;
    uint32_t out = ~bits & 0xFFFFu;
    if (avail < 16) out |= 0xFFFFu << avail;
    if (out != 0) return static_cast<size_t>(p - start) + static_cast<size_t>(__builtin_ctz(out));
    p += 16;
  }
#else
  (void)padded;
  size_t done = 0;
  const auto n = static_cast<size_t>(end - p);
  while (done < n) {
    const unsigned char c = p[done];
    bool in = false;
    for (size_t r = 0; r < info.loop_ranges; ++r) in = in || (c >= info.lo[r] && c <= info.hi[r]);
    if (!in) break;
    ++done;
  }
  return done;
#endif
}

void AsciiDfa::set_plain(bool plain) { plain_dfas = plain; }

bool AsciiDfa::matches(std::string_view text) const {
  if (plain_) {
    uint32_t state = start_;
    for (const char c : text) {
      state = table_[state * 256 + static_cast<unsigned char>(c)];
      if (state == kDead) return false;
    }
    return accepting_[state] != 0;
  }
  const auto* data = reinterpret_cast<const unsigned char*>(text.data());
  if (text.size() >= 16) {
    return chain_ ? match_chain(data, data + text.size(), false)
                  : match_range(data, data + text.size(), false);
  }
  // A short text is copied once so that every 16-byte read stays in bounds.
  alignas(16) unsigned char copy[32] = {};
  std::memcpy(copy, data, text.size());
  return chain_ ? match_chain(copy, copy + text.size(), true)
                : match_range(copy, copy + text.size(), true);
}

namespace {

uint64_t load8(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

uint32_t load4(const unsigned char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// a[0, n) == b[0, n), in a few word compares (the first and last words overlap when n is not a
// multiple of the word size).
bool same_bytes(const unsigned char* a, const unsigned char* b, size_t n) {
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      if (load8(a + i) != load8(b + i)) return false;
    }
    return load8(a + n - 8) == load8(b + n - 8);
  }
  if (n >= 4) return load4(a) == load4(b) && load4(a + n - 4) == load4(b + n - 4);
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

inline bool AsciiDfa::take_literal(const StateInfo& info, const unsigned char*& p,
                                   const unsigned char* end) const {
  if (static_cast<size_t>(end - p) < info.literal_length) return false;
  const auto* literal =
      reinterpret_cast<const unsigned char*>(literals_.data()) + info.literal_offset;
  if (!same_bytes(p, literal, info.literal_length)) return false;
  p += info.literal_length;
  return true;
}

bool AsciiDfa::match_chain(const unsigned char* p, const unsigned char* const end,
                           bool padded) const {
  for (const Step& step : program_) {
    if (p == end) return step.accept_at_end;
    switch (step.kind) {
      case Step::Kind::kLiteral:
        if (!take_literal(info_[step.state], p, end)) return false;
        break;
      case Step::Kind::kRun: {
        const size_t run = loop_run(info_[step.state], p, end, padded);
        if (run < step.min_run) return false;
        p += run;
        break;
      }
      case Step::Kind::kExit:
        if (table_[step.state * 256u + *p] != step.to) return false;
        ++p;
        break;
    }
  }
  return p == end && final_accept_;
}

bool AsciiDfa::match_range(const unsigned char* p, const unsigned char* const end,
                           bool padded) const {
  uint32_t state = start_;
  while (p != end) {
    const StateInfo& info = info_[state];
    if (info.literal_length != 0) {
      if (!take_literal(info, p, end)) return false;
      state = info.literal_end;
      continue;
    }
    if (info.plus_of != 0) {
      // At least one loop byte, then the loop state's run.
      const size_t run = loop_run(info_[info.plus_of], p, end, padded);
      if (run == 0) return false;
      p += run;
      state = info.plus_of;
      if (p == end) break;
      state = table_[state * 256 + *p++];  // the byte that ends the run
      if (state == kDead) return false;
      continue;
    }
    if (info.loop_ranges != 0) {
      p += loop_run(info, p, end, padded);
      if (p == end) break;
      state = table_[state * 256 + *p++];  // the byte that ends the run
      if (state == kDead) return false;
      continue;
    }
    const uint16_t* row = table_.data() + state * 256;
    const uint32_t here = state;
    do {
      state = row[*p++];
    } while (state == here && p != end);
    if (state == kDead) return false;
  }
  return accepting_[state] != 0;
}

}  // namespace lpe::spec::internal
