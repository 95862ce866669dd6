#pragma once
// The admin's local vault grant (docs/security.md "Accounts without a copy"): an account with no
// copy of the vault key on this kiosk (made at HQ or on another kiosk) gets one here, with no
// server. An admin signed in with the vault open confirms; then the account's holder types their
// own PIN, which is checked against the account's hash and wraps the new copy, so the admin never
// learns it. Both steps cost an Argon2id run: they go to a worker thread and the dialog polls,
// as the sign-in check does.
#include <functional>
#include <future>
#include <optional>
#include <string>

#include "kiosk/core/vm/session.hpp"
#include "ws/result.hpp"

namespace ws::kiosk::vm {

// Closed -> Confirm (the admin's question) -> Pin (the holder's turn) -> Working -> Closed, or
// back to Pin with a problem() after a refusal.
enum class GrantStep { Closed, Confirm, Pin, Working };

class LocalGrant {
 public:
  // Runs on the worker once the PIN matched the account's hash: writes the account's copy.
  using Giver = std::function<Status(const std::string& account_id, const std::string& secret)>;

  LocalGrant() = default;
  ~LocalGrant();  // a running try finishes before the captured PIN goes away
  LocalGrant(const LocalGrant&) = delete;
  LocalGrant& operator=(const LocalGrant&) = delete;

  GrantStep step() const { return step_; }
  const CounsellorAccount& account() const { return account_; }
  // Why the last try gave nothing (wrong PIN, a pause, a failed write), in words; "" otherwise.
  const std::string& problem() const { return problem_; }
  bool busy() const { return pending_.valid(); }

  void open(const CounsellorAccount& account);
  void confirm();
  void refuse(std::string problem) { problem_ = std::move(problem); }
  // Back to Closed, forgetting whose dialog it was; a running try is finished and dropped.
  void close();
  // Pin -> Working: `verify(account's pin_hash, secret)` and, when it passes, `give`.
  void start(const Session::Verifier& verify, const std::string& secret, Giver give);

  struct Outcome {
    bool pin_ok = false;
    Status given;  // meaningful only when pin_ok
  };
  // Never blocks: the finished try, once (the step goes back to Pin; the caller closes the
  // dialog on success). nullopt while it runs or when nothing was started.
  std::optional<Outcome> collect();
  void wait();  // tests and scripted screenshots only

 private:
  GrantStep step_ = GrantStep::Closed;
  CounsellorAccount account_;
  std::string problem_;
  std::future<Outcome> pending_;
};

}  // namespace ws::kiosk::vm
