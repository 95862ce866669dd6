// Rendered text is cached: nothing is laid out again while nothing changed.
#include <doctest/doctest.h>

#include "kiosk/text/fonts.hpp"
#include "kiosk/text/texture_cache.hpp"

using namespace ws::kiosk::text;
using namespace std::chrono_literals;

namespace {
TextSpec heading(const std::string& text) {
  TextSpec s;
  s.text = text;
  s.language = "uk";
  s.font_family = font_family_for("uk");
  s.size_px = 40;
  return s;
}
}  // namespace

TEST_CASE("the same text is rendered once and reused") {
  TextLayouter layouter;
  CountingTextureSink sink;
  TextureCache cache(layouter, sink);
  auto first = cache.text(heading("Добровільне повернення"));
  REQUIRE(first);
  for (int frame = 0; frame < 50; ++frame) {
    auto again = cache.text(heading("Добровільне повернення"));
    REQUIRE(again);
    CHECK(again->id == first->id);
    cache.collect();
  }
  CHECK(cache.stats().renders == 1);
  CHECK(cache.stats().hits == 50);
  CHECK(sink.live() == 1);
}

TEST_CASE("any change that alters pixels renders again") {
  TextLayouter layouter;
  CountingTextureSink sink;
  TextureCache cache(layouter, sink);
  TextSpec base = heading("Ваші права");
  REQUIRE(cache.text(base));
  TextSpec colour = base;
  colour.color = {255, 0, 0, 255};
  TextSpec width = base;
  width.wrap_width_px = 300;
  TextSpec dir = base;
  dir.direction = Direction::Rtl;
  TextSpec size = base;
  size.size_px = 41;
  for (const auto& s : {colour, width, dir, size}) REQUIRE(cache.text(s));
  CHECK(cache.stats().renders == 5);
  CHECK(cache.stats().entries == 5);
}

TEST_CASE("textures unused for the idle limit are freed") {
  TextLayouter layouter;
  CountingTextureSink sink;
  auto now = std::chrono::steady_clock::time_point{};
  TextureCache cache(layouter, sink, 10s, [&] { return now; });
  REQUIRE(cache.text(heading("A")));
  REQUIRE(cache.text(heading("B")));
  now += 6s;
  REQUIRE(cache.text(heading("A")));  // A stays in use
  now += 6s;
  cache.collect();
  CHECK(cache.stats().entries == 1);
  CHECK(cache.stats().releases == 1);
  CHECK(sink.live() == 1);
  REQUIRE(cache.text(heading("B")));  // made again on demand
  CHECK(cache.stats().renders == 3);
}

TEST_CASE("a failing render is remembered, not retried every frame") {
  TextLayouter layouter;
  CountingTextureSink sink;
  TextureCache cache(layouter, sink);
  TextSpec bad = heading("x");
  bad.text = std::string("\xc3", 1);
  CHECK_FALSE(cache.text(bad));
  CHECK_FALSE(cache.text(bad));
  CHECK(cache.stats().renders == 1);
  CHECK(sink.live() == 0);
}

TEST_CASE("bitmaps by key are made once and the cache releases everything it uploaded") {
  TextLayouter layouter;
  CountingTextureSink sink;
  {
    TextureCache cache(layouter, sink);
    int made = 0;
    auto make = [&]() -> ws::Result<Bitmap> {
      ++made;
      Bitmap b;
      b.width = b.height = 2;
      b.rgba.assign(16, 255);
      return b;
    };
    REQUIRE(cache.bitmap("qr:https://example.org:4", make));
    REQUIRE(cache.bitmap("qr:https://example.org:4", make));
    CHECK(made == 1);
    CHECK(sink.live() == 1);
  }
  CHECK(sink.live() == 0);
}
