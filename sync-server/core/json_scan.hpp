#pragma once
// A one-level JSON scanner for the export's hot path: it lists an object's members (or an
// array's elements) as slices of the stored text, without building a document. Only what a
// row needs is then decoded: strings unescaped, everything else handed to nlohmann. Parsing
// whole payloads into nlohmann documents made the export ~10x slower than the disk.
#include <string>
#include <string_view>
#include <vector>

namespace ws::server::json_scan {

enum class Type : char { String, Number, Object, Array, True, False, Null };

struct Value {
  Type type = Type::Null;
  std::string_view text;  // the value's JSON text; strings with their quotes
  bool escaped = false;   // a string with backslash escapes in it
};

struct Member {
  std::string_view key;  // raw key text between the quotes (escapes not decoded)
  bool key_escaped = false;
  Value value;
};

// The members of the object `text`, in order (duplicates kept). False if `text` is not one
// well-formed JSON object at this level (nested values are only delimited, not checked).
bool members(std::string_view text, std::vector<Member>& out);
// The one JSON value that is all of `text` (nested values only delimited, as above).
bool value(std::string_view text, Value& out);
// The elements of the array `text`, in order.
bool elements(std::string_view text, std::vector<Value>& out);
// Decodes a JSON string's body (between the quotes) into `out` (replacing it).
bool unescape(std::string_view body, std::string& out);
// The decoded key of a member.
std::string key_of(const Member& m);

}  // namespace ws::server::json_scan
