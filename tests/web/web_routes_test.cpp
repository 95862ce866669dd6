// The HQ page as `serve` answers it: files from the table embedded at build time, the
// redirect, the security headers, revalidation by ETag, and JSON 404s. In process, on loopback.
#include <doctest/doctest.h>

#include <regex>
#include <string>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "sync-server/http/web_assets.hpp"
#include "sync-server/http/web_routes.hpp"

namespace {

using ws::server::find_web_asset;
using ws::server::web_assets;

class PageServer {
 public:
  PageServer() {
    ws::server::install_web_routes(http_);
    port_ = http_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { http_.listen_after_bind(); });
  }
  ~PageServer() {
    http_.stop();
    thread_.join();
  }
  PageServer(const PageServer&) = delete;
  PageServer& operator=(const PageServer&) = delete;
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(10);
    c.set_read_timeout(30);
    return c;
  }

 private:
  httplib::Server http_;
  int port_ = 0;
  std::thread thread_;
};

void check_security_headers(const httplib::Result& res) {
  const std::string csp = res->get_header_value("Content-Security-Policy");
  CHECK(csp.find("default-src 'self'") != std::string::npos);
  CHECK(csp.find("script-src 'self'") != std::string::npos);
  CHECK(csp.find("unsafe-inline") == std::string::npos);
  CHECK(csp.find("unsafe-eval") == std::string::npos);
  CHECK(res->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(res->get_header_value("X-Frame-Options") == "DENY");
}

}  // namespace

TEST_CASE("every file of sync-server/web is embedded with its type and an ETag") {
  REQUIRE(find_web_asset("index.html"));
  REQUIRE(find_web_asset("app.js"));
  REQUIRE(find_web_asset("style.css"));
  REQUIRE(find_web_asset("i18n/en.json"));
  REQUIRE(find_web_asset("i18n/nb.json"));
  CHECK_FALSE(find_web_asset("../CMakeLists.txt"));
  for (const auto& asset : web_assets()) {
    CAPTURE(asset.path);
    CHECK_FALSE(asset.bytes.empty());
    CHECK(asset.etag.size() == 34);
    CHECK(asset.content_type != "application/octet-stream");
    if (asset.path.ends_with(".js")) CHECK(asset.content_type == "text/javascript; charset=utf-8");
  }
  // Every module a script imports is in the table (a missing one would break the page).
  const std::regex import(R"(from '\./([^']+)'|from '\.\./([^']+)')");
  for (const auto& asset : web_assets()) {
    if (!asset.path.ends_with(".js")) continue;
    const std::string text(asset.bytes);
    const std::string dir = asset.path.find('/') == std::string_view::npos ? "" : std::string(asset.path.substr(0, asset.path.rfind('/') + 1));
    for (auto it = std::sregex_iterator(text.begin(), text.end(), import); it != std::sregex_iterator(); ++it) {
      const std::string target = (*it)[1].matched ? dir + (*it)[1].str() : (*it)[2].str();
      CAPTURE(asset.path);
      CHECK_MESSAGE(find_web_asset(target), target);
    }
  }
}

TEST_CASE("GET /hq redirects to /hq/, which is the page, with a strict policy") {
  PageServer server;
  auto client = server.client();
  auto redirect = client.Get("/hq");
  REQUIRE(redirect);
  CHECK(redirect->status == 301);
  CHECK(redirect->get_header_value("Location") == "/hq/");
  auto page = client.Get("/hq/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(page->body == std::string(find_web_asset("index.html")->bytes));
  check_security_headers(page);
  auto script = client.Get("/hq/views/cases.js");
  REQUIRE(script);
  CHECK(script->status == 200);
  CHECK(script->get_header_value("Content-Type") == "text/javascript; charset=utf-8");
  check_security_headers(script);
}

TEST_CASE("a file the browser holds is revalidated by its ETag: 304 while it is the same") {
  PageServer server;
  auto client = server.client();
  auto first = client.Get("/hq/app.js");
  REQUIRE(first);
  const std::string etag = first->get_header_value("ETag");
  CHECK(first->get_header_value("Cache-Control") == "no-cache");
  auto again = client.Get("/hq/app.js", httplib::Headers{{"If-None-Match", etag}});
  REQUIRE(again);
  CHECK(again->status == 304);
  CHECK(again->body.empty());
  auto other = client.Get("/hq/app.js", httplib::Headers{{"If-None-Match", "\"something-else\""}});
  REQUIRE(other);
  CHECK(other->status == 200);
}

TEST_CASE("an unknown file, or a path that climbs out, is a JSON 404") {
  PageServer server;
  auto client = server.client();
  for (const char* path : {"/hq/nothing.js", "/hq/../README.md", "/hq/%2e%2e/CMakeLists.txt", "/hq/i18n/"}) {
    CAPTURE(path);
    auto res = client.Get(path);
    REQUIRE(res);
    CHECK(res->status == 404);
    auto body = nlohmann::json::parse(res->body, nullptr, false);
    REQUIRE(body.is_object());
    CHECK(body["error"]["code"] == "not_found");
    CHECK(res->get_header_value("Content-Type") == "application/json");
  }
}
