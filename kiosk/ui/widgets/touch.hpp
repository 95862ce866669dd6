#pragma once
// Touch-sized building blocks shared by all screens: every tappable thing is at least
// Theme::touch() high, labels are never smaller than the body font, and every widget drawn is
// recorded in Ui::log (when a test asked for it) under its visible label.
#include <string>

#include <imgui.h>

#include "kiosk/ui/screen.hpp"

namespace ws::kiosk::ui::widgets {

enum class Tone { Neutral, Primary, Danger, Selected };

// "Save###save" -> "Save"; "##pin" -> "".
std::string visible_label(const char* label);
// Records the last ImGui item under `label` in ui.log.
void log_item(Ui& ui, const char* label);
// The last item is a backdrop (e.g. "touch anywhere to start") that other widgets are drawn
// on top of and take their taps from: ImGui lets them, and the layout check does not count it.
void allow_overlap(Ui& ui);

// Width 0 = fit the label (at least a touch target); -1 = fill the line.
bool button(Ui& ui, const char* label, float width = 0.0f, Tone tone = Tone::Neutral);
// A big toggle: single/multiple choice, yes/no, filters.
bool toggle(Ui& ui, const char* label, bool selected, float width = 0.0f);
// Single-line text in the body font with a label above it; returns true when edited. Shaped
// (text_input.hpp) unless `flags` has ImGuiInputTextFlags_Password, which keeps ImGui's dots.
bool text_field(Ui& ui, const char* label, std::string& value, float width = -1.0f, int flags = 0);

// A small label in front of a row of touch-sized buttons, centred on their height (the
// buttons follow on the same line).
void row_label(Ui& ui, const char* text);

void heading(Ui& ui, const char* text);
void caption(Ui& ui, const char* text);  // muted, small
void message(Ui& ui, const std::string& text, bool error);
// A coloured pill, e.g. a record's sync state.
void badge(Ui& ui, const char* text, const ImVec4& colour);

// Full-width title bar with an optional back button (emits GoBack) on the left.
void title_bar(Ui& ui, const char* title, bool back_button);

}  // namespace ws::kiosk::ui::widgets
