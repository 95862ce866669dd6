#include "kiosk/ui/widgets/signature_pad.hpp"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kiosk/ui/png_writer.hpp"
#include "kiosk/ui/widgets/touch.hpp"
#include "ws/forms/definition.hpp"

namespace ws::kiosk::ui::widgets {
namespace {

// 3:1, enough detail for a signature and small enough to stay far below kMaxSignatureChars.
constexpr int kImageWidth = 600;
constexpr int kImageHeight = 200;

void stamp(std::vector<std::uint8_t>& rgba, int w, int h, float cx, float cy, float r) {
  const int x0 = std::max(0, static_cast<int>(std::floor(cx - r))), x1 = std::min(w - 1, static_cast<int>(std::ceil(cx + r)));
  const int y0 = std::max(0, static_cast<int>(std::floor(cy - r))), y1 = std::min(h - 1, static_cast<int>(std::ceil(cy + r)));
  for (int y = y0; y <= y1; ++y)
    for (int x = x0; x <= x1; ++x) {
      const float dx = static_cast<float>(x) + 0.5f - cx, dy = static_cast<float>(y) + 0.5f - cy;
      if (dx * dx + dy * dy > r * r) continue;
      std::uint8_t* p = &rgba[(static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)) * 4];
      p[0] = 20;
      p[1] = 30;
      p[2] = 80;
    }
}

}  // namespace

std::vector<std::uint8_t> rasterise_strokes(const std::vector<SignaturePad::Stroke>& strokes, int width, int height,
                                            float pen_px) {
  std::vector<std::uint8_t> rgba(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4, 255);
  const float r = pen_px / 2;
  for (const auto& stroke : strokes) {
    for (std::size_t i = 0; i < stroke.size(); ++i) {
      const ImVec2 a(stroke[i].x * static_cast<float>(width), stroke[i].y * static_cast<float>(height));
      const ImVec2 b = i + 1 < stroke.size()
                           ? ImVec2(stroke[i + 1].x * static_cast<float>(width), stroke[i + 1].y * static_cast<float>(height))
                           : a;
      const float len = std::hypot(b.x - a.x, b.y - a.y);
      const int steps = std::max(1, static_cast<int>(len / std::max(0.5f, r * 0.5f)));
      for (int s = 0; s <= steps; ++s) {
        const float t = static_cast<float>(s) / static_cast<float>(steps);
        stamp(rgba, width, height, a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, r);
      }
    }
  }
  return rgba;
}

std::optional<std::string> SignaturePad::to_data_uri() const {
  if (strokes_.empty()) return std::nullopt;
  auto png = encode_png(kImageWidth, kImageHeight, rasterise_strokes(strokes_, kImageWidth, kImageHeight, 4.0f));
  if (!png) return std::nullopt;
  if (sodium_init() < 0) return std::nullopt;
  const std::size_t b64_len = sodium_base64_encoded_len(png->size(), sodium_base64_VARIANT_ORIGINAL);
  std::string b64(b64_len, '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(png->data()), png->size(),
                    sodium_base64_VARIANT_ORIGINAL);
  b64.resize(std::strlen(b64.c_str()));
  std::string uri = std::string(forms::kSignaturePrefix) + b64;
  if (uri.size() > forms::kMaxSignatureChars) return std::nullopt;
  return uri;
}

SignaturePad::Event SignaturePad::draw(Ui& ui, const char* id, float height, bool has_saved) {
  const Theme& t = ui.theme;
  Event event = Event::None;
  const float width = ImGui::GetContentRegionAvail().x;
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, ImVec2(width, height));
  log_item(ui, id);
  const bool active = ImGui::IsItemActive();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(pos, ImVec2(pos.x + width, pos.y + height), IM_COL32_WHITE, t.px(8));
  draw->AddRect(pos, ImVec2(pos.x + width, pos.y + height), ImGui::ColorConvertFloat4ToU32(t.colors().border), t.px(8),
                0, 2.0f);
  // The signing line, as on paper.
  const float line_y = pos.y + height * 0.78f;
  draw->AddLine(ImVec2(pos.x + t.px(24), line_y), ImVec2(pos.x + width - t.px(24), line_y),
                ImGui::ColorConvertFloat4ToU32(t.colors().neutral_hover), 2.0f);

  if (active) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const ImVec2 p(std::clamp((m.x - pos.x) / width, 0.0f, 1.0f), std::clamp((m.y - pos.y) / height, 0.0f, 1.0f));
    if (!drawing_) {
      strokes_.push_back({});
      drawing_ = true;
    }
    auto& stroke = strokes_.back();
    if (stroke.empty() || std::fabs(stroke.back().x - p.x) + std::fabs(stroke.back().y - p.y) > 0.002f) stroke.push_back(p);
  } else if (drawing_) {
    drawing_ = false;
    event = Event::Changed;
  }
  const ImU32 ink = IM_COL32(20, 30, 80, 255);
  for (const auto& stroke : strokes_) {
    for (std::size_t i = 0; i + 1 < stroke.size(); ++i)
      draw->AddLine(ImVec2(pos.x + stroke[i].x * width, pos.y + stroke[i].y * height),
                    ImVec2(pos.x + stroke[i + 1].x * width, pos.y + stroke[i + 1].y * height), ink, t.px(4));
    if (stroke.size() == 1)
      draw->AddCircleFilled(ImVec2(pos.x + stroke[0].x * width, pos.y + stroke[0].y * height), t.px(3), ink);
  }
  if (strokes_.empty()) {
    const char* text = has_saved ? "A signature is on file. Tap Clear to sign again." : "Sign here with a finger";
    const ImVec2 size = ImGui::CalcTextSize(text);
    draw->AddText(ImVec2(pos.x + (width - size.x) / 2, line_y - size.y - t.px(12)),
                  ImGui::ColorConvertFloat4ToU32(t.colors().text_muted), text);
  }
  const std::string clear_label = std::string("Clear###clear_") + id;
  if (button(ui, clear_label.c_str())) {
    strokes_.clear();
    drawing_ = false;
    event = Event::Cleared;
  }
  return event;
}

}  // namespace ws::kiosk::ui::widgets
