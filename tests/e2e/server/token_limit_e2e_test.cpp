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
