#include "kiosk/core/vm/store_data.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>

#include "kiosk/core/content/published_content.hpp"
#include "kiosk/core/store/audit.hpp"
#include "kiosk/core/store/counsellors.hpp"
#include "kiosk/core/store/store.hpp"
#include "kiosk/core/sync/sync_engine.hpp"
#include "ws/ids.hpp"

namespace ws::kiosk::vm {
namespace {

// Drafts are kept per counsellor; one open form at a time, so one key.
constexpr const char* kDraftKey = "form";

RecordSync to_record_sync(SyncState s) {
  switch (s) {
    case SyncState::Sent: return RecordSync::Synced;
    case SyncState::Pending: return RecordSync::Pending;
    case SyncState::Quarantined: return RecordSync::Quarantined;
  }
  return RecordSync::Pending;
}

std::string text_of(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Content problems are about HQ's bundle, not about anyone's data, so stderr may name them.
void report_content_install(const Result<content::SyncOutcome>& outcome) {
  if (!outcome) {
    std::fprintf(stderr, "kiosk: content: %s\n", outcome.error().message.c_str());
    return;
  }
  for (const auto& problem : outcome->problems) std::fprintf(stderr, "kiosk: content: %s\n", problem.c_str());
}

std::string created_at(const StoredRecord& r) {
  auto ms = uuid_v7_time_ms(r.envelope.id);
  return local_minute(ms ? *ms : r.updated_ms);
}

}  // namespace

std::string local_minute(std::int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm local{};
  localtime_r(&t, &local);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &local);
  return buf;
}

Result<std::unique_ptr<StoreWorkspaceData>> StoreWorkspaceData::open(const std::string& data_dir,
                                                                     const std::string& assets_dir,
                                                                     std::function<void()> on_sync_round) {
  auto store = Store::open(data_dir);
  if (!store) return fail(explain_storage_error(store.error(), "open the kiosk's data"));
  std::unique_ptr<StoreWorkspaceData> data(new StoreWorkspaceData());
  data->store_ = std::move(*store);
  // Shipped forms first; a bad file is reported but does not stop the others from loading.
  if (auto loaded = data->forms_.load_directory(assets_dir + "/forms"); !loaded)
    std::fprintf(stderr, "kiosk: forms: %s\n", loaded.error().message.c_str());
  // Then versions HQ published through sync.
  data->load_published_forms();
  auto identity = data->store_->identity();
  if (identity && identity->enrolled()) {
    SyncEngineOptions options;
    options.data_dir = data_dir;
    options.store.use_reserve = true;  // on a full disk the engine may spend the reserve to send
    options.store.merge_unsent_duplicates = true;  // the engine's rounds freeze the batches
    if (auto persisted = data->store_->persisted_status()) options.initial_status = *persisted;
    options.after_pull = [data_dir, builtin = assets_dir + "/content/avrr-info", pulls = data->pulls_](Store& engine_store) {
      report_content_install(content::install_published_content(engine_store, data_dir, builtin));
      pulls->fetch_add(1);
    };
    options.on_round_finished = std::move(on_sync_round);
    data->engine_ = std::make_unique<SyncEngine>(std::move(options));
    data->engine_->start();
  }
  return data;
}

StoreWorkspaceData::~StoreWorkspaceData() {
  if (engine_) engine_->stop();
}

std::vector<CounsellorAccount> StoreWorkspaceData::counsellors() {
  std::vector<CounsellorAccount> out;
  auto accounts = counsellors::active(*store_);
  if (!accounts) return out;
  for (auto& a : *accounts) out.push_back({std::move(a.id), std::move(a.name), std::move(a.role), std::move(a.pin_hash)});
  return out;
}

Result<std::string> StoreWorkspaceData::add_counsellor(const std::string& name, const std::string& role,
                                                       const std::string& pin_hash) {
  auto saved = counsellors::save(*store_, name, role, pin_hash);
  if (!saved) return fail(explain_storage_error(saved.error(), "save the account"));
  return saved;
}

Result<LoginGuard> StoreWorkspaceData::login_guard(const std::string& account_id) {
  return store_->login_guard(account_id);
}

Status StoreWorkspaceData::save_login_guard(const std::string& account_id, const LoginGuard& guard) {
  return store_->set_login_guard(account_id, guard);
}

std::int64_t StoreWorkspaceData::unix_now_ms() { return HlcClock::system_wall_ms(); }

void StoreWorkspaceData::record_event(const audit::Event& event) { (void)record_audit(*store_, event); }

std::string StoreWorkspaceData::counsellor_name(const std::string& id) {
  if (id.empty()) return {};
  auto r = store_->get(id);
  if (!r || !*r || (*r)->envelope.kind != "counsellor") return {};
  return text_of((*r)->envelope.payload, "name");
}

Result<std::vector<CaseSummary>> StoreWorkspaceData::cases() {
  auto records = store_->list(ListQuery{"case", "", std::nullopt, false, 10000, 0});
  if (!records) return fail(explain_storage_error(records.error(), "list the cases"));
  std::vector<CaseSummary> out;
  std::map<std::string, std::string> names;
  for (const auto& r : *records) {
    CaseSummary s = summary_from_answers(r.envelope.id, r.envelope.payload);
    if (!names.count(s.counsellor_id)) names[s.counsellor_id] = counsellor_name(s.counsellor_id);
    s.counsellor_name = names[s.counsellor_id];
    s.opened_on = created_at(r).substr(0, 10);
    s.updated_on = local_minute(r.updated_ms).substr(0, 10);
    s.sync = to_record_sync(r.sync_state);
    out.push_back(std::move(s));
  }
  std::stable_sort(out.begin(), out.end(), [](const CaseSummary& a, const CaseSummary& b) { return a.updated_on > b.updated_on; });
  return out;
}

Result<CaseDetail> StoreWorkspaceData::case_detail(const std::string& case_id) {
  auto record = store_->get(case_id);
  if (!record) return fail(explain_storage_error(record.error(), "open the case"));
  if (!*record || (*record)->envelope.kind != "case" || (*record)->envelope.deleted)
    return fail("not_found", "This case is not on this kiosk.");
  const StoredRecord& c = **record;
  CaseDetail d;
  d.summary = summary_from_answers(c.envelope.id, c.envelope.payload);
  d.summary.counsellor_name = counsellor_name(d.summary.counsellor_id);
  d.summary.opened_on = created_at(c).substr(0, 10);
  d.summary.updated_on = local_minute(c.updated_ms).substr(0, 10);
  d.summary.sync = to_record_sync(c.sync_state);
  d.header = c.envelope.payload;
  auto linked = store_->linked_to_case(case_id);
  if (!linked) return fail(explain_storage_error(linked.error(), "read the case's records"));
  for (const auto& r : *linked) {
    if (r.envelope.deleted || r.envelope.id == case_id) continue;
    d.timeline.push_back(TimelineEntry{r.envelope.id, r.envelope.kind, r.envelope.kind, created_at(r),
                                       counsellor_name(text_of(r.envelope.payload, "_counsellor")),
                                       to_record_sync(r.sync_state), r.sync_error});
  }
  std::stable_sort(d.timeline.begin(), d.timeline.end(),
                   [](const TimelineEntry& a, const TimelineEntry& b) { return a.when > b.when; });
  linked->push_back(c);
  if (auto s = add_conflicts(d, *linked); !s) return fail(s.error());
  return d;
}

// The kiosk's conflict log entries of the case and its records, as the case page shows them.
Status StoreWorkspaceData::add_conflicts(CaseDetail& d, const std::vector<StoredRecord>& records) {
  auto log = store_->conflicts();
  // An account without a copy of the vault key sees the case, not the sealed lost values.
  if (!log && log.error().code == "locked") return ok();
  if (!log) return fail(explain_storage_error(log.error(), "read the case's conflicts"));
  for (const auto& entry : *log) {
    auto r = std::find_if(records.begin(), records.end(),
                          [&](const StoredRecord& s) { return s.envelope.id == entry.record_id; });
    if (r == records.end()) continue;
    const auto& answers = r->envelope.payload;
    // Kiosks know no other kiosk's name; the device id's start tells them apart.
    const std::string device = "device " + entry.won_version.device.substr(0, 8);
    d.conflicts.push_back(CaseConflict{entry.seq, entry.record_id, r->envelope.kind,
                                       conflict_field_label(answers, entry.field),
                                       conflict_value_text(value_at_path(answers, entry.field)),
                                       conflict_value_text(entry.lost_value),
                                       device,
                                       local_minute(entry.won_version.hlc.wall_ms),
                                       local_minute(entry.lost_version.hlc.wall_ms), entry.resolved_ms.has_value()});
  }
  std::stable_sort(d.conflicts.begin(), d.conflicts.end(),
                   [](const CaseConflict& a, const CaseConflict& b) { return !a.resolved && b.resolved; });
  return ok();
}

Status StoreWorkspaceData::restore_conflict(std::int64_t seq) {
  if (auto s = store_->restore_conflict(seq); !s) return fail(explain_storage_error(s.error(), "restore the value"));
  request_sync();
  return ok();
}

Result<RecordAnswers> StoreWorkspaceData::record(const std::string& record_id) {
  auto r = store_->get(record_id);
  if (!r) return fail(explain_storage_error(r.error(), "open the record"));
  if (!*r || (*r)->envelope.deleted) return fail("not_found", "This record is not on this kiosk.");
  return RecordAnswers{(*r)->envelope.kind, (*r)->envelope.schema_version, (*r)->envelope.payload};
}

Result<std::vector<ListedRecord>> StoreWorkspaceData::records_of_kind(const std::string& kind) {
  auto records = store_->list(ListQuery{kind, "", std::nullopt, false, 10000, 0});
  if (!records) return fail(explain_storage_error(records.error(), "list the records"));
  std::vector<ListedRecord> out;
  for (auto& r : *records)
    out.push_back(ListedRecord{r.envelope.id, std::move(r.envelope.payload), created_at(r), to_record_sync(r.sync_state)});
  return out;
}

KioskName StoreWorkspaceData::kiosk_name() {
  auto id = store_->identity();
  if (!id) return {};
  return KioskName{id->centre, id->device_id};
}

Result<std::int64_t> StoreWorkspaceData::next_in_sequence(const std::string& name, std::int64_t at_least) {
  auto next = store_->next_in_sequence(name, at_least);
  if (!next) return fail(explain_storage_error(next.error(), "make a case number"));
  return next;
}

Result<std::string> StoreWorkspaceData::save_record(const std::string& kind, const std::string& record_id,
                                                    const nlohmann::json& answers, int schema_version) {
  if (record_id.empty()) {
    auto saved = store_->save(kind, answers, std::nullopt, schema_version);
    if (!saved) return fail(explain_storage_error(saved.error(), "save the record"));
    return saved;
  }
  auto updated = store_->update(record_id, answers);
  if (!updated) return fail(explain_storage_error(updated.error(), "save the change"));
  return record_id;
}

Result<std::optional<FormDraft>> StoreWorkspaceData::load_draft(const std::string& counsellor_id) {
  auto d = store_->get_draft(counsellor_id, kDraftKey);
  if (!d) return fail(explain_storage_error(d.error(), "read your draft"));
  if (!*d) return std::optional<FormDraft>();
  const auto& v = (*d)->value;
  FormDraft draft;
  draft.counsellor_id = counsellor_id;
  draft.form_id = text_of(v, "form_id");
  draft.form_version = v.value("form_version", 0);
  draft.case_id = text_of(v, "case_id");
  draft.record_id = text_of(v, "record_id");
  if (auto it = v.find("state"); it != v.end()) draft.state = *it;
  if (draft.form_id.empty()) return std::optional<FormDraft>();
  return std::optional<FormDraft>(std::move(draft));
}

Status StoreWorkspaceData::save_draft(const FormDraft& draft) {
  const nlohmann::json value{{"form_id", draft.form_id},   {"form_version", draft.form_version},
                             {"case_id", draft.case_id},   {"record_id", draft.record_id},
                             {"state", draft.state}};
  auto s = store_->put_draft(draft.counsellor_id, kDraftKey, value);
  if (!s) return fail(explain_storage_error(s.error(), "keep your draft"));
  return ok();
}

Status StoreWorkspaceData::discard_draft(const std::string& counsellor_id) {
  return store_->delete_draft(counsellor_id, kDraftKey);
}

SyncStatus StoreWorkspaceData::sync_status() {
  if (engine_) return engine_->status();
  auto s = store_->persisted_status();
  return s ? *s : SyncStatus{};
}

Result<std::vector<QuarantinedRecord>> StoreWorkspaceData::quarantined() {
  auto records = store_->quarantined();
  if (!records) return fail(explain_storage_error(records.error(), "list refused records"));
  std::vector<QuarantinedRecord> out;
  for (const auto& r : *records) {
    std::string number;
    if (r.envelope.kind == "case") {
      number = text_of(r.envelope.payload, "case_number");
    } else if (const std::string case_id = text_of(r.envelope.payload, "_case_id"); !case_id.empty()) {
      auto c = store_->get(case_id);
      if (c && *c) number = text_of((*c)->envelope.payload, "case_number");
    }
    out.push_back(QuarantinedRecord{r.envelope.id, r.envelope.kind, number, r.sync_error});
  }
  return out;
}

Status StoreWorkspaceData::send_again(const std::string& record_id) {
  if (auto s = store_->send_again(record_id); !s) return fail(explain_storage_error(s.error(), "send the record again"));
  return ok();
}

void StoreWorkspaceData::load_published_forms() {
  // A version already loaded is skipped by the registry; only new ones are added.
  auto published = store_->list(ListQuery{"form", "", std::nullopt, false, 10000, 0});
  if (!published) return;
  for (const auto& r : *published) {
    if (auto added = forms_.add_json(r.envelope.payload); !added)
      std::fprintf(stderr, "kiosk: a published form was refused: %s\n", added.error().message.c_str());
  }
}

bool StoreWorkspaceData::take_pulled_changes() {
  const std::uint64_t pulls = pulls_->load();
  if (pulls == pulls_seen_) return false;
  pulls_seen_ = pulls;
  load_published_forms();
  return true;
}

void StoreWorkspaceData::request_sync() {
  if (engine_) engine_->sync_now();
}

}  // namespace ws::kiosk::vm
