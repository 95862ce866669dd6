#pragma once
// The text a listing search matches against: the record's answers (not its metadata),
// lower-cased, so "ahmadi" finds "Ahmadi" and a case number finds its case.
#include <string>

#include <nlohmann/json.hpp>

namespace ws::kiosk {

std::string search_text_of(const nlohmann::json& payload);
// Lower-cases ASCII letters only; other scripts have no case or are compared as written.
std::string fold_case(std::string text);

}  // namespace ws::kiosk
