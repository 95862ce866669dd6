// A topic page ("info"): the list of topics on the start side, the page on the other, and
// back / listen / next / appointment along the bottom, all mirrored for right-to-left
// languages. The screen's parameter is the page id (empty: the first page).
#include <algorithm>
#include <vector>

#include "kiosk/core/content/narration.hpp"
#include "kiosk/ui/screens/info/info_widgets.hpp"
#include "kiosk/ui/screens/info/page_view.hpp"
#include "kiosk/ui/screens/info/screens.hpp"
#include "kiosk/ui/widgets/touch.hpp"
#include "ws/content/languages.hpp"

namespace ws::kiosk::ui::info {
namespace {

class TopicScreen : public Screen {
 public:
  explicit TopicScreen(std::shared_ptr<InfoSession> s) : s_(std::move(s)) {}
  ~TopicScreen() override { s_->narrator().stop(); }

  void draw(Ui& ui) override {
    s_->begin_frame();
    const kc::ActiveBundle* b = s_->bundle(ui.view);
    if (!b) return content_missing(ui, *s_);
    const std::string& lang = ui.view.lang;
    if (s_->watch_idle(ui)) return still_there_prompt(ui, *s_, *b, lang);
    const Theme& t = ui.theme;
    const Sizes z = Sizes::of(t);
    const std::size_t index = wc::page_index(*b->bundle, ui.view.param).value_or(0);
    auto page = wc::resolve_page(*b->bundle, index, lang);
    if (!page) return content_missing(ui, *s_);
    if (shown_page_ != page->page->id || shown_lang_ != lang) {
      s_->narrator().stop();  // a narration belongs to the page it was started on
      shown_page_ = page->page->id;
      shown_lang_ = lang;
      scroll_to_top_ = true;
    }

    top_bar(ui, *s_, *b, lang, true);
    general_information_strip(ui, *s_, *b, lang);

    const ImVec2 origin = ImGui::GetCursorPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    // Portrait: back / next above appointment / listen, as four across do not fit.
    const float footer_h = (z.portrait ? 2 * z.button + z.gap() : z.button) + z.px(32);
    const Mirror m{is_rtl(lang), origin.x, avail.x};
    // Landscape: the topic list is a column on the start side. Portrait: a column would leave
    // each title a few words per line, so the topics flow as one-line chips above the page,
    // which then has the whole width.
    float body_h = avail.y - footer_h;
    float page_w = avail.x, page_y = origin.y;
    if (z.portrait) {
      const float topics_h = draw_topic_chips(ui, *b, index, lang, m, origin.y, body_h * 0.4f);
      page_y += topics_h + z.gap();
      body_h -= topics_h + z.gap();
    } else {
      const float nav_w = std::min(z.px(520), avail.x * 0.3f);
      draw_topic_column(ui, *b, index, lang, ImVec2(m.at_start(nav_w), origin.y), ImVec2(nav_w, body_h));
      page_w = avail.x - nav_w - z.px(24);
    }

    // The page, scrollable by dragging (a touch screen has no wheel).
    ImGui::SetCursorPos(ImVec2(m.at_end(page_w), page_y));
    ImGui::PushStyleVar(ImGuiStyleVar_ScrollbarSize, z.px(28));
    ImGui::BeginChild("##page", ImVec2(page_w, body_h), false);
    if (scroll_to_top_) ImGui::SetScrollY(0);
    scroll_to_top_ = false;
    drag_to_scroll();
    const float pad = z.px(32);
    ImGui::SetCursorPos(ImVec2(pad, pad));
    ImGui::BeginGroup();
    draw_page(ui, *s_, *b, *page, lang, page_w - 2 * pad - z.px(28));
    ImGui::EndGroup();
    ImGui::Dummy(ImVec2(0, pad));
    ImGui::EndChild();
    ImGui::PopStyleVar();

    draw_footer(ui, *b, *page, index, Mirror{m.rtl, origin.x, avail.x}, page_y + body_h + z.px(16));
  }

 private:
  // One button per topic, in a column at `pos` (`size`), titles in the page's own language: a
  // fallback page is listed under its English title.
  void draw_topic_column(Ui& ui, const kc::ActiveBundle& b, std::size_t index, const std::string& lang, ImVec2 pos,
                         ImVec2 size) {
    const Sizes z = Sizes::of(ui.theme);
    const auto& pages = b.bundle->pages;
    ImGui::SetCursorPos(pos);
    ImGui::BeginChild("##topics", size, false);
    ImGui::Dummy(ImVec2(0, z.px(12)));
    for (std::size_t i = 0; i < pages.size(); ++i) {
      auto entry = wc::resolve_page(*b.bundle, i, lang);
      if (!entry) continue;
      ImGui::SetCursorPosX(z.px(16));
      const std::string id = "topic_" + pages[i].id;
      // Narrower than the column by the scrollbar, which ImGui draws over the content.
      if (shaped_button(ui, *s_, id.c_str(), entry->text->title, entry->language,
                        ImVec2(size.x - z.px(32) - ImGui::GetStyle().ScrollbarSize, z.button * 1.15f),
                        i == index ? ButtonTone::Selected : ButtonTone::Neutral, z.small))
        ui.emit(Navigate{"info", pages[i].id});
      ImGui::Dummy(ImVec2(0, z.px(4)));
    }
    ImGui::EndChild();
  }

  // The topics as chips as wide as their titles, flowing from the start edge and wrapping into
  // rows (a title longer than a whole row wraps inside its chip). At most `max_h` high, then
  // scrolled by dragging. Returns the height used.
  float draw_topic_chips(Ui& ui, const kc::ActiveBundle& b, std::size_t index, const std::string& lang, const Mirror& m,
                         float top, float max_h) {
    const Sizes z = Sizes::of(ui.theme);
    const auto& pages = b.bundle->pages;
    struct Chip {
      std::size_t page;
      float x, y;
      ImVec2 size;
    };
    std::vector<Chip> chips;
    const float edge = z.px(16), gap = z.px(12), row_w = m.width - 2 * edge;
    float x = 0, y = z.px(8), row_h = 0;
    for (std::size_t i = 0; i < pages.size(); ++i) {
      auto entry = wc::resolve_page(*b.bundle, i, lang);
      if (!entry) continue;
      const ButtonTone tone = i == index ? ButtonTone::Selected : ButtonTone::Neutral;
      const ImVec2 size = shaped_button_size(ui, *s_, entry->text->title, entry->language, row_w, tone, z.small);
      if (x > 0 && x + size.x > row_w) {
        x = 0;
        y += row_h + gap;
        row_h = 0;
      }
      chips.push_back({i, x, y, size});
      x += size.x + gap;
      row_h = std::max(row_h, size.y);
    }
    const float height = std::min(max_h, y + row_h + z.px(8));
    const Mirror local{m.rtl, 0.0f, m.width};
    ImGui::SetCursorPos(ImVec2(m.left, top));
    ImGui::BeginChild("##topics", ImVec2(m.width, height), false);
    drag_to_scroll();
    for (const Chip& c : chips) {
      auto entry = wc::resolve_page(*b.bundle, c.page, lang);
      ImGui::SetCursorPos(ImVec2(local.at_start(c.size.x, edge + c.x), c.y));
      const std::string id = "topic_" + pages[c.page].id;
      if (shaped_button(ui, *s_, id.c_str(), entry->text->title, entry->language, c.size,
                        c.page == index ? ButtonTone::Selected : ButtonTone::Neutral, z.small))
        ui.emit(Navigate{"info", pages[c.page].id});
    }
    ImGui::EndChild();
    return height;
  }

  // Back at the start edge, next at the end edge, appointment and listen between them (in
  // portrait, on a second row).
  void draw_footer(Ui& ui, const kc::ActiveBundle& b, const wc::ResolvedPage& page, std::size_t index, const Mirror& m,
                   float fy) {
    const Sizes z = Sizes::of(ui.theme);
    const auto& pages = b.bundle->pages;
    const std::string& lang = ui.view.lang;
    const ImVec2 win = ImGui::GetWindowPos();
    ImGui::GetWindowDrawList()->AddLine(ImVec2(win.x + m.left, win.y + fy - z.px(8)),
                                        ImVec2(win.x + m.left + m.width, win.y + fy - z.px(8)),
                                        colour(ui.theme.colors().border), z.px(2));
    const float edge = z.px(24);
    const float nav_button_w = z.portrait ? (m.width - 2 * edge - z.px(24)) / 2 : z.px(300);
    // Arrows point the way the text runs: "back" points to the start edge.
    const std::string back_arrow = m.rtl ? "→ " : "← ";
    const std::string next_arrow = m.rtl ? " ←" : " →";
    if (index > 0) {
      ImGui::SetCursorPos(ImVec2(m.at_start(nav_button_w, edge), fy));
      if (shaped_button(ui, *s_, "back", back_arrow + say(b, lang, "back"), lang, ImVec2(nav_button_w, z.button)))
        ui.emit(Navigate{"info", pages[index - 1].id});
    }
    if (index + 1 < pages.size()) {
      ImGui::SetCursorPos(ImVec2(m.at_end(nav_button_w, edge), fy));
      if (shaped_button(ui, *s_, "next", say(b, lang, "next") + next_arrow, lang, ImVec2(nav_button_w, z.button),
                        ButtonTone::Primary))
        ui.emit(Navigate{"info", pages[index + 1].id});
    }
    const float mid_w = z.portrait ? nav_button_w : z.px(480);
    const float mid_y = z.portrait ? fy + z.button + z.gap() : fy;
    const float mid_left = m.left + (m.width - 2 * mid_w - z.px(24)) / 2;
    const Mirror mid{m.rtl, mid_left, 2 * mid_w + z.px(24)};
    ImGui::SetCursorPos(ImVec2(mid.at_start(mid_w), mid_y));
    if (shaped_button(ui, *s_, "appointment_button", say(b, lang, "appointment_button"), lang, ImVec2(mid_w, z.button),
                      ButtonTone::Primary))
      ui.emit(Navigate{"appointment", ""});
    draw_listen_button(ui, b, page, lang, ImVec2(mid.at_end(mid_w), mid_y), ImVec2(mid_w, z.button));
  }

  static void drag_to_scroll() {
    const ImGuiIO& io = ImGui::GetIO();
    if (ImGui::IsWindowHovered() && ImGui::IsMouseDragging(ImGuiMouseButton_Left))
      ImGui::SetScrollY(ImGui::GetScrollY() - io.MouseDelta.y);
  }

  void draw_listen_button(Ui& ui, const kc::ActiveBundle& b, const wc::ResolvedPage& page,
                          const std::string& lang, ImVec2 at, ImVec2 size) {
    const auto* language = wc::find_language(page.language);
    const std::string voice = language ? std::string(language->espeak_voice) : "";
    const std::string audio = page.text->audio.empty() ? "" : b.root + "/" + page.text->audio;
    // Probed once per page, not every frame: looking programs up on PATH touches the disk.
    if (plan_for_ != page.page->id + "\n" + page.language) {
      plan_ = kc::plan_narration(kc::NarrationTools{}, audio, voice, page_speech_text(page));
      plan_for_ = page.page->id + "\n" + page.language;
    }
    if (plan_.kind == kc::NarrationKind::None) return;  // nothing can read this page aloud
    ImGui::SetCursorPos(at);
    const bool playing = s_->narrator().playing();
    // The player cannot wake the window when it finishes: look again a few times a second
    // while it plays, so "Stop" turns back into "Listen" (a still page draws nothing).
    if (playing) ui.intents.redraw_at(ui.view.now_ms + 250);
    const std::string label = playing ? "■ " + say(b, lang, "stop_listening") : "▶ " + say(b, lang, "listen");
    if (shaped_button(ui, *s_, "listen", label, lang, size)) {
      if (playing) s_->narrator().stop();
      else (void)s_->narrator().play(plan_.command);
    }
  }

  std::shared_ptr<InfoSession> s_;
  std::string shown_page_, shown_lang_;
  bool scroll_to_top_ = false;
  std::string plan_for_;
  kc::NarrationPlan plan_;
};

}  // namespace

std::unique_ptr<Screen> make_topic_screen(std::shared_ptr<InfoSession> session) {
  return std::make_unique<TopicScreen>(std::move(session));
}

}  // namespace ws::kiosk::ui::info
