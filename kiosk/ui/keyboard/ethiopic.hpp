#pragma once
// Ethiopic syllables for the Tigrinya picker: a consonant's row in the Ethiopic block holds its
// seven vowel orders (ä u i a e ɨ o) at consecutive code points, so a syllable is the row's
// base plus the order. Some rows add a "wa" form at base + 7, and the velars used in Tigrinya
// (ቀ ቐ ከ ኸ ገ) have a separate labialised row (ቈ ቊ ቋ ቌ ቍ).
#include <optional>
#include <vector>

namespace ws::kiosk::ui::keyboard::ethiopic {

struct Consonant {
  char32_t base = 0;      // first order (ä), e.g. U+1230 ሰ
  char32_t wa = 0;        // the "wa" form, 0 when the row has none
  char32_t labial = 0;    // first labialised form (kʷä), 0 when there is none
};

// The consonants of the Tigrinya alphabet in the traditional order.
const std::vector<Consonant>& tigrinya_consonants();
const Consonant* find_consonant(char32_t base);

// Order 1..7 (ä u i a e ɨ o) of `base`: ሰ + 3 = ሲ, ለ + 7 = ሎ. Nothing for a code point that
// does not start an Ethiopic row or an order out of range.
std::optional<char32_t> compose(char32_t base, int order);

// Everything the picker offers for a consonant: the seven orders, its wa form, then its
// labialised forms (kʷä kʷi kʷa kʷe kʷɨ).
std::vector<char32_t> syllables(const Consonant& consonant);

}  // namespace ws::kiosk::ui::keyboard::ethiopic
