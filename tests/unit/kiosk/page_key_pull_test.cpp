// A locked vault's pull under one key per page (kiosk/core/store/page_key.hpp, pull_inbox.cpp;
// docs/security.md "Pulls while locked"): round trip, the older sealed forms still merged, a
// moved or altered row refused without losing the others, no page key on disk in plain, and a
// sign-in killed during the merge losing and doubling nothing.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <filesystem>
#include <string>
#include <vector>

#include "kiosk/core/store/payload_codec.hpp"
#include "kiosk/core/store/vault.hpp"
#include "tests/support/folder_scan.hpp"
#include "tests/unit/kiosk/killed_child.hpp"
#include "tests/unit/kiosk/record_rows.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "ws/hlc.hpp"
#include "ws/ids.hpp"

namespace ws::kiosk {
namespace {

struct FastKdf {
  FastKdf() { vault::set_kdf_limits({1, 64 * 1024}); }
  ~FastKdf() { vault::set_kdf_limits({}); }
};

constexpr const char* kPin = "402718";

// A folder with a vault (counsellor "c1"), locked as the sync worker finds it.
struct LockedVault {
  FastKdf fast;
  test::TempDir dir;
  std::unique_ptr<Store> store = test::enrolled_store(dir.path());
  LockedVault() {
    REQUIRE(vault::add_copy(*store, "c1", kPin));
    vault::lock(dir.path());
  }
  ~LockedVault() { vault::lock(dir.path()); }
  void sign_in() {
    REQUIRE(vault::unlock(*store, "c1", kPin));
    vault::settle_after_unlock(*store);
  }
};

std::string name_of(int i) { return "Pulled Karimi-Vx " + std::to_string(i); }

Envelope pulled(const std::string& id, const std::string& name, std::int64_t wall_ms) {
  Envelope e;
  e.id = id;
  e.kind = "intake";
  e.centre = "OSLO";
  e.version = Version{Hlc{wall_ms, 0}, "dev-other"};
  e.payload = {{"full_name", name}};
  e.field_versions["full_name"] = e.version;
  return e;
}

std::vector<Envelope> fresh_page(int from, int count) {
  std::vector<Envelope> page;
  for (int i = from; i < from + count; ++i) page.push_back(pulled(new_uuid_v7(), name_of(i), HlcClock::system_wall_ms()));
  return page;
}

std::int64_t count_of(Store& s, const std::string& sql) {
  auto st = s.connection().prepare(sql);
  REQUIRE(st);
  REQUIRE(st->step().value());
  return st->column_int(0);
}

using test::codec_of;
using test::payload_bytes;

void set_payload(Store& s, const std::string& id, const std::string& bytes) {
  auto st = s.connection().prepare("UPDATE records SET payload = ?1 WHERE id = ?2");
  REQUIRE(st);
  REQUIRE(st->bind_blob(1, bytes).bind(2, id).run());
}

std::string name_in(Store& s, const std::string& id) {
  auto r = s.get(id);
  REQUIRE(r);
  REQUIRE(r->has_value());
  return (*r)->envelope.payload.value("full_name", "");
}

// A record this kiosk holds encrypted, so a pulled edit of it waits in the inbox while locked.
std::string held_record(LockedVault& v, const std::string& name) {
  REQUIRE(vault::unlock(*v.store, "c1", kPin));
  auto id = v.store->save("intake", {{"full_name", name}});
  REQUIRE(id);
  vault::lock(v.dir.path());
  return *id;
}

Envelope edit_of(Store& s, const std::string& id, const std::string& name) {
  REQUIRE(vault::unlock(s, "c1", kPin));
  Envelope e = s.get(id).value().value().envelope;
  vault::lock(s.data_dir());
  e.version = Version{Hlc{HlcClock::system_wall_ms() + 60'000, 0}, "dev-other"};
  e.payload["full_name"] = name;
  e.field_versions["full_name"] = e.version;
  e.base_version.reset();
  return e;
}

// A locked pull page of `count` new records and a pulled edit of `held` (which waits in the inbox).
std::vector<Envelope> pull_with_edit(LockedVault& v, const std::string& held, const std::string& edited, int count, bool more) {
  auto page = fresh_page(0, count);
  page.push_back(edit_of(*v.store, held, edited));
  REQUIRE(v.store->apply_pull(protocol::PullResponse{page, "1", more}));
  return page;
}

}  // namespace

TEST_CASE("a locked pull page is one stored key; its records and inbox entries open at sign-in") {
  LockedVault v;
  auto& store = *v.store;
  const auto held = held_record(v, "Local Sultani-Vx");
  const auto page = pull_with_edit(v, held, "Edited Sultani-Vx", 5, true);
  auto second = fresh_page(5, 3);
  REQUIRE(store.apply_pull(protocol::PullResponse{second, "2", false}));

  CHECK(count_of(store, "SELECT COUNT(*) FROM page_keys") == 2);
  CHECK(count_of(store, "SELECT COUNT(*) FROM records WHERE payload_codec = 4") == 8);
  CHECK(count_of(store, "SELECT COUNT(*) FROM pull_inbox WHERE codec = 4") == 1);
  CHECK(store.get(page.front().id).value().value().payload_locked);

  // Readable as soon as the vault opens, before the settle re-encrypts them.
  REQUIRE(vault::unlock(store, "c1", kPin));
  CHECK(name_in(store, page[1].id) == name_of(1));
  vault::settle_after_unlock(store);
  for (int i = 0; i < 5; ++i) CHECK(name_in(store, page[static_cast<std::size_t>(i)].id) == name_of(i));
  for (int i = 0; i < 3; ++i) CHECK(name_in(store, second[static_cast<std::size_t>(i)].id) == name_of(5 + i));
  CHECK(name_in(store, held) == "Edited Sultani-Vx");
  CHECK(codec_of(store, page.front().id) == codec::kDataKey);
  CHECK(store.pull_inbox_count().value() == 0);
  CHECK(count_of(store, "SELECT COUNT(*) FROM page_keys") == 0);
  CHECK(store.conflicts().value().size() == 1);
}

TEST_CASE("the older sealed forms (one box per record or inbox entry) still merge at sign-in") {
  LockedVault v;
  auto& store = *v.store;
  const auto held = held_record(v, "Local Ahmadi-Vx");
  const auto pk = vault::public_key(store).value();
  // What an older kiosk left: a record saved while locked outside any page, an inbox entry sealed whole.
  auto saved = store.save("intake", {{"full_name", "Saved Locked-Vx"}});
  REQUIRE(saved);
  CHECK(codec_of(store, *saved) == codec::kSealedJson);
  const auto edit = edit_of(store, held, "Edited Ahmadi-Vx");
  auto ins = store.connection().prepare("INSERT INTO pull_inbox(record_id, envelope, received_ms) VALUES(?1, ?2, 0)");
  REQUIRE(ins);
  REQUIRE(ins->bind(1, held).bind_blob(2, vault::seal(pk, to_json(edit).dump())).run());
  CHECK(count_of(store, "SELECT COUNT(*) FROM pull_inbox WHERE codec = 2") == 1);

  v.sign_in();
  CHECK(name_in(store, *saved) == "Saved Locked-Vx");
  CHECK(name_in(store, held) == "Edited Ahmadi-Vx");
  CHECK(store.pull_inbox_count().value() == 0);
  CHECK(codec_of(store, *saved) == codec::kDataKey);
}

TEST_CASE("a swapped or altered row of a page is refused and kept; the page's other rows open") {
  LockedVault v;
  auto& store = *v.store;
  const auto held_a = held_record(v, "Local A-Vx");
  const auto held_b = held_record(v, "Local B-Vx");
  auto page = fresh_page(0, 4);
  page.push_back(edit_of(store, held_a, "Edited A-Vx"));
  page.push_back(edit_of(store, held_b, "Edited B-Vx"));
  REQUIRE(store.apply_pull(protocol::PullResponse{page, "1", false}));
  // Records 0 and 1 swap payloads, record 2's ciphertext loses a bit; record 3 is untouched.
  const auto zero = payload_bytes(store, page[0].id), one = payload_bytes(store, page[1].id);
  set_payload(store, page[0].id, one);
  set_payload(store, page[1].id, zero);
  auto bent = payload_bytes(store, page[2].id);
  bent.back() = static_cast<char>(bent.back() ^ 1);
  set_payload(store, page[2].id, bent);
  // A's inbox entry is moved onto B's record.
  auto move = store.connection().prepare("UPDATE pull_inbox SET record_id = ?1 WHERE seq = (SELECT MIN(seq) FROM pull_inbox)");
  REQUIRE(move);
  REQUIRE(move->bind(1, held_b).run());

  v.sign_in();
  for (int i = 0; i < 3; ++i) CHECK(store.get(page[static_cast<std::size_t>(i)].id).error().code == "corrupt");
  CHECK(name_in(store, page[3].id) == name_of(3));
  CHECK(name_in(store, held_a) == "Local A-Vx");
  CHECK(name_in(store, held_b) == "Edited B-Vx");
  // Kept as they were, with the key they need: never guessed at, never dropped.
  CHECK(count_of(store, "SELECT COUNT(*) FROM records WHERE payload_codec = 4") == 3);
  CHECK(store.pull_inbox_count().value() == 1);
  CHECK(count_of(store, "SELECT COUNT(*) FROM page_keys") == 1);
}

TEST_CASE("a page key is on disk only sealed, and the pulled values nowhere in clear") {
  LockedVault v;
  auto& store = *v.store;
  pull_with_edit(v, held_record(v, "Local Noori-Vx"), "Edited Noori-Vx", 20, false);
  CHECK(count_of(store, "SELECT COUNT(*) FROM page_keys") == 1);
  std::string sealed;
  {
    auto st = store.connection().prepare("SELECT sealed FROM page_keys");
    REQUIRE(st);
    REQUIRE(st->step().value());
    sealed = st->column_blob(0);
  }
  REQUIRE(vault::unlock(store, "c1", kPin));
  auto key = vault::open(v.dir.path(), sealed);
  REQUIRE(key);
  REQUIRE(key->size() == 32);
  vault::lock(v.dir.path());
  CHECK(store.scrub_wal().value());
  std::vector<std::string> secrets{*key, "Edited Noori-Vx", "Local Noori-Vx"};
  for (int i = 0; i < 20; ++i) secrets.push_back(name_of(i));
  CHECK(ws::test::files_holding(v.dir.path(), secrets) == "");
}

TEST_CASE("a sign-in killed at any moment of the merge loses and doubles nothing") {
  FastKdf fast;
  test::TempDir base;
  const std::string pristine = base.path() + "/pristine";
  std::vector<Envelope> pages;
  std::vector<std::string> held;
  {
    LockedVault v;
    for (int i = 0; i < 10; ++i) held.push_back(held_record(v, "Local " + std::to_string(i) + "-Vx"));
    for (int p = 0; p < 4; ++p) {
      auto page = fresh_page(p * 100, 100);
      if (p < 2) {
        for (int i = p * 5; i < p * 5 + 5; ++i) page.push_back(edit_of(*v.store, held[static_cast<std::size_t>(i)], "Edited " + std::to_string(i)));
      }
      REQUIRE(v.store->apply_pull(protocol::PullResponse{page, std::to_string(p + 1), p < 3}));
      pages.insert(pages.end(), page.begin(), page.end());
    }
    v.store.reset();
    std::filesystem::copy(v.dir.path(), pristine, std::filesystem::copy_options::recursive);
  }
  const std::vector<int> kill_after_us{0, 300, 1'000, 3'000, 10'000, 30'000, 100'000, -1};
  for (const int delay_us : kill_after_us) {
    const std::string dir = base.path() + "/run" + std::to_string(delay_us);
    std::filesystem::copy(pristine, dir, std::filesystem::copy_options::recursive);
    const int status = test::run_killed_after(delay_us, [&] {
      auto store = Store::open(dir);
      const bool opened = store && vault::unlock(**store, "c1", kPin);
      if (opened) vault::settle_after_unlock(**store);
      return opened ? 0 : 3;
    });
    REQUIRE(status != -1);
    if (delay_us < 0) CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    auto store = Store::open(dir);
    REQUIRE(store);
    REQUIRE(vault::unlock(**store, "c1", kPin));
    vault::settle_after_unlock(**store);
    CHECK(count_of(**store, "SELECT COUNT(*) FROM records WHERE kind = 'intake'") == 410);
    CHECK(count_of(**store, "SELECT COUNT(*) FROM records WHERE payload_codec <> 3 AND kind = 'intake'") == 0);
    CHECK((*store)->pull_inbox_count().value() == 0);
    CHECK(count_of(**store, "SELECT COUNT(*) FROM page_keys") == 0);
    for (std::size_t i = 0; i < pages.size(); i += 7) {
      CHECK(name_in(**store, pages[i].id) == pages[i].payload["full_name"].get<std::string>());
    }
    for (int i = 0; i < 10; ++i) {
      CHECK(name_in(**store, held[static_cast<std::size_t>(i)]) == "Edited " + std::to_string(i));
    }
    vault::lock(dir);
  }
}

}  // namespace ws::kiosk
