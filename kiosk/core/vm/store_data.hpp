#pragma once
// WorkspaceData over the kiosk's real store and sync engine (the normal, non-screenshot run).
// Lives on the UI thread with its own Store connection; the sync engine has another.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/core/vm/workspace_data.hpp"
#include "ws/forms/form.hpp"

namespace ws::kiosk {
class Store;
class SyncEngine;
struct StoredRecord;
}  // namespace ws::kiosk

namespace ws::kiosk::vm {

class StoreWorkspaceData : public WorkspaceData {
 public:
  // Opens DIR's store, loads the forms from `assets_dir`/forms plus any published `form`
  // records, and starts the sync engine thread when the kiosk is enrolled.
  // `on_sync_round` runs on the sync engine's thread after every round (the window wakes up).
  static Result<std::unique_ptr<StoreWorkspaceData>> open(const std::string& data_dir, const std::string& assets_dir,
                                                          std::function<void()> on_sync_round = {});
  ~StoreWorkspaceData() override;  // stops the sync engine

  std::vector<CounsellorAccount> counsellors() override;
  Result<std::string> add_counsellor(const std::string& name, const std::string& role,
                                     const std::string& pin_hash) override;
  Result<LoginGuard> login_guard(const std::string& account_id) override;
  Status save_login_guard(const std::string& account_id, const LoginGuard& guard) override;
  std::int64_t unix_now_ms() override;
  void record_event(const audit::Event& event) override;
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
  SyncStatus sync_status() override;
  Result<std::vector<QuarantinedRecord>> quarantined() override;
  Status send_again(const std::string& record_id) override;
  void request_sync() override;
  bool take_pulled_changes() override;
  Session::PinCheck check_pin(const std::string& counsellor_id, const std::string& pin_hash, const std::string& secret,
                              const Session::Verifier& verify) override;
  void close_vault() override;
  std::optional<std::vector<std::string>> vault_copy_holders() override;
  bool vault_open() override;
  Status give_vault_copy(const std::string& account_id, const std::string& secret) override;

 private:
  StoreWorkspaceData() = default;
  std::string counsellor_name(const std::string& id);
  Status add_conflicts(CaseDetail& d, const std::vector<StoredRecord>& records);
  std::unique_ptr<Store> store_;
  void load_published_forms();
  std::unique_ptr<SyncEngine> engine_;
  forms::FormRegistry forms_;
  // Counted on the sync engine's thread after each round that pulled changes; read on the UI's.
  std::shared_ptr<std::atomic<std::uint64_t>> pulls_ = std::make_shared<std::atomic<std::uint64_t>>(0);
  std::uint64_t pulls_seen_ = 0;
};

// Local "YYYY-MM-DD HH:MM" of a Unix time in ms.
std::string local_minute(std::int64_t unix_ms);

}  // namespace ws::kiosk::vm
