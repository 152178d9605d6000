// The keys of the data file format (`lpe mock --data`, documented in mock/README.md; users' files
// depend on them, so they do not change). The three nesting levels map to
// OperationView::list_scope[0..2]; the items array holds objects of the item structure.
#pragma once

#include <cstddef>
#include <string_view>

namespace lpe::mock::internal {

inline constexpr std::string_view kStagesKey = "stages";
inline constexpr std::string_view kStageValueKey = "arn";
inline constexpr std::string_view kSessionsKey = "sessions";
inline constexpr std::string_view kSessionValueKey = "id";
inline constexpr std::string_view kParticipantsKey = "participants";
inline constexpr std::string_view kParticipantValueKey = "id";
inline constexpr std::string_view kItemsKey = "events";  // the file format's key, not a model name
inline constexpr size_t kScopeDepth = 3;

}  // namespace lpe::mock::internal
