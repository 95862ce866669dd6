#include "ws/cert_pin.hpp"

#include <cctype>

namespace ws {
namespace {

constexpr std::size_t kDigestHexChars = 64;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::string> parse_pin(std::string_view text) {
  const auto bad = [] {
    return fail("invalid_pin", "a certificate pin must look like sha256: followed by 64 hex digits");
  };
  if (text.size() < kPinPrefix.size()) return bad();
  for (std::size_t i = 0; i < kPinPrefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != kPinPrefix[i]) return bad();
  }
  std::string hex;
  for (char c : text.substr(kPinPrefix.size())) {
    if (c == ':') continue;
    const int v = hex_value(c);
    if (v < 0) return bad();
    hex.push_back("0123456789abcdef"[v]);
  }
  if (hex.size() != kDigestHexChars) return bad();
  return std::string(kPinPrefix) + hex;
}

std::string format_pin(const unsigned char* digest, std::size_t size) {
  std::string out(kPinPrefix);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back("0123456789abcdef"[digest[i] >> 4]);
    out.push_back("0123456789abcdef"[digest[i] & 0xf]);
  }
  return out;
}

Result<EnrolmentCode> parse_enrolment_code(std::string_view text) {
  const auto at = text.find('@');
  if (at == std::string_view::npos) return EnrolmentCode{std::string(text), ""};
  if (at == 0) return fail("usage", "the enrolment code is missing before '@'");
  auto pin = parse_pin(text.substr(at + 1));
  if (!pin) return fail(pin.error());
  return EnrolmentCode{std::string(text.substr(0, at)), *pin};
}

}  // namespace ws
