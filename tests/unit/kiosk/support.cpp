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

}  // namespace ws::kiosk::test
