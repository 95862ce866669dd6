#include "kiosk/core/vm/case_number.hpp"

#include <algorithm>
#include <cstdio>

namespace ws::kiosk::vm {

std::string kiosk_tag(const std::string& device_id) {
  // FNV-1a: stable across builds and platforms (std::hash is not).
  std::uint32_t h = 2166136261u;
  for (const unsigned char c : device_id) {
    h ^= c;
    h *= 16777619u;
  }
  static constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string tag(4, '0');
  for (int i = 3; i >= 0; --i) {
    tag[static_cast<std::size_t>(i)] = kCrockford[h & 31u];
    h >>= 5;
  }
  return tag;
}

std::string case_number_prefix(const std::string& centre, int year, const std::string& device_id) {
  std::string code;
  for (const char c : centre) {
    if (code.size() == 12) break;
    if (c >= 'a' && c <= 'z') code += static_cast<char>(c - 'a' + 'A');
    else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') code += c;
  }
  while (!code.empty() && code.front() == '-') code.erase(code.begin());
  if (code.empty()) code = "KIOSK";
  char year_text[16];
  std::snprintf(year_text, sizeof year_text, "%04d", std::clamp(year, 0, 9999));
  return code + "-" + year_text + "-" + kiosk_tag(device_id) + "-";
}

std::string format_case_number(const std::string& prefix, std::int64_t sequence) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%04lld", static_cast<long long>(std::max<std::int64_t>(0, sequence)));
  return prefix + digits;
}

std::optional<std::int64_t> case_number_sequence(const std::string& number, const std::string& prefix) {
  if (number.size() <= prefix.size() || number.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  std::int64_t value = 0;
  for (std::size_t i = prefix.size(); i < number.size(); ++i) {
    const char c = number[i];
    if (c < '0' || c > '9' || value > 1'000'000'000) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::int64_t next_case_sequence(const std::vector<std::string>& numbers, const std::string& prefix) {
  std::int64_t highest = 0;
  for (const auto& n : numbers)
    if (auto seq = case_number_sequence(n, prefix)) highest = std::max(highest, *seq);
  return highest + 1;
}

}  // namespace ws::kiosk::vm
