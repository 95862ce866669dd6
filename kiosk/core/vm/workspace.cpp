#include "kiosk/core/vm/workspace.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "ws/forms/date.hpp"
#include "ws/forms/form.hpp"

namespace ws::kiosk::vm {

std::optional<float> SyncPanel::progress() const {
  if (!status.syncing || status.progress_total <= 0) return std::nullopt;
  return std::clamp(static_cast<float>(status.progress_sent) / static_cast<float>(status.progress_total), 0.0f, 1.0f);
}

std::string SyncPanel::headline() const {
  if (!status.enrolled) return "Not enrolled";
  if (status.syncing) return "Syncing\xe2\x80\xa6";
  return status.online ? "Online" : "Offline";
}

Workspace::Workspace(WorkspaceData& data, SessionPolicy policy, Session::Verifier verifier, std::string today,
                     AccountCreator::Hasher hasher)
    : data_(data), session_(policy, std::move(verifier), &data), today_(std::move(today)), creator_(std::move(hasher)) {
  session_.on_sign_out([this](const CounsellorAccount& who, SignOutReason reason) { on_signed_out(who, reason); });
  session_.on_check([this](const std::string& id, const std::string& pin_hash, const std::string& secret,
                           const Session::Verifier& verify) { return data_.check_pin(id, pin_hash, secret, verify); });
  refresh_accounts();
  refresh_sync();
}

void Workspace::refresh_accounts() {
  session_.set_accounts(data_.counsellors());
  refresh_vault_holders();
}

bool Workspace::tick(std::int64_t now_ms) {
  now_ms_ = now_ms;
  bool changed = false;
  // Accounts HQ added or disabled arrive by pull: a disabled account's session ends here.
  if (data_.take_pulled_changes()) {
    refresh_accounts();
    refresh_sync();
    reload_inbox();
    changed = true;
  }
  changed = take_sync_round() || changed;
  const SessionState before = session_.state();
  const std::uint64_t added_before = accounts_added_;
  session_.tick(now_ms);
  save_hashed_account();
  const bool granted = take_grant(now_ms);
  const bool signed_in = session_.signed_in();
  if (signed_in && !was_signed_in_) on_signed_in();
  was_signed_in_ = signed_in;
  return changed || granted || session_.state() != before || accounts_added_ != added_before;
}

// The engine's status is a cheap copy under its lock: look every frame, re-read the store only
// when a round has finished (records it sent are now Synced; pulled ones are new).
bool Workspace::take_sync_round() {
  const SyncStatus now = data_.sync_status();
  const bool round_ended = now.rounds_finished != sync_.status.rounds_finished;
  const bool moving = now.syncing != was_syncing_ || now.progress_sent != sync_.status.progress_sent ||
                      now.progress_total != sync_.status.progress_total;
  was_syncing_ = now.syncing;
  if (!round_ended) {
    if (moving) sync_.status = now;
    return moving;
  }
  refresh_sync();
  reload_cases();
  reload_inbox();
  if (case_ && session_.signed_in()) {
    auto detail = data_.case_detail(case_->summary.id);
    if (detail) case_ = std::move(*detail);
  }
  return true;
}

void Workspace::set_notice(std::string text, bool error) {
  notice_ = std::move(text);
  notice_error_ = error;
}

void Workspace::on_signed_in() {
  // A counsellor whose cases stay closed is told why, in words, on the first screen.
  set_notice(session_.unlock_notice());
  refresh_vault_holders();  // the first sign-in makes the vault; an online grant adds a copy
  filter_ = {};
  reload_cases();
  reload_inbox();
  refresh_sync();
  draft_.reset();
  if (const CounsellorAccount* me = session_.counsellor()) {
    auto draft = data_.load_draft(me->id);
    if (draft && *draft) draft_ = **draft;
  }
}

void Workspace::on_signed_out(const CounsellorAccount& who, SignOutReason /*reason*/) {
  // Unsaved answers are never lost: they become this counsellor's draft before the screen is
  // cleared, and only this counsellor is offered them again.
  keep_draft(who.id);
  // A copy being written under this admin's eyes is finished, and audited, before the vault closes.
  finish_grant_now();
  grant_.close();
  grant_by_.clear();
  clear_personal_data();
  data_.close_vault();
  was_signed_in_ = false;
}

void Workspace::clear_personal_data() {
  all_cases_.clear();
  all_cases_.shrink_to_fit();
  filtered_.clear();
  filtered_.shrink_to_fit();
  filter_ = {};
  case_.reset();
  form_.reset();
  draft_.reset();
  inbox_.clear();
  inbox_.shrink_to_fit();
  request_for_new_case_.clear();
  sync_.quarantined.clear();
  creator_.clear();
  set_notice("");
}

void Workspace::reload_cases() {
  if (!session_.signed_in()) return;
  auto loaded = data_.cases();
  if (!loaded) {
    set_notice(loaded.error().message, true);
    return;
  }
  all_cases_ = std::move(*loaded);
  filtered_ = apply_filter(all_cases_, filter_);
}

void Workspace::set_filter(CaseFilter filter) {
  filter_ = std::move(filter);
  filtered_ = apply_filter(all_cases_, filter_);
}

std::vector<std::pair<std::string, std::string>> Workspace::counsellor_options() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& a : session_.accounts()) out.emplace_back(a.id, a.name);
  return out;
}

Status Workspace::open_case(const std::string& case_id) {
  if (!session_.signed_in()) return fail("signed_out", "Sign in first.");
  auto detail = data_.case_detail(case_id);
  if (!detail) {
    set_notice(detail.error().message, true);
    return fail(detail.error());
  }
  // Re-reading the open case after an edit is not a new opening.
  if (!case_ || case_->summary.id != case_id) {
    const std::string actor = "counsellor:" + session_.counsellor()->id;
    data_.record_event(audit::Event{actor, "case.opened", case_id, {}});
  }
  case_ = std::move(*detail);
  return ok();
}

Status Workspace::change_case_status(const std::string& status) {
  if (!session_.signed_in() || !case_) return fail("no_case", "Open a case first.");
  if (status == case_->summary.status) return ok();
  const auto* def = definition("case");
  auto saved = data_.save_record("case", case_->summary.id, nlohmann::json{{"status", status}}, def ? def->version : 1);
  if (!saved) {
    set_notice(saved.error().message, true);
    return fail(saved.error());
  }
  set_notice("Status changed.");
  const std::string id = case_->summary.id;
  reload_cases();
  return open_case(id);
}

Status Workspace::restore_conflict(std::int64_t seq) {
  if (!session_.signed_in() || !case_) return fail("no_case", "Open a case first.");
  if (auto s = data_.restore_conflict(seq); !s) {
    set_notice(s.error().message, true);
    return s;
  }
  set_notice("Value restored. It is saved as a new edit and syncs like any other.");
  const std::string id = case_->summary.id;
  reload_cases();
  return open_case(id);
}

bool Workspace::admin_signed_in() const {
  const CounsellorAccount* me = session_.counsellor();
  return me && me->role == "admin";
}

Status Workspace::add_account(const NewAccount& request) {
  if (!admin_signed_in()) return fail("admin_only", "Only a centre admin can add accounts.");
  if (creator_.busy()) return fail("busy", "Still saving the previous account.");
  if (!creator_.start(request, session_.accounts())) return fail("invalid", "Some fields need attention.");
  set_notice("");
  return ok();
}

void Workspace::save_hashed_account() {
  auto hashed = creator_.collect();
  if (!hashed) return;
  // Signed out while the hash ran (idle lock): the account is added only under its admin's eyes.
  if (!admin_signed_in()) return;
  if (!hashed->pin_hash) {
    set_notice("The PIN could not be protected: " + hashed->pin_hash.error().message, true);
    return;
  }
  auto saved = data_.add_counsellor(hashed->name, hashed->role, *hashed->pin_hash);
  if (!saved) {
    set_notice(saved.error().message, true);
    return;
  }
  ++accounts_added_;
  refresh_accounts();
  data_.request_sync();
  set_notice("Account added for " + hashed->name + ". It can sign in now and reaches the server with the next sync.");
}

void Workspace::finish_account_now() {
  creator_.wait();
  save_hashed_account();
}

void Workspace::refresh_sync() {
  sync_.status = data_.sync_status();
  if (session_.signed_in()) {
    auto q = data_.quarantined();
    if (q) sync_.quarantined = std::move(*q);
  } else {
    sync_.quarantined.clear();
  }
}

void Workspace::sync_now() {
  data_.request_sync();
  refresh_sync();
}

std::string SyncPanel::result_text(std::int64_t unix_now_ms) const {
  const SyncStatus& s = status;
  if (!s.enrolled) return "This kiosk is not enrolled with a server yet.";
  if (s.syncing) return "Syncing now\xe2\x80\xa6";
  if (!s.last_round_ms) return "";
  if (!s.last_round_ok)
    return "Could not sync: " + (s.last_error.empty() ? std::string("unknown reason") : s.last_error);
  const std::int64_t ago_s = std::max<std::int64_t>(0, unix_now_ms - *s.last_round_ms) / 1000;
  std::string when = ago_s < 10   ? "just now"
                     : ago_s < 60 ? std::to_string(ago_s) + " s ago"
                                  : std::to_string(ago_s / 60) + " min ago";
  return "Sent " + std::to_string(s.last_round_sent) + ", received " + std::to_string(s.last_round_received) + ", " +
         when;
}

std::string SyncPanel::next_try_text(std::int64_t unix_now_ms) const {
  const SyncStatus& s = status;
  if (!s.enrolled || s.syncing || !s.next_attempt_ms) return "";
  const std::int64_t in_ms = *s.next_attempt_ms - unix_now_ms;
  if (in_ms <= 0) return "Next try now";
  const std::int64_t in_s = (in_ms + 999) / 1000;
  if (in_s < 120) return "Next try in " + std::to_string(in_s) + " s";
  return "Next try in " + std::to_string((in_s + 59) / 60) + " min";
}

Status Workspace::send_again(const std::string& record_id) {
  if (!session_.signed_in()) return fail("not_signed_in", "sign in to send refused records again");
  if (auto s = data_.send_again(record_id); !s) {
    set_notice(s.error().message, true);
    return s;
  }
  set_notice("The record will be sent again.");
  sync_now();
  return ok();
}

}  // namespace ws::kiosk::vm

// ---- forms ---------------------------------------------------------------------------------
namespace ws::kiosk::vm {

const forms::FormDefinition* Workspace::definition(const std::string& form_id) const {
  return data_.forms().find(form_id);
}

bool Workspace::has_form(const std::string& form_id) const { return definition(form_id) != nullptr; }

std::string Workspace::form_title(const std::string& form_id) const {
  const auto* def = definition(form_id);
  if (!def) return form_id;
  return std::string(def->title_for("en").text);
}

std::vector<Option> Workspace::case_statuses() const {
  std::vector<Option> out;
  const auto* def = definition("case");
  const forms::Field* status = def ? def->find_field("status") : nullptr;
  if (!status) return out;
  for (const auto& c : status->choices) out.push_back({c.value, std::string(c.label_for("en").text)});
  return out;
}

std::string Workspace::status_label(const std::string& value) const {
  for (const auto& o : case_statuses())
    if (o.value == value) return o.label;
  return value.empty() ? std::string("\xe2\x80\x94") : value;
}

namespace {

std::string format_number(double n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", n);
  return buf;
}

std::string describe_answer(const forms::Field& field, const nlohmann::json& answer) {
  using forms::FieldType;
  switch (field.type) {
    case FieldType::YesNo:
      return answer.is_boolean() ? (answer.get<bool>() ? "Yes" : "No") : "";
    case FieldType::Number:
      return answer.is_number() ? format_number(answer.get<double>()) : "";
    case FieldType::SingleChoice:
      if (answer.is_string()) {
        const auto* c = field.find_choice(answer.get<std::string>());
        return c ? std::string(c->label_for("en").text) : answer.get<std::string>();
      }
      return "";
    case FieldType::MultipleChoice: {
      std::string out;
      if (!answer.is_array()) return out;
      for (const auto& v : answer) {
        if (!v.is_string()) continue;
        const auto* c = field.find_choice(v.get<std::string>());
        if (!out.empty()) out += ", ";
        out += c ? std::string(c->label_for("en").text) : v.get<std::string>();
      }
      return out;
    }
    case FieldType::Repeat:
      return answer.is_array() ? std::to_string(answer.size()) + (answer.size() == 1 ? " entry" : " entries") : "";
    case FieldType::Signature:
      return answer.is_string() ? "Signed" : "";
    case FieldType::Note:
      return "";
    default:
      return answer.is_string() ? answer.get<std::string>() : "";
  }
}

}  // namespace

std::vector<Line> Workspace::describe(const std::string& form_id, const nlohmann::json& answers) const {
  std::vector<Line> out;
  const auto* def = definition(form_id);
  if (!def || !answers.is_object()) return out;
  for (const auto& field : def->fields) {
    auto it = answers.find(field.name);
    if (it == answers.end() || forms::is_unanswered(field, *it)) continue;
    std::string value = describe_answer(field, *it);
    if (value.empty()) continue;
    if (field.name == "counsellor")  // stored as the account id; people read names
      for (const auto& a : session_.accounts())
        if (a.id == value) value = a.name;
    out.push_back({std::string(field.label_for("en").text), std::move(value)});
  }
  return out;
}

Status Workspace::open_form(const std::string& form_id, const std::string& case_id, const std::string& record_id) {
  const CounsellorAccount* me = session_.counsellor();
  if (!me) return fail("signed_out", "Sign in first.");
  forms::SessionOptions options{today_};
  request_for_new_case_.clear();
  std::string number_problem;
  if (!record_id.empty()) {
    auto stored = data_.record(record_id);
    if (!stored) {
      set_notice(stored.error().message, true);
      return fail(stored.error());
    }
    const auto* def = data_.forms().find(stored->kind, stored->schema_version);
    if (!def) {
      set_notice("This record uses a form version this kiosk does not have.", true);
      return fail("unknown_form", "unknown form version");
    }
    auto session = forms::FormSession::edit(*def, stored->answers, options);
    if (!session) {
      set_notice(session.error().message, true);
      return fail(session.error());
    }
    form_.emplace(std::move(*session), case_id, record_id);
  } else {
    const auto* def = definition(form_id);
    if (!def) {
      set_notice("This kiosk has no form called " + form_id + ".", true);
      return fail("unknown_form", "unknown form");
    }
    forms::FormSession session(*def, options);
    if (!case_id.empty()) (void)session.set_metadata("_case_id", case_id);
    (void)session.set_metadata("_counsellor", me->id);
    if (form_id == "case" && def->find_field("counsellor")) (void)session.set_answer("counsellor", me->id);
    if (form_id == "case" && def->find_field("status") && !case_statuses().empty())
      (void)session.set_answer("status", case_statuses().front().value);
    if (form_id == "case" && def->find_field("case_number")) {
      auto number = next_case_number();
      if (number) (void)session.set_answer("case_number", *number);
      else number_problem = "No case number could be made: " + number.error().message + " Type one in.";
    }
    if (!case_id.empty()) prefill_from_case(session, case_id);
    form_.emplace(std::move(session), case_id, "");
  }
  set_notice(number_problem, !number_problem.empty());
  return ok();
}

Result<std::string> Workspace::save_form() {
  if (!form_ || !session_.signed_in()) return fail("no_form", "No form is open.");
  auto finished = form_->finish();
  if (!finished.ok) {
    // The form screen says so while the editor needs_attention(): it clears once all is fixed.
    set_notice("");
    return fail("invalid", "Some answers need attention before saving.");
  }
  nlohmann::json payload = finished.answers;
  if (!form_->is_new()) {
    // Only what changed, so that a concurrent edit of another field on another kiosk survives.
    nlohmann::json patch = nlohmann::json::object();
    for (const auto& key : form_->session().changed_fields()) {
      auto it = payload.find(key);
      patch[key] = it == payload.end() ? nlohmann::json() : *it;
    }
    payload = std::move(patch);
  }
  const std::string kind = form_->form_id();
  auto saved = payload.empty() && !form_->is_new()
                   ? Result<std::string>(form_->record_id())
                   : data_.save_record(kind, form_->record_id(), payload, form_->definition().version);
  if (!saved) {
    set_notice(saved.error().message, true);  // answers stay in the form: nothing is lost
    return saved;
  }
  const std::string case_id = kind == "case" ? *saved : form_->case_id();
  if (kind == "case" && form_->is_new()) link_request_to_case(case_id);
  if (draft_ && draft_->form_id == kind && draft_->record_id == form_->record_id() && draft_->case_id == form_->case_id())
    discard_draft();
  form_.reset();
  data_.request_sync();
  reload_cases();
  if (!case_id.empty()) (void)open_case(case_id);
  set_notice("Saved. It is sent to HQ with the next sync.");
  refresh_sync();
  return saved;
}

void Workspace::keep_draft(const std::string& counsellor_id) {
  if (!form_ || !form_->dirty()) return;
  FormDraft d{counsellor_id, form_->form_id(), form_->definition().version, form_->case_id(), form_->record_id(),
              form_->session().save_draft()};
  if (auto s = data_.save_draft(d); !s) {
    set_notice("Could not keep the draft: " + s.error().message, true);
    return;
  }
  draft_ = std::move(d);
}

void Workspace::close_form() {
  if (const CounsellorAccount* me = session_.counsellor()) keep_draft(me->id);
  form_.reset();
  request_for_new_case_.clear();
}

Status Workspace::resume_draft() {
  if (!draft_ || !session_.signed_in()) return fail("no_draft", "There is no draft to resume.");
  const auto* def = data_.forms().find(draft_->form_id, draft_->form_version);
  if (!def) return fail("unknown_form", "The draft's form version is not on this kiosk.");
  auto session = forms::FormSession::from_draft(*def, draft_->state, forms::SessionOptions{today_});
  if (!session) {
    set_notice("The draft cannot be resumed: " + session.error().message, true);
    return fail(session.error());
  }
  if (!draft_->case_id.empty()) (void)open_case(draft_->case_id);
  form_.emplace(std::move(*session), draft_->case_id, draft_->record_id);
  return ok();
}

void Workspace::discard_draft() {
  if (const CounsellorAccount* me = session_.counsellor()) (void)data_.discard_draft(me->id);
  draft_.reset();
}

Result<std::string> Workspace::submit_public_record(const std::string& kind, const nlohmann::json& answers) {
  const auto* def = definition(kind);
  if (!def) return fail("unknown_form", "unknown form");
  forms::ValidationOptions options;
  options.today = today_.empty() ? forms::today_local() : today_;
  auto errors = forms::validate(*def, answers, options);
  if (!errors.empty()) return fail("invalid", errors.front().message);
  auto saved = data_.save_record(kind, "", answers, def->version);
  if (saved) data_.request_sync();
  return saved;
}

std::string SyncPanel::last_success_text() const {
  if (!status.last_success_ms) return "never";
  const std::time_t t = static_cast<std::time_t>(*status.last_success_ms / 1000);
  std::tm local{};
  localtime_r(&t, &local);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &local);
  return buf;
}

std::string SyncPanel::clock_warning() const {
  // Stamps are already corrected by the measured offset; the warning is for the person who
  // can set the clock, because everything else on the kiosk (screens, logs) shows local time.
  constexpr std::int64_t kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;
  if (!status.clock_offset_ms) return "";
  const std::int64_t offset = *status.clock_offset_ms;  // server minus local
  const std::int64_t off = offset < 0 ? -offset : offset;
  if (off <= kMinute) return "";
  auto amount = [](std::int64_t n, const char* unit) { return std::to_string(n) + " " + unit + (n == 1 ? "" : "s"); };
  const std::string how_much = off >= kDay    ? amount(off / kDay, "day")
                               : off >= kHour ? amount(off / kHour, "hour")
                                              : amount(off / kMinute, "minute");
  return "This kiosk's clock is " + how_much + (offset < 0 ? " ahead of" : " behind") +
         " the server's. Records are stamped with the server's time; ask a technician to set the clock.";
}

}  // namespace ws::kiosk::vm
