#pragma once
// systemd's readiness protocol (sd_notify) without linking libsystemd: one datagram to the socket
// named by $NOTIFY_SOCKET. Under `Type=notify` the unit counts as started only once the listener
// is bound, so dependent units and health probes never meet a refused connection. Outside
// systemd (no $NOTIFY_SOCKET) these do nothing.
#include <string>

namespace ws::server {

// Sends `state` (e.g. "READY=1", "STOPPING=1", "RELOADING=1"); false when it could not be sent.
bool notify_service_manager(const std::string& state);

}  // namespace ws::server
