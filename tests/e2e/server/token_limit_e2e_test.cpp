// The push route looks at the token before the body, and an address that keeps sending unknown
// tokens gets 429 with Retry-After: the real sync-server over loopback.
#include <doctest/doctest.h>

#include "tests/e2e/server/kiosk_sim.hpp"

using namespace ws;
using namespace ws::e2e;
using nlohmann::json;

namespace {

httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

void check_error(const httplib::Result& res, int status, const std::string& code) {
  REQUIRE(res);
  CHECK(res->status == status);
  CHECK(res->has_header(protocol::kVersionHeader));
  const auto body = json::parse(res->body, nullptr, false);
  REQUIRE(body.is_object());
  CHECK(body["error"]["code"] == code);
}

}  // namespace

TEST_CASE("unknown tokens: 401 before the body is looked at, then 429 with Retry-After per address") {
  TempDir dir;
  const auto db = dir.file("s.db");
  ServerProcess server(db, dir.file("server.log"));
  Kiosk k = enroll(db, server, "OSLO");
  auto c = server.client();

  // A body that is not JSON at all and claims gzip: an unknown token is refused on its header,
  // so the answer is 401, not 400 or 415, and nothing is stored.
  httplib::Headers gz = bearer("not-a-token");
  gz.emplace("Content-Encoding", "gzip");
  check_error(c.Post(protocol::kRoutePush, gz, std::string(64 * 1024, 'x'), "application/json"), 401, "unauthorized");
  check_error(c.Post(protocol::kRoutePush, bearer("not-a-token"), "{not json", "text/plain"), 401, "unauthorized");
  CHECK(db_count(db, "SELECT COUNT(*) FROM batches") == 0);

  // The default budget is 20 unknown tokens per address (the two above included), then 429.
  for (int i = 2; i < 20; ++i) {
    check_error(c.Get("/v1/pull?since=0", bearer("guess-" + std::to_string(i))), 401, "unauthorized");
  }
  auto limited = c.Post(protocol::kRoutePush, bearer("guess-20"), batch(new_uuid_v7(), json::array()), "application/json");
  check_error(limited, 429, "rate_limited");
  REQUIRE(limited->has_header("Retry-After"));
  CHECK(std::stoi(limited->get_header_value("Retry-After")) >= 1);
  check_error(c.Get("/v1/pull?since=0", bearer("guess-21")), 429, "rate_limited");
  // The address is refused before any token is looked at: behind one address, a kiosk shares
  // its neighbours' budget (documented), and is served again once it refills.
  check_error(c.Get("/v1/pull?since=0", k.auth()), 429, "rate_limited");
}

TEST_CASE("a wrong token with a large body is answered after a small read and the connection closed") {
  TempDir dir;
  ServerProcess server(dir.file("s.db"), dir.file("server.log"));
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(server.port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  // Claims 16 MiB but sends 1 MiB: a server that read the whole body first would wait for the
  // rest and never answer.
  const std::string head = std::string("POST ") + protocol::kRoutePush + " HTTP/1.1\r\nHost: x\r\n" +
                           "Authorization: Bearer not-a-token\r\nContent-Type: application/json\r\n" +
                           protocol::kVersionHeader + ": 1\r\nContent-Length: 16777216\r\n\r\n";
  REQUIRE(::send(fd, head.data(), head.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(head.size()));
  const std::string chunk(64 * 1024, 'x');
  for (int i = 0; i < 16; ++i) {
    if (::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL) <= 0) break;  // the server may close first
  }
  std::string reply;
  pollfd p{fd, POLLIN, 0};
  char buf[4096];
  // Read until the whole reply is in (its body ends the JSON error object).
  while (reply.find("}}") == std::string::npos && ::poll(&p, 1, 20'000) > 0) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    reply.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  CHECK(reply.rfind("HTTP/1.1 401", 0) == 0);
  CHECK(reply.find("Connection: close") != std::string::npos);
  CHECK(reply.find("unauthorized") != std::string::npos);
}
