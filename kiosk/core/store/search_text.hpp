#pragma once
// The text a listing search matches against: the record's answers (not its metadata),
// lower-cased, so "ahmadi" finds "Ahmadi" and a case number finds its case.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ws::kiosk {

std::string search_text_of(const nlohmann::json& payload);
// Lower-cases ASCII letters only; other scripts have no case or are compared as written.
std::string fold_case(std::string text);
// What a typed query and a stored name are compared as, so that one spelling finds the other:
// fold_case, plus Arabic-script letters that keyboards and writers use interchangeably made one
// (Arabic yeh / alef maksura / Farsi yeh -> ی, kaf -> ک, hamza and madda alefs -> ا, teh marbuta
// and heh variants -> ه, hamza on waw -> و, on yeh -> ی), harakat, tatweel and zero-width joiners
// dropped, Arabic-Indic and Persian digits -> 0-9. Pure: the store may apply it to what it keeps.
std::string fold_for_search(std::string_view text);

}  // namespace ws::kiosk
