// Bodies a server must reject with a SerializationException (R6), each labelled with what makes it
// so. The tables below are data: JSON text that is not an object, tokens RFC 8259 rejects, broken
// member syntax, text after the value, invalid UTF-8 byte sequences.
#include <string>
#include <string_view>
#include <vector>

#include <rapidcheck.h>

#include "generators/internal/decorate.h"
#include "generators/internal/request_breaker.h"
#include "generators/internal/request_state.h"

namespace lpe::generators::internal {
namespace {

using std::string_view_literals::operator""sv;

constexpr std::string_view kNotObjects[] = {"[]",   "\"text\"", "5",  "true",  "false",
                                            "null", "1.5",      "-1", "\"{}\""};
constexpr std::string_view kBadTokens[] = {"01",
                                           "1.",
                                           ".5",
                                           "-",
                                           "+1",
                                           "NaN",
                                           "Infinity",
                                           "-Infinity",
                                           "tru",
                                           "nul",
                                           "'single'",
                                           "\"\\x\"",
                                           "\"\\u12\"",
                                           "\"\\ud800\"",
                                           "\"\\udc00\"",
                                           "\"\\ud800\\u0041\"",
                                           "\"a\tb\"",
                                           "\"a\nb\"",
                                           "\"unterminated",
                                           "[1,]",
                                           "{\"a\":}",
                                           "1e400",
                                           "-1e400",
                                           "[1 2]",
                                           "{\"a\" 1}",
                                           "/*c*/1",
                                           "\"\x01\"",
                                           "0x10",
                                           "1e",
                                           "--1",
                                           "[",
                                           "{",
                                           "\"a\0b\""sv,
                                           "1\0"sv};
constexpr std::string_view kBadFirstMembers[] = {
    "zz:1", "'zz':1", "\"zz\" 1", "\"zz\"::1", "\"zz\":1 \"yy\":2", ","};
constexpr std::string_view kTrailing[] = {"x", "}",     "{}",   ",",    " 1",
                                          "]", " null", "\"\"", "\0"sv, "\0junk"sv};
constexpr std::string_view kInvalidUtf8[] = {
    "\xFF",     "\xC0\xAF", "\xED\xA0\x80",         "\xF4\x90\x80\x80",
    "\xE2\x82", "\x80",     "\xF8\x88\x80\x80\x80", "\xC3"};

template <size_t N>
std::string pick(const std::string_view (&table)[N]) {
  return std::string(table[*index_below(N)]);
}

// Malformed-value tokens that RFC 8259 allows a parser to accept inside a member the operation
// does not define: numbers beyond any range, lone surrogate escapes.
bool leaves_to_implementation(std::string_view token) {
  return token == "1e400" || token == "-1e400" || token.find("\\ud800") != std::string_view::npos ||
         token.find("\\udc00") != std::string_view::npos;
}

// Offsets in `text` where a code point starts (and its end).
std::vector<size_t> code_point_starts(const std::string& text) {
  std::vector<size_t> out;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) out.push_back(i);
  }
  out.push_back(text.size());
  return out;
}

// A valid input object as a tree, the base most broken bodies start from.
RawJson valid_tree(const RequestState& state) {
  return RawJson::from_json(internal::draw_valid_structure(state.root(), state.options(), 0, true));
}

// A value of the wrong JSON type somewhere in the input (other members may break R7 too).
void member_type_error(const RequestState& state, LabelledRequest& out) {
  Labels labels;
  RequestBreaker breaker(state, labels);
  const RawJson tree = breaker.structure(state.root(), 0, true, true);
  out.body = write(tree, draw_style(6));
  out.description = labels.description("serialization error");
  if (!labels.violations.empty()) out.description += " (with R7 violations too: R6 wins)";
}

void not_object_error(const RequestState& state, LabelledRequest& out) {
  if (*chance(1, 4)) {
    out.body = "[" + write(valid_tree(state)) + "]";
  } else {
    out.body = pick(kNotObjects);
  }
  out.description = "serialization error: the body is not a JSON object";
}

// A member whose value is a token JSON does not allow, anywhere among the valid members.
void bad_token_error(RawJson& tree, LabelledRequest& out) {
  const std::string token = pick(kBadTokens);
  tree.members.insert(
      tree.members.begin() + static_cast<std::ptrdiff_t>(*index_below(tree.members.size() + 1)),
      {"zz", RawJson::verbatim(token)});
  out.body = write(tree, draw_style(6));
  out.description = "serialization error: malformed value " + token;
  if (leaves_to_implementation(token)) {
    out.implementation_defined =
        "R6 leaves the range of numbers and lone surrogate escapes inside members the "
        "operation does not define to the implementation (RFC 8259 sections 6 and 8.2)";
  }
}

// Truncated text, text after the object, a malformed value or malformed member syntax.
void malformed_error(const RequestState& state, LabelledRequest& out) {
  RawJson tree = valid_tree(state);
  const std::string compact = write(tree);
  switch (*choice({2, 1, 3, 2})) {
    case 0: {
      const auto cut =
          static_cast<size_t>(*int_between(1, static_cast<int64_t>(compact.size()) - 1, 1));
      out.body = compact.substr(0, cut);
      out.description = "serialization error: truncated JSON";
      break;
    }
    case 1:
      out.body = compact + pick(kTrailing);
      out.description = "serialization error: text after the JSON object";
      break;
    case 2:
      bad_token_error(tree, out);
      break;
    default: {
      const std::string bad = pick(kBadFirstMembers);
      const std::string inner = compact.substr(1, compact.size() - 2);
      out.body = "{" + bad + (inner.empty() ? "" : "," + inner) + "}";
      out.description = "serialization error: malformed member syntax " + bad;
      break;
    }
  }
}

// Invalid UTF-8 in a new string member, in a key, or inside an existing string value.
void bad_utf8_error(const RequestState& state, LabelledRequest& out) {
  RawJson tree = valid_tree(state);
  const std::string bad = pick(kInvalidUtf8);
  std::vector<size_t> string_members;
  for (size_t i = 0; i < tree.members.size(); ++i) {
    if (tree.members[i].second.kind == RawJson::Kind::kString) string_members.push_back(i);
  }
  const size_t target = *choice({2, 1, string_members.empty() ? 0u : 3u});
  const size_t member = target == 2 ? string_members[*index_below(string_members.size())] : 0;
  std::string text = target == 2 ? tree.members[member].second.text : std::string("abc");
  const auto starts = code_point_starts(text);
  text.insert(starts[*index_below(starts.size())], bad);
  if (target == 0) {
    tree.members.emplace_back("zz", RawJson::string(text));
  } else if (target == 1) {
    tree.members.emplace_back(text, RawJson::number("1"));
  } else {
    tree.members[member].second.text = text;
  }
  out.body = write(tree, draw_style(6));
  out.description = "serialization error: invalid UTF-8 in a " +
                    std::string(target == 1 ? "key" : "string value");
}

void too_deep_error(const RequestState& state, LabelledRequest& out) {
  RawJson tree = valid_tree(state);
  // One level past the limit half the time (the boundary), deeper otherwise.
  const int64_t limit = validators::kMaxJsonDepth;
  const auto depth =
      static_cast<size_t>(*choice({1, 1}) == 0 ? limit : *int_between(limit + 1, 400, limit + 1));
  std::string deep;
  if (*chance(1, 2)) {
    for (size_t i = 0; i < depth; ++i) deep += "{\"a\":";
    deep += "1" + std::string(depth, '}');
  } else {
    deep = std::string(depth, '[') + std::string(depth, ']');  // the shrunk form: shortest
  }
  tree.members.emplace_back("zz", RawJson::verbatim(deep));
  out.body = write(tree);
  out.description = "serialization error: nesting " + std::to_string(depth + 1) +
                    " levels deep (limit " + std::to_string(validators::kMaxJsonDepth) + ")";
  out.implementation_defined = kNestingIsImplementationDefined;
}

}  // namespace

ExpectedOutcome serialization_outcome(const RequestState& state) {
  ExpectedOutcome e;
  e.outcome = validators::Outcome::kSerializationError;
  e.status = state.serialization_status;
  e.error_type = std::string(kSerializationException);
  return e;
}

LabelledRequest draw_serialization_error(const RequestState& state) {
  // By weight: a wrong member type (when some member can carry one), not an object, malformed
  // JSON, invalid UTF-8, too deep.
  using Category = void (*)(const RequestState&, LabelledRequest&);
  static constexpr Category kCategories[] = {member_type_error, not_object_error, malformed_error,
                                             bad_utf8_error, too_deep_error};
  LabelledRequest out;
  out.expected = serialization_outcome(state);
  kCategories[*choice({state.root_can_carry ? 6u : 0u, 1, 4, 2, 1})](state, out);
  return out;
}

}  // namespace lpe::generators::internal
