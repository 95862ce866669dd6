// The export's cells read straight from the stored JSON text must be the cells it wrote when it
// parsed every payload with nlohmann: the reference below is that earlier code.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "sync-server/core/export.hpp"
#include "sync-server/core/export_cells.hpp"
#include "sync-server/core/json_scan.hpp"

using namespace ws::server;
using nlohmann::json;

namespace {

// The cell text of a parsed value, as the export wrote it before it scanned the text.
std::string reference_text(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array() && std::all_of(v.begin(), v.end(), [](const json& x) { return x.is_string(); })) {
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : "; ") + x.get<std::string>();
    return out;
  }
  return v.dump();
}

// The cell of member `key` of the object `text`, through the scanner.
std::string scanned_cell(const std::string& text) {
  std::vector<json_scan::Member> members;
  REQUIRE(json_scan::members(text, members));
  REQUIRE(members.size() == 1);
  std::string out, scratch;
  REQUIRE(append_value_cell(out, &members[0].value, scratch));
  return out;
}

}  // namespace

TEST_CASE("payload values become the same CSV cells whether scanned or parsed") {
  const char* values[] = {
      "null", "\"plain\"", "\"a,b\"", "\"say \\\"hi\\\"\"", "\"line\\nbreak\"", "\"tab\\tand \\\\ slash \\/\"",
      "\"\\u0041\\u00e9\\u062d \\ud83d\\ude00\"", "\"زهرا کریمی\"", "\"=cmd()\"", "\"-2\"", "\"@SUM\"", "\"\"",
      "0", "-0", "42", "-7", "123456789012345678", "12345678901234567890", "1.5", "-0.0", "1e3", "2E-2", "1.50",
      "true", "false", "[]", "[\"en\"]", "[\"a\", \"b\"]", "[\"\", \"a\", \"\", \"b\"]", "[\"=x\",\"y\"]",
      "[\"a\",1]", "[[1],{\"z\":1,\"a\":2}]", "[ \"sp\" , \"aced\" ]", "{}", "{\"z\": 1, \"a\": [true, null]}",
      "{\"k\":\"v,\\\"q\\\"\"}",
  };
  for (const char* v : values) {
    CAPTURE(v);
    for (const std::string& text : {std::string("{\"k\":") + v + "}", std::string(" {\n \"k\" :\t") + v + " } "}) {
      CHECK(scanned_cell(text) == csv_cell(reference_text(json::parse(text)["k"])));
    }
  }
}

TEST_CASE("the scanner lists members in order, duplicates kept, and refuses what is not one object") {
  std::vector<json_scan::Member> m;
  REQUIRE(json_scan::members(R"({"a":1,"b":{"c":"}\"]"},"a":[1,[2]],"\u00e9":"x"})", m));
  REQUIRE(m.size() == 4);
  CHECK(m[0].key == "a");
  CHECK(m[1].value.type == json_scan::Type::Object);
  CHECK(m[1].value.text == R"({"c":"}\"]"})");
  CHECK(m[2].value.text == "[1,[2]]");
  CHECK(m[3].key_escaped);
  CHECK(json_scan::key_of(m[3]) == "\xC3\xA9");
  CHECK(json_scan::members("{}", m));
  CHECK(m.empty());
  for (const char* bad : {"", "[]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":1} x", "{\"a\":\"open}",
                          "{\"a\":[1}", "{\"a\":nul}"}) {
    CAPTURE(bad);
    CHECK_FALSE(json_scan::members(bad, m));
  }
  std::string out;
  CHECK_FALSE(json_scan::unescape("\\ud83d", out));  // a lone surrogate
  CHECK_FALSE(json_scan::unescape("\\x", out));
}

TEST_CASE("csv_cell and append_csv_cell are one rule") {
  for (const char* v : {"", "plain", "a,b", "\"", "=a,b", "\tx", "\rx", "+1", "-", "@", "a\r\nb", "'quoted'"}) {
    std::string appended = "prefix";
    append_csv_cell(appended, v);
    CHECK(appended == "prefix" + csv_cell(v));
  }
  CHECK(csv_cell("=a,\"b\"") == "\"'=a,\"\"b\"\"\"");
}
