// One Argon2id per sign-in (kiosk/core/store/vault.hpp sign_in, vault_copy.hpp): a form-2 copy
// is the PIN check for the pin_hash it was written under; a form-1 copy (the two-hash form of
// schema 13) still signs in, is rewritten in form 2 at that sign-in, and a kill at any moment of
// that sign-in leaves a folder the same PIN opens.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <filesystem>
#include <vector>

#include "kiosk/core/store/vault.hpp"
#include "ws/hlc.hpp"
#include "tests/unit/kiosk/killed_child.hpp"
#include "tests/unit/kiosk/support.hpp"

namespace ws::kiosk {
namespace {

constexpr const char* kPin = "482193";
// A stand-in pin_hash: the vault treats it as an opaque string, the check below decides.
const std::string kHash = "$fake$482193";

struct FastKdf {
  FastKdf() { vault::set_kdf_limits({1, 64 * 1024}); }
  ~FastKdf() { vault::set_kdf_limits({}); }
};

// The pin_hash check of the sign-in, counted: it is the second Argon2id run a copy spares.
struct HashCheck {
  int runs = 0;
  vault::HashCheck fn() {
    return [this](const std::string& hash, const std::string& secret) {
      ++runs;
      return hash == "$fake$" + secret;
    };
  }
};

struct Row {
  int form = 0;
  std::string verifier, pin_tag;
};

Row copy_row(Store& store, const std::string& who) {
  auto st = store.connection().prepare("SELECT form, verifier, pin_tag FROM vault_copies WHERE counsellor = ?1");
  REQUIRE(st);
  st->bind(1, who);
  auto row = st->step();
  REQUIRE(row);
  REQUIRE(*row);
  return Row{static_cast<int>(st->column_int(0)), st->column_blob(1), st->column_text(2)};
}

// A folder with a vault and `who`'s copy as a kiosk before schema 14 wrote it: the wrapping key
// is Argon2id(PIN, salt) itself.
void write_form_1(Store& store, const std::string& who, const std::string& pin) {
  auto keys = seal::make_key_pair();
  REQUIRE(keys);
  const seal::KdfLimits limits{1, 64 * 1024};
  const std::string salt = seal::random_bytes(seal::kSaltBytes);
  auto kek = seal::derive_key(pin, salt, limits);
  REQUIRE(kek);
  const std::string_view sk(reinterpret_cast<const char*>(keys->secret_key.data()), keys->secret_key.size());
  const std::string aad = std::string("waystation-vault-copy-v1") + '\0' + keys->public_key + who;
  auto& db = store.connection();
  auto v = db.prepare("INSERT INTO vault(one, public_key, created_ms) VALUES(1, ?1, 1)");
  REQUIRE(v);
  REQUIRE(v->bind_blob(1, keys->public_key).run());
  auto c = db.prepare("INSERT INTO vault_copies(counsellor, salt, ops, mem, wrapped, created_ms) VALUES(?1, ?2, ?3, ?4, ?5, 1)");
  REQUIRE(c);
  REQUIRE(c->bind(1, who).bind_blob(2, salt).bind(3, static_cast<std::int64_t>(limits.ops))
              .bind(4, static_cast<std::int64_t>(limits.mem_bytes)).bind_blob(5, seal::encrypt(*kek, sk, aad)).run());
}

}  // namespace

TEST_CASE("a copy written under the account's pin_hash is the PIN check: the hash is never run") {
  FastKdf fast;
  test::TempDir dir;
  auto store = test::enrolled_store(dir.path());
  HashCheck hash;
  auto first = vault::sign_in(*store, "c1", kHash, kPin, hash.fn());
  CHECK(first.pin_ok);
  REQUIRE(first.opened);
  CHECK(hash.runs == 1);  // no copy yet: the hash decided, then the vault was made
  const Row row = copy_row(*store, "c1");
  CHECK(row.form == 2);
  CHECK(row.verifier.size() == 32);
  CHECK_FALSE(row.pin_tag.empty());
  vault::lock(dir.path());

  auto right = vault::sign_in(*store, "c1", kHash, kPin, hash.fn());
  CHECK(right.pin_ok);
  CHECK(right.opened);
  CHECK(vault::unlocked(dir.path()));
  vault::lock(dir.path());
  auto wrong = vault::sign_in(*store, "c1", kHash, "482194", hash.fn());
  CHECK_FALSE(wrong.pin_ok);
  CHECK_FALSE(vault::unlocked(dir.path()));
  CHECK(hash.runs == 1);
}

TEST_CASE("after HQ set a new PIN, the old one no longer signs in and the new one is checked against the hash") {
  FastKdf fast;
  test::TempDir dir;
  auto store = test::enrolled_store(dir.path());
  HashCheck hash;
  REQUIRE(vault::sign_in(*store, "c1", kHash, kPin, hash.fn()).opened);
  vault::lock(dir.path());
  const std::string reset = "$fake$777111";
  CHECK_FALSE(vault::sign_in(*store, "c1", reset, kPin, hash.fn()).pin_ok);
  auto renewed = vault::sign_in(*store, "c1", reset, "777111", hash.fn());
  CHECK(renewed.pin_ok);  // the sign-in works; the copy under the old PIN does not open
  CHECK(renewed.opened.error().code == "wrong_secret");
  CHECK_FALSE(vault::unlocked(dir.path()));
}

TEST_CASE("a copy in the old two-hash form signs in and is rewritten in the one-hash form") {
  FastKdf fast;
  test::TempDir dir;
  auto store = test::enrolled_store(dir.path());
  write_form_1(*store, "c1", kPin);
  HashCheck hash;
  CHECK_FALSE(vault::sign_in(*store, "c1", kHash, "000000", hash.fn()).pin_ok);
  CHECK(copy_row(*store, "c1").form == 1);
  auto upgraded = vault::sign_in(*store, "c1", kHash, kPin, hash.fn());
  CHECK(upgraded.pin_ok);
  REQUIRE(upgraded.opened);
  CHECK(copy_row(*store, "c1").form == 2);
  vault::lock(dir.path());
  const int before = hash.runs;
  auto next = vault::sign_in(*store, "c1", kHash, kPin, hash.fn());
  CHECK(next.opened);
  CHECK(hash.runs == before);
  vault::lock(dir.path());
  // The plain unlock (tests, benches) opens either form.
  CHECK(vault::unlock(*store, "c1", kPin));
  vault::lock(dir.path());
}

TEST_CASE("killed at any moment of the upgrading sign-in, the old-form folder still signs in") {
  FastKdf fast;
  test::TempDir base;
  const std::string pristine = base.path() + "/pristine";
  {
    auto store = test::enrolled_store(pristine);
    write_form_1(*store, "c1", kPin);
  }
  namespace fs = std::filesystem;
  // From killed at once to never killed: each run kills the sign-in later; the last one finishes.
  const std::vector<int> kill_after_us{0, 100, 300, 1'000, 3'000, 10'000, 30'000, 100'000, -1};
  for (const int delay_us : kill_after_us) {
    const std::string dir = base.path() + "/run" + std::to_string(delay_us);
    fs::copy(pristine, dir, fs::copy_options::recursive);
    const int status = test::run_killed_after(delay_us, [&] {
      auto store = Store::open(dir);
      HashCheck hash;
      const bool opened = store && vault::sign_in(**store, "c1", kHash, kPin, hash.fn()).opened;
      return opened ? 0 : 3;
    });
    REQUIRE(status != -1);
    if (delay_us < 0) CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    auto store = Store::open(dir);
    REQUIRE(store);
    HashCheck hash;
    CHECK_FALSE(vault::sign_in(**store, "c1", kHash, "000000", hash.fn()).pin_ok);
    auto again = vault::sign_in(**store, "c1", kHash, kPin, hash.fn());
    CHECK(again.pin_ok);
    CHECK(again.opened);
    CHECK(copy_row(**store, "c1").form == 2);
    vault::lock(dir);
  }
}

}  // namespace ws::kiosk
