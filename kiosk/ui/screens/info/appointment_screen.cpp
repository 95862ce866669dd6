// "Ask for a talk with a counsellor": name, preferred language, phone (optional) and consent
// to be contacted. Sent as an `appointment` record through the shell (SubmitRecord), never
// to the store directly; what was typed is wiped when the person leaves or goes idle.
#include <algorithm>
#include <cctype>
#include <utility>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "kiosk/ui/screens/info/appointment_request.hpp"
#include "kiosk/ui/screens/info/info_widgets.hpp"
#include "kiosk/ui/screens/info/screens.hpp"
#include "kiosk/ui/widgets/text_input.hpp"
#include "kiosk/ui/widgets/active_field.hpp"
#include "kiosk/ui/widgets/touch.hpp"
#include "ws/content/languages.hpp"

namespace ws::kiosk::ui::info {
namespace {

class AppointmentScreen : public Screen {
 public:
  explicit AppointmentScreen(std::shared_ptr<InfoSession> s) : s_(std::move(s)) {}

  void draw(Ui& ui) override {
    s_->begin_frame();
    const kc::ActiveBundle* b = s_->bundle(ui.view);
    if (!b) return content_missing(ui, *s_);
    const std::string& lang = ui.view.lang;
    if (s_->watch_idle(ui)) return still_there_prompt(ui, *s_, *b, lang);
    AppointmentDraft& d = s_->appointment();
    // "Thank you, sent" belongs to the visit that sent it: opened again (another language, the
    // next visitor) the form starts empty.
    if (d.sent && !sent_here_) d = AppointmentDraft{};
    if (d.language.empty()) d.language = lang;
    // `--screenshot --screen appointment:sample`: a fictional Dari name and phone typed in.
    if (ui.view.screenshot && ui.view.param == "sample" && d.name.empty() && !d.sent) {
      d.name = "احمد رضایی (Ahmad)";
      d.phone = "+47 400 12 345";
    }
    const Theme& t = ui.theme;
    const Sizes z = Sizes::of(t);
    const Palette& c = t.colors();

    // The shell reports the save after the frame that asked for it.
    if (waiting_ && ui.view.last_submit.sequence != asked_at_) {
      waiting_ = false;
      if (ui.view.last_submit.saved) {
        d = AppointmentDraft{};
        d.sent = true;
        sent_here_ = true;
      } else {
        d.error_key = "appointment_failed";
        scroll_to_error_ = true;
      }
    }

    top_bar(ui, *s_, *b, lang, true);
    const ImVec2 origin = ImGui::GetCursorPos();
    const float avail_w = ImGui::GetContentRegionAvail().x;
    const float width = std::min(avail_w - z.px(80), z.px(1300));
    const float left = origin.x + (avail_w - width) / 2;
    const Mirror m{is_rtl(lang), left, width};
    text::Style body;
    body.size_px = z.body;
    body.color = c.text;
    text::Style title = body;
    title.size_px = z.title;
    title.bold = true;

    ImGui::SetCursorPos(ImVec2(left, origin.y + z.px(28)));
    s_->painter().paragraph(say(*b, lang, "appointment_title"), lang, title, width);
    widgets::log_item(ui, "appointment_title");

    if (d.sent) {
      ImGui::SetCursorPosX(left);
      ImGui::Dummy(ImVec2(0, z.px(30)));
      ImGui::SetCursorPosX(left);
      text::Style done = body;
      done.size_px = z.heading;
      done.color = c.success;
      s_->painter().paragraph(say(*b, lang, "appointment_sent"), lang, done, width);
      widgets::log_item(ui, "appointment_sent");
      ImGui::Dummy(ImVec2(0, z.px(30)));
      ImGui::SetCursorPosX(m.at_start(z.px(360)));
      if (shaped_button(ui, *s_, "finish", say(*b, lang, "home"), lang, ImVec2(z.px(360), z.button), ButtonTone::Primary)) {
        s_->wipe();
        ui.emit(Navigate{"attract", ""});
      }
      return;
    }

    // The form scrolls (by dragging) above a fixed row of buttons, so "send" is always in reach.
    const float footer_h = z.button + z.px(40);
    const ImVec2 form_at = ImGui::GetCursorPos();
    // At x = 0 the child's coordinates equal the host's, so `left` and the mirror hold in both.
    ImGui::SetCursorPos(ImVec2(0, form_at.y));
    ImGui::BeginChild("##appointment_form", ImVec2(origin.x + avail_w, ImGui::GetContentRegionAvail().y - footer_h),
                      false);
    // ImGui keeps a child's scroll by its id: the form opened again starts at its top.
    if (std::exchange(opened_, false)) ImGui::SetScrollY(0.0f);
    if (ImGui::IsWindowHovered() && ImGui::IsMouseDragging(ImGuiMouseButton_Left) && !ImGui::IsAnyItemActive())
      ImGui::SetScrollY(ImGui::GetScrollY() - ImGui::GetIO().MouseDelta.y);
    ImGui::SetCursorPosX(left);
    text::Style muted = body;
    muted.color = c.text_muted;
    s_->painter().paragraph(say(*b, lang, "appointment_intro"), lang, muted, width);

    // Name, shaped in the field itself (joined Arabic script, right-aligned when it starts so).
    label(ui, left, width, say(*b, lang, "appointment_name"), lang);
    field(ui, "##name", d.name, m, width, widgets::InputFilter::None, widgets::KeyboardKind::Text);
    widgets::log_item(ui, "appointment_name");
    if (d.error_key == "appointment_name_missing") draw_error(ui, *b, d.error_key, lang, left, width);
    ImGui::Dummy(ImVec2(0, z.px(12)));

    // Preferred language for the talk: every language in its own name.
    label(ui, left, width, say(*b, lang, "appointment_language"), lang);
    const auto& langs = wc::supported_languages();
    const float gap = z.px(12);
    const float cell = (width - 3 * gap) / 4;
    // A button grows to fit its label (touch size, tall Naskh lines): rows are placed below the
    // tallest button drawn above them, and every cell takes the tallest height seen, so the
    // grid never overlaps the row under it and its buttons line up.
    float row_top = ImGui::GetCursorPosY(), row_bottom = row_top, tallest = 0.0f;
    for (std::size_t i = 0; i < langs.size(); ++i) {
      const int col = static_cast<int>(i % 4);
      if (col == 0 && i > 0) row_top = row_bottom + gap;
      ImGui::SetCursorPos(ImVec2(m.at_start(cell, col * (cell + gap)), row_top));
      const std::string code(langs[i].code);
      const std::string id = "appointment_lang_" + code;
      if (shaped_button(ui, *s_, id.c_str(), std::string(langs[i].native_name), code,
                        ImVec2(cell, std::max(z.button * 0.75f, lang_cell_h_)),
                        d.language == code ? ButtonTone::Selected : ButtonTone::Neutral))
        d.language = code;
      const float h = ImGui::GetItemRectSize().y;
      tallest = std::max(tallest, h);
      row_bottom = std::max(row_bottom, row_top + h);
    }
    lang_cell_h_ = tallest;
    ImGui::SetCursorPos(ImVec2(left, row_bottom + gap));

    // Phone (optional) and consent side by side, so everything fits above the buttons.
    const float phone_w = width * 0.38f;
    const float consent_w = width - phone_w - z.px(24);
    const float pair_y = ImGui::GetCursorPosY();
    label(ui, m.at_start(phone_w), phone_w, say(*b, lang, "appointment_phone"), lang);
    field(ui, "##phone", d.phone, Mirror{m.rtl, m.at_start(phone_w), phone_w}, phone_w, widgets::InputFilter::Phone,
          widgets::KeyboardKind::Phone);
    widgets::log_item(ui, "appointment_phone");
    const float pair_h = ImGui::GetCursorPosY() - pair_y;
    ImGui::SetCursorPos(ImVec2(m.at_end(consent_w), pair_y));
    const std::string tick = d.consent ? "☑  " : "☐  ";
    if (shaped_button(ui, *s_, "appointment_consent", tick + say(*b, lang, "appointment_consent"), lang,
                      ImVec2(consent_w, pair_h), d.consent ? ButtonTone::Selected : ButtonTone::Neutral))
      d.consent = !d.consent;
    ImGui::Dummy(ImVec2(0, z.px(12)));

    if (!d.error_key.empty() && d.error_key != "appointment_name_missing") draw_error(ui, *b, d.error_key, lang, left, width);

    ImGui::EndChild();

    const float bw = z.px(420);
    const float by = ImGui::GetCursorPosY() + z.px(16);
    ImGui::SetCursorPos(ImVec2(m.at_end(bw), by));
    if (shaped_button(ui, *s_, "appointment_send", say(*b, lang, "appointment_send"), lang, ImVec2(bw, z.button),
                      ButtonTone::Primary) &&
        !waiting_) {
      auto request = make_appointment_request(d);
      if (!request) {
        d.error_key = request.error().code;
        scroll_to_error_ = true;
      } else {
        d.error_key.clear();
        asked_at_ = ui.view.last_submit.sequence;
        waiting_ = true;
        ui.emit(SubmitRecord{"appointment", *request});
      }
    }
    ImGui::SetCursorPos(ImVec2(m.at_start(bw), by));
    if (shaped_button(ui, *s_, "cancel", say(*b, lang, "cancel"), lang, ImVec2(bw, z.button))) {
      s_->appointment() = AppointmentDraft{};
      ui.emit(GoBack{});
    }
  }

 private:
  void label(Ui& ui, float left, float width, const std::string& text, const std::string& lang) {
    ImGui::SetCursorPosX(left);
    text::Style style;
    style.size_px = Sizes::of(ui.theme).body;
    style.bold = true;
    style.color = ui.theme.colors().text;
    s_->painter().paragraph(text, lang, style, width);
  }

  // The message sits under the answer it is about; after a refused send the form scrolls to it.
  void draw_error(Ui& ui, const kc::ActiveBundle& b, const std::string& key, const std::string& lang, float left,
                  float width) {
    ImGui::SetCursorPosX(left);
    text::Style err;
    err.size_px = Sizes::of(ui.theme).body;
    err.color = ui.theme.colors().danger;
    err.bold = true;
    s_->painter().paragraph(say(b, lang, key), lang, err, width);
    widgets::log_item(ui, key.c_str());  // tests look for the message's key
    if (std::exchange(scroll_to_error_, false)) ImGui::SetScrollHereY(0.5f);
  }

  static void field(Ui& ui, const char* id, std::string& value, const Mirror& m, float width,
                    widgets::InputFilter filter, widgets::KeyboardKind keyboard) {
    ImGui::SetCursorPosX(m.at_start(width));
    ImGui::PushFont(ui.theme.fonts().body);
    const Sizes z = Sizes::of(ui.theme);
    // As high as in landscape when the portrait text is larger than the ImGui font.
    const float pad_y = z.px(16) + std::max(0.0f, (z.px(30) - ImGui::GetFontSize()) / 2);
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(z.px(16), pad_y));
    widgets::TextInputOptions options;
    options.width = width;
    options.filter = filter;
    options.keyboard = keyboard;
    options.max_bytes = kMaxAppointmentText;
    options.size_px = z.body;  // as the shaped labels above it
    (void)widgets::text_input(ui, id, value, options);
    ImGui::PopStyleVar();
    ImGui::PopFont();
  }

  std::shared_ptr<InfoSession> s_;
  bool waiting_ = false;
  std::uint64_t asked_at_ = 0;
  bool sent_here_ = false;  // this screen sent the request shown as "sent"
  float lang_cell_h_ = 0.0f;  // the tallest talk-language button of the last frame
  bool opened_ = true;        // first frame of this screen
  bool scroll_to_error_ = false;  // a send was refused: bring its message into view
};

}  // namespace

std::unique_ptr<Screen> make_appointment_screen(std::shared_ptr<InfoSession> session) {
  return std::make_unique<AppointmentScreen>(std::move(session));
}

}  // namespace ws::kiosk::ui::info
