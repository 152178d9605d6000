// Internals of generators/generators.h: the text both request and response generators label their
// draws with (member paths, descriptions made of notes), and the typed view of the opaque state
// RequestGenerators and ResponseGenerators keep. Not a public API.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lpe::generators::internal {

// A member path as messages write it: segments joined with '.' ("events.0.eventName").
inline std::string joined(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& segment : path) out += (out.empty() ? "" : ".") + segment;
  return out;
}

// "<prefix>: <note>; <note>..." (the prefix alone without notes): what a draw did, for reports.
inline std::string described(std::string_view prefix, const std::vector<std::string>& notes) {
  std::string out(prefix);
  for (size_t i = 0; i < notes.size(); ++i) out += (i == 0 ? ": " : "; ") + notes[i];
  return out;
}

// The generators' state behind the opaque pointer of the public classes.
template <class State>
const State& state_as(const std::shared_ptr<const void>& state) {
  return *static_cast<const State*>(state.get());
}

}  // namespace lpe::generators::internal
