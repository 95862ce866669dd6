// A definition compiles its expressions once: every reference resolved to its field's location
// (so evaluating looks no name up), and the payload's answers paired with their questions in one
// pass over its members, whatever other keys sort between them.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <simdjson.h>

#include "tests/unit/forms/sample_form.hpp"
#include "ws/forms/form.hpp"
#include "ws/json_view.hpp"

using namespace ws::forms;
using nlohmann::json;

namespace {

// Records how an expression read its fields: by resolved location or by name.
struct RecordingScope : Scope {
  mutable std::vector<std::string> by_name;
  mutable std::vector<FieldLocation> by_location;
  Value field(std::string_view name) const override {
    by_name.emplace_back(name);
    return {};
  }
  Value field_at(const FieldLocation& where, std::string_view) const override {
    by_location.push_back(where);
    return {};
  }
  Value current() const override { return {}; }
  std::string_view today() const override { return sample::kToday; }
};

}  // namespace

TEST_CASE("a parsed definition's references are resolved to their fields' locations") {
  const FormDefinition def = sample::definition();

  struct Case {
    const char* field;
    std::optional<Expression> Field::*expression;
    std::vector<std::string> reads;
  };
  const Case cases[] = {
      {"guardian", &Field::relevant, {"age"}},
      {"members_note", &Field::relevant, {"members"}},
      {"currency", &Field::required_if, {"amount"}},
      {"member_school", &Field::relevant, {"member_minor"}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.field);
    const Field* f = def.find_field(c.field);
    REQUIRE(f);
    REQUIRE(f->*c.expression);
    RecordingScope scope;
    (void)(f->*c.expression)->evaluate(scope);
    CHECK(scope.by_name.empty());
    REQUIRE(scope.by_location.size() == c.reads.size());
    for (std::size_t i = 0; i < c.reads.size(); ++i) {
      const auto expected = def.locate(c.reads[i]);
      REQUIRE(expected);
      CHECK(scope.by_location[i].top == expected->top);
      CHECK(scope.by_location[i].child == expected->child);
    }
  }
  // A question inside the repeat group resolves to {group, question}.
  const auto minor = def.locate("member_minor");
  REQUIRE(minor);
  CHECK(def.fields[minor->top].name == "members");
  CHECK(minor->child == std::optional<std::size_t>(1));
}

TEST_CASE("an expression parsed on its own reads by name until it is resolved") {
  auto e = Expression::parse("${a} = '' and ${b} != 1");
  REQUIRE(e);
  RecordingScope scope;
  (void)e->evaluate(scope);
  CHECK(scope.by_name == std::vector<std::string>{"a", "b"});
  CHECK(scope.by_location.empty());

  auto resolved = e->resolve([](std::string_view name) -> std::optional<FieldLocation> {
    return FieldLocation{name == "a" ? 3u : 7u, std::nullopt};
  });
  REQUIRE(resolved);
  RecordingScope after;
  (void)resolved->evaluate(after);
  CHECK(after.by_name.empty());
  REQUIRE(after.by_location.size() == 2);
  CHECK(after.by_location[0].top == 3);
  CHECK(after.by_location[1].top == 7);
  // The original is unchanged: its program is shared and immutable.
  RecordingScope again;
  (void)e->evaluate(again);
  CHECK(again.by_name.size() == 2);
}

TEST_CASE("resolving refuses an unknown reference, naming it") {
  auto e = Expression::parse("${known} = 1 or ${nowhere} = 2");
  REQUIRE(e);
  auto resolved = e->resolve([](std::string_view name) -> std::optional<FieldLocation> {
    if (name == "known") return FieldLocation{0, std::nullopt};
    return std::nullopt;
  });
  REQUIRE_FALSE(resolved);
  CHECK(resolved.error().message.find("unknown field 'nowhere'") != std::string::npos);
}

TEST_CASE("a definition whose repeat question reads an unknown field is refused, naming both") {
  auto def = parse_definition(json::parse(R"JSON({
    "id": "t", "version": 1, "title": {"en": "T"},
    "fields": [{"name": "r", "type": "repeat", "label": {"en": "R"}, "fields": [
      {"name": "x", "type": "text", "label": {"en": "X"}, "relevant": "${missing} = 1"}]}]})JSON"));
  REQUIRE_FALSE(def);
  CHECK(def.error().message.find("field 'r.x'") != std::string::npos);
  CHECK(def.error().message.find("unknown field 'missing'") != std::string::npos);
}

TEST_CASE("answers pair with their questions in one pass whatever other keys sort between them") {
  const FormDefinition def = sample::definition();
  json answers = sample::valid_answers();
  // Keys that sort before every field, between fields, among metadata and after every field.
  answers["Aardvark"] = 1;
  answers["_note"] = "kept";
  answers["ab"] = 1;
  answers["guardian_x"] = 1;
  answers["zz"] = 1;
  answers["members"][0]["a_first"] = 1;
  answers["members"][1]["zz_last"] = 1;
  const std::string expected =
      "Aardvark:unknown_field ab:unknown_field guardian_x:unknown_field zz:unknown_field "
      "members.0.a_first:unknown_field members.1.zz_last:unknown_field";
  CHECK(sample::codes(sample::check(def, answers)) == expected);

  // The same on simdjson's DOM, keys sent in reverse order (sorted there before the walk).
  std::string text = "{";
  bool first = true;
  std::vector<std::pair<std::string, const json*>> members;
  for (const auto& [k, v] : answers.items()) members.emplace_back(k, &v);
  for (auto it = members.rbegin(); it != members.rend(); ++it) {
    text += (first ? "" : ",") + json(it->first).dump() + ":" + it->second->dump();
    first = false;
  }
  text += "}";
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(text).get(doc) == simdjson::SUCCESS);
  ValidationOptions options;
  options.today = sample::kToday;
  CHECK(sample::codes(validate_dom(def, ws::json_view::Dom(doc), options)) == expected);
}
