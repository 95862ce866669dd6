// The admin's local vault grant (local_grant.hpp, docs/security.md "Accounts without a copy"):
// the Accounts screen's dialog through which an account with no copy of the vault key on this
// kiosk gets one, its holder typing their own PIN while the admin stands by.
#include <algorithm>

#include "kiosk/core/vm/workspace.hpp"

namespace ws::kiosk::vm {

void Workspace::refresh_vault_holders() { vault_holders_ = data_.vault_copy_holders(); }

bool Workspace::has_vault_copy(const std::string& account_id) const {
  if (!vault_holders_) return false;
  return std::find(vault_holders_->begin(), vault_holders_->end(), account_id) != vault_holders_->end();
}

bool Workspace::can_give_vault_copies() const { return admin_signed_in() && kiosk_has_vault() && data_.vault_open(); }

Status Workspace::start_grant(const std::string& account_id) {
  if (!admin_signed_in()) return fail("admin_only", "Only a centre admin can give access on this kiosk.");
  if (grant_.step() != GrantStep::Closed) return fail("busy", "Finish or cancel the access being given first.");
  const auto& accounts = session_.accounts();
  const auto account = std::find_if(accounts.begin(), accounts.end(), [&](const auto& a) { return a.id == account_id; });
  if (account == accounts.end()) return fail("disabled", "This account is disabled or was removed.");
  if (!kiosk_has_vault() || has_vault_copy(account_id)) return fail("has_copy", "This account opens this kiosk's records already.");
  if (!data_.vault_open()) {
    set_notice("Your own account cannot open this kiosk's records now, so it cannot give access either.", true);
    return fail("locked", "the kiosk's data is locked");
  }
  grant_.open(*account);
  grant_by_ = session_.counsellor()->id;
  set_notice("");
  return ok();
}

void Workspace::confirm_grant() {
  if (admin_signed_in()) grant_.confirm();
}

Status Workspace::submit_grant_pin(const std::string& secret, std::int64_t now_ms) {
  if (!admin_signed_in() || grant_.step() != GrantStep::Pin) return fail("no_grant", "No access is being given.");
  const std::string id = grant_.account().id;
  const auto& accounts = session_.accounts();
  // HQ may have disabled the account (it arrives by pull) while the dialog was open.
  if (std::none_of(accounts.begin(), accounts.end(), [&](const auto& a) { return a.id == id; })) {
    data_.record_event(audit::Event{"counsellor:" + grant_by_, "vault.local_grant_refused", id, {{"reason", "disabled"}}});
    grant_.refuse("This account is disabled: it cannot be given access. Ask HQ.");
    return fail("disabled", "the account is disabled");
  }
  if (secret.empty()) {
    grant_.refuse("Enter your PIN.");
    return fail("invalid", "no PIN");
  }
  if (const auto wait = session_.lockout_remaining_ms(id, now_ms); wait > 0) {
    grant_.refuse("Too many wrong PINs. Try again in " + std::to_string((wait + 999) / 1000) + " s.");
    return fail("locked_out", "too many wrong PINs");
  }
  grant_.start(session_.verifier(), secret,
               [&data = data_](const std::string& account_id, const std::string& pin) {
                 return data.give_vault_copy(account_id, pin);
               });
  return ok();
}

void Workspace::cancel_grant() {
  if (!grant_.busy()) grant_.close();
}

bool Workspace::take_grant(std::int64_t now_ms) {
  auto outcome = grant_.collect();
  if (!outcome) return false;
  settle_grant(*outcome, now_ms);
  return true;
}

void Workspace::finish_grant_now() {
  grant_.wait();
  (void)take_grant(now_ms_);
}

// Ids and counts only in the audit log: the actor is the admin, the object the account.
void Workspace::settle_grant(const LocalGrant::Outcome& outcome, std::int64_t now_ms) {
  const std::string id = grant_.account().id;
  const std::string actor = "counsellor:" + grant_by_;
  if (!outcome.pin_ok) {
    const auto counted = session_.count_wrong_pin(id, "Wrong PIN.", now_ms);
    nlohmann::json details{{"reason", "wrong_pin"}, {"failures", counted.failures}};
    if (counted.locked_ms > 0) details["locked_seconds"] = counted.locked_ms / 1000;
    data_.record_event(audit::Event{actor, "vault.local_grant_refused", id, std::move(details)});
    grant_.refuse(counted.text);
    return;
  }
  session_.count_right_pin(id, now_ms);
  if (!outcome.given) {
    const std::string& code = outcome.given.error().code;
    data_.record_event(audit::Event{actor, "vault.local_grant_refused", id, {{"reason", code}}});
    grant_.refuse(code == "disabled" ? "This account is disabled: it cannot be given access. Ask HQ."
                  : code == "locked" ? "This kiosk's records closed meanwhile: sign in again, then give access."
                                     : "Access could not be given: " + outcome.given.error().message + ".");
    return;
  }
  data_.record_event(audit::Event{actor, "vault.local_grant", id, {}});
  const std::string name = grant_.account().name;
  grant_.close();
  ++grants_given_;
  refresh_vault_holders();
  set_notice(name + " can now open this kiosk's records, with their own PIN.");
}

}  // namespace ws::kiosk::vm
