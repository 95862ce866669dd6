#pragma once
// Draws one information page's blocks (headings, paragraphs, notes, lists, pictures, QR codes)
// in the page's language, mirrored for right-to-left scripts.
#include <string>

#include "kiosk/ui/screen.hpp"
#include "kiosk/ui/screens/info/info_session.hpp"
#include "ws/content/bundle.hpp"

namespace ws::kiosk::ui::info {

// `ui_lang` is the person's language (for notes about the page); the page text is drawn in
// page.language, which differs when the page falls back to English.
void draw_page(Ui& ui, InfoSession& s, const kc::ActiveBundle& b, const wc::ResolvedPage& page,
               const std::string& ui_lang, float width);

// The text a narration reads: the title and every block's words, in order.
std::string page_speech_text(const wc::ResolvedPage& page);

// "1." in the digits of the language: ١ for Arabic, ۱ for Dari and Pashto, 1 otherwise.
std::string list_number(int n, const std::string& language);

}  // namespace ws::kiosk::ui::info
