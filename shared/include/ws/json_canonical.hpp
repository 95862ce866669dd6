#pragma once
// The payload's stored text: compact JSON exactly as nlohmann's dump() writes it (members in
// the byte order of their keys, no whitespace, its escapes, its number forms). The envelope
// reader writes it from simdjson's DOM with the pieces below, and, where a text was sent in that
// form already (kiosks send what nlohmann dumped), proves so without writing, to keep the text
// as sent. Both sides use one rule per piece, so the two cannot drift apart.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ws {

struct PayloadMember;  // ws/envelope_reader.hpp

namespace json_canonical {

// `s` (valid UTF-8) as a JSON string: '"', '\\' and bytes below 0x20 escaped, nothing else.
void append_string(std::string& out, std::string_view s);
void append_number(std::string& out, std::int64_t v);
void append_number(std::string& out, std::uint64_t v);
void append_number(std::string& out, double v);  // nlohmann's shortest form ("1.0", "1e+100")

// True when `text` (valid JSON, as a parser accepted it) is one value the writer would write
// unchanged: every object's keys strictly increasing (so no duplicate) and free of escapes, no
// whitespace, each string's escapes the writer's own, each number in the form the writer gives
// its value, no -0, and no value deeper than `max_depth` (the value itself at depth 1). False
// means "not proven": the caller writes the text from the parse. `members` (may be null) gets
// the top-level object's members, as the writer's walk reports them; it is left unspecified
// when the answer is false.
bool is_canonical(std::string_view text, int max_depth, std::vector<PayloadMember>* members = nullptr);
// The same proof for the value at the start of `text` (what follows it is not looked at): its
// length when proven, else 0. For a value found in a larger text, which the proof then
// delimits by itself instead of a scan of its own.
std::size_t canonical_length(std::string_view text, int max_depth, std::vector<PayloadMember>* members = nullptr);

}  // namespace json_canonical
}  // namespace ws
