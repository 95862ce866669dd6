// The kiosk's layout must shape exactly as HarfBuzz does on its own for the same font file,
// direction, script and language: joined Arabic-script letters, ligatures and Ethiopic
// syllables, in visual order.
#include <doctest/doctest.h>
#include <hb.h>

#include <string>
#include <vector>

#include "kiosk/text/fonts.hpp"
#include "kiosk/text/layout.hpp"

using namespace ws::kiosk::text;

namespace {

struct Sample {
  const char* name;
  const char* language_code;  // kiosk code, picks the font
  const char* bcp47;          // what the layout and HarfBuzz are told
  hb_script_t script;
  const char* text;
  const char* expected_font_file;
};

// Sentences from the information pages; no digits or Latin, so each is one run.
const Sample kSamples[] = {
    {"Dari", "prs", "fa-AF", HB_SCRIPT_ARABIC, "بازگشت داوطلبانه انتخاب خود شماست",
     "NotoNaskhArabic-Regular.ttf"},
    {"Pashto", "ps", "ps", HB_SCRIPT_ARABIC, "ښځې او ماشومان هم مرسته ترلاسه کوي",
     "NotoNaskhArabic-Regular.ttf"},
    {"Arabic", "ar", "ar", HB_SCRIPT_ARABIC, "العودة الطوعية قرارك، ولا يتخذه أحد عنك",
     "NotoNaskhArabic-Regular.ttf"},
    {"Tigrinya", "ti", "ti", HB_SCRIPT_ETHIOPIC, "ብፍቓድካ ምምላስ ናትካ ውሳነ እዩ", "NotoSansEthiopic-Regular.ttf"},
};

std::vector<ShapedGlyph> harfbuzz_reference(const std::string& font_file, const Sample& s, bool rtl) {
  hb_blob_t* blob = hb_blob_create_from_file(font_file.c_str());
  hb_face_t* face = hb_face_create(blob, 0);
  hb_font_t* font = hb_font_create(face);
  hb_buffer_t* buf = hb_buffer_create();
  hb_buffer_add_utf8(buf, s.text, -1, 0, -1);
  hb_buffer_set_direction(buf, rtl ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
  hb_buffer_set_script(buf, s.script);
  hb_buffer_set_language(buf, hb_language_from_string(s.bcp47, -1));
  hb_shape(font, buf, nullptr, 0);
  unsigned n = 0;
  hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buf, &n);
  std::vector<ShapedGlyph> out;
  for (unsigned i = 0; i < n; ++i) out.push_back({info[i].codepoint, info[i].cluster});
  hb_buffer_destroy(buf);
  hb_font_destroy(font);
  hb_face_destroy(face);
  hb_blob_destroy(blob);
  return out;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

TextSpec spec_for(const Sample& s, Direction dir) {
  TextSpec spec;
  spec.text = s.text;
  spec.language = s.bcp47;
  spec.direction = dir;
  spec.font_family = font_family_for(s.language_code);
  spec.size_px = 32;
  return spec;
}

}  // namespace

TEST_CASE("glyphs and clusters equal HarfBuzz's for Dari, Pashto, Arabic and Tigrinya") {
  TextLayouter layouter;
  for (const Sample& s : kSamples) {
    CAPTURE(s.name);
    const bool rtl = s.script == HB_SCRIPT_ARABIC;
    auto runs = layouter.shape(spec_for(s, rtl ? Direction::Rtl : Direction::Ltr));
    REQUIRE(runs);
    REQUIRE(runs->size() == 1);
    const ShapedRun& run = runs->front();
    CHECK(run.rtl == rtl);
    CAPTURE(run.font_file);
    CHECK(ends_with(run.font_file, s.expected_font_file));
    const auto expected = harfbuzz_reference(run.font_file, s, rtl);
    REQUIRE(!expected.empty());
    CHECK(run.glyphs == expected);
  }
}

TEST_CASE("Arabic-script letters are joined: a word shapes differently from its letters alone") {
  TextLayouter layouter;
  TextSpec word = spec_for(kSamples[0], Direction::Rtl);
  word.text = "بازگشت";
  auto joined = layouter.shape(word);
  REQUIRE(joined);
  // The first letter (ب, byte 0) in the word takes its initial form, not the isolated one.
  TextSpec alone = word;
  alone.text = "ب";
  auto isolated = layouter.shape(alone);
  REQUIRE(isolated);
  std::uint32_t initial_glyph = 0;
  for (const auto& g : joined->front().glyphs)
    if (g.cluster == 0) initial_glyph = g.glyph;
  REQUIRE(isolated->front().glyphs.size() == 1);
  CHECK(initial_glyph != 0);
  CHECK(initial_glyph != isolated->front().glyphs.front().glyph);
}

TEST_CASE("Pashto's ښ is drawn by the Arabic font, not a missing-glyph box") {
  TextLayouter layouter;
  TextSpec spec = spec_for(kSamples[1], Direction::Rtl);
  spec.text = "ښ";
  auto runs = layouter.shape(spec);
  REQUIRE(runs);
  REQUIRE(runs->size() == 1);
  REQUIRE(runs->front().glyphs.size() == 1);
  CHECK((runs->front().glyphs.front().glyph & 0x10000000u /* PANGO_GLYPH_UNKNOWN_FLAG */) == 0);
  CHECK(runs->front().glyphs.front().glyph != 0);  // .notdef
}

TEST_CASE("mixed Dari, digits and Latin: the paragraph reads right to left, embedded runs left to right") {
  TextLayouter layouter;
  TextSpec spec = spec_for(kSamples[0], Direction::Rtl);
  // "He lived 16 years in Iran, then in Norway" with a Latin word and a number inside.
  spec.text = "او ۱۶ سال در ایران و بعد در Norway زندگی کرد، از سال 2009";
  auto runs = layouter.shape(spec);
  REQUIRE(runs);
  REQUIRE(runs->size() >= 3);
  bool saw_ltr = false;
  for (const auto& r : *runs) saw_ltr = saw_ltr || !r.rtl;
  CHECK(saw_ltr);
  // The first word of the sentence (byte 0) is on the right: in the last run of the line.
  const ShapedRun& rightmost = runs->back();
  CHECK(rightmost.rtl);
  bool has_first_char = false;
  for (const auto& g : rightmost.glyphs) has_first_char = has_first_char || g.cluster == 0;
  CHECK(has_first_char);
  // The Latin word "Norway" is laid out left to right inside the RTL paragraph.
  const auto norway = std::string(spec.text).find("Norway");
  bool found = false;
  for (const auto& r : *runs) {
    if (r.rtl) continue;
    for (std::size_t i = 1; i < r.glyphs.size(); ++i) {
      if (r.glyphs[i - 1].cluster == norway) {
        CHECK(r.glyphs[i].cluster > norway);  // increasing clusters: left to right
        found = true;
      }
    }
  }
  CHECK(found);
}
