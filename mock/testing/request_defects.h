// The defects that change how a request body is read before the true handler judges it
// (coercions, off-by-one bounds, lax patterns): each rewrites the body into the one a server with
// that bug would in effect have judged, so the true handler's answer is the defective server's.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "mock/testing/defects.h"
#include "spec/spec.h"

namespace lpe::mock::testing {

class RequestBodyDefects {
 public:
  // Null when none of `defects` rewrites bodies. `operation` must outlive the result.
  static std::shared_ptr<const RequestBodyDefects> make(const std::set<Defect>& defects,
                                                        const spec::OperationView& operation);
  // The body as the defective server reads it, or nullopt when the defects change nothing (a
  // body that is not a JSON object is never changed).
  std::optional<std::string> rewrite(std::string_view body) const;

 private:
  struct StringMember {
    std::string name;
    const spec::PatternTrait* pattern = nullptr;
    std::optional<int64_t> max_length;
  };
  bool has(Defect defect) const { return defects_.count(defect) != 0; }
  // The string value as the defects read it.
  std::string read_string(const StringMember& member, std::string value) const;
  // The page size as the defects read it (any JSON value).
  void read_page_size(nlohmann::ordered_json& value) const;

  std::set<Defect> defects_;
  std::vector<StringMember> strings_;
  std::string page_size_member_;
  std::optional<int64_t> page_size_max_;
  std::string scope_member_;  // the innermost list-scope member (the participant)
};

}  // namespace lpe::mock::testing
