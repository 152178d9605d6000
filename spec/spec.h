// The contract as data: a Smithy 2.0 JSON AST model loaded into an immutable, resolved form.
// Everything else in the project (validators, generators, mock, harness) reads the operation from
// here; nothing outside tests names a member of ListParticipantEvents.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace re2 {
class RE2;
}

namespace lpe::spec::internal {
class AsciiDfa;
}

namespace lpe::spec {

// Smithy shape types (https://smithy.io/2.0/spec/model.html#shape-types).
enum class ShapeType {
  kBlob,
  kBoolean,
  kString,
  kByte,
  kShort,
  kInteger,
  kLong,
  kFloat,
  kDouble,
  kBigInteger,
  kBigDecimal,
  kTimestamp,
  kDocument,
  kList,
  kSet,
  kMap,
  kStructure,
  kUnion,
  kEnum,
  kIntEnum,
  kService,
  kOperation,
  kResource,
  kUnit,
};

// The Smithy name of a shape type ("string", "intEnum", ...).
std::string_view to_string(ShapeType type);

// `smithy.api#length`: bounds on code points (strings), elements (lists/maps) or bytes (blobs).
struct LengthTrait {
  std::optional<int64_t> min;
  std::optional<int64_t> max;
};

// `smithy.api#range` bounds. Kept as their decimal text too so messages print them as written.
struct RangeTrait {
  std::optional<double> min;
  std::optional<double> max;
  std::string min_text;
  std::string max_text;
};

// `smithy.api#pattern`: the source as written and an RE2 compiled once at load (R1, no ReDoS).
struct PatternTrait {
  std::string source;
  std::shared_ptr<const re2::RE2> regex;
  // `^...$` with no top-level alternation: a search equals a match anchored at both ends, which
  // RE2 runs faster.
  bool anchored_both = false;
  // A byte-table DFA equivalent to `regex`, when the pattern is in the ASCII subset; else null.
  std::shared_ptr<const internal::AsciiDfa> dfa;
};

// `smithy.api#timestampFormat` values.
enum class TimestampFormat { kEpochSeconds, kDateTime, kHttpDate };

// `smithy.api#http` on an operation.
struct HttpTrait {
  std::string method;
  std::string uri;
  int code = 200;
};

// `smithy.api#paginated`, with service-level defaults merged in.
struct PaginatedTrait {
  std::string input_token;
  std::string output_token;
  std::string page_size;
  std::string items;
  // True when the model names no `items` and the loader inferred it as Smithy defines the member:
  // the output's one list or map member.
  bool items_inferred = false;
  // Why `items` could not be inferred (no list/map member, or several candidates named). Only an
  // error for the operation it belongs to: Model::operation() reports it when that one is chosen.
  std::string items_problem;
};

// Where a member travels on the wire (restJson1 HTTP binding traits). Only body members are part
// of a JSON document; the others are headers, query strings, labels or the status code.
enum class HttpBinding {
  kBody,
  kHeader,
  kPrefixHeaders,
  kQuery,
  kQueryParams,
  kLabel,
  kPayload,
  kResponseCode
};

// `lpe.conformance#presentWhen` (our overlay, R9): the member is present exactly when a sibling
// member's string value matches `pattern` ("errorCode only on *_ERROR events").
struct PresenceRule {
  std::string sibling;
  PatternTrait pattern;
};

struct Shape;

// The effective constraints of a value: member-level traits override the target shape's.
struct Constraints {
  std::optional<LengthTrait> length;
  std::optional<PatternTrait> pattern;
  std::optional<RangeTrait> range;
  std::optional<TimestampFormat> timestamp_format;
  bool sparse = false;
};

// A member of a structure, union, list (`member`) or map (`key`, `value`), resolved.
struct Member {
  std::string name;
  std::string target_id;
  const Shape* target = nullptr;
  bool required = false;
  std::optional<nlohmann::ordered_json> default_value;
  std::string documentation;
  Constraints constraints;  // effective: target traits overlaid with the member's own
  nlohmann::ordered_json traits = nlohmann::ordered_json::object();  // the member's raw traits
  HttpBinding binding = HttpBinding::kBody;
  std::string binding_name;  // header name / query key for header and query bindings
  // Our overlay's additions (spec/lpe-overlay.json):
  std::optional<PresenceRule> present_when;  // lpe.conformance#presentWhen
  // lpe.conformance#echoesInput: an item member that should equal this input member of the
  // request that listed it (each event's participantId is the requested participant, R9).
  std::string echoes_input;
  // lpe.conformance#documentedDefault: a default the service documents but does not model
  // (maxResults "Default: 50", R3); unlike smithy.api#default, clients do not send it.
  std::optional<int64_t> documented_default;
};

// One enum value (enum: string value; intEnum: integer value).
struct EnumValue {
  std::string name;
  std::string string_value;
  int64_t int_value = 0;
};

// A resolved shape. Pointers refer into the owning Model and stay valid as long as it lives.
struct Shape {
  std::string id;  // absolute shape id, "ns#Name"
  ShapeType type = ShapeType::kUnit;
  std::vector<Member> members;  // structure/union in file order; list: [member]; map: [key, value]
  std::vector<EnumValue> enum_values;  // enum / intEnum (and strings with the legacy `enum` trait)
  Constraints constraints;             // the shape's own constraint traits
  std::string documentation;
  // error shapes
  std::optional<std::string> error;  // "client" / "server"
  std::optional<int> http_error;
  // operations
  const Shape* input = nullptr;
  const Shape* output = nullptr;
  std::vector<const Shape*> errors;  // operation or service errors
  std::optional<HttpTrait> http;
  std::optional<PaginatedTrait> paginated;
  bool readonly = false;
  // services
  std::vector<const Shape*> operations;
  nlohmann::ordered_json traits = nlohmann::ordered_json::object();  // every trait, raw

  // Each member name's length and first (up to) 8 bytes, side by side, so that looking a JSON key
  // up is a scan of small integers instead of string compares (see find_member).
  struct MemberKey {
    uint64_t head = 0;
    uint32_t length = 0;
  };
  std::vector<MemberKey> member_keys;  // parallel to `members`

  // The member with this name, or nullptr.
  const Member* member(std::string_view name) const;
  // The index in `members` of the member with this name, or -1. Inline: validators call it for
  // every key of every object.
  int find_member(std::string_view name) const {
    const uint64_t head = name_head(name);
    for (size_t m = 0; m < member_keys.size(); ++m) {
      if (member_keys[m].length != name.size() || member_keys[m].head != head) continue;
      if (same_after_head(members[m].name, name)) return static_cast<int>(m);
    }
    return -1;
  }
  // a == b for texts of one length whose first 8 bytes are known to be equal; word compares
  // inline (a library call costs more than these short names).
  static bool same_after_head(std::string_view a, std::string_view b) {
    const size_t n = a.size();
    if (n <= 8) return true;
    const auto word = [](const char* p) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      return w;
    };
    for (size_t i = 8; i + 8 < n; i += 8) {
      if (word(a.data() + i) != word(b.data() + i)) return false;
    }
    return word(a.data() + n - 8) == word(b.data() + n - 8);  // the last 8 (may overlap)
  }
  // A number that, with the length, determines the first (up to) 8 bytes of `name`: equal names
  // give equal heads, and names of one length whose first 8 bytes differ give different heads.
  static uint64_t name_head(std::string_view name) {
    const size_t n = name.size();
    if (n >= 8) {
      uint64_t head;
      std::memcpy(&head, name.data(), 8);
      return head;
    }
    if (n >= 4) {  // bytes [0, 4) and [n - 4, n): together all n bytes
      uint32_t low, high;
      std::memcpy(&low, name.data(), 4);
      std::memcpy(&high, name.data() + n - 4, 4);
      return (uint64_t{low} << 32) | high;
    }
    uint64_t head = 0;
    for (size_t i = 0; i < n; ++i) head |= uint64_t{static_cast<unsigned char>(name[i])} << (8 * i);
    return head;
  }
  // The simple name (after '#').
  std::string_view name() const;
};

// Where a model file is wrong: file, JSON pointer and what is wrong.
struct ModelError {
  std::string file;
  std::string pointer;
  std::string message;
  // "file: at /shapes/ns#X/members/y: unresolved target 'ns#Z'" (one line).
  std::string to_string() const;
};

// An operation as the rest of the project needs it: its shapes, the service it belongs to, every
// error it can return (declared on the operation, on the service, and the protocol errors).
struct OperationView {
  const Shape* operation = nullptr;
  const Shape* service = nullptr;  // may be null when the model binds the operation to no service
  const Shape* input = nullptr;
  const Shape* output = nullptr;
  std::vector<const Shape*> declared_errors;  // operation + service errors
  std::vector<const Shape*> protocol_errors;  // errors every restJson1 endpoint may return
  std::string sigv4_name;                     // `aws.auth#sigv4` name ("ivs"), empty if none
  std::string endpoint_prefix;                // `aws.api#service` endpointPrefix, if any

  // The error shape whose simple name is `name` (declared or protocol), or nullptr.
  const Shape* find_error(std::string_view name) const;
  // The default page size: the `default` trait of the paginated pageSize member, else its
  // documented default (our overlay, R3), if any.
  std::optional<int64_t> default_page_size() const;
  // The input members that select the list being paged, outermost first (R10 token binding):
  // the `lpe.conformance#listScope` trait of the operation, else the required string input
  // members in model order.
  std::vector<const Member*> list_scope;
};

// What a model was loaded from, so that every report can name the contract it judged against.
struct ContractSource {
  std::string name;    // file path, or "<bundled>/..." for the embedded files
  std::string role;    // "model", "overlay" or "protocol errors"
  std::string sha256;  // of the file's bytes
};
struct ContractInfo {
  std::vector<ContractSource> sources;  // in load order
  // The `lpe.derivedFrom` metadata of a derived model (repository, path, commit, sha256 of AWS's
  // file), or null.
  nlohmann::ordered_json derived_from;
  // "bundled" or "file".
  std::string origin;
  // One line: "bundled (AWS aws/api-models-aws@7b72fb5, sha256 be08...) + overlay ...".
  std::string summary() const;
  nlohmann::ordered_json to_json() const;
};

// The immutable model. Thread-safe to share once loaded.
class Model {
 public:
  // One model file to load: a name for messages and its text. `role` is "model" (default),
  // "overlay" or "protocol errors" (recorded in contract()).
  struct Source {
    std::string name;
    std::string text;
    std::string role = "model";
    // An overlay applied only when every shape it applies to is in the model (the bundled
    // overlay on a user's --model file); otherwise it is left out, and out of contract().
    bool only_if_it_fits = false;
  };

  // Loads and merges Smithy 2.0 JSON AST documents (shapes with the same id are an error),
  // resolves every target, compiles every pattern. Never throws.
  static Result<std::shared_ptr<const Model>, ModelError> load(const std::vector<Source>& sources);

  // Loads the bundled model: the operation derived from AWS's model, our overlay, and the AWS
  // protocol errors, embedded in the binary.
  static std::shared_ptr<const Model> bundled();

  // Loads a user model file from disk together with the bundled protocol errors (unless the file
  // defines them) and overlays: `overlay_paths` when given; otherwise the bundled overlay when
  // every shape it applies to is in the file (AWS's published model: its shape ids match), else
  // none (checks that need an overlay's traits then say so, R14).
  static Result<std::shared_ptr<const Model>, ModelError> load_file(
      const std::string& path, const std::vector<std::string>& overlay_paths = {});

  // The shape with this absolute id, or nullptr.
  const Shape* find(std::string_view id) const;
  // Every shape, in id order.
  const std::map<std::string, Shape, std::less<>>& shapes() const { return shapes_; }
  // Operations by simple or absolute name. An empty name picks the only operation; with several it
  // is an error that names the paginated ones (the caller asks for --operation).
  Result<OperationView> operation(std::string_view name = {}) const;
  // The names of all operations in the model.
  std::vector<std::string> operation_names() const;
  // What the model was loaded from (files, hashes, provenance).
  const ContractInfo& contract() const { return contract_; }

 private:
  friend class ModelBuilder;
  ContractInfo contract_;
  std::map<std::string, Shape, std::less<>> shapes_;
  std::vector<const Shape*> protocol_errors_;
  std::map<std::string, const Shape*, std::less<>> service_of_;  // operation id -> its service
};

// The bundled model file texts (embedded at build time).
std::string_view bundled_operation_model();
std::string_view bundled_overlay_model();
std::string_view bundled_protocol_errors_model();

// The helpers below are used per request and response (spec/values.cc); everything above loads
// models (spec/spec.cc).

// RFC 6901 escaping of one JSON pointer reference token ("a/b~c" -> "a~1b~0c"), for the precise
// error locations every loader and checker reports.
std::string escape_pointer_token(std::string_view token);
// The same, appended to `out` (no allocation when `out` has room).
void append_escaped_pointer_token(std::string& out, std::string_view token);

// Counts Unicode code points of UTF-8 text (R2). The text must be valid UTF-8.
size_t code_point_length(std::string_view utf8);

// Smithy pattern semantics: an RE2 search, so an anchored pattern (`^...$`, as every pattern of
// this contract is written) is a whole-value match (R1).
bool pattern_matches(const PatternTrait& pattern, std::string_view value);

}  // namespace lpe::spec
