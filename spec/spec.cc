#include "spec/spec.h"

#include <re2/re2.h>

#include "spec/derive.h"
#include "spec/internal/ascii_dfa.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

namespace lpe::spec {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kPrelude = "smithy.api#";
constexpr std::string_view kBundledModelName =
    "<bundled>/ivs-realtime-list-participant-events.json";
constexpr std::string_view kBundledOverlayName = "<bundled>/lpe-overlay.json";
constexpr std::string_view kBundledErrorsName = "<bundled>/aws-common-errors.json";

struct TypeName {
  std::string_view name;
  ShapeType type;
};

constexpr TypeName kTypeNames[] = {
    {"blob", ShapeType::kBlob},
    {"boolean", ShapeType::kBoolean},
    {"string", ShapeType::kString},
    {"byte", ShapeType::kByte},
    {"short", ShapeType::kShort},
    {"integer", ShapeType::kInteger},
    {"long", ShapeType::kLong},
    {"float", ShapeType::kFloat},
    {"double", ShapeType::kDouble},
    {"bigInteger", ShapeType::kBigInteger},
    {"bigDecimal", ShapeType::kBigDecimal},
    {"timestamp", ShapeType::kTimestamp},
    {"document", ShapeType::kDocument},
    {"list", ShapeType::kList},
    {"set", ShapeType::kSet},
    {"map", ShapeType::kMap},
    {"structure", ShapeType::kStructure},
    {"union", ShapeType::kUnion},
    {"enum", ShapeType::kEnum},
    {"intEnum", ShapeType::kIntEnum},
    {"service", ShapeType::kService},
    {"operation", ShapeType::kOperation},
    {"resource", ShapeType::kResource},
};

std::optional<ShapeType> parse_type(std::string_view name) {
  for (const auto& t : kTypeNames) {
    if (t.name == name) return t.type;
  }
  return std::nullopt;
}

// Prelude simple shapes (smithy.api#String, ...) and whether they carry a zero default.
struct PreludeShape {
  std::string_view name;
  ShapeType type;
  bool primitive;
};

constexpr PreludeShape kPreludeShapes[] = {
    {"String", ShapeType::kString, false},
    {"Blob", ShapeType::kBlob, false},
    {"Boolean", ShapeType::kBoolean, false},
    {"Byte", ShapeType::kByte, false},
    {"Short", ShapeType::kShort, false},
    {"Integer", ShapeType::kInteger, false},
    {"Long", ShapeType::kLong, false},
    {"Float", ShapeType::kFloat, false},
    {"Double", ShapeType::kDouble, false},
    {"BigInteger", ShapeType::kBigInteger, false},
    {"BigDecimal", ShapeType::kBigDecimal, false},
    {"Timestamp", ShapeType::kTimestamp, false},
    {"Document", ShapeType::kDocument, false},
    {"Unit", ShapeType::kUnit, false},
    {"PrimitiveBoolean", ShapeType::kBoolean, true},
    {"PrimitiveByte", ShapeType::kByte, true},
    {"PrimitiveShort", ShapeType::kShort, true},
    {"PrimitiveInteger", ShapeType::kInteger, true},
    {"PrimitiveLong", ShapeType::kLong, true},
    {"PrimitiveFloat", ShapeType::kFloat, true},
    {"PrimitiveDouble", ShapeType::kDouble, true},
};

}  // namespace

namespace {

std::string escape_pointer(std::string_view token) { return escape_pointer_token(token); }

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!alpha(s[0]) && s[0] != '_') return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return alpha(c) || digit(c) || c == '_'; });
}

// "ns.a.b#Name": a namespace of dotted identifiers, '#', an identifier.
bool is_absolute_shape_id(std::string_view id) {
  const auto hash = id.find('#');
  if (hash == std::string_view::npos || id.find('#', hash + 1) != std::string_view::npos) {
    return false;
  }
  std::string_view ns = id.substr(0, hash);
  if (!is_identifier(id.substr(hash + 1))) return false;
  while (true) {
    const auto dot = ns.find('.');
    if (!is_identifier(ns.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    ns.remove_prefix(dot + 1);
  }
}

bool is_number_type(ShapeType t) {
  switch (t) {
    case ShapeType::kByte:
    case ShapeType::kShort:
    case ShapeType::kInteger:
    case ShapeType::kLong:
    case ShapeType::kFloat:
    case ShapeType::kDouble:
    case ShapeType::kBigInteger:
    case ShapeType::kBigDecimal:
    case ShapeType::kIntEnum:
      return true;
    default:
      return false;
  }
}

// True for `^...$` where the anchors bind the whole pattern: no '|' outside groups and classes,
// and the final '$' is not escaped.
bool anchored_at_both_ends(std::string_view p) {
  if (p.size() < 2 || p.front() != '^' || p.back() != '$') return false;
  int depth = 0;
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\') {
      if (i + 1 == p.size() - 1) return false;  // "\$" at the end is a literal dollar
      ++i;
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      continue;
    }
    if (c == '[') {
      in_class = true;
      if (i + 1 < p.size() && p[i + 1] == '^') ++i;
      if (i + 1 < p.size() && p[i + 1] == ']') ++i;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == '|' && depth == 0) {
      return false;
    }
  }
  return depth == 0 && !in_class;
}

// Thrown only inside this file, always caught by Model::load; carries the pointer and message.
struct LoadFailure {
  std::string pointer;
  std::string message;
};

[[noreturn]] void fail(std::string pointer, std::string message) {
  throw LoadFailure{std::move(pointer), std::move(message)};
}

// "line L, column C" of a byte offset (1-based), for JSON syntax errors.
std::string line_column(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

// Builds the resolved model in two passes: declare every shape, then resolve and check.
class ModelBuilder {
 public:
  explicit ModelBuilder(Model& model) : model_(model) {}

  void add_document(const Model::Source& source) {
    current_file_ = source.name;
    only_if_it_fits_ = source.only_if_it_fits;
    Json doc;
    try {
      doc = Json::parse(source.text);
    } catch (const Json::parse_error& e) {
      fail("", "not valid JSON (" + line_column(source.text, e.byte == 0 ? 0 : e.byte - 1) +
                   "): " + strip_nlohmann_prefix(e.what()));
    }
    if (!doc.is_object()) fail("", "a Smithy JSON AST document must be a JSON object");
    const auto smithy = doc.find("smithy");
    if (smithy == doc.end() || !smithy->is_string()) {
      fail("/smithy", "missing the \"smithy\" version string (expected \"2.0\")");
    }
    const std::string version = smithy->get<std::string>();
    if (version != "2.0" && version != "2" && version != "1.0" && version != "1") {
      fail("/smithy", "unsupported Smithy version '" + version + "' (expected \"2.0\" or \"1.0\")");
    }
    if (const auto meta = doc.find("metadata"); meta != doc.end()) {
      if (!meta->is_object()) fail("/metadata", "metadata must be an object");
      if (const auto d = meta->find("lpe.derivedFrom"); d != meta->end() && d->is_object()) {
        model_.contract_.derived_from = *d;
      }
      if (const auto pe = meta->find("lpe.protocolErrors"); pe != meta->end()) {
        if (!pe->is_array()) fail("/metadata/lpe.protocolErrors", "must be an array of shape ids");
        for (size_t i = 0; i < pe->size(); ++i) {
          const auto& id = (*pe)[i];
          if (!id.is_string()) {
            fail("/metadata/lpe.protocolErrors/" + std::to_string(i), "must be a shape id string");
          }
          protocol_error_ids_.push_back({current_file_,
                                         "/metadata/lpe.protocolErrors/" + std::to_string(i),
                                         id.get<std::string>()});
        }
      }
    }
    const auto shapes = doc.find("shapes");
    if (shapes == doc.end()) return;  // a document may hold only metadata
    if (!shapes->is_object()) fail("/shapes", "\"shapes\" must be an object of shape id -> shape");
    for (const auto& [id, body] : shapes->items()) {
      const std::string ptr = "/shapes/" + escape_pointer(id);
      if (!body.is_object()) fail(ptr, "a shape must be a JSON object");
      const auto type_it = body.find("type");
      if (type_it == body.end() || !type_it->is_string()) {
        fail(ptr + "/type", "missing the shape \"type\"");
      }
      const std::string type_name = type_it->get<std::string>();
      if (type_name == "apply") {
        // "ns#Shape" or "ns#Shape$member" (Smithy apply to a member).
        const auto dollar = id.find('$');
        const std::string shape_id = id.substr(0, dollar);
        const std::string member =
            dollar == std::string::npos ? std::string() : id.substr(dollar + 1);
        if (!is_absolute_shape_id(shape_id) ||
            (dollar != std::string::npos && !is_identifier(member))) {
          fail(ptr, "'" + id + "' is not an absolute shape id (namespace#Name[$member])");
        }
        applies_.push_back({current_file_, ptr, shape_id, member, body, only_if_it_fits_});
        continue;
      }
      if (!is_absolute_shape_id(id)) {
        fail(ptr, "'" + id + "' is not an absolute shape id (namespace#Name)");
      }
      const auto type = parse_type(type_name);
      if (!type) fail(ptr + "/type", "unknown shape type '" + type_name + "'");
      if (model_.shapes_.count(id) != 0) {
        fail(ptr, "shape '" + id + "' is defined twice (also in " + origin_[id] + ")");
      }
      Shape& shape = model_.shapes_[id];
      shape.id = id;
      shape.type = *type;
      origin_[id] = current_file_;
      pending_.push_back({current_file_, ptr, &shape, body});
    }
  }

  void resolve() {
    add_prelude();
    drop_overlays_that_do_not_fit();
    for (const auto& a : applies_) {
      current_file_ = a.file;
      const auto pending = std::find_if(pending_.begin(), pending_.end(),
                                        [&](const Pending& p) { return p.shape->id == a.id; });
      if (pending == pending_.end()) {
        fail(a.pointer, "apply targets unknown shape '" + a.id + "'");
      }
      if (!a.member.empty()) {
        const auto members = pending->body.find("members");
        const bool element = pending->body.contains(a.member) &&
                             (a.member == "member" || a.member == "key" || a.member == "value");
        if (!element && (members == pending->body.end() || !members->is_object() ||
                         !members->contains(a.member))) {
          fail(a.pointer, "apply targets unknown member '" + a.member + "' of '" + a.id + "'");
        }
      }
      const auto traits = a.body.find("traits");
      if (traits == a.body.end()) continue;
      if (!traits->is_object()) fail(a.pointer + "/traits", "traits must be an object");
      Json& into = a.member.empty() ? apply_traits_[a.id] : apply_member_traits_[a.id][a.member];
      for (const auto& [k, v] : traits->items()) {
        merge_applied_trait(into, k, v, a.pointer + "/traits/" + escape_pointer(k));
      }
      applied_from_[a.id + (a.member.empty() ? "" : "$" + a.member)] = a.file;
    }
    // Traits first (members need their targets' constraints), then members and references.
    for (auto& p : pending_) {
      current_file_ = p.file;
      Json traits = Json::object();
      if (const auto t = p.body.find("traits"); t != p.body.end()) {
        if (!t->is_object()) fail(p.pointer + "/traits", "traits must be an object");
        traits = *t;
      }
      if (const auto a = apply_traits_.find(p.shape->id); a != apply_traits_.end()) {
        for (const auto& [k, v] : a->second.items()) {
          merge_applied_trait(traits, k, v, p.pointer + "/traits/" + escape_pointer(k));
        }
      }
      p.shape->traits = traits;
      read_shape_traits(*p.shape, traits, p.pointer + "/traits");
    }
    for (auto& p : pending_) {
      current_file_ = p.file;
      resolve_shape(*p.shape, p.body, p.pointer);
    }
    for (auto& p : pending_) {
      current_file_ = p.file;
      if (p.shape->type == ShapeType::kOperation) check_operation(*p.shape, p.pointer);
    }
    for (const auto& pe : protocol_error_ids_) {
      current_file_ = pe.file;
      const Shape* s = model_.find(pe.id);
      if (s == nullptr) fail(pe.pointer, "unresolved protocol error '" + pe.id + "'");
      if (!s->error) fail(pe.pointer, "'" + pe.id + "' has no smithy.api#error trait");
      model_.protocol_errors_.push_back(s);
    }
    for (const auto& [sid, service] : model_.shapes_) {
      if (service.type != ShapeType::kService) continue;
      for (const auto& [oid, op] : model_.shapes_) {
        if (op.type == ShapeType::kOperation && binds(service, op)) {
          model_.service_of_.emplace(oid, &service);
        }
      }
    }
  }

  const std::string& current_file() const { return current_file_; }

 private:
  struct Pending {
    std::string file;
    std::string pointer;
    Shape* shape;
    Json body;
  };
  struct Apply {
    std::string file;
    std::string pointer;
    std::string id;      // the shape
    std::string member;  // empty: the shape itself
    Json body;
    bool only_if_it_fits = false;  // from an overlay applied only when all its shapes exist
  };

  // An overlay loaded with only_if_it_fits whose applies name a shape the model does not define
  // is dropped whole (its file is listed in dropped_files_).
  void drop_overlays_that_do_not_fit() {
    for (const auto& a : applies_) {
      if (a.only_if_it_fits && model_.shapes_.count(a.id) == 0) dropped_files_.insert(a.file);
    }
    applies_.erase(
        std::remove_if(applies_.begin(), applies_.end(),
                       [&](const Apply& a) { return dropped_files_.count(a.file) != 0; }),
        applies_.end());
  }

  // Smithy apply semantics: a trait the shape lacks is added; an equal value is fine; two lists
  // are concatenated; any other difference is a conflict (the overlay disagrees with the model).
  void merge_applied_trait(Json& traits, const std::string& name, const Json& value,
                           const std::string& ptr) {
    const auto it = traits.find(name);
    if (it == traits.end()) {
      traits[name] = value;
    } else if (*it == value) {
      return;
    } else if (it->is_array() && value.is_array()) {
      for (const auto& v : value) it->push_back(v);
    } else {
      fail(ptr, "applied trait '" + name + "' conflicts with the value the shape already has (" +
                    it->dump().substr(0, 80) + " vs " + value.dump().substr(0, 80) + ")");
    }
  }
  struct ProtocolErrorRef {
    std::string file;
    std::string pointer;
    std::string id;
  };

  static std::string strip_nlohmann_prefix(std::string what) {
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
    if (const auto colon = what.find(": "); colon != std::string::npos) {
      return what.substr(colon + 2);
    }
    return what;
  }

  void add_prelude() {
    for (const auto& p : kPreludeShapes) {
      std::string id = std::string(kPrelude) + std::string(p.name);
      if (model_.shapes_.count(id) != 0) continue;
      Shape& s = model_.shapes_[id];
      s.id = id;
      s.type = p.type;
      if (p.primitive) {
        s.traits["smithy.api#default"] = p.type == ShapeType::kBoolean ? Json(false) : Json(0);
      }
    }
  }

  Shape* find_mutable(std::string_view id) {
    const auto it = model_.shapes_.find(id);
    return it == model_.shapes_.end() ? nullptr : &it->second;
  }

  const Shape& resolve_target(const Json& ref, const std::string& ptr) {
    if (!ref.is_object()) fail(ptr, "a shape reference must be an object {\"target\": id}");
    const auto t = ref.find("target");
    if (t == ref.end() || !t->is_string()) fail(ptr + "/target", "missing \"target\" shape id");
    const std::string id = t->get<std::string>();
    const Shape* s = find_mutable(id);
    if (s == nullptr) fail(ptr + "/target", "unresolved target '" + id + "'");
    return *s;
  }

  static int64_t read_int(const Json& v, const std::string& ptr, const char* what) {
    if (!v.is_number_integer()) fail(ptr, std::string(what) + " must be an integer");
    if (v.is_number_unsigned() &&
        v.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max())) {
      fail(ptr, std::string(what) + " is out of range");
    }
    return v.get<int64_t>();
  }

  static void read_range_bound(const Json& v, const std::string& ptr, std::optional<double>& out,
                               std::string& text) {
    if (!v.is_number()) fail(ptr, "range bound must be a number");
    out = v.get<double>();
    if (v.is_number_float()) {
      std::ostringstream os;
      os << v.get<double>();
      text = os.str();
    } else {
      text = v.dump();
    }
  }

  void read_constraints(Constraints& c, const Json& traits, const std::string& ptr) {
    for (const auto& [key, value] : traits.items()) {
      const std::string tptr = ptr + "/" + escape_pointer(key);
      if (key == "smithy.api#length") {
        if (!value.is_object()) fail(tptr, "length trait must be an object {min?, max?}");
        LengthTrait l;
        if (const auto m = value.find("min"); m != value.end())
          l.min = read_int(*m, tptr + "/min", "min");
        if (const auto m = value.find("max"); m != value.end())
          l.max = read_int(*m, tptr + "/max", "max");
        if (!l.min && !l.max) fail(tptr, "length trait needs min or max");
        if ((l.min && *l.min < 0) || (l.max && *l.max < 0))
          fail(tptr, "length bounds must be >= 0");
        if (l.min && l.max && *l.min > *l.max) fail(tptr, "length min is greater than max");
        c.length = l;
      } else if (key == "smithy.api#range") {
        if (!value.is_object()) fail(tptr, "range trait must be an object {min?, max?}");
        RangeTrait r;
        if (const auto m = value.find("min"); m != value.end())
          read_range_bound(*m, tptr + "/min", r.min, r.min_text);
        if (const auto m = value.find("max"); m != value.end())
          read_range_bound(*m, tptr + "/max", r.max, r.max_text);
        if (!r.min && !r.max) fail(tptr, "range trait needs min or max");
        if (r.min && r.max && *r.min > *r.max) fail(tptr, "range min is greater than max");
        c.range = r;
      } else if (key == "smithy.api#pattern") {
        if (!value.is_string()) fail(tptr, "pattern trait must be a string");
        PatternTrait p;
        p.source = value.get<std::string>();
        RE2::Options opts;
        opts.set_log_errors(false);
        opts.set_encoding(RE2::Options::EncodingUTF8);
        auto re = std::make_shared<RE2>(p.source, opts);
        if (!re->ok()) {
          fail(tptr, "pattern '" + p.source + "' does not compile in RE2: " + re->error());
        }
        p.regex = std::move(re);
        p.anchored_both = anchored_at_both_ends(p.source);
        if (p.anchored_both) p.dfa = internal::AsciiDfa::compile(p.source);
        c.pattern = std::move(p);
      } else if (key == "smithy.api#timestampFormat") {
        const std::string f = value.is_string() ? value.get<std::string>() : "";
        if (f == "date-time") {
          c.timestamp_format = TimestampFormat::kDateTime;
        } else if (f == "epoch-seconds") {
          c.timestamp_format = TimestampFormat::kEpochSeconds;
        } else if (f == "http-date") {
          c.timestamp_format = TimestampFormat::kHttpDate;
        } else {
          fail(tptr, "timestampFormat must be \"date-time\", \"epoch-seconds\" or \"http-date\"");
        }
      } else if (key == "smithy.api#sparse") {
        c.sparse = true;
      }
    }
  }

  static void check_constraints_apply(const Constraints& c, ShapeType t, const std::string& ptr) {
    const bool lengthy = t == ShapeType::kString || t == ShapeType::kBlob ||
                         t == ShapeType::kList || t == ShapeType::kSet || t == ShapeType::kMap ||
                         t == ShapeType::kEnum;
    if (c.length && !lengthy) {
      fail(ptr + "/smithy.api#length",
           "length trait cannot apply to a " + std::string(to_string(t)));
    }
    if (c.pattern && t != ShapeType::kString && t != ShapeType::kEnum) {
      fail(ptr + "/smithy.api#pattern",
           "pattern trait cannot apply to a " + std::string(to_string(t)));
    }
    if (c.range && !is_number_type(t)) {
      fail(ptr + "/smithy.api#range", "range trait cannot apply to a " + std::string(to_string(t)));
    }
    if (c.timestamp_format && t != ShapeType::kTimestamp) {
      fail(ptr + "/smithy.api#timestampFormat",
           "timestampFormat trait cannot apply to a " + std::string(to_string(t)));
    }
  }

  void read_shape_traits(Shape& s, const Json& traits, const std::string& ptr) {
    for (const auto& [key, value] : traits.items()) {
      const std::string tptr = ptr + "/" + escape_pointer(key);
      if (key.find('#') == std::string::npos) {
        fail(tptr, "trait name '" + key + "' must be an absolute shape id");
      }
      if (key == "smithy.api#documentation") {
        if (!value.is_string()) fail(tptr, "documentation must be a string");
        s.documentation = value.get<std::string>();
      } else if (key == "smithy.api#error") {
        if (!value.is_string() || (value != "client" && value != "server")) {
          fail(tptr, "error trait must be \"client\" or \"server\"");
        }
        s.error = value.get<std::string>();
      } else if (key == "smithy.api#httpError") {
        const int64_t code = read_int(value, tptr, "httpError");
        if (code < 400 || code > 599) fail(tptr, "httpError must be 400-599");
        s.http_error = static_cast<int>(code);
      } else if (key == "smithy.api#http") {
        if (!value.is_object()) fail(tptr, "http trait must be an object");
        HttpTrait h;
        const auto m = value.find("method");
        const auto u = value.find("uri");
        if (m == value.end() || !m->is_string() || m->get<std::string>().empty()) {
          fail(tptr + "/method", "http trait needs a method");
        }
        if (u == value.end() || !u->is_string() || u->get<std::string>().rfind('/', 0) != 0) {
          fail(tptr + "/uri", "http trait needs a uri starting with '/'");
        }
        h.method = m->get<std::string>();
        h.uri = u->get<std::string>();
        if (const auto c = value.find("code"); c != value.end()) {
          const int64_t code = read_int(*c, tptr + "/code", "code");
          if (code < 100 || code > 599) fail(tptr + "/code", "http code must be 100-599");
          h.code = static_cast<int>(code);
        }
        s.http = h;
      } else if (key == "smithy.api#paginated") {
        if (!value.is_object()) fail(tptr, "paginated trait must be an object");
        PaginatedTrait p;
        const Json& paginated = value;  // clang 14 cannot capture a structured binding
        const auto read = [&](const char* name, std::string& out) {
          if (const auto f = paginated.find(name); f != paginated.end()) {
            if (!f->is_string()) fail(tptr + "/" + name, std::string(name) + " must be a string");
            out = f->get<std::string>();
          }
        };
        read("inputToken", p.input_token);
        read("outputToken", p.output_token);
        read("pageSize", p.page_size);
        read("items", p.items);
        s.paginated = p;
      } else if (key == "smithy.api#readonly") {
        s.readonly = true;
      } else if (key == "smithy.api#enum") {
        // Smithy 1.0 style enum on a string: [{"value": "A", "name": "A"}, ...].
        if (!value.is_array()) fail(tptr, "enum trait must be an array");
        for (size_t i = 0; i < value.size(); ++i) {
          const auto& e = value[i];
          const auto v = e.is_object() ? e.find("value") : e.end();
          if (!e.is_object() || v == e.end() || !v->is_string()) {
            fail(tptr + "/" + std::to_string(i), "enum definition needs a string \"value\"");
          }
          EnumValue ev;
          ev.string_value = v->get<std::string>();
          const auto n = e.find("name");
          ev.name = n != e.end() && n->is_string() ? n->get<std::string>() : ev.string_value;
          s.enum_values.push_back(std::move(ev));
        }
      }
    }
    read_constraints(s.constraints, traits, ptr);
    check_constraints_apply(s.constraints, s.type, ptr);
    if (s.error && !s.http_error) s.http_error = *s.error == "client" ? 400 : 500;
  }

  Member make_member(const std::string& name, const Json& ref, const std::string& ptr) {
    Member m;
    m.name = name;
    const Shape& target = resolve_target(ref, ptr);
    m.target_id = target.id;
    m.target = &target;
    m.constraints = target.constraints;
    if (const auto d = target.traits.find("smithy.api#default"); d != target.traits.end()) {
      m.default_value = *d;
    }
    Json member_traits = Json::object();
    if (const auto t = ref.find("traits"); t != ref.end()) {
      if (!t->is_object()) fail(ptr + "/traits", "traits must be an object");
      member_traits = *t;
    }
    if (current_shape_ != nullptr) {
      if (const auto a = apply_member_traits_.find(current_shape_->id);
          a != apply_member_traits_.end()) {
        if (const auto mt = a->second.find(name); mt != a->second.end()) {
          for (const auto& [k, v] : mt->second.items()) {
            merge_applied_trait(member_traits, k, v, ptr + "/traits/" + escape_pointer(k));
          }
        }
      }
    }
    if (!member_traits.empty()) {
      const Json* t = &member_traits;
      m.traits = *t;
      for (const auto& [key, value] : t->items()) {
        const std::string tptr = ptr + "/traits/" + escape_pointer(key);
        if (key.find('#') == std::string::npos) {
          fail(tptr, "trait name '" + key + "' must be an absolute shape id");
        }
        if (key == "smithy.api#required") m.required = true;
        if (key == "smithy.api#default") m.default_value = value;
        read_member_binding(m, key, value, tptr);
        read_overlay_member_trait(m, key, value, tptr);
        if (key == "smithy.api#documentation") {
          if (!value.is_string()) fail(tptr, "documentation must be a string");
          m.documentation = value.get<std::string>();
        }
      }
      Constraints own;
      read_constraints(own, *t, ptr + "/traits");
      check_constraints_apply(own, target.type, ptr + "/traits");
      if (own.length) m.constraints.length = own.length;
      if (own.pattern) m.constraints.pattern = own.pattern;
      if (own.range) m.constraints.range = own.range;
      if (own.timestamp_format) m.constraints.timestamp_format = own.timestamp_format;
      if (own.sparse) m.constraints.sparse = true;
    }
    return m;
  }

  // restJson1 HTTP binding traits: where the member travels (body by default).
  static void read_member_binding(Member& m, const std::string& key, const Json& value,
                                  const std::string& ptr) {
    static const std::pair<std::string_view, HttpBinding> kBindings[] = {
        {"smithy.api#httpHeader", HttpBinding::kHeader},
        {"smithy.api#httpPrefixHeaders", HttpBinding::kPrefixHeaders},
        {"smithy.api#httpQuery", HttpBinding::kQuery},
        {"smithy.api#httpQueryParams", HttpBinding::kQueryParams},
        {"smithy.api#httpLabel", HttpBinding::kLabel},
        {"smithy.api#httpPayload", HttpBinding::kPayload},
        {"smithy.api#httpResponseCode", HttpBinding::kResponseCode},
    };
    for (const auto& [name, binding] : kBindings) {
      if (key != name) continue;
      m.binding = binding;
      if (binding == HttpBinding::kHeader || binding == HttpBinding::kQuery ||
          binding == HttpBinding::kPrefixHeaders) {
        if (!value.is_string()) fail(ptr, std::string(name) + " needs a string value");
        m.binding_name = value.get<std::string>();
      }
    }
  }

  // Our overlay's member traits (spec/lpe-overlay.json); their cross-member checks run once the
  // shape's members are all known (check_overlay_members, check_operation).
  void read_overlay_member_trait(Member& m, const std::string& key, const Json& value,
                                 const std::string& ptr) {
    if (key == "lpe.conformance#presentWhen") {
      const auto sibling = value.is_object() ? value.find("member") : value.end();
      const auto pattern = value.is_object() ? value.find("pattern") : value.end();
      if (sibling == value.end() || !sibling->is_string() || pattern == value.end() ||
          !pattern->is_string()) {
        fail(ptr, "presentWhen needs {\"member\": name, \"pattern\": regex}");
      }
      Constraints c;
      read_constraints(c, Json{{"smithy.api#pattern", *pattern}}, ptr);
      m.present_when = PresenceRule{sibling->get<std::string>(), std::move(*c.pattern)};
    } else if (key == "lpe.conformance#echoesInput") {
      const auto member = value.is_object() ? value.find("member") : value.end();
      if (member == value.end() || !member->is_string()) {
        fail(ptr, "echoesInput needs {\"member\": input member name}");
      }
      m.echoes_input = member->get<std::string>();
    } else if (key == "lpe.conformance#documentedDefault") {
      m.documented_default = read_int(value, ptr, "documentedDefault");
    }
  }

  // presentWhen names a sibling string member, and its pattern matches some value of the
  // sibling's enum (a rule that can never hold means the overlay no longer fits the model).
  static void check_overlay_members(const Shape& s, const std::string& ptr) {
    for (const Member& m : s.members) {
      if (!m.present_when) continue;
      const std::string tptr =
          ptr + "/members/" + escape_pointer(m.name) + "/traits/lpe.conformance#presentWhen";
      const Member* sibling =
          m.present_when->sibling == m.name ? nullptr : s.member(m.present_when->sibling);
      if (sibling == nullptr || (sibling->target->type != ShapeType::kString &&
                                 sibling->target->type != ShapeType::kEnum)) {
        fail(tptr, "presentWhen member '" + m.present_when->sibling +
                       "' is not a string member of " + s.id);
      }
      const auto& values = sibling->target->enum_values;
      if (!values.empty() && std::none_of(values.begin(), values.end(), [&](const EnumValue& v) {
            return pattern_matches(m.present_when->pattern, v.string_value);
          })) {
        fail(tptr, "presentWhen pattern '" + m.present_when->pattern.source +
                       "' matches no value of " + sibling->target->id);
      }
    }
  }

  std::vector<const Shape*> resolve_refs(const Json& body, const char* key, const std::string& ptr,
                                         std::optional<ShapeType> expected) {
    std::vector<const Shape*> out;
    const auto it = body.find(key);
    if (it == body.end()) return out;
    const std::string kptr = ptr + "/" + key;
    if (!it->is_array()) fail(kptr, std::string(key) + " must be an array of shape references");
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string iptr = kptr + "/" + std::to_string(i);
      const Shape& s = resolve_target((*it)[i], iptr);
      if (expected && s.type != *expected) {
        fail(iptr + "/target", "'" + s.id + "' is a " + std::string(to_string(s.type)) +
                                   ", expected a " + std::string(to_string(*expected)));
      }
      out.push_back(&s);
    }
    return out;
  }

  const Shape* resolve_single(const Json& body, const char* key, const std::string& ptr) {
    const auto it = body.find(key);
    if (it == body.end()) return nullptr;
    return &resolve_target(*it, ptr + "/" + key);
  }

  void resolve_shape(Shape& s, const Json& body, const std::string& ptr) {
    switch (s.type) {
      case ShapeType::kStructure:
      case ShapeType::kUnion:
      case ShapeType::kEnum:
      case ShapeType::kIntEnum: {
        const auto members = body.find("members");
        if (members == body.end()) {
          if (s.type == ShapeType::kEnum || s.type == ShapeType::kIntEnum) {
            fail(ptr + "/members", "an enum needs members");
          }
          break;
        }
        if (!members->is_object()) fail(ptr + "/members", "members must be an object");
        current_shape_ = &s;
        for (const auto& [name, ref] : members->items()) {
          const std::string mptr = ptr + "/members/" + escape_pointer(name);
          if (!is_identifier(name)) fail(mptr, "member name '" + name + "' is not an identifier");
          Member m = make_member(name, ref, mptr);
          if (s.type == ShapeType::kEnum || s.type == ShapeType::kIntEnum) {
            EnumValue ev;
            ev.name = name;
            const auto v = m.traits.find("smithy.api#enumValue");
            if (s.type == ShapeType::kEnum) {
              if (v != m.traits.end() && !v->is_string()) {
                fail(mptr + "/traits/smithy.api#enumValue",
                     "enumValue of an enum must be a string");
              }
              ev.string_value = v != m.traits.end() ? v->get<std::string>() : name;
            } else {
              if (v == m.traits.end()) fail(mptr + "/traits", "an intEnum member needs enumValue");
              ev.int_value = read_int(*v, mptr + "/traits/smithy.api#enumValue", "enumValue");
            }
            s.enum_values.push_back(std::move(ev));
          }
          s.members.push_back(std::move(m));
        }
        current_shape_ = nullptr;
        for (const auto& m : s.members) {
          s.member_keys.push_back({Shape::name_head(m.name), static_cast<uint32_t>(m.name.size())});
        }
        check_overlay_members(s, ptr);
        break;
      }
      case ShapeType::kList:
      case ShapeType::kSet: {
        const auto member = body.find("member");
        if (member == body.end()) fail(ptr + "/member", "a list needs a member");
        current_shape_ = &s;
        s.members.push_back(make_member("member", *member, ptr + "/member"));
        current_shape_ = nullptr;
        break;
      }
      case ShapeType::kMap: {
        const auto key = body.find("key");
        const auto value = body.find("value");
        if (key == body.end()) fail(ptr + "/key", "a map needs a key");
        if (value == body.end()) fail(ptr + "/value", "a map needs a value");
        current_shape_ = &s;
        s.members.push_back(make_member("key", *key, ptr + "/key"));
        const ShapeType kt = s.members.back().target->type;
        if (kt != ShapeType::kString && kt != ShapeType::kEnum) {
          fail(ptr + "/key/target", "a map key must target a string or enum");
        }
        s.members.push_back(make_member("value", *value, ptr + "/value"));
        current_shape_ = nullptr;
        break;
      }
      case ShapeType::kOperation: {
        s.input = resolve_single(body, "input", ptr);
        s.output = resolve_single(body, "output", ptr);
        for (const Shape* io : {s.input, s.output}) {
          if (io != nullptr && io->type != ShapeType::kStructure && io->type != ShapeType::kUnit) {
            fail(ptr, "operation input/output '" + io->id + "' must be a structure");
          }
        }
        s.errors = resolve_refs(body, "errors", ptr, ShapeType::kStructure);
        for (size_t i = 0; i < s.errors.size(); ++i) {
          if (!s.errors[i]->error) {
            fail(ptr + "/errors/" + std::to_string(i) + "/target",
                 "'" + s.errors[i]->id + "' has no smithy.api#error trait");
          }
        }
        break;
      }
      case ShapeType::kService:
      case ShapeType::kResource: {
        s.operations = resolve_refs(body, "operations", ptr, ShapeType::kOperation);
        for (const char* key : {"create", "put", "read", "update", "delete", "list"}) {
          if (const Shape* op = resolve_single(body, key, ptr)) s.operations.push_back(op);
        }
        for (const Shape* op :
             resolve_refs(body, "collectionOperations", ptr, ShapeType::kOperation)) {
          s.operations.push_back(op);
        }
        resources_[s.id] = resolve_refs(body, "resources", ptr, ShapeType::kResource);
        s.errors = resolve_refs(body, "errors", ptr, ShapeType::kStructure);
        break;
      }
      default:
        break;
    }
  }

  void check_operation(Shape& op, const std::string& ptr) {
    if (const auto scope = op.traits.find("lpe.conformance#listScope"); scope != op.traits.end()) {
      const std::string sptr = ptr + "/traits/lpe.conformance#listScope/members";
      const auto members = scope->is_object() ? scope->find("members") : scope->end();
      if (members == scope->end() || !members->is_array() || members->empty()) {
        fail(sptr, "listScope needs a non-empty \"members\" array");
      }
      for (size_t i = 0; i < members->size(); ++i) {
        const auto& name = (*members)[i];
        const Member* m = name.is_string() && op.input != nullptr
                              ? op.input->member(name.get<std::string>())
                              : nullptr;
        if (m == nullptr)
          fail(sptr + "/" + std::to_string(i), "not a member of the operation's input");
        if (!m->required || m->target->type != ShapeType::kString) {
          fail(sptr + "/" + std::to_string(i), "listScope members must be required strings");
        }
      }
    }
    if (!op.paginated) return;
    // Merge the service's paginated defaults.
    for (const auto& [id, shape] : model_.shapes_) {
      if (shape.type != ShapeType::kService || !shape.paginated) continue;
      if (!binds(shape, op)) continue;
      auto& p = *op.paginated;
      if (p.input_token.empty()) p.input_token = shape.paginated->input_token;
      if (p.output_token.empty()) p.output_token = shape.paginated->output_token;
      if (p.page_size.empty()) p.page_size = shape.paginated->page_size;
      if (p.items.empty()) p.items = shape.paginated->items;
    }
    const auto& p = *op.paginated;
    const std::string pptr = ptr + "/traits/smithy.api#paginated";
    if (p.input_token.empty() || p.output_token.empty()) {
      fail(pptr, "paginated needs inputToken and outputToken");
    }
    const auto need = [&](const Shape* io, const std::string& name, const char* what,
                          std::initializer_list<ShapeType> types) {
      const Member* m = io == nullptr ? nullptr : io->member(name);
      if (m == nullptr) {
        fail(pptr + "/" + what, std::string(what) + " '" + name + "' is not a member of " +
                                    (io == nullptr ? std::string("the operation") : io->id));
      }
      if (std::find(types.begin(), types.end(), m->target->type) == types.end()) {
        fail(pptr + "/" + what, std::string(what) + " '" + name + "' has the wrong type (" +
                                    std::string(to_string(m->target->type)) + ")");
      }
    };
    need(op.input, p.input_token, "inputToken", {ShapeType::kString});
    need(op.output, p.output_token, "outputToken", {ShapeType::kString});
    if (!p.page_size.empty()) {
      need(op.input, p.page_size, "pageSize",
           {ShapeType::kInteger, ShapeType::kShort, ShapeType::kByte, ShapeType::kLong});
    }
    if (!p.items.empty()) {
      need(op.output, p.items, "items", {ShapeType::kList, ShapeType::kMap, ShapeType::kSet});
    } else {
      infer_items(op);
    }
    check_overlay_operation(op, ptr);
  }

  // Smithy: without `items`, the paginated items are the output's one list or map member.
  static void infer_items(Shape& op) {
    auto& p = *op.paginated;
    std::vector<std::string> candidates;
    if (op.output != nullptr) {
      for (const auto& m : op.output->members) {
        const ShapeType t = m.target->type;
        if (m.binding == HttpBinding::kBody &&
            (t == ShapeType::kList || t == ShapeType::kSet || t == ShapeType::kMap)) {
          candidates.push_back(m.name);
        }
      }
    }
    if (candidates.size() == 1) {
      p.items = candidates.front();
      p.items_inferred = true;
      return;
    }
    std::string names;
    for (const auto& c : candidates) names += (names.empty() ? "'" : ", '") + c + "'";
    p.items_problem =
        "smithy.api#paginated of " + op.id + " names no items member, and it cannot be inferred: " +
        (candidates.empty() ? std::string("the output has no list or map member")
                            : "the output has several list or map members (" + names +
                                  "); name one with \"items\" (in an overlay: --overlay)");
  }

  // Our overlay's traits that refer to the operation: echoesInput names an input member, and a
  // documented default lies within the page size's range.
  void check_overlay_operation(const Shape& op, const std::string& ptr) {
    const auto& p = *op.paginated;
    if (op.input != nullptr && !p.page_size.empty()) {
      const Member* size = op.input->member(p.page_size);
      if (size != nullptr && size->documented_default) {
        const auto& r = size->constraints.range;
        const double d = static_cast<double>(*size->documented_default);
        if (r && ((r->min && d < *r->min) || (r->max && d > *r->max))) {
          fail(ptr, "documentedDefault " + std::to_string(*size->documented_default) + " of " +
                        op.input->id + "$" + size->name + " is outside its range");
        }
      }
    }
    if (p.items.empty() || op.output == nullptr) return;
    const Member* items = op.output->member(p.items);
    const Shape* item = items == nullptr || items->target->members.empty()
                            ? nullptr
                            : items->target->members.back().target;
    if (item == nullptr) return;
    for (const Member& m : item->members) {
      if (m.echoes_input.empty()) continue;
      if (op.input == nullptr || op.input->member(m.echoes_input) == nullptr) {
        fail(ptr, "echoesInput of " + item->id + "$" + m.name + " names '" + m.echoes_input +
                      "', which is not an input member of " + op.id);
      }
    }
  }

 public:
  // True when the service (directly or through resources) binds the operation.
  bool binds(const Shape& container, const Shape& op, int depth = 0) const {
    if (depth > 64) return false;
    if (std::find(container.operations.begin(), container.operations.end(), &op) !=
        container.operations.end()) {
      return true;
    }
    const auto r = resources_.find(container.id);
    if (r == resources_.end()) return false;
    return std::any_of(r->second.begin(), r->second.end(),
                       [&](const Shape* res) { return binds(*res, op, depth + 1); });
  }

 private:
  Model& model_;
  std::string current_file_;
  std::vector<Pending> pending_;
  std::vector<Apply> applies_;
  std::vector<ProtocolErrorRef> protocol_error_ids_;
  std::map<std::string, Json> apply_traits_;
  bool only_if_it_fits_ = false;
  std::set<std::string> dropped_files_;
  std::map<std::string, std::map<std::string, Json>> apply_member_traits_;
  std::map<std::string, std::string> applied_from_;
  const Shape* current_shape_ = nullptr;  // the shape whose members make_member resolves
  std::map<std::string, std::string> origin_;
  std::map<std::string, std::vector<const Shape*>> resources_;

  friend class Model;
};

std::string_view to_string(ShapeType type) {
  for (const auto& t : kTypeNames) {
    if (t.type == type) return t.name;
  }
  return "unit";
}

const Member* Shape::member(std::string_view member_name) const {
  const int m = find_member(member_name);
  return m < 0 ? nullptr : &members[static_cast<size_t>(m)];
}

std::string_view Shape::name() const {
  const auto hash = id.find('#');
  return hash == std::string::npos ? std::string_view(id) : std::string_view(id).substr(hash + 1);
}

std::string ModelError::to_string() const {
  std::string out = file.empty() ? "model" : file;
  out += ": ";
  if (!pointer.empty()) out += "at " + pointer + ": ";
  out += message;
  return out;
}

const Shape* OperationView::find_error(std::string_view error_name) const {
  for (const auto* list : {&declared_errors, &protocol_errors}) {
    for (const Shape* e : *list) {
      if (e->name() == error_name) return e;
    }
  }
  return nullptr;
}

std::optional<int64_t> OperationView::default_page_size() const {
  if (operation == nullptr || !operation->paginated || input == nullptr) return std::nullopt;
  const Member* m = input->member(operation->paginated->page_size);
  if (m == nullptr) return std::nullopt;
  if (m->default_value && m->default_value->is_number_integer()) {
    return m->default_value->get<int64_t>();
  }
  return m->documented_default;
}

std::string ContractInfo::summary() const {
  std::string out = origin == "bundled" ? "bundled model" : "model";
  for (const auto& s : sources) {
    out += (&s == &sources.front() ? ": " : " + ") + s.role + " " + s.name + " (sha256 " +
           s.sha256.substr(0, 12) + ")";
  }
  if (derived_from.is_object()) {
    out += "; derived from " + derived_from.value("repository", std::string()) + "@" +
           derived_from.value("commit", std::string()) + " " +
           derived_from.value("path", std::string()) + " (sha256 " +
           derived_from.value("sha256", std::string()).substr(0, 12) + ")";
  }
  return out;
}

nlohmann::ordered_json ContractInfo::to_json() const {
  auto files = nlohmann::ordered_json::array();
  for (const auto& s : sources) {
    files.push_back({{"name", s.name}, {"role", s.role}, {"sha256", s.sha256}});
  }
  nlohmann::ordered_json out = {{"origin", origin}, {"files", std::move(files)}};
  if (derived_from.is_object()) out["derivedFrom"] = derived_from;
  return out;
}

std::variant<std::shared_ptr<const Model>, ModelError> Model::load(
    const std::vector<Source>& sources) {
  auto model = std::make_shared<Model>();
  ModelBuilder builder(*model);
  model->contract_.origin = "file";
  for (const auto& s : sources) {
    model->contract_.sources.push_back({s.name, s.role, sha256_hex(s.text)});
    if (s.name.rfind("<bundled>/", 0) == 0 && s.role == "model") {
      model->contract_.origin = "bundled";
    }
  }
  try {
    for (const auto& s : sources) builder.add_document(s);
    builder.resolve();
  } catch (const LoadFailure& f) {
    return ModelError{builder.current_file(), f.pointer, f.message};
  } catch (const std::exception& e) {
    return ModelError{builder.current_file(), "", std::string("cannot load: ") + e.what()};
  }
  auto& files = model->contract_.sources;
  files.erase(std::remove_if(files.begin(), files.end(),
                             [&](const ContractSource& f) {
                               return builder.dropped_files_.count(f.name) != 0;
                             }),
              files.end());
  return std::shared_ptr<const Model>(std::move(model));
}

std::shared_ptr<const Model> Model::bundled() {
  static const std::shared_ptr<const Model> model = [] {
    auto loaded =
        load({{std::string(kBundledModelName), std::string(bundled_operation_model())},
              {std::string(kBundledOverlayName), std::string(bundled_overlay_model()), "overlay"},
              {std::string(kBundledErrorsName), std::string(bundled_protocol_errors_model()),
               "protocol errors"}});
    if (auto* error = std::get_if<ModelError>(&loaded)) {
      // The bundled model is checked by the tests; failing here means a broken build.
      std::fprintf(stderr, "lpe: bundled model is invalid: %s\n", error->to_string().c_str());
      std::abort();
    }
    return std::get<std::shared_ptr<const Model>>(loaded);
  }();
  return model;
}

namespace {

std::optional<std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

}  // namespace

std::variant<std::shared_ptr<const Model>, ModelError> Model::load_file(
    const std::string& path, const std::vector<std::string>& overlay_paths) {
  const auto text = read_whole_file(path);
  if (!text) return ModelError{path, "", "cannot open or read the model file"};
  std::vector<Source> sources{{path, *text}};
  if (overlay_paths.empty()) {
    // AWS's published model and our derived one share their shape ids; other models do not.
    sources.push_back({std::string(kBundledOverlayName), std::string(bundled_overlay_model()),
                       "overlay", /*only_if_it_fits=*/true});
  } else {
    for (const auto& overlay : overlay_paths) {
      const auto overlay_text = read_whole_file(overlay);
      if (!overlay_text) return ModelError{overlay, "", "cannot open or read the overlay file"};
      sources.push_back({overlay, *overlay_text, "overlay"});
    }
  }
  // The protocol errors come along unless the user's file defines them itself.
  if (text->find("aws.protocols.common#SerializationException") == std::string::npos) {
    sources.push_back({std::string(kBundledErrorsName),
                       std::string(bundled_protocol_errors_model()), "protocol errors"});
  }
  return load(sources);
}

const Shape* Model::find(std::string_view id) const {
  const auto it = shapes_.find(id);
  return it == shapes_.end() ? nullptr : &it->second;
}

std::vector<std::string> Model::operation_names() const {
  std::vector<std::string> out;
  for (const auto& [id, s] : shapes_) {
    if (s.type == ShapeType::kOperation) out.emplace_back(s.name());
  }
  return out;
}

std::variant<OperationView, std::string> Model::operation(std::string_view wanted) const {
  const Shape* op = nullptr;
  size_t count = 0;
  std::string paginated;
  for (const auto& [id, s] : shapes_) {
    if (s.type != ShapeType::kOperation) continue;
    ++count;
    if (s.paginated) paginated += (paginated.empty() ? "" : ", ") + std::string(s.name());
    if (wanted.empty() || s.name() == wanted || s.id == wanted) {
      if (op != nullptr && !wanted.empty()) {
        return "operation name '" + std::string(wanted) + "' is ambiguous; use its absolute id";
      }
      if (op == nullptr) op = &s;
    }
  }
  if (wanted.empty() && count > 1) {
    return "the model defines " + std::to_string(count) +
           " operations; choose one with --operation (paginated: " +
           (paginated.empty() ? std::string("none") : paginated) + ")";
  }
  if (op == nullptr) {
    if (wanted.empty()) return std::string("the model defines no operation");
    std::string known;
    for (const auto& n : operation_names()) known += (known.empty() ? "" : ", ") + n;
    return "no operation '" + std::string(wanted) + "' in the model (has: " + known + ")";
  }
  if (op->paginated && op->paginated->items.empty() && !op->paginated->items_problem.empty()) {
    return op->paginated->items_problem;
  }
  OperationView view;
  view.operation = op;
  view.input = op->input;
  view.output = op->output;
  view.declared_errors = op->errors;
  if (const auto bound = service_of_.find(op->id); bound != service_of_.end()) {
    const Shape& s = *bound->second;
    view.service = &s;
    for (const Shape* e : s.errors) {
      if (std::find(view.declared_errors.begin(), view.declared_errors.end(), e) ==
          view.declared_errors.end()) {
        view.declared_errors.push_back(e);
      }
    }
    if (const auto sig = s.traits.find("aws.auth#sigv4");
        sig != s.traits.end() && sig->is_object()) {
      if (const auto n = sig->find("name"); n != sig->end() && n->is_string()) {
        view.sigv4_name = n->get<std::string>();
      }
    }
    if (const auto svc = s.traits.find("aws.api#service");
        svc != s.traits.end() && svc->is_object()) {
      if (const auto n = svc->find("endpointPrefix"); n != svc->end() && n->is_string()) {
        view.endpoint_prefix = n->get<std::string>();
      }
    }
  }
  view.protocol_errors = protocol_errors_;
  if (view.input != nullptr) {
    const auto scope = op->traits.find("lpe.conformance#listScope");
    if (scope != op->traits.end()) {
      for (const auto& name : scope->at("members"))
        view.list_scope.push_back(view.input->member(name.get<std::string>()));
    } else {
      for (const auto& m : view.input->members) {
        if (m.required && m.target->type == ShapeType::kString) view.list_scope.push_back(&m);
      }
    }
  }
  return view;
}

}  // namespace lpe::spec
