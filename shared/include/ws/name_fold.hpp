#pragma once
// The form a name takes for search, so that one query finds every way of writing it. Latin
// case and accents are left to SQLite FTS5's unicode61 tokenizer (remove_diacritics 2); this
// evens out what that tokenizer does not know: Arabic-script letters with several forms in
// use (Arabic and Persian yeh and kaf, alef with hamza or madda, teh marbuta), the short
// vowel marks, tatweel and the zero-width non-joiner; Arabic-Indic and Persian digits become
// 0-9, so a phone or case number typed either way matches. The kiosk's search and the
// server's case index both use this one rule, so a name found on a kiosk is found at HQ.
// The server stores folded text in its index: a change here needs that index rebuilt.
#include <string>
#include <string_view>

namespace ws {

std::string fold_name(std::string_view utf8);

}  // namespace ws
