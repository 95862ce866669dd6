#pragma once
// A screen draws a view-model and pushes intents; it holds only UI state (text buffers,
// scroll, which popup is open). No SQLite, no HTTP, no clocks of its own: everything comes in
// through `Ui`, everything goes out as an Intent.
#include <cstdint>
#include <string>
#include <vector>

#include <imgui.h>

#include "kiosk/ui/intents.hpp"
#include "kiosk/ui/theme.hpp"

namespace ws::kiosk::vm {
class Workspace;
}

namespace ws::kiosk::ui {

// What every screen may read this frame.
struct AppView {
  std::string lang = "en";       // the migrant's chosen language
  std::string assets_dir;        // forms/, content/ (read-only)
  std::string data_dir;          // the kiosk's data folder (installed content bundles); may be empty
  std::string param;             // the current screen's parameter (Navigate::param)
  std::int64_t now_ms = 0;       // monotonic, for countdowns and animations
  bool can_go_back = false;      // the shell has somewhere to go back to
  bool screenshot = false;       // fixture data, no caret blink or other time-dependent drawing
  const vm::Workspace* workspace = nullptr;  // counsellor side; null on a kiosk without staff
  // The outcome of the last SubmitRecord: a migrant screen compares `sequence` with the value
  // it saw when it asked, to tell "saved" from "could not be saved" (never a silent loss).
  struct SubmitOutcome {
    std::uint64_t sequence = 0;
    bool saved = false;
  };
  SubmitOutcome last_submit;
};

// Where tests (and only tests) find the widgets drawn in the last frame, by visible label,
// and what the layout check (layout_check.hpp) needs to tell overlapping or clipped widgets.
struct ItemLog {
  struct Item {
    std::string label;
    std::string id;                 // what follows "##" in its ImGui label: chosen by code, never data
    ImVec2 min, max;
    bool interactive = false;       // takes taps (ImGui gave it an id)
    unsigned window = 0;            // its root window: widgets of a popup may cover the page
    ImVec2 clip_min, clip_max;      // the part of the screen its window shows
    float label_width = 0;          // text drawn inside it by ImGui (0 = none or drawn by us)
    float label_room = 0;           // the width that text has before ImGui clips it
    bool backdrop = false;          // a whole-area target other widgets sit on (allow_overlap)
  };
  std::vector<Item> items;
  const Item* find(const std::string& label) const {
    for (const auto& i : items)
      if (i.label == label) return &i;
    return nullptr;
  }
};

// The per-frame context handed to a screen.
struct Ui {
  const Theme& theme;
  const AppView& view;
  IntentQueue& intents;
  ItemLog* log = nullptr;

  template <typename T>
  void emit(T intent) {
    intents.push(std::move(intent));
  }
};

class Screen {
 public:
  virtual ~Screen() = default;
  // Draws into the full-screen host window the app has already begun.
  virtual void draw(Ui& ui) = 0;
};

}  // namespace ws::kiosk::ui
