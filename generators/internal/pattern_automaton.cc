#include "generators/internal/pattern_automaton.h"

#include <algorithm>
#include <deque>
#include <unordered_map>

namespace lpe::generators::internal {

namespace {

using spec::CodePointSet;
using spec::PatternClass;
using spec::PatternNode;

bool is_ascii_alnum(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Filler standing for `.*` on an unanchored side: drawn like `.`, but any character may be there.
PatternClass filler_class() {
  return PatternClass{spec::dot_class().sure, CodePointSet::all(), CodePointSet::all()};
}

// ---------------------------------------------------------------------------------------------
// Position automaton (Glushkov construction)

struct Fragment {
  bool nullable = true;
  std::vector<uint32_t> first;
  std::vector<uint32_t> last;
};

std::vector<uint32_t> merge(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  std::vector<uint32_t> out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

constexpr std::u32string_view kPreferredAscii =
    U"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
// Non-ASCII (and tab) characters worth trying where allowed: accents, scripts, emoji.
constexpr std::u32string_view kNotable =
    U"\u00e9\u00fc\u00df\u03a9\u0416\u4e2d\u65e5\ud55c\u2764"
    U"\U0001F600\U0001F389\t";

class AutomatonBuilder {
 public:
  AutomatonBuilder() {
    automaton_.positions.emplace_back();
    automaton_.follow.emplace_back();
  }

  bool overflow() const { return overflow_; }
  Automaton& automaton() { return automaton_; }

  Fragment build(const PatternNode& node) {
    if (overflow_) return {};
    switch (node.kind) {
      case PatternNode::Kind::kEmpty:
        return {};
      case PatternNode::Kind::kClass: {
        const uint32_t state = new_position(node.chars);
        return Fragment{false, {state}, {state}};
      }
      case PatternNode::Kind::kConcat: {
        Fragment acc;
        for (const PatternNode& child : node.children) acc = concat(std::move(acc), build(child));
        return acc;
      }
      case PatternNode::Kind::kAlternation: {
        Fragment acc{false, {}, {}};
        for (const PatternNode& child : node.children) {
          Fragment f = build(child);
          acc.nullable = acc.nullable || f.nullable;
          acc.first = merge(acc.first, f.first);
          acc.last = merge(acc.last, f.last);
        }
        return acc;
      }
      case PatternNode::Kind::kRepeat:
        return repeat(node);
    }
    return {};
  }

 private:
  uint32_t new_position(const PatternClass& chars) {
    if (automaton_.positions.size() > kMaxPositions) {
      overflow_ = true;
      return 0;
    }
    Position p;
    p.chars = chars;
    for (char32_t c : kPreferredAscii) {
      if (chars.sure.contains(c)) p.preferred_ascii.push_back(c);
    }
    for (char32_t c = 0x20; c <= 0x7E; ++c) {
      if (!is_ascii_alnum(c) && chars.sure.contains(c)) p.preferred_ascii.push_back(c);
    }
    p.other = chars.sure.minus(CodePointSet::range(0x20, 0x7E));
    for (char32_t c : kNotable) {
      if (p.other.contains(c)) p.notable_other.push_back(c);
    }
    for (const CodePointSet::Range& r : p.other.ranges()) {
      p.other_edges.push_back(r.first);
      if (r.second != r.first) p.other_edges.push_back(r.second);
    }
    automaton_.positions.push_back(std::move(p));
    automaton_.follow.emplace_back();
    return static_cast<uint32_t>(automaton_.positions.size() - 1);
  }

  void connect(const std::vector<uint32_t>& from, const std::vector<uint32_t>& to) {
    if (overflow_) return;
    edges_ += from.size() * to.size();
    if (edges_ > kMaxEdges) {
      overflow_ = true;
      return;
    }
    for (uint32_t p : from) {
      auto& list = automaton_.follow[p];
      list.insert(list.end(), to.begin(), to.end());
    }
  }

  Fragment concat(Fragment a, Fragment b) {
    connect(a.last, b.first);
    Fragment out;
    out.nullable = a.nullable && b.nullable;
    out.first = a.nullable ? merge(a.first, b.first) : std::move(a.first);
    out.last = b.nullable ? merge(a.last, b.last) : std::move(b.last);
    return out;
  }

  Fragment loop(Fragment f) {
    connect(f.last, f.first);
    return f;
  }

  static Fragment optional(Fragment f) {
    f.nullable = true;
    return f;
  }

  Fragment repeat(const PatternNode& node) {
    const PatternNode& child = node.children[0];
    const uint32_t min = node.min_repeat;
    if (!node.max_repeat) {
      if (min == 0) return optional(loop(build(child)));
      Fragment acc;
      for (uint32_t i = 0; i + 1 < min && !overflow_; ++i)
        acc = concat(std::move(acc), build(child));
      return concat(std::move(acc), loop(build(child)));
    }
    Fragment acc;
    for (uint32_t i = 0; i < min && !overflow_; ++i) acc = concat(std::move(acc), build(child));
    const uint32_t extra = *node.max_repeat - min;
    if (extra == 0 || overflow_) return acc;
    // x{0,k} as (x(x(x)?)?)? keeps the edge count linear in k.
    std::vector<Fragment> copies;
    for (uint32_t i = 0; i < extra && !overflow_; ++i) copies.push_back(build(child));
    if (overflow_) return {};
    Fragment tail = optional(std::move(copies.back()));
    for (size_t j = copies.size() - 1; j-- > 0;) {
      tail = optional(concat(std::move(copies[j]), std::move(tail)));
    }
    return concat(std::move(acc), std::move(tail));
  }

  Automaton automaton_;
  size_t edges_ = 0;
  bool overflow_ = false;
};

// Which states can still be part of an accepted string built from the `sure` sets.
std::vector<bool> live_states(const Automaton& a) {
  const size_t n = a.state_count();
  const auto usable = [&](uint32_t s) { return s == 0 || !a.positions[s].chars.sure.empty(); };
  std::vector<bool> reach(n, false);
  std::vector<uint32_t> stack{0};
  reach[0] = true;
  while (!stack.empty()) {
    const uint32_t s = stack.back();
    stack.pop_back();
    for (uint32_t t : a.follow[s]) {
      if (!reach[t] && usable(t)) {
        reach[t] = true;
        stack.push_back(t);
      }
    }
  }
  std::vector<bool> coreach(n, false);
  for (uint32_t s = 0; s < n; ++s) {
    if (a.accepting[s] && usable(s)) {
      coreach[s] = true;
      stack.push_back(s);
    }
  }
  while (!stack.empty()) {
    const uint32_t s = stack.back();
    stack.pop_back();
    if (s == 0) continue;  // the start has no predecessors; and s must be usable here
    for (uint32_t p : a.preceding[s]) {
      if (!coreach[p] && usable(p)) {
        coreach[p] = true;
        stack.push_back(p);
      }
    }
  }
  std::vector<bool> live(n);
  for (size_t s = 0; s < n; ++s) live[s] = reach[s] && coreach[s];
  return live;
}

void compute_min_max(Automaton& a) {
  const std::vector<bool> live = live_states(a);
  const size_t n = a.state_count();
  if (!live[0]) {
    a.empty_language = true;
    a.min_length = 0;
    a.max_length = 0;
    return;
  }
  // Shortest: BFS over live states.
  std::vector<uint64_t> dist(n, UINT64_MAX);
  std::deque<uint32_t> queue{0};
  dist[0] = 0;
  uint64_t shortest = UINT64_MAX;
  while (!queue.empty()) {
    const uint32_t s = queue.front();
    queue.pop_front();
    if (a.accepting[s]) shortest = std::min(shortest, dist[s]);
    for (uint32_t t : a.follow[s]) {
      if (live[t] && dist[t] == UINT64_MAX) {
        dist[t] = dist[s] + 1;
        queue.push_back(t);
      }
    }
  }
  a.min_length = shortest;
  // Longest: a cycle among live states means unbounded; otherwise longest path in the DAG.
  std::vector<size_t> indegree(n, 0);
  size_t live_count = 0;
  for (uint32_t s = 0; s < n; ++s) {
    if (!live[s]) continue;
    ++live_count;
    for (uint32_t t : a.follow[s]) {
      if (live[t]) ++indegree[t];
    }
  }
  std::vector<uint32_t> order;
  for (uint32_t s = 0; s < n; ++s) {
    if (live[s] && indegree[s] == 0) order.push_back(s);
  }
  for (size_t i = 0; i < order.size(); ++i) {
    for (uint32_t t : a.follow[order[i]]) {
      if (live[t] && --indegree[t] == 0) order.push_back(t);
    }
  }
  if (order.size() < live_count) {
    a.max_length = std::nullopt;
    return;
  }
  std::vector<int64_t> longest(n, -1);
  longest[0] = 0;
  uint64_t best = 0;
  for (uint32_t s : order) {
    if (longest[s] < 0) continue;
    if (a.accepting[s]) best = std::max(best, static_cast<uint64_t>(longest[s]));
    for (uint32_t t : a.follow[s]) {
      if (live[t]) longest[t] = std::max(longest[t], longest[s] + 1);
    }
  }
  a.max_length = best;
}

}  // namespace

Result<Automaton, PatternLimitation> build_automaton(const spec::PatternSyntax& parsed) {
  PatternNode root = parsed.root;
  const auto filler = [] {
    PatternNode star;
    star.kind = PatternNode::Kind::kRepeat;
    star.min_repeat = 0;
    star.children.push_back(spec::class_node(filler_class()));
    return star;
  };
  if (!parsed.anchored_start || !parsed.anchored_end) {
    PatternNode wrapped;
    wrapped.kind = PatternNode::Kind::kConcat;
    if (!parsed.anchored_start) wrapped.children.push_back(filler());
    wrapped.children.push_back(std::move(root));
    if (!parsed.anchored_end) wrapped.children.push_back(filler());
    root = std::move(wrapped);
  }
  AutomatonBuilder builder;
  Fragment fragment = builder.build(root);
  if (builder.overflow()) {
    return PatternLimitation{"pattern too large", 0,
                             "pattern too large: after expanding counted repetitions it needs more "
                             "than " +
                                 std::to_string(kMaxPositions) + " positions or " +
                                 std::to_string(kMaxEdges) + " transitions"};
  }
  Automaton a = std::move(builder.automaton());
  a.follow[0] = fragment.first;
  a.accepting.assign(a.state_count(), false);
  a.accepting[0] = fragment.nullable;
  for (uint32_t s : fragment.last) a.accepting[s] = true;
  a.preceding.assign(a.state_count(), {});
  for (uint32_t s = 0; s < a.state_count(); ++s) {
    auto& list = a.follow[s];
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    for (uint32_t t : list) a.preceding[t].push_back(s);
  }
  compute_min_max(a);
  return a;
}

LengthTable compute_lengths(const Automaton& a, uint64_t cap) {
  const size_t n = a.state_count();
  LengthTable table;
  table.cap = cap;
  table.words_per_state = static_cast<size_t>(cap / 64 + 1);
  table.bits.assign(n * table.words_per_state, 0);
  const size_t set_words = n / 64 + 1;
  const auto set_bit = [&](uint32_t state, uint64_t length) {
    table.bits[state * table.words_per_state + length / 64] |= uint64_t{1} << (length % 64);
  };
  const auto usable = [&](uint32_t s) { return s != 0 && !a.positions[s].chars.sure.empty(); };

  // layers[t]: the states from which exactly t more characters can complete a match.
  std::vector<std::vector<uint64_t>> layers;
  std::unordered_map<uint64_t, std::vector<size_t>> seen;
  const auto record = [&](const std::vector<uint64_t>& layer, uint64_t length) {
    for (size_t w = 0; w < set_words; ++w) {
      for (uint64_t word = layer[w]; word != 0; word &= word - 1) {
        set_bit(static_cast<uint32_t>(w * 64 + __builtin_ctzll(word)), length);
      }
    }
  };
  std::vector<uint64_t> current(set_words, 0);
  for (uint32_t s = 0; s < n; ++s) {
    if (a.accepting[s]) current[s / 64] |= uint64_t{1} << (s % 64);
  }
  for (uint64_t t = 0; t <= cap; ++t) {
    if (t > 0) {
      std::vector<uint64_t> next(set_words, 0);
      for (size_t w = 0; w < set_words; ++w) {
        for (uint64_t word = current[w]; word != 0; word &= word - 1) {
          const auto s = static_cast<uint32_t>(w * 64 + __builtin_ctzll(word));
          if (!usable(s)) continue;
          for (uint32_t p : a.preceding[s]) next[p / 64] |= uint64_t{1} << (p % 64);
        }
      }
      current = std::move(next);
    }
    record(current, t);
    // The layers are a function of the previous one, so a repeated layer repeats forever.
    uint64_t hash = 1469598103934665603ULL;
    for (uint64_t word : current) hash = (hash ^ word) * 1099511628211ULL;
    auto& bucket = seen[hash];
    for (size_t earlier : bucket) {
      if (layers[earlier] == current) {
        const uint64_t period = t - earlier;
        for (uint64_t later = t + 1; later <= cap; ++later) {
          record(layers[earlier + (later - earlier) % period], later);
        }
        return table;
      }
    }
    bucket.push_back(static_cast<size_t>(t));
    layers.push_back(current);
  }
  return table;
}

bool possibly_accepts(const Automaton& a, const std::vector<char32_t>& code_points) {
  std::vector<uint32_t> current{0};
  std::vector<uint32_t> next;
  std::vector<char> marked(a.state_count(), 0);
  for (char32_t c : code_points) {
    next.clear();
    for (uint32_t s : current) {
      for (uint32_t t : a.follow[s]) {
        if (!marked[t] && a.positions[t].chars.possible.contains(c)) {
          marked[t] = 1;
          next.push_back(t);
        }
      }
    }
    for (uint32_t t : next) marked[t] = 0;
    if (next.empty()) return false;
    std::swap(current, next);
  }
  for (uint32_t s : current) {
    if (a.accepting[s]) return true;
  }
  return false;
}

}  // namespace lpe::generators::internal
