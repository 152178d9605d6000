// Derives the bundled contract from AWS's published Smithy model (spec/README.md, "Where the
// contract comes from"): the closure of one operation and the service that binds it, with every
// shape, constraint and protocol trait kept as AWS wrote it, the prose dropped, and the source's
// provenance (repository, path, commit, sha256) recorded in the metadata. Deterministic: the same
// input gives byte-identical output, so a test can prove the bundled file is what the script makes.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace lpe::spec {

// Where the AWS model came from, as recorded in the derived file's `lpe.derivedFrom` metadata.
struct DeriveSource {
  std::string repository;  // "aws/api-models-aws"
  std::string path;        // "models/ivs-realtime/service/2020-07-14/ivs-realtime-2020-07-14.json"
  std::string commit;      // the commit the copy was taken at
};

// The metadata key the provenance is written under.
inline constexpr std::string_view kDerivedFromKey = "lpe.derivedFrom";

// The derived model document for `operation` (simple name or absolute id) of the AWS model text,
// or a one-line reason (not JSON, no such operation, unresolved target).
Result<nlohmann::ordered_json> derive_operation_model(std::string_view aws_model_text,
                                                      std::string_view operation,
                                                      const DeriveSource& source);

// The derived document as written to disk: two-space indent, a final newline.
std::string serialize_derived_model(const nlohmann::ordered_json& document);

// Lowercase hex SHA-256 of `bytes` (model hashes in provenance and reports).
std::string sha256_hex(std::string_view bytes);

}  // namespace lpe::spec
