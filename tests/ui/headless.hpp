#pragma once
// Dear ImGui without a window or GL: a context with io.DisplaySize set and the font atlas
// built, frames run through the Shell, and taps on widgets found by their visible label.
#include <cfloat>
#include <cstdint>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <imgui.h>

#include "kiosk/ui/shell.hpp"
#include "kiosk/ui/theme.hpp"

namespace ui_test {

using namespace ws::kiosk::ui;

class Headless {
 public:
  explicit Headless(int width = 1920, int height = 1080) {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(static_cast<float>(width), static_cast<float>(height));
    io.DeltaTime = 1.0f / 60.0f;
    theme.apply(Theme::scale_for_size(width, height));
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  }
  ~Headless() { ImGui::DestroyContext(); }
  Headless(const Headless&) = delete;
  Headless& operator=(const Headless&) = delete;

  std::vector<Intent> frame(Shell& shell) {
    ImGui::NewFrame();
    auto applied = shell.frame(theme, now_ms, &log);
    ImGui::Render();
    return applied;
  }

  // Tap: hover, press, release (ImGui buttons fire on release). Returns the intents of the
  // three frames. Fails the test when no widget has that label.
  std::vector<Intent> tap(Shell& shell, const std::string& label) {
    (void)frame(shell);
    const ItemLog::Item* item = log.find(label);
    REQUIRE_MESSAGE(item != nullptr, "no widget labelled '" << label << "' on screen " << shell.current());
    const ImVec2 at((item->min.x + item->max.x) / 2, (item->min.y + item->max.y) / 2);
    ImGuiIO& io = ImGui::GetIO();
    std::vector<Intent> all;
    io.MousePos = at;
    append(all, frame(shell));
    io.MouseDown[0] = true;
    append(all, frame(shell));
    io.MouseDown[0] = false;
    append(all, frame(shell));
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    return all;
  }

  // Types text into the widget with that label (taps it first to focus it).
  std::vector<Intent> type(Shell& shell, const std::string& label, const std::string& text) {
    auto all = tap(shell, label);
    ImGui::GetIO().AddInputCharactersUTF8(text.c_str());
    append(all, frame(shell));
    return all;
  }

  bool shows(const std::string& label) const { return log.find(label) != nullptr; }

  template <typename T>
  static const T* find(const std::vector<Intent>& intents) {
    for (const auto& i : intents)
      if (const T* t = std::get_if<T>(&i)) return t;
    return nullptr;
  }

  Theme theme;
  ItemLog log;
  std::int64_t now_ms = 1'000'000;

 private:
  static void append(std::vector<Intent>& to, std::vector<Intent> from) {
    to.insert(to.end(), from.begin(), from.end());
  }
};

}  // namespace ui_test
