#include <doctest/doctest.h>
#include <sys/stat.h>

#include "kiosk/core/store/store.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "ws/ids.hpp"

using namespace ws::kiosk;
using ws::kiosk::test::TempDir;

namespace {

std::int64_t outbox_rows(Store& s) {
  auto st = s.connection().prepare("SELECT count(*) FROM outbox");
  REQUIRE(st);
  REQUIRE(st->step());
  return st->column_int(0);
}

}  // namespace

TEST_CASE("a save writes the record, its field versions and one outbox row") {
  TempDir dir;
  auto store = test::enrolled_store(dir.path());
  auto id = store->save("intake", test::intake_payload(1));
  REQUIRE(id);
  CHECK(ws::is_uuid(*id));
  auto got = store->get(*id);
  REQUIRE(got);
  REQUIRE(*got);
  const auto& e = (*got)->envelope;
  CHECK(e.kind == "intake");
  CHECK(e.centre == "OSLO");
  CHECK(e.version.device == "dev-a");
  CHECK(e.payload["name_latin"] == "Test Person 1");
  CHECK(e.field_versions.size() == test::intake_payload(1).size());
  CHECK(e.field_versions.at("legal_status_notes") == e.version);
  CHECK_FALSE(e.base_version.has_value());
  CHECK((*got)->sync_state == SyncState::Pending);
  CHECK(outbox_rows(*store) == 1);
  CHECK(store->pending_count().value() == 1);
}

TEST_CASE("the database file is private to the kiosk user") {
  TempDir dir;
  auto store = test::enrolled_store(dir.sub("data"));
  struct stat st {};
  REQUIRE(::stat(Store::database_path(dir.sub("data")).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat(dir.sub("data").c_str(), &st) == 0);
  CHECK((st.st_mode & 0077) == 0);
}

TEST_CASE("saves are refused before enrolment and for HQ-only kinds, with words") {
  TempDir dir;
  auto fresh = Store::open(dir.path());
  REQUIRE(fresh);
  auto r = (*fresh)->save("intake", test::intake_payload(1));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "not_enrolled");
  auto store = test::enrolled_store(dir.path());
  CHECK(store->save("form", nlohmann::json::object()).error().code == "invalid_kind");
  CHECK(store->save("Bad Kind", nlohmann::json::object()).error().code == "invalid_kind");
  CHECK(store->save("intake", nlohmann::json::array()).error().code == "invalid_payload");
  auto meta = store->save("intake", {{"_counsellor", std::string(200, 'x')}});
  REQUIRE_FALSE(meta);
  CHECK(meta.error().message.find("_counsellor") != std::string::npos);
  CHECK(store->save("intake", {{"_case_id", "not-a-uuid"}}).error().code == "invalid_payload");
  CHECK(outbox_rows(*store) == 0);
}

TEST_CASE("an update stamps only the fields it changes and a no-op writes nothing") {
  TempDir dir;
  auto store = test::enrolled_store(dir.path());
  auto id = store->save("case", {{"given_name", "Amina"}, {"status", "open"}});
  REQUIRE(id);
  const auto before = store->get(*id).value().value().envelope;

  auto same = store->update(*id, {{"status", "open"}});
  REQUIRE(same);
  CHECK(same->version == before.version);

  auto changed = store->update(*id, {{"status", "decided"}, {"phone", nullptr}});
  REQUIRE(changed);
  CHECK(changed->version > before.version);
  CHECK(changed->field_versions.at("status") == changed->version);
  CHECK(changed->field_versions.at("given_name") == before.version);
  CHECK_FALSE(changed->payload.contains("phone"));  // clearing an absent field is no change

  auto cleared = store->update(*id, {{"given_name", nullptr}});
  REQUIRE(cleared);
  CHECK(cleared->payload["given_name"].is_null());
  CHECK(cleared->field_versions.at("given_name") == cleared->version);
  CHECK(outbox_rows(*store) == 1);  // one unsent row per record, however many edits

  CHECK(store->update(ws::new_uuid_v7(), {{"a", 1}}).error().code == "not_found");
}

TEST_CASE("listing is newest first, searchable, filtered by case and hides tombstones") {
  TempDir dir;
  auto store = test::enrolled_store(dir.path());
  auto case_id = store->save("case", {{"given_name", "Amina"}, {"family_name", "Ahmadi"}, {"case_number", "OSL-1"}});
  auto other = store->save("case", {{"given_name", "Yonas"}, {"family_name", "Tesfaye"}, {"case_number", "OSL-2"}});
  REQUIRE(case_id);
  REQUIRE(other);
  auto intake = store->save("intake", {{"notes", "first interview"}}, *case_id);
  auto session = store->save("counselling", {{"notes", "second talk"}}, *case_id);
  REQUIRE(intake);
  REQUIRE(session);

  auto cases = store->list({.kind = "case"});
  REQUIRE(cases);
  REQUIRE(cases->size() == 2);
  CHECK(cases->at(0).envelope.id == *other);  // newest first

  auto found = store->list({.kind = "case", .text = "AHMADI"});
  REQUIRE(found);
  REQUIRE(found->size() == 1);
  CHECK(found->at(0).envelope.id == *case_id);
  CHECK(store->list({.kind = "case", .text = "osl-2"})->size() == 1);
  CHECK(store->list({.kind = "case", .text = "nobody"})->empty());

  auto linked = store->linked_to_case(*case_id);
  REQUIRE(linked);
  CHECK(linked->size() == 2);
  CHECK(store->list({.kind = "intake", .case_id = *case_id})->size() == 1);

  REQUIRE(store->remove(*other));
  CHECK(store->list({.kind = "case"})->size() == 1);
  CHECK(store->list({.kind = "case", .include_deleted = true})->size() == 2);
  CHECK(store->update(*other, {{"x", 1}}).error().code == "deleted");

  auto page = store->list({.kind = "case", .include_deleted = true, .limit = 1, .offset = 1});
  REQUIRE(page);
  REQUIRE(page->size() == 1);
  CHECK(page->at(0).envelope.id == *case_id);
}

TEST_CASE("the clock is persisted: stamps never repeat across reopen or two connections") {
  TempDir dir;
  ws::Version last;
  {
    auto store = test::enrolled_store(dir.path());
    auto id = store->save("intake", test::intake_payload(1));
    last = store->get(*id).value().value().envelope.version;
  }
  auto a = Store::open(dir.path());
  auto b = Store::open(dir.path());
  REQUIRE(a);
  REQUIRE(b);
  for (int i = 0; i < 20; ++i) {
    auto& s = (i % 2) ? *b : *a;
    auto id = s->save("intake", test::intake_payload(i));
    REQUIRE(id);
    auto v = s->get(*id).value().value().envelope.version;
    CHECK(v > last);
    last = v;
  }
}

TEST_CASE("drafts are kept per counsellor across reopening") {
  TempDir dir;
  {
    auto store = test::enrolled_store(dir.path());
    REQUIRE(store->put_draft("c1", "form:intake", {{"full_name", "Half typed"}}));
    REQUIRE(store->put_draft("c1", "form:consent", {{"agree", true}}));
    REQUIRE(store->put_draft("c2", "form:intake", {{"full_name", "Other"}}));
    REQUIRE(store->put_draft("c1", "form:intake", {{"full_name", "Half typed, more"}}));
  }
  auto store = Store::open(dir.path());
  REQUIRE(store);
  auto d = (*store)->get_draft("c1", "form:intake");
  REQUIRE(d);
  REQUIRE(*d);
  CHECK((*d)->value["full_name"] == "Half typed, more");
  CHECK((*store)->drafts("c1")->size() == 2);
  CHECK((*store)->drafts("c2")->size() == 1);
  REQUIRE((*store)->delete_draft("c1", "form:intake"));
  CHECK_FALSE((*store)->get_draft("c1", "form:intake").value().has_value());
  CHECK_FALSE((*store)->put_draft("", "k", 1));
}

TEST_CASE("a read-only store shows what it has and refuses saves in words") {
  TempDir dir;
  std::string id;
  {
    auto store = test::enrolled_store(dir.path());
    id = store->save("intake", test::intake_payload(1)).value();
  }
  auto ro = Store::open(dir.path(), {.read_only = true});
  REQUIRE(ro);
  CHECK((*ro)->read_only());
  CHECK((*ro)->list({.kind = "intake"})->size() == 1);
  auto r = (*ro)->save("intake", test::intake_payload(2));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "store_read_only");
  CHECK(explain_storage_error(r.error(), "saving").message.find("read-only") != std::string::npos);
  CHECK_FALSE((*ro)->put_draft("c", "k", 1));
}

TEST_CASE("a full disk refuses the save cleanly: nothing half-written, nothing lost") {
  TempDir dir;
  { test::enrolled_store(dir.path()); }
  auto store = Store::open(dir.path(), {.max_pages = 40});
  REQUIRE(store);
  std::vector<std::string> saved;
  ws::Error last_error;
  for (int i = 0; i < 2000; ++i) {
    nlohmann::json p = test::intake_payload(i);
    p["notes"] = std::string(2000, static_cast<char>('a' + i % 26));
    auto id = (*store)->save("intake", p);
    if (!id) {
      last_error = id.error();
      break;
    }
    saved.push_back(*id);
  }
  REQUIRE_FALSE(saved.empty());
  CHECK(last_error.code == "disk_full");
  CHECK(explain_storage_error(last_error, "saving").message.find("full") != std::string::npos);
  // Every record that was acknowledged as saved is there, with its outbox row, and the file is sound.
  auto all = (*store)->list({.kind = "intake", .limit = 10000});
  REQUIRE(all);
  CHECK(all->size() == saved.size());
  CHECK(outbox_rows(**store) == static_cast<std::int64_t>(saved.size()));
  auto check = (*store)->connection().prepare("PRAGMA integrity_check");
  REQUIRE(check);
  REQUIRE(check->step());
  CHECK(check->column_text(0) == "ok");
  CHECK((*store)->list({.kind = "intake", .text = "test person 0"})->size() >= 1);
}

TEST_CASE("the login guard keeps wrong-PIN counts and lockouts across a reopen, per counsellor") {
  TempDir dir;
  {
    auto store = test::enrolled_store(dir.path());
    CHECK(store->login_guard("c1").value().clear());  // nobody has tried yet
    REQUIRE(store->set_login_guard("c1", {3, 0}));
    REQUIRE(store->set_login_guard("c1", {5, 1'700'000'030'000}));  // an update, not a second row
    REQUIRE(store->set_login_guard("c2", {1, 0}));
    CHECK_FALSE(store->set_login_guard("", {1, 0}));
    CHECK_FALSE(store->set_login_guard("c3", {-1, 0}));
  }
  auto reopened = Store::open(dir.path());
  REQUIRE(reopened);
  Store& store = **reopened;
  const LoginGuard c1 = store.login_guard("c1").value();
  CHECK(c1.failures == 5);
  CHECK(c1.locked_until_unix_ms == 1'700'000'030'000);
  CHECK(store.login_guard("c2").value().failures == 1);
  // A successful sign-in clears the slate: the row goes, so the table holds only lockouts.
  REQUIRE(store.set_login_guard("c1", {}));
  CHECK(store.login_guard("c1").value().clear());
  auto rows = store.connection().prepare("SELECT count(*) FROM login_guard");
  REQUIRE(rows);
  REQUIRE(rows->step());
  CHECK(rows->column_int(0) == 1);
  // Local bookkeeping: nothing goes to the outbox.
  CHECK(outbox_rows(store) == 0);
}
