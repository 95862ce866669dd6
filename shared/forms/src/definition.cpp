#include "ws/forms/definition.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "shared/forms/src/utf8.hpp"
#include "ws/envelope.hpp"
#include "ws/forms/date.hpp"

namespace ws::forms {
namespace {

constexpr std::size_t kMaxNameLength = 64;
constexpr std::size_t kMaxLabelChars = 4000;
constexpr int kMaxVersion = 1'000'000;
static_assert(kMaxDefinitionDepth <= EnvelopeLimits{}.max_depth, "a definition must fit in a payload");

struct TypeName {
  FieldType type;
  const char* name;
};
constexpr TypeName kTypeNames[] = {
    {FieldType::Text, "text"},
    {FieldType::LongText, "long_text"},
    {FieldType::Number, "number"},
    {FieldType::Date, "date"},
    {FieldType::SingleChoice, "single_choice"},
    {FieldType::MultipleChoice, "multiple_choice"},
    {FieldType::YesNo, "yes_no"},
    {FieldType::Repeat, "repeat"},
    {FieldType::Signature, "signature"},
    {FieldType::Note, "note"},
};

bool is_identifier(std::string_view s, std::size_t max = kMaxNameLength) {
  if (s.empty() || s.size() > max || s[0] < 'a' || s[0] > 'z') return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

bool is_choice_value(std::string_view s) {
  if (s.empty() || s.size() > kMaxNameLength) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

// The keys each field type accepts beyond the common ones.
std::vector<std::string_view> type_keys(FieldType t) {
  switch (t) {
    case FieldType::Text: return {"min_length", "max_length", "pattern"};
    case FieldType::LongText: return {"min_length", "max_length"};
    case FieldType::Number: return {"min", "max", "integer"};
    case FieldType::Date: return {"min_date", "max_date", "not_in_future"};
    case FieldType::SingleChoice: return {"choices"};
    case FieldType::MultipleChoice: return {"choices", "min_count", "max_count"};
    case FieldType::Repeat: return {"fields", "min_count", "max_count"};
    default: return {};
  }
}

constexpr std::size_t kMaxProblems = 100;  // a hostile upload cannot make the list endless

class DefinitionParser {
 public:
  // With `all`, every problem found goes there and parsing goes on to the next independent
  // part (the next key, page, field); without, the first problem ends it.
  explicit DefinitionParser(std::vector<Error>* all = nullptr) : all_(all) {}

  Result<FormDefinition> run(const nlohmann::json& j) {
    if (!j.is_object()) return top_error("a form definition must be a JSON object");
    // Copying and comparing a JSON value recurse once per level: refuse hostile nesting before
    // keeping `source`. A definition travels as a record payload, which may not be deeper.
    if (json_depth(j) > kMaxDefinitionDepth) {
      return top_error("nested more than " + std::to_string(kMaxDefinitionDepth) + " levels deep");
    }
    for (const auto& [key, _] : j.items()) {
      static constexpr std::string_view known[] = {"id",    "version", "title",  "description",
                                                   "translation_status", "pages", "fields", "comment"};
      if (std::find(std::begin(known), std::end(known), key) == std::end(known))
        if (auto s = go_on(top_error("unknown key '" + key + "'")); !s) return fail(s.error());
    }
    auto id = j.find("id");
    if (id == j.end() || !id->is_string() || !is_identifier(id->get<std::string>()))
      return top_error("'id' must be a name like \"intake\" (lower-case letters, digits, '_')");
    def_.id = id->get<std::string>();
    auto version = j.find("version");
    if (version == j.end() || !version->is_number_integer() || version->get<long long>() < 1 ||
        version->get<long long>() > kMaxVersion) {
      if (auto s = go_on(form_error("'version' must be a whole number from 1")); !s) return fail(s.error());
    } else {
      def_.version = version->get<int>();
    }
    def_.source = j;

    if (auto s = go_on(localized(j, "title", true, "", def_.title)); !s) return fail(s.error());
    if (auto s = go_on(localized(j, "description", false, "", def_.description)); !s) return fail(s.error());
    if (auto s = go_on(parse_pages(j)); !s) return fail(s.error());
    if (auto s = parse_fields(j); !s) return fail(s.error());
    if (auto s = go_on(parse_translation_status(j)); !s) return fail(s.error());
    if (all_ && !all_->empty()) return fail(all_->front());
    return std::move(def_);
  }

 private:
  // A problem that leaves the rest checkable: kept (ok) when collecting, else returned.
  Status go_on(Status s) {
    if (s || !all_ || all_->size() >= kMaxProblems) return s;
    all_->push_back(s.error());
    return {};
  }

  // The fields one by one (each field's first problem), then what needs all of them.
  Status parse_fields(const nlohmann::json& j) {
    auto fields = j.find("fields");
    if (fields == j.end() || !fields->is_array() || fields->empty())
      return form_error("'fields' must be a non-empty array");
    bool all_parsed = true;
    for (std::size_t i = 0; i < fields->size(); ++i) {
      auto field = parse_field((*fields)[i], "", i);
      if (!field) {
        all_parsed = false;
        if (auto s = go_on(fail(field.error())); !s) return s;
        continue;
      }
      def_.fields.push_back(std::move(*field));
    }
    // Pages and references of a field that did not parse would only be reported as missing.
    if (!all_parsed) return {};
    const std::size_t before = all_ ? all_->size() : 0;
    if (auto s = assign_pages(); !s) return s;
    if (all_ && all_->size() > before) return {};
    if (auto s = build_index(); !s) return s;
    if (auto s = check_references(); !s) return s;
    if (all_ && all_->size() > before) return {};
    return resolve_references();
  }

 private:
  Unexpected top_error(const std::string& what) { return fail("invalid_form", "form definition: " + what); }
  Unexpected form_error(const std::string& what) {
    return fail("invalid_form", "form '" + def_.id + "': " + what);
  }
  // `where` names the part of the form ("" for the form itself), e.g. "field 'x'", "page 'p'".
  Unexpected error_at(const std::string& where, const std::string& what) {
    if (where.empty()) return form_error(what);
    return fail("invalid_form", "form '" + def_.id + "' " + where + ": " + what);
  }
  Unexpected field_error(const std::string& path, const std::string& what) {
    return error_at("field '" + path + "'", what);
  }

  Status localized(const nlohmann::json& owner, const char* key, bool required, const std::string& where,
                   LocalizedText& out) {
    auto err = [&](const std::string& what) {
      return error_at(where, "'" + std::string(key) + "' " + what);
    };
    auto it = owner.find(key);
    if (it == owner.end()) {
      if (required) return err("is required (an object of texts by language, with \"en\")");
      return {};
    }
    if (!it->is_object() || it->empty()) return err("must be an object of texts by language, e.g. {\"en\": \"...\"}");
    for (const auto& [lang, text] : it->items()) {
      if (!is_valid_language_code(lang)) return err("has an invalid language code '" + lang + "'");
      if (!text.is_string()) return err("text for '" + lang + "' must be a string");
      const auto& s = text.get_ref<const std::string&>();
      auto length = utf8::length(s);
      if (!length) return err("text for '" + lang + "' is not valid UTF-8");
      if (utf8::is_blank(s)) return err("text for '" + lang + "' is empty");
      if (*length > kMaxLabelChars) return err("text for '" + lang + "' is too long");
      out.texts.emplace(lang, s);
      languages_used_.insert(lang);
    }
    if (!out.has(kDefaultLanguage)) return err("needs an English (\"en\") text, the fallback for every language");
    return {};
  }

  Status parse_pages(const nlohmann::json& j) {
    auto pages = j.find("pages");
    if (pages == j.end()) return {};
    if (!pages->is_array() || pages->empty()) return form_error("'pages' must be a non-empty array when present");
    declared_pages_ = true;
    for (std::size_t i = 0; i < pages->size(); ++i)
      if (auto s = go_on(parse_page((*pages)[i], i)); !s) return s;
    return {};
  }

  Status parse_page(const nlohmann::json& p, std::size_t i) {
    const std::string where = "pages[" + std::to_string(i) + "]";
    if (!p.is_object()) return form_error(where + " must be an object");
    for (const auto& [key, _] : p.items())
      if (key != "id" && key != "title" && key != "comment") return form_error(where + ": unknown key '" + key + "'");
    auto id = p.find("id");
    if (id == p.end() || !id->is_string() || !is_identifier(id->get<std::string>()))
      return form_error(where + ": 'id' must be a name (lower-case letters, digits, '_')");
    Page page;
    page.id = id->get<std::string>();
    for (const auto& other : def_.pages)
      if (other.id == page.id) return form_error("page '" + page.id + "' is declared twice");
    if (auto s = localized(p, "title", true, "page '" + page.id + "'", page.title); !s) return s;
    def_.pages.push_back(std::move(page));
    return {};
  }

  Result<std::size_t> count(const nlohmann::json& f, const char* key, const std::string& path) {
    const auto& v = f.at(key);
    if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > 1'000'000)
      return field_error(path, "'" + std::string(key) + "' must be a whole number >= 0");
    return static_cast<std::size_t>(v.get<long long>());
  }

  Result<Expression> expression(const nlohmann::json& f, const char* key, const std::string& path) {
    const auto& v = f.at(key);
    if (!v.is_string()) return field_error(path, "'" + std::string(key) + "' must be an expression string");
    auto e = Expression::parse(v.get<std::string>());
    if (!e) return field_error(path, "'" + std::string(key) + "' is not a valid expression: " + e.error().message);
    if (std::string_view(key) != "constraint" && e->uses_current())
      return field_error(path, "'.' (the current value) is only allowed in 'constraint'");
    return e;
  }

  Status date_bound(const nlohmann::json& f, const char* key, const std::string& path, std::string& out) {
    if (!f.contains(key)) return {};
    const auto& v = f.at(key);
    if (!v.is_string() || (v.get<std::string>() != "today" && !parse_date(v.get<std::string>())))
      return field_error(path, "'" + std::string(key) + "' must be \"today\" or a real date yyyy-mm-dd");
    out = v.get<std::string>();
    return {};
  }

  Result<Field> parse_field(const nlohmann::json& j, const std::string& parent, std::size_t position) {
    const std::string at = (parent.empty() ? "" : parent + ".") + "fields[" + std::to_string(position) + "]";
    if (++field_count_ > kMaxFieldsPerForm)
      return form_error("more than " + std::to_string(kMaxFieldsPerForm) + " fields");
    if (!j.is_object()) return field_error(at, "a field must be a JSON object");
    auto name = j.find("name");
    if (name == j.end() || !name->is_string() || !is_identifier(name->get<std::string>()))
      return field_error(at, "'name' must be a name of lower-case letters, digits and '_' starting with a letter (at most 64)");
    Field f;
    f.name = name->get<std::string>();
    const std::string path = parent.empty() ? f.name : parent + "." + f.name;
    if (!names_.insert(f.name).second) return field_error(path, "the name is used twice in this form");
    ordinal_[f.name] = next_ordinal_++;  // document order: a group comes before its questions

    auto type = j.find("type");
    if (type == j.end() || !type->is_string() || !field_type_from_string(type->get<std::string>()))
      return field_error(path, "'type' must be one of text, long_text, number, date, single_choice, "
                               "multiple_choice, yes_no, repeat, signature, note");
    f.type = *field_type_from_string(type->get<std::string>());

    static constexpr std::string_view common[] = {"name",     "type",      "label",      "hint",
                                                  "required", "relevant",  "constraint", "constraint_message",
                                                  "page",     "comment"};
    const auto specific = type_keys(f.type);
    for (const auto& [key, _] : j.items()) {
      const bool known = std::find(std::begin(common), std::end(common), key) != std::end(common) ||
                         std::find(specific.begin(), specific.end(), key) != specific.end();
      if (!known) return field_error(path, "key '" + key + "' is not allowed on a " + std::string(to_string(f.type)) + " field");
    }

    const std::string where = "field '" + path + "'";
    if (auto s = localized(j, "label", true, where, f.label); !s) return fail(s.error());
    if (auto s = localized(j, "hint", false, where, f.hint); !s) return fail(s.error());

    if (f.type == FieldType::Note) {
      for (const char* k : {"required", "constraint", "constraint_message"})
        if (j.contains(k)) return field_error(path, "a note takes no answer, so '" + std::string(k) + "' makes no sense");
    }
    if (auto r = j.find("required"); r != j.end()) {
      if (r->is_boolean()) {
        f.required = r->get<bool>();
      } else if (r->is_string()) {
        auto e = expression(j, "required", path);
        if (!e) return fail(e.error());
        f.required_if = std::move(*e);
      } else {
        return field_error(path, "'required' must be true, false or an expression string");
      }
    }
    if (j.contains("relevant")) {
      auto e = expression(j, "relevant", path);
      if (!e) return fail(e.error());
      f.relevant = std::move(*e);
    }
    if (j.contains("constraint")) {
      auto e = expression(j, "constraint", path);
      if (!e) return fail(e.error());
      f.constraint = std::move(*e);
    }
    if (j.contains("constraint_message")) {
      if (!f.constraint) return field_error(path, "'constraint_message' without a 'constraint'");
      if (auto s = localized(j, "constraint_message", true, where, f.constraint_message); !s) return fail(s.error());
    }
    if (auto p = j.find("page"); p != j.end()) {
      if (!parent.empty()) return field_error(path, "questions inside a repeat group take their group's page");
      if (!p->is_string()) return field_error(path, "'page' must be a page id");
      f.page = p->get<std::string>();
    }

    switch (f.type) {
      case FieldType::Text:
      case FieldType::LongText: {
        if (j.contains("min_length")) {
          auto v = count(j, "min_length", path);
          if (!v) return fail(v.error());
          f.min_length = *v;
        }
        if (j.contains("max_length")) {
          auto v = count(j, "max_length", path);
          if (!v) return fail(v.error());
          if (*v == 0 || *v > kHardTextMaxLength)
            return field_error(path, "'max_length' must be from 1 to " + std::to_string(kHardTextMaxLength));
          f.max_length = *v;
        }
        if (f.min_length && *f.min_length > f.text_limit())
          return field_error(path, "'min_length' is greater than the maximum length");
        if (auto p = j.find("pattern"); p != j.end()) {
          if (!p->is_string()) return field_error(path, "'pattern' must be a string");
          auto compiled = Pattern::compile(p->get<std::string>());
          if (!compiled) return field_error(path, compiled.error().message);
          f.pattern = std::move(*compiled);
        }
        break;
      }
      case FieldType::Number: {
        for (const char* k : {"min", "max"}) {
          if (!j.contains(k)) continue;
          const auto& v = j.at(k);
          if (!v.is_number() || !std::isfinite(v.get<double>())) return field_error(path, "'" + std::string(k) + "' must be a number");
          (std::string_view(k) == "min" ? f.min : f.max) = v.get<double>();
        }
        if (f.min && f.max && *f.min > *f.max) return field_error(path, "'min' is greater than 'max'");
        if (auto i = j.find("integer"); i != j.end()) {
          if (!i->is_boolean()) return field_error(path, "'integer' must be true or false");
          f.integer = i->get<bool>();
        }
        break;
      }
      case FieldType::Date: {
        if (auto s = date_bound(j, "min_date", path, f.min_date); !s) return fail(s.error());
        if (auto s = date_bound(j, "max_date", path, f.max_date); !s) return fail(s.error());
        if (!f.min_date.empty() && !f.max_date.empty() && f.min_date != "today" && f.max_date != "today" &&
            f.min_date > f.max_date)
          return field_error(path, "'min_date' is after 'max_date'");
        if (auto n = j.find("not_in_future"); n != j.end()) {
          if (!n->is_boolean()) return field_error(path, "'not_in_future' must be true or false");
          f.not_in_future = n->get<bool>();
        }
        break;
      }
      case FieldType::SingleChoice:
      case FieldType::MultipleChoice: {
        if (auto s = parse_choices(j, path, f); !s) return fail(s.error());
        break;
      }
      case FieldType::Repeat: {
        if (!parent.empty()) return field_error(path, "repeat groups cannot be nested");
        auto children = j.find("fields");
        if (children == j.end() || !children->is_array() || children->empty())
          return field_error(path, "a repeat group needs a non-empty 'fields' array");
        for (std::size_t i = 0; i < children->size(); ++i) {
          auto child = parse_field((*children)[i], path, i);
          if (!child) return fail(child.error());
          f.fields.push_back(std::move(*child));
        }
        break;
      }
      default:
        break;
    }

    if (f.type == FieldType::Repeat || f.type == FieldType::MultipleChoice) {
      const std::size_t cap = f.type == FieldType::Repeat ? kMaxRepeatItems : f.choices.size();
      if (j.contains("min_count")) {
        auto v = count(j, "min_count", path);
        if (!v) return fail(v.error());
        f.min_count = *v;
      }
      if (j.contains("max_count")) {
        auto v = count(j, "max_count", path);
        if (!v) return fail(v.error());
        if (*v == 0 || *v > cap) return field_error(path, "'max_count' must be from 1 to " + std::to_string(cap));
        f.max_count = *v;
      }
      if (f.min_count && f.max_count && *f.min_count > *f.max_count)
        return field_error(path, "'min_count' is greater than 'max_count'");
      if (f.min_count && *f.min_count > cap)
        return field_error(path, "'min_count' is more than is possible (" + std::to_string(cap) + ")");
    }
    return f;
  }

  Status parse_choices(const nlohmann::json& j, const std::string& path, Field& f) {
    auto choices = j.find("choices");
    if (choices == j.end() || !choices->is_array() || choices->empty())
      return field_error(path, "a choice field needs a non-empty 'choices' array");
    if (choices->size() > kMaxChoicesPerField)
      return field_error(path, "more than " + std::to_string(kMaxChoicesPerField) + " choices");
    for (std::size_t i = 0; i < choices->size(); ++i) {
      const auto& c = (*choices)[i];
      const std::string where = "choices[" + std::to_string(i) + "]";
      if (!c.is_object()) return field_error(path, where + " must be an object");
      for (const auto& [key, _] : c.items())
        if (key != "value" && key != "label" && key != "exclusive" && key != "comment")
          return field_error(path, where + ": unknown key '" + key + "'");
      auto value = c.find("value");
      if (value == c.end() || !value->is_string() || !is_choice_value(value->get<std::string>()))
        return field_error(path, where + ": 'value' must be lower-case letters, digits or '_' (at most 64)");
      Choice choice;
      choice.value = value->get<std::string>();
      if (f.find_choice(choice.value)) return field_error(path, "choice '" + choice.value + "' appears twice");
      if (auto s = localized(c, "label", true, "field '" + path + "' choice '" + choice.value + "'", choice.label); !s) return s;
      if (auto e = c.find("exclusive"); e != c.end()) {
        if (!e->is_boolean()) return field_error(path, "choice '" + choice.value + "': 'exclusive' must be true or false");
        if (f.type != FieldType::MultipleChoice)
          return field_error(path, "choice '" + choice.value + "': 'exclusive' only applies to multiple_choice");
        choice.exclusive = e->get<bool>();
      }
      f.choices.push_back(std::move(choice));
    }
    return {};
  }

  Status assign_pages() {
    if (!declared_pages_) {
      for (const auto& f : def_.fields)
        if (!f.page.empty()) return field_error(f.name, "'page' is set but the form declares no 'pages'");
      def_.pages.push_back(Page{"main", def_.title});
      for (auto& f : def_.fields) f.page = "main";
      return {};
    }
    std::set<std::string> used;
    for (const auto& f : def_.fields) {
      bool found = false;
      for (const auto& p : def_.pages) found = found || p.id == f.page;
      used.insert(f.page);
      if (found) continue;
      const Status s = f.page.empty() ? field_error(f.name, "'page' is required because the form declares 'pages'")
                                      : field_error(f.name, "page '" + f.page + "' is not declared in 'pages'");
      if (auto kept = go_on(s); !kept) return kept;
    }
    for (const auto& p : def_.pages)
      if (!used.count(p.id))
        if (auto s = go_on(form_error("page '" + p.id + "' has no fields")); !s) return s;
    return {};
  }

  Status build_index() {
    for (std::size_t t = 0; t < def_.fields.size(); ++t) {
      def_.index[def_.fields[t].name] = FieldLocation{t, std::nullopt};
      for (std::size_t c = 0; c < def_.fields[t].fields.size(); ++c)
        def_.index[def_.fields[t].fields[c].name] = FieldLocation{t, c};
      def_.fields[t].fields_by_name = sorted_by_name(def_.fields[t].fields);
    }
    def_.fields_by_name = sorted_by_name(def_.fields);
    return {};
  }

  static std::vector<std::size_t> sorted_by_name(const std::vector<Field>& fields) {
    std::vector<std::size_t> order(fields.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return fields[a].name < fields[b].name; });
    return order;
  }

  // Compiles the checked references to field locations once, here, so that no evaluation looks
  // a name up (the server evaluates them for every pushed record).
  Status resolve_references() {
    const Expression::Locator locate = [this](std::string_view name) { return def_.locate(name); };
    for (std::size_t t = 0; t < def_.fields.size(); ++t) {
      Field& f = def_.fields[t];
      if (auto s = resolve_field_expressions(f, locate); !s) return s;
      for (auto& child : f.fields)
        if (auto s = resolve_field_expressions(child, locate); !s) return s;
    }
    return {};
  }

  Status resolve_field_expressions(Field& f, const Expression::Locator& locate) {
    for (std::optional<Expression>* e : {&f.relevant, &f.required_if, &f.constraint}) {
      if (!*e) continue;
      auto resolved = (*e)->resolve(locate);
      if (!resolved) return field_error(f.name, resolved.error().message);
      **e = std::move(*resolved);
    }
    return {};
  }

  Status check_expression(const Field& owner, const FieldLocation& where, const Expression& e, const char* key) {
    const std::string path = where.child ? def_.fields[where.top].name + "." + owner.name : owner.name;
    for (const auto& ref : e.references()) {
      auto loc = def_.locate(ref.name);
      const std::string prefix = "'" + std::string(key) + "' refers to ";
      if (!loc) return field_error(path, prefix + "unknown field '" + ref.name + "'");
      const Field& target = def_.at(*loc);
      if (target.type == FieldType::Note) return field_error(path, prefix + "'" + ref.name + "', a note, which has no answer");
      if (target.type == FieldType::Repeat && !ref.counted)
        return field_error(path, prefix + "repeat group '" + ref.name + "'; read it as count(${" + ref.name + "})");
      if (loc->child && (!where.child || where.top != loc->top))
        return field_error(path, prefix + "'" + ref.name + "', which is inside repeat group '" + def_.fields[loc->top].name +
                                     "' and can only be read by questions of that group");
      if (std::string_view(key) == "relevant" && ordinal_.at(ref.name) >= ordinal_.at(owner.name))
        return field_error(path, "'relevant' may only read earlier fields, and '" + ref.name + "' is not earlier");
      if (std::string_view(key) == "required" && ref.name == owner.name)
        return field_error(path, "'required' cannot depend on the field's own answer");
    }
    return {};
  }

  Status check_field_expressions(const Field& f, const FieldLocation& where) {
    if (f.relevant)
      if (auto s = check_expression(f, where, *f.relevant, "relevant"); !s) return s;
    if (f.required_if)
      if (auto s = check_expression(f, where, *f.required_if, "required"); !s) return s;
    if (f.constraint)
      if (auto s = check_expression(f, where, *f.constraint, "constraint"); !s) return s;
    return {};
  }

  Status check_references() {
    for (std::size_t t = 0; t < def_.fields.size(); ++t) {
      const Field& f = def_.fields[t];
      if (auto s = go_on(check_field_expressions(f, {t, std::nullopt})); !s) return s;
      for (std::size_t c = 0; c < f.fields.size(); ++c)
        if (auto s = go_on(check_field_expressions(f.fields[c], {t, c})); !s) return s;
    }
    return {};
  }

  Status parse_translation_status(const nlohmann::json& j) {
    if (auto ts = j.find("translation_status"); ts != j.end()) {
      if (!ts->is_object()) return form_error("'translation_status' must be an object of notes by language");
      for (const auto& [lang, note] : ts->items()) {
        if (!is_valid_language_code(lang)) return form_error("'translation_status' has an invalid language code '" + lang + "'");
        if (!note.is_string() || utf8::is_blank(note.get<std::string>()) || note.get<std::string>().size() > 500)
          return form_error("'translation_status' for '" + lang + "' must be a short non-empty text");
        def_.translation_status.emplace(lang, note.get<std::string>());
      }
    }
    for (const auto& lang : languages_used_)
      if (lang != kDefaultLanguage && !def_.translation_status.count(lang))
        return form_error("texts in '" + lang + "' need a 'translation_status' entry saying who wrote them and whether they were reviewed");
    return {};
  }

  std::vector<Error>* all_ = nullptr;
  FormDefinition def_;
  bool declared_pages_ = false;
  std::size_t field_count_ = 0;
  std::set<std::string> names_;
  std::set<std::string> languages_used_;
  std::map<std::string, int> ordinal_;
  int next_ordinal_ = 0;
};

}  // namespace

std::string_view to_string(FieldType t) {
  for (const auto& tn : kTypeNames)
    if (tn.type == t) return tn.name;
  return "unknown";
}

std::optional<FieldType> field_type_from_string(std::string_view s) {
  for (const auto& tn : kTypeNames)
    if (s == tn.name) return tn.type;
  return std::nullopt;
}

const Choice* Field::find_choice(std::string_view value) const {
  for (const auto& c : choices)
    if (c.value == value) return &c;
  return nullptr;
}

std::size_t Field::text_limit() const {
  if (max_length) return *max_length;
  return type == FieldType::LongText ? kDefaultLongTextMaxLength : kDefaultTextMaxLength;
}

std::size_t Field::repeat_limit() const { return max_count.value_or(kDefaultRepeatMaxItems); }

const Field* FormDefinition::find_field(std::string_view name) const {
  auto loc = locate(name);
  return loc ? &at(*loc) : nullptr;
}

std::optional<FieldLocation> FormDefinition::locate(std::string_view name) const {
  auto it = index.find(name);
  if (it == index.end()) return std::nullopt;
  return it->second;
}

const Field& FormDefinition::at(const FieldLocation& loc) const {
  const Field& top = fields.at(loc.top);
  return loc.child ? top.fields.at(*loc.child) : top;
}

std::size_t FormDefinition::page_index_of(const Field& f) const {
  for (std::size_t i = 0; i < pages.size(); ++i)
    if (pages[i].id == f.page) return i;
  return 0;
}

std::string_view FormDefinition::translation_status_of(std::string_view lang) const {
  auto it = translation_status.find(lang);
  return it == translation_status.end() ? std::string_view() : std::string_view(it->second);
}

std::vector<std::string> FormDefinition::languages() const {
  std::vector<std::string> out;
  for (const auto& [lang, _] : title.texts) out.push_back(lang);
  return out;
}

Result<FormDefinition> parse_definition(const nlohmann::json& j) {
  try {
    return DefinitionParser().run(j);
  } catch (const std::exception&) {
    // nlohmann throws only on misuse; keep the promise that bad input is a value, not a crash.
    return fail("invalid_form", "form definition: malformed JSON structure");
  }
}

std::vector<Error> definition_problems(const nlohmann::json& j) {
  std::vector<Error> all;
  auto parsed = [&]() -> Result<FormDefinition> {
    try {
      return DefinitionParser(&all).run(j);
    } catch (const std::exception&) {
      return fail("invalid_form", "form definition: malformed JSON structure");
    }
  }();
  // A problem that stopped the parse is not in the list yet.
  if (!parsed && std::none_of(all.begin(), all.end(), [&](const Error& e) { return e.message == parsed.error().message; }))
    all.push_back(parsed.error());
  return all;
}

}  // namespace ws::forms
