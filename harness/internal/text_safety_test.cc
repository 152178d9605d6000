// Terminal escaping and secret masking: what a hostile peer sends never drives the terminal, and
// secret values never reach output in any form.
#include "harness/internal/text_safety.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "wire/text.h"

namespace lpe::harness::internal {
namespace {

TEST(EscapeForTerminal, ControlsAndInvalidUtf8AreEscaped) {
  EXPECT_EQ(wire::escape_for_terminal("plain text"), "plain text");
  EXPECT_EQ(wire::escape_for_terminal("\x1b[2J\x1b]0;owned\x07"), "\\x1b[2J\\x1b]0;owned\\x07");
  EXPECT_EQ(wire::escape_for_terminal("a\rb\x7f"
                                      "c"),
            "a\\x0db\\x7fc");
  EXPECT_EQ(wire::escape_for_terminal(std::string("nul\0byte", 8)), "nul\\x00byte");
  // C1 controls encoded in UTF-8 (U+009B is a one-byte CSI for some terminals).
  EXPECT_EQ(wire::escape_for_terminal("\xc2\x9b"
                                      "31m"),
            "\\u{9b}31m");
  // Raw C1 bytes and other invalid UTF-8.
  EXPECT_EQ(wire::escape_for_terminal("\x9b"
                                      "31m"),
            "\\x9b31m");
  EXPECT_EQ(wire::escape_for_terminal("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(wire::escape_for_terminal("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
  EXPECT_EQ(wire::escape_for_terminal("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(wire::escape_for_terminal("\xe2\x82"), "\\xe2\\x82");           // cut short
  // Valid UTF-8 stays as it is.
  EXPECT_EQ(wire::escape_for_terminal("caf\xc3\xa9 \xf0\x9f\x8e\xa5"),
            "caf\xc3\xa9 \xf0\x9f\x8e\xa5");
}

TEST(EscapeForTerminal, NewlinesKeptOnlyWhenAsked) {
  EXPECT_EQ(wire::escape_for_terminal("a\nb\tc"), "a\nb\tc");
  EXPECT_EQ(wire::escape_for_terminal("a\nb\tc", false), "a\\x0ab\\x09c");
}

TEST(EscapeJsonForTerminal, SameValueNoTerminalControls) {
  const nlohmann::json value = {{"m",
                                 "x\xc2\x9b"
                                 "y\x7fz\x1b"}};
  const std::string dumped = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const std::string safe = wire::escape_json_for_terminal(dumped);
  EXPECT_EQ(safe.find('\x1b'), std::string::npos);
  EXPECT_EQ(safe.find('\x7f'), std::string::npos);
  EXPECT_EQ(safe.find("\xc2\x9b"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(safe), value);
}

TEST(SecretMasker, EveryOccurrenceInAnyTextIsMasked) {
  SecretMasker masker;
  masker.add("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  masker.add("FwoGZXIvYXdzEBYaDLpeToken==");
  masker.add("short");  // too short to mask in free text
  const std::string text =
      "token FwoGZXIvYXdzEBYaDLpeToken== twice FwoGZXIvYXdzEBYaDLpeToken==, secret "
      "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, a short word";
  const std::string masked = masker.mask(text);
  EXPECT_EQ(masked.find("FwoGZXIvYXdzEBYaDLpeToken"), std::string::npos) << masked;
  EXPECT_EQ(masked.find("wJalrXUtnFEMI"), std::string::npos) << masked;
  EXPECT_NE(masked.find("a short word"), std::string::npos) << masked;
  EXPECT_EQ(masked, "token *** twice ***, secret ***, a short word");
}

TEST(SecretMasker, JsonEscapedFormsAreMaskedToo) {
  SecretMasker masker;
  masker.add("secret\"with\\quote");
  const std::string json = nlohmann::json({{"body", "x secret\"with\\quote y"}}).dump();
  EXPECT_EQ(masker.mask(json).find("secret"), std::string::npos) << masker.mask(json);
  EXPECT_EQ(masker.mask("x secret\"with\\quote y"), "x *** y");
}

TEST(SecretMasker, EmptyMaskerChangesNothing) {
  SecretMasker masker;
  masker.add("");
  EXPECT_TRUE(masker.empty());
  EXPECT_EQ(masker.mask("anything"), "anything");
}

}  // namespace
}  // namespace lpe::harness::internal
