// The model loader: constraint and shape traits (see model_builder.h).
#include "spec/internal/model_builder.h"

#include <re2/re2.h>

#include <cmath>
#include <limits>

#include "spec/internal/ascii_dfa.h"
#include "spec/pattern_syntax.h"

namespace lpe::spec {
int64_t ModelBuilder::read_int(const Json& v, const std::string& ptr, const char* what) {
  if (!v.is_number_integer()) fail(ptr, std::string(what) + " must be an integer");
  if (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max())) {
    fail(ptr, std::string(what) + " is out of range");
  }
  return v.get<int64_t>();
}

void ModelBuilder::read_range_bound(const Json& v, const std::string& ptr,
                                    std::optional<double>& out, std::string& text) {
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

void ModelBuilder::read_constraints(Constraints& c, const Json& traits, const std::string& ptr) {
  for (const auto& [key, value] : traits.items()) {
    const std::string tptr = ptr + "/" + escape_pointer_token(key);
    if (key == "smithy.api#length") {
      if (!value.is_object()) fail(tptr, "length trait must be an object {min?, max?}");
      LengthTrait l;
      if (const auto m = value.find("min"); m != value.end())
        l.min = read_int(*m, tptr + "/min", "min");
      if (const auto m = value.find("max"); m != value.end())
        l.max = read_int(*m, tptr + "/max", "max");
      if (!l.min && !l.max) fail(tptr, "length trait needs min or max");
      if ((l.min && *l.min < 0) || (l.max && *l.max < 0)) fail(tptr, "length bounds must be >= 0");
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
      const auto syntax = parse_pattern_syntax(p.source);
      p.anchored_both = syntax && syntax->anchored_start && syntax->anchored_end;
      if (p.anchored_both) p.dfa = internal::AsciiDfa::build(*syntax);
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

void ModelBuilder::check_constraints_apply(const Constraints& c, ShapeType t,
                                           const std::string& ptr) {
  const bool lengthy = t == ShapeType::kString || t == ShapeType::kBlob || t == ShapeType::kList ||
                       t == ShapeType::kSet || t == ShapeType::kMap || t == ShapeType::kEnum;
  if (c.length && !lengthy) {
    fail(ptr + "/smithy.api#length", "length trait cannot apply to a " + std::string(to_string(t)));
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

void ModelBuilder::read_shape_traits(Shape& s, const Json& traits, const std::string& ptr) {
  for (const auto& [key, value] : traits.items()) {
    const std::string tptr = ptr + "/" + escape_pointer_token(key);
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

}  // namespace lpe::spec
