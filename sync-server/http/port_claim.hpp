#pragma once
// Binding the server's port. The listening socket asks for SO_REUSEADDR alone (never
// SO_REUSEPORT, which would let a second server share the port and split the kiosks' pushes
// between two databases). Linux then still refuses the bind while closed connections whose
// socket did not ask for SO_REUSEADDR wait in TIME_WAIT (up to a minute): those of a server
// version that asked for SO_REUSEPORT only, or of another program. A restart must not fail for
// them, or systemd gives up after a few quick restarts; another program listening must fail at once.
#include <chrono>
#include <functional>
#include <string>

namespace ws::server {

enum class PortClaim {
  Bound,      // the port is ours
  Listening,  // another program (or sync-server) accepts connections there
  StillBusy,  // nothing listens, yet the port stayed in use for the whole patience
  Refused,    // the bind failed for another reason (e.g. the address is not this machine's)
};

struct PortClaimOptions {
  // Longer than Linux's TIME_WAIT (60 s), shorter than systemd's start timeout (90 s).
  std::chrono::milliseconds patience{std::chrono::seconds(65)};
  std::chrono::milliseconds retry_every{std::chrono::milliseconds(250)};
};

// Calls `try_bind` (0 when bound, else the bind's errno) until it succeeds. While the port is in
// use (EADDRINUSE) it fails at once when something accepts connections at host:port, else says
// once through `log` that it waits, and tries again; any other error fails at once.
PortClaim claim_port(const std::string& host, int port, const std::function<int()>& try_bind,
                     const std::function<void(const std::string&)>& log, const PortClaimOptions& options = {});

// Whether a TCP connection to host:port is accepted within a second (a wildcard host is probed
// on loopback, where a listener on it also answers).
bool someone_listens(const std::string& host, int port);

}  // namespace ws::server
