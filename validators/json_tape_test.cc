#include "validators/internal/json_tape.h"

#include <gtest/gtest.h>

namespace lpe::validators::internal {
namespace {

// Both readers must produce the same tape: kinds, sizes, subtree ends, decoded text, integers.
void expect_same_tape(const std::string& json) {
  Tape fast, dom;
  const std::string fast_error = read_json_fast(json, 128, fast);
  const std::string dom_error = read_json_nlohmann(json, 128, dom);
  ASSERT_EQ(fast_error.empty(), dom_error.empty())
      << json << "\nfast: " << fast_error << "\ndom: " << dom_error;
  if (!fast_error.empty()) return;
  ASSERT_EQ(fast.nodes.size(), dom.nodes.size()) << json;
  for (size_t i = 0; i < fast.nodes.size(); ++i) {
    const Node& a = fast.nodes[i];
    const Node& b = dom.nodes[i];
    SCOPED_TRACE(json + " node " + std::to_string(i));
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.end, b.end);
    EXPECT_EQ(a.size, b.size);
    EXPECT_EQ(a.integral, b.integral);
    EXPECT_EQ(a.fits_int64, b.fits_int64);
    if (a.fits_int64) {
      EXPECT_EQ(a.int_value, b.int_value);
    }
    if (a.kind == NodeKind::kString) {
      EXPECT_EQ(fast.text(a), dom.text(b));
    }
  }
}

TEST(JsonTape, ReadersAgreeOnStructure) {
  for (
      const std::string json :
      {"{}", "[]", "0", "-0", "1.5", "\"x\"", "null", "true", "false",
       R"({"a":[1,2,{"b":null,"c":[[],{}]}],"d":"e\u00e9\ud83d\ude00","f":-9223372036854775808})",
       R"({"a":9223372036854775807,"b":9223372036854775808,"c":18446744073709551615,"d":18446744073709551616})",
       R"({"a":1e2,"b":-1.25E-3,"c":0.0,"d":"\"\\\/\b\f\n\r\t"})",
       R"([{"k":{"k":{"k":[1,[2,[3]]]}}}])", " \r\n\t{ \"a\" : 1 } ", "\xEF\xBB\xBF{}",
       R"({"a":1,"a":2})"}) {
    expect_same_tape(json);
  }
}

TEST(JsonTape, ReadersAgreeOnRejection) {
  for (const std::string json :
       {"", "{", "[1,]", "{\"a\"}", "01", "1.", ".5", "+1", "--1", "1e", "\"\\u12\"", "\"\xC3\"",
        "nul", "[1 2]", "{\"a\":1 \"b\":2}", "1e400", "-1e400"}) {
    expect_same_tape(json);
  }
}

TEST(JsonTape, DepthLimit) {
  Tape t;
  EXPECT_TRUE(read_json_fast(std::string(128, '[') + std::string(128, ']'), 128, t).empty());
  EXPECT_FALSE(read_json_fast(std::string(129, '[') + std::string(129, ']'), 128, t).empty());
  EXPECT_TRUE(read_json_nlohmann(std::string(128, '[') + std::string(128, ']'), 128, t).empty());
  EXPECT_FALSE(read_json_nlohmann(std::string(129, '[') + std::string(129, ']'), 128, t).empty());
}

TEST(JsonTape, ErrorsSayWhere) {
  Tape t;
  EXPECT_EQ(read_json_fast("{\n  \"a\": tru\n}", 128, t),
            "unexpected character at line 2, column 8");
  EXPECT_EQ(read_json_fast("{\"a\":\"\xFF\"}", 128, t), "invalid UTF-8 byte at line 1, column 7");
}

}  // namespace
}  // namespace lpe::validators::internal
