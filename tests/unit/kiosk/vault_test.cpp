// The kiosk vault (kiosk/core/store/vault.hpp): wrapped copies per counsellor, wrong PINs,
// copies moved between folders, and the personal values sealed beside the records.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "kiosk/core/store/vault.hpp"
#include "tests/unit/kiosk/support.hpp"

namespace ws::kiosk {
namespace {

// Argon2id at its cheapest: these tests are about who can open what, not about the cost.
struct FastKdf {
  FastKdf() { vault::set_kdf_limits({1, 64 * 1024}); }
  ~FastKdf() { vault::set_kdf_limits({}); }
};

// Every byte of every file in the folder (database, WAL, journal).
std::string folder_bytes(const std::string& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

std::string utf16le(const std::string& ascii) {
  std::string out;
  for (char c : ascii) {
    out += c;
    out += '\0';
  }
  return out;
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
  FastKdf fast;
  test::TempDir dir;
  auto store = test::enrolled_store(dir.path());
  REQUIRE(vault::add_copy(*store, "c1", "111111"));
  vault::lock(dir.path());
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
  const std::string bytes = folder_bytes(dir.path());
  for (const std::string& v : {name, std::string("Tariq Mansour"), std::string("Amina Yusuf")}) {
    CHECK(bytes.find(v) == std::string::npos);
    CHECK(bytes.find(utf16le(v)) == std::string::npos);
  }

  auto reopened = Store::open(dir.path());
  REQUIRE(reopened);
  REQUIRE(vault::unlock(**reopened, "c1", "271828"));
  CHECK((*reopened)->get_draft("c1", "form:intake").value().value().value["full_name"] == name);
  CHECK((*reopened)->get_draft("c1", "form:consent").value().value().value["note"] == "Tariq Mansour");
  CHECK((*reopened)->get_draft("c2", "form:intake").value().value().value["full_name"] == "Amina Yusuf");
  vault::lock(dir.path());
}

}  // namespace ws::kiosk
