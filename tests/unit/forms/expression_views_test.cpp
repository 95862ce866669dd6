// Expressions read answers as views of the payload (answers.hpp): a multiple choice as a view of
// its strings, unanswered and absent answers as Empty, `.` as the answer being checked; the same
// on nlohmann's tree and simdjson's DOM, and the same as a scope that builds Values.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <simdjson.h>

#include "shared/forms/src/answers.hpp"
#include "shared/forms/src/utf8.hpp"
#include "tests/unit/forms/sample_form.hpp"
#include "ws/forms/form.hpp"
#include "ws/json_view.hpp"

using namespace ws::forms;
using nlohmann::json;

namespace {

FormDefinition needs_form() {
  auto def = parse_definition(json::parse(R"JSON({
    "id": "views", "version": 1, "title": {"en": "Views"}, "pages": [{"id": "p", "title": {"en": "P"}}],
    "fields": [
      {"name": "needs", "type": "multiple_choice", "label": {"en": "Needs"}, "page": "p",
       "choices": [{"value": "medical", "label": {"en": "Medical"}}, {"value": "pregnancy", "label": {"en": "Pregnancy"}}]},
      {"name": "name", "type": "text", "label": {"en": "Name"}, "page": "p"},
      {"name": "signature", "type": "signature", "label": {"en": "Signature"}, "page": "p"}
    ]})JSON"));
  REQUIRE_MESSAGE(def, (def ? "" : def.error().message));
  return *def;
}

// What `source` gives over `answers`, read through the answers scope of view V, resolved as a
// loaded form's expressions are and by name as a lone expression is (both must agree).
template <typename V>
Value evaluate_over(const FormDefinition& def, const V& answers, const std::string& source) {
  auto parsed = Expression::parse(source);
  REQUIRE_MESSAGE(parsed, source);
  auto resolved = parsed->resolve([&](std::string_view name) { return def.locate(name); });
  REQUIRE(resolved);
  answers::Scratch<V> scratch;
  answers::fill_answer_table(answers, def.fields, def.fields_by_name, scratch.top);
  scratch.relevance.top.assign(def.fields.size(), true);
  scratch.relevance.items.resize(def.fields.size());
  answers::Scope<V> scope(def, &scratch.top, scratch, sample::kToday);
  const Value by_location = resolved->evaluate(scope);
  const Value by_name = parsed->evaluate(scope);
  CHECK(resolved->test(scope) == by_location.truthy());
  CHECK(by_name.kind == by_location.kind);
  CHECK(by_name.items == by_location.items);
  CHECK(by_name.text == by_location.text);
  return by_location;
}

// The same on both views: the tree, and simdjson's DOM of the same text.
Value evaluate_both(const std::string& answers_text, const std::string& source) {
  const FormDefinition def = needs_form();
  const json tree = json::parse(answers_text);
  const Value from_tree = evaluate_over(def, ws::json_view::Tree(tree), source);
  simdjson::dom::parser parser;
  const simdjson::dom::element dom = parser.parse(answers_text);
  const Value from_dom = evaluate_over(def, ws::json_view::Dom(dom), source);
  CHECK(from_dom.kind == from_tree.kind);
  CHECK(from_dom.boolean == from_tree.boolean);
  CHECK(from_dom.number == from_tree.number);
  CHECK(from_dom.text == from_tree.text);
  CHECK(from_dom.items == from_tree.items);
  return from_tree;
}

}  // namespace

TEST_CASE("a multiple choice reads as the list of its strings, however often an expression reads it") {
  const std::string answers = R"({"needs": ["medical", "pregnancy"], "name": "Amina"})";
  const Value list = evaluate_both(answers, "${needs}");
  CHECK(list.kind == Value::Kind::List);
  CHECK(list.items == std::vector<std::string>{"medical", "pregnancy"});
  CHECK(evaluate_both(answers, "selected(${needs}, 'pregnancy') and count-selected(${needs}) = 2 and "
                               "not(selected(${needs}, 'none'))").boolean);
  CHECK(evaluate_both(answers, "${needs} = ${needs}").boolean);
  CHECK_FALSE(evaluate_both(answers, "${needs} = 'medical'").boolean);
  // Items that are not strings are not choices (validation refuses them; expressions skip them).
  CHECK(evaluate_both(R"({"needs": [1, "medical", null]})", "${needs}").items == std::vector<std::string>{"medical"});
}

TEST_CASE("absent, null and empty answers read as Empty") {
  for (const char* answers : {R"({})", R"({"needs": null, "name": null})", R"({"needs": [], "name": "  "})"}) {
    CAPTURE(answers);
    CHECK(evaluate_both(answers, "${needs}").kind == Value::Kind::Empty);
    CHECK(evaluate_both(answers, "${name}").kind == Value::Kind::Empty);
    CHECK(evaluate_both(answers, "${needs} = '' and ${name} = ''").boolean);
    CHECK(evaluate_both(answers, "count-selected(${needs})").number == 0);
    CHECK_FALSE(evaluate_both(answers, "selected(${needs}, 'medical')").boolean);
    CHECK(evaluate_both(answers, "string-length(${name})").number == 0);
  }
}

TEST_CASE("text reads as itself, a signature as 'signed', today() as the scope's date") {
  const std::string answers = std::string(R"({"name": "Åse", "signature": ")") + sample::kSignature + "\"}";
  CHECK(evaluate_both(answers, "${name}").text == "Åse");
  CHECK(evaluate_both(answers, "string-length(${name})").number == 3);
  CHECK(evaluate_both(answers, "${signature}").text == "signed");
  CHECK(evaluate_both(answers, "today()").text == sample::kToday);
}

TEST_CASE("a constraint's `.` is the answer being checked, a list included") {
  const json tree = json::parse(R"({"needs": ["medical"]})");
  const FormDefinition def = needs_form();
  answers::Scratch<ws::json_view::Tree> scratch;
  answers::fill_answer_table(ws::json_view::Tree(tree), def.fields, def.fields_by_name, scratch.top);
  scratch.relevance.top.assign(def.fields.size(), true);
  scratch.relevance.items.resize(def.fields.size());
  answers::Scope<ws::json_view::Tree> scope(def, &scratch.top, scratch, sample::kToday);
  auto only_medical = Expression::parse("selected(., 'medical') and count-selected(.) = 1");
  REQUIRE(only_medical);
  CHECK_FALSE(only_medical->test(scope));
  scope.set_current(def.fields[0], *scratch.top[0]);
  CHECK(only_medical->test(scope));
  CHECK(only_medical->evaluate(scope).boolean);
  scope.clear_current();
  CHECK_FALSE(only_medical->test(scope));
}

TEST_CASE("printable ASCII is recognised eight bytes at a time exactly as byte by byte") {
  auto one_by_one = [](const std::string& s) {
    for (char c : s)
      if (c < 0x20 || c > 0x7E) return false;
    return true;
  };
  // Every byte value at every position of words and tails, among passing bytes at the edges
  // and beside a failing byte (borrows and carries cross from one byte into the next).
  std::vector<std::string> disagreements;
  auto compare = [&](const std::string& s) {
    if (utf8::is_printable_ascii(s) == one_by_one(s)) return;
    std::string hex;
    for (char c : s) hex += std::to_string(static_cast<unsigned char>(c)) + " ";
    disagreements.push_back(hex);
  };
  for (std::size_t length = 1; length <= 19; ++length)
    for (std::size_t at = 0; at < length; ++at)
      for (int byte = 0; byte < 256; ++byte) {
        for (char fill : {'a', ' ', '~'}) {
          std::string s(length, fill);
          s[at] = static_cast<char>(byte);
          compare(s);
        }
        for (char failing : {'\x1F', '\x7F', '\x80', '\xFF'}) {
          std::string s(length, ' ');
          s[at] = static_cast<char>(byte);
          s[(at + 1) % length] = failing;
          compare(s);
        }
      }
  CHECK(disagreements == std::vector<std::string>{});
  CHECK(utf8::is_printable_ascii(""));
  CHECK(utf8::is_printable_ascii(std::string(64, ' ') + std::string(64, '~')));
  CHECK_FALSE(utf8::is_printable_ascii(std::string(63, 'x') + "\x7F"));
  CHECK_FALSE(utf8::is_printable_ascii(std::string(40, 'x') + "\x80" + std::string(7, 'x')));
}

TEST_CASE("a length counts code points without decoding into a copy, refusing what decode refuses") {
  for (const std::string s : {"", "abc", "\xC3\xBC\xC3\xBC", "\xF0\x9F\x98\x80x", "cut \xC3", "\xC0\xAF", "\xED\xA0\x80",
                              "\xF4\x90\x80\x80"}) {
    CAPTURE(s);
    const auto decoded = utf8::decode(s);
    const auto length = utf8::length(s);
    REQUIRE(decoded.has_value() == length.has_value());
    if (decoded) CHECK(decoded->size() == *length);
  }
}
