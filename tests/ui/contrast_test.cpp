// WCAG AA for the whole theme: every text/background pair the kiosk draws reaches 4.5:1,
// measured with WCAG 2's relative luminance.
#include <doctest/doctest.h>

#include "kiosk/ui/theme.hpp"

using namespace ws::kiosk::ui;

TEST_CASE("contrast: the formula gives WCAG's reference values") {
  CHECK(contrast_ratio(ImVec4(0, 0, 0, 1), ImVec4(1, 1, 1, 1)) == doctest::Approx(21.0));
  CHECK(contrast_ratio(ImVec4(1, 1, 1, 1), ImVec4(1, 1, 1, 1)) == doctest::Approx(1.0));
  // #767676 on white is the classic 4.54:1 grey.
  const float g = 0x76 / 255.0f;
  CHECK(contrast_ratio(ImVec4(g, g, g, 1), ImVec4(1, 1, 1, 1)) == doctest::Approx(4.54).epsilon(0.01));
}

TEST_CASE("contrast: every text and button of the theme reaches 4.5:1") {
  const Palette palette;
  const auto pairs = text_pairs(palette);
  CHECK(pairs.size() >= 30);
  for (const auto& p : pairs) {
    const double ratio = contrast_ratio(p.text, p.background);
    CAPTURE(p.name);
    CAPTURE(ratio);
    CHECK(ratio >= 4.5);
  }
}

TEST_CASE("contrast: disabled buttons look unlike enabled ones") {
  const Palette c;
  // Not the neutral grey and not the primary blue: a pale flat face with muted text.
  CHECK(contrast_ratio(c.disabled, c.primary) > 3.0);
  CHECK(c.disabled.x != c.neutral.x);
  CHECK(contrast_ratio(c.disabled_text, c.disabled) >= 4.5);
  CHECK(contrast_ratio(c.disabled_text, c.text) > 1.5);  // lighter than enabled text
}
