// The workspace's adapter over the real kiosk store (temp folder, no server).
#include <doctest/doctest.h>

#include "kiosk/core/store/store.hpp"
#include "kiosk/core/vm/store_data.hpp"
#include "kiosk/core/vm/workspace.hpp"
#include "tests/support/temp_dir.hpp"
#include "ws/crypto.hpp"
#include "ws/ids.hpp"

using namespace ws::kiosk;

namespace {

using ws::test::TempDir;

// A kiosk store in `data_dir` enrolled to a server that is not there (port 9, discard: refused):
// records are saved and wait in the outbox, as on a kiosk that is offline.
std::unique_ptr<Store> offline_store(const std::string& data_dir) {
  auto store = Store::open(data_dir);
  REQUIRE(store);
  REQUIRE((*store)->set_identity({ws::new_uuid_v7(), ws::crypto::random_token(), "osl", "http://127.0.0.1:9"}));
  return std::move(*store);
}

}  // namespace

TEST_CASE("store adapter: counsellors, cases with their timeline, edits, drafts") {
  TempDir dir;
  const std::string data_dir = dir.file("kiosk");
  {
    // An admin-created account as sync would deliver it.
    auto store = offline_store(data_dir);
    auto hash = ws::crypto::hash_password("2468");
    REQUIRE(hash);
    auto saved = store->save("counsellor", {{"name", "Test Counsellor"}, {"role", "counsellor"}, {"pin_hash", *hash}});
    REQUIRE_MESSAGE(saved, (saved ? "" : saved.error().message));
  }
  auto data = vm::StoreWorkspaceData::open(data_dir, WS_TEST_ASSETS_DIR);
  REQUIRE_MESSAGE(data, (data ? "" : data.error().message));
  vm::StoreWorkspaceData& d = **data;
  REQUIRE(d.forms().find("intake") != nullptr);

  const auto accounts = d.counsellors();
  REQUIRE(accounts.size() == 1);
  CHECK(accounts[0].name == "Test Counsellor");

  auto case_id = d.save_record("case",
                               "",
                               {{"case_number", "DEMO-T-1"}, {"name_latin", "Test Person"}, {"status", "open"},
                                {"counsellor", accounts[0].id}},
                               1);
  REQUIRE(case_id);
  auto intake = d.save_record("counselling", "", {{"_case_id", *case_id}, {"_counsellor", accounts[0].id}}, 1);
  REQUIRE(intake);

  auto cases = d.cases();
  REQUIRE(cases);
  REQUIRE(cases->size() == 1);
  CHECK(cases->front().case_number == "DEMO-T-1");
  CHECK(cases->front().display_name() == "Test Person");
  CHECK(cases->front().counsellor_name == "Test Counsellor");
  CHECK(cases->front().sync == vm::RecordSync::Pending);

  auto detail = d.case_detail(*case_id);
  REQUIRE(detail);
  REQUIRE(detail->timeline.size() == 1);
  CHECK(detail->timeline[0].kind == "counselling");
  CHECK(detail->timeline[0].author == "Test Counsellor");

  REQUIRE(d.save_record("case", *case_id, {{"status", "considering"}}, 1));
  auto edited = d.record(*case_id);
  REQUIRE(edited);
  CHECK(edited->answers["status"] == "considering");
  CHECK(edited->answers["case_number"] == "DEMO-T-1");  // an update patches, never replaces

  vm::FormDraft draft{accounts[0].id, "intake", 1, *case_id, "", {{"answers", {{"name_latin", "X"}}}}};
  REQUIRE(d.save_draft(draft));
  auto loaded = d.load_draft(accounts[0].id);
  REQUIRE(loaded);
  REQUIRE(loaded->has_value());
  CHECK((*loaded)->form_id == "intake");
  CHECK((*loaded)->case_id == *case_id);
  CHECK((*loaded)->state == draft.state);
  auto other = d.load_draft("someone-else");
  REQUIRE(other);
  CHECK_FALSE(other->has_value());
  REQUIRE(d.discard_draft(accounts[0].id));
  CHECK_FALSE(d.load_draft(accounts[0].id)->has_value());

  CHECK(d.sync_status().enrolled);
  d.request_sync();  // the engine tries, fails to connect, and keeps everything queued
  auto pending = d.cases();
  REQUIRE(pending);
  CHECK(pending->front().sync == vm::RecordSync::Pending);
}

TEST_CASE("store adapter: a lockout survives closing and reopening the kiosk") {
  TempDir dir;
  const std::string data_dir = dir.file("kiosk");
  (void)offline_store(data_dir);
  // Instant verifier: this test is about the counting, not Argon2id.
  auto verifier = [](const std::string&, const std::string& secret) { return secret == "2468"; };
  std::string id;
  {
    auto data = vm::StoreWorkspaceData::open(data_dir, WS_TEST_ASSETS_DIR);
    REQUIRE(data);
    auto added = (*data)->add_counsellor("Test Counsellor", "counsellor", "$argon2id$not-checked-here");
    REQUIRE(added);
    id = *added;
    vm::Workspace ws(**data, {}, verifier);
    for (int i = 0; i < 5; ++i) {
      REQUIRE(ws.session().submit(id, "0000", 1000));
      ws.session().wait_for_verification();
      ws.tick(1000);
    }
    CHECK(ws.session().lockout_remaining_ms(id, 1000) == 30'000);
  }
  // A new process: the monotonic clock starts again near zero.
  auto data = vm::StoreWorkspaceData::open(data_dir, WS_TEST_ASSETS_DIR);
  REQUIRE(data);
  vm::Workspace ws(**data, {}, verifier);
  ws.tick(5);
  const auto wait = ws.session().lockout_remaining_ms(id, 5);
  CHECK(wait > 25'000);
  CHECK(wait <= 30'000);
  CHECK(ws.session().failed_attempts(id) == 5);
  CHECK_FALSE(ws.session().submit(id, "2468", 10));  // even the right PIN waits
  CHECK(ws.session().last_error().find("Too many wrong PINs") != std::string::npos);
}
