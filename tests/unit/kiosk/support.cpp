#include "tests/unit/kiosk/support.hpp"

#include <stdexcept>

namespace ws::kiosk::test {

std::unique_ptr<Store> enrolled_store(const std::string& dir, const std::string& device, const std::string& centre,
                                      const std::string& token) {
  auto store = Store::open(dir);
  if (!store) throw std::runtime_error("open failed: " + store.error().message);
  auto s = (*store)->set_identity({device, token, centre, "fake://server"});
  if (!s) throw std::runtime_error("identity failed: " + s.error().message);
  return std::move(*store);
}

std::int64_t count(sql::Connection& db, const std::string& sql) {
  auto st = db.prepare(sql);
  if (!st) throw std::runtime_error("prepare failed: " + st.error().message);
  auto row = st->step();
  if (!row || !*row) throw std::runtime_error("no row for: " + sql);
  return st->column_int(0);
}

void outbox_items_undone(sql::Connection& db) {
  auto s = db.exec(R"sql(
    DROP TRIGGER outbox_keep_frozen_item;
    ALTER TABLE outbox ADD COLUMN sealed BLOB;
    UPDATE outbox SET sealed = (SELECT item FROM outbox_items i WHERE i.seq = outbox.seq);
    DROP TABLE outbox_items;
    CREATE TRIGGER outbox_keep_frozen_item BEFORE UPDATE OF sealed ON outbox
      WHEN OLD.batch_id IS NOT NULL AND OLD.sealed IS NOT NULL
      BEGIN INSERT OR IGNORE INTO outbox_frozen_items(seq, item) VALUES(OLD.seq, OLD.sealed); END;
    PRAGMA user_version = 17;
  )sql");
  if (!s) throw std::runtime_error("undoing outbox_items failed: " + s.error().message);
}

}  // namespace ws::kiosk::test
