#include "generators/internal/raw_json.h"

#include <set>

#include "spec/unicode.h"

namespace lpe::generators::internal {
namespace {

// splitmix64: the writer's own small PRNG for random spacing and escapes.
class Prng {
 public:
  explicit Prng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }

 private:
  uint64_t state_;
};

class Writer {
 public:
  Writer(const TextStyle& style, std::string& out) : style_(style), prng_(style.seed), out_(out) {}

  void value(const RawJson& v, int depth) {
    switch (v.kind) {
      case RawJson::Kind::kNull:
        out_ += "null";
        break;
      case RawJson::Kind::kTrue:
        out_ += "true";
        break;
      case RawJson::Kind::kFalse:
        out_ += "false";
        break;
      case RawJson::Kind::kNumber:
      case RawJson::Kind::kVerbatim:
        out_ += v.text;
        break;
      case RawJson::Kind::kString:
        string(v.text);
        break;
      case RawJson::Kind::kArray:
        out_ += '[';
        for (size_t i = 0; i < v.items.size(); ++i) {
          if (i != 0) comma();
          open_line(depth + 1);
          value(v.items[i], depth + 1);
        }
        if (!v.items.empty()) open_line(depth);
        out_ += ']';
        break;
      case RawJson::Kind::kObject:
        out_ += '{';
        for (size_t i = 0; i < v.members.size(); ++i) {
          if (i != 0) comma();
          open_line(depth + 1);
          string(v.members[i].first);
          colon();
          value(v.members[i].second, depth + 1);
        }
        if (!v.members.empty()) open_line(depth);
        out_ += '}';
        break;
    }
  }

  void blank() {
    if (style_.spacing != TextStyle::Spacing::kRandom) return;
    static constexpr std::string_view kBlanks[] = {"", "", "", " ", "\n", "\t", "\r\n", "  "};
    out_ += kBlanks[prng_.below(std::size(kBlanks))];
  }

 private:
  void comma() {
    blank();
    out_ += style_.spacing == TextStyle::Spacing::kSpaced ? ", " : ",";
  }
  void colon() {
    blank();
    out_ += style_.spacing == TextStyle::Spacing::kCompact ? ":" : ": ";
    blank();
  }
  void open_line(int depth) {
    if (style_.spacing == TextStyle::Spacing::kPretty) {
      out_ += '\n';
      out_.append(static_cast<size_t>(depth) * 2, ' ');
    } else {
      blank();
    }
  }

  void unicode_escape(char32_t c) {
    const bool upper = style_.random_escapes && prng_.below(2) == 0;
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    const auto unit = [&](uint32_t u) {
      out_ += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out_ += digits[(u >> shift) & 0xF];
    };
    if (c >= 0x10000) {
      const uint32_t v = static_cast<uint32_t>(c) - 0x10000;
      unit(0xD800 + (v >> 10));
      unit(0xDC00 + (v & 0x3FF));
    } else {
      unit(static_cast<uint32_t>(c));
    }
  }

  void string(std::string_view s) {
    out_ += '"';
    for (size_t i = 0; i < s.size();) {
      char32_t c = 0;
      const size_t n = spec::decode_utf8_at(s, i, c);
      if (n == 0) {  // invalid UTF-8 stays as it is (R6 bodies)
        out_ += s[i++];
        continue;
      }
      const bool random = style_.random_escapes && prng_.below(4) == 0;
      if (c == '"' || c == '\\') {
        if (random) {
          unicode_escape(c);
        } else {
          out_ += '\\';
          out_ += static_cast<char>(c);
        }
      } else if (c < 0x20) {
        const char* short_form = c == '\n'   ? "\\n"
                                 : c == '\t' ? "\\t"
                                 : c == '\r' ? "\\r"
                                 : c == '\b' ? "\\b"
                                 : c == '\f' ? "\\f"
                                             : nullptr;
        if (short_form != nullptr && !random) {
          out_ += short_form;
        } else {
          unicode_escape(c);
        }
      } else if (c == '/' && random) {
        out_ += prng_.below(2) == 0 ? "\\/" : "\\u002f";
      } else if (random || (c >= 0x80 && style_.escape_non_ascii)) {
        unicode_escape(c);
      } else {
        out_.append(s.substr(i, n));
      }
      i += n;
    }
    out_ += '"';
  }

  const TextStyle& style_;
  Prng prng_;
  std::string& out_;
};

// Builds a RawJson tree from nlohmann's SAX events; stops at the first duplicate key.
class TreeBuilder final : public nlohmann::json_sax<nlohmann::json> {
 public:
  bool null() override { return add(RawJson::null()); }
  bool boolean(bool v) override { return add(RawJson::boolean(v)); }
  bool number_integer(number_integer_t v) override {
    return add(RawJson::number(std::to_string(v)));
  }
  bool number_unsigned(number_unsigned_t v) override {
    return add(RawJson::number(std::to_string(v)));
  }
  bool number_float(number_float_t, const string_t& s) override { return add(RawJson::number(s)); }
  bool string(string_t& v) override { return add(RawJson::string(v)); }
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override {
    if (!add(RawJson::object())) return false;
    keys_.emplace_back();
    return true;
  }
  bool key(string_t& k) override {
    if (!keys_.back().insert(k).second) {
      duplicate_ = true;
      return false;
    }
    pending_key_ = k;
    return true;
  }
  bool end_object() override {
    keys_.pop_back();
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override { return add(RawJson::array()); }
  bool end_array() override {
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

  RawJson root;
  bool duplicate_ = false;

 private:
  // Adds a value at the current place; containers become the current place.
  bool add(RawJson v) {
    const bool container = v.kind == RawJson::Kind::kArray || v.kind == RawJson::Kind::kObject;
    RawJson* placed = nullptr;
    if (stack_.empty()) {
      root = std::move(v);
      placed = &root;
    } else if (stack_.back()->kind == RawJson::Kind::kArray) {
      stack_.back()->items.push_back(std::move(v));
      placed = &stack_.back()->items.back();
    } else {
      stack_.back()->members.emplace_back(std::move(pending_key_), std::move(v));
      placed = &stack_.back()->members.back().second;
    }
    if (container) stack_.push_back(placed);
    return true;
  }

  std::vector<RawJson*> stack_;
  std::vector<std::set<std::string>> keys_;
  std::string pending_key_;
};

// A value that is its text: a number literal, a string's bytes or a verbatim fragment.
RawJson text_value(RawJson::Kind kind, std::string text) {
  RawJson v;
  v.kind = kind;
  v.text = std::move(text);
  return v;
}

}  // namespace

RawJson RawJson::boolean(bool value) {
  RawJson v;
  v.kind = value ? Kind::kTrue : Kind::kFalse;
  return v;
}

RawJson RawJson::number(std::string literal) {
  return text_value(Kind::kNumber, std::move(literal));
}

RawJson RawJson::string(std::string bytes) { return text_value(Kind::kString, std::move(bytes)); }

RawJson RawJson::array(std::vector<RawJson> items) {
  RawJson v;
  v.kind = Kind::kArray;
  v.items = std::move(items);
  return v;
}

RawJson RawJson::object(std::vector<std::pair<std::string, RawJson>> members) {
  RawJson v;
  v.kind = Kind::kObject;
  v.members = std::move(members);
  return v;
}

RawJson RawJson::verbatim(std::string text) { return text_value(Kind::kVerbatim, std::move(text)); }

RawJson RawJson::from_json(const nlohmann::ordered_json& value) {
  switch (value.type()) {
    case nlohmann::ordered_json::value_t::boolean:
      return boolean(value.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer:
      return number(std::to_string(value.get<int64_t>()));
    case nlohmann::ordered_json::value_t::number_unsigned:
      return number(std::to_string(value.get<uint64_t>()));
    case nlohmann::ordered_json::value_t::number_float:
      return number(value.dump());
    case nlohmann::ordered_json::value_t::string:
      return string(value.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
      RawJson out = array();
      for (const auto& item : value) out.items.push_back(from_json(item));
      return out;
    }
    case nlohmann::ordered_json::value_t::object: {
      RawJson out = object();
      for (const auto& [key, item] : value.items()) out.members.emplace_back(key, from_json(item));
      return out;
    }
    default:
      return null();
  }
}

const RawJson* RawJson::find(std::string_view key) const {
  const RawJson* found = nullptr;
  for (const auto& [k, v] : members) {
    if (k == key) found = &v;
  }
  return found;
}

RawJson* RawJson::find(std::string_view key) {
  return const_cast<RawJson*>(static_cast<const RawJson*>(this)->find(key));
}

std::string write(const RawJson& value, const TextStyle& style) {
  std::string out;
  Writer writer(style, out);
  writer.blank();
  writer.value(value, 0);
  writer.blank();
  return out;
}

std::string render_for_message(const RawJson& value) {
  switch (value.kind) {
    case RawJson::Kind::kNull:
      return "null";
    case RawJson::Kind::kTrue:
      return "true";
    case RawJson::Kind::kFalse:
      return "false";
    case RawJson::Kind::kNumber:
    case RawJson::Kind::kString:
    case RawJson::Kind::kVerbatim:
      return value.text;
    case RawJson::Kind::kArray: {
      std::string out = "[";
      for (size_t i = 0; i < value.items.size(); ++i) {
        if (i != 0) out += ", ";
        out += render_for_message(value.items[i]);
      }
      return out + "]";
    }
    case RawJson::Kind::kObject: {
      std::string out = "{";
      for (size_t i = 0; i < value.members.size(); ++i) {
        if (i != 0) out += ", ";
        out += value.members[i].first + "=" + render_for_message(value.members[i].second);
      }
      return out + "}";
    }
  }
  return "";
}

std::string cut_code_points(std::string_view text, size_t max) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (count == max) return std::string(text.substr(0, i)) + "...";
    ++count;
  }
  return std::string(text);
}

std::string printable(std::string_view bytes) {
  std::string out;
  const auto hex = [&](unsigned char c) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    out += "\\x";
    out += kDigits[c >> 4];
    out += kDigits[c & 0xF];
  };
  bool cut = false;
  for (size_t i = 0; i < bytes.size();) {
    if (bytes.size() > 2000 && i >= 1000 && !cut) {
      cut = true;
      out += "...(" + std::to_string(bytes.size() - 1000 - i) + " bytes)...";
      i = bytes.size() - 1000;
      continue;
    }
    char32_t c = 0;
    const size_t n = spec::decode_utf8_at(bytes, i, c);
    if (n == 0) {
      hex(static_cast<unsigned char>(bytes[i++]));
    } else if (c == '\n') {
      out += "\\n";
      ++i;
    } else if (c == '\t') {
      out += "\\t";
      ++i;
    } else if (c < 0x20 || c == 0x7F) {
      hex(static_cast<unsigned char>(bytes[i++]));
    } else {
      out.append(bytes.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::optional<RawJson> parse_without_duplicates(std::string_view text) {
  // nlohmann skips a leading byte order mark; the validators do not, so such a body is left alone.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") return std::nullopt;
  // nlohmann's lexer also takes a NUL byte for the end of the input ("{}\0junk" would parse): a
  // raw NUL is never valid JSON text, so such a body is left alone too.
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  TreeBuilder builder;
  bool ok = false;
  try {
    ok = nlohmann::json::sax_parse(text, &builder, nlohmann::json::input_format_t::json, true,
                                   false);
  } catch (const std::exception&) {
    ok = false;
  }
  if (!ok || builder.duplicate_) return std::nullopt;
  return std::move(builder.root);
}

}  // namespace lpe::generators::internal
