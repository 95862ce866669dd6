#pragma once
// A form definition: versioned data (assets/forms/<id>.json, later published by HQ through
// sync) that says which questions to ask, in which languages, with which rules. The JSON format
// is documented in docs/forms.md; parse_definition refuses anything outside it.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ws/forms/expression.hpp"
#include "ws/forms/localized.hpp"
#include "ws/forms/pattern.hpp"
#include "ws/result.hpp"

namespace ws::forms {

enum class FieldType { Text, LongText, Number, Date, SingleChoice, MultipleChoice, YesNo, Repeat, Signature, Note };

std::string_view to_string(FieldType t);
std::optional<FieldType> field_type_from_string(std::string_view s);
// Notes are text shown to the reader; they take no answer.
inline bool takes_answer(FieldType t) { return t != FieldType::Note; }

// Limits every definition lives within (the validator relies on them to bound its work).
inline constexpr std::size_t kMaxFieldsPerForm = 400;
inline constexpr std::size_t kMaxChoicesPerField = 300;
inline constexpr std::size_t kMaxRepeatItems = 200;       // hard cap on max_count
inline constexpr std::size_t kDefaultRepeatMaxItems = 50;
inline constexpr std::size_t kDefaultTextMaxLength = 500;   // characters
inline constexpr std::size_t kDefaultLongTextMaxLength = 10000;
inline constexpr std::size_t kHardTextMaxLength = 50000;
inline constexpr std::size_t kMaxSignatureChars = 96 * 1024;  // the data: URL, base64 included
inline constexpr std::size_t kMaxMetadataChars = 128;
// A definition is published as a record's payload, so it is no deeper than a payload may be
// (ws::EnvelopeLimits::max_depth); deeper JSON is refused before anything copies it.
inline constexpr int kMaxDefinitionDepth = 16;
inline constexpr const char* kSignaturePrefix = "data:image/png;base64,";

struct Choice {
  std::string value;      // [a-z0-9_]{1,64}; what the answer stores
  LocalizedText label;
  bool exclusive = false;  // e.g. "none": cannot be selected together with anything else
  LocalizedText::Pick label_for(std::string_view lang) const { return label.pick(lang); }
};

struct Field {
  std::string name;  // [a-z][a-z0-9_]{0,63}, unique in the whole form
  FieldType type = FieldType::Text;
  LocalizedText label;
  LocalizedText hint;
  bool required = false;                   // "required": true
  std::optional<Expression> required_if;   // "required": "<expression>"
  std::optional<Expression> relevant;      // skip logic: may read only earlier fields
  std::optional<Expression> constraint;    // `.` is this field's value
  LocalizedText constraint_message;
  std::vector<Choice> choices;             // single_choice, multiple_choice
  std::optional<double> min, max;          // number
  bool integer = false;                    // number
  std::optional<std::size_t> min_length, max_length;  // text, long_text (characters)
  std::optional<Pattern> pattern;          // text
  std::string min_date, max_date;          // date: "" (none), "today" or yyyy-mm-dd
  bool not_in_future = false;              // date
  std::optional<std::size_t> min_count, max_count;  // repeat items, multiple_choice selections
  std::vector<Field> fields;               // repeat: the questions of each item
  std::vector<std::size_t> fields_by_name;  // indexes into `fields`, sorted by name (see below)
  std::string page;                        // top-level fields: the page they are shown on

  LocalizedText::Pick label_for(std::string_view lang) const { return label.pick(lang); }
  LocalizedText::Pick hint_for(std::string_view lang) const { return hint.pick(lang); }
  LocalizedText::Pick constraint_message_for(std::string_view lang) const { return constraint_message.pick(lang); }
  const Choice* find_choice(std::string_view value) const;
  // max_length, or the default for text / long text.
  std::size_t text_limit() const;
  std::size_t repeat_limit() const;
};

struct Page {
  std::string id;
  LocalizedText title;
  LocalizedText::Pick title_for(std::string_view lang) const { return title.pick(lang); }
};

struct FormDefinition {
  std::string id;  // the record kind, e.g. "intake"
  int version = 1;  // the envelope's schema_version
  LocalizedText title;
  LocalizedText description;
  // Per non-English language: who wrote it and whether it was reviewed, e.g. "machine draft,
  // needs review by a native speaker". Every language used in the form must have an entry.
  std::map<std::string, std::string, std::less<>> translation_status;
  // Never empty: a definition without "pages" gets one page ("main") holding every field.
  std::vector<Page> pages;
  std::vector<Field> fields;
  nlohmann::json source;  // the JSON it was parsed from (for publishing and comparing)
  std::map<std::string, FieldLocation, std::less<>> index;  // every field name
  // Indexes into `fields` sorted by name, so that an object's members, visited in sorted key
  // order (ws/json_view.hpp), pair with their questions in one merge walk.
  std::vector<std::size_t> fields_by_name;

  LocalizedText::Pick title_for(std::string_view lang) const { return title.pick(lang); }
  const Field* find_field(std::string_view name) const;
  std::optional<FieldLocation> locate(std::string_view name) const;
  const Field& at(const FieldLocation& loc) const;
  // Index into `pages` of a top-level field.
  std::size_t page_index_of(const Field& top_level_field) const;
  // The translation status of `lang` ("" for English or an unknown language).
  std::string_view translation_status_of(std::string_view lang) const;
  // The languages the form's title is written in (the form's languages).
  std::vector<std::string> languages() const;
};

// Refuses invalid definitions with a message naming the form, the field and what is wrong.
Result<FormDefinition> parse_definition(const nlohmann::json& j);
// Every problem parse_definition would find, one after the other (at most 100): each top-level
// key, page and field is checked on its own; empty when the definition is valid.
std::vector<Error> definition_problems(const nlohmann::json& j);

}  // namespace ws::forms
