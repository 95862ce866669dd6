// The kiosk vault (kiosk/core/store/vault.hpp): wrapped copies per counsellor, wrong PINs,
// copies moved between folders, and the personal values sealed beside the records.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <utility>
#include <vector>

#include "kiosk/cli/commands.hpp"
#include "kiosk/core/store/counsellors.hpp"
#include "kiosk/core/store/vault.hpp"
#include "ws/crypto.hpp"
#include "ws/hlc.hpp"
#include "ws/ids.hpp"
#include "tests/support/folder_scan.hpp"
#include "tests/unit/kiosk/support.hpp"

namespace ws::kiosk {
namespace {

// Argon2id at its cheapest: these tests are about who can open what, not about the cost.
struct FastKdf {
  FastKdf() { vault::set_kdf_limits({1, 64 * 1024}); }
  ~FastKdf() { vault::set_kdf_limits({}); }
};

// A kiosk folder whose vault account `who` made with `pin`, locked again (nobody signed in).
struct LockedVault {
  FastKdf fast;
  test::TempDir dir;
  std::unique_ptr<Store> store = test::enrolled_store(dir.path());
  LockedVault(const std::string& who, const std::string& pin) {
    REQUIRE(vault::add_copy(*store, who, pin));
    vault::lock(dir.path());
  }
};

// A local edit ("Omar Khalil Saleh", made with the vault open: a locked record cannot be edited)
// that another kiosk's later edit replaces in a pull; `lock_before_pull` pulls with nobody
// signed in.
void pull_over_local_edit(Store& store, bool lock_before_pull = false) {
  auto id = store.save("intake", {{"full_name", "Omar Khalil"}});
  REQUIRE(id);
  REQUIRE(store.update(*id, {{"full_name", "Omar Khalil Saleh"}}));
  Envelope incoming = store.get(*id).value().value().envelope;
  incoming.version = Version{Hlc{HlcClock::system_wall_ms() + 60'000, 0}, "dev-other"};
  incoming.payload["full_name"] = "Omar K. Saleh";
  incoming.field_versions["full_name"] = incoming.version;
  incoming.base_version.reset();
  if (lock_before_pull) vault::lock(store.data_dir());
  REQUIRE(store.apply_pull(protocol::PullResponse{{incoming}, "5", false}));
}

}  // namespace

TEST_CASE("the first copy makes the vault, the right PIN opens it and a wrong one never does") {
  FastKdf fast;
  test::TempDir dir;
  auto store = test::enrolled_store(dir.path());
  CHECK(vault::public_key(*store).value().empty());
  REQUIRE(vault::add_copy(*store, "c1", "482193"));
  CHECK(vault::public_key(*store).value().size() == 32);
  CHECK(vault::unlocked(dir.path()));
  vault::lock(dir.path());
  CHECK_FALSE(vault::unlocked(dir.path()));

  auto wrong = vault::unlock(*store, "c1", "482194");
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().code == "wrong_secret");
  CHECK_FALSE(vault::unlocked(dir.path()));
  CHECK(vault::unlock(*store, "c2", "482193").error().code == "no_copy");
  REQUIRE(vault::unlock(*store, "c1", "482193"));
  CHECK(vault::unlocked(dir.path()));
  vault::lock(dir.path());
}

TEST_CASE("a second account gets a copy only while the vault is open") {
  LockedVault v("c1", "111111");
  auto& store = v.store;
  auto& dir = v.dir;
  CHECK(vault::add_copy(*store, "c2", "222222").error().code == "locked");
  CHECK_FALSE(vault::has_copy(*store, "c2").value());
  REQUIRE(vault::unlock(*store, "c1", "111111"));
  REQUIRE(vault::add_copy(*store, "c2", "222222"));
  vault::lock(dir.path());
  REQUIRE(vault::unlock(*store, "c2", "222222"));
  vault::lock(dir.path());
}

TEST_CASE("a wrapped copy moved to another kiosk's folder is useless there") {
  FastKdf fast;
  test::TempDir a, b;
  auto store_a = test::enrolled_store(a.path(), "dev-a");
  auto store_b = test::enrolled_store(b.path(), "dev-b");
  REQUIRE(vault::add_copy(*store_a, "c1", "314159"));
  REQUIRE(vault::add_copy(*store_b, "c9", "999999"));
  vault::lock(a.path());
  vault::lock(b.path());
  // The thief copies c1's row, salt and all, into kiosk B, and knows c1's PIN.
  auto& db_b = store_b->connection();
  REQUIRE(db_b.exec(("ATTACH DATABASE '" + Store::database_path(a.path()) + "' AS a").c_str()));
  REQUIRE(db_b.exec("INSERT INTO main.vault_copies SELECT * FROM a.vault_copies WHERE counsellor = 'c1'"));
  REQUIRE(db_b.exec("DETACH DATABASE a"));
  auto stolen = vault::unlock(*store_b, "c1", "314159");
  REQUIRE_FALSE(stolen);
  CHECK(stolen.error().code == "wrong_secret");
  CHECK_FALSE(vault::unlocked(b.path()));
}

TEST_CASE("drafts are sealed once the folder has a vault, also those written before it") {
  FastKdf fast;
  test::TempDir dir;
  const std::string name = "Zainab Haddad-Okonkwo";
  auto store = test::enrolled_store(dir.path());
  // Written in clear before the vault existed: the first copy seals it.
  REQUIRE(store->put_draft("c1", "form:intake", {{"full_name", name}}));
  REQUIRE(vault::add_copy(*store, "c1", "271828"));
  REQUIRE(store->put_draft("c1", "form:consent", {{"note", "Tariq Mansour"}}));
  vault::lock(dir.path());
  // Written with nobody signed in: still sealed, never readable while locked.
  REQUIRE(store->put_draft("c2", "form:intake", {{"full_name", "Amina Yusuf"}}));
  CHECK(store->get_draft("c1", "form:intake").error().code == "locked");

  store.reset();
  CHECK(ws::test::files_holding(dir.path(), {name, "Tariq Mansour", "Amina Yusuf"}) == "");

  auto reopened = Store::open(dir.path());
  REQUIRE(reopened);
  REQUIRE(vault::unlock(**reopened, "c1", "271828"));
  CHECK((*reopened)->get_draft("c1", "form:intake").value().value().value["full_name"] == name);
  CHECK((*reopened)->get_draft("c1", "form:consent").value().value().value["note"] == "Tariq Mansour");
  CHECK((*reopened)->get_draft("c2", "form:intake").value().value().value["full_name"] == "Amina Yusuf");
  vault::lock(dir.path());
}

TEST_CASE("a pull while nobody is signed in waits sealed, and the next unlock merges it and logs the conflict sealed") {
  LockedVault v("c1", "161803");
  auto& store = v.store;
  auto& dir = v.dir;
  REQUIRE(vault::unlock(*store, "c1", "161803"));
  pull_over_local_edit(*store, true);
  // The merge needs the local values: nothing merged or logged yet, the pulled record waits.
  CHECK(store->conflict_count().value() == 0);
  CHECK(store->pull_inbox_count().value() == 1);
  auto inbox = store->connection().prepare("SELECT envelope FROM pull_inbox");
  REQUIRE(inbox);
  REQUIRE(inbox->step().value());
  CHECK(inbox->column_blob(0).find("Omar") == std::string::npos);

  REQUIRE(vault::unlock(*store, "c1", "161803"));
  CHECK(store->merge_pull_inbox().value() == 1);
  CHECK(store->pull_inbox_count().value() == 0);
  auto raw = store->connection().prepare("SELECT lost_codec, lost_value FROM conflicts");
  REQUIRE(raw);
  REQUIRE(raw->step().value());
  CHECK(raw->column_int(0) == codec::kSealedJson);
  CHECK(raw->column_blob(1).find("Omar") == std::string::npos);
  auto log = store->conflicts();
  REQUIRE(log);
  REQUIRE(log->size() == 1);
  CHECK(log->front().lost_value == "Omar Khalil Saleh");
  auto merged = store->list({.kind = "intake"}).value();
  REQUIRE(merged.size() == 1);
  CHECK(merged.front().envelope.payload["full_name"] == "Omar K. Saleh");
  vault::lock(dir.path());
  CHECK(store->conflicts().error().code == "locked");
  CHECK(store->conflict_count().value() == 1);
}

TEST_CASE("kiosk conflicts --counsellor NAME opens the sealed values with that counsellor's PIN") {
  FastKdf fast;
  test::TempDir dir;
  {
    auto store = test::enrolled_store(dir.path());
    auto id = counsellors::save(*store, "Amal Haddad", "counsellor", crypto::hash_password("135790").value());
    REQUIRE(id);
    REQUIRE(vault::add_copy(*store, *id, "135790"));
    pull_over_local_edit(*store);
    vault::lock(dir.path());
  }
  auto conflicts = [&](std::vector<std::string> extra, const std::string& stdin_text) {
    std::vector<std::string> args{"--data-dir", dir.path(), "conflicts", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::istringstream in(stdin_text);
    std::ostringstream out, err;
    const int code = cli::run(args, in, out, err);
    return std::make_pair(code, out.str() + err.str());
  };
  auto locked = conflicts({}, "");
  CHECK(locked.first != 0);
  CHECK(locked.second.find("Omar") == std::string::npos);
  auto wrong = conflicts({"--counsellor", "Amal Haddad"}, "135791\n");
  CHECK(wrong.first != 0);
  CHECK(wrong.second.find("Omar") == std::string::npos);
  auto right = conflicts({"--counsellor", "Amal Haddad"}, "135790\n");
  CHECK(right.first == 0);
  CHECK(right.second.find("Omar Khalil Saleh") != std::string::npos);
  vault::lock(dir.path());
}

}  // namespace ws::kiosk
