#include "spec/internal/ascii_dfa.h"

#include <bitset>
#include <cstring>
#include <map>
#include <optional>
#include <string>

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
constexpr int kMaxRepeat = 1100;  // {m,n} bounds above this are left to RE2

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

// Parses the subset straight into NFA fragments (recursive descent, depth-limited).
class Parser {
 public:
  explicit Parser(std::string_view p) : p_(p) { states_.reserve(kMaxNfaStates + 8); }

  std::optional<Fragment> parse_all() {
    auto f = alternation(0);
    if (!f || pos_ != p_.size()) return std::nullopt;
    return f;
  }

  std::vector<NfaState>& states() { return states_; }

  int new_state() {
    if (states_.size() >= kMaxNfaStates) {
      failed_ = true;
      return -1;
    }
    states_.emplace_back();
    return static_cast<int>(states_.size() - 1);
  }

  bool failed() const { return failed_; }

 private:
  static void patch(Fragment& f, int target) {
    for (int* e : f.exits) *e = target;
  }

  std::optional<Fragment> alternation(int depth) {
    if (depth > 32) return std::nullopt;
    auto left = concatenation(depth);
    if (!left) return std::nullopt;
    while (pos_ < p_.size() && p_[pos_] == '|') {
      // `^a|b$` is (^a)|(b$) in RE2, not ^(a|b)$: only alternation inside a group is in the subset.
      if (depth == 0) return std::nullopt;
      ++pos_;
      auto right = concatenation(depth);
      if (!right) return std::nullopt;
      const int split = new_state();
      if (split < 0) return std::nullopt;
      states_[split].eps[0] = left->start;
      states_[split].eps[1] = right->start;
      Fragment f{split, left->exits};
      f.exits.insert(f.exits.end(), right->exits.begin(), right->exits.end());
      left = std::move(f);
    }
    return left;
  }

  // An empty fragment (matches the empty string): one epsilon state.
  std::optional<Fragment> empty() {
    const int s = new_state();
    if (s < 0) return std::nullopt;
    return Fragment{s, {&states_[s].eps[0]}};
  }

  std::optional<Fragment> concatenation(int depth) {
    std::optional<Fragment> result;
    while (pos_ < p_.size() && p_[pos_] != '|' && p_[pos_] != ')') {
      auto piece = repeated(depth);
      if (!piece) return std::nullopt;
      if (!result) {
        result = std::move(piece);
      } else {
        patch(*result, piece->start);
        result->exits = std::move(piece->exits);
      }
    }
    if (!result) return empty();
    return result;
  }

  // Parses an atom into a "recipe" (start, end positions in the pattern) so it can be re-emitted
  // for counted repetition.
  std::optional<Fragment> repeated(int depth) {
    const size_t atom_start = pos_;
    auto first = atom(depth);
    if (!first) return std::nullopt;
    const size_t atom_end = pos_;
    if (pos_ >= p_.size()) return first;
    int min = 1, max = 1;  // max -1: unbounded
    const char q = p_[pos_];
    if (q == '?') {
      min = 0;
      ++pos_;
    } else if (q == '*') {
      min = 0;
      max = -1;
      ++pos_;
    } else if (q == '+') {
      max = -1;
      ++pos_;
    } else if (q == '{') {
      const size_t save = pos_;
      ++pos_;
      const auto m = number();
      if (!m) {
        pos_ = save;  // RE2 treats a '{' that starts no repetition as a literal; stay out of it
        return std::nullopt;
      }
      min = *m;
      max = *m;
      if (pos_ < p_.size() && p_[pos_] == ',') {
        ++pos_;
        if (pos_ < p_.size() && p_[pos_] == '}') {
          max = -1;
        } else {
          const auto n = number();
          if (!n) return std::nullopt;
          max = *n;
        }
      }
      if (pos_ >= p_.size() || p_[pos_] != '}') return std::nullopt;
      ++pos_;
      if (max != -1 && max < min) return std::nullopt;
      if (min > kMaxRepeat || max > kMaxRepeat) return std::nullopt;
    } else {
      return first;
    }
    if (pos_ < p_.size() && (p_[pos_] == '?' || p_[pos_] == '+')) {
      // Lazy/possessive modifiers: lazy does not change what matches a whole value; possessive is
      // not RE2 syntax. Leave both to RE2 to keep the subset small and certain.
      return std::nullopt;
    }
    const size_t after = pos_;
    // Emit `min` mandatory copies, then optional or looping copies. The first copy is `first`.
    const auto reemit = [&]() -> std::optional<Fragment> {
      pos_ = atom_start;
      auto f = atom(depth);
      if (!f || pos_ != atom_end) return std::nullopt;
      return f;
    };
    std::optional<Fragment> result;
    const auto append = [&](Fragment piece) {
      if (!result) {
        result = std::move(piece);
      } else {
        patch(*result, piece.start);
        result->exits = std::move(piece.exits);
      }
    };
    const auto optional_of = [&](Fragment piece, bool loop) -> std::optional<Fragment> {
      const int split = new_state();
      if (split < 0) return std::nullopt;
      states_[split].eps[0] = piece.start;
      if (loop) patch(piece, split);
      Fragment f{split, {&states_[split].eps[1]}};
      if (!loop) f.exits.insert(f.exits.end(), piece.exits.begin(), piece.exits.end());
      return f;
    };
    bool used_first = false;
    const auto next_copy = [&]() -> std::optional<Fragment> {
      if (!used_first) {
        used_first = true;
        return std::move(*first);
      }
      return reemit();
    };
    for (int i = 0; i < min; ++i) {
      auto c = next_copy();
      if (!c) return std::nullopt;
      append(std::move(*c));
    }
    if (max == -1) {
      auto c = next_copy();
      if (!c) return std::nullopt;
      auto loop = optional_of(std::move(*c), true);
      if (!loop) return std::nullopt;
      append(std::move(*loop));
    } else {
      for (int i = min; i < max; ++i) {
        auto c = next_copy();
        if (!c) return std::nullopt;
        auto opt = optional_of(std::move(*c), false);
        if (!opt) return std::nullopt;
        append(std::move(*opt));
      }
    }
    pos_ = after;
    if (!result) return empty();
    return result;
  }

  std::optional<int> number() {
    int v = 0;
    size_t digits = 0;
    while (pos_ < p_.size() && p_[pos_] >= '0' && p_[pos_] <= '9') {
      v = v * 10 + (p_[pos_] - '0');
      if (v > 100000) return std::nullopt;
      ++pos_;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    return v;
  }

  std::optional<Fragment> chars(const CharSet& set) {
    const int s = new_state();
    if (s < 0) return std::nullopt;
    states_[s].chars = set;
    return Fragment{s, {&states_[s].next}};
  }

  // Escapes allowed in and out of classes: \d \w \s and escaped ASCII punctuation.
  std::optional<CharSet> escape() {
    if (pos_ >= p_.size()) return std::nullopt;
    const char e = p_[pos_++];
    CharSet set;
    switch (e) {
      case 'd':
        for (int c = '0'; c <= '9'; ++c) set.set(c);
        return set;
      case 'w':
        for (int c = '0'; c <= '9'; ++c) set.set(c);
        for (int c = 'a'; c <= 'z'; ++c) set.set(c);
        for (int c = 'A'; c <= 'Z'; ++c) set.set(c);
        set.set('_');
        return set;
      case 's':
        for (char c : {'\t', '\n', '\f', '\r', ' '}) set.set(static_cast<unsigned char>(c));
        return set;
      case 'n':
        set.set('\n');
        return set;
      case 't':
        set.set('\t');
        return set;
      case 'r':
        set.set('\r');
        return set;
      case 'f':
        set.set('\f');
        return set;
      default:
        break;
    }
    const auto u = static_cast<unsigned char>(e);
    const bool punct =
        u < 128 && !((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9'));
    if (!punct || u < 0x20) return std::nullopt;
    set.set(u);
    return set;
  }

  std::optional<Fragment> atom(int depth) {
    const char c = p_[pos_];
    if (c == '(') {
      ++pos_;
      if (pos_ + 1 < p_.size() && p_[pos_] == '?') {
        if (p_[pos_ + 1] != ':') return std::nullopt;  // flags, named groups: RE2's business
        pos_ += 2;
      }
      auto inner = alternation(depth + 1);
      if (!inner || pos_ >= p_.size() || p_[pos_] != ')') return std::nullopt;
      ++pos_;
      return inner;
    }
    if (c == '[') return char_class();
    if (c == '\\') {
      ++pos_;
      auto set = escape();
      if (!set) return std::nullopt;
      return chars(*set);
    }
    // Anchors only at the ends (checked by compile); '.', '^', '$' elsewhere are RE2's.
    if (c == '.' || c == '^' || c == '$' || c == '*' || c == '+' || c == '?' || c == '{' ||
        c == '}' || c == ']') {
      return std::nullopt;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u >= 128 || u < 0x20) return std::nullopt;
    ++pos_;
    CharSet set;
    set.set(u);
    return chars(set);
  }

  std::optional<Fragment> char_class() {
    ++pos_;                                                        // '['
    if (pos_ < p_.size() && p_[pos_] == '^') return std::nullopt;  // negation: RE2
    CharSet set;
    bool first = true;
    while (pos_ < p_.size() && (p_[pos_] != ']' || first)) {
      first = false;
      int lo;
      if (p_[pos_] == '\\') {
        ++pos_;
        auto e = escape();
        if (!e) return std::nullopt;
        if (e->count() != 1) {  // \d \w \s inside a class
          set |= *e;
          continue;
        }
        lo = static_cast<int>(e->_Find_first());
      } else if (p_[pos_] == '[') {
        return std::nullopt;  // [[:alpha:]] and friends: RE2
      } else {
        const auto u = static_cast<unsigned char>(p_[pos_]);
        if (u >= 128 || u < 0x20) return std::nullopt;
        lo = u;
        ++pos_;
      }
      if (pos_ + 1 < p_.size() && p_[pos_] == '-' && p_[pos_ + 1] != ']') {
        ++pos_;
        int hi;
        if (p_[pos_] == '\\') {
          ++pos_;
          auto e = escape();
          if (!e || e->count() != 1) return std::nullopt;
          hi = static_cast<int>(e->_Find_first());
        } else {
          const auto u = static_cast<unsigned char>(p_[pos_]);
          if (u >= 128 || u < 0x20) return std::nullopt;
          hi = u;
          ++pos_;
        }
        if (hi < lo) return std::nullopt;
        for (int ch = lo; ch <= hi; ++ch) set.set(ch);
      } else {
        set.set(lo);
      }
    }
    if (pos_ >= p_.size()) return std::nullopt;
    ++pos_;  // ']'
    if (set.none()) return std::nullopt;
    return chars(set);
  }

  std::string_view p_;
  size_t pos_ = 0;
  std::vector<NfaState> states_;
  bool failed_ = false;
};

}  // namespace

class DfaBuilder {
 public:
  static std::unique_ptr<AsciiDfa> build(std::vector<NfaState>& nfa, int start, int accept) {
    auto dfa = std::unique_ptr<AsciiDfa>(new AsciiDfa());
    using Set = std::vector<bool>;
    const auto closure = [&](Set& set) {
      std::vector<int> stack;
      for (size_t i = 0; i < set.size(); ++i) {
        if (set[i]) stack.push_back(static_cast<int>(i));
      }
      while (!stack.empty()) {
        const int s = stack.back();
        stack.pop_back();
        for (int e : nfa[s].eps) {
          if (e >= 0 && !set[e]) {
            set[e] = true;
            stack.push_back(e);
          }
        }
      }
    };
    std::map<Set, uint32_t> ids;
    std::vector<Set> sets;
    // State 0 is the dead state.
    dfa->table_.assign(256, AsciiDfa::kDead);
    dfa->accepting_.push_back(0);
    sets.emplace_back(nfa.size(), false);
    Set initial(nfa.size(), false);
    initial[start] = true;
    closure(initial);
    ids[initial] = 1;
    sets.push_back(initial);
    dfa->table_.resize(2 * 256, AsciiDfa::kDead);
    dfa->accepting_.push_back(initial[accept] ? 1 : 0);
    dfa->start_ = 1;
    size_t work = 0;
    for (size_t current = 1; current < sets.size(); ++current) {
      work += nfa.size() * 128;
      if (work > kMaxBuildWork) return nullptr;
      for (int c = 0; c < 128; ++c) {
        Set next(nfa.size(), false);
        bool any = false;
        for (size_t s = 0; s < nfa.size(); ++s) {
          if (sets[current][s] && nfa[s].next >= 0 && nfa[s].chars.test(c)) {
            next[nfa[s].next] = true;
            any = true;
          }
        }
        if (!any) continue;
        closure(next);
        auto it = ids.find(next);
        uint32_t id;
        if (it == ids.end()) {
          if (sets.size() >= kMaxDfaStates) return nullptr;
          id = static_cast<uint32_t>(sets.size());
          ids.emplace(next, id);
          dfa->accepting_.push_back(next[accept] ? 1 : 0);
          sets.push_back(std::move(next));
          dfa->table_.resize(sets.size() * 256, AsciiDfa::kDead);
        } else {
          id = it->second;
        }
        dfa->table_[current * 256 + c] = static_cast<uint16_t>(id);
      }
    }
    dfa->analyse();
    return dfa;
  }
};

std::unique_ptr<AsciiDfa> AsciiDfa::compile(std::string_view pattern) {
  if (pattern.size() < 2 || pattern.size() > 512 || pattern.front() != '^' ||
      pattern.back() != '$') {
    return nullptr;
  }
  const std::string_view body = pattern.substr(1, pattern.size() - 2);
  if (!body.empty() && body.back() == '\\') return nullptr;  // "\$": a literal dollar
  Parser parser(body);
  auto fragment = parser.parse_all();
  if (!fragment || parser.failed()) return nullptr;
  const int accept = parser.new_state();
  if (accept < 0) return nullptr;
  for (int* e : fragment->exits) *e = accept;
  return DfaBuilder::build(parser.states(), fragment->start, accept);
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
    // The self-loop set as byte ranges.
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
  // States that only lead into a loop state, on exactly its loop bytes (the `x` of `xx*`).
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
  build_chain();
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

bool AsciiDfa::matches(std::string_view text) const {
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
