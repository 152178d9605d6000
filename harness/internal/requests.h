// The request families: generated requests (valid, invalid, unusual but valid, unsupported media
// types) sent and judged in parallel; the first failing case of each check is then shrunk.
#pragma once

#include <string>
#include <vector>

#include <rapidcheck.h>

#include "generators/generators.h"
#include "harness/internal/judge.h"
#include "harness/internal/run_context.h"

namespace lpe::harness::internal {

// A family of generated requests, each judged by its own primary check.
enum class RequestFamily { kPositive, kNegative, kUnusual, kContentType };

// The options the run's request generators are made with (the input token is left to the
// pagination checks); the run plan makes the same generators to count the coverage cases.
generators::RequestGeneratorOptions run_generator_options(const spec::OperationView& op);

// The primary check of a family ("positive_data_acceptance", ...).
std::string_view primary_check(RequestFamily family);

// What a labelled request of `family` should get.
Expectation expectation_of(RequestFamily family, const generators::LabelledRequest& lr);

// Every observation of one request case: the response checks, the family's check and the checks
// a family adds (validation_message on negatives, page sizes and echoed items on 200 pages).
void judge_request_case(const Judge& judge, const CheckSelection& selection, RequestFamily family,
                        const generators::LabelledRequest& lr, const Received& r,
                        std::vector<Observation>& out);

// The request families the selection needs, in sending order (each sends options.cases cases).
std::vector<RequestFamily> selected_request_families(const CheckSelection& selection);

// Draws options.cases requests per selected family, sends and judges them on `workers` threads,
// then shrinks the first failure of each check.
void run_request_families(const RunParts& parts, const generators::RequestGenerators& gens,
                          int workers);

}  // namespace lpe::harness::internal
