// Encryption at rest through the workspace: a counsellor's sign-in opens the kiosk vault (and
// makes it at first use), sign-out and a wrong PIN leave the sealed values closed.
#include <doctest/doctest.h>

#include "kiosk/core/store/store.hpp"
#include "kiosk/core/store/vault.hpp"
#include "kiosk/core/vm/store_data.hpp"
#include "kiosk/core/vm/workspace.hpp"
#include "tests/support/temp_dir.hpp"
#include "ws/crypto.hpp"
#include "ws/ids.hpp"

using namespace ws::kiosk;

namespace {

struct FastKdf {
  FastKdf() { vault::set_kdf_limits({1, 64 * 1024}); }
  ~FastKdf() { vault::set_kdf_limits({}); }
};

std::string add_account(const std::string& data_dir, const std::string& name, const std::string& pin) {
  auto store = Store::open(data_dir);
  REQUIRE(store);
  if (!(*store)->identity()->enrolled()) {
    REQUIRE((*store)->set_identity({ws::new_uuid_v7(), ws::crypto::random_token(), "osl", "http://127.0.0.1:9"}));
  }
  auto hash = ws::crypto::hash_password(pin);
  REQUIRE(hash);
  auto id = (*store)->save("counsellor", {{"name", name}, {"role", "counsellor"}, {"pin_hash", *hash}});
  REQUIRE(id);
  return *id;
}

void sign_in(vm::Workspace& ws, const std::string& id, const std::string& pin) {
  REQUIRE(ws.session().submit(id, pin, 1));
  ws.session().wait_for_verification();
  ws.tick(2);
}

}  // namespace

TEST_CASE("vault: the first sign-in makes it, sign-out closes it, the right PIN opens it again") {
  FastKdf fast;
  ws::test::TempDir dir;
  const std::string data_dir = dir.file("kiosk");
  const std::string amal = add_account(data_dir, "Amal", "135790");
  const std::string ben = add_account(data_dir, "Ben", "246801");
  auto data = vm::StoreWorkspaceData::open(data_dir, WS_TEST_ASSETS_DIR);
  REQUIRE(data);
  vm::Workspace ws(**data);
  ws.refresh_accounts();

  sign_in(ws, amal, "135790");
  REQUIRE(ws.session().signed_in());
  CHECK(vault::unlocked(data_dir));
  vm::FormDraft draft{amal, "intake", 1, "", "", {{"answers", {{"name_latin", "Leyla Rahimi"}}}}};
  REQUIRE((*data)->save_draft(draft));
  ws.session().logout();
  ws.tick(3);
  CHECK_FALSE(vault::unlocked(data_dir));
  auto locked = (*data)->load_draft(amal);
  CHECK_FALSE(locked);

  // Ben passes his PIN check but has no copy of the vault key on this kiosk yet.
  sign_in(ws, ben, "246801");
  CHECK(ws.session().signed_in());
  CHECK_FALSE(vault::unlocked(data_dir));
  CHECK_FALSE(ws.pending_draft().has_value());
  ws.session().logout();
  ws.tick(4);

  sign_in(ws, amal, "135790");
  CHECK(vault::unlocked(data_dir));
  REQUIRE(ws.pending_draft().has_value());
  CHECK(ws.pending_draft()->state["answers"]["name_latin"] == "Leyla Rahimi");
  ws.session().logout();
  ws.tick(5);
  CHECK_FALSE(vault::unlocked(data_dir));
}
