#include "kiosk/core/vm/case_models.hpp"

#include <cctype>
#include <sstream>

#include "ws/name_fold.hpp"

namespace ws::kiosk::vm {
namespace {

// ASCII case, Arabic-script letter variants and digits folded on both sides, by the same rule
// HQ's case search uses (ws/name_fold.hpp).
std::string fold(const std::string& s) { return fold_name(s); }

bool contains(const std::string& haystack, const std::string& needle) {
  return fold(haystack).find(needle) != std::string::npos;
}

bool word_matches(const CaseSummary& c, const std::string& word) {
  if (contains(c.given_name, word) || contains(c.family_name, word) || contains(c.native_name, word) ||
      contains(c.case_number, word))
    return true;
  // Dates match by prefix so "2024-03" finds the whole month.
  return c.opened_on.rfind(word, 0) == 0 || c.updated_on.rfind(word, 0) == 0;
}

}  // namespace

CaseSummary summary_from_answers(const std::string& id, const nlohmann::json& answers) {
  auto text = [&](const char* key) {
    auto it = answers.find(key);
    return it != answers.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  CaseSummary s;
  s.id = id;
  s.case_number = text("case_number");
  s.given_name = text("given_name");
  s.family_name = text("family_name");
  if (s.given_name.empty() && s.family_name.empty()) {
    for (const char* key : {"full_name", "name", "name_latin"}) {
      s.given_name = text(key);
      if (!s.given_name.empty()) break;
    }
  }
  s.native_name = text("name_native");
  s.status = text("status");
  s.counsellor_id = text("counsellor");
  if (s.counsellor_id.empty()) s.counsellor_id = text("_counsellor");
  return s;
}

const char* to_label(RecordSync s) {
  switch (s) {
    case RecordSync::Synced: return "Synced";
    case RecordSync::Pending: return "Waiting to sync";
    case RecordSync::Quarantined: return "Refused by server";
  }
  return "";
}

std::string CaseSummary::display_name() const {
  if (given_name.empty()) return family_name;
  if (family_name.empty()) return given_name;
  return given_name + " " + family_name;
}

bool matches(const CaseSummary& c, const CaseFilter& f) {
  if (!f.status.empty() && c.status != f.status) return false;
  if (!f.counsellor.empty() && c.counsellor_id != f.counsellor) return false;
  std::istringstream words(fold(f.query));
  std::string word;
  while (words >> word)
    if (!word_matches(c, word)) return false;
  return true;
}

std::vector<CaseSummary> apply_filter(const std::vector<CaseSummary>& all, const CaseFilter& f) {
  std::vector<CaseSummary> out;
  for (const auto& c : all)
    if (matches(c, f)) out.push_back(c);
  return out;
}

namespace {

struct PathParts {
  std::string field, row, key;  // row and key empty for a top-level field
};

PathParts split_path(const std::string& path) {
  PathParts p;
  const auto a = path.find('/');
  p.field = path.substr(0, a);
  if (a == std::string::npos) return p;
  const auto b = path.find('/', a + 1);
  p.row = path.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
  if (b != std::string::npos) p.key = path.substr(b + 1);
  return p;
}

const nlohmann::json* find_row(const nlohmann::json& answers, const PathParts& p, std::size_t* index) {
  auto list = answers.find(p.field);
  if (list == answers.end() || !list->is_array()) return nullptr;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto& row = (*list)[i];
    if (row.is_object() && row.value("_row", std::string()) == p.row) {
      if (index) *index = i;
      return &row;
    }
  }
  return nullptr;
}

}  // namespace

std::string conflict_field_label(const nlohmann::json& answers, const std::string& path) {
  const PathParts p = split_path(path);
  if (p.row.empty()) return p.field;
  std::size_t index = 0;
  const std::string member =
      find_row(answers, p, &index) ? "member " + std::to_string(index + 1) : std::string("a removed member");
  return p.field + ", " + member + (p.key.empty() ? "" : ": " + p.key);
}

std::string conflict_value_text(const nlohmann::json& value) {
  if (value.is_null()) return "(none)";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_object()) {
    // A whole family member: its answers, without the row id.
    std::string out;
    for (const auto& [k, v] : value.items()) {
      if (k == "_row") continue;
      out += (out.empty() ? "" : "; ") + k + ": " + conflict_value_text(v);
    }
    return out.empty() ? "(empty)" : out;
  }
  if (value.is_array()) {
    std::string out;
    for (const auto& v : value) out += (out.empty() ? "" : ", ") + conflict_value_text(v);
    return out;
  }
  return value.dump();
}

nlohmann::json value_at_path(const nlohmann::json& answers, const std::string& path) {
  const PathParts p = split_path(path);
  if (p.row.empty()) return answers.contains(p.field) ? answers[p.field] : nlohmann::json();
  const nlohmann::json* row = find_row(answers, p, nullptr);
  if (!row) return nullptr;
  if (p.key.empty()) return *row;
  return row->contains(p.key) ? (*row)[p.key] : nlohmann::json();
}

}  // namespace ws::kiosk::vm
