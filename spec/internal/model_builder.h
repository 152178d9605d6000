// The Smithy model loader behind Model::load: builds the resolved model in two passes, declare
// every shape, then resolve and check. Its parts live beside spec.cc, one job each:
//   spec/model_names.cc       shape types, identifiers and shape ids, load errors;
//   spec/model_documents.cc   reading documents, applies and overlays, resolving references;
//   spec/model_traits.cc      constraint and shape traits;
//   spec/model_members.cc     members of structures, unions, enums, lists and maps;
//   spec/model_operations.cc  operations: pagination, errors, our overlay's operation traits.
// Internal to spec/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "spec/spec.h"

namespace lpe::spec {

class ModelBuilder {
 public:
  using Json = nlohmann::ordered_json;
  // Thrown by fail() while loading, always caught by Model::load: where and what is wrong.
  struct LoadFailure {
    std::string pointer;
    std::string message;
  };

  explicit ModelBuilder(Model& model) : model_(model) {}
  void add_document(const Model::Source& source);
  void resolve();
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
  void drop_overlays_that_do_not_fit();
  // Smithy apply semantics: a trait the shape lacks is added; an equal value is fine; two lists
  // are concatenated; any other difference is a conflict (the overlay disagrees with the model).
  void merge_applied_trait(Json& traits, const std::string& name, const Json& value,
                           const std::string& ptr);
  struct ProtocolErrorRef {
    std::string file;
    std::string pointer;
    std::string id;
  };
  static std::string strip_nlohmann_prefix(std::string what);
  void add_prelude();
  Shape* find_mutable(std::string_view id);
  const Shape& resolve_target(const Json& ref, const std::string& ptr);
  static int64_t read_int(const Json& v, const std::string& ptr, const char* what);
  static void read_range_bound(const Json& v, const std::string& ptr, std::optional<double>& out,
                               std::string& text);
  void read_constraints(Constraints& c, const Json& traits, const std::string& ptr);
  static void check_constraints_apply(const Constraints& c, ShapeType t, const std::string& ptr);
  void read_shape_traits(Shape& s, const Json& traits, const std::string& ptr);
  Member make_member(const std::string& name, const Json& ref, const std::string& ptr);
  // restJson1 HTTP binding traits: where the member travels (body by default).
  static void read_member_binding(Member& m, const std::string& key, const Json& value,
                                  const std::string& ptr);
  // Our overlay's member traits (spec/lpe-overlay.json); their cross-member checks run once the
  // shape's members are all known (check_overlay_members, check_operation).
  void read_overlay_member_trait(Member& m, const std::string& key, const Json& value,
                                 const std::string& ptr);
  // presentWhen names a sibling string member, and its pattern matches some value of the
  // sibling's enum (a rule that can never hold means the overlay no longer fits the model).
  static void check_overlay_members(const Shape& s, const std::string& ptr);
  std::vector<const Shape*> resolve_refs(const Json& body, const char* key, const std::string& ptr,
                                         std::optional<ShapeType> expected);
  const Shape* resolve_single(const Json& body, const char* key, const std::string& ptr);
  void resolve_shape(Shape& s, const Json& body, const std::string& ptr);
  // The members of a structure, union, enum or intEnum (with the enum values).
  void resolve_named_members(Shape& s, const Json& body, const std::string& ptr);
  static EnumValue enum_value(ShapeType type, const Member& m, const std::string& ptr);
  void check_operation(Shape& op, const std::string& ptr);
  // Smithy: without `items`, the paginated items are the output's one list or map member.
  static void infer_items(Shape& op);
  // Our overlay's traits that refer to the operation: echoesInput names an input member, and a
  // documented default lies within the page size's range.
  void check_overlay_operation(const Shape& op, const std::string& ptr);

 public:
  // True when the service (directly or through resources) binds the operation.
  bool binds(const Shape& container, const Shape& op, int depth = 0) const;

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

  // Names, identifiers and failures (spec/model_names.cc).
  [[noreturn]] static void fail(std::string pointer, std::string message);
  static std::optional<ShapeType> parse_type(std::string_view name);
  static bool is_identifier(std::string_view s);
  // "ns.a.b#Name": a namespace of dotted identifiers, '#', an identifier.
  static bool is_absolute_shape_id(std::string_view id);
  static bool is_number_type(ShapeType t);
  // "line L, column C" of a byte offset (1-based), for JSON syntax errors.
  static std::string line_column(std::string_view text, size_t offset);

  friend class Model;
};

}  // namespace lpe::spec
