#include "sync-server/http/web_routes.hpp"

#include <algorithm>
#include <string>

#include "sync-server/http/web_assets.hpp"
#include "ws/protocol.hpp"

namespace ws::server {

const WebAsset* find_web_asset(std::string_view path) {
  const auto assets = web_assets();
  const auto it = std::find_if(assets.begin(), assets.end(), [&](const WebAsset& a) { return a.path == path; });
  return it == assets.end() ? nullptr : &*it;
}

namespace {

// Scripts and styles only from this origin (no inline script, no eval); the API is same-origin;
// the page may not be framed, and sends no referrer with the links it shows.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

void set_page_headers(httplib::Response& res) {
  res.set_header("Content-Security-Policy", kContentSecurityPolicy);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
}

void serve_asset(const httplib::Request& req, httplib::Response& res, const std::string& path) {
  set_page_headers(res);
  const WebAsset* asset = find_web_asset(path);
  if (!asset) {
    res.status = 404;
    res.set_content(protocol::error_body("not_found", "no such file in the HQ page").dump(), "application/json");
    return;
  }
  // Names carry no version, so the browser revalidates every time and gets 304 while the
  // binary (and so the file) is the same; a new server version is picked up at once.
  res.set_header("Cache-Control", "no-cache");
  res.set_header("ETag", std::string(asset->etag));
  if (req.get_header_value("If-None-Match") == asset->etag) {
    res.status = 304;
    return;
  }
  res.set_content(asset->bytes.data(), asset->bytes.size(), std::string(asset->content_type).c_str());
}

}  // namespace

void install_web_routes(httplib::Server& server) {
  server.Get("/hq", [](const httplib::Request&, httplib::Response& res) {
    set_page_headers(res);
    res.set_redirect("/hq/", 301);
  });
  server.Get("/hq/", [](const httplib::Request& req, httplib::Response& res) { serve_asset(req, res, "index.html"); });
  server.Get(R"(/hq/(.+))", [](const httplib::Request& req, httplib::Response& res) {
    const std::string path = req.matches[1];
    // Only the table's own names are ever answered, so ".." and the like simply are not found.
    serve_asset(req, res, path);
  });
}

}  // namespace ws::server
