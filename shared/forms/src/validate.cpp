#include "ws/forms/validate.hpp"

#include <algorithm>
#include <cmath>

#include "shared/forms/src/answers.hpp"
#include "shared/forms/src/utf8.hpp"
#include "ws/forms/date.hpp"
#include "ws/forms/relevance.hpp"
#include "ws/json_view.hpp"

namespace ws::forms {
namespace {

// Paths name keys from the payload; keep them short and printable whatever was sent.
std::string safe_key(std::string_view key) {
  std::string out;
  for (char c : key.substr(0, 64)) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    out.push_back(plain ? c : '?');
  }
  if (key.size() > 64) out += "...";
  return out;
}

std::string format_number(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  std::string s = std::to_string(v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  return s;
}

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

// "" when the value is an acceptable signature, else what is wrong.
std::string signature_problem(std::string_view s) {
  if (s.size() > kMaxSignatureChars) return "the signature image is too large";
  const std::string_view prefix = kSignaturePrefix;
  if (s.compare(0, prefix.size(), prefix) != 0) return "must be a PNG image as a data:image/png;base64 URL";
  std::string_view data = std::string_view(s).substr(prefix.size());
  // base64 of the 8-byte PNG signature followed by the start of the IHDR chunk length.
  if (data.substr(0, 11) != "iVBORw0KGgo") return "the image is not a PNG";
  if (data.size() % 4 != 0) return "the image data is not valid base64";
  std::size_t padding = 0;
  while (padding < 2 && !data.empty() && data[data.size() - 1 - padding] == '=') ++padding;
  for (std::size_t i = 0; i + padding < data.size(); ++i)
    if (!is_base64_char(data[i])) return "the image data is not valid base64";
  return "";
}

// One implementation for every JSON view (V: ws/json_view.hpp), so the kiosk, HQ and the
// server's push path refuse the same answers with the same messages.
template <typename V>
class Validator {
 public:
  Validator(const FormDefinition& def, const V& answers, const ValidationOptions& options)
      : def_(def),
        answers_(answers),
        options_(options),
        today_(options.today.empty() ? today_latest_zone() : options.today),
        scope_(def, &top_, scratch_, today_) {}

  std::vector<FieldError> run() {
    if (!answers_.is_object()) {
      add("", "not_object", "the answers must be a JSON object");
      return std::move(errors_);
    }
    read_answers(answers_, def_.fields, def_.fields_by_name, "", top_);
    answers::fill_relevance(def_, &top_, scope_, scratch_);
    for (std::size_t t = 0; t < def_.fields.size() && !full_; ++t) {
      const Field& f = def_.fields[t];
      check(f, top_[t] ? &*top_[t] : nullptr, f.name, relevance_.top[t], t);
    }
    return std::move(errors_);
  }

 private:
  void add(std::string path, std::string code, std::string message) {
    if (full_) return;
    if (errors_.size() >= options_.max_errors) {
      errors_.push_back({"", "too_many_errors", "more errors were found and not listed"});
      full_ = true;
      return;
    }
    errors_.push_back({std::move(path), std::move(code), std::move(message)});
  }

  // The answers of the payload (`fields` = the form's) or of one repeat item (the group's), in
  // one pass over its members that also judges every key that is not a question's.
  void read_answers(const V& object, const std::vector<Field>& fields, const std::vector<std::size_t>& by_name,
                    const std::string& prefix, answers::AnswerTable<V>& table) {
    table.assign(fields.size(), std::nullopt);
    answers::match_members(
        object, fields, by_name,
        [&](std::size_t i, const V& value) {
          if (!takes_answer(fields[i].type)) add(prefix + fields[i].name, "not_answerable", "a note takes no answer");
          table[i] = value;
        },
        [&](std::string_view key, const V& value) {
          if (full_) return;
          if (!is_metadata_key(key)) return add(prefix + safe_key(key), "unknown_field", "not a field of this form");
          const bool ok = value.is_string() && utf8::length(value.string()).value_or(kMaxMetadataChars + 1) <= kMaxMetadataChars;
          if (!ok) add(prefix + safe_key(key), "invalid_metadata", "metadata must be a string of at most 128 characters");
        });
  }

  bool required(const Field& f) { return f.required || (f.required_if && f.required_if->test(scope_)); }

  // `top` is the index of the top-level field (or of the repeat group the question is in).
  void check(const Field& f, const V* value, const std::string& path, bool relevant, std::size_t top) {
    if (!takes_answer(f.type)) return;  // an answer to a note was reported by read_answers
    const bool unanswered = !value || answers::is_unanswered(f, *value);
    if (!relevant) {
      if (!unanswered) add(path, "not_relevant", "answered although the question does not apply (skip logic)");
      return;
    }
    if (unanswered) {
      if (required(f)) add(path, "required", "an answer is required");
      else if (f.min_count.value_or(0) > 0) add(path, "too_few", "at least " + std::to_string(*f.min_count) + " needed");
      return;
    }
    const std::size_t before = errors_.size();
    check_type(f, *value, path, top);
    if (errors_.size() != before || full_ || !f.constraint) return;
    scope_.set_current(f, *value);
    const bool allowed = f.constraint->test(scope_);
    scope_.clear_current();
    if (!allowed) {
      auto message = f.constraint_message.pick(kDefaultLanguage).text;
      add(path, "constraint", message.empty() ? "the answer is not allowed here" : std::string(message));
    }
  }

  void check_type(const Field& f, const V& v, const std::string& path, std::size_t top) {
    switch (f.type) {
      case FieldType::Text:
      case FieldType::LongText: return check_text(f, v, path);
      case FieldType::Number: return check_number(f, v, path);
      case FieldType::Date: return check_date(f, v, path);
      case FieldType::SingleChoice:
        if (!v.is_string()) return add(path, "wrong_type", "expected one choice (a string)");
        if (!f.find_choice(v.string())) add(path, "invalid_choice", "not one of the choices");
        return;
      case FieldType::MultipleChoice: return check_choices(f, v, path);
      case FieldType::YesNo:
        if (!v.is_bool()) add(path, "wrong_type", "expected yes or no (true or false)");
        return;
      case FieldType::Signature: {
        if (!v.is_string()) return add(path, "wrong_type", "expected a signature image");
        auto problem = signature_problem(v.string());
        if (!problem.empty()) add(path, "invalid_signature", problem);
        return;
      }
      case FieldType::Repeat: return check_repeat(f, v, path, top);
      case FieldType::Note: return;
    }
  }

  void check_text(const Field& f, const V& v, const std::string& path) {
    if (!v.is_string()) return add(path, "wrong_type", "expected text");
    const std::string_view s = v.string();
    const std::size_t limit = f.text_limit();
    // A UTF-8 character is at most 4 bytes: refuse oversize text before decoding or matching it.
    if (s.size() > 4 * limit) return add(path, "too_long", "must be at most " + std::to_string(limit) + " characters");
    // Most answers are printable ASCII: valid UTF-8 without control characters, one character a
    // byte, so they are decoded only for a pattern (the decode was most of a server's check).
    std::optional<std::u32string> decoded;
    std::size_t characters = s.size();
    if (f.pattern || !utf8::is_printable_ascii(s)) {
      decoded = utf8::decode(s);
      if (!decoded) return add(path, "invalid_text", "the text is not valid UTF-8");
      if (utf8::has_control_characters(*decoded, f.type == FieldType::LongText))
        return add(path, "invalid_text", "the text contains control characters");
      characters = decoded->size();
    }
    if (characters > limit) return add(path, "too_long", "must be at most " + std::to_string(limit) + " characters");
    if (f.min_length && characters < *f.min_length)
      return add(path, "too_short", "must be at least " + std::to_string(*f.min_length) + " characters");
    if (f.pattern && !f.pattern->matches(std::u32string_view(*decoded)))
      add(path, "pattern", "does not have the expected format");
  }

  void check_number(const Field& f, const V& v, const std::string& path) {
    if (!v.is_number()) return add(path, "wrong_type", "expected a number");
    const double d = v.number();
    if (!std::isfinite(d)) return add(path, "wrong_type", "expected a finite number");
    if (f.integer && !v.is_integer() && std::floor(d) != d) return add(path, "not_integer", "must be a whole number");
    if (f.min && d < *f.min) return add(path, "too_small", "must be at least " + format_number(*f.min));
    if (f.max && d > *f.max) add(path, "too_large", "must be at most " + format_number(*f.max));
  }

  std::string resolve(const std::string& bound) const { return bound == "today" ? today_ : bound; }

  void check_date(const Field& f, const V& v, const std::string& path) {
    if (!v.is_string() || !parse_date(v.string()))
      return add(path, "invalid_date", "must be a real date written yyyy-mm-dd");
    const std::string_view d = v.string();  // ISO dates order as strings
    if (!f.min_date.empty() && d < resolve(f.min_date))
      return add(path, "too_early", "must be on or after " + resolve(f.min_date));
    if (!f.max_date.empty() && d > resolve(f.max_date))
      return add(path, "too_late", "must be on or before " + resolve(f.max_date));
    if (f.not_in_future && d > today_) add(path, "in_future", "cannot be in the future");
  }

  void check_choices(const Field& f, const V& v, const std::string& path) {
    if (!v.is_array()) return add(path, "wrong_type", "expected a list of choices");
    if (v.size() > f.choices.size()) return add(path, "too_many", "more choices than there are");
    std::vector<const Choice*>& picked = scratch_.picked;
    picked.clear();
    for (std::size_t i = 0, n = v.size(); i < n; ++i) {
      const V item = v.at(i);
      if (!item.is_string()) return add(path, "wrong_type", "expected a list of choices (strings)");
      const Choice* c = f.find_choice(item.string());
      if (!c) return add(path, "invalid_choice", "not one of the choices");
      if (std::find(picked.begin(), picked.end(), c) != picked.end()) return add(path, "duplicate_choice", "a choice is listed twice");
      picked.push_back(c);
    }
    for (const Choice* c : picked)
      if (c->exclusive && picked.size() > 1)
        return add(path, "exclusive_choice", "'" + c->value + "' cannot be combined with other choices");
    if (f.min_count && picked.size() < *f.min_count)
      return add(path, "too_few", "choose at least " + std::to_string(*f.min_count));
    if (f.max_count && picked.size() > *f.max_count) add(path, "too_many", "choose at most " + std::to_string(*f.max_count));
  }

  void check_repeat(const Field& f, const V& v, const std::string& path, std::size_t top) {
    if (!v.is_array()) return add(path, "wrong_type", "expected a list of entries");
    if (v.size() > kMaxRepeatItems) return add(path, "too_many", "at most " + std::to_string(f.repeat_limit()) + " entries");
    if (v.size() > f.repeat_limit()) add(path, "too_many", "at most " + std::to_string(f.repeat_limit()) + " entries");
    if (f.min_count && v.size() < *f.min_count) add(path, "too_few", "at least " + std::to_string(*f.min_count) + " entries");
    // One text for every path under the group, "<path>.<i>." then each question's name after it:
    // the paths are read only when an error names them, so they cost no allocation per answer.
    std::string child_path;
    child_path.reserve(path.size() + 64);
    for (std::size_t i = 0; i < v.size() && !full_; ++i) {
      child_path.assign(path).append(".").append(std::to_string(i)).append(".");
      const std::size_t prefix_length = child_path.size();
      const V item = v.at(i);
      if (!item.is_object()) {
        add(child_path.substr(0, prefix_length - 1), "wrong_type", "each entry must be an object of answers");
        continue;
      }
      answers::AnswerTable<V>& item_answers = scratch_.item;
      read_answers(item, f.fields, f.fields_by_name, child_path, item_answers);
      scope_.enter_item(top, i, item_answers);
      for (std::size_t c = 0; c < f.fields.size() && !full_; ++c) {
        const Field& child = f.fields[c];
        child_path.resize(prefix_length);
        child_path.append(child.name);
        check(child, item_answers[c] ? &*item_answers[c] : nullptr, child_path, relevance_.is_relevant({top, c}, i), top);
      }
      scope_.leave_item();
    }
  }

  const FormDefinition& def_;
  const V& answers_;
  const ValidationOptions& options_;
  std::string today_;
  // Kept by the thread: validating a record allocates no table, relevance or read answers.
  static answers::Scratch<V>& thread_scratch() {
    thread_local answers::Scratch<V> scratch;
    return scratch;
  }
  answers::Scratch<V>& scratch_ = thread_scratch();
  answers::AnswerTable<V>& top_ = scratch_.top;
  Relevance& relevance_ = scratch_.relevance;
  answers::Scope<V> scope_;
  std::vector<FieldError> errors_;
  bool full_ = false;
};

}  // namespace

bool is_metadata_key(std::string_view key) { return !key.empty() && key[0] == '_'; }

std::vector<FieldError> validate(const FormDefinition& def, const nlohmann::json& answers) {
  return validate(def, answers, ValidationOptions{});
}

namespace {

template <typename V>
std::vector<FieldError> run_validator(const FormDefinition& def, const V& answers, const ValidationOptions& options) {
  try {
    return Validator<V>(def, answers, options).run();
  } catch (const std::exception&) {
    // Not expected (every access is type-checked first); the promise is: no exception escapes.
    return {{"", "internal_error", "the answers could not be checked"}};
  }
}

}  // namespace

std::vector<FieldError> validate(const FormDefinition& def, const nlohmann::json& answers, const ValidationOptions& options) {
  return run_validator(def, json_view::Tree(answers), options);
}

std::vector<FieldError> validate_dom(const FormDefinition& def, const json_view::Dom& answers, const ValidationOptions& options) {
  return run_validator(def, answers, options);
}

nlohmann::json clear_irrelevant(const FormDefinition& def, const nlohmann::json& answers, std::string_view today) {
  if (!answers.is_object()) return answers;
  const std::string day = today.empty() ? today_latest_zone() : std::string(today);
  const Relevance rel = compute_relevance(def, answers, day);
  nlohmann::json out = answers;
  for (std::size_t t = 0; t < def.fields.size(); ++t) {
    const Field& f = def.fields[t];
    auto it = out.find(f.name);
    if (it == out.end()) continue;
    if (!rel.top[t]) {
      if (!is_unanswered(f, *it)) *it = nullptr;
      continue;
    }
    if (f.type != FieldType::Repeat || !it->is_array()) continue;
    for (std::size_t i = 0; i < it->size() && i < rel.item_count(t); ++i) {
      auto& item = (*it)[i];
      if (!item.is_object()) continue;
      for (std::size_t c = 0; c < f.fields.size(); ++c) {
        auto child = item.find(f.fields[c].name);
        if (child != item.end() && !rel.is_relevant({t, c}, i) && !is_unanswered(f.fields[c], *child)) *child = nullptr;
      }
    }
  }
  return out;
}

nlohmann::json to_json(const FieldError& e) { return {{"field", e.field}, {"code", e.code}, {"message", e.message}}; }

nlohmann::json to_json(const std::vector<FieldError>& errors) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : errors) out.push_back(to_json(e));
  return out;
}

}  // namespace ws::forms
