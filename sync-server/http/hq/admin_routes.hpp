#pragma once
// The HQ console's admin routes, each group in its own file, all on the one gate:
// kiosk_routes.cpp (enrolment codes, revoke), counsellor_routes.cpp (accounts per centre),
// user_routes.cpp (HQ users, the audit log), publish_routes.cpp (check, publish, published).
#include <string>

#include "sync-server/http/hq/gate.hpp"

namespace ws::server::hq {

// `tls_fingerprint` ("" without TLS) rides in enrolment codes, as with `enroll-code --tls-cert`.
void install_kiosk_routes(Routes& routes, const std::string& tls_fingerprint);
void install_counsellor_routes(Routes& routes);
void install_user_routes(Routes& routes);
void install_publish_routes(Routes& routes);

}  // namespace ws::server::hq
