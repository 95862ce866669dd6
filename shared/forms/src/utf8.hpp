#pragma once
// UTF-8 helpers for text limits and pattern matching: lengths count characters, not bytes.
#include <optional>
#include <string>
#include <string_view>

namespace ws::forms::utf8 {

// Decodes strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
std::optional<std::u32string> decode(std::string_view text);
// Number of code points, or nullopt when the text is not valid UTF-8.
std::optional<std::size_t> length(std::string_view text);
// True for C0/C1 control characters other than the ones allowed (tab, and newline when
// `allow_newlines`).
bool has_control_characters(std::u32string_view text, bool allow_newlines);
// Bytes 0x20-0x7E only: such text is valid UTF-8, one character per byte, with no control character.
bool is_printable_ascii(std::string_view text);
// True when the text holds only white space (or nothing).
bool is_blank(std::string_view text);

}  // namespace ws::forms::utf8
