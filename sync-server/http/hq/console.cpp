#include "sync-server/http/hq/console.hpp"

#include "sync-server/http/hq/admin_routes.hpp"

namespace ws::server::hq {

Console::Console(httplib::Server& server, Database& db, ConsoleOptions options)
    : options_(std::move(options)), routes_(server, db, options_.gate), sessions_(options_.sign_in) {
  sessions_.install(routes_);
  // Each area registers its routes here, on the one gate.
  install_kiosk_routes(routes_, options_.tls_fingerprint);
  install_counsellor_routes(routes_);
  install_user_routes(routes_);
  install_publish_routes(routes_);
  install_data_routes(routes_, db, options_.data);
}

}  // namespace ws::server::hq
