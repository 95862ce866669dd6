#include "kiosk/core/store/payload_codec.hpp"

namespace ws::kiosk::codec {

Encoded encode(const nlohmann::json& payload) {
  // Replace invalid UTF-8 rather than throw: a stored record must never become unreadable.
  return Encoded{kJsonText, payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

namespace {

Status known(int codec) {
  if (codec == kJsonText) return ok();
  return fail("unknown_codec", "a stored record uses payload codec " + std::to_string(codec) +
                                   ", which this kiosk version cannot read");
}

}  // namespace

Result<std::string> decode_text(int codec, std::string bytes) {
  if (auto s = known(codec); !s) return fail(s.error());
  // Written by encode() as one JSON object; a torn or foreign value is refused, not sent.
  if (bytes.size() < 2 || bytes.front() != '{' || bytes.back() != '}') {
    return fail("corrupt", "a stored record's payload is not a JSON object");
  }
  return bytes;
}

Result<nlohmann::json> decode(int codec, const std::string& bytes) {
  if (auto s = known(codec); !s) return fail(s.error());
  auto j = nlohmann::json::parse(bytes, nullptr, false);
  if (j.is_discarded()) return fail("corrupt", "a stored record's payload is not valid JSON");
  return j;
}

}  // namespace ws::kiosk::codec
