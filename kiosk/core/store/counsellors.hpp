#pragma once
// Counsellor accounts as `counsellor` records: the rules for a new one, the payload the server
// accepts from a kiosk, and the active accounts on this kiosk. Shared by `kiosk counsellor-add`
// and the admin's Accounts screen so that both make the same record.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ws/result.hpp"

namespace ws::kiosk {
class Store;
}

namespace ws::kiosk::counsellors {

// The server's limits (sync-server counsellor-add and ingest), so a kiosk never makes an
// account the server would quarantine. The PIN rule is ws::crypto::secret_problem.
inline constexpr std::size_t kMaxName = 128;

struct Problem {
  std::string field;    // "name", "role" or "pin"
  std::string message;  // in words, naming the field
};

struct Account {
  std::string id;
  std::string name;
  std::string role;      // "counsellor" or "admin"
  std::string pin_hash;  // Argon2id string
};

// The name as it is stored: surrounding spaces removed.
std::string clean_name(const std::string& name);

// Everything that can be wrong with a new account, before the slow hash runs. A name already
// used by an active account is refused: the sign-in picker shows names only.
std::vector<Problem> check_new(const std::string& name, const std::string& role, const std::string& secret,
                               const std::vector<std::string>& existing_names);

// The payload of a new, active `counsellor` record (fields exactly as the server expects).
nlohmann::json payload(const std::string& name, const std::string& role, const std::string& pin_hash);

// Active accounts on this kiosk (disabled and incomplete records left out), sorted by name.
Result<std::vector<Account>> active(Store& store);

// Saves a new account with its outbox row, so it reaches the server with the next sync.
Result<std::string> save(Store& store, const std::string& name, const std::string& role, const std::string& pin_hash);

}  // namespace ws::kiosk::counsellors
