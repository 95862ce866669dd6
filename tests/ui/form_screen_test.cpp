// The form renderer through the form screen: toggles, validation next to the field, pages,
// repeat groups and the signature pad, all as intents applied to the form session.
#include <doctest/doctest.h>

#include "headless.hpp"
#include "kiosk/core/vm/fixtures.hpp"

using namespace ws::kiosk;
using ui_test::Headless;

namespace {

struct FormRig {
  Headless imgui;
  std::unique_ptr<vm::FixtureWorld> world;
  std::unique_ptr<ui::Shell> shell;

  explicit FormRig(const std::string& form_id) {
    auto w = vm::make_fixture_world(WS_TEST_ASSETS_DIR);
    REQUIRE(w);
    world = std::move(*w);
    shell = std::make_unique<ui::Shell>(ui::make_registry(), world->workspace.get(), ui::AppView{});
    REQUIRE(world->sign_in(imgui.now_ms));
    REQUIRE(world->workspace->open_case(world->first_case_id()));
    REQUIRE(shell->navigate("case", world->first_case_id()));
    REQUIRE(world->workspace->open_form(form_id, world->first_case_id(), ""));
    REQUIRE(shell->navigate("form", form_id));
    // These tests start from an empty page; the names an intake takes from its case are
    // tested in form_features_test.cpp.
    for (const char* prefilled : {"name_latin", "name_native"})
      if (form().definition().find_field(prefilled)) form().set_answer(prefilled, nullptr);
    (void)imgui.frame(*shell);
  }
  vm::FormEditor& form() { return *world->workspace->form(); }
};

}  // namespace

TEST_CASE("form: Next on an empty page shows the errors and stays") {
  FormRig r("intake");
  auto intents = r.imgui.tap(*r.shell, "Next \xe2\x86\x92");
  CHECK(Headless::find<ui::NextPage>(intents) != nullptr);
  CHECK(r.form().session().page_index() == 0);
  CHECK_FALSE(r.form().session().errors_for("name_latin").empty());
}

TEST_CASE("form: choice toggles and yes/no set answers; a second tap clears a single choice") {
  FormRig r("intake");
  auto intents = r.imgui.tap(*r.shell, "Female");
  const auto* set = Headless::find<ui::SetAnswer>(intents);
  REQUIRE(set != nullptr);
  CHECK(set->path == "sex");
  CHECK(r.form().session().answer("sex") == "female");
  (void)r.imgui.tap(*r.shell, "Female");
  CHECK(r.form().session().answer("sex").is_null());

  // Skip logic on screen: "age" appears only once the date of birth is known not to be known.
  (void)r.imgui.frame(*r.shell);
  CHECK_FALSE(r.imgui.shows("##age_years"));
  // The yes/no pair for date_of_birth_known is the first "No" on the page.
  (void)r.imgui.tap(*r.shell, "No");
  CHECK(r.form().session().answer("date_of_birth_known") == false);
  (void)r.imgui.frame(*r.shell);
  CHECK(r.imgui.shows("##age_years"));
}

TEST_CASE("form: typing into a text field sets the answer") {
  FormRig r("intake");
  auto intents = r.imgui.type(*r.shell, "##name_latin", "Farid Rahimi");
  const auto* set = Headless::find<ui::SetAnswer>(intents);
  REQUIRE(set != nullptr);
  CHECK(set->path == "name_latin");
  CHECK(r.form().session().answer("name_latin") == "Farid Rahimi");
}

TEST_CASE("form: a repeat group adds and removes items") {
  FormRig r("intake");
  vm::FormEditor& f = r.form();
  // Fill the pages before "family" through the view-model, then jump there.
  f.set_answer("interview_date", "2024-05-14");
  f.set_answer("name_latin", "Farid Rahimi");
  f.set_answer("sex", "male");
  f.set_answer("date_of_birth_known", false);
  f.set_answer("age_years", 33);
  f.set_answer("nationality", "Afghanistan");
  f.toggle_choice("languages", "prs");
  f.set_answer("interpreter_needed", false);
  f.set_answer("legal_status", "asylum_rejected");
  f.toggle_choice("documents_held", "none");
  f.set_answer("return_country", "Afghanistan");
  f.set_answer("family_travelling", true);
  REQUIRE(f.go_to_page(4));
  REQUIRE(f.session().page().id == "family");
  auto added = r.imgui.tap(*r.shell, "+ Add");
  REQUIRE(Headless::find<ui::AddRepeatItem>(added) != nullptr);
  CHECK(f.session().item_count("family_members") == 1);
  auto removed = r.imgui.tap(*r.shell, "Remove");
  const auto* remove = Headless::find<ui::RemoveRepeatItem>(removed);
  REQUIRE(remove != nullptr);
  CHECK(remove->path == "family_members");
  CHECK(remove->index == 0);
  CHECK(f.session().item_count("family_members") == 0);
  (void)r.imgui.tap(*r.shell, "+ Add");
  CHECK(f.session().item_count("family_members") == 1);
}

TEST_CASE("form: the signature pad turns a finger stroke into a PNG data URI answer") {
  FormRig r("consent");
  vm::FormEditor& f = r.form();
  f.set_answer("information_language", "prs");
  f.set_answer("interpreter_used", true);
  f.set_answer("understood", true);
  f.set_answer("consent_case_processing", true);
  f.set_answer("consent_share_return_office", true);
  f.set_answer("consent_follow_up", false);
  REQUIRE(f.go_to_page(2));
  (void)r.imgui.frame(*r.shell);
  const auto* pad = r.imgui.log.find("##sign_signature");
  REQUIRE(pad != nullptr);
  ImGuiIO& io = ImGui::GetIO();
  const float y = (pad->min.y + pad->max.y) / 2;
  io.MousePos = ImVec2(pad->min.x + 40, y);
  (void)r.imgui.frame(*r.shell);
  io.MouseDown[0] = true;
  std::vector<ui::Intent> intents;
  for (int i = 0; i < 8; ++i) {
    io.MousePos = ImVec2(pad->min.x + 40 + 30.0f * static_cast<float>(i), y + (i % 2 ? 20.0f : -20.0f));
    auto got = r.imgui.frame(*r.shell);
    intents.insert(intents.end(), got.begin(), got.end());
  }
  io.MouseDown[0] = false;
  auto got = r.imgui.frame(*r.shell);
  intents.insert(intents.end(), got.begin(), got.end());
  const auto* set = Headless::find<ui::SetAnswer>(intents);
  REQUIRE(set != nullptr);
  CHECK(set->path == "signature");
  const auto& answer = f.session().answer("signature");
  REQUIRE(answer.is_string());
  CHECK(answer.get<std::string>().rfind("data:image/png;base64,", 0) == 0);
  CHECK(f.session().errors_for("signature").empty());

  (void)r.imgui.tap(*r.shell, "Clear");
  CHECK(f.session().answer("signature").is_null());
}
