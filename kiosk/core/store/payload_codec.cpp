#include "kiosk/core/store/payload_codec.hpp"

namespace ws::kiosk::codec {

Encoded encode(const nlohmann::json& payload) {
  // Replace invalid UTF-8 rather than throw: a stored record must never become unreadable.
  return Encoded{kJsonText, payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

Result<nlohmann::json> decode(int codec, const std::string& bytes) {
  if (codec != kJsonText) {
    return fail("unknown_codec", "a stored record uses payload codec " + std::to_string(codec) +
                                     ", which this kiosk version cannot read");
  }
  auto j = nlohmann::json::parse(bytes, nullptr, false);
  if (j.is_discarded()) return fail("corrupt", "a stored record's payload is not valid JSON");
  return j;
}

}  // namespace ws::kiosk::codec
