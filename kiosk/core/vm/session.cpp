#include "kiosk/core/vm/session.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <utility>

#include "kiosk/core/vm/countdown.hpp"
#include "ws/crypto.hpp"
#include "ws/hlc.hpp"

namespace ws::kiosk::vm {
namespace {

// Wrong tries with a name that matches no account count here, so guessing names is limited
// exactly like guessing PINs.
constexpr const char* kUnknownName = "?unknown-name";

// The Argon2id hash (current limits) of 32 random bytes that were thrown away: checking an
// unknown name against it costs what a real check costs and can never succeed.
constexpr const char* kNobodysHash =
    "$argon2id$v=19$m=262144,t=3,p=1$eRt3cezoVuG9/w7le/zRSA$vKWRHWdqXlLVWRvsuXsd/6swgGeJKEEbel3z9e4Xtss";

// Names as people type them: case, surrounding and repeated spaces do not matter.
std::string name_key(const std::string& name) {
  std::string out;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isspace(u)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += u < 0x80 ? static_cast<char>(std::tolower(u)) : c;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

Session::Session(SessionPolicy policy, Verifier verifier, LoginGuardStore* guards)
    : policy_(policy), verifier_(std::move(verifier)), guards_(guards) {
  if (!verifier_) {
    verifier_ = [](const std::string& hash, const std::string& secret) {
      return ws::crypto::verify_password(hash, secret);
    };
  }
}

// A running check must finish before the captured secret goes away.
Session::~Session() { wait_for_verification(); }

void Session::set_accounts(std::vector<CounsellorAccount> accounts) {
  accounts_ = std::move(accounts);
  guards_restored_ = false;  // read on the next tick or submit, which know the monotonic time
  // An account removed by the admin ends its session at once.
  if (current_ && !find_account(current_->id)) end(SignOutReason::Logout);
}

const CounsellorAccount* Session::find_account(const std::string& id) const {
  for (const auto& a : accounts_)
    if (a.id == id) return &a;
  return nullptr;
}

const CounsellorAccount* Session::counsellor() const {
  return current_ ? &*current_ : nullptr;
}

Session::Attempts& Session::attempts_for(const std::string& account_id) {
  for (auto& a : attempts_)
    if (a.account_id == account_id) return a;
  attempts_.push_back(Attempts{account_id, 0, 0, 0});
  return attempts_.back();
}

// Persisted lock-until times are wall-clock; the session counts in monotonic time from its own
// start. The remaining wait carries over, capped at the policy's maximum so that a wall clock
// set back (or a tampered row) can never lock someone out for longer than a lockout may last.
void Session::restore_guards(std::int64_t now_ms) {
  if (!guards_ || guards_restored_) return;
  guards_restored_ = true;
  const std::int64_t unix_now = guards_->unix_now_ms();
  std::vector<std::string> ids{kUnknownName};
  for (const auto& account : accounts_) ids.push_back(account.id);
  for (const auto& id : ids) {
    auto guard = guards_->login_guard(id);
    if (!guard || guard->empty()) continue;  // unreadable: the in-memory count still applies
    Attempts& a = attempts_for(id);
    a.failures = std::max(a.failures, guard->failures);
    a.last_signin_unix_ms = std::max(a.last_signin_unix_ms, guard->last_signin_unix_ms);
    const std::int64_t remaining =
        std::clamp<std::int64_t>(guard->locked_until_unix_ms - unix_now, 0, policy_.max_lockout_ms);
    if (remaining > 0) a.locked_until_ms = std::max(a.locked_until_ms, now_ms + remaining);
  }
}

void Session::persist_guard(const Attempts& attempts, std::int64_t now_ms) {
  if (!guards_) return;
  LoginGuard guard{attempts.failures, 0, attempts.last_signin_unix_ms};
  if (attempts.locked_until_ms > now_ms) guard.locked_until_unix_ms = guards_->unix_now_ms() + (attempts.locked_until_ms - now_ms);
  // A failed write (read-only or full data folder) leaves the lockout in memory for this run;
  // refusing sign-ins because of it would lock everyone out of a kiosk that still works.
  (void)guards_->save_login_guard(attempts.account_id, guard);
}

void Session::note(const audit::Event& event) {
  if (guards_) guards_->record_event(event);
}

const Session::Attempts* Session::find_attempts(const std::string& account_id) const {
  for (const auto& a : attempts_)
    if (a.account_id == account_id) return &a;
  return nullptr;
}

std::int64_t Session::lockout_remaining_ms(const std::string& account_id, std::int64_t now_ms) const {
  const Attempts* a = find_attempts(account_id);
  if (!a || a->locked_until_ms <= now_ms) return 0;
  return a->locked_until_ms - now_ms;
}

int Session::failed_attempts(const std::string& account_id) const {
  const Attempts* a = find_attempts(account_id);
  return a ? a->failures : 0;
}

bool Session::may_start_attempt(bool who_given, const char* name_them, const std::string& secret) {
  if (state_ == SessionState::Verifying) {
    last_error_ = "Still checking the previous PIN.";
    return false;
  }
  if (signed_in()) {
    last_error_ = "Someone is signed in. Sign out first.";
    return false;
  }
  if (!who_given) {
    last_error_ = name_them;
    return false;
  }
  if (secret.empty()) {
    last_error_ = "Enter your PIN.";
    return false;
  }
  return true;
}

bool Session::submit(const std::string& account_id, const std::string& secret, std::int64_t now_ms) {
  const CounsellorAccount* account = find_account(account_id);
  if (!may_start_attempt(account != nullptr, "Choose your name first.", secret)) return false;
  pending_by_name_ = false;
  return start_check(account_id, account->pin_hash, secret, now_ms);
}

bool Session::submit_by_name(const std::string& name, const std::string& secret, std::int64_t now_ms) {
  const std::string key = name_key(name);
  if (!may_start_attempt(!key.empty(), "Type your name first.", secret)) return false;
  const CounsellorAccount* match = nullptr;
  for (const auto& a : accounts_)
    if (name_key(a.name) == key) match = &a;
  pending_by_name_ = true;
  return match ? start_check(match->id, match->pin_hash, secret, now_ms)
               : start_check(kUnknownName, kNobodysHash, secret, now_ms);
}

bool Session::start_check(const std::string& bucket, const std::string& hash, const std::string& secret,
                          std::int64_t now_ms) {
  restore_guards(now_ms);
  if (const auto wait = lockout_remaining_ms(bucket, now_ms); wait > 0) {
    last_error_ = "Too many wrong PINs. Try again in " + std::to_string((wait + 999) / 1000) + " s.";
    return false;
  }
  last_error_.clear();
  pending_account_ = bucket;
  state_ = SessionState::Verifying;
  // Argon2id is deliberately slow: run it away from the UI thread and poll it per frame.
  // An unknown name has no data to open: its one Argon2id run is the check against nobody's hash.
  const bool account = bucket != kUnknownName;
  pending_ = std::async(std::launch::async, [verify = verifier_, check = checker_, account, id = bucket, hash, secret]() {
    if (check && account) return check(id, hash, secret, verify);
    return PinCheck{verify(hash, secret), ""};
  });
  return true;
}

std::int64_t Session::unix_now() const { return guards_ ? guards_->unix_now_ms() : HlcClock::system_wall_ms(); }

std::vector<const CounsellorAccount*> Session::recent_accounts() const {
  const std::int64_t since = unix_now() - policy_.recent_signin_ms;
  std::vector<std::pair<std::int64_t, const CounsellorAccount*>> found;
  for (const auto& account : accounts_) {
    const Attempts* a = find_attempts(account.id);
    if (a && a->last_signin_unix_ms > 0 && a->last_signin_unix_ms >= since) found.emplace_back(a->last_signin_unix_ms, &account);
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
  std::vector<const CounsellorAccount*> out;
  for (const auto& [when, account] : found) out.push_back(account);
  return out;
}

void Session::wait_for_verification() {
  if (pending_.valid()) pending_.wait();
}

void Session::finish_verification(PinCheck checked, std::int64_t now_ms) {
  const CounsellorAccount* account = find_account(pending_account_);
  unlock_notice_.clear();
  if (checked.ok && account) {
    unlock_notice_ = std::move(checked.notice);
    Attempts& attempts = attempts_for(pending_account_);
    attempts.failures = 0;
    attempts.locked_until_ms = 0;
    attempts.last_signin_unix_ms = unix_now();
    persist_guard(attempts, now_ms);
    note(audit::Event{"counsellor:" + account->id, "signin.ok", account->id, {}});
    current_ = *account;
    state_ = SessionState::SignedIn;
    last_activity_ms_ = now_ms;
    last_error_.clear();
    return;
  }
  state_ = SessionState::SignedOut;
  const auto counted =
      count_wrong_pin(pending_account_, pending_by_name_ ? "Name or PIN not recognised." : "Wrong PIN.", now_ms);
  // An unknown name is logged as such, never as what was typed: a name is personal data.
  const std::string who = account ? pending_account_ : std::string("unknown");
  note(audit::Event{"counsellor:" + who, "signin.failed", who, {{"failures", counted.failures}}});
  if (counted.locked_ms > 0) {
    note(audit::Event{"counsellor:" + who, "signin.locked_out", who,
                      {{"failures", counted.failures}, {"seconds", counted.locked_ms / 1000}}});
  }
  last_error_ = counted.text;
}

Session::WrongPin Session::count_wrong_pin(const std::string& account_id, const char* wrong, std::int64_t now_ms) {
  restore_guards(now_ms);
  Attempts& attempts = attempts_for(account_id);
  ++attempts.failures;
  WrongPin out{attempts.failures, 0, ""};
  const int over = attempts.failures - policy_.free_attempts;
  if (over >= 0) {
    // 30 s, 60 s, 120 s, ... capped: guessing a 4-6 digit PIN stays impractical.
    std::int64_t delay = policy_.first_lockout_ms;
    for (int i = 0; i < over && delay < policy_.max_lockout_ms; ++i) delay *= 2;
    delay = std::min(delay, policy_.max_lockout_ms);
    attempts.locked_until_ms = now_ms + delay;
    out.locked_ms = delay;
    out.text = std::string(wrong) + " Locked for " + std::to_string(delay / 1000) + " s.";
  } else {
    const int left = policy_.free_attempts - attempts.failures;
    out.text = std::string(wrong) + " " + std::to_string(left) + (left == 1 ? " try" : " tries") + " left before a pause.";
  }
  persist_guard(attempts, now_ms);
  return out;
}

void Session::count_right_pin(const std::string& account_id, std::int64_t now_ms) {
  restore_guards(now_ms);
  Attempts& attempts = attempts_for(account_id);
  attempts.failures = 0;
  attempts.locked_until_ms = 0;
  persist_guard(attempts, now_ms);
}

void Session::tick(std::int64_t now_ms) {
  restore_guards(now_ms);
  if (state_ == SessionState::Verifying && pending_.valid() &&
      pending_.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
    finish_verification(pending_.get(), now_ms);
    return;
  }
  if (!signed_in()) return;
  const std::int64_t idle = now_ms - last_activity_ms_;
  if (idle >= policy_.idle_warning_ms + policy_.idle_grace_ms) {
    end(SignOutReason::IdleLock);
  } else if (idle >= policy_.idle_warning_ms) {
    state_ = SessionState::IdleWarning;
  }
}

void Session::note_activity(std::int64_t now_ms) {
  // Once the warning shows, only an explicit "I am still here" keeps the session.
  if (state_ == SessionState::SignedIn) last_activity_ms_ = now_ms;
}

void Session::confirm_presence(std::int64_t now_ms) {
  if (!signed_in()) return;
  state_ = SessionState::SignedIn;
  last_activity_ms_ = now_ms;
}

void Session::logout() {
  if (signed_in()) end(SignOutReason::Logout);
}

std::int64_t Session::idle_lock_in_ms(std::int64_t now_ms) const {
  if (!signed_in()) return 0;
  const std::int64_t deadline = last_activity_ms_ + policy_.idle_warning_ms + policy_.idle_grace_ms;
  return std::max<std::int64_t>(0, deadline - now_ms);
}

std::optional<std::int64_t> Session::next_change_ms(std::int64_t now_ms) const {
  // The check runs on another thread and has no way to wake the window: look again shortly.
  if (state_ == SessionState::Verifying) return now_ms + 50;
  if (state_ == SessionState::SignedIn) return last_activity_ms_ + policy_.idle_warning_ms;
  if (state_ == SessionState::IdleWarning)
    return next_whole_second(now_ms, last_activity_ms_ + policy_.idle_warning_ms + policy_.idle_grace_ms);
  std::optional<std::int64_t> next;
  for (const auto& a : attempts_) {
    if (a.locked_until_ms <= now_ms) continue;
    const std::int64_t t = next_whole_second(now_ms, a.locked_until_ms);
    if (!next || t < *next) next = t;
  }
  return next;
}

void Session::end(SignOutReason reason) {
  if (!current_) return;
  const CounsellorAccount leaving = *current_;
  current_.reset();
  unlock_notice_.clear();
  state_ = SessionState::SignedOut;
  last_error_ = reason == SignOutReason::IdleLock ? "Locked after a pause to protect people's data." : "";
  if (on_sign_out_) on_sign_out_(leaving, reason);
}

}  // namespace ws::kiosk::vm
