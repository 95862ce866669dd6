// The on-screen keyboard's layouts and model without a window: every key of every layout types
// the code point it shows, each script has its own letters, Ethiopic syllables compose from a
// consonant and a vowel order, and the pads offer what their field takes.
#include <doctest/doctest.h>

#include <ios>
#include <set>
#include <string>

#include "kiosk/ui/keyboard/ethiopic.hpp"
#include "kiosk/ui/keyboard/keyboard_model.hpp"
#include "kiosk/ui/keyboard/layouts.hpp"

using namespace ws::kiosk::ui::keyboard;
using ws::kiosk::ui::widgets::KeyboardKind;

namespace {

// Every code point the layout's character keys type, unshifted and shifted.
std::set<char32_t> typed(const Layout& layout) {
  KeyboardModel model;
  model.open(KeyboardKind::Text, layout.id);
  std::set<char32_t> out;
  for (const auto& row : layout.rows)
    for (const auto& key : row) {
      if (key.kind != KeyKind::Char) continue;
      for (bool shift : {false, true}) {
        if (shift && !layout.has_case) continue;
        if (shift) (void)model.press(Key{KeyKind::Shift, "", "", 1.0f});
        const std::string shown = model.label(key);
        const Effect e = model.press(key);
        REQUIRE(e.kind == Effect::Kind::Text);
        CHECK_MESSAGE(e.text == shown, layout.id << ": key shows '" << shown << "' but types '" << e.text << "'");
        const auto cps = code_points(e.text);
        CHECK_MESSAGE(cps.size() == 1, layout.id << ": '" << e.text << "' is not one code point");
        if (!cps.empty()) out.insert(cps.front());
        CHECK_FALSE(model.shifted());  // shift is for one letter
      }
    }
  return out;
}

bool has_all(const std::set<char32_t>& set, std::initializer_list<char32_t> cps) {
  for (char32_t cp : cps)
    if (!set.count(cp)) {
      MESSAGE("missing U+" << std::hex << static_cast<unsigned>(cp));
      return false;
    }
  return true;
}

}  // namespace

TEST_CASE("every character key of every layout types exactly the code point it shows") {
  REQUIRE(text_layouts().size() == 8);
  for (const auto& layout : text_layouts()) {
    CAPTURE(layout.id);
    if (layout.syllabic) continue;  // consonant keys; see the Ethiopic cases
    const auto cps = typed(layout);
    CHECK(cps.size() >= 26);
  }
}

TEST_CASE("each script's layout has its own letters") {
  const auto en = typed(*find_layout("en"));
  CHECK(has_all(en, {'a', 'z', 'q', 'A', 'Z', '\''}));
  const auto nb = typed(*find_layout("nb"));
  CHECK(has_all(nb, {0xE6, 0xF8, 0xE5, 0xC6, 0xD8, 0xC5}));  // æ ø å Æ Ø Å
  const auto so = typed(*find_layout("so"));
  CHECK(has_all(so, {'\'', 'x', 'c', 'q', 'k', 'h', 'd'}));  // glottal stop, x c q dh kh
  const auto uk = typed(*find_layout("uk"));
  CHECK(has_all(uk, {0x0456, 0x0457, 0x0454, 0x0491, 0x0406, 0x0407, 0x0404, 0x0490}));  // і ї є ґ
  const auto ar = typed(*find_layout("ar"));
  CHECK(has_all(ar, {0x064A, 0x0643, 0x0629, 0x0621, 0x0623, 0x0625, 0x0622}));  // ي ك ة ء أ إ آ
  const auto prs = typed(*find_layout("prs"));
  CHECK(has_all(prs, {0x067E, 0x0686, 0x0698, 0x06AF, 0x06CC, 0x06A9}));  // پ چ ژ گ ی ک
  CHECK_FALSE(prs.count(0x064A));  // Arabic yeh and kaf are not Dari's
  CHECK_FALSE(prs.count(0x0643));
  const auto ps = typed(*find_layout("ps"));
  CHECK(has_all(ps, {0x069A, 0x0696, 0x0681, 0x0685, 0x067C, 0x0689, 0x0693, 0x06BC, 0x06CD, 0x06D0, 0x06AB,
                     0x067E, 0x0686, 0x0698, 0x06CC, 0x06A9}));  // ښ ږ ځ څ ټ ډ ړ ڼ ۍ ې ګ + پ چ ژ ی ک
}

TEST_CASE("Ethiopic syllables compose from a consonant and a vowel order") {
  CHECK(ethiopic::compose(0x1230, 3) == std::optional<char32_t>(0x1232));  // ሰ + 3 = ሲ
  CHECK(ethiopic::compose(0x1208, 7) == std::optional<char32_t>(0x120E));  // ለ + 7 = ሎ
  CHECK(ethiopic::compose(0x1270, 1) == std::optional<char32_t>(0x1270));  // ተ + 1 = ተ
  CHECK(ethiopic::compose(0x1250, 6) == std::optional<char32_t>(0x1255));  // ቐ + 6 = ቕ
  CHECK_FALSE(ethiopic::compose(0x1230, 0));
  CHECK_FALSE(ethiopic::compose(0x1230, 8));
  CHECK_FALSE(ethiopic::compose(0x1231, 1));  // not a consonant's first form
  CHECK(ethiopic::tigrinya_consonants().size() == 33);
  for (const auto& c : ethiopic::tigrinya_consonants()) {
    CAPTURE(static_cast<unsigned>(c.base));
    CHECK((c.base - 0x1200) % 8 == 0);
    const auto all = ethiopic::syllables(c);
    for (int order = 1; order <= 7; ++order) CHECK(all[static_cast<std::size_t>(order - 1)] == *ethiopic::compose(c.base, order));
    for (char32_t s : all) CHECK((s >= 0x1200 && s <= 0x137F));
  }
  // The labialised velars Tigrinya writes: ቈ ቊ ቋ ቌ ቍ after ቀ's seven orders.
  const auto q = ethiopic::syllables(*ethiopic::find_consonant(0x1240));
  REQUIRE(q.size() == 12);
  CHECK(std::vector<char32_t>(q.begin() + 7, q.end()) == std::vector<char32_t>{0x1248, 0x124A, 0x124B, 0x124C, 0x124D});
  // ለ has its wa form ሏ.
  const auto l = ethiopic::syllables(*ethiopic::find_consonant(0x1208));
  CHECK(l.size() == 8);
  CHECK(l.back() == 0x120F);
}

TEST_CASE("the Tigrinya layout types a syllable by consonant, then vowel order") {
  KeyboardModel model;
  model.open(KeyboardKind::Text, "ti");
  REQUIRE(model.layout().syllabic);
  CHECK(model.rows().front().empty());  // the picker row waits for a consonant
  std::size_t consonants = 0;
  for (const auto& row : model.layout().rows)
    for (const auto& key : row) {
      if (key.kind != KeyKind::Consonant) continue;
      ++consonants;
      CHECK(model.press(key).kind == Effect::Kind::None);  // nothing typed yet
      const auto picker = model.rows().front();
      REQUIRE(picker.size() >= 7);
      const char32_t base = code_points(key.text).front();
      for (int order = 1; order <= 7; ++order)
        CHECK(code_points(picker[static_cast<std::size_t>(order - 1)].text).front() == *ethiopic::compose(base, order));
      // ሰ then its third order types ሲ; the picker closes.
      const Effect e = model.press(picker[2]);
      CHECK(e.kind == Effect::Kind::Text);
      CHECK(code_points(e.text) == std::vector<char32_t>{base + 2});
      CHECK(model.pending_consonant() == 0);
    }
  CHECK(consonants == 33);
}

TEST_CASE("control keys: backspace, cursor, enter, hide, shift, layout switch, symbols") {
  KeyboardModel model;
  model.open(KeyboardKind::Text, "en");
  auto press = [&](KeyKind k) { return model.press(Key{k, "", "", 1.0f}); };
  CHECK(press(KeyKind::Backspace).kind == Effect::Kind::Backspace);
  CHECK(press(KeyKind::Left).kind == Effect::Kind::Left);
  CHECK(press(KeyKind::Right).kind == Effect::Kind::Right);
  CHECK(press(KeyKind::Enter).kind == Effect::Kind::Enter);
  CHECK(press(KeyKind::Hide).kind == Effect::Kind::Hide);
  const Effect space = press(KeyKind::Space);
  CHECK((space.kind == Effect::Kind::Text && space.text == " "));
  // Shift: one capital, then small letters again.
  const Key a{KeyKind::Char, "a", "A", 1.0f};
  (void)press(KeyKind::Shift);
  CHECK(model.press(a).text == "A");
  CHECK(model.press(a).text == "a");
  // The switch key goes through every script and back.
  std::set<std::string> seen;
  for (std::size_t i = 0; i < text_layouts().size(); ++i) {
    seen.insert(model.layout().id);
    (void)press(KeyKind::Switch);
  }
  CHECK(seen.size() == text_layouts().size());
  CHECK(model.layout().id == "en");
  // Symbols and back to the letters the field had.
  (void)press(KeyKind::Switch);  // nb
  (void)press(KeyKind::Symbols);
  CHECK(model.layout().id == "symbols");
  (void)press(KeyKind::Letters);
  CHECK(model.layout().id == "nb");
  // Every text layout's control row has them all.
  std::set<KeyKind> controls;
  const auto rows = model.rows();
  for (const auto& key : rows.back()) controls.insert(key.kind);
  for (KeyKind k : {KeyKind::Shift, KeyKind::Switch, KeyKind::Symbols, KeyKind::Space, KeyKind::Left, KeyKind::Right,
                    KeyKind::Backspace, KeyKind::Enter, KeyKind::Hide})
    CHECK(controls.count(k) == 1);
}

TEST_CASE("number, phone and date fields get a pad with what they take") {
  auto keys_of = [](KeyboardKind kind) {
    KeyboardModel model;
    model.open(kind, "prs");  // the visitor's script does not matter for a pad
    std::string chars;
    std::set<KeyKind> controls;
    for (const auto& row : model.rows())
      for (const auto& key : row) {
        if (key.kind == KeyKind::Char) chars += model.press(key).text;
        else controls.insert(key.kind);
      }
    CHECK(controls == std::set<KeyKind>{KeyKind::Left, KeyKind::Right, KeyKind::Backspace, KeyKind::Enter, KeyKind::Hide});
    return chars;
  };
  CHECK(keys_of(KeyboardKind::Number) == "123456789-0.");
  CHECK(keys_of(KeyboardKind::Phone) == "123456789+0-");
  CHECK(keys_of(KeyboardKind::Date) == "123456789-0");
}

TEST_CASE("a field's script is told by its text") {
  CHECK(language_of_text("") == "");
  CHECK(language_of_text("Amina 12") == "");
  CHECK(language_of_text("\xd9\xbe\xd8\xaf\xd8\xb1") == "prs");        // پدر
  CHECK(language_of_text("\xda\x9a\xd9\x88\xd9\x88\xd9\x86\xdb\x8c") == "ps");  // ښوونی
  CHECK(language_of_text("\xd9\x83\xd8\xaa\xd8\xa7\xd8\xa8") == "ar");  // كتاب
  CHECK(language_of_text("\xe1\x88\xb0\xe1\x88\x8b\xe1\x88\x9d") == "ti");  // ሰላም
  CHECK(language_of_text("\xd0\x87\xd0\xb6\xd0\xb0\xd0\xba") == "uk");  // Їжак
}
