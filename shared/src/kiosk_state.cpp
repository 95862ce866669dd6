#include "ws/kiosk_state.hpp"

#include <charconv>
#include <vector>

namespace ws::protocol {
namespace {

constexpr std::int64_t kMaxCount = 1'000'000'000;

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::optional<std::int64_t> count_of(std::string_view s, std::int64_t max) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0 || v > max) return std::nullopt;
  return v;
}

bool is_app_version(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && c != '.' && c != '+' && c != '-' && c != '_') return false;
  }
  return true;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (std::size_t start = 0;;) {
    const auto at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

// Sets `slot` from `value` once; false on a repeat or a bad value.
template <typename T>
bool set_once(std::optional<T>& slot, const std::optional<T>& value) {
  if (slot || !value) return false;
  slot = value;
  return true;
}

}  // namespace

std::optional<AuditAnchor> parse_audit_anchor(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto seq = count_of(text.substr(0, colon), INT64_MAX);
  const auto hash = text.substr(colon + 1);
  if (!seq || hash.size() != 64) return std::nullopt;
  for (char c : hash)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  return AuditAnchor{*seq, std::string(hash)};
}

std::string format_audit_anchor(const AuditAnchor& anchor) { return std::to_string(anchor.seq) + ":" + anchor.hash; }

std::string format_kiosk_state(const KioskState& s) {
  std::string out = "outbox=" + std::to_string(s.outbox) + "; quarantined=" + std::to_string(s.quarantined) +
                    "; app=" + s.app;
  if (s.audit) out += "; audit=" + format_audit_anchor(*s.audit);
  return out;
}

std::optional<KioskState> parse_kiosk_state(std::string_view header) {
  if (header.empty() || header.size() > 512) return std::nullopt;
  std::optional<std::int64_t> outbox, quarantined;
  std::optional<std::string> app;
  std::optional<AuditAnchor> audit;
  for (std::string_view part : split(header, ';')) {
    part = trim(part);
    const auto eq = part.find('=');
    if (eq == std::string_view::npos || eq == 0) return std::nullopt;
    const auto key = part.substr(0, eq);
    const auto value = part.substr(eq + 1);
    bool good = true;
    if (key == "outbox") good = set_once(outbox, count_of(value, kMaxCount));
    else if (key == "quarantined") good = set_once(quarantined, count_of(value, kMaxCount));
    else if (key == "app") good = set_once(app, is_app_version(value) ? std::optional<std::string>(value) : std::nullopt);
    else if (key == "audit") good = set_once(audit, parse_audit_anchor(value));
    if (!good) return std::nullopt;
  }
  if (!outbox || !quarantined || !app) return std::nullopt;
  return KioskState{*outbox, *quarantined, *app, audit};
}

}  // namespace ws::protocol
