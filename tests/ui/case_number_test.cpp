// Case numbers made on the kiosk: centre, year, a kiosk part and the kiosk's own sequence,
// unique without asking the server, across restarts, and different on two kiosks.
#include <doctest/doctest.h>

#include <set>

#include "kiosk/core/store/store.hpp"
#include "kiosk/core/vm/case_number.hpp"
#include "kiosk/core/vm/fixtures.hpp"
#include "kiosk/core/vm/store_data.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ws::kiosk;

TEST_CASE("case number: format") {
  const std::string prefix = vm::case_number_prefix("osl-1", 2026, "0190c2a1-kiosk");
  CHECK(prefix.rfind("OSL-1-2026-", 0) == 0);
  CHECK(prefix.size() == std::string("OSL-1-2026-XXXX-").size());
  CHECK(vm::format_case_number(prefix, 7) == prefix + "0007");
  CHECK(vm::format_case_number(prefix, 12345) == prefix + "12345");
  CHECK(vm::case_number_sequence(prefix + "0042", prefix) == 42);
  CHECK_FALSE(vm::case_number_sequence("DEMO-2024-0117", prefix));
  CHECK(vm::next_case_sequence({prefix + "0003", "DEMO-2024-0117", prefix + "0011"}, prefix) == 12);
  // Odd centre codes still give a number the case form's pattern accepts.
  const std::string odd = vm::case_number_prefix("Øst & vest centre", 2026, "x");
  CHECK(odd.rfind("STVESTCENTRE-2026-", 0) == 0);
  CHECK(vm::case_number_prefix("", 2026, "x").rfind("KIOSK-2026-", 0) == 0);
  // Crockford base 32: no I, L, O or U to misread.
  for (const char* device : {"a", "b", "kiosk-1", "kiosk-2", "0190c2a1-0000-7000-8000-000000000001"})
    CHECK(vm::kiosk_tag(device).find_first_of("ILOU") == std::string::npos);
}

TEST_CASE("case number: two kiosks of a centre make different numbers") {
  CHECK(vm::kiosk_tag("kiosk-a") != vm::kiosk_tag("kiosk-b"));
  auto a = vm::make_fixture_world(WS_TEST_ASSETS_DIR);
  auto b = vm::make_fixture_world(WS_TEST_ASSETS_DIR);
  REQUIRE(a);
  REQUIRE(b);
  (*a)->data->kiosk.device_id = "kiosk-a";
  (*b)->data->kiosk.device_id = "kiosk-b";
  auto na = (*a)->workspace->next_case_number();
  auto nb = (*b)->workspace->next_case_number();
  REQUIRE(na);
  REQUIRE(nb);
  CHECK(*na != *nb);
  CHECK(na->substr(na->size() - 4) == "0001");
  CHECK(nb->substr(nb->size() - 4) == "0001");
}

TEST_CASE("case number: a new case gets the next number, and the numbers keep rising across restarts") {
  ws::test::TempDir dir;
  const std::string data_dir = dir.file("kiosk");
  {
    auto store = Store::open(data_dir);
    REQUIRE(store);
    // Not enrolled (no token): no sync engine, but a centre and a device id to name numbers by.
    REQUIRE((*store)->set_identity({"kiosk-a", "", "OSL-1", ""}));
  }
  std::set<std::string> seen;
  for (int run = 0; run < 2; ++run) {
    auto data = vm::StoreWorkspaceData::open(data_dir, WS_TEST_ASSETS_DIR);
    REQUIRE_MESSAGE(data, (data ? "" : data.error().message));
    vm::Workspace ws(**data, {}, {}, "2026-12-01");
    for (int i = 0; i < 2; ++i) {
      auto number = ws.next_case_number();
      REQUIRE_MESSAGE(number, (number ? "" : number.error().message));
      CHECK(number->rfind("OSL-1-2026-" + vm::kiosk_tag("kiosk-a") + "-", 0) == 0);
      CHECK(seen.insert(*number).second);
    }
  }
  CHECK(seen.size() == 4);
  CHECK(*seen.rbegin() == "OSL-1-2026-" + vm::kiosk_tag("kiosk-a") + "-0004");
}

TEST_CASE("case number: the store's sequence never goes below a number already on the kiosk") {
  ws::test::TempDir dir;
  auto store = Store::open(dir.file("kiosk"));
  REQUIRE(store);
  auto next = [&](const std::string& name, std::int64_t at_least = 1) {
    auto n = (*store)->next_in_sequence(name, at_least);
    REQUIRE(n);
    return *n;
  };
  CHECK(next("case_number:X") == 1);
  CHECK(next("case_number:X", 10) == 10);
  CHECK(next("case_number:X") == 11);
  CHECK(next("case_number:Y") == 1);
}
