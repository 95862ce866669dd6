#include "kiosk/ui/keyboard/ethiopic.hpp"

namespace ws::kiosk::ui::keyboard::ethiopic {

const std::vector<Consonant>& tigrinya_consonants() {
  // Tigrinya writes ሀ for both h sounds and does without ሠ and ኀ; ቐ and ኸ are its own.
  static const std::vector<Consonant> table = {
      {0x1200, 0, 0},      {0x1208, 0x120F, 0}, {0x1210, 0x1217, 0}, {0x1218, 0x121F, 0}, {0x1228, 0x122F, 0},
      {0x1230, 0x1237, 0}, {0x1238, 0x123F, 0}, {0x1240, 0, 0x1248}, {0x1250, 0, 0x1258}, {0x1260, 0x1267, 0},
      {0x1268, 0x126F, 0}, {0x1270, 0x1277, 0}, {0x1278, 0x127F, 0}, {0x1290, 0x1297, 0}, {0x1298, 0x129F, 0},
      {0x12A0, 0x12A7, 0}, {0x12A8, 0, 0x12B0}, {0x12B8, 0, 0x12C0}, {0x12C8, 0, 0},      {0x12D0, 0, 0},
      {0x12D8, 0x12DF, 0}, {0x12E0, 0x12E7, 0}, {0x12E8, 0, 0},      {0x12F0, 0x12F7, 0}, {0x1300, 0x1307, 0},
      {0x1308, 0, 0x1310}, {0x1320, 0x1327, 0}, {0x1328, 0x132F, 0}, {0x1330, 0x1337, 0}, {0x1338, 0x133F, 0},
      {0x1340, 0, 0},      {0x1348, 0x134F, 0}, {0x1350, 0x1357, 0},
  };
  return table;
}

const Consonant* find_consonant(char32_t base) {
  for (const auto& c : tigrinya_consonants())
    if (c.base == base) return &c;
  return nullptr;
}

std::optional<char32_t> compose(char32_t base, int order) {
  if (order < 1 || order > 7 || !find_consonant(base)) return std::nullopt;
  return base + static_cast<char32_t>(order - 1);
}

std::vector<char32_t> syllables(const Consonant& consonant) {
  std::vector<char32_t> out;
  for (int order = 1; order <= 7; ++order) out.push_back(consonant.base + static_cast<char32_t>(order - 1));
  if (consonant.wa) out.push_back(consonant.wa);
  // The labialised row has no "wu" (base + 1) and no "wo": those code points are unassigned.
  if (consonant.labial)
    for (char32_t offset : {0u, 2u, 3u, 4u, 5u}) out.push_back(consonant.labial + offset);
  return out;
}

}  // namespace ws::kiosk::ui::keyboard::ethiopic
