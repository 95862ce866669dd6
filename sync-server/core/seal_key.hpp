#pragma once
// The server's X25519 key pair for sealed pushes (ws/push_seal.hpp, docs/protocol.md "Sealed
// push"). Made on the first start and kept in the database itself (created 0600), so a restart,
// a backup and its restore keep the key that kiosks' outboxes are sealed to.
#include "ws/result.hpp"
#include "ws/sealing.hpp"
#include "ws/sqlite.hpp"

namespace ws::server {

// The stored key pair, made and stored first when the database has none.
Result<seal::KeyPair> load_or_create_seal_key(sql::Connection& db);

}  // namespace ws::server
