#pragma once
// The admin's "add a counsellor" form on the kiosk (first setup, or between syncs): the fields
// are checked at once, then the PIN is hashed with Argon2id (~100 ms) off the UI thread, the
// same way the sign-in check runs. The workspace saves the account when the hash is ready.
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/store/counsellors.hpp"
#include "kiosk/core/vm/session.hpp"
#include "ws/result.hpp"

namespace ws::kiosk::vm {

struct NewAccount {
  std::string name;
  std::string role = "counsellor";
  std::string pin;
  std::string pin_again;
};

class AccountCreator {
 public:
  using Hasher = std::function<Result<std::string>(const std::string& secret)>;
  // `hasher` defaults to ws::crypto::hash_password (Argon2id).
  explicit AccountCreator(Hasher hasher = {});
  ~AccountCreator();  // a running hash finishes before the captured PIN goes away
  AccountCreator(const AccountCreator&) = delete;
  AccountCreator& operator=(const AccountCreator&) = delete;

  // Checks the fields against the accounts already here; when they pass, starts the hash and
  // returns true. Otherwise problems() say what to fix, field by field.
  bool start(const NewAccount& request, const std::vector<CounsellorAccount>& existing);

  struct Hashed {
    std::string name;
    std::string role;
    Result<std::string> pin_hash;
  };
  // Never blocks: the finished hash, once; nullopt while it runs or when nothing was started.
  std::optional<Hashed> collect();
  void wait();  // tests and scripted screenshots only
  bool busy() const { return pending_.valid(); }

  // The message for `field` ("name", "role", "pin", "pin_again"), or "".
  const std::string& problem(const std::string& field) const;
  const std::vector<counsellors::Problem>& problems() const { return problems_; }
  void clear() { problems_.clear(); }

 private:
  Hasher hasher_;
  std::vector<counsellors::Problem> problems_;
  std::string name_, role_;
  std::future<Result<std::string>> pending_;
};

}  // namespace ws::kiosk::vm
