// The kiosk's audit entries made by the view-models, through the real store adapter: sign-in
// failures, the lockout, a sign-in and an opened case (its id, never the person's name).
#include <doctest/doctest.h>

#include "kiosk/core/store/audit.hpp"
#include "kiosk/core/store/store.hpp"
#include "kiosk/core/vm/store_data.hpp"
#include "kiosk/core/vm/workspace.hpp"
#include "tests/support/temp_dir.hpp"
#include "ws/crypto.hpp"
#include "ws/ids.hpp"

using namespace ws::kiosk;

TEST_CASE("kiosk audit: wrong PINs, the lockout, a sign-in and an opened case are logged") {
  ws::test::TempDir dir;
  const std::string data_dir = dir.file("kiosk");
  {
    auto store = Store::open(data_dir);
    REQUIRE(store);
    REQUIRE((*store)->set_identity({ws::new_uuid_v7(), ws::crypto::random_token(), "osl", "http://127.0.0.1:9"}));
  }
  auto data = vm::StoreWorkspaceData::open(data_dir, WS_TEST_ASSETS_DIR);
  REQUIRE(data);
  auto id = (*data)->add_counsellor("Test Counsellor", "counsellor", "$argon2id$not-checked-here");
  REQUIRE(id);
  auto case_id = (*data)->save_record("case", "", {{"case_number", "DEMO-A-1"}, {"name_latin", "Amira Haddad"}, {"status", "open"}}, 1);
  REQUIRE(case_id);
  // Instant verifier: this test is about the entries, not Argon2id.
  auto verifier = [](const std::string&, const std::string& secret) { return secret == "246813"; };
  {
    vm::Workspace ws(**data, {}, verifier);
    for (int i = 0; i < 5; ++i) {
      REQUIRE(ws.session().submit(*id, "000000", 1000));
      ws.session().wait_for_verification();
      ws.tick(1000);
    }
    REQUIRE(ws.session().submit(*id, "246813", 40'000));
    ws.session().wait_for_verification();
    ws.tick(40'000);
    REQUIRE(ws.session().signed_in());
    REQUIRE(ws.open_case(*case_id));
    REQUIRE(ws.open_case(*case_id));  // the same case again: no second entry
  }
  auto store = Store::open(data_dir);
  REQUIRE(store);
  auto entries = audit_entries(**store);
  REQUIRE(entries);
  int failed = 0, locked = 0, ok = 0, opened = 0;
  for (const auto& e : *entries) {
    CHECK(e.details.find("Amira") == std::string::npos);
    CHECK(e.object_id.find("Test Counsellor") == std::string::npos);
    if (e.action == "signin.failed") ++failed;
    if (e.action == "signin.locked_out") ++locked;
    if (e.action == "signin.ok") ++ok;
    if (e.action == "case.opened") {
      ++opened;
      CHECK(e.object_id == *case_id);
      CHECK(e.actor == "counsellor:" + *id);
    }
  }
  CHECK(failed == 5);
  CHECK(locked == 1);
  CHECK(ok == 1);
  CHECK(opened == 1);
  auto verdict = verify_audit(**store);
  REQUIRE(verdict);
  CHECK(verdict->ok);
}
