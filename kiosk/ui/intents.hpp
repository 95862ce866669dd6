#pragma once
// What a screen asks for. Screens push intents while they draw; the app applies them after the
// frame (imgui_demo's ExampleAppDocuments close queue), so drawing never mutates what it reads.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace ws::kiosk::ui {

// --- shared by every screen -------------------------------------------------------------------
struct Navigate {
  std::string screen;  // a registry name, e.g. "cases", "info"
  std::string param;   // screen-specific, e.g. a form id or a topic id
};
struct GoBack {};
struct SetLanguage {
  std::string lang;  // en, nb, prs, ps, ar, ti, so, uk
};
// A record written from a migrant screen (e.g. an `appointment` request). The app adds ids,
// versions and the outbox entry; the screen only supplies the answers.
struct SubmitRecord {
  std::string kind;
  nlohmann::json payload;
};

// --- counsellor workspace ---------------------------------------------------------------------
struct SubmitLogin {
  std::string counsellor_id;  // a name tapped in the list of recent sign-ins, or ""
  std::string secret;
  std::string typed_name;     // "someone else": the name as typed, when counsellor_id is ""
};
struct Logout {};
struct ConfirmPresence {};  // "yes, I am still here"
struct SetCaseFilter {
  std::string query;      // name, case number or date (YYYY-MM-DD prefix)
  std::string status;     // "" = any
  std::string counsellor; // "" = any
};
struct OpenCase {
  std::string case_id;
};
struct ChangeCaseStatus {
  std::string case_id;
  std::string status;
};
// "Restore this value" on a case's conflict: the lost value becomes a new edit.
struct RestoreConflict {
  std::int64_t seq = 0;
};
struct NewCase {};
// Appointment inbox: a request's status (new, contacted, booked, closed), and a case made from it.
struct SetRequestStatus {
  std::string request_id;
  std::string status;
};
struct MakeCaseFromRequest {
  std::string request_id;
};
struct OpenForm {
  std::string form_id;    // intake, counselling, ...
  std::string case_id;    // the case the record belongs to
  std::string record_id;  // empty: a new record
};
struct SetAnswer {
  std::string path;  // "name", "family_members.1.name"
  nlohmann::json value;
};
struct ToggleChoice {  // multiple choice: add or remove one choice
  std::string path;
  std::string value;
};
struct AddRepeatItem {
  std::string path;
};
struct RemoveRepeatItem {
  std::string path;
  int index = 0;
};
struct GoToPage {
  int page = 0;
};
struct NextPage {};
struct PreviousPage {};
struct SaveForm {};
struct CloseForm {};     // leaves the form; unsaved answers stay as a draft
struct ResumeDraft {};
struct DiscardDraft {};
struct SyncNow {};
struct SendAgain {  // sync panel: a refused record back to the outbox, unchanged
  std::string record_id;
};
// Accounts screen (admins): a new counsellor account; the PIN is hashed off the UI thread.
struct AddCounsellor {
  std::string name;
  std::string role;  // counsellor | admin
  std::string pin;
  std::string pin_again;
};
// Accounts screen (admins): the local vault grant (vm/local_grant.hpp) for an account without a
// copy of the vault key on this kiosk. The admin starts and confirms; its holder types the PIN.
struct StartVaultGrant {
  std::string account_id;
};
struct ConfirmVaultGrant {};
struct SubmitVaultGrantPin {
  std::string secret;
};
struct CancelVaultGrant {};

using Intent = std::variant<Navigate, GoBack, SetLanguage, SubmitRecord, SubmitLogin, Logout,
                            ConfirmPresence, SetCaseFilter, OpenCase, ChangeCaseStatus, RestoreConflict, NewCase,
                            SetRequestStatus, MakeCaseFromRequest,
                            OpenForm, SetAnswer, ToggleChoice, AddRepeatItem, RemoveRepeatItem,
                            GoToPage, NextPage, PreviousPage, SaveForm, CloseForm, ResumeDraft, DiscardDraft, SyncNow,
                            SendAgain, AddCounsellor, StartVaultGrant, ConfirmVaultGrant, SubmitVaultGrantPin,
                            CancelVaultGrant>;

class IntentQueue {
 public:
  template <typename T>
  void push(T intent) {
    items_.emplace_back(std::move(intent));
  }
  const std::vector<Intent>& items() const { return items_; }
  std::vector<Intent> take() { return std::exchange(items_, {}); }
  bool empty() const { return items_.empty(); }

  // A screen showing something that changes on its own (a countdown) asks for a frame at this
  // monotonic time; the earliest request of the frame wins. Not an intent: nothing is applied.
  void redraw_at(std::int64_t now_ms) {
    if (!redraw_at_ || now_ms < *redraw_at_) redraw_at_ = now_ms;
  }
  std::optional<std::int64_t> redraw_deadline() const { return redraw_at_; }

  // First queued intent of type T, or nullptr (tests and the app's dispatcher).
  template <typename T>
  const T* find() const {
    for (const auto& i : items_)
      if (const T* t = std::get_if<T>(&i)) return t;
    return nullptr;
  }

 private:
  std::vector<Intent> items_;
  std::optional<std::int64_t> redraw_at_;
};

}  // namespace ws::kiosk::ui
