#pragma once
// `GET /hq` (redirect), `GET /hq/` and `GET /hq/<file>`: the HQ page, served from the files
// embedded in the binary, with a strict Content-Security-Policy. No session is needed for the
// files; the page asks /api/hq/v1/me and shows its sign-in form on 401.
#include <httplib.h>

namespace ws::server {

void install_web_routes(httplib::Server& server);

}  // namespace ws::server
