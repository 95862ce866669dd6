// The kiosk reads at most kMaxReplyBytes of a reply, before and after inflating it, and refuses
// addresses it must not talk to before connecting. The tiny server here returns a gzip bomb on
// purpose, which the real server never does.
#include <doctest/doctest.h>

#include <httplib.h>
#include <zlib.h>

#include <string>
#include <thread>

#include "kiosk/core/sync/transport.hpp"

using namespace ws::kiosk;

namespace {

// `zeros` zero bytes, gzip'd at the best level: about a thousandth of the size.
std::string gzip_of_zeros(std::size_t zeros) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  const std::string chunk(1 << 20, '\0');
  std::string out;
  char buf[1 << 16];
  for (std::size_t left = zeros; left > 0 || z.avail_in > 0;) {
    if (z.avail_in == 0) {
      const std::size_t n = std::min(left, chunk.size());
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(chunk.data()));
      z.avail_in = static_cast<uInt>(n);
      left -= n;
    }
    do {
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof buf;
      deflate(&z, Z_NO_FLUSH);
      out.append(buf, sizeof buf - z.avail_out);
    } while (z.avail_out == 0);
  }
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = deflate(&z, Z_FINISH);
    out.append(buf, sizeof buf - z.avail_out);
  } while (rc == Z_OK);
  deflateEnd(&z);
  return out;
}

struct BombServer {
  httplib::Server server;
  int port = 0;
  std::thread thread;
  std::string bomb = gzip_of_zeros(kMaxReplyBytes + (8u << 20));
  std::string small = gzip_of_zeros(1000);
  BombServer() {
    // octet-stream: httplib does not compress it again.
    server.Get("/bomb", [this](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Encoding", "gzip");
      res.set_content(bomb, "application/octet-stream");
    });
    server.Get("/small", [this](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Encoding", "gzip");
      res.set_content(small, "application/octet-stream");
    });
    server.Get("/long", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(200 * 1024, 'x'), "application/octet-stream");
    });
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
  }
  ~BombServer() {
    server.stop();
    thread.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

ws::Result<HttpReply> get(Transport& t, const std::string& path) {
  HttpRequest req;
  req.path = path;
  return t.send(req);
}

}  // namespace

TEST_CASE("a reply that inflates beyond the cap is refused, and one within it is read") {
  BombServer server;
  CHECK(server.bomb.size() < (1u << 20));  // a bomb: well under a mebibyte on the wire
  auto transport = make_http_transport(server.url());
  REQUIRE(transport);
  auto reply = get(**transport, "/bomb");
  REQUIRE_FALSE(reply);
  CHECK(reply.error().code == "reply_too_large");
  CHECK(reply.error().message.find("64 MiB") != std::string::npos);

  auto fine = get(**transport, "/small");  // the connection is still usable
  REQUIRE(fine);
  CHECK(fine->body == std::string(1000, '\0'));
}

TEST_CASE("a reply longer than the cap as it arrives is refused without reading it all") {
  BombServer server;
  HttpTransportOptions options;
  options.max_reply_bytes = 64 * 1024;
  auto transport = make_http_transport(server.url(), options);
  REQUIRE(transport);
  auto reply = get(**transport, "/long");
  REQUIRE_FALSE(reply);
  CHECK(reply.error().code == "reply_too_large");
}

TEST_CASE("plain http goes only to loopback unless allowed, and a pinned kiosk never uses plain http") {
  for (const char* url : {"http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9", "https://192.0.2.1:9"}) {
    CHECK_MESSAGE(make_http_transport(url), url);
  }
  auto refused = make_http_transport("http://192.0.2.1:8080/");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == "insecure_http");
  HttpTransportOptions insecure;
  insecure.allow_insecure_http = true;
  CHECK(make_http_transport("http://192.0.2.1:8080", insecure));

  HttpTransportOptions pinned;
  pinned.pin = "sha256:" + std::string(64, 'a');
  pinned.allow_insecure_http = true;
  auto plain = make_http_transport("http://127.0.0.1:9", pinned);
  REQUIRE_FALSE(plain);
  CHECK(plain.error().code == "insecure_http");
  CHECK(make_http_transport("https://127.0.0.1:9", pinned));
  CHECK_FALSE(make_http_transport("http://:80"));
  CHECK_FALSE(make_http_transport("http://host:99999"));
}
