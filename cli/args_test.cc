// The command-line parser the subcommands share: every malformed command line is a one-line
// error, values are range-checked, integer option tables apply in order, input files are bounded.
#include "cli/args.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace lpe::cli {
namespace {

const std::vector<OptionSpec> kSpecs = {
    {"port", true, false, ""}, {"tag", true, true, ""}, {"quiet", false, false, ""}};

Result<Args> parse(std::vector<std::string> words) {
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  return Args::parse(static_cast<int>(argv.size()), argv.data(), 0, kSpecs);
}

TEST(Args, ValuesSwitchesRepeatsAndPositionals) {
  const auto args = parse({"--port", "80", "--tag=a", "--tag", "b", "--quiet", "x", "--", "--y"});
  ASSERT_TRUE(args.ok()) << args.error().to_string();
  EXPECT_EQ(args->get("port"), "80");
  EXPECT_EQ(args->all("tag"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(args->has("quiet"));
  EXPECT_FALSE(args->has("missing"));
  EXPECT_EQ(args->get("missing", "fallback"), "fallback");
  EXPECT_EQ(args->positionals(), (std::vector<std::string>{"x", "--y"}));
}

TEST(Args, MalformedCommandLinesAreOneLineErrors) {
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{"--bogus"}, "unknown option '--bogus' (see --help)"},
      {{"--port"}, "option '--port' needs a value"},
      {{"--quiet=yes"}, "option '--quiet' takes no value"},
      {{"--port", "1", "--port", "2"}, "option '--port' given twice"},
  };
  for (const auto& [words, message] : cases) {
    const auto args = parse(words);
    ASSERT_FALSE(args.ok()) << message;
    EXPECT_EQ(args.error().to_string(), message);
  }
}

TEST(Args, NumbersAreWholeAndInRange) {
  EXPECT_EQ(parse_integer("42", 0, 100), 42);
  for (const char* bad : {"", "-1", "101", "4x", " 4", "1e2", "99999999999999999999"})
    EXPECT_FALSE(parse_integer(bad, 0, 100).has_value()) << bad;
  EXPECT_EQ(parse_non_negative("2.5"), 2.5);
  for (const char* bad : {"", "-1", "nan", "inf", "1e16", "2s"})
    EXPECT_FALSE(parse_non_negative(bad).has_value()) << bad;
}

struct Settings {
  int cases = 0;
  long long pages = 0;
};

constexpr IntegerOption<Settings> kTable[] = {
    {"port", 1, 10, "--port must be 1..10",
     [](Settings& s, long long v) { s.cases = static_cast<int>(v); }},
    {"tag", 0, 5, "--tag must be 0..5", [](Settings& s, long long v) { s.pages = v; }},
};

TEST(IntegerOptions, GivenOptionsAreSetAndTheFirstBadValueIsTheError) {
  Settings settings;
  ASSERT_TRUE(apply_integer_options(*parse({"--port", "7"}), kTable, settings).ok());
  EXPECT_EQ(settings.cases, 7);
  EXPECT_EQ(settings.pages, 0);  // not given: untouched
  const auto bad = apply_integer_options(*parse({"--port", "11", "--tag", "9"}), kTable, settings);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().to_string(), "--port must be 1..10");
}

TEST(ReadInput, ReadsBoundedFilesAndSaysWhyNot) {
  const std::string path = ::testing::TempDir() + "cli-args-test-input.txt";
  std::ofstream(path, std::ios::binary) << "0123456789";
  const auto whole = read_input(path, 10);
  ASSERT_TRUE(whole.ok()) << whole.error().to_string();
  EXPECT_EQ(*whole, "0123456789");
  const auto large = read_input(path, 9);
  ASSERT_FALSE(large.ok());
  EXPECT_EQ(large.error().to_string(), path + " is larger than 9 bytes");
  std::remove(path.c_str());
  const auto missing = read_input(path, 10);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().to_string(), "cannot open " + path + ": No such file or directory");
}

}  // namespace
}  // namespace lpe::cli
