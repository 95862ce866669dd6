#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "ws/json_split.hpp"

using ws::split_array_member;

namespace {

// The property the server relies on: a text splits into parts that all parse exactly when the
// whole text parses, and then the parts are the whole.
bool parts_parse(const ws::ArrayMemberSplit& s) {
  if (!nlohmann::json::accept(s.rest)) return false;
  for (auto e : s.elements) {
    if (!nlohmann::json::accept(e)) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("split_array_member finds each element of the named array") {
  const std::string text = R"( {"batch_id":"b", "records" : [ {"id":"a","p":{"x":[1,2]}} , [3,{"y":"]},"}], "s\"t" ], "z":1} )";
  auto s = split_array_member(text, "records");
  REQUIRE(s);
  REQUIRE(s->elements.size() == 3);
  CHECK(nlohmann::json::parse(s->elements[0]) == nlohmann::json::parse(R"({"id":"a","p":{"x":[1,2]}})"));
  CHECK(nlohmann::json::parse(s->elements[1]) == nlohmann::json::parse(R"([3,{"y":"]},"}])"));
  CHECK(nlohmann::json::parse(s->elements[2]) == "s\"t");
  const auto rest = nlohmann::json::parse(s->rest);
  CHECK(rest == nlohmann::json::parse(R"({"batch_id":"b","records":[],"z":1})"));
  CHECK(s->depth == 5);
}

TEST_CASE("split_array_member tells escaped quotes from closing ones") {
  // Strings whose closing quote follows one escaped quote, an escaped backslash, and both.
  const std::string text = R"({"records":["a\"],b", "c\\", "d\\\"e", ",]"]})";
  auto s = split_array_member(text, "records");
  REQUIRE(s);
  REQUIRE(s->elements.size() == 4);
  CHECK(nlohmann::json::parse(s->elements[0]) == "a\"],b");
  CHECK(nlohmann::json::parse(s->elements[1]) == "c\\");
  CHECK(nlohmann::json::parse(s->elements[2]) == "d\\\"e");
  CHECK(nlohmann::json::parse(s->elements[3]) == ",]");
}

TEST_CASE("split_array_member handles an empty array and the key inside records") {
  auto empty = split_array_member(R"({"records":[ ]})", "records");
  REQUIRE(empty);
  CHECK(empty->elements.empty());
  CHECK(nlohmann::json::parse(empty->rest)["records"].empty());

  // "records" inside a record is a payload field, not the batch's member.
  auto nested = split_array_member(R"({"records":[{"records":[1]}],"b":{"records":2}})", "records");
  REQUIRE(nested);
  CHECK(nested->elements.size() == 1);
}

TEST_CASE("split_array_member declines shapes it does not handle, leaving them to the full parse") {
  CHECK_FALSE(split_array_member(R"([1,2])", "records"));
  CHECK_FALSE(split_array_member(R"({"records":{"a":1}})", "records"));
  CHECK_FALSE(split_array_member(R"({"records":[1],"records":[2]})", "records"));
  CHECK_FALSE(split_array_member(R"({"rec\u006frds":[],"records":[1]})", "records"));
  CHECK_FALSE(split_array_member(R"({"batch_id":"x"})", "records"));
  CHECK_FALSE(split_array_member(R"({"records":[1,2)", "records"));
  CHECK_FALSE(split_array_member(R"({"records":["unterminated])", "records"));
  CHECK_FALSE(split_array_member(R"({"records":[1]}]})", "records"));
}

TEST_CASE("a malformed text never splits into parts that all parse") {
  const char* malformed[] = {
      R"({"records":[1,]})",        R"({"records":[,1]})",         R"({"records":[1 2]})",
      R"({"records":[{"a":1]}})",   R"({"records":[1]} x)",        R"({"records":[1]}{})",
      R"({"a":"records":[1]})",     R"({"records":[1],})",         R"({"records":[{"a":}]})",
      R"({"records":[1}})",         R"({"records":["\x"]})",       R"({x:1,"records":[1]})",
  };
  for (const char* text : malformed) {
    CAPTURE(text);
    REQUIRE_FALSE(nlohmann::json::accept(text));
    auto s = split_array_member(text, "records");
    if (s) CHECK_FALSE(parts_parse(*s));
  }
}

TEST_CASE("split_array_member does not split an element that starts with a byte order mark") {
  // Caught by the json_split fuzz target's invariant: nlohmann skips a BOM at the start of its input, so the element
  // alone parsed although the body is not JSON. Not splitting lets the whole parse refuse it.
  CHECK_FALSE(split_array_member("{\"records\":[\xEF\xBB\xBF" "1]}", "records"));
  CHECK_FALSE(split_array_member("{\"records\":[1,\xEF\xBB\xBF" "2]}", "records"));
  CHECK(split_array_member("{\"records\":[1, \"\xEF\xBB\xBF\"]}", "records"));
}

TEST_CASE("from_member_value finds where a member's value starts in a valid object") {
  const std::string text =
      R"( { "a" : "payload" , "s":"x\"payload\":1\\", "n": [ {"payload":2}, "]}" ], "payload" : {"k":[1,"}"]} , "z": true } )";
  // The text from the value on: the value, then the rest of the object.
  auto from = [&](std::string_view t, std::string_view key) { return ws::from_member_value(t, key).value_or("(none)"); };
  CHECK(from(text, "payload") == R"({"k":[1,"}"]} , "z": true } )");
  CHECK(from(text, "a") == text.substr(text.find(R"("payload" ,)")));
  CHECK(from(text, "s") == text.substr(text.find(R"("x\")")));
  CHECK(from(text, "n") == text.substr(text.find("[ {")));
  CHECK(from(text, "z") == "true } ");
  CHECK(from(R"({"n":-1.5e3,"m":null})", "m") == "null}");
  CHECK(from(R"({"n":-1.5e3,"m":null})", "n") == "-1.5e3,\"m\":null}");
  CHECK(from(text, "missing") == "(none)");
  CHECK(from(text, "k") == "(none)");  // a member of a member is not the object's
  // Only the spelling without escapes is found: the caller's parser knows what an escape means.
  CHECK(from(R"({"pay\u006coad":1})", "payload") == "(none)");
  CHECK(from("[1]", "a") == "(none)");
  CHECK(from("{}", "a") == "(none)");
}
