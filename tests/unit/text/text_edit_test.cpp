// The text field's editing model on real Pango layouts: base direction from the first strong
// letter, left/right through mixed English, Arabic-script and digits in visual order, whole
// graphemes deleted, taps mapped to indices, selections replaced.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "kiosk/text/bidi.hpp"
#include "kiosk/text/text_edit.hpp"

using namespace ws::kiosk::text;

namespace {

// Every caret position reached by pressing an arrow until it stops, starting where it is.
std::vector<int> walk(TextEdit& e, int direction) {
  std::vector<int> seen{e.caret()};
  for (int i = 0; i < 200; ++i) {
    e.move_visually(direction, false);
    if (e.caret() == seen.back()) break;
    seen.push_back(e.caret());
  }
  return seen;
}

std::set<int> boundaries(TextEdit& e) {
  std::set<int> out{0};
  for (int i = 0; i < static_cast<int>(e.text().size());) {
    i = e.layout().next_boundary(i);
    out.insert(i);
  }
  return out;
}

// Puts the caret at the visual left edge of a single line.
void to_left_edge(TextEdit& e) {
  for (int i = 0; i < 200; ++i) {
    const int before = e.caret();
    e.move_visually(-1, false);
    if (e.caret() == before) break;
  }
}

}  // namespace

TEST_CASE("base direction comes from the first strong letter, as dir=auto") {
  CHECK(first_strong_direction("Note about سلام") == Direction::Ltr);
  CHECK(first_strong_direction("سلام, Ahmad") == Direction::Rtl);
  CHECK(first_strong_direction("12 - «محمد»") == Direction::Rtl);  // digits and punctuation are weak
  CHECK(first_strong_direction("ሰላም") == Direction::Ltr);          // Ethiopic is left-to-right
  CHECK_FALSE(first_strong_direction("2024-05 ...").has_value());
  CHECK_FALSE(first_strong_direction("").has_value());

  TextLayouter layouter;
  TextEdit e(layouter, EditStyle{"fa-AF", Direction::Rtl, 30.0, {}, 0, 4096});
  CHECK(e.direction() == Direction::Rtl);  // empty: the fallback
  e.set_text("Ahmad گفت");
  CHECK(e.direction() == Direction::Ltr);
  CHECK(e.spec().direction == Direction::Ltr);
  e.set_text("احمد said 12");
  CHECK(e.spec().direction == Direction::Rtl);
}

TEST_CASE("arrows move visually through mixed LTR/RTL text and visit every grapheme boundary once") {
  TextLayouter layouter;
  TextEdit e(layouter);
  for (const char* text : {"Ahmad احمد رضایی 1990 ok", "احمد Ahmad 12 کابل", "سلام 123 دنیا"}) {
    CAPTURE(text);
    e.set_text(text);
    to_left_edge(e);
    const std::vector<int> right = walk(e, +1);
    const std::set<int> visited(right.begin(), right.end());
    CHECK(visited.size() == right.size());  // nothing visited twice
    // Nothing left out: where a direction run ends, two logical positions share one spot on
    // screen and the caret stops there once.
    for (int b : boundaries(e)) {
      CAPTURE(b);
      const bool reached = std::any_of(right.begin(), right.end(), [&](int v) {
        return v == b || std::abs(e.layout().caret(v).x - e.layout().caret(b).x) < 0.5f;
      });
      CHECK(reached);
    }
    for (int v : right) CHECK(boundaries(e).count(v) == 1);
    // Each step goes right on screen, never back.
    for (std::size_t i = 1; i < right.size(); ++i) {
      CAPTURE(i);
      CHECK(e.layout().caret(right[i]).x > e.layout().caret(right[i - 1]).x);
    }
    const std::vector<int> left = walk(e, -1);
    // Back again through the same spots on screen (at a run boundary perhaps the other
    // logical position of the same spot).
    REQUIRE(left.size() == right.size());
    for (std::size_t i = 0; i < left.size(); ++i)
      CHECK(e.layout().caret(left[i]).x == doctest::Approx(e.layout().caret(right[right.size() - 1 - i]).x));
  }
}

TEST_CASE("in right-to-left text the left arrow goes forward in logical order") {
  TextLayouter layouter;
  TextEdit e(layouter);
  e.set_text("سلام");
  e.home(false);
  CHECK(e.caret() == 0);
  // Caret 0 of RTL text is on its right edge.
  CHECK(e.caret_rect().x == doctest::Approx(e.layout().width()).epsilon(0.05));
  e.move_visually(-1, false);
  CHECK(e.caret() == 2);  // past the first letter (two UTF-8 bytes)
  e.move_visually(+1, false);
  CHECK(e.caret() == 0);
  e.end(false);
  CHECK(e.caret() == static_cast<int>(e.text().size()));
  CHECK(e.caret_rect().x < 2.0f);  // the logical end is on the left

  e.set_text("abc");
  e.home(false);
  e.move_visually(+1, false);
  CHECK(e.caret() == 1);
}

TEST_CASE("backspace and delete remove whole graphemes") {
  TextLayouter layouter;
  TextEdit e(layouter);
  const std::string e_acute = "e\xcc\x81";             // e + combining acute
  const std::string family = "👨\u200d👩\u200d👧";     // one emoji of three people joined by ZWJ
  const std::string flag = "🇳🇴";                      // two regional indicators
  const std::string beh_kasra = "\xd8\xa8\xd9\x90";   // ب + kasra
  for (const std::string& g : {e_acute, family, flag, beh_kasra}) {
    CAPTURE(g);
    e.set_text("x" + g);
    CHECK(e.backspace());
    CHECK(e.text() == "x");
    e.set_text(g + "y");
    e.home(false);
    CHECK(e.delete_forward());
    CHECK(e.text() == "y");
    CHECK(e.caret() == 0);
  }
  e.set_text("");
  CHECK_FALSE(e.backspace());
  CHECK_FALSE(e.delete_forward());
}

TEST_CASE("a tap lands on the nearest grapheme boundary") {
  TextLayouter layouter;
  // One direction: every boundary is its own spot on screen.
  for (const char* text : {"Ahmad Rahimi 42", "احمد رضایی"}) {
    CAPTURE(text);
    TextEdit e(layouter);
    e.set_text(text);
    for (int index : boundaries(e)) {
      CAPTURE(index);
      const CaretRect c = e.layout().caret(index);
      e.place(c.x + 1.0f, c.y + c.height / 2, false);
      CHECK(e.caret() == index);
    }
  }
  // Mixed: a tap anywhere lands on a boundary.
  {
    TextEdit e(layouter);
    e.set_text("Ahmad احمد 42");
    const std::set<int> all = boundaries(e);
    for (float x = -5; x < e.layout().width() + 5; x += 3) {
      e.place(x, 10, false);
      CHECK(all.count(e.caret()) == 1);
    }
  }
  TextEdit e(layouter);
  e.set_text("سلام دنیا");
  e.place(e.layout().width() + 50, 10, false);
  CHECK(e.caret() == 0);  // right of right-to-left text: its start
  e.place(-50, 10, false);
  CHECK(e.caret() == static_cast<int>(e.text().size()));
  e.set_text("hello");
  e.place(-50, 10, false);
  CHECK(e.caret() == 0);
}

TEST_CASE("a selection by shift+arrows or drag is replaced by what is typed") {
  TextLayouter layouter;
  TextEdit e(layouter);
  e.set_text("Hello world");
  e.home(false);
  for (int i = 0; i < 5; ++i) e.move_visually(+1, true);
  CHECK(e.selected_text() == "Hello");
  CHECK_FALSE(e.selection_rects().empty());
  CHECK(e.insert("سلام"));
  CHECK(e.text() == "سلام world");
  CHECK(e.caret() == static_cast<int>(std::string("سلام").size()));
  CHECK_FALSE(e.has_selection());

  // Drag: a tap, then a tap with extend.
  e.set_text("abc def");
  e.place(-10, 10, false);
  e.place(e.layout().width() + 10, 10, true);
  CHECK(e.selected_text() == "abc def");
  CHECK(e.backspace());
  CHECK(e.text().empty());

  e.set_text("one two");
  e.select_all();
  CHECK(e.insert("x"));
  CHECK(e.text() == "x");

  // An arrow without shift collapses the selection to the side it points to.
  e.set_text("abcdef");
  e.home(false);
  e.move_visually(+1, true);
  e.move_visually(+1, true);
  e.move_visually(-1, false);
  CHECK(e.caret() == 0);
  CHECK_FALSE(e.has_selection());
}

TEST_CASE("selection rectangles of right-to-left text lie inside the layout box") {
  TextLayouter layouter;
  TextEdit e(layouter, EditStyle{"fa-AF", Direction::Rtl, 30.0, {}, 300, 4096});
  e.set_text("سلام دنیا");
  e.select_all();
  const auto rects = e.selection_rects();
  REQUIRE_FALSE(rects.empty());
  for (const auto& r : rects) {
    CHECK(r.x0 >= -0.5f);
    CHECK(r.x1 <= 300.5f);
    CHECK(r.x1 > r.x0);
  }
  CHECK(rects.back().x1 == doctest::Approx(300.0f).epsilon(0.02));  // right-aligned
}

TEST_CASE("typed text is cleaned and bounded") {
  TextLayouter layouter;
  TextEdit e(layouter, EditStyle{"en", Direction::Ltr, 30.0, {}, 0, 8});
  CHECK(e.insert("a\tb\nc\x01"));
  CHECK(e.text() == "abc");
  CHECK_FALSE(e.insert("\xff"));  // nothing valid to add
  CHECK(e.text() == "abc");
  CHECK(e.insert("سلام"));  // 8 bytes, only 5 fit: whole characters only
  CHECK(e.text() == "abcسل");
  CHECK(e.insert("zz"));  // one byte left
  CHECK(e.text() == "abcسلz");
  CHECK_FALSE(e.insert("y"));
}

TEST_CASE("wrapped notes keep newlines and move between lines") {
  TextLayouter layouter;
  TextEdit e(layouter, EditStyle{"en", Direction::Ltr, 30.0, {}, 240, 4096});
  e.set_text("first line\nsecond line of a long note that wraps");
  CHECK(e.text().find('\n') != std::string::npos);
  e.select_all();
  e.move_visually(-1, false);  // to the start
  CHECK(e.caret() == 0);
  const float y0 = e.caret_rect().y;
  e.move_line(+1, false);
  CHECK(e.caret_rect().y > y0);
  CHECK(e.caret() == 11);  // column 0 of the next line, after the newline
  e.end(false);
  CHECK(e.caret() > 11);
  CHECK(e.caret() < static_cast<int>(e.text().size()));  // the line wraps before the end
  e.move_line(-1, false);
  CHECK(e.caret() <= 10);
}
