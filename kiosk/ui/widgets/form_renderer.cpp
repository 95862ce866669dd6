#include "kiosk/ui/widgets/form_renderer.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "kiosk/ui/widgets/text_input.hpp"
#include "kiosk/ui/keyboard/layouts.hpp"
#include "kiosk/ui/widgets/active_field.hpp"
#include "kiosk/core/vm/workspace.hpp"
#include "kiosk/ui/widgets/touch.hpp"
#include "ws/forms/date.hpp"

namespace ws::kiosk::ui::widgets {
namespace {

std::string answer_as_text(const nlohmann::json& a) {
  if (a.is_string()) return a.get<std::string>();
  if (a.is_number_integer()) return std::to_string(a.get<long long>());
  if (a.is_number()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", a.get<double>());
    return buf;
  }
  return {};
}

std::optional<double> parse_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::string t = text;
  for (char& c : t)
    if (c == ',') c = '.';  // Norwegian and Ukrainian keyboards type a decimal comma
  double v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || end != t.data() + t.size()) return std::nullopt;
  return v;
}

// Fields that name a counsellor account: stored as its id, shown and chosen by name.
bool is_person_field(const forms::Field& f) {
  return f.type == forms::FieldType::Text &&
         (f.name == "counsellor" || (f.name.size() > 11 && f.name.ends_with("_counsellor")));
}

}  // namespace

void FormRenderer::draw_errors(Ui& ui, const forms::FormSession& s, const std::string& path) {
  const float top = ImGui::GetCursorPosY();
  for (const auto& e : s.errors_for(path)) {
    ImGui::PushStyleColor(ImGuiCol_Text, ui.theme.colors().danger);
    ImGui::TextWrapped("\xe2\x9c\x97 %s", e.message.c_str());  // ✗
    ImGui::PopStyleColor();
  }
  const float used = ImGui::GetCursorPosY() - top;
  float& reserved = error_rows_[path];
  if (used > 0.0f) {
    reserved = std::max(reserved, used);
  } else if (reserved > 0.0f) {
    ImGui::Dummy(ImVec2(0, reserved - ImGui::GetStyle().ItemSpacing.y));
  }
}

FormRenderer::Buffer& FormRenderer::buffer_for(const std::string& path, const std::string& answer_text) {
  Buffer& b = buffers_[path];
  // The answer changed elsewhere (draft resumed, skip logic cleared it): show the new value,
  // unless this is the text being typed right now.
  if (b.synced != answer_text) {
    b.text = answer_text;
    b.synced = answer_text;
  }
  return b;
}

void FormRenderer::draw_page(Ui& ui, const forms::FormSession& session, const std::string& lang) {
  if (session.page_index() != page_) {
    page_ = session.page_index();
    error_rows_.clear();
  }
  for (const forms::Field* f : session.page_fields()) {
    ImGui::PushID(f->name.c_str());
    draw_field(ui, session, *f, f->name, lang);
    ImGui::PopID();
    ImGui::Dummy(ImVec2(0, ui.theme.px(10)));
  }
  native_.end_frame();
}

void FormRenderer::draw_field(Ui& ui, const forms::FormSession& s, const forms::Field& f, const std::string& path,
                              const std::string& lang) {
  const Theme& t = ui.theme;
  const std::string label(f.label_for(lang).text);
  if (f.type == forms::FieldType::Note) {
    ImGui::PushStyleColor(ImGuiCol_Text, t.colors().primary);
    ImGui::TextWrapped("%s", label.c_str());
    ImGui::PopStyleColor();
    return;
  }
  const bool has_error = !s.errors_for(path).empty();
  if (has_error) ImGui::PushStyleColor(ImGuiCol_Text, t.colors().danger);
  ImGui::PushFont(t.fonts().body);
  ImGui::TextWrapped("%s%s", label.c_str(), f.required ? " *" : "");
  ImGui::PopFont();
  if (has_error) ImGui::PopStyleColor();
  const std::string hint(f.hint_for(lang).text);
  if (!hint.empty()) caption(ui, hint.c_str());

  const nlohmann::json& answer = s.answer(path);
  switch (f.type) {
    case forms::FieldType::Text:
      if (is_person_field(f) && ui.view.workspace) draw_person(ui, path, answer);
      else draw_text(ui, f, path, answer);
      break;
    case forms::FieldType::LongText: draw_text(ui, f, path, answer); break;
    case forms::FieldType::Number: draw_number(ui, f, path, answer); break;
    case forms::FieldType::Date: draw_date(ui, s, path, answer); break;
    case forms::FieldType::SingleChoice:
    case forms::FieldType::MultipleChoice: draw_choices(ui, f, path, answer, lang); break;
    case forms::FieldType::YesNo: draw_yes_no(ui, path, answer); break;
    case forms::FieldType::Repeat: draw_repeat(ui, s, f, path, lang); break;
    case forms::FieldType::Signature: draw_signature(ui, path, answer); break;
    case forms::FieldType::Note: break;
  }
  draw_errors(ui, s, path);
}

void FormRenderer::draw_text(Ui& ui, const forms::Field& f, const std::string& path, const nlohmann::json& answer) {
  Buffer& b = buffer_for(path, answer_as_text(answer));
  const std::string id = "##" + path;
  bool changed = false;
  if (f.type == forms::FieldType::LongText) {
    TextInputOptions note;
    note.height = ui.theme.px(180);
    changed = text_input(ui, id.c_str(), b.text, note);
  } else {
    changed = text_input(ui, id.c_str(), b.text);
  }
  hint_active_field(KeyboardKind::Text, keyboard::language_of_text(b.text));
  log_item(ui, id.c_str());
  if (changed) {
    b.synced = b.text;
    ui.emit(SetAnswer{path, b.text.empty() ? nlohmann::json() : nlohmann::json(b.text)});
  }
}

void FormRenderer::draw_number(Ui& ui, const forms::Field& f, const std::string& path, const nlohmann::json& answer) {
  Buffer& b = buffer_for(path, answer_as_text(answer));
  const std::string id = "##" + path;
  TextInputOptions number;
  number.width = ui.theme.px(320);
  number.filter = InputFilter::Scientific;
  number.keyboard = KeyboardKind::Number;
  const bool changed = text_input(ui, id.c_str(), b.text, number);
  log_item(ui, id.c_str());
  const auto value = parse_number(b.text);
  if (changed) {
    if (b.text.empty()) {
      b.synced.clear();
      ui.emit(SetAnswer{path, nlohmann::json()});
    } else if (value) {
      const nlohmann::json v = f.integer && *value == static_cast<double>(static_cast<long long>(*value))
                                   ? nlohmann::json(static_cast<long long>(*value))
                                   : nlohmann::json(*value);
      b.synced = answer_as_text(v);
      b.text = b.text;  // keep what was typed (e.g. "2," while typing "2,5")
      ui.emit(SetAnswer{path, v});
    }
  }
  if (!b.text.empty() && !value) message(ui, "Enter a number, e.g. 3 or 2.5", true);
}

void FormRenderer::draw_date(Ui& ui, const forms::FormSession& s, const std::string& path, const nlohmann::json& answer) {
  (void)s;
  Buffer& b = buffer_for(path, answer_as_text(answer));
  const std::string id = "##" + path;
  TextInputOptions date;
  date.width = ui.theme.px(320);
  date.hint = "YYYY-MM-DD";
  date.filter = InputFilter::Decimal;
  date.keyboard = KeyboardKind::Date;
  const bool changed = text_input(ui, id.c_str(), b.text, date);
  log_item(ui, id.c_str());
  if (changed) {
    b.synced = b.text;
    ui.emit(SetAnswer{path, b.text.empty() ? nlohmann::json() : nlohmann::json(b.text)});
  }
  ImGui::SameLine();
  const std::string today_label = "Today###today_" + path;
  if (button(ui, today_label.c_str())) {
    const std::string today = forms::today_local();
    ui.emit(SetAnswer{path, today});
  }
  DatePicker& picker = pickers_[path];
  ImGui::SameLine();
  const std::string pick_label = "Calendar###calendar_" + path;
  if (toggle(ui, pick_label.c_str(), picker.is_open())) {
    if (picker.is_open()) picker.close();
    else picker.open(b.text, forms::today_local());
  }
  if (!b.text.empty() && b.text.size() >= 10 && !forms::parse_date(b.text))
    message(ui, "Not a real date: use YYYY-MM-DD, e.g. 1990-04-23", true);
  if (auto day = picker.draw(ui, "date_" + path)) ui.emit(SetAnswer{path, *day});
}

void FormRenderer::draw_person(Ui& ui, const std::string& path, const nlohmann::json& answer) {
  const std::string chosen = answer.is_string() ? answer.get<std::string>() : std::string();
  const float right_edge = ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x;
  bool first = true, known = chosen.empty();
  for (const auto& [id, name] : ui.view.workspace->counsellor_options()) {
    known = known || id == chosen;
    const std::string label = name + "###" + path + "=" + id;
    const float w = std::max(ui.theme.touch() * 1.5f,
                             ImGui::CalcTextSize(name.c_str()).x + ImGui::GetStyle().FramePadding.x * 3);
    if (!first) {
      ImGui::SameLine();
      if (ImGui::GetCursorPosX() + w > right_edge) ImGui::NewLine();
    }
    first = false;
    if (toggle(ui, label.c_str(), id == chosen, w)) ui.emit(SetAnswer{path, id == chosen ? nlohmann::json() : nlohmann::json(id)});
  }
  // An account this kiosk does not know (disabled, or not synced yet): never a bare id.
  if (!known) caption(ui, "Someone who has no account on this kiosk");
}

void FormRenderer::draw_choices(Ui& ui, const forms::Field& f, const std::string& path, const nlohmann::json& answer,
                                const std::string& lang) {
  const bool multiple = f.type == forms::FieldType::MultipleChoice;
  const float right_edge = ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x;
  bool first = true;
  for (const auto& c : f.choices) {
    bool selected = false;
    if (multiple && answer.is_array()) {
      for (const auto& v : answer) selected = selected || (v.is_string() && v.get<std::string>() == c.value);
    } else {
      selected = answer.is_string() && answer.get<std::string>() == c.value;
    }
    std::string text(c.label_for(lang).text);
    // "دری · Dari": ImGui cannot shape the native name, so counsellors see the English part.
    if (has_arabic_script(text)) {
      const auto dot = text.rfind("\xc2\xb7 ");
      if (dot != std::string::npos) text = text.substr(dot + 3);
    }
    const std::string check = multiple ? "\xe2\x9c\x93 " : "";
    const std::string label = (selected ? check : "") + text + "###" + path + "=" + c.value;
    // Flow the toggles like words in a paragraph, wrapping when the next one would not fit.
    // Measured with the check mark, so a checked label is not clipped and ticking does not
    // reflow the row under the finger.
    const float w = std::max(ui.theme.touch() * 1.5f, ImGui::CalcTextSize((check + text + "  ").c_str()).x +
                                                          ImGui::GetStyle().FramePadding.x * 2);
    if (!first) {
      ImGui::SameLine();
      if (ImGui::GetCursorPosX() + w > right_edge) ImGui::NewLine();
    }
    first = false;
    if (toggle(ui, label.c_str(), selected, w)) {
      if (multiple) ui.emit(ToggleChoice{path, c.value});
      else ui.emit(SetAnswer{path, selected ? nlohmann::json() : nlohmann::json(c.value)});
    }
  }
}

void FormRenderer::draw_yes_no(Ui& ui, const std::string& path, const nlohmann::json& answer) {
  const bool yes = answer.is_boolean() && answer.get<bool>();
  const bool no = answer.is_boolean() && !answer.get<bool>();
  const float w = ui.theme.px(200);
  const std::string yes_label = "Yes###" + path + "=yes", no_label = "No###" + path + "=no";
  if (toggle(ui, yes_label.c_str(), yes, w)) ui.emit(SetAnswer{path, yes ? nlohmann::json() : nlohmann::json(true)});
  ImGui::SameLine();
  if (toggle(ui, no_label.c_str(), no, w)) ui.emit(SetAnswer{path, no ? nlohmann::json() : nlohmann::json(false)});
}

void FormRenderer::draw_repeat(Ui& ui, const forms::FormSession& s, const forms::Field& f, const std::string& path,
                               const std::string& lang) {
  const Theme& t = ui.theme;
  const std::size_t count = s.item_count(path);
  const std::string item_name(f.label_for(lang).text);
  for (std::size_t i = 0; i < count; ++i) {
    const std::string item_path = path + "." + std::to_string(i);
    ImGui::PushID(static_cast<int>(i));
    // A tinted panel behind each item: content goes on channel 1, the panel (sized after the
    // content is known) on channel 0.
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->ChannelsSplit(2);
    dl->ChannelsSetCurrent(1);
    ImGui::Indent(t.px(16));
    ImGui::BeginGroup();
    ImGui::Dummy(ImVec2(0, t.px(4)));
    char title[160];
    std::snprintf(title, sizeof title, "%s %zu", item_name.c_str(), i + 1);
    ImGui::PushFont(t.fonts().heading);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(title);
    ImGui::PopFont();
    ImGui::SameLine();
    const std::string remove_label = "Remove###remove_" + item_path;
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.0f, ImGui::GetContentRegionAvail().x - t.px(216)));
    if (button(ui, remove_label.c_str(), t.px(200))) ui.emit(RemoveRepeatItem{path, static_cast<int>(i)});
    for (const auto& child : f.fields) {
      const std::string child_path = item_path + "." + child.name;
      if (!s.is_relevant(child_path)) continue;
      ImGui::PushID(child.name.c_str());
      draw_field(ui, s, child, child_path, lang);
      ImGui::PopID();
    }
    ImGui::Dummy(ImVec2(0, t.px(4)));
    ImGui::EndGroup();
    ImGui::Unindent(t.px(16));
    dl->ChannelsSetCurrent(0);
    const ImVec2 min(ImGui::GetItemRectMin().x - t.px(12), ImGui::GetItemRectMin().y);
    const ImVec2 max(ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x, ImGui::GetItemRectMax().y);
    dl->AddRectFilled(min, max, IM_COL32(238, 243, 250, 255), t.px(8));
    dl->AddRect(min, max, ImGui::ColorConvertFloat4ToU32(t.colors().border), t.px(8));
    dl->ChannelsMerge();
    ImGui::PopID();
  }
  if (count < f.repeat_limit()) {
    const std::string add_label = "+ Add###add_" + path;
    if (button(ui, add_label.c_str(), t.px(260), Tone::Primary)) ui.emit(AddRepeatItem{path});
  }
}

void FormRenderer::draw_signature(Ui& ui, const std::string& path, const nlohmann::json& answer) {
  SignaturePad& pad = pads_[path];
  const std::string id = "##sign_" + path;
  switch (pad.draw(ui, id.c_str(), ui.theme.px(240), answer.is_string() && pad.empty())) {
    case SignaturePad::Event::Changed:
      if (auto uri = pad.to_data_uri()) ui.emit(SetAnswer{path, *uri});
      break;
    case SignaturePad::Event::Cleared: ui.emit(SetAnswer{path, nlohmann::json()}); break;
    case SignaturePad::Event::None: break;
  }
}

}  // namespace ws::kiosk::ui::widgets
