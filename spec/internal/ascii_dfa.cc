#include "spec/internal/ascii_dfa.h"

#include <bitset>
#include <map>
#include <optional>
#include <string>

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

}  // namespace lpe::spec::internal
