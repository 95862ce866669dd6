#include <doctest/doctest.h>

#include <httplib.h>

#include <string>
#include <thread>

#include "kiosk/core/sync/transport.hpp"

using namespace ws::kiosk;

namespace {

std::string batch_like_body() {
  std::string body = "{\"records\":[";
  for (int i = 0; i < 2000; ++i) body += (i ? "," : "") + std::string("{\"field\":\"value ") + std::to_string(i) + "\"}";
  return body + "]}";
}

// A loopback server on a free port that remembers the last request it decoded.
struct EchoServer {
  httplib::Server server;
  int port = 0;
  std::thread thread;
  std::string encoding, body, accept_encoding;
  EchoServer() {
    server.Get("/v1/pull", [this](const httplib::Request& req, httplib::Response& res) {
      accept_encoding = req.get_header_value("Accept-Encoding");
      res.set_content(batch_like_body(), "application/json");  // httplib gzips it when asked
    });
    server.Post("/v1/push", [this](const httplib::Request& req, httplib::Response& res) {
      encoding = req.get_header_value("Content-Encoding");
      body = req.body;  // httplib has inflated it
      res.set_content("{}", "application/json");
    });
    port = server.bind_to_any_port("127.0.0.1");
    // The socket listens from bind on, so requests wait in the backlog until the thread accepts.
    thread = std::thread([this] { server.listen_after_bind(); });
  }
  ~EchoServer() {
    server.stop();
    thread.join();
  }
};

}  // namespace

TEST_CASE("the HTTP transport sends request bodies gzip'd, and plain when asked to") {
  EchoServer echo;
  const std::string url = "http://127.0.0.1:" + std::to_string(echo.port);
  HttpRequest req;
  req.method = HttpRequest::Method::Post;
  req.path = "/v1/push";
  req.body = batch_like_body();

  auto gzip = make_http_transport(url);
  REQUIRE(gzip);
  auto reply = (*gzip)->send(req);
  REQUIRE(reply);
  CHECK(reply->status == 200);
  CHECK(echo.encoding == "gzip");
  CHECK(echo.body == req.body);

  HttpTransportOptions plain_options;
  plain_options.gzip_requests = false;
  auto plain = make_http_transport(url, plain_options);
  REQUIRE(plain);
  REQUIRE((*plain)->send(req));
  CHECK(echo.encoding.empty());
  CHECK(echo.body == req.body);
}

TEST_CASE("the HTTP transport asks for gzip'd replies and hands back the inflated body") {
  EchoServer echo;
  auto transport = make_http_transport("http://127.0.0.1:" + std::to_string(echo.port));
  REQUIRE(transport);
  HttpRequest req;
  req.path = "/v1/pull";
  auto reply = (*transport)->send(req);
  REQUIRE(reply);
  CHECK(reply->status == 200);
  CHECK(echo.accept_encoding.find("gzip") != std::string::npos);
  CHECK(reply->body == batch_like_body());
}
