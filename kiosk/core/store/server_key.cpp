// The server's public key that outbox batches are sealed to (ws/push_seal.hpp): a frozen batch
// waiting in kiosk.db is readable by the server only, and the sync engine needs no kiosk secret.
#include <vector>

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
  // Batches sealed to a key the server no longer holds would never open there: their rows go
  // back to the queue and are sealed to the new key when batched again.
  if (!known->empty()) {
    auto st = db_.prepare("SELECT batch_id FROM outbox_batches");
    if (!st) return fail(st.error());
    std::vector<std::string> frozen;
    for (;;) {
      auto row = st->step();
      if (!row) return fail(row.error());
      if (!*row) break;
      frozen.push_back(st->column_text(0));
    }
    for (const auto& b : frozen)
      if (auto s = release_batch_rows(b); !s) return s;
  }
  if (auto s = set_meta("server_seal_key", public_key); !s) return s;
  return tx->commit();
}

}  // namespace ws::kiosk
