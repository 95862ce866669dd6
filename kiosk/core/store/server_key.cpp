// The server's public key that outbox rows are sealed to (ws/push_seal.hpp): what waits in
// kiosk.db to be sent is readable by the server only, and the sync engine needs no kiosk secret.
#include "kiosk/core/store/store.hpp"

namespace ws::kiosk {

Result<std::string> Store::server_seal_key() { return meta("server_seal_key"); }

Status Store::set_server_seal_key(const std::string& public_key) {
  if (auto s = writable(); !s) return s;
  auto known = server_seal_key();
  if (!known) return fail(known.error());
  if (*known == public_key) return ok();
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  if (auto s = set_meta("server_seal_key", public_key); !s) return s;
  if (known->empty()) {
    // The first key: rows queued before it are sealed now where their records can be read
    // (the rest at freeze time or after the next unlock). Batches frozen plain stay as sent.
    if (auto sealed = seal_waiting(); !sealed) return fail(sealed.error());
  } else {
    // Batches and copies sealed to a key the server no longer holds would never open there:
    // the rows go back to the queue and are sealed to the new key from the records.
    if (auto s = forget_sealed_copies(); !s) return s;
  }
  return tx->commit();
}

}  // namespace ws::kiosk
