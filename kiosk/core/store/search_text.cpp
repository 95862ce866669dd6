#include "kiosk/core/store/search_text.hpp"

namespace ws::kiosk {
namespace {

constexpr std::size_t kMaxSearchText = 4096;

void collect(const nlohmann::json& value, std::string& out) {
  if (out.size() >= kMaxSearchText) return;
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    // Signatures and photos are data URIs: nothing a person would search for.
    if (s.rfind("data:", 0) == 0) return;
    out += s;
    out += '\n';
  } else if (value.is_number()) {
    out += value.dump();
    out += '\n';
  } else if (value.is_structured()) {
    for (const auto& child : value) collect(child, out);
  }
}

}  // namespace

std::string fold_case(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

std::string search_text_of(const nlohmann::json& payload) {
  std::string out;
  if (!payload.is_object()) return out;
  for (const auto& [key, value] : payload.items()) {
    if (!key.empty() && key[0] == '_') continue;
    collect(value, out);
  }
  if (out.size() > kMaxSearchText) {
    out.resize(kMaxSearchText);
    // Do not leave half a UTF-8 sequence at the end.
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80)) out.pop_back();
  }
  return fold_case(std::move(out));
}

}  // namespace ws::kiosk
