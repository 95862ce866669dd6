// The appointment inbox: the centre's requests with their status, a status change as an edit
// that syncs, the case list's badge after a sync round brings a new request, "Make a case".
#include <doctest/doctest.h>

#include "headless.hpp"
#include "kiosk/core/vm/fixtures.hpp"
#include "ws/ids.hpp"

using namespace ws::kiosk;
using ui_test::Headless;

namespace {

struct InboxRig {
  Headless imgui;
  std::unique_ptr<vm::FixtureWorld> world;
  std::unique_ptr<ui::Shell> shell;

  InboxRig() {
    auto w = vm::make_fixture_world(WS_TEST_ASSETS_DIR);
    REQUIRE(w);
    world = std::move(*w);
    shell = std::make_unique<ui::Shell>(ui::make_registry(), world->workspace.get(), ui::AppView{});
    REQUIRE(world->sign_in(imgui.now_ms));
  }
  vm::Workspace& ws() { return *world->workspace; }
  const vm::AppointmentRequest* request(const std::string& name) {
    for (const auto& r : ws().inbox())
      if (r.name == name) return &r;
    return nullptr;
  }
  // A request made on another kiosk of the centre, as a pull delivers it, then the round ends.
  void pull_request(const std::string& name) {
    vm::MemoryRecord r;
    r.id = ws::new_uuid_v7();
    r.kind = "appointment";
    r.answers = {{"name", name}, {"preferred_language", "ar"}, {"consent_contact", true}};
    r.when = "2024-05-14 11:58";
    r.sync = vm::RecordSync::Synced;
    world->data->records.push_back(r);
    world->data->status.rounds_finished += 1;
  }
};

}  // namespace

TEST_CASE("inbox: lists the centre's requests, new ones first, with language, time and who handled them") {
  InboxRig r;
  const auto& inbox = r.ws().inbox();
  REQUIRE(inbox.size() == 3);
  CHECK(inbox[0].status == "new");
  CHECK(inbox[1].status == "new");
  CHECK(inbox[2].status == "contacted");
  CHECK(r.ws().new_requests() == 2);
  const auto* hamdi = r.request("Hamdi Warsame");
  REQUIRE(hamdi != nullptr);
  CHECK(hamdi->language_label == "Somali");
  CHECK(hamdi->asked_at == "2024-05-13 15:40");
  CHECK(hamdi->handled_by_name.empty());
  const auto* tetiana = r.request("Tetiana Bondar");
  REQUIRE(tetiana != nullptr);
  CHECK(tetiana->handled_by_name == r.ws().session().counsellor()->name);
  CHECK(tetiana->phone == "+47 400 00 231");
}

TEST_CASE("inbox: a status change is an edit of the request that syncs, naming who handled it") {
  InboxRig r;
  const std::string id = r.request("Hamdi Warsame")->id;
  const int syncs = r.world->data->sync_requests;
  REQUIRE(r.ws().set_request_status(id, "booked"));
  const vm::MemoryRecord* stored = r.world->data->find(id);
  REQUIRE(stored != nullptr);
  CHECK(stored->answers["_inbox_status"] == "booked");
  CHECK(stored->answers["_handled_by"] == r.world->counsellor_id());
  CHECK(stored->answers["name"] == "Hamdi Warsame");  // a patch: the request itself is kept
  CHECK(stored->sync == vm::RecordSync::Pending);
  CHECK(r.world->data->sync_requests == syncs + 1);
  CHECK(r.request("Hamdi Warsame")->status == "booked");
  CHECK(r.ws().new_requests() == 1);
  CHECK_FALSE(r.ws().set_request_status(id, "lost"));
}

TEST_CASE("inbox: the case list's badge counts a request pulled by the next sync round") {
  InboxRig r;
  REQUIRE(r.shell->navigate("cases"));
  (void)r.imgui.frame(*r.shell);
  CHECK(r.imgui.shows("Requests \xc2\xb7 2 new"));
  r.pull_request("Amal Haddad");
  (void)r.imgui.frame(*r.shell);  // the tick sees the finished round and re-reads the inbox
  (void)r.imgui.frame(*r.shell);
  CHECK(r.ws().new_requests() == 3);
  CHECK(r.imgui.shows("Requests \xc2\xb7 3 new"));
  auto intents = r.imgui.tap(*r.shell, "Requests \xc2\xb7 3 new");
  CHECK(Headless::find<ui::Navigate>(intents) != nullptr);
  CHECK(r.shell->current() == "inbox");
}

TEST_CASE("inbox screen: status toggles and Make a case go out as intents") {
  InboxRig r;
  REQUIRE(r.shell->navigate("inbox"));
  (void)r.imgui.frame(*r.shell);
  CHECK(r.imgui.shows("Make a case"));
  // The first row is the newest new request (Nahid, in Dari).
  auto intents = r.imgui.tap(*r.shell, "Contacted");
  const auto* set = Headless::find<ui::SetRequestStatus>(intents);
  REQUIRE(set != nullptr);
  CHECK(set->status == "contacted");
  CHECK(r.ws().new_requests() == 1);
  (void)r.imgui.frame(*r.shell);
  intents = r.imgui.tap(*r.shell, "Make a case");
  REQUIRE(Headless::find<ui::MakeCaseFromRequest>(intents) != nullptr);
  CHECK(r.shell->current() == "form");
}

TEST_CASE("inbox: Make a case opens a prefilled case form and saving it links the request to the case") {
  InboxRig r;
  const std::string id = r.request("Hamdi Warsame")->id;
  REQUIRE(r.ws().make_case_from_request(id));
  vm::FormEditor* form = r.ws().form();
  REQUIRE(form != nullptr);
  CHECK(form->form_id() == "case");
  CHECK(form->session().answer("name_latin") == "Hamdi Warsame");
  const std::string number = form->session().answer("case_number").get<std::string>();
  CHECK(number.rfind("DEMO-OSLO-2024-", 0) == 0);
  auto saved = r.ws().save_form();
  REQUIRE_MESSAGE(saved, (saved ? "" : saved.error().message));
  const vm::MemoryRecord* request = r.world->data->find(id);
  REQUIRE(request != nullptr);
  CHECK(request->answers["_case_id"] == *saved);
  CHECK(request->answers["_inbox_status"] == "contacted");
  CHECK(r.request("Hamdi Warsame")->case_id == *saved);
  // The request (with its phone and language) is on the new case's timeline.
  REQUIRE(r.ws().current_case());
  bool on_timeline = false;
  for (const auto& e : r.ws().current_case()->timeline) on_timeline = on_timeline || e.record_id == id;
  CHECK(on_timeline);
}

TEST_CASE("inbox: a name in Arabic script goes to the case's own-script name") {
  InboxRig r;
  const auto& first = r.ws().inbox().front();
  REQUIRE(first.language == "prs");
  REQUIRE(r.ws().make_case_from_request(first.id));
  const auto& s = r.ws().form()->session();
  CHECK(s.answer("name_native") == first.name);
  CHECK(s.answer("name_latin").is_null());
}

TEST_CASE("inbox: nothing of it stays after sign-out") {
  InboxRig r;
  REQUIRE_FALSE(r.ws().inbox().empty());
  r.ws().session().logout();
  CHECK(r.ws().inbox().empty());
  CHECK(r.ws().new_requests() == 0);
}
