#pragma once
// A signature drawn with a finger or the mouse. Strokes are UI state; when a stroke ends the
// pad renders them into a small PNG and returns it as a data: URI for the form's answer.
#include <optional>
#include <string>
#include <vector>

#include <imgui.h>

#include "kiosk/ui/screen.hpp"

namespace ws::kiosk::ui::widgets {

class SignaturePad {
 public:
  enum class Event { None, Changed, Cleared };
  // Draws the pad `height` high across the available width. `has_saved` says whether the
  // answer already holds a signature (e.g. an edited record) that the strokes do not show.
  Event draw(Ui& ui, const char* id, float height, bool has_saved);
  // The strokes as "data:image/png;base64,..." (nullopt when there are none or encoding fails).
  std::optional<std::string> to_data_uri() const;
  bool empty() const { return strokes_.empty(); }
  void clear() { strokes_.clear(); }

  // Points are stored normalised to the pad (0..1) so the PNG does not depend on screen size.
  using Stroke = std::vector<ImVec2>;
  const std::vector<Stroke>& strokes() const { return strokes_; }
  void add_stroke(Stroke s) { strokes_.push_back(std::move(s)); }

 private:
  std::vector<Stroke> strokes_;
  bool drawing_ = false;
};

// Rasterises normalised strokes into a width x height RGBA image (dark ink on white).
std::vector<std::uint8_t> rasterise_strokes(const std::vector<SignaturePad::Stroke>& strokes, int width, int height,
                                            float pen_px);

}  // namespace ws::kiosk::ui::widgets
