#pragma once
// A minimal kiosk for end-to-end tests: enrol through the real server, push and pull with the
// protocol DTOs from shared/, and look into the server's file read-only.
#include <string>

#include "tests/e2e/server/server_process.hpp"
#include "tests/support/records.hpp"
#include "ws/envelope.hpp"
#include "ws/hlc.hpp"
#include "ws/ids.hpp"
#include "ws/protocol.hpp"
#include "ws/sqlite.hpp"

namespace ws::e2e {

struct Kiosk {
  std::string device_id;
  std::string token;
  std::string centre;
  httplib::Headers auth() const { return {{"Authorization", "Bearer " + token}}; }
};

inline Kiosk enroll(const std::string& db, ServerProcess& server, const std::string& centre,
                    const std::string& name = "kiosk") {
  auto code = run_cli({"enroll-code", "--db", db, "--centre", centre});
  REQUIRE(code.exit_code == 0);
  auto c = server.client();
  auto res = c.Post(protocol::kRouteEnroll,
                    protocol::to_json(protocol::EnrollRequest{code.json()["code"], name}).dump(), "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  auto e = protocol::parse_enroll_response(nlohmann::json::parse(res->body));
  REQUIRE(e.has_value());
  return Kiosk{e->device_id, e->token, e->centre};
}

inline nlohmann::json record(const std::string& id, const std::string& kind, const std::string& centre,
                             const Version& v, const nlohmann::json& payload,
                             const std::optional<Version>& base = std::nullopt) {
  return ws::test::record_json(id, kind, centre, v, payload, base);
}

inline std::string batch(const std::string& batch_id, const nlohmann::json& records) {
  return nlohmann::json{{"batch_id", batch_id}, {"records", records}}.dump();
}

inline httplib::Result push(httplib::Client& c, const Kiosk& k, const std::string& body) {
  return c.Post(protocol::kRoutePush, k.auth(), body, "application/json");
}

inline std::int64_t now_ms() { return HlcClock::system_wall_ms(); }

// One value from the server's file, read through its own connection (WAL lets us read while
// the server writes).
inline std::int64_t db_count(const std::string& db, const std::string& sql) {
  sql::OpenOptions o;
  o.read_only = true;
  auto conn = sql::Connection::open(db, o);
  REQUIRE(conn.has_value());
  auto st = conn->prepare(sql);
  REQUIRE(st.has_value());
  auto row = st->step();
  REQUIRE(row.has_value());
  REQUIRE(*row);
  return st->column_int(0);
}

}  // namespace ws::e2e
