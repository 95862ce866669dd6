#pragma once
// Everything the counsellor workspace reads and writes, behind one small interface: the store
// and sync engine adapter implements it for real runs, an in-memory one for fixtures and tests.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/core/store/sync_status.hpp"
#include "kiosk/core/vm/case_models.hpp"
#include "kiosk/core/vm/session.hpp"
#include "ws/result.hpp"

namespace ws::forms {
class FormRegistry;
}

namespace ws::kiosk::vm {

struct RecordAnswers {
  std::string kind;
  int schema_version = 1;
  nlohmann::json answers = nlohmann::json::object();
};

// A record as a list shows it: the inbox lists `appointment` requests this way.
struct ListedRecord {
  std::string id;
  nlohmann::json answers = nlohmann::json::object();
  std::string created;  // local "YYYY-MM-DD HH:MM"
  RecordSync sync = RecordSync::Synced;
};

// Who this kiosk is, for the numbers it makes (case_number.hpp); empty before enrolment.
struct KioskName {
  std::string centre;
  std::string device_id;
};

// Also the session's LoginGuardStore: wrong-PIN counts kept where the records are.
class WorkspaceData : public LoginGuardStore {
 public:
  ~WorkspaceData() override = default;

  virtual std::vector<CounsellorAccount> counsellors() = 0;
  // A new, active account of this centre (first setup by an admin on the kiosk); it reaches the
  // server with the next sync. `pin_hash` is an Argon2id string. Returns the new id.
  virtual Result<std::string> add_counsellor(const std::string& name, const std::string& role,
                                             const std::string& pin_hash) = 0;
  virtual const forms::FormRegistry& forms() = 0;

  virtual Result<std::vector<CaseSummary>> cases() = 0;
  virtual Result<CaseDetail> case_detail(const std::string& case_id) = 0;
  // One record's answers (its payload) and the form version they were written with.
  virtual Result<RecordAnswers> record(const std::string& record_id) = 0;
  // Every record of `kind` on this kiosk (not deleted), newest first.
  virtual Result<std::vector<ListedRecord>> records_of_kind(const std::string& kind) = 0;
  virtual KioskName kiosk_name() = 0;
  // The next number of this kiosk's sequence `name`, at least `at_least` (Store::next_in_sequence).
  virtual Result<std::int64_t> next_in_sequence(const std::string& name, std::int64_t at_least) = 0;
  // A new record when `record_id` is empty (returns the new id), else an update of it.
  virtual Result<std::string> save_record(const std::string& kind, const std::string& record_id,
                                          const nlohmann::json& answers, int schema_version) = 0;

  virtual Result<std::optional<FormDraft>> load_draft(const std::string& counsellor_id) = 0;
  virtual Status save_draft(const FormDraft& draft) = 0;
  virtual Status discard_draft(const std::string& counsellor_id) = 0;

  // Writes a conflict's lost value back as a new edit of its record and marks it resolved.
  virtual Status restore_conflict(std::int64_t seq) = 0;

  virtual SyncStatus sync_status() = 0;
  virtual Result<std::vector<QuarantinedRecord>> quarantined() = 0;
  virtual void request_sync() = 0;
  // Puts a refused record back in the outbox unchanged (its reason was fixed elsewhere).
  virtual Status send_again(const std::string& record_id) = 0;
  // On the UI thread, once per frame: when a sync pulled changes since the last call, re-reads
  // what the screens keep from them (published forms) and returns true, so the caller refreshes
  // accounts and lists. Cheap when nothing was pulled.
  virtual bool take_pulled_changes() { return false; }
  // The sign-in's PIN check with encryption at rest (kiosk/core/store/vault.hpp sign_in), off
  // the UI thread: checks `secret` for the account and opens the kiosk's data with it (or makes
  // the vault at first use, or asks the server for it when the account has no copy on this
  // kiosk). `verify` checks a pin_hash. The notice says what to tell the counsellor when the data
  // stays closed, else "". close_vault wipes the key at sign-out and idle lock.
  virtual Session::PinCheck check_pin(const std::string& /*counsellor_id*/, const std::string& pin_hash,
                                      const std::string& secret, const Session::Verifier& verify) {
    return {verify(pin_hash, secret), ""};
  }
  virtual void close_vault() {}
  // The admin's local vault grant (local_grant.hpp). The accounts holding a copy of the vault key
  // on this kiosk, nullopt while it has no vault (nothing is encrypted: nobody needs a copy);
  // whether the vault is open in this process; and, off the UI thread, a new copy for
  // `account_id` wrapped by its holder's `secret` ("disabled" when the account is no longer
  // active, "locked" when the vault is closed). The PIN was checked before.
  virtual std::optional<std::vector<std::string>> vault_copy_holders() { return std::nullopt; }
  virtual bool vault_open() { return false; }
  virtual Status give_vault_copy(const std::string& /*account_id*/, const std::string& /*secret*/) {
    return fail("unsupported", "this kiosk keeps no vault");
  }
};

}  // namespace ws::kiosk::vm
