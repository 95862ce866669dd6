#include "sync-server/http/hq/console.hpp"

namespace ws::server::hq {

Console::Console(httplib::Server& server, Database& db, ConsoleOptions options)
    : options_(std::move(options)), routes_(server, db, options_.gate), sessions_(options_.sign_in) {
  sessions_.install(routes_);
  // Each area registers its routes here, on the one gate.
  install_data_routes(routes_, db, options_.data);
}

}  // namespace ws::server::hq
