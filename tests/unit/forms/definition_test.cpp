#include <doctest/doctest.h>

#include <string>

#include "tests/unit/forms/sample_form.hpp"

using namespace ws::forms;
using nlohmann::json;

TEST_CASE("a definition with every field type parses into its model") {
  const auto def = sample::definition();
  CHECK(def.id == "sample");
  CHECK(def.version == 2);
  REQUIRE(def.pages.size() == 3);
  CHECK(def.pages[1].id == "p2");
  CHECK(def.fields.size() == 17);
  const Field* members = def.find_field("members");
  REQUIRE(members);
  CHECK(members->type == FieldType::Repeat);
  CHECK(members->fields.size() == 3);
  CHECK(members->min_count == 1u);
  CHECK(members->max_count == 3u);
  auto loc = def.locate("member_school");
  REQUIRE(loc);
  CHECK(loc->top == 11);
  CHECK(loc->child == 2u);
  CHECK(def.find_field("member_school")->relevant);
  const Field* name = def.find_field("full_name");
  REQUIRE(name);
  CHECK(name->pattern);
  CHECK(name->text_limit() == 20);
  CHECK(def.find_field("story")->text_limit() == 50);
  CHECK(def.find_field("currency")->required_if);
  CHECK_FALSE(def.find_field("currency")->required);
  CHECK(def.find_field("needs")->choices[0].exclusive);
  CHECK(def.page_index_of(*def.find_field("family")) == 2);
  CHECK(def.translation_status_of("nb") == "machine draft, needs review");
  CHECK(def.source == sample::definition_json());
  CHECK(to_string(FieldType::MultipleChoice) == "multiple_choice");
  CHECK(field_type_from_string("long_text") == FieldType::LongText);
}

TEST_CASE("labels fall back to English and say so") {
  const auto def = sample::definition();
  const Field* name = def.find_field("full_name");
  auto nb = name->label_for("nb");
  CHECK(nb.text == "Navn");
  CHECK(nb.lang == "nb");
  CHECK_FALSE(nb.fell_back);
  auto prs = name->label_for("prs");
  CHECK(prs.text == "Name");
  CHECK(prs.lang == "en");
  CHECK(prs.fell_back);
  CHECK_FALSE(name->label_for("en").fell_back);
  CHECK(def.find_field("agree")->constraint_message_for("nb").text == "Du må samtykke");
  CHECK(def.find_field("amount")->hint_for("uk").text == "Amount set by the programme");
  CHECK(def.find_field("needs")->choices[1].label_for("ar").fell_back);
  CHECK(def.title_for("nb").text == "Eksempel");
  CHECK(is_rtl_language("prs"));
  CHECK(is_rtl_language("ps"));
  CHECK(is_rtl_language("ar"));
  CHECK_FALSE(is_rtl_language("ti"));
}

TEST_CASE("a definition without pages gets one page holding every field") {
  auto def = parse_definition(json::parse(R"({"id": "mini", "version": 1, "title": {"en": "Mini"},
      "fields": [{"name": "a", "type": "text", "label": {"en": "A"}},
                 {"name": "b", "type": "yes_no", "label": {"en": "B"}}]})"));
  REQUIRE(def);
  REQUIRE(def->pages.size() == 1);
  CHECK(def->pages[0].id == "main");
  CHECK(def->fields[1].page == "main");
}

namespace {

json minimal() {
  return json::parse(R"({"id": "f", "version": 1, "title": {"en": "F"},
                         "fields": [{"name": "a", "type": "text", "label": {"en": "A"}}]})");
}

json with_fields(const json& fields) {
  json j = minimal();
  j["fields"] = fields;
  return j;
}

void expect_refused(const json& j, const std::string& expected) {
  auto def = parse_definition(j);
  REQUIRE_FALSE_MESSAGE(def, expected);
  CHECK(def.error().code == "invalid_form");
  CHECK_MESSAGE(def.error().message.find(expected) != std::string::npos, def.error().message);
}

}  // namespace

TEST_CASE("invalid form-level definitions are refused with a clear message") {
  expect_refused(json::array(), "must be a JSON object");
  json j = minimal();
  j.erase("id");
  expect_refused(j, "'id' must be a name");
  j = minimal();
  j["id"] = "Intake!";
  expect_refused(j, "'id' must be a name");
  j = minimal();
  j["version"] = 0;
  expect_refused(j, "form 'f': 'version' must be a whole number");
  j["version"] = "1";
  expect_refused(j, "'version' must be a whole number");
  j = minimal();
  j["title"] = {{"nb", "Skjema"}};
  expect_refused(j, "'title' needs an English (\"en\") text");
  j = minimal();
  j["colour"] = "red";
  expect_refused(j, "unknown key 'colour'");
  j = minimal();
  j["fields"] = json::array();
  expect_refused(j, "'fields' must be a non-empty array");
  j = minimal();
  j["title"]["prs"] = "فورم";
  expect_refused(j, "texts in 'prs' need a 'translation_status' entry");
  j = minimal();
  j["pages"] = json::parse(R"([{"id": "one", "title": {"en": "One"}}, {"id": "two", "title": {"en": "Two"}}])");
  j["fields"][0]["page"] = "one";
  expect_refused(j, "page 'two' has no fields");
  j["fields"][0]["page"] = "three";
  expect_refused(j, "field 'a': page 'three' is not declared");
  j["fields"][0].erase("page");
  expect_refused(j, "field 'a': 'page' is required because the form declares 'pages'");
  j = minimal();
  j["fields"][0]["page"] = "one";
  expect_refused(j, "field 'a': 'page' is set but the form declares no 'pages'");
  j = minimal();
  j["pages"] = json::parse(R"([{"id": "one", "title": {"en": "One"}}, {"id": "one", "title": {"en": "Again"}}])");
  expect_refused(j, "page 'one' is declared twice");
}

TEST_CASE("invalid fields are refused with a message naming the field and the problem") {
  struct Case {
    const char* fields;
    const char* expected;
  };
  const Case cases[] = {
      {R"([{"type": "text", "label": {"en": "A"}}])", "field 'fields[0]': 'name' must be a name"},
      {R"([{"name": "Bad Name", "type": "text", "label": {"en": "A"}}])", "'name' must be a name"},
      {R"([{"name": "_meta", "type": "text", "label": {"en": "A"}}])", "'name' must be a name"},
      {R"([{"name": "a", "type": "essay", "label": {"en": "A"}}])", "field 'a': 'type' must be one of"},
      {R"([{"name": "a", "type": "text"}])", "field 'a': 'label' is required"},
      {R"([{"name": "a", "type": "text", "label": {"nb": "A"}}])", "field 'a': 'label' needs an English"},
      {R"([{"name": "a", "type": "text", "label": {"en": ""}}])", "field 'a': 'label' text for 'en' is empty"},
      {R"([{"name": "a", "type": "text", "label": {"EN": "A"}}])", "invalid language code 'EN'"},
      {R"([{"name": "a", "type": "text", "label": {"en": "A"}}, {"name": "a", "type": "date", "label": {"en": "B"}}])",
       "field 'a': the name is used twice"},
      {R"([{"name": "a", "type": "text", "label": {"en": "A"}, "min": 3}])",
       "field 'a': key 'min' is not allowed on a text field"},
      {R"([{"name": "a", "type": "text", "label": {"en": "A"}, "requird": true}])", "key 'requird' is not allowed"},
      {R"([{"name": "a", "type": "text", "label": {"en": "A"}, "pattern": "a|b"}])",
       "field 'a': pattern: groups and alternation are not supported"},
      {R"([{"name": "a", "type": "text", "label": {"en": "A"}, "max_length": 0}])", "field 'a': 'max_length' must be from 1"},
      {R"([{"name": "a", "type": "text", "label": {"en": "A"}, "min_length": 30, "max_length": 10}])",
       "'min_length' is greater than the maximum length"},
      {R"([{"name": "a", "type": "number", "label": {"en": "A"}, "min": 5, "max": 1}])", "field 'a': 'min' is greater than 'max'"},
      {R"([{"name": "a", "type": "number", "label": {"en": "A"}, "integer": "yes"}])", "'integer' must be true or false"},
      {R"([{"name": "a", "type": "date", "label": {"en": "A"}, "min_date": "2023-02-30"}])",
       "field 'a': 'min_date' must be \"today\" or a real date"},
      {R"([{"name": "a", "type": "date", "label": {"en": "A"}, "min_date": "2024-01-01", "max_date": "2023-01-01"}])",
       "'min_date' is after 'max_date'"},
      {R"([{"name": "a", "type": "single_choice", "label": {"en": "A"}}])", "field 'a': a choice field needs a non-empty 'choices'"},
      {R"([{"name": "a", "type": "single_choice", "label": {"en": "A"}, "choices": [{"value": "x", "label": {"en": "X"}}, {"value": "x", "label": {"en": "Y"}}]}])",
       "field 'a': choice 'x' appears twice"},
      {R"([{"name": "a", "type": "single_choice", "label": {"en": "A"}, "choices": [{"value": "X", "label": {"en": "X"}}]}])",
       "'value' must be lower-case"},
      {R"([{"name": "a", "type": "single_choice", "label": {"en": "A"}, "choices": [{"value": "x"}]}])",
       "field 'a' choice 'x': 'label' is required"},
      {R"([{"name": "a", "type": "single_choice", "label": {"en": "A"}, "choices": [{"value": "x", "label": {"en": "X"}, "exclusive": true}]}])",
       "'exclusive' only applies to multiple_choice"},
      {R"([{"name": "a", "type": "multiple_choice", "label": {"en": "A"}, "max_count": 5, "choices": [{"value": "x", "label": {"en": "X"}}]}])",
       "field 'a': 'max_count' must be from 1 to 1"},
      {R"([{"name": "a", "type": "text", "label": {"en": "A"}, "relevant": "${b} = "}])",
       "field 'a': 'relevant' is not a valid expression"},
      {R"([{"name": "a", "type": "text", "label": {"en": "A"}, "relevant": ". = 1"}])",
       "field 'a': '.' (the current value) is only allowed in 'constraint'"},
      {R"([{"name": "a", "type": "text", "label": {"en": "A"}, "relevant": "${nowhere} = 1"}])",
       "field 'a': 'relevant' refers to unknown field 'nowhere'"},
      {R"([{"name": "a", "type": "text", "label": {"en": "A"}, "relevant": "${b} = 1"}, {"name": "b", "type": "number", "label": {"en": "B"}}])",
       "field 'a': 'relevant' may only read earlier fields, and 'b' is not earlier"},
      {R"([{"name": "a", "type": "text", "label": {"en": "A"}, "relevant": "${a} = 1"}])", "may only read earlier fields"},
      {R"([{"name": "a", "type": "text", "label": {"en": "A"}, "required": "${a} = 1"}])",
       "field 'a': 'required' cannot depend on the field's own answer"},
      {R"([{"name": "a", "type": "text", "label": {"en": "A"}, "required": 1}])", "'required' must be true, false or an expression"},
      {R"([{"name": "n", "type": "note", "label": {"en": "N"}}, {"name": "a", "type": "text", "label": {"en": "A"}, "relevant": "${n} = 1"}])",
       "'n', a note, which has no answer"},
      {R"([{"name": "n", "type": "note", "label": {"en": "N"}, "required": true}])", "field 'n': a note takes no answer"},
      {R"([{"name": "a", "type": "text", "label": {"en": "A"}, "constraint_message": {"en": "No"}}])",
       "field 'a': 'constraint_message' without a 'constraint'"},
      {R"([{"name": "r", "type": "repeat", "label": {"en": "R"}}])", "field 'r': a repeat group needs a non-empty 'fields'"},
      {R"([{"name": "r", "type": "repeat", "label": {"en": "R"}, "fields": [{"name": "inner", "type": "repeat", "label": {"en": "I"}, "fields": [{"name": "x", "type": "text", "label": {"en": "X"}}]}]}])",
       "field 'r.inner': repeat groups cannot be nested"},
      {R"([{"name": "r", "type": "repeat", "label": {"en": "R"}, "max_count": 500, "fields": [{"name": "x", "type": "text", "label": {"en": "X"}}]}])",
       "field 'r': 'max_count' must be from 1 to 200"},
      {R"([{"name": "r", "type": "repeat", "label": {"en": "R"}, "fields": [{"name": "x", "type": "text", "label": {"en": "X"}, "page": "main"}]}])",
       "field 'r.x': questions inside a repeat group take their group's page"},
      {R"([{"name": "r", "type": "repeat", "label": {"en": "R"}, "fields": [{"name": "x", "type": "text", "label": {"en": "X"}}]}, {"name": "a", "type": "text", "label": {"en": "A"}, "relevant": "${x} = 'y'"}])",
       "field 'a': 'relevant' refers to 'x', which is inside repeat group 'r'"},
      {R"([{"name": "r", "type": "repeat", "label": {"en": "R"}, "fields": [{"name": "x", "type": "text", "label": {"en": "X"}}]}, {"name": "a", "type": "text", "label": {"en": "A"}, "relevant": "${r} > 0"}])",
       "read it as count(${r})"},
      {R"([{"name": "a", "type": "text", "label": {"en": "A"}, "hint": "plain string"}])", "field 'a': 'hint' must be an object"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.fields);
    expect_refused(with_fields(json::parse(c.fields)), c.expected);
  }
}

TEST_CASE("relevance inside a repeat may read earlier questions of its own item and the group count") {
  auto def = parse_definition(with_fields(json::parse(R"([
    {"name": "r", "type": "repeat", "label": {"en": "R"}, "fields": [
      {"name": "x", "type": "yes_no", "label": {"en": "X"}},
      {"name": "y", "type": "text", "label": {"en": "Y"}, "relevant": "${x} = true and count(${r}) > 1"}]},
    {"name": "z", "type": "text", "label": {"en": "Z"}, "relevant": "count(${r}) > 2",
     "constraint": "string-length(.) > 1"}])")));
  CHECK_MESSAGE(def, (def ? "" : def.error().message));
}

TEST_CASE("form size is bounded") {
  json fields = json::array();
  for (int i = 0; i <= static_cast<int>(kMaxFieldsPerForm); ++i)
    fields.push_back({{"name", "f" + std::to_string(i)}, {"type", "text"}, {"label", {{"en", "F"}}}});
  expect_refused(with_fields(fields), "more than 400 fields");
}
