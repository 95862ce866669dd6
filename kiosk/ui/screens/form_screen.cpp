// A form being filled: page tabs on top, the page's questions in the middle, and Back / Next /
// Save / Close always in the same place at the bottom (thumbs find them without looking).
#include <cstdio>
#include <string>

#include <imgui.h>

#include "kiosk/core/vm/workspace.hpp"
#include "kiosk/ui/screens/staff_screens.hpp"
#include "kiosk/ui/widgets/form_renderer.hpp"
#include "kiosk/ui/widgets/staff_bar.hpp"
#include "kiosk/ui/widgets/touch.hpp"

namespace ws::kiosk::ui {
namespace {

class FormScreen : public Screen {
 public:
  void draw(Ui& ui) override;

 private:
  void draw_pages(Ui& ui, const forms::FormSession& s);
  void draw_footer(Ui& ui, const vm::FormEditor& editor);
  widgets::FormRenderer renderer_;
  std::size_t shown_page_ = static_cast<std::size_t>(-1);
};

void FormScreen::draw(Ui& ui) {
  const vm::Workspace* ws = ui.view.workspace;
  const vm::FormEditor* editor = ws ? ws->form() : nullptr;
  if (!editor) {
    widgets::staff_bar(ui, "Form", true);
    widgets::message(ui, "No form is open.", true);
    return;
  }
  const forms::FormSession& s = editor->session();
  std::string title = ws->form_title(editor->form_id());
  if (ws->current_case() && editor->case_id() == ws->current_case()->summary.id)
    title += " \xc2\xb7 " + ws->current_case()->summary.case_number;
  if (!editor->is_new()) title += " (editing)";
  widgets::staff_bar(ui, title.c_str(), false);

  draw_pages(ui, s);
  const auto& errors = s.errors();
  if (!errors.empty()) {
    char text[128];
    std::snprintf(text, sizeof text, "%zu %s on this page need%s attention.", errors.size(),
                  errors.size() == 1 ? "answer" : "answers", errors.size() == 1 ? "s" : "");
    widgets::message(ui, text, true);
  }
  widgets::message(ui, editor->refusal(), true);
  if (ws->notice_is_error()) widgets::message(ui, ws->notice(), true);

  const Theme& t = ui.theme;
  const float footer = t.touch() + t.px(24);
  ImGui::BeginChild("##form_page", ImVec2(-1, ImGui::GetContentRegionAvail().y - footer), true);
  if (shown_page_ != s.page_index()) {
    ImGui::SetScrollY(0.0f);  // a new page starts at its first question
    shown_page_ = s.page_index();
  }
  ImGui::PushTextWrapPos(0.0f);
  renderer_.draw_page(ui, s, "en");
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
  draw_footer(ui, *editor);
}

void FormScreen::draw_pages(Ui& ui, const forms::FormSession& s) {
  if (s.page_count() < 2) return;
  bool first = true;
  const float right_edge = ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x;
  for (std::size_t i = 0; i < s.page_count(); ++i) {
    if (!s.page_is_visible(i)) continue;
    char label[200];
    std::snprintf(label, sizeof label, "%zu. %s###page%zu", i + 1,
                  std::string(s.definition().pages[i].title_for("en").text).c_str(), i);
    if (!first) {
      // Many pages wrap onto a second row rather than run off the screen.
      ImGui::SameLine(0, ui.theme.px(8));
      const float w = ImGui::CalcTextSize(widgets::visible_label(label).c_str()).x + ImGui::GetStyle().FramePadding.x * 3;
      if (ImGui::GetCursorPosX() + w > right_edge) ImGui::NewLine();
    }
    first = false;
    if (widgets::toggle(ui, label, i == s.page_index()) && i != s.page_index()) ui.emit(GoToPage{static_cast<int>(i)});
  }
}

void FormScreen::draw_footer(Ui& ui, const vm::FormEditor& editor) {
  const Theme& t = ui.theme;
  const forms::FormSession& s = editor.session();
  const float w = (ImGui::GetContentRegionAvail().x - 3 * t.gap()) / 4;
  if (widgets::button(ui, "Close (keep draft)###close_form", w)) ui.emit(CloseForm{});
  ImGui::SameLine(0, t.gap());
  ImGui::BeginDisabled(s.is_first_page());
  if (widgets::button(ui, "\xe2\x86\x90 Previous###previous_page", w)) ui.emit(PreviousPage{});
  ImGui::EndDisabled();
  ImGui::SameLine(0, t.gap());
  ImGui::BeginDisabled(s.is_last_page());
  if (widgets::button(ui, "Next \xe2\x86\x92###next_page", w, widgets::Tone::Primary)) ui.emit(NextPage{});
  ImGui::EndDisabled();
  ImGui::SameLine(0, t.gap());
  // Saving is always possible: the session checks every page and shows the first bad one.
  if (widgets::button(ui, "Save###save_form", w, s.is_last_page() ? widgets::Tone::Primary : widgets::Tone::Neutral))
    ui.emit(SaveForm{});
}

}  // namespace

std::unique_ptr<Screen> make_form_screen() { return std::make_unique<FormScreen>(); }

}  // namespace ws::kiosk::ui
