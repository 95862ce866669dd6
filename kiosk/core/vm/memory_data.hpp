#pragma once
// WorkspaceData kept in memory: the fixtures behind screenshot mode and the view-model tests.
// Behaves like the store where the workspace can tell (new ids, updates that patch, drafts per
// counsellor), without SQLite.
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kiosk/core/vm/workspace_data.hpp"

namespace ws::kiosk::vm {

struct MemoryRecord {
  std::string id;
  std::string kind;
  int schema_version = 1;
  nlohmann::json answers = nlohmann::json::object();
  std::string when;    // "YYYY-MM-DD HH:MM"
  std::string author;  // counsellor name
  RecordSync sync = RecordSync::Pending;
  std::string quarantine_reason;
};

// A conflict log entry for fixtures: a lost value at a path of a record (see ws/merge.hpp).
struct MemoryConflict {
  std::int64_t seq = 0;
  std::string record_id;
  std::string path;
  nlohmann::json lost_value;
  std::string kept_by;
  std::string kept_when;  // "YYYY-MM-DD HH:MM"
  std::string lost_when;
  bool resolved = false;
};

class MemoryWorkspaceData : public WorkspaceData {
 public:
  explicit MemoryWorkspaceData(const forms::FormRegistry& forms) : forms_(forms) {}

  std::vector<CounsellorAccount> accounts;
  std::vector<MemoryRecord> records;  // `case` records and the records linked to them
  std::map<std::string, FormDraft> drafts;  // by counsellor id
  std::map<std::string, LoginGuard> login_guards;  // by counsellor id
  std::vector<MemoryConflict> conflicts;
  std::int64_t unix_ms = 1'715'688'000'000;  // the wall clock: 2024-05-14 12:00 UTC, moved by tests
  SyncStatus status;
  int sync_requests = 0;
  std::vector<audit::Event> audit_events;  // what record_event was given, oldest first
  std::string today = "2024-05-14";  // fixtures use a fixed day so screenshots are stable
  KioskName kiosk{"DEMO-OSLO", "fixture-kiosk"};
  std::map<std::string, std::int64_t> sequences;  // what the store keeps in its meta table

  std::vector<CounsellorAccount> counsellors() override { return accounts; }
  Result<std::string> add_counsellor(const std::string& name, const std::string& role,
                                     const std::string& pin_hash) override;
  Result<LoginGuard> login_guard(const std::string& account_id) override;
  Status save_login_guard(const std::string& account_id, const LoginGuard& guard) override;
  std::int64_t unix_now_ms() override { return unix_ms; }
  void record_event(const audit::Event& event) override { audit_events.push_back(event); }
  const forms::FormRegistry& forms() override { return forms_; }
  Result<std::vector<CaseSummary>> cases() override;
  Result<CaseDetail> case_detail(const std::string& case_id) override;
  Result<RecordAnswers> record(const std::string& record_id) override;
  Result<std::vector<ListedRecord>> records_of_kind(const std::string& kind) override;
  KioskName kiosk_name() override;
  Result<std::int64_t> next_in_sequence(const std::string& name, std::int64_t at_least) override;
  Result<std::string> save_record(const std::string& kind, const std::string& record_id,
                                  const nlohmann::json& answers, int schema_version) override;
  Result<std::optional<FormDraft>> load_draft(const std::string& counsellor_id) override;
  Status save_draft(const FormDraft& draft) override;
  Status discard_draft(const std::string& counsellor_id) override;
  Status restore_conflict(std::int64_t seq) override;
  SyncStatus sync_status() override { return status; }
  Result<std::vector<QuarantinedRecord>> quarantined() override;
  Status send_again(const std::string& record_id) override;
  void request_sync() override { ++sync_requests; }

  // Encryption at rest as the Accounts screen sees it: who holds a copy of the vault key
  // (nullopt = no vault, as in most fixtures), whether it is open, and what a grant gives.
  std::optional<std::vector<std::string>> vault_copy_holders() override;
  bool vault_open() override { return vault_is_open; }
  Status give_vault_copy(const std::string& account_id, const std::string& secret) override;
  void set_vault_copies(std::optional<std::set<std::string>> holders);
  std::atomic<bool> vault_is_open{true};

  MemoryRecord* find(const std::string& id);

 private:
  CaseSummary summarise(const MemoryRecord& c) const;
  const forms::FormRegistry& forms_;
  std::mutex vault_mutex_;  // a grant writes from its worker thread
  std::optional<std::set<std::string>> vault_copies_;
};

}  // namespace ws::kiosk::vm
