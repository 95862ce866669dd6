// The server's key pair for sealed pushes: made once, then the same across reopen, backup and
// restore (the kiosks' outboxes are sealed to it).
#include <doctest/doctest.h>

#include "sync-server/core/backup.hpp"
#include "sync-server/core/seal_key.hpp"
#include "tests/unit/server/fixtures.hpp"
#include "ws/push_seal.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;

namespace {

std::string public_key_of(const std::string& path) {
  auto db = Database::open(path);
  REQUIRE(db);
  auto lease = (*db)->acquire();
  REQUIRE(lease);
  auto keys = load_or_create_seal_key(**lease);
  REQUIRE(keys);
  return keys->public_key;
}

}  // namespace

TEST_CASE("the seal key is made on first use and kept across reopen, backup and restore") {
  TempDir dir;
  const std::string path = dir.file("server.db");
  const std::string first = public_key_of(path);
  CHECK(first.size() == 32);
  CHECK(public_key_of(path) == first);

  REQUIRE(backup_database(path, dir.file("copy.db")));
  const std::string restored = dir.file("restored.db");
  REQUIRE(restore_database(dir.file("copy.db"), restored));
  CHECK(public_key_of(restored) == first);
}

TEST_CASE("a body sealed to the stored key opens with it, and what inflates past the cap is refused") {
  TestDb t;
  auto lease = t.db->acquire();
  REQUIRE(lease);
  auto keys = load_or_create_seal_key(**lease);
  REQUIRE(keys);
  const std::string body(100'000, 'a');
  auto sealed = push_seal::seal(keys->public_key, "dev-1", body);
  REQUIRE(sealed);
  CHECK(sealed->size() < body.size() / 10);  // compressed before sealing
  auto opened = push_seal::open(*keys, "dev-1", *sealed, 1'000'000);
  REQUIRE(opened);
  CHECK(*opened == body);
  auto capped = push_seal::open(*keys, "dev-1", *sealed, 50'000);
  REQUIRE_FALSE(capped);
  CHECK(capped.error().code == "too_large");
  CHECK(push_seal::decode_key(push_seal::encode_key(keys->public_key)) == keys->public_key);
  CHECK(push_seal::decode_key("not a key").empty());
}
