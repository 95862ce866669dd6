#pragma once
// The transport an enrolled kiosk uses: what it learnt at enrolment (the pinned certificate,
// whether plain http to another host was allowed) travels with every connection it makes.
#include "kiosk/core/store/store.hpp"
#include "kiosk/core/sync/transport.hpp"

namespace ws::kiosk {

inline HttpTransportOptions with_identity(const DeviceIdentity& id, HttpTransportOptions options = {}) {
  options.pin = id.server_pin;
  options.allow_insecure_http = id.insecure_http;
  return options;
}

}  // namespace ws::kiosk
