#include "validators/internal/walker.h"

#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "validators/internal/message_text.h"
#include "wire/rfc3339.h"

namespace lpe::validators::internal {
namespace {

using spec::Member;
using spec::Shape;
using spec::ShapeType;

struct IntLimits {
  int64_t min;
  int64_t max;
  const char* name;
};

std::optional<IntLimits> int_limits(ShapeType t) {
  switch (t) {
    case ShapeType::kByte:
      return IntLimits{INT8_MIN, INT8_MAX, "an 8-bit integer"};
    case ShapeType::kShort:
      return IntLimits{INT16_MIN, INT16_MAX, "a 16-bit integer"};
    case ShapeType::kInteger:
    case ShapeType::kIntEnum:
      return IntLimits{INT32_MIN, INT32_MAX, "a 32-bit integer"};
    case ShapeType::kLong:
      return IntLimits{INT64_MIN, INT64_MAX, "a 64-bit integer"};
    default:
      return std::nullopt;
  }
}

bool valid_base64(std::string_view s) {
  if (s.size() % 4 != 0) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum || c == '+' || c == '/') continue;
    if (c == '=' && i + 2 >= s.size()) continue;
    return false;
  }
  return true;
}

// Bytes a valid (padded) base64 text decodes to: Smithy blob lengths count bytes, not characters,
// so the '=' padding is not counted ("YQ==" is 1 byte).
uint64_t decoded_base64_size(std::string_view s) {
  const uint64_t padding =
      (!s.empty() && s.back() == '=') + (s.size() >= 2 && s[s.size() - 2] == '=');
  return s.size() / 4 * 3 - padding;
}

// One step of the current path: a member name or a list index. Paths are only turned into
// strings when an issue is reported, so valid input costs no string building.
struct Segment {
  std::string_view name;
  uint32_t index = 0;
  bool is_index = false;
};

class Walker {
 public:
  Walker(const Tape& tape, const WalkOptions& options, IssueList& issues)
      : tape_(tape), options_(options), issues_(issues), path_(thread_path()) {
    path_.clear();
  }

  void structure(uint32_t index, const Shape& shape) {
    const Node& object = tape_.nodes[index];
    if (object.kind != NodeKind::kObject) {
      type_mismatch(index, "an object");
      return;
    }
    // Last occurrence of each model member (duplicate keys: the last wins, R5).
    const size_t count = shape.members.size();
    constexpr size_t kInline = 32;
    uint32_t inline_found[kInline];
    std::vector<uint32_t> heap_found;
    uint32_t* found = inline_found;
    if (count > kInline) {
      heap_found.assign(count, 0);
      found = heap_found.data();
    } else {
      std::fill_n(found, count, 0);  // only the members this shape has
    }
    uint32_t child = index + 1;
    for (uint32_t i = 0; i < object.size; ++i) {
      const std::string_view key = tape_.text(tape_.nodes[child]);
      const uint32_t value = child + 1;
      const int m = shape.find_member(key);
      if (m >= 0 && shape.members[static_cast<size_t>(m)].binding == spec::HttpBinding::kBody) {
        found[m] = value;
      } else {
        unknown_member(key);  // header-, query- and label-bound members are not body members
      }
      child = tape_.nodes[value].end;
    }
    const bool response = options_.mode != ValueMode::kRequest;
    size_t set_members = 0;
    bool has_presence_rules = false;
    for (size_t m = 0; m < count; ++m) {
      const Member& mem = shape.members[m];
      if (mem.binding != spec::HttpBinding::kBody) continue;
      has_presence_rules = has_presence_rules || mem.present_when.has_value();
      path_.emplace_back().name = mem.name;
      const uint32_t value = found[m];
      if (value == 0 || tape_.nodes[value].kind == NodeKind::kNull) {
        if (mem.required && !(value == 0 && mem.default_value && !response)) {
          not_null();
        } else if (value != 0 && options_.mode == ValueMode::kResponse) {
          const std::string member = member_path();
          issues_.push_back({IssueKind::kNullOptional, pointer(), member, ConstraintKind::kRequired,
                             "optional member '" + member + "' is null (omit it instead)"});
        }
      } else {
        ++set_members;
        this->value(value, *mem.target, mem.constraints);
      }
      path_.pop_back();
    }
    if (has_presence_rules && response) presence(shape, found);
    if (shape.type == ShapeType::kUnion && set_members != 1) {
      const std::string member = member_path();
      issues_.push_back({IssueKind::kTypeMismatch, pointer(), member, ConstraintKind::kRequired,
                         "union '" + display(member) + "' must have exactly one member set, has " +
                             std::to_string(set_members)});
    }
  }

 private:
  static std::string display(const std::string& member) {
    return member.empty() ? "<root>" : member;
  }

  // The current path as a JSON pointer ("/events/0/eventTime").
  std::string pointer() const {
    std::string out;
    write_pointer(out);
    return out;
  }
  void write_pointer(std::string& out) const {
    for (const auto& seg : path_) {
      if (seg.is_index) {
        out += '/';
        out += std::to_string(seg.index);
      } else {
        append_pointer(out, seg.name);
      }
    }
  }

  // The current path as AWS messages name members ("events.0.eventTime").
  std::string member_path() const {
    std::string out;
    write_member_path(out);
    return out;
  }
  void write_member_path(std::string& out) const {
    for (const auto& seg : path_) {
      if (!out.empty()) out += '.';
      if (seg.is_index) {
        out += std::to_string(seg.index);
      } else {
        out += seg.name;
      }
    }
  }

  void type_mismatch(uint32_t index, std::string_view expected) {
    const Node& n = tape_.nodes[index];
    std::string got(kind_name(n.kind));
    if (n.kind == NodeKind::kNumber || n.kind == NodeKind::kString) {
      got += ' ';
      got += render_json(tape_, index);
    }
    const std::string member = member_path();
    issues_.push_back(
        {IssueKind::kTypeMismatch, pointer(), member, ConstraintKind::kRequired,
         "Value at '" + display(member) + "' must be " + std::string(expected) + ", got " + got});
  }

  void unknown_member(std::string_view key) {
    if (options_.mode == ValueMode::kRequest) return;  // requests ignore unknown members (R5)
    path_.push_back({key, 0, false});
    const std::string m = member_path();
    issues_.push_back(
        {IssueKind::kUnknownMember, pointer(), m, ConstraintKind::kRequired,
         options_.mode == ValueMode::kData
             ? "member '" + m + "' is not in the model"
             : "member '" + m + "' is not in the model (a newer API version may add it)"});
    path_.pop_back();
  }

  // Presence rules (lpe.conformance#presentWhen, R9): a member is present exactly when its
  // sibling's value matches the rule's pattern. `found` holds each member's value node (0: absent).
  void presence(const Shape& shape, const uint32_t* found) {
    for (size_t m = 0; m < shape.members.size(); ++m) {
      const Member& mem = shape.members[m];
      if (!mem.present_when) continue;
      const int s = shape.find_member(mem.present_when->sibling);
      const uint32_t sibling = s < 0 ? 0 : found[s];
      if (sibling == 0 || tape_.nodes[sibling].kind != NodeKind::kString) continue;
      const std::string_view sibling_text = tape_.text(tape_.nodes[sibling]);
      // A value the sibling's enum does not know (a newer API version, R9) says nothing about
      // which members belong with it.
      const auto& known = shape.members[static_cast<size_t>(s)].target->enum_values;
      if (!known.empty() && std::none_of(known.begin(), known.end(), [&](const spec::EnumValue& v) {
            return v.string_value == sibling_text;
          })) {
        continue;
      }
      const bool expected = spec::pattern_matches(mem.present_when->pattern, sibling_text);
      const bool present = found[m] != 0 && tape_.nodes[found[m]].kind != NodeKind::kNull;
      if (present == expected) continue;
      path_.emplace_back().name = mem.name;
      const std::string member = member_path();
      const std::string when = "'" + mem.present_when->sibling + "' matches " +
                               mem.present_when->pattern.source + ", here '" +
                               cut(sibling_text, 64) + "'";
      if (present) {
        issues_.push_back(
            {IssueKind::kPresentWhenExcluded, pointer(), member, ConstraintKind::kRequired,
             "member '" + member + "' is present, but it belongs only where " + when});
      } else {
        issues_.push_back({IssueKind::kAbsentWhenExpected, pointer(), member,
                           ConstraintKind::kRequired,
                           "member '" + member + "' is absent, but it is expected where " + when});
      }
      path_.pop_back();
    }
  }

 public:
  // A value of `member`, named `name` in messages (its pointers start with "/<name>").
  void member_value(uint32_t index, const Member& member, std::string_view name) {
    path_.push_back({name, 0, false});
    if (tape_.nodes[index].kind == NodeKind::kNull) {
      if (member.required) not_null();
    } else {
      value(index, *member.target, member.constraints);
    }
    path_.pop_back();
  }

 private:
  void not_null() {
    Issue& issue = issues_.add();
    issue.kind = IssueKind::kConstraint;
    issue.constraint = ConstraintKind::kRequired;
    write_pointer(issue.pointer);
    write_member_path(issue.member_path);
    constexpr std::string_view kHead = "Value null at '";
    constexpr std::string_view kTail = "' failed to satisfy constraint: Member must not be null";
    std::string& m = issue.message;
    m.reserve(kHead.size() + issue.member_path.size() + kTail.size());
    m.append(kHead).append(issue.member_path).append(kTail);
  }

  // A constraint violation of the value at `index`: "Value '<v>' at '<member>' failed to satisfy
  // constraint: <phrase>" (R7).
  void violated(uint32_t index, ConstraintKind kind, std::string_view phrase,
                std::string_view detail = {}) {
    Issue& issue = issues_.add();
    issue.kind = IssueKind::kConstraint;
    issue.constraint = kind;
    write_pointer(issue.pointer);
    write_member_path(issue.member_path);
    constexpr std::string_view kHead = "Value '";
    constexpr std::string_view kAt = "' at '";
    constexpr std::string_view kFailed = "' failed to satisfy constraint: ";
    std::string& m = issue.message;
    const Node& n = tape_.nodes[index];
    const size_t rest =
        kAt.size() + issue.member_path.size() + kFailed.size() + phrase.size() + detail.size();
    if (n.kind == NodeKind::kString && n.text_length <= kMaxRenderedCodePoints) {
      // The common case, sized exactly: a string short enough to print whole (bytes bound code
      // points).
      const std::string_view text = tape_.text(n);
      m.reserve(kHead.size() + text.size() + rest);
      m.append(kHead).append(text);
    } else {
      m.reserve(kHead.size() + 32 + rest);
      m.append(kHead);
      render_for_message(tape_, index, m, 0);
      if (m.size() > kHead.size() + kMaxRenderedCodePoints) {
        m = cut(m, kHead.size() + kMaxRenderedCodePoints);
      }
    }
    m.append(kAt).append(issue.member_path).append(kFailed).append(phrase).append(detail);
  }

  // `violated` with a number as the detail, formatted without a temporary string.
  void violated(uint32_t index, ConstraintKind kind, std::string_view phrase, int64_t number) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
    violated(index, kind, phrase, std::string_view(digits, static_cast<size_t>(end - digits)));
  }

  void check_length(uint32_t index, const spec::Constraints& c, uint64_t length) {
    if (!c.length) return;
    if (c.length->min && length < static_cast<uint64_t>(*c.length->min)) {
      violated(index, ConstraintKind::kLength, "Member must have length greater than or equal to ",
               *c.length->min);
    }
    if (c.length->max && length > static_cast<uint64_t>(*c.length->max)) {
      violated(index, ConstraintKind::kLength, "Member must have length less than or equal to ",
               *c.length->max);
    }
  }

  void check_range(uint32_t index, const spec::Constraints& c, double value) {
    if (!c.range) return;
    if (c.range->min && value < *c.range->min) {
      violated(index, ConstraintKind::kRange, "Member must have value greater than or equal to ",
               std::string_view(c.range->min_text));
    }
    if (c.range->max && value > *c.range->max) {
      violated(index, ConstraintKind::kRange, "Member must have value less than or equal to ",
               std::string_view(c.range->max_text));
    }
  }

  void check_enum(uint32_t index, const Shape& target, std::string_view text) {
    if (target.enum_values.empty() || target.type == ShapeType::kIntEnum) return;
    for (const auto& v : target.enum_values) {
      if (v.string_value == text) return;
    }
    if (options_.mode == ValueMode::kResponse) {
      const std::string member = member_path();
      issues_.push_back({IssueKind::kUnknownEnumValue, pointer(), member, ConstraintKind::kEnum,
                         "value '" + cut(text, 64) + "' at '" + member + "' is not in enum " +
                             std::string(target.name()) + " (a newer API version may add it)"});
      return;
    }
    std::string set;
    for (const auto& v : target.enum_values) set += (set.empty() ? "" : ", ") + v.string_value;
    violated(index, ConstraintKind::kEnum, "Member must satisfy enum value set: [" + set + "]");
  }

  // A value of `target` under constraints `c`: its JSON type, then its constraints, then its
  // parts. Its steps below are forced inline: the walk is the validator's hot path
  // (bench/lpe_bench.cc), and it ran as one function before it had steps.
  void value(uint32_t index, const Shape& target, const spec::Constraints& c) {
    const Node& n = tape_.nodes[index];
    if (++depth_ > kMaxJsonDepth) {
      --depth_;
      return;
    }
    switch (target.type) {
      case ShapeType::kString:
      case ShapeType::kEnum:
        string_value(index, target, c);
        break;
      case ShapeType::kBoolean:
        if (n.kind != NodeKind::kTrue && n.kind != NodeKind::kFalse) {
          type_mismatch(index, "a boolean");
        }
        break;
      case ShapeType::kByte:
      case ShapeType::kShort:
      case ShapeType::kInteger:
      case ShapeType::kLong:
      case ShapeType::kIntEnum:
        integer_value(index, target, c);
        break;
      case ShapeType::kBigInteger:
      case ShapeType::kFloat:
      case ShapeType::kDouble:
      case ShapeType::kBigDecimal:
        number_value(index, target, c);
        break;
      case ShapeType::kTimestamp:
        timestamp(index, c);
        break;
      case ShapeType::kBlob:
        if (n.kind != NodeKind::kString || !valid_base64(tape_.text(n))) {
          type_mismatch(index, "a base64 string");
          break;
        }
        check_length(index, c, decoded_base64_size(tape_.text(n)));
        break;
      case ShapeType::kList:
      case ShapeType::kSet:
        list_value(index, target, c);
        break;
      case ShapeType::kMap:
        map_value(index, target, c);
        break;
      case ShapeType::kStructure:
      case ShapeType::kUnion:
        structure(index, target);
        break;
      default:  // documents hold any value
        break;
    }
    --depth_;
  }

  [[gnu::always_inline]] void string_value(uint32_t index, const Shape& target,
                                           const spec::Constraints& c) {
    const Node& n = tape_.nodes[index];
    if (n.kind != NodeKind::kString) {
      type_mismatch(index, "a string");
      return;
    }
    const std::string_view text = tape_.text(n);
    if (c.length) check_length(index, c, n.ascii ? text.size() : spec::code_point_length(text));
    if (c.pattern && !spec::pattern_matches(*c.pattern, text)) {
      violated(index, ConstraintKind::kPattern, "Member must satisfy regular expression pattern: ",
               std::string_view(c.pattern->source));
    }
    check_enum(index, target, text);
  }

  // byte, short, integer, long and intEnum: an integral number within the type's limits.
  [[gnu::always_inline]] void integer_value(uint32_t index, const Shape& target,
                                            const spec::Constraints& c) {
    const Node& n = tape_.nodes[index];
    const auto limits = *int_limits(target.type);
    if (n.kind != NodeKind::kNumber || !n.integral || !n.fits_int64 || n.int_value < limits.min ||
        n.int_value > limits.max) {
      type_mismatch(index, limits.name);
      return;
    }
    if (target.type == ShapeType::kIntEnum) {
      bool known = false;
      for (const auto& v : target.enum_values) known = known || v.int_value == n.int_value;
      if (!known && options_.mode != ValueMode::kResponse) {
        std::string set;
        for (const auto& v : target.enum_values) {
          set += (set.empty() ? "" : ", ") + std::to_string(v.int_value);
        }
        violated(index, ConstraintKind::kEnum, "Member must satisfy enum value set: [" + set + "]");
      }
    }
    check_range(index, c, static_cast<double>(n.int_value));
  }

  // bigInteger (an integral number of any size) and the floating-point shapes (any number).
  [[gnu::always_inline]] void number_value(uint32_t index, const Shape& target,
                                           const spec::Constraints& c) {
    const Node& n = tape_.nodes[index];
    if (target.type == ShapeType::kBigInteger) {
      if (n.kind != NodeKind::kNumber || !n.integral) {
        type_mismatch(index, "an integer");
        return;
      }
    } else if (n.kind != NodeKind::kNumber) {
      type_mismatch(index, "a number");
      return;
    }
    check_range(index, c, to_double(n));
  }

  // Whether the value at `index` is a container of `kind` (else a type mismatch); when it is, its
  // element or entry count is checked against the length constraint.
  [[gnu::always_inline]] bool sized_container(uint32_t index, NodeKind kind,
                                              std::string_view expected,
                                              const spec::Constraints& c) {
    const Node& n = tape_.nodes[index];
    if (n.kind != kind) {
      type_mismatch(index, expected);
      return false;
    }
    check_length(index, c, n.size);
    return true;
  }

  // A list element or map value: null breaks R7 unless the container is sparse.
  [[gnu::always_inline]] void slot(uint32_t index, const Member& member, bool sparse) {
    if (tape_.nodes[index].kind == NodeKind::kNull) {
      if (!sparse) not_null();
    } else {
      value(index, *member.target, member.constraints);
    }
  }

  [[gnu::always_inline]] void list_value(uint32_t index, const Shape& target,
                                         const spec::Constraints& c) {
    if (!sized_container(index, NodeKind::kArray, "an array", c)) return;
    const Node& n = tape_.nodes[index];
    const Member& element = target.members.at(0);
    uint32_t child = index + 1;
    for (uint32_t i = 0; i < n.size; ++i) {
      path_.push_back({{}, i, true});
      slot(child, element, c.sparse);
      path_.pop_back();
      child = tape_.nodes[child].end;
    }
  }

  [[gnu::always_inline]] void map_value(uint32_t index, const Shape& target,
                                        const spec::Constraints& c) {
    if (!sized_container(index, NodeKind::kObject, "an object", c)) return;
    const Node& n = tape_.nodes[index];
    const Member& key = target.members.at(0);
    const Member& val = target.members.at(1);
    uint32_t child = index + 1;
    for (uint32_t i = 0; i < n.size; ++i) {
      path_.push_back({tape_.text(tape_.nodes[child]), 0, false});
      value(child, *key.target, key.constraints);
      const uint32_t v = child + 1;
      slot(v, val, c.sparse);
      path_.pop_back();
      child = tape_.nodes[v].end;
    }
  }

  double to_double(const Node& n) const {
    if (n.fits_int64) return static_cast<double>(n.int_value);
    const std::string text(tape_.text(n));
    return std::strtod(text.c_str(), nullptr);
  }

  void timestamp(uint32_t index, const spec::Constraints& c) {
    const Node& n = tape_.nodes[index];
    const auto format = c.timestamp_format.value_or(options_.default_timestamp_format);
    if (format == spec::TimestampFormat::kEpochSeconds) {
      if (n.kind != NodeKind::kNumber) type_mismatch(index, "epoch seconds (a number)");
      return;
    }
    if (n.kind != NodeKind::kString) {
      type_mismatch(index, format == spec::TimestampFormat::kDateTime
                               ? "an RFC 3339 date-time string"
                               : "an HTTP-date string");
      return;
    }
    if (format == spec::TimestampFormat::kDateTime) {
      if (const auto parsed = wire::parse_rfc3339(tape_.text(n)); !parsed) {
        const std::string member = member_path();
        issues_.push_back({IssueKind::kBadTimestamp, pointer(), member, ConstraintKind::kRequired,
                           "Value '" + cut(tape_.text(n), 64) + "' at '" + member +
                               "' is not an RFC 3339 UTC date-time (YYYY-MM-DDThh:mm:ss[.fff]Z): " +
                               parsed.error().message});
      }
    }
  }

  const Tape& tape_;
  const WalkOptions& options_;
  IssueList& issues_;
  // One path buffer per thread, reused: valid input allocates nothing here.
  static std::vector<Segment>& thread_path() {
    thread_local std::vector<Segment> path;
    return path;
  }

  std::vector<Segment>& path_;
  int depth_ = 0;
};

}  // namespace

void append_pointer(std::string& pointer, std::string_view token) {
  pointer += '/';
  spec::append_escaped_pointer_token(pointer, token);
}

void walk_structure(const Tape& tape, uint32_t index, const Shape& shape,
                    const WalkOptions& options, IssueList& issues) {
  Walker walker(tape, options, issues);
  walker.structure(index, shape);
}

void walk_member(const Tape& tape, uint32_t index, const Member& member,
                 std::string_view member_path, const WalkOptions& options, IssueList& issues) {
  Walker walker(tape, options, issues);
  walker.member_value(index, member, member_path);
}

}  // namespace lpe::validators::internal
