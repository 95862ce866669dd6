#pragma once
// The HQ console's API on the serve listener: the gate, and every route group installed on it.
// Owned beside the Api for as long as the server runs (handlers keep references to it).
#include <string>

#include <httplib.h>

#include "sync-server/http/hq/data_routes.hpp"
#include "sync-server/http/hq/gate.hpp"
#include "sync-server/http/hq/session_routes.hpp"

namespace ws::server::hq {

struct ConsoleOptions {
  GateOptions gate;
  SignInLimits sign_in;
  // The serving certificate's fingerprint (sha256:HEX), put into enrolment codes under TLS.
  std::string tls_fingerprint;
  DataOptions data;  // the read side (data_routes.hpp)
};

class Console {
 public:
  Console(httplib::Server& server, Database& db, ConsoleOptions options);
  Routes& routes() { return routes_; }
  const ConsoleOptions& options() const { return options_; }

 private:
  ConsoleOptions options_;
  Routes routes_;
  SessionRoutes sessions_;
};

}  // namespace ws::server::hq
