#pragma once
// `sync-server serve`: the HTTP(S) listener around the Api, its worker pool and limits, and a
// graceful stop on SIGTERM/SIGINT (in-flight requests finish; their transactions commit or
// roll back; nothing half-written).
#include <optional>
#include <ostream>
#include <string>

#include "sync-server/http/routes.hpp"
#include "sync-server/http/waiting_room.hpp"
#include "ws/result.hpp"

namespace ws::server {

struct ListenAddress {
  std::string host;
  int port = 0;  // 0 = any free port, reported on stdout once bound
};

// "127.0.0.1:8080", "localhost:0", "[::1]:8443", "0.0.0.0:8080".
Result<ListenAddress> parse_listen_address(const std::string& text);
bool is_loopback_host(const std::string& host);

struct ServeOptions {
  std::string db_path;
  ListenAddress listen;
  std::string tls_cert;
  std::string tls_key;
  bool insecure = false;  // allow plain HTTP on a non-loopback address
  int workers = 32;
  std::string forms_dir;  // form definitions used to validate payloads (empty: none)
  ApiOptions api;
  // Slow clients: the header deadline, header size and connection caps of the waiting room
  // (its `tls` is set from the certificate), and the read timeout of every later read.
  WaitingRoomOptions front_door;
  int read_timeout_s = 15;
  // The HQ console's sessions end after this long without a request.
  int hq_session_idle_minutes = 30;
  int hq_stale_hours = 48;  // the HQ console flags kiosks not seen for longer
};

// Checks that need no network: TLS pairing, the loopback rule.
Status check_serve_options(const ServeOptions& options);

// Runs until SIGTERM/SIGINT. Prints one JSON line {"event":"listening","host":..,"port":..} to
// `out` once accepting connections. Returns the process exit code.
int run_server(const ServeOptions& options, std::ostream& out);

}  // namespace ws::server
