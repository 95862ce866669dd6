// Rendering into RGBA: direction-aware alignment, wrapping, straight alpha, QR codes.
#include <doctest/doctest.h>

#include "kiosk/text/fonts.hpp"
#include "kiosk/text/layout.hpp"
#include "kiosk/text/qr.hpp"

using namespace ws::kiosk::text;

namespace {

// Horizontal centre of the inked pixels in the layout box, as a fraction of the box's width
// (the bitmap holds the ink only; origin_x is where the box starts in it).
double ink_centre_x(const Bitmap& b) {
  double sum = 0, weight = 0;
  for (int y = 0; y < b.height; ++y)
    for (int x = 0; x < b.width; ++x) {
      const double a = b.alpha_at(x, y);
      sum += a * (x - b.origin_x);
      weight += a;
    }
  return weight > 0 ? sum / weight / b.box_width : -1;
}

// Inked pixels on the bitmap's outermost rows and columns.
int inked_on_edges(const Bitmap& b) {
  int inked = 0;
  for (int y = 0; y < b.height; ++y)
    for (int x = 0; x < b.width; ++x)
      if ((x == 0 || y == 0 || x == b.width - 1 || y == b.height - 1) && b.alpha_at(x, y) > 0) ++inked;
  return inked;
}

TextSpec dari(const std::string& text, int wrap) {
  TextSpec s;
  s.text = text;
  s.language = "fa-AF";
  s.direction = Direction::Rtl;
  s.font_family = font_family_for("prs");
  s.size_px = 28;
  s.wrap_width_px = wrap;
  s.color = {255, 255, 255, 255};
  return s;
}

TextSpec english(const std::string& text, int wrap) {
  TextSpec s = dari(text, wrap);
  s.language = "en";
  s.direction = Direction::Ltr;
  s.font_family = font_family_for("en");
  return s;
}

}  // namespace

TEST_CASE("start alignment is the right edge for right-to-left text and the left edge otherwise") {
  TextLayouter layouter;
  auto rtl = layouter.render(dari("معلومات عمومی", 900));
  REQUIRE(rtl);
  CHECK(rtl->box_width == 900);
  CHECK(ink_centre_x(*rtl) > 0.75);

  auto ltr = layouter.render(english("General information", 900));
  REQUIRE(ltr);
  CHECK(ink_centre_x(*ltr) < 0.25);

  // A right-to-left paragraph that starts with a Latin word is still right-aligned: the
  // direction comes from the language, not from the first strong character.
  auto mixed = layouter.render(dari("UNHCR و سازمان‌های دیگر", 900));
  REQUIRE(mixed);
  CHECK(ink_centre_x(*mixed) > 0.75);

  TextSpec end = dari("معلومات عمومی", 900);
  end.align = Align::End;
  auto end_aligned = layouter.render(end);
  REQUIRE(end_aligned);
  CHECK(ink_centre_x(*end_aligned) < 0.25);
}

TEST_CASE("paragraphs wrap at the given width") {
  TextLayouter layouter;
  const std::string para =
      "بازگشت داوطلبانه یعنی اینکه شما خودتان تصمیم می‌گیرید به کشور خود برگردید و در این راه کمک "
      "دریافت می‌کنید. این معلومات عمومی است و تصمیمی درباره پرونده شما نیست.";
  auto one_line = layouter.measure(dari(para, 0));
  auto wrapped = layouter.measure(dari(para, 400));
  REQUIRE(one_line);
  REQUIRE(wrapped);
  CHECK(one_line->line_count == 1);
  CHECK(wrapped->line_count >= 3);
  CHECK(wrapped->width == 400);
  auto bitmap = layouter.render(dari(para, 400));
  REQUIRE(bitmap);
  CHECK(bitmap->box_width == 400);
  CHECK(bitmap->box_height >= wrapped->height);
  // The ink runs from the first line to the last (the bitmap holds the ink, not the box).
  CHECK(bitmap->height > wrapped->height * 3 / 4);
}

TEST_CASE("the bitmap holds the ink, not the empty part of the layout box") {
  TextLayouter layouter;
  TextSpec centred = english("Touch the screen to start", 1400);
  centred.align = Align::Center;
  auto b = layouter.render(centred);
  REQUIRE(b);
  CHECK(b->box_width == 1400);
  CHECK(b->width < 1400 / 2);
  // Placed by its origin, the ink sits in the middle of the box: nothing moved.
  CHECK(ink_centre_x(*b) == doctest::Approx(0.5).epsilon(0.02));
  CHECK(b->origin_x < 0);
  // Nothing inked was cut off: a transparent pixel all round.
  CHECK(inked_on_edges(*b) == 0);
  auto rtl = layouter.render(dari("UNHCR و سازمان‌های دیگر", 900));
  REQUIRE(rtl);
  CHECK(inked_on_edges(*rtl) == 0);

  // Empty text is one transparent pixel whose box still has the line's height.
  auto empty = layouter.render(dari("", 900));
  REQUIRE(empty);
  CHECK(empty->width == 1);
  CHECK(empty->height == 1);
  CHECK(empty->alpha_at(0, 0) == 0);
  CHECK(empty->box_width == 900);
  CHECK(empty->box_height > 0);
}

TEST_CASE("rendered pixels carry straight alpha in the text colour") {
  TextLayouter layouter;
  TextSpec s = dari("ብፍቓድካ ምምላስ", 0);
  s.language = "ti";
  s.direction = Direction::Ltr;
  s.font_family = font_family_for("ti");
  s.color = {200, 100, 50, 255};
  auto b = layouter.render(s);
  REQUIRE(b);
  int partial = 0, inked = 0;
  for (int y = 0; y < b->height; ++y)
    for (int x = 0; x < b->width; ++x) {
      const std::uint8_t* p = &b->rgba[(static_cast<std::size_t>(y) * b->width + x) * 4];
      if (p[3] == 0) continue;
      ++inked;
      if (p[3] < 255) ++partial;
      // Premultiplied output would darken antialiased edges; straight alpha keeps the colour.
      // (Below alpha 64 the 8-bit premultiplied source has too little precision to compare.)
      if (p[3] < 64) continue;
      CHECK(std::abs(p[0] - 200) <= 3);
      CHECK(std::abs(p[1] - 100) <= 3);
      CHECK(std::abs(p[2] - 50) <= 3);
    }
  CHECK(inked > 100);
  CHECK(partial > 0);
}

TEST_CASE("premultiplied ARGB32 converts to straight RGBA") {
  // One pixel: alpha 128, red 64 premultiplied -> straight red 128; fully transparent stays 0.
  std::uint32_t px[2] = {(128u << 24) | (64u << 16) | (32u << 8) | 16u, 0u};
  auto* bytes = reinterpret_cast<std::uint8_t*>(px);
  premultiplied_argb32_to_straight_rgba(bytes, 2, 1, 8);
  CHECK(bytes[0] == 128);
  CHECK(bytes[1] == 64);
  CHECK(bytes[2] == 32);
  CHECK(bytes[3] == 128);
  CHECK(bytes[7] == 0);
}

TEST_CASE("invalid input is refused, not drawn") {
  TextLayouter layouter;
  TextSpec bad = dari("x", 0);
  bad.text = std::string("\xff\xfe", 2);
  CHECK(layouter.render(bad).error().code == "invalid_utf8");
  TextSpec huge = dari("x", 0);
  huge.size_px = 0;
  CHECK(layouter.render(huge).error().code == "invalid_size");
}

TEST_CASE("QR codes have a white quiet zone and dark finder patterns") {
  auto qr = qr_bitmap("https://example.org/return-information", 4);
  REQUIRE(qr);
  CHECK(qr->width == qr->height);
  CHECK(qr->width % 4 == 0);
  auto dark = [&](int x, int y) { return qr->rgba[(static_cast<std::size_t>(y) * qr->width + x) * 4] == 0; };
  CHECK_FALSE(dark(0, 0));
  CHECK_FALSE(dark(4 * 4 - 1, 4 * 4 - 1));
  CHECK(dark(4 * 4, 4 * 4));  // top-left finder's corner module
  CHECK(dark(qr->width - 4 * 4 - 1, 4 * 4));  // top-right finder
  CHECK_FALSE(qr_bitmap("", 4));
}
