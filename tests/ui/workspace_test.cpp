// The counsellor workspace over fixture data: idle lock clears people's data and keeps the
// draft for the same counsellor only; form navigation and saving; case status changes.
#include <doctest/doctest.h>

#include "kiosk/core/vm/fixtures.hpp"

using namespace ws::kiosk::vm;

namespace {

std::unique_ptr<FixtureWorld> world() {
  auto w = make_fixture_world(WS_TEST_ASSETS_DIR);
  REQUIRE_MESSAGE(w, (w ? "" : w.error().message));
  return std::move(*w);
}

std::string second_counsellor(FixtureWorld& w) {
  for (const auto& a : w.data->accounts)
    if (a.id != w.counsellor_id()) return a.id;
  return {};
}

void sign_in_as(FixtureWorld& w, const std::string& id, std::int64_t now) {
  Session& s = w.workspace->session();
  REQUIRE(s.submit(id, kFixturePin, now));
  s.wait_for_verification();
  w.workspace->tick(now);
  REQUIRE(s.signed_in());
}

}  // namespace

TEST_CASE("signing in loads the cases; nothing personal is loaded before") {
  auto w = world();
  Workspace& ws = *w->workspace;
  CHECK(ws.cases().empty());
  CHECK_FALSE(ws.open_case(w->first_case_id()));
  REQUIRE(w->sign_in(0));
  CHECK(ws.cases().size() == 8);
  CHECK(ws.open_case(w->first_case_id()));
  REQUIRE(ws.current_case());
  CHECK(ws.current_case()->timeline.size() == 4);
}

TEST_CASE("the idle lock clears every person's data but keeps unsaved answers as a draft") {
  auto w = world();
  Workspace& ws = *w->workspace;
  REQUIRE(w->sign_in(0));
  REQUIRE(ws.open_case(w->first_case_id()));
  REQUIRE(ws.open_form("intake", w->first_case_id(), ""));
  ws.form()->set_answer("name_latin", "Farid Rahimi");
  CHECK(ws.form()->refusal().empty());
  REQUIRE(ws.form()->dirty());

  const SessionPolicy p;
  ws.tick(p.idle_warning_ms);
  CHECK(ws.session().state() == SessionState::IdleWarning);
  CHECK(ws.form() != nullptr);  // still there while the prompt waits for an answer
  ws.tick(p.idle_warning_ms + p.idle_grace_ms);

  CHECK_FALSE(ws.session().signed_in());
  CHECK(ws.cases().empty());
  CHECK(ws.total_cases() == 0);
  CHECK_FALSE(ws.current_case().has_value());
  CHECK(ws.form() == nullptr);
  CHECK_FALSE(ws.pending_draft().has_value());
  // The draft is in the store, under this counsellor.
  REQUIRE(w->data->drafts.count(w->counsellor_id()) == 1);
  CHECK(w->data->drafts[w->counsellor_id()].form_id == "intake");

  // Another counsellor at the kiosk is not offered it.
  const std::int64_t later = p.idle_warning_ms + p.idle_grace_ms + 10;
  sign_in_as(*w, second_counsellor(*w), later);
  CHECK_FALSE(ws.pending_draft().has_value());
  ws.session().logout();

  // The same counsellor gets it back, answers intact.
  sign_in_as(*w, w->counsellor_id(), later + 10);
  REQUIRE(ws.pending_draft().has_value());
  REQUIRE(ws.resume_draft());
  REQUIRE(ws.form() != nullptr);
  CHECK(ws.form()->session().answer("name_latin") == "Farid Rahimi");
  CHECK(ws.form()->case_id() == w->first_case_id());
  REQUIRE(ws.current_case());  // resuming reopens the case the form belongs to
}

TEST_CASE("form navigation: Next is blocked until the page is valid, Previous is free") {
  auto w = world();
  Workspace& ws = *w->workspace;
  REQUIRE(w->sign_in(0));
  REQUIRE(ws.open_form("intake", w->first_case_id(), ""));
  FormEditor& f = *ws.form();
  CHECK(f.session().page_index() == 0);
  CHECK_FALSE(f.next_page());
  CHECK_FALSE(f.session().errors().empty());
  CHECK(f.session().page_index() == 0);

  f.set_answer("interview_date", "2024-05-14");
  f.set_answer("name_latin", "Farid Rahimi");
  f.set_answer("sex", "male");
  f.set_answer("date_of_birth_known", false);
  f.set_answer("age_years", 33);
  f.set_answer("nationality", "Afghanistan");
  CHECK(f.refusal().empty());
  CHECK(f.session().errors().empty());  // errors disappear as they are fixed
  CHECK(f.next_page());
  CHECK(f.session().page_index() == 1);
  CHECK(f.previous_page());
  CHECK(f.session().page_index() == 0);
  // Skip logic: the date of birth is not asked when it is not known.
  CHECK_FALSE(f.session().is_relevant("date_of_birth"));
  f.set_answer("date_of_birth", "1991-03-12");
  CHECK_FALSE(f.refusal().empty());
}

TEST_CASE("saving a complete form stores it linked to its case and it shows in the timeline") {
  auto w = world();
  Workspace& ws = *w->workspace;
  REQUIRE(w->sign_in(0));
  const std::string case_id = w->first_case_id();
  REQUIRE(ws.open_case(case_id));
  const auto before = ws.current_case()->timeline.size();
  REQUIRE(ws.open_form("counselling", case_id, ""));
  FormEditor& f = *ws.form();
  f.set_answer("session_date", "2024-05-14");
  f.set_answer("duration_minutes", 45);
  f.set_answer("language", "prs");
  f.set_answer("interpreter_used", false);
  CHECK_FALSE(ws.save_form());  // incomplete: refused, and the form stays open
  REQUIRE(ws.form() != nullptr);
  CHECK(ws.form()->needs_attention());  // the form screen says so until all is fixed
  ws.form()->toggle_choice("topics", "return_procedure");
  ws.form()->set_answer("decision", "considering");
  auto saved = ws.save_form();
  REQUIRE_MESSAGE(saved, (saved ? "" : saved.error().message));
  CHECK(ws.form() == nullptr);
  const MemoryRecord* r = w->data->find(*saved);
  REQUIRE(r != nullptr);
  CHECK(r->kind == "counselling");
  CHECK(r->answers["_case_id"] == case_id);
  CHECK(r->answers["_counsellor"] == w->counsellor_id());
  CHECK(r->sync == RecordSync::Pending);
  REQUIRE(ws.current_case());
  CHECK(ws.current_case()->timeline.size() == before + 1);
  CHECK(w->data->sync_requests > 0);
}

TEST_CASE("editing a record saves only the answers that changed") {
  auto w = world();
  Workspace& ws = *w->workspace;
  REQUIRE(w->sign_in(0));
  const std::string case_id = w->first_case_id();
  REQUIRE(ws.open_form("case", case_id, case_id));
  CHECK_FALSE(ws.form()->is_new());
  ws.form()->set_answer("name_native", "Farid R.");
  REQUIRE(ws.save_form());
  CHECK(w->data->find(case_id)->answers["name_native"] == "Farid R.");
  CHECK(w->data->find(case_id)->answers["case_number"] == "DEMO-2024-0117");
}

TEST_CASE("changing a case's status saves it and reloads the case") {
  auto w = world();
  Workspace& ws = *w->workspace;
  REQUIRE(w->sign_in(0));
  REQUIRE(ws.open_case(w->first_case_id()));
  const auto statuses = ws.case_statuses();
  REQUIRE(statuses.size() >= 2);
  const std::string target = statuses.back().value;
  REQUIRE(ws.change_case_status(target));
  CHECK(ws.current_case()->summary.status == target);
  CHECK(w->data->find(w->first_case_id())->answers["status"] == target);
  CHECK(ws.status_label(target) == statuses.back().label);
}

TEST_CASE("a migrant's appointment request is validated before it is saved") {
  auto w = world();
  Workspace& ws = *w->workspace;
  CHECK_FALSE(ws.submit_public_record("appointment", {{"name", "Test Person"}}));
  auto ok = ws.submit_public_record(
      "appointment", {{"name", "Test Person"}, {"preferred_language", "prs"}, {"consent_contact", true}});
  REQUIRE_MESSAGE(ok, (ok ? "" : ok.error().message));
  CHECK(w->data->find(*ok)->kind == "appointment");
  CHECK_FALSE(ws.submit_public_record("no_such_form", nlohmann::json::object()));
}
