#include "kiosk/core/vm/memory_data.hpp"

#include <algorithm>

#include "kiosk/core/store/counsellors.hpp"
#include "ws/ids.hpp"
#include "ws/merge.hpp"

namespace ws::kiosk::vm {
namespace {

std::string text_of(const nlohmann::json& answers, const char* key) {
  auto it = answers.find(key);
  return it != answers.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

MemoryRecord* MemoryWorkspaceData::find(const std::string& id) {
  for (auto& r : records)
    if (r.id == id) return &r;
  return nullptr;
}

CaseSummary MemoryWorkspaceData::summarise(const MemoryRecord& c) const {
  CaseSummary s = summary_from_answers(c.id, c.answers);
  for (const auto& a : accounts)
    if (a.id == s.counsellor_id) s.counsellor_name = a.name;
  s.opened_on = c.when.substr(0, 10);
  s.updated_on = s.opened_on;
  s.sync = c.sync;
  for (const auto& r : records) {
    if (text_of(r.answers, "_case_id") != c.id) continue;
    s.updated_on = std::max(s.updated_on, r.when.substr(0, 10));
    if (r.sync == RecordSync::Quarantined) s.sync = RecordSync::Quarantined;
    else if (r.sync == RecordSync::Pending && s.sync == RecordSync::Synced) s.sync = RecordSync::Pending;
  }
  return s;
}

Result<std::vector<CaseSummary>> MemoryWorkspaceData::cases() {
  std::vector<CaseSummary> out;
  for (const auto& r : records)
    if (r.kind == "case") out.push_back(summarise(r));
  std::sort(out.begin(), out.end(), [](const CaseSummary& a, const CaseSummary& b) { return a.updated_on > b.updated_on; });
  return out;
}

Result<CaseDetail> MemoryWorkspaceData::case_detail(const std::string& case_id) {
  const MemoryRecord* c = find(case_id);
  if (!c || c->kind != "case") return fail("not_found", "This case is not on this kiosk.");
  CaseDetail d;
  d.summary = summarise(*c);
  d.header = c->answers;
  for (const auto& r : records) {
    if (text_of(r.answers, "_case_id") != case_id) continue;
    d.timeline.push_back(TimelineEntry{r.id, r.kind, r.kind, r.when, r.author, r.sync, r.quarantine_reason});
  }
  std::sort(d.timeline.begin(), d.timeline.end(), [](const TimelineEntry& a, const TimelineEntry& b) { return a.when > b.when; });
  for (const auto& c : conflicts) {
    const MemoryRecord* r = find(c.record_id);
    if (!r || (r->id != case_id && text_of(r->answers, "_case_id") != case_id)) continue;
    d.conflicts.push_back(CaseConflict{c.seq, c.record_id, r->kind, conflict_field_label(r->answers, c.path),
                                       conflict_value_text(value_at_path(r->answers, c.path)),
                                       conflict_value_text(c.lost_value), c.kept_by, c.kept_when, c.lost_when,
                                       c.resolved});
  }
  std::stable_sort(d.conflicts.begin(), d.conflicts.end(),
                   [](const CaseConflict& a, const CaseConflict& b) { return !a.resolved && b.resolved; });
  return d;
}

Status MemoryWorkspaceData::restore_conflict(std::int64_t seq) {
  auto c = std::find_if(conflicts.begin(), conflicts.end(), [&](const MemoryConflict& m) { return m.seq == seq; });
  if (c == conflicts.end()) return fail("not_found", "no such conflict log entry");
  if (c->resolved) return fail("resolved", "this conflict was already dealt with");
  MemoryRecord* r = find(c->record_id);
  if (!r) return fail("not_found", "This record is not on this kiosk.");
  const nlohmann::json patch = restore_patch(r->answers, c->path, c->lost_value);
  for (auto it = patch.begin(); it != patch.end(); ++it) r->answers[it.key()] = it.value();
  c->resolved = true;
  return ok();
}

Result<RecordAnswers> MemoryWorkspaceData::record(const std::string& record_id) {
  const MemoryRecord* r = find(record_id);
  if (!r) return fail("not_found", "This record is not on this kiosk.");
  return RecordAnswers{r->kind, r->schema_version, r->answers};
}

Result<std::vector<ListedRecord>> MemoryWorkspaceData::records_of_kind(const std::string& kind) {
  std::vector<ListedRecord> out;
  for (const auto& r : records)
    if (r.kind == kind) out.push_back(ListedRecord{r.id, r.answers, r.when, r.sync});
  std::stable_sort(out.begin(), out.end(), [](const ListedRecord& a, const ListedRecord& b) { return a.created > b.created; });
  return out;
}

KioskName MemoryWorkspaceData::kiosk_name() { return kiosk; }

Result<std::int64_t> MemoryWorkspaceData::next_in_sequence(const std::string& name, std::int64_t at_least) {
  std::int64_t& last = sequences[name];
  last = std::max(last + 1, at_least);
  return last;
}

Result<std::string> MemoryWorkspaceData::save_record(const std::string& kind, const std::string& record_id,
                                                     const nlohmann::json& answers, int schema_version) {
  if (!answers.is_object()) return fail("invalid_record", "answers must be an object");
  if (record_id.empty()) {
    MemoryRecord r;
    r.id = new_uuid_v7();
    r.kind = kind;
    r.schema_version = schema_version;
    r.answers = answers;
    r.when = today + " 12:00";
    records.push_back(std::move(r));
    return records.back().id;
  }
  MemoryRecord* r = find(record_id);
  if (!r || r->kind != kind) return fail("not_found", "This record is not on this kiosk.");
  for (const auto& [key, value] : answers.items()) r->answers[key] = value;  // a patch, as the store does
  r->sync = RecordSync::Pending;
  return r->id;
}

Result<std::optional<FormDraft>> MemoryWorkspaceData::load_draft(const std::string& counsellor_id) {
  auto it = drafts.find(counsellor_id);
  if (it == drafts.end()) return std::optional<FormDraft>();
  return std::optional<FormDraft>(it->second);
}

Status MemoryWorkspaceData::save_draft(const FormDraft& draft) {
  if (draft.counsellor_id.empty()) return fail("invalid_draft", "a draft belongs to a counsellor");
  drafts[draft.counsellor_id] = draft;
  return ok();
}

Status MemoryWorkspaceData::discard_draft(const std::string& counsellor_id) {
  drafts.erase(counsellor_id);
  return ok();
}

Result<std::string> MemoryWorkspaceData::add_counsellor(const std::string& name, const std::string& role,
                                                        const std::string& pin_hash) {
  // The workspace checked the fields (counsellors::check_new) before hashing, as the store expects.
  if (counsellors::clean_name(name).empty() || pin_hash.empty()) return fail("invalid_account", "an account needs a name and a PIN");
  const std::string id = new_uuid_v7();
  accounts.push_back({id, counsellors::clean_name(name), role, pin_hash});
  // Sorted by name, as the store lists them.
  std::sort(accounts.begin(), accounts.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return id;
}

Result<LoginGuard> MemoryWorkspaceData::login_guard(const std::string& account_id) {
  auto it = login_guards.find(account_id);
  return it == login_guards.end() ? LoginGuard{} : it->second;
}

Status MemoryWorkspaceData::save_login_guard(const std::string& account_id, const LoginGuard& guard) {
  if (guard.empty()) login_guards.erase(account_id);
  else login_guards[account_id] = guard;
  return ok();
}

Status MemoryWorkspaceData::send_again(const std::string& record_id) {
  for (auto& r : records) {
    if (r.id != record_id) continue;
    if (r.sync != RecordSync::Quarantined) return fail("not_quarantined", "this record was not refused by the server");
    r.sync = RecordSync::Pending;
    r.quarantine_reason.clear();
    return ok();
  }
  return fail("not_found", "no record with this id on this kiosk");
}

Result<std::vector<QuarantinedRecord>> MemoryWorkspaceData::quarantined() {
  std::vector<QuarantinedRecord> out;
  for (const auto& r : records) {
    if (r.sync != RecordSync::Quarantined) continue;
    std::string number;
    if (r.kind == "case") number = text_of(r.answers, "case_number");
    else if (const MemoryRecord* c = find(text_of(r.answers, "_case_id"))) number = text_of(c->answers, "case_number");
    out.push_back(QuarantinedRecord{r.id, r.kind, number, r.quarantine_reason});
  }
  return out;
}

std::optional<std::vector<std::string>> MemoryWorkspaceData::vault_copy_holders() {
  std::lock_guard lock(vault_mutex_);
  if (!vault_copies_) return std::nullopt;
  return std::vector<std::string>(vault_copies_->begin(), vault_copies_->end());
}

Status MemoryWorkspaceData::give_vault_copy(const std::string& account_id, const std::string& /*secret*/) {
  std::lock_guard lock(vault_mutex_);
  if (!vault_copies_) return fail("no_vault", "this kiosk has no vault yet");
  if (!vault_is_open) return fail("locked", "the kiosk's data is locked");
  vault_copies_->insert(account_id);
  return ok();
}

void MemoryWorkspaceData::set_vault_copies(std::optional<std::set<std::string>> holders) {
  std::lock_guard lock(vault_mutex_);
  vault_copies_ = std::move(holders);
}

}  // namespace ws::kiosk::vm
