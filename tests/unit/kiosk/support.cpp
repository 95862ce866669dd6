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

}  // namespace ws::kiosk::test
