// Form features: the intake prefilled from its case, the case form's counsellor by name and its
// generated number, the date picker, error marks on page tabs, error rows that keep their
// place, and the form-level message that clears once everything is fixed.
#include <doctest/doctest.h>

#include "headless.hpp"
#include "kiosk/core/vm/case_number.hpp"
#include "kiosk/core/vm/fixtures.hpp"
#include "kiosk/ui/widgets/date_picker.hpp"

using namespace ws::kiosk;
using ui_test::Headless;

namespace {

struct Rig {
  Headless imgui;
  std::unique_ptr<vm::FixtureWorld> world;
  std::unique_ptr<ui::Shell> shell;

  // A tall window by default: the whole of a short form is on screen without scrolling.
  explicit Rig(const std::string& form_id, int height = 2000) : imgui(1920, height) {
    auto w = vm::make_fixture_world(WS_TEST_ASSETS_DIR);
    REQUIRE(w);
    world = std::move(*w);
    shell = std::make_unique<ui::Shell>(ui::make_registry(), world->workspace.get(), ui::AppView{});
    REQUIRE(world->sign_in(imgui.now_ms));
    const std::string case_id = form_id == "case" ? "" : world->first_case_id();
    if (!case_id.empty()) REQUIRE(world->workspace->open_case(case_id));
    REQUIRE(world->workspace->open_form(form_id, case_id, ""));
    REQUIRE(shell->navigate("form", form_id));
    (void)imgui.frame(*shell);
  }
  vm::FormEditor& form() { return *world->workspace->form(); }
  // Every answer of the form as the fixtures would give them, set through the editor.
  void fill_all() {
    const auto answers = vm::sample_answers(form().definition(), vm::fixture_person(0), world->data->today);
    // In the form's order, so a question is answered after the one that makes it apply.
    for (const auto& field : form().definition().fields) {
      const ws::forms::Field* f = &field;
      auto it = answers.find(f->name);
      if (it == answers.end() || it->is_null() || !form().session().is_relevant(f->name)) continue;
      if (f->type == ws::forms::FieldType::Repeat) {
        for (std::size_t i = 0; i < it->size(); ++i) {
          form().add_item(f->name);
          for (const auto& [key, value] : (*it)[i].items())
            if (!value.is_null()) form().set_answer(f->name + "." + std::to_string(i) + "." + key, value);
        }
      } else if (f->type == ws::forms::FieldType::MultipleChoice) {
        for (const auto& v : *it) form().toggle_choice(f->name, v.get<std::string>());
      } else {
        form().set_answer(f->name, *it);
      }
    }
  }
};

}  // namespace

TEST_CASE("forms: a new intake starts with the names of its case") {
  Rig r("intake");
  const auto& header = r.world->workspace->current_case()->header;
  CHECK(r.form().session().answer("name_latin") == header["name_latin"]);
  CHECK(r.form().session().answer("name_native") == header["name_native"]);
  CHECK(r.form().session().answer("interview_date").is_null());  // nothing else is assumed
}

TEST_CASE("forms: a new case has a generated number and shows the counsellor by name") {
  Rig r("case");
  const auto& number = r.form().session().answer("case_number");
  REQUIRE(number.is_string());
  CHECK(number.get<std::string>().rfind("DEMO-OSLO-2024-" + vm::kiosk_tag("fixture-kiosk") + "-", 0) == 0);
  const auto* me = r.world->workspace->session().counsellor();
  (void)r.imgui.frame(*r.shell);
  CHECK(r.imgui.shows(me->name));             // a toggle with the name, selected
  CHECK_FALSE(r.imgui.shows("##counsellor"));  // no text box holding an id
  // Choosing a colleague stores their account id.
  const auto accounts = r.world->workspace->counsellor_options();
  const auto other = std::find_if(accounts.begin(), accounts.end(), [&](const auto& a) { return a.first != me->id; });
  REQUIRE(other != accounts.end());
  auto intents = r.imgui.tap(*r.shell, other->second);
  const auto* set = Headless::find<ui::SetAnswer>(intents);
  REQUIRE(set != nullptr);
  CHECK(set->path == "counsellor");
  CHECK(r.form().session().answer("counsellor") == other->first);
}

TEST_CASE("forms: the date picker sets a date by taps alone") {
  Rig r("intake");
  r.form().set_answer("interview_date", "2024-05-14");
  (void)r.imgui.frame(*r.shell);
  (void)r.imgui.tap(*r.shell, "Calendar");
  (void)r.imgui.frame(*r.shell);
  REQUIRE(r.imgui.shows("Close calendar"));
  auto intents = r.imgui.tap(*r.shell, "3");
  const auto* set = Headless::find<ui::SetAnswer>(intents);
  REQUIRE(set != nullptr);
  CHECK(set->path == "interview_date");
  CHECK(set->value == "2024-05-03");
  CHECK(r.form().session().answer("interview_date") == "2024-05-03");
  (void)r.imgui.frame(*r.shell);
  CHECK_FALSE(r.imgui.shows("Close calendar"));  // the picker closed with the choice
  (void)r.imgui.frame(*r.shell);
  // Years go by ten: a date of birth is a few taps away.
  (void)r.imgui.tap(*r.shell, "Calendar");
  (void)r.imgui.tap(*r.shell, "-10");
  (void)r.imgui.tap(*r.shell, "-10");
  intents = r.imgui.tap(*r.shell, "28");
  set = Headless::find<ui::SetAnswer>(intents);
  REQUIRE(set != nullptr);
  CHECK(set->value == "2004-05-28");
}

TEST_CASE("forms: calendar arithmetic") {
  CHECK(ui::widgets::days_in_month(2024, 2) == 29);
  CHECK(ui::widgets::days_in_month(1900, 2) == 28);
  CHECK(ui::widgets::days_in_month(2000, 2) == 29);
  CHECK(ui::widgets::days_in_month(2026, 12) == 31);
  CHECK(ui::widgets::first_weekday(2026, 12) == 1);  // 1 December 2026 is a Tuesday
  CHECK(ui::widgets::first_weekday(2024, 5) == 2);   // 1 May 2024 was a Wednesday
  ui::widgets::DatePicker p;
  p.open("", "2026-01-15");
  p.move_months(-1);
  CHECK(p.year() == 2025);
  CHECK(p.month() == 12);
}

TEST_CASE("forms: page tabs mark the pages with errors once a save was refused, and unmark them as they are fixed") {
  Rig r("intake");
  CHECK(r.form().pages_with_errors().empty());  // nothing is marked before anyone tried
  auto intents = r.imgui.tap(*r.shell, "Save");
  REQUIRE(Headless::find<ui::SaveForm>(intents) != nullptr);
  CHECK(r.form().needs_attention());
  const auto marked = r.form().pages_with_errors();
  REQUIRE_FALSE(marked.empty());
  CHECK(marked.front() == 0);
  (void)r.imgui.frame(*r.shell);
  CHECK(r.imgui.shows("\xe2\x9c\x97 1. Identity"));
  CHECK(r.imgui.shows("2. Language") == false);
  CHECK(r.imgui.shows("\xe2\x9c\x97 2. Language"));
  // All fixed: no marks, and the form-level message is gone without another save.
  r.fill_all();
  CHECK(r.form().pages_with_errors().empty());
  CHECK_FALSE(r.form().needs_attention());
  (void)r.imgui.frame(*r.shell);
  CHECK(r.imgui.shows("1. Identity"));
  CHECK_FALSE(r.imgui.shows("##form_status"));
}

TEST_CASE("forms: a fixed error keeps its row, so the fields below do not move") {
  Rig r("intake", 1080);
  (void)r.imgui.tap(*r.shell, "Next \xe2\x86\x92");  // refused: the page shows its errors
  (void)r.imgui.frame(*r.shell);
  REQUIRE_FALSE(r.form().session().errors_for("interview_date").empty());
  const auto* below = r.imgui.log.find("##nationality");
  REQUIRE(below != nullptr);
  const float y_before = below->min.y;
  r.form().set_answer("interview_date", "2024-05-14");
  (void)r.imgui.frame(*r.shell);
  (void)r.imgui.frame(*r.shell);
  CHECK(r.form().session().errors_for("interview_date").empty());
  below = r.imgui.log.find("##nationality");
  REQUIRE(below != nullptr);
  CHECK(below->min.y == doctest::Approx(y_before));
}
