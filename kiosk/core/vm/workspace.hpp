#pragma once
// The counsellor workspace as the screens see it: who is signed in, the case list and the open
// case, the form being filled, the sync panel. It owns the session, talks to WorkspaceData and
// forgets every person's data the moment the session ends (keeping unsaved input as a draft).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/vm/accounts.hpp"
#include "kiosk/core/vm/case_models.hpp"
#include "kiosk/core/vm/form_editor.hpp"
#include "kiosk/core/vm/inbox.hpp"
#include "kiosk/core/vm/local_grant.hpp"
#include "kiosk/core/vm/session.hpp"
#include "kiosk/core/vm/workspace_data.hpp"

namespace ws::kiosk::vm {

struct Option {
  std::string value;
  std::string label;
};

struct Line {
  std::string label;
  std::string value;
};

struct SyncPanel {
  SyncStatus status;
  std::vector<QuarantinedRecord> quarantined;
  // 0..1 while a round runs (nullopt when the engine cannot tell how far it is).
  std::optional<float> progress() const;
  std::string headline() const;  // "Online", "Offline", "Syncing…", "Not enrolled"
  std::string last_success_text() const;  // local "YYYY-MM-DD HH:MM" or "never"
  // What the last round did, in words, at the Unix time `unix_now_ms`: "Sent 3, received 12,
  // just now", "Could not sync: <reason>", "Syncing now…"; empty before the first round.
  std::string result_text(std::int64_t unix_now_ms) const;
  // "Next try in 12 s" (empty while a round runs or when none is planned).
  std::string next_try_text(std::int64_t unix_now_ms) const;
  // In words, when this kiosk's clock is more than a minute off the server's (empty otherwise).
  std::string clock_warning() const;
};

class Workspace {
 public:
  // `today` (yyyy-mm-dd) fixes the forms' calendar day; empty = the kiosk's local date.
  // `hasher` makes new accounts' PIN hashes (default Argon2id).
  Workspace(WorkspaceData& data, SessionPolicy policy = {}, Session::Verifier verifier = {}, std::string today = {},
            AccountCreator::Hasher hasher = {});
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  // Once per frame: advances the session (PIN check, idle lock), loads the signed-in
  // counsellor's data right after sign-in, and after every sync round re-reads the sync panel,
  // the case list's and the open case's badges. Returns true when any of that changed what the
  // screens show (the window then draws the next frame).
  bool tick(std::int64_t now_ms);
  void note_activity(std::int64_t now_ms) { session_.note_activity(now_ms); }

  Session& session() { return session_; }
  const Session& session() const { return session_; }
  void refresh_accounts();

  // --- cases ---------------------------------------------------------------------------------
  const std::vector<CaseSummary>& cases() const { return filtered_; }
  std::size_t total_cases() const { return all_cases_.size(); }
  const CaseFilter& filter() const { return filter_; }
  void set_filter(CaseFilter filter);
  void reload_cases();
  std::vector<std::pair<std::string, std::string>> counsellor_options() const;  // id, name

  Status open_case(const std::string& case_id);
  const std::optional<CaseDetail>& current_case() const { return case_; }
  Status change_case_status(const std::string& status);
  // "Restore this value": the conflict's lost value written back as a new edit (it syncs and
  // wins as the newest write); the entry is then shown as resolved.
  Status restore_conflict(std::int64_t seq);

  // --- appointment inbox (inbox.hpp) ---------------------------------------------------------
  const std::vector<AppointmentRequest>& inbox() const { return inbox_; }
  std::size_t new_requests() const { return count_new(inbox_); }  // the case list's badge
  void reload_inbox();
  // Writes the status and who handled it into the request: an edit that syncs like any other.
  Status set_request_status(const std::string& request_id, const std::string& status);
  // Opens a new case form prefilled from the request (name, a new case number). Saving it links
  // the request to the case (its phone and language then show on the case's timeline) and
  // marks a new request contacted.
  Status make_case_from_request(const std::string& request_id);

  // --- forms ---------------------------------------------------------------------------------
  // A new case number of this kiosk (case_number.hpp), never handed out before.
  Result<std::string> next_case_number();
  Status open_form(const std::string& form_id, const std::string& case_id, const std::string& record_id);
  FormEditor* form() { return form_ ? &*form_ : nullptr; }
  const FormEditor* form() const { return form_ ? &*form_ : nullptr; }
  // Validates; saves when valid (returns the record id), else the editor shows the errors.
  Result<std::string> save_form();
  // Leaves the form; unsaved answers become the counsellor's draft.
  void close_form();
  // A draft left by this counsellor (e.g. after an idle lock), offered after sign-in.
  const std::optional<FormDraft>& pending_draft() const { return draft_; }
  Status resume_draft();
  void discard_draft();
  // A record from a migrant screen (e.g. an appointment request): validated against its form,
  // saved without a signed-in counsellor. Returns the new record id.
  Result<std::string> submit_public_record(const std::string& kind, const nlohmann::json& answers);

  // --- form definitions, for labels ----------------------------------------------------------
  bool has_form(const std::string& form_id) const;
  std::string form_title(const std::string& form_id) const;  // falls back to the id
  // The values the case form allows for `status`, with their labels.
  std::vector<Option> case_statuses() const;
  std::string status_label(const std::string& value) const;
  // "Label: value" lines of a record's answers, in the form's order, for read-only display.
  std::vector<Line> describe(const std::string& form_id, const nlohmann::json& answers) const;


  // --- accounts (admins only) ---------------------------------------------------------------
  bool admin_signed_in() const;
  // Checks the new account's fields; when they pass, its PIN is hashed off the UI thread and
  // the account saved by a later tick (accounts_added() then grows). Admins only.
  Status add_account(const NewAccount& request);
  const AccountCreator& account_creator() const { return creator_; }
  std::uint64_t accounts_added() const { return accounts_added_; }
  // Blocks until a running hash is done and saves the account (tests, scripted screenshots).
  void finish_account_now();

  // --- the admin's local vault grant (local_grant.hpp, workspace_grant.cpp; admins only) ----
  // Whether the kiosk keeps a vault at all (else nobody needs a copy) and whether `account_id`
  // holds its own copy of the key here; read with the accounts and after each grant.
  bool kiosk_has_vault() const { return vault_holders_.has_value(); }
  bool has_vault_copy(const std::string& account_id) const;
  // The signed-in admin can give copies: the vault is open in this process.
  bool can_give_vault_copies() const;
  // "Give access on this kiosk": opens the dialog for an active account without a copy.
  Status start_grant(const std::string& account_id);
  // The admin confirmed: the account's holder types their PIN next.
  void confirm_grant();
  // The holder's PIN: refused at once while that account's sign-in is paused; else checked
  // against its hash and, when right, the copy is written, all off the UI thread. A later tick
  // closes the dialog (grants_given() grows) or shows the refusal; wrong PINs count in the
  // account's sign-in lockout.
  Status submit_grant_pin(const std::string& secret, std::int64_t now_ms);
  void cancel_grant();
  const LocalGrant& grant() const { return grant_; }
  std::uint64_t grants_given() const { return grants_given_; }
  // Blocks until a running grant is done and applies its outcome (tests, scripted screenshots).
  void finish_grant_now();

  // --- sync ----------------------------------------------------------------------------------
  const SyncPanel& sync() const { return sync_; }
  void refresh_sync();
  void sync_now();
  // The wall clock (Unix ms) the sync panel's texts are measured against.
  std::int64_t unix_now_ms() const { return data_.unix_now_ms(); }
  // "Send again" on a refused record: back in the outbox unchanged, then a sync is asked for.
  Status send_again(const std::string& record_id);

  // The latest message for the counsellor (saved, failed, ...), in words; never personal data.
  const std::string& notice() const { return notice_; }
  bool notice_is_error() const { return notice_error_; }
  void set_notice(std::string text, bool error = false);

 private:
  void on_signed_in();
  bool take_sync_round();
  void on_signed_out(const CounsellorAccount& who, SignOutReason reason);
  void clear_personal_data();
  void keep_draft(const std::string& counsellor_id);
  void save_hashed_account();
  bool take_grant(std::int64_t now_ms);
  void settle_grant(const LocalGrant::Outcome& outcome, std::int64_t now_ms);
  void refresh_vault_holders();
  const forms::FormDefinition* definition(const std::string& form_id) const;
  void prefill_from_case(forms::FormSession& session, const std::string& case_id);
  void link_request_to_case(const std::string& case_id);
  std::string person_name(const std::string& account_id) const;

  WorkspaceData& data_;
  Session session_;
  bool was_signed_in_ = false;
  std::int64_t now_ms_ = 0;
  std::string today_;

  std::vector<CaseSummary> all_cases_;
  std::vector<CaseSummary> filtered_;
  CaseFilter filter_;
  std::optional<CaseDetail> case_;
  std::optional<FormEditor> form_;
  std::optional<FormDraft> draft_;
  std::vector<AppointmentRequest> inbox_;
  std::string request_for_new_case_;  // the request "Make a case" came from, until the case is saved
  SyncPanel sync_;
  bool was_syncing_ = false;
  AccountCreator creator_;
  std::uint64_t accounts_added_ = 0;
  LocalGrant grant_;
  std::string grant_by_;  // the admin who opened the dialog: the audit log's actor
  std::uint64_t grants_given_ = 0;
  std::optional<std::vector<std::string>> vault_holders_;
  std::string notice_;
  bool notice_error_ = false;
};

}  // namespace ws::kiosk::vm
