#include "ws/forms/session.hpp"

#include <algorithm>
#include <charconv>

#include "shared/forms/src/utf8.hpp"
#include "ws/forms/date.hpp"
#include "ws/ids.hpp"
#include "ws/merge.hpp"

namespace ws::forms {
namespace {

const nlohmann::json kNull;

bool shape_matches(FieldType type, const nlohmann::json& v) {
  if (v.is_null()) return true;
  switch (type) {
    case FieldType::Text:
    case FieldType::LongText:
    case FieldType::Date:
    case FieldType::SingleChoice:
    case FieldType::Signature:
      return v.is_string();
    case FieldType::Number: return v.is_number();
    case FieldType::YesNo: return v.is_boolean();
    case FieldType::MultipleChoice:
      return v.is_array() && std::all_of(v.begin(), v.end(), [](const auto& x) { return x.is_string(); });
    default: return false;
  }
}

std::string item_path(const std::string& group, std::size_t item, const std::string& child) {
  return group + "." + std::to_string(item) + "." + child;
}

// The top-level field a path belongs to ("family_members" for "family_members.1.name").
std::string_view top_of(std::string_view path) { return path.substr(0, path.find('.')); }

Status check_keys_known(const FormDefinition& def, const nlohmann::json& answers) {
  if (!answers.is_object()) return fail("invalid_answers", "answers must be a JSON object");
  for (const auto& [key, _] : answers.items()) {
    if (is_metadata_key(key)) continue;
    auto loc = def.locate(key);
    if (!loc || loc->child) return fail("invalid_answers", "form '" + def.id + "' has no field '" + key.substr(0, 64) + "'");
  }
  return {};
}

}  // namespace

FormSession::FormSession(FormDefinition def, SessionOptions options) : def_(std::move(def)), options_(std::move(options)) {
  if (options_.today.empty()) options_.today = today_local();
  recompute();
  move_to_visible_page();
}

Result<FormSession> FormSession::edit(FormDefinition def, const nlohmann::json& answers, SessionOptions options) {
  if (auto s = check_keys_known(def, answers); !s) return fail(s.error());
  FormSession session(std::move(def), std::move(options));
  session.answers_ = answers;
  session.initial_ = answers;
  session.recompute();
  session.move_to_visible_page();
  return session;
}

Result<FormSession> FormSession::from_draft(FormDefinition def, const nlohmann::json& draft, SessionOptions options) {
  try {
    return from_draft_unchecked(std::move(def), draft, std::move(options));
  } catch (const nlohmann::json::exception&) {
    return fail("invalid_draft", "the draft has a key of the wrong type");
  }
}

Result<FormSession> FormSession::from_draft_unchecked(FormDefinition def, const nlohmann::json& draft, SessionOptions options) {
  if (!draft.is_object() || draft.value("draft_format", 0) != kDraftFormat)
    return fail("invalid_draft", "not a form draft of a known format");
  if (draft.value("form_id", std::string()) != def.id || draft.value("form_version", 0) != def.version)
    return fail("draft_mismatch", "the draft belongs to another form or form version");
  const auto answers = draft.value("answers", nlohmann::json());
  const auto initial = draft.value("initial", nlohmann::json::object());
  const auto stashed = draft.value("stashed", nlohmann::json::object());
  if (auto s = check_keys_known(def, answers); !s) return fail(s.error());
  if (auto s = check_keys_known(def, initial); !s) return fail(s.error());
  if (!stashed.is_object()) return fail("invalid_draft", "'stashed' must be an object");
  FormSession session(std::move(def), std::move(options));
  session.answers_ = answers;
  session.initial_ = initial;
  for (const auto& [path, value] : stashed.items())
    if (session.def_.locate(top_of(path))) session.stashed_[path] = value;
  session.recompute();
  const std::string page_id = draft.value("page", std::string());
  for (std::size_t i = 0; i < session.def_.pages.size(); ++i)
    if (session.def_.pages[i].id == page_id) session.page_ = i;
  session.move_to_visible_page();
  return session;
}

nlohmann::json FormSession::save_draft() const {
  return {{"draft_format", kDraftFormat}, {"form_id", def_.id},   {"form_version", def_.version},
          {"page", page().id},            {"answers", answers_}, {"initial", initial_},
          {"stashed", stashed_}};
}

// --- answers ---------------------------------------------------------------------------------

Result<FormSession::Target> FormSession::resolve(std::string_view path) const {
  auto unknown = [&] { return fail("unknown_field", "form '" + def_.id + "' has no field '" + std::string(path.substr(0, 64)) + "'"); };
  const auto first_dot = path.find('.');
  if (first_dot == std::string_view::npos) {
    auto loc = def_.locate(path);
    if (!loc || loc->child) return unknown();
    return Target{*loc, 0};
  }
  const auto second_dot = path.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos) return unknown();
  auto group = def_.locate(path.substr(0, first_dot));
  auto child = def_.locate(path.substr(second_dot + 1));
  if (!group || group->child || !child || !child->child || child->top != group->top) return unknown();
  const auto index_text = path.substr(first_dot + 1, second_dot - first_dot - 1);
  std::size_t index = 0;
  auto [end, ec] = std::from_chars(index_text.data(), index_text.data() + index_text.size(), index);
  if (ec != std::errc() || end != index_text.data() + index_text.size() || index_text.empty())
    return fail("unknown_field", "bad item number in '" + std::string(path.substr(0, 64)) + "'");
  if (index >= item_count(def_.fields[group->top].name))
    return fail("unknown_item", "no item " + std::string(index_text) + " in '" + def_.fields[group->top].name + "'");
  return Target{*child, index};
}

nlohmann::json* FormSession::slot(const Target& t, bool create) {
  const Field& top = def_.fields[t.loc.top];
  if (!t.loc.child) {
    if (!create && !answers_.contains(top.name)) return nullptr;
    return &answers_[top.name];
  }
  auto& items = answers_[top.name];
  if (!items.is_array() || t.item >= items.size()) return nullptr;
  auto& item = items[t.item];
  if (!item.is_object()) {
    if (!create) return nullptr;
    item = nlohmann::json::object();
  }
  const std::string& name = top.fields[*t.loc.child].name;
  if (!create && !item.contains(name)) return nullptr;
  return &item[name];
}

const nlohmann::json& FormSession::answer(std::string_view path) const {
  auto target = resolve(path);
  if (!target) return kNull;
  const Field& top = def_.fields[target->loc.top];
  auto it = answers_.find(top.name);
  if (it == answers_.end()) return kNull;
  if (!target->loc.child) return *it;
  if (!it->is_array() || target->item >= it->size() || !(*it)[target->item].is_object()) return kNull;
  const auto& item = (*it)[target->item];
  auto c = item.find(top.fields[*target->loc.child].name);
  return c == item.end() ? kNull : *c;
}

Status FormSession::set_answer(std::string_view path, nlohmann::json value) {
  auto target = resolve(path);
  if (!target) return fail(target.error());
  const Field& f = def_.at(target->loc);
  if (!takes_answer(f.type)) return fail("not_answerable", "'" + f.name + "' is a note and takes no answer");
  if (f.type == FieldType::Repeat) return fail("wrong_type", "'" + f.name + "' is a repeat group: add or remove items");
  if (!relevance_.is_relevant(target->loc, target->item))
    return fail("not_relevant", "'" + f.name + "' does not apply with the answers given");
  if (!shape_matches(f.type, value))
    return fail("wrong_type", "'" + f.name + "' takes a " + std::string(to_string(f.type)) + " answer");
  if (value.is_string() && value.get_ref<const std::string&>().size() > 4 * std::max(kHardTextMaxLength, kMaxSignatureChars))
    return fail("too_long", "the answer to '" + f.name + "' is far too long");
  *slot(*target, true) = std::move(value);
  stashed_.erase(std::string(path));
  recompute();
  return {};
}

Status FormSession::clear_answer(std::string_view path) {
  auto target = resolve(path);
  if (!target) return fail(target.error());
  const Field& f = def_.at(target->loc);
  if (f.type == FieldType::Repeat) {
    answers_[f.name] = nullptr;
  } else if (auto* s = slot(*target, false)) {
    *s = nullptr;
  }
  stashed_.erase(std::string(path));
  recompute();
  return {};
}

Status FormSession::toggle_choice(std::string_view path, const std::string& value) {
  auto target = resolve(path);
  if (!target) return fail(target.error());
  const Field& f = def_.at(target->loc);
  if (f.type != FieldType::MultipleChoice) return fail("wrong_type", "'" + f.name + "' is not a multiple choice question");
  const Choice* toggled = f.find_choice(value);
  if (!toggled) return fail("invalid_choice", "'" + f.name + "' has no choice '" + value.substr(0, 64) + "'");
  const nlohmann::json& current = answer(path);
  std::vector<std::string> picked;
  if (current.is_array())
    for (const auto& v : current)
      if (v.is_string()) picked.push_back(v.get<std::string>());
  if (std::find(picked.begin(), picked.end(), value) != picked.end()) {
    picked.erase(std::remove(picked.begin(), picked.end(), value), picked.end());
  } else if (toggled->exclusive) {
    picked = {value};
  } else {
    picked.erase(std::remove_if(picked.begin(), picked.end(),
                                [&](const std::string& v) { auto* c = f.find_choice(v); return c && c->exclusive; }),
                 picked.end());
    picked.push_back(value);
  }
  nlohmann::json ordered = nlohmann::json::array();
  for (const auto& c : f.choices)
    if (std::find(picked.begin(), picked.end(), c.value) != picked.end()) ordered.push_back(c.value);
  return set_answer(path, ordered.empty() ? nlohmann::json() : ordered);
}

Status FormSession::set_metadata(const std::string& key, std::string value) {
  if (!is_metadata_key(key) || key.size() > 64) return fail("invalid_metadata", "metadata keys start with '_'");
  if (utf8::length(value).value_or(kMaxMetadataChars + 1) > kMaxMetadataChars)
    return fail("invalid_metadata", "metadata must be a string of at most 128 characters");
  answers_[key] = std::move(value);
  return {};
}

Result<std::size_t> FormSession::add_item(const std::string& group) {
  auto loc = def_.locate(group);
  if (!loc || loc->child || def_.fields[loc->top].type != FieldType::Repeat)
    return fail("unknown_field", "form '" + def_.id + "' has no repeat group '" + group.substr(0, 64) + "'");
  const Field& f = def_.fields[loc->top];
  if (!relevance_.is_relevant(*loc)) return fail("not_relevant", "'" + f.name + "' does not apply with the answers given");
  auto& items = answers_[f.name];
  if (!items.is_array()) items = nlohmann::json::array();
  if (items.size() >= f.repeat_limit()) return fail("too_many", "at most " + std::to_string(f.repeat_limit()) + " entries");
  // A stable id lets two kiosks' edits of the same list merge row by row (see ws/merge.hpp).
  items.push_back(nlohmann::json{{kRowIdKey, new_uuid_v7()}});
  recompute();
  return items.size() - 1;
}

Status FormSession::remove_item(const std::string& group, std::size_t index) {
  if (index >= item_count(group)) return fail("unknown_item", "no such item in '" + group.substr(0, 64) + "'");
  auto& items = answers_[group];
  items.erase(items.begin() + static_cast<std::ptrdiff_t>(index));
  // Item numbers shift; hidden answers of this group cannot be matched to their items any more.
  const std::string prefix = group + ".";
  for (auto it = stashed_.begin(); it != stashed_.end();) {
    if (it.key().rfind(prefix, 0) == 0) it = stashed_.erase(it);
    else ++it;
  }
  recompute();
  return {};
}

std::size_t FormSession::item_count(const std::string& group) const {
  auto it = answers_.find(group);
  return it != answers_.end() && it->is_array() ? it->size() : 0;
}

bool FormSession::is_relevant(std::string_view path) const {
  auto target = resolve(path);
  return target && relevance_.is_relevant(target->loc, target->item);
}

void FormSession::recompute() {
  // Clearing an irrelevant answer changes nothing others see (irrelevant reads as unanswered),
  // but restoring one can: repeat until stable. Each pass consumes stash entries, so it ends.
  for (std::size_t pass = 0; pass <= def_.index.size() + kMaxRepeatItems; ++pass) {
    relevance_ = compute_relevance(def_, answers_, options_.today);
    bool restored = false;
    auto settle = [&](nlohmann::json& container, const Field& f, bool relevant, const std::string& path) {
      auto it = container.find(f.name);
      const bool answered = it != container.end() && !is_unanswered(f, *it);
      if (!relevant && answered) {
        stashed_[path] = std::move(*it);
        *it = nullptr;
      } else if (relevant && !answered && stashed_.contains(path)) {
        container[f.name] = std::move(stashed_[path]);
        stashed_.erase(path);
        restored = true;
      }
    };
    for (std::size_t t = 0; t < def_.fields.size(); ++t) {
      const Field& f = def_.fields[t];
      if (!takes_answer(f.type)) continue;
      settle(answers_, f, relevance_.top[t], f.name);
      if (f.type != FieldType::Repeat || !relevance_.top[t]) continue;
      auto items = answers_.find(f.name);
      if (items == answers_.end() || !items->is_array()) continue;
      for (std::size_t i = 0; i < items->size() && i < relevance_.item_count(t); ++i) {
        auto& item = (*items)[i];
        if (!item.is_object()) continue;
        for (std::size_t c = 0; c < f.fields.size(); ++c)
          if (takes_answer(f.fields[c].type))
            settle(item, f.fields[c], relevance_.is_relevant({t, c}, i), item_path(f.name, i, f.fields[c].name));
      }
    }
    if (!restored) break;
  }
  if (showing_errors_) shown_errors_ = page_errors();
}

// --- pages -----------------------------------------------------------------------------------

bool FormSession::page_is_visible(std::size_t index) const {
  if (index >= def_.pages.size()) return false;
  for (std::size_t t = 0; t < def_.fields.size(); ++t)
    if (def_.fields[t].page == def_.pages[index].id && relevance_.top[t]) return true;
  return false;
}

std::vector<const Field*> FormSession::page_fields() const {
  std::vector<const Field*> out;
  for (std::size_t t = 0; t < def_.fields.size(); ++t)
    if (def_.fields[t].page == page().id && relevance_.top[t]) out.push_back(&def_.fields[t]);
  return out;
}

bool FormSession::is_first_page() const {
  for (std::size_t i = 0; i < page_; ++i)
    if (page_is_visible(i)) return false;
  return true;
}

bool FormSession::is_last_page() const {
  for (std::size_t i = page_ + 1; i < def_.pages.size(); ++i)
    if (page_is_visible(i)) return false;
  return true;
}

void FormSession::move_to_visible_page() {
  if (page_is_visible(page_)) return;
  for (std::size_t i = page_; i-- > 0;)
    if (page_is_visible(i)) {
      page_ = i;
      return;
    }
  for (std::size_t i = page_ + 1; i < def_.pages.size(); ++i)
    if (page_is_visible(i)) {
      page_ = i;
      return;
    }
}

bool FormSession::next() {
  auto errors = page_errors();
  if (!errors.empty()) {
    shown_errors_ = std::move(errors);
    showing_errors_ = true;
    return false;
  }
  for (std::size_t i = page_ + 1; i < def_.pages.size(); ++i) {
    if (page_is_visible(i)) {
      page_ = i;
      showing_errors_ = false;
      shown_errors_.clear();
      return true;
    }
  }
  return false;
}

bool FormSession::back() {
  for (std::size_t i = page_; i-- > 0;) {
    if (page_is_visible(i)) {
      page_ = i;
      showing_errors_ = false;
      shown_errors_.clear();
      return true;
    }
  }
  return false;
}

bool FormSession::go_to_page(std::size_t index) {
  if (!page_is_visible(index)) return false;
  if (index <= page_) {
    page_ = index;
    showing_errors_ = false;
    shown_errors_.clear();
    return true;
  }
  const auto all = all_errors();
  for (std::size_t i = page_; i < index; ++i) {
    auto errors = errors_on_page(all, i);
    if (!errors.empty()) {
      page_ = i;
      shown_errors_ = std::move(errors);
      showing_errors_ = true;
      return false;
    }
  }
  page_ = index;
  showing_errors_ = false;
  shown_errors_.clear();
  return true;
}

// --- errors and output -----------------------------------------------------------------------

std::vector<FieldError> FormSession::all_errors() const {
  ValidationOptions options;
  options.today = options_.today;
  return validate(def_, output(), options);
}

std::vector<FieldError> FormSession::errors_on_page(const std::vector<FieldError>& all, std::size_t page) const {
  std::vector<FieldError> out;
  for (const auto& e : all) {
    const Field* f = def_.find_field(top_of(e.field));
    if (f && def_.locate(f->name)->child == std::nullopt && f->page == def_.pages[page].id) out.push_back(e);
  }
  return out;
}

std::vector<FieldError> FormSession::page_errors() const { return errors_on_page(all_errors(), page_); }

std::vector<std::size_t> FormSession::pages_with_errors() const {
  const auto all = all_errors();
  std::vector<std::size_t> out;
  for (std::size_t p = 0; p < def_.pages.size(); ++p)
    if (page_is_visible(p) && !errors_on_page(all, p).empty()) out.push_back(p);
  return out;
}

std::vector<FieldError> FormSession::errors_for(std::string_view path) const {
  std::vector<FieldError> out;
  for (const auto& e : shown_errors_)
    if (e.field == path || (e.field.size() > path.size() && e.field.compare(0, path.size(), path) == 0 && e.field[path.size()] == '.'))
      out.push_back(e);
  return out;
}

nlohmann::json FormSession::output() const {
  // A null is a clearing write worth syncing only where there was an answer to clear.
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : answers_.items()) {
    if (value.is_null()) {
      auto before = initial_.find(key);
      if (before == initial_.end() || before->is_null()) continue;
    }
    if (value.is_array() && def_.find_field(key) && def_.find_field(key)->type == FieldType::Repeat) {
      nlohmann::json items = nlohmann::json::array();
      for (const auto& item : value) {
        if (!item.is_object()) {
          items.push_back(item);
          continue;
        }
        nlohmann::json kept = nlohmann::json::object();
        for (const auto& [k, v] : item.items())
          if (!v.is_null()) kept[k] = v;
        items.push_back(std::move(kept));
      }
      out[key] = std::move(items);
      continue;
    }
    out[key] = value;
  }
  return out;
}

FormSession::Finished FormSession::finish() {
  Finished result;
  auto payload = output();
  ValidationOptions options;
  options.today = options_.today;
  result.errors = validate(def_, payload, options);
  if (result.errors.empty()) {
    result.ok = true;
    result.answers = std::move(payload);
    showing_errors_ = false;
    shown_errors_.clear();
    return result;
  }
  for (std::size_t p = 0; p < def_.pages.size(); ++p) {
    auto errors = errors_on_page(result.errors, p);
    if (!errors.empty()) {
      page_ = p;
      shown_errors_ = std::move(errors);
      showing_errors_ = true;
      break;
    }
  }
  return result;
}

std::set<std::string> FormSession::changed_fields() const {
  std::set<std::string> keys;
  for (const auto& [k, _] : answers_.items()) keys.insert(k);
  for (const auto& [k, _] : initial_.items()) keys.insert(k);
  std::set<std::string> changed;
  for (const auto& k : keys) {
    auto a = answers_.find(k);
    auto b = initial_.find(k);
    const nlohmann::json& now = a == answers_.end() ? kNull : *a;
    const nlohmann::json& before = b == initial_.end() ? kNull : *b;
    if (now != before) changed.insert(k);
  }
  return changed;
}

}  // namespace ws::forms
