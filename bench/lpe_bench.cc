// lpe-bench: throughput figures for the validators, and the inputs the comparison scripts need.
//
//   lpe-bench validate --corpus FILE [--seconds S] [--json-reader fast|nlohmann]
//       validates every line of FILE (one request body per line) repeatedly for at least S seconds
//       (default 2), reusing one verdict (validate_into), and prints `bodies_per_second=<R>` as its
//       last line.
//   lpe-bench validate --corpus FILE --dfa both [--seconds S]
//       the same with the model's pattern DFAs as built and as plain tables (one lookup per byte),
//       in alternating rounds, and prints both rates and their ratio (what the DFA's forced bytes,
//       vector runs and chain programs are worth end to end).
//   lpe-bench json-schema
//       prints a JSON Schema (draft-07) of the operation's input, derived from the model, so that
//       other validators (ajv) are measured on exactly the same constraints.
//   lpe-bench make-corpus [--count N] [--seed S]
//       prints a deterministic, realistic mix of valid and invalid request bodies.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "spec/internal/ascii_dfa.h"
#include "spec/spec.h"
#include "validators/validators.h"

namespace {

using lpe::spec::ShapeType;
using nlohmann::ordered_json;

int fail(const std::string& message) {
  std::fprintf(stderr, "lpe-bench: %s\n", message.c_str());
  return 2;
}

std::string arg_value(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 2; i + 1 < argc; ++i) {
    if (argv[i] == "--" + name) return argv[i + 1];
  }
  return fallback;
}

ordered_json schema_of(const lpe::spec::Shape& shape, const lpe::spec::Constraints& c, int depth) {
  ordered_json s;
  if (depth > 32) return s;
  switch (shape.type) {
    case ShapeType::kString:
    case ShapeType::kEnum:
      s["type"] = "string";
      if (c.length && c.length->min) s["minLength"] = *c.length->min;
      if (c.length && c.length->max) s["maxLength"] = *c.length->max;
      if (c.pattern) s["pattern"] = c.pattern->source;
      if (!shape.enum_values.empty()) {
        for (const auto& v : shape.enum_values) s["enum"].push_back(v.string_value);
      }
      break;
    case ShapeType::kByte:
    case ShapeType::kShort:
    case ShapeType::kInteger:
    case ShapeType::kLong:
    case ShapeType::kIntEnum:
      s["type"] = "integer";
      if (c.range && c.range->min) s["minimum"] = *c.range->min;
      if (c.range && c.range->max) s["maximum"] = *c.range->max;
      break;
    case ShapeType::kFloat:
    case ShapeType::kDouble:
    case ShapeType::kBigDecimal:
    case ShapeType::kBigInteger:
      s["type"] = "number";
      break;
    case ShapeType::kBoolean:
      s["type"] = "boolean";
      break;
    case ShapeType::kList:
    case ShapeType::kSet:
      s["type"] = "array";
      s["items"] = schema_of(*shape.members[0].target, shape.members[0].constraints, depth + 1);
      break;
    case ShapeType::kStructure:
    case ShapeType::kUnion: {
      s["type"] = "object";
      s["properties"] = ordered_json::object();
      for (const auto& m : shape.members) {
        ordered_json member = schema_of(*m.target, m.constraints, depth + 1);
        // Optional members may be null (R4).
        if (!m.required && member.contains("type")) member["type"] = {member["type"], "null"};
        s["properties"][m.name] = member;
        if (m.required) s["required"].push_back(m.name);
      }
      break;
    }
    default:
      break;
  }
  return s;
}

// Realistic bodies: mostly valid SDK-shaped requests, plus the invalid kinds clients really send.
std::vector<std::string> make_corpus(size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const auto alnum = [&](size_t n) {
    static const char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::string s;
    for (size_t i = 0; i < n; ++i) s += kChars[pick(62)];
    return s;
  };
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i) {
    ordered_json body;
    body["stageArn"] =
        "arn:aws:ivs:us-west-2:" + std::to_string(100000000000ULL + rng() % 899999999999ULL) +
        ":stage/" + alnum(12);
    body["sessionId"] = "st-" + alnum(13);
    body["participantId"] = alnum(12);
    if (pick(2) == 0) body["maxResults"] = 1 + static_cast<int>(pick(100));
    if (pick(3) == 0) body["nextToken"] = alnum(40 + pick(60));
    switch (pick(10)) {
      case 0:
        body["maxResults"] = pick(2) ? 0 : 101 + static_cast<int>(pick(1000));
        break;
      case 1:
        body["sessionId"] = "st-" + alnum(pick(8));
        break;
      case 2:
        body["participantId"] = alnum(4) + " " + alnum(4);
        break;
      case 3:
        body.erase("stageArn");
        break;
      case 4:
        body["stageArn"] = "arn:aws:ivs:us-west-2:123:channel/" + alnum(8);
        break;
      default:
        break;  // valid (50%)
    }
    std::string text = body.dump();
    if (pick(50) == 0)
      text = "{\"stageArn\": \"arn:aws:ivs:us-west-2:1:stage/x\", \"maxResults\": \"5\"}";
    out.push_back(std::move(text));
  }
  return out;
}

// Validator throughput with the model's pattern DFAs as built (forced bytes, vector runs, chain
// programs) and with plain table DFAs, alternating in rounds so both see the same machine state.
int validate_dfa_both(const std::vector<std::string>& bodies, double seconds) {
  auto fast = lpe::spec::Model::bundled();
  lpe::spec::internal::AsciiDfa::set_plain(true);
  auto loaded = lpe::spec::Model::load(
      {{"<bundled>/model", std::string(lpe::spec::bundled_operation_model())},
       {"<bundled>/overlay", std::string(lpe::spec::bundled_overlay_model()), "overlay"},
       {"<bundled>/errors", std::string(lpe::spec::bundled_protocol_errors_model()),
        "protocol errors"}});
  lpe::spec::internal::AsciiDfa::set_plain(false);
  auto plain = *loaded;
  const lpe::validators::RequestValidator a(fast, fast->operation().value());
  const lpe::validators::RequestValidator b(plain, plain->operation().value());
  lpe::validators::RequestVerdict verdict;
  double time[2] = {0, 0};
  size_t done[2] = {0, 0};
  size_t sink = 0;
  for (int round = 0; round < 10; ++round) {
    for (int which = 0; which < 2; ++which) {
      const auto& validator = which == 0 ? a : b;
      const auto start = std::chrono::steady_clock::now();
      double elapsed = 0;
      while (elapsed < seconds / 20) {
        for (const auto& body : bodies) {
          validator.validate_into(body, verdict, lpe::validators::JsonReader::kFast, false);
          sink += verdict.violations.size();
        }
        done[which] += bodies.size();
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      }
      time[which] += elapsed;
    }
  }
  const double with = static_cast<double>(done[0]) / time[0];
  const double without = static_cast<double>(done[1]) / time[1];
  std::printf(
      "checksum=%zu\nbodies_per_second_dfa_as_built=%.0f\nbodies_per_second_plain_dfa=%.0f\n"
      "ratio=%.3f\n",
      sink, with, without, with / without);
  return 0;
}

int validate(int argc, char** argv) {
  const std::string corpus_path = arg_value(argc, argv, "corpus", "");
  if (corpus_path.empty()) return fail("validate needs --corpus FILE");
  const double seconds = std::stod(arg_value(argc, argv, "seconds", "2"));
  // --iterations N: exactly N passes over the corpus (for instruction counts under callgrind).
  const long iterations = std::stol(arg_value(argc, argv, "iterations", "0"));
  const std::string reader_name = arg_value(argc, argv, "json-reader", "fast");
  const auto reader = reader_name == "nlohmann" ? lpe::validators::JsonReader::kNlohmann
                                                : lpe::validators::JsonReader::kFast;
  std::ifstream in(corpus_path);
  if (!in) return fail("cannot open " + corpus_path);
  std::vector<std::string> bodies;
  size_t bytes = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    bytes += line.size();
    bodies.push_back(std::move(line));
  }
  if (bodies.empty()) return fail("empty corpus " + corpus_path);
  if (arg_value(argc, argv, "dfa", "") == "both") return validate_dfa_both(bodies, seconds);
  auto model = lpe::spec::Model::bundled();
  const lpe::validators::RequestValidator validator(model, model->operation().value());
  size_t valid = 0;
  for (const auto& b : bodies) valid += validator.validate(b, reader, false).accepted();
  // One verdict reused for every body, as a server worker thread would (validate_into).
  lpe::validators::RequestVerdict verdict;
  const auto start = std::chrono::steady_clock::now();
  size_t done = 0;
  double elapsed = 0;
  size_t sink = 0;
  long passes = 0;
  while (iterations > 0 ? passes++ < iterations : elapsed < seconds) {
    for (const auto& b : bodies) {
      validator.validate_into(b, verdict, reader, false);
      sink += verdict.violations.size() + verdict.message.size();
    }
    done += bodies.size();
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  std::printf("corpus=%s bodies=%zu valid=%zu mean_bytes=%zu reader=%s checksum=%zu\n",
              corpus_path.c_str(), bodies.size(), valid, bytes / bodies.size(), reader_name.c_str(),
              sink);
  std::printf("bodies_per_second=%.0f\n", static_cast<double>(done) / elapsed);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "validate") return validate(argc, argv);
  if (command == "json-schema") {
    auto model = lpe::spec::Model::bundled();
    const auto op = model->operation().value();
    ordered_json schema = {{"$schema", "http://json-schema.org/draft-07/schema#"}};
    schema.update(schema_of(*op.input, {}, 0));
    std::cout << schema.dump(2) << "\n";
    return 0;
  }
  if (command == "make-corpus") {
    const auto count = std::stoul(arg_value(argc, argv, "count", "2000"));
    const auto seed = std::stoull(arg_value(argc, argv, "seed", "1"));
    for (const auto& line : make_corpus(count, seed)) std::cout << line << "\n";
    return 0;
  }
  return fail("usage: lpe-bench validate --corpus FILE [--seconds S] | json-schema | make-corpus");
}
