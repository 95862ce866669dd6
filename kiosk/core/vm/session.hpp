#pragma once
// A counsellor's sign-in on a shared kiosk: PIN check off the UI thread, lockout with a growing
// delay, and an idle lock that asks "are you still here?" before it clears the screen.
// Time is passed in (monotonic milliseconds) so that tests drive it without sleeping.
#include <cstdint>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/store/login_guard.hpp"
#include "ws/audit_chain.hpp"
#include "ws/result.hpp"

namespace ws::kiosk::vm {

struct CounsellorAccount {
  std::string id;
  std::string name;
  std::string role;      // "counsellor" or "admin"
  std::string pin_hash;  // Argon2id string from ws::crypto::hash_password
};

struct SessionPolicy {
  int free_attempts = 5;                       // wrong tries before the first lockout
  std::int64_t first_lockout_ms = 30'000;      // doubles with each further wrong try
  std::int64_t max_lockout_ms = 15 * 60'000;
  std::int64_t idle_warning_ms = 3 * 60'000;   // then "are you still here?"
  std::int64_t idle_grace_ms = 30'000;         // then the screen is locked and cleared
  // Who is listed by name on the sign-in screen: those who signed in on this kiosk lately.
  std::int64_t recent_signin_ms = 14LL * 24 * 3600'000;
};

enum class SessionState { SignedOut, Verifying, SignedIn, IdleWarning };

// Where the session keeps wrong-PIN counts so that a restart does not lift a lockout (the kiosk
// store, through WorkspaceData). Without one, the counts live in memory only.
class LoginGuardStore {
 public:
  virtual ~LoginGuardStore() = default;
  virtual Result<LoginGuard> login_guard(const std::string& account_id) = 0;
  virtual Status save_login_guard(const std::string& account_id, const LoginGuard& guard) = 0;
  // The wall clock (Unix ms): what a persisted lock-until is measured against.
  virtual std::int64_t unix_now_ms() = 0;
  // Appends to the kiosk's audit log (sign-ins, lockouts, opened cases). Best effort: a kiosk
  // whose folder went read-only keeps working, so the default and a failed write do nothing.
  virtual void record_event(const audit::Event& event) { (void)event; }
};

// Why the session ended; the workspace uses it to decide what to keep as a draft.
enum class SignOutReason { Logout, IdleLock };

class Session {
 public:
  using Verifier = std::function<bool(const std::string& stored_hash, const std::string& secret)>;
  using SignOutHandler = std::function<void(const CounsellorAccount&, SignOutReason)>;
  // What a PIN check found: right or wrong (what the lockout counts), and what the counsellor
  // should be told about the kiosk's data ("" when it opened).
  struct PinCheck {
    bool ok = false;
    std::string notice;
  };
  // Checks an account's PIN on the checking thread and opens the kiosk's data with it in the
  // same step (encryption at rest: one Argon2id run does both when the account's vault copy is
  // the check, vault.hpp sign_in; maybe a request to the server; never on the UI thread).
  // `verify` is the pin_hash check for when it must run. Without one, the session checks the
  // pin_hash alone.
  using Checker = std::function<PinCheck(const std::string& account_id, const std::string& pin_hash,
                                         const std::string& secret, const Verifier& verify)>;

  // `verifier` defaults to ws::crypto::verify_password (Argon2id, ~50-100 ms). `guards` (may
  // be null; must outlive the session) keeps wrong-PIN counts across restarts.
  explicit Session(SessionPolicy policy = {}, Verifier verifier = {}, LoginGuardStore* guards = nullptr);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void set_accounts(std::vector<CounsellorAccount> accounts);
  const std::vector<CounsellorAccount>& accounts() const { return accounts_; }
  void on_sign_out(SignOutHandler handler) { on_sign_out_ = std::move(handler); }
  void on_check(Checker checker) { checker_ = std::move(checker); }

  // Starts checking `secret` in the background. Refused (false, with last_error set) when the
  // account is unknown, locked out, or a check is already running.
  bool submit(const std::string& account_id, const std::string& secret, std::int64_t now_ms);
  // "Someone else": the counsellor types their name. An unknown name is checked like a wrong
  // PIN (same wait, same words, same lockout), so the screen never says which names exist.
  bool submit_by_name(const std::string& name, const std::string& secret, std::int64_t now_ms);
  // The accounts that signed in on this kiosk within the policy's window, newest first: the
  // only names the sign-in screen shows.
  std::vector<const CounsellorAccount*> recent_accounts() const;
  std::int64_t recent_signin_window_ms() const { return policy_.recent_signin_ms; }
  // Call once per frame: collects a finished check and advances the idle timers.
  void tick(std::int64_t now_ms);
  // Blocks until a running check finishes (tests and scripted screenshots only).
  void wait_for_verification();

  void note_activity(std::int64_t now_ms);
  void confirm_presence(std::int64_t now_ms);
  void logout();

  SessionState state() const { return state_; }
  bool signed_in() const { return state_ == SessionState::SignedIn || state_ == SessionState::IdleWarning; }
  const CounsellorAccount* counsellor() const;
  const std::string& last_error() const { return last_error_; }
  // What the checker said at the last sign-in (e.g. that this account's cases open once the
  // kiosk has been online during a sign-in); "" when the kiosk's data opened.
  const std::string& unlock_notice() const { return unlock_notice_; }
  // Milliseconds until `account_id` may try again (0 = now).
  std::int64_t lockout_remaining_ms(const std::string& account_id, std::int64_t now_ms) const;
  int failed_attempts(const std::string& account_id) const;

  // The admin's local vault grant (local_grant.hpp) checks another account's PIN while the admin
  // is signed in. Its tries count in that account's sign-in counts (same pauses, kept across
  // restarts), so the grant dialog is no way around the sign-in lockout, nor the other way round.
  const Verifier& verifier() const { return verifier_; }
  struct WrongPin {
    int failures = 0;
    std::int64_t locked_ms = 0;  // the pause this try started, 0 while tries are left
    std::string text;            // "<wrong> 3 tries left before a pause." / "<wrong> Locked for 30 s."
  };
  WrongPin count_wrong_pin(const std::string& account_id, const char* wrong, std::int64_t now_ms);
  void count_right_pin(const std::string& account_id, std::int64_t now_ms);
  // Milliseconds left before the idle lock while the warning shows.
  std::int64_t idle_lock_in_ms(std::int64_t now_ms) const;
  // The next monotonic time the session changes on its own (the idle warning, each second of
  // its countdown or of a PIN pause, a running check); nullopt when nothing is scheduled. The
  // window sleeps until then when nobody touches it.
  std::optional<std::int64_t> next_change_ms(std::int64_t now_ms) const;

 private:
  struct Attempts {
    std::string account_id;
    int failures = 0;
    std::int64_t locked_until_ms = 0;
    std::int64_t last_signin_unix_ms = 0;
  };
  // The refusals every attempt meets before its PIN is checked (busy, someone signed in, who or
  // PIN missing); false with last_error_ set.
  bool may_start_attempt(bool who_given, const char* name_them, const std::string& secret);
  bool start_check(const std::string& bucket, const std::string& hash, const std::string& secret, std::int64_t now_ms);
  std::int64_t unix_now() const;
  Attempts& attempts_for(const std::string& account_id);
  const Attempts* find_attempts(const std::string& account_id) const;
  const CounsellorAccount* find_account(const std::string& id) const;
  void finish_verification(PinCheck checked, std::int64_t now_ms);
  void end(SignOutReason reason);
  void restore_guards(std::int64_t now_ms);
  void persist_guard(const Attempts& attempts, std::int64_t now_ms);
  void note(const audit::Event& event);  // to the audit log, through `guards_`

  SessionPolicy policy_;
  Verifier verifier_;
  LoginGuardStore* guards_ = nullptr;
  bool guards_restored_ = false;  // false until the persisted counts of `accounts_` are read
  SignOutHandler on_sign_out_;
  Checker checker_;
  std::vector<CounsellorAccount> accounts_;
  std::vector<Attempts> attempts_;
  SessionState state_ = SessionState::SignedOut;
  std::optional<CounsellorAccount> current_;
  std::string pending_account_;
  bool pending_by_name_ = false;  // failures are then worded without saying whether the name exists
  std::future<PinCheck> pending_;
  std::string unlock_notice_;
  std::int64_t last_activity_ms_ = 0;
  std::string last_error_;
};

}  // namespace ws::kiosk::vm
