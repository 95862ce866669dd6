// Signature strokes to pixels and to a PNG data URI within the form's size limit.
#include <algorithm>
#include <cmath>

#include <doctest/doctest.h>

#include "kiosk/ui/widgets/signature_pad.hpp"
#include "ws/forms/definition.hpp"

using namespace ws::kiosk::ui::widgets;

TEST_CASE("strokes are drawn as ink on white; no strokes, no answer") {
  SignaturePad pad;
  CHECK_FALSE(pad.to_data_uri().has_value());
  const auto blank = rasterise_strokes({}, 60, 20, 3);
  CHECK(std::all_of(blank.begin(), blank.end(), [](std::uint8_t b) { return b == 255; }));
  const auto inked = rasterise_strokes({{ImVec2(0.1f, 0.5f), ImVec2(0.9f, 0.5f)}}, 60, 20, 3);
  const std::size_t middle = (10 * 60 + 30) * 4;
  CHECK(inked[middle] < 100);           // the line crosses the middle
  CHECK(inked[(1 * 60 + 30) * 4] == 255);  // the top row stays white
}

TEST_CASE("a signature becomes a PNG data URI the forms engine accepts") {
  SignaturePad pad;
  SignaturePad::Stroke s;
  for (int i = 0; i <= 50; ++i) s.push_back(ImVec2(0.05f + 0.018f * static_cast<float>(i), 0.5f + 0.3f * std::sin(static_cast<float>(i) / 4.0f)));
  pad.add_stroke(s);
  auto uri = pad.to_data_uri();
  REQUIRE(uri.has_value());
  CHECK(uri->rfind(ws::forms::kSignaturePrefix, 0) == 0);
  CHECK(uri->size() < ws::forms::kMaxSignatureChars);
  CHECK(uri->size() > 200);
}
