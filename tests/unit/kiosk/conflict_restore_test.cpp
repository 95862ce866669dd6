// The kiosk's conflict log with the real store: a pull replaces a local edit of one family
// member's answer (per-row merge, the other member untouched), the lost value is logged by its
// path, and restoring it writes it back as a new pending edit and marks the entry resolved.
#include <doctest/doctest.h>

#include "kiosk/core/store/store.hpp"
#include "tests/support/temp_dir.hpp"
#include "ws/hlc.hpp"
#include "ws/ids.hpp"

using namespace ws::kiosk;
using nlohmann::json;

TEST_CASE("a pulled edit of a family member logs the local loser by path, and restoring writes it back") {
  ws::test::TempDir dir;
  auto opened = Store::open(dir.path());
  REQUIRE(opened);
  Store& store = **opened;
  REQUIRE(store.set_identity({"dev-kiosk", "token", "OSLO", "http://127.0.0.1:1"}));

  const std::string r1 = ws::new_uuid_v7(), r2 = ws::new_uuid_v7();
  const json family = json::array({{{"_row", r1}, {"name", "One"}}, {{"_row", r2}, {"name", "Two"}}});
  auto id = store.save("intake", json{{"family_members", family}}, std::nullopt, 1);
  REQUIRE(id);
  json local = family;
  local[0]["name"] = "One (kiosk)";
  REQUIRE(store.update(*id, json{{"family_members", local}}));

  // Another kiosk's later edit of the same answer, as the server's feed brings it.
  auto mine = store.get(*id);
  REQUIRE(mine);
  ws::Envelope incoming = (**mine).envelope;
  incoming.version = ws::Version{ws::Hlc{ws::HlcClock::system_wall_ms() + 60'000, 0}, "dev-other"};
  incoming.payload["family_members"] = json::array({{{"_row", r1}, {"name", "One (other)"}}, {{"_row", r2}, {"name", "Two"}}});
  incoming.field_versions["family_members"] = incoming.version;
  incoming.field_versions["family_members/" + r1 + "/name"] = incoming.version;
  incoming.base_version.reset();
  REQUIRE(store.apply_pull(ws::protocol::PullResponse{{incoming}, "5", false}));

  auto log = store.conflicts();
  REQUIRE(log);
  REQUIRE(log->size() == 1);
  const LocalConflict c = log->front();
  CHECK(c.field == "family_members/" + r1 + "/name");
  CHECK(c.lost_value == "One (kiosk)");
  CHECK(c.won_version == incoming.version);
  CHECK_FALSE(c.resolved_ms.has_value());
  auto pulled = store.get(*id);
  REQUIRE(pulled);
  CHECK((**pulled).envelope.payload["family_members"][0]["name"] == "One (other)");
  CHECK((**pulled).envelope.payload["family_members"][1]["name"] == "Two");

  REQUIRE(store.restore_conflict(c.seq));
  auto restored = store.get(*id);
  REQUIRE(restored);
  const auto& e = (**restored).envelope;
  CHECK(e.payload["family_members"][0]["name"] == "One (kiosk)");
  CHECK(e.payload["family_members"][0]["_row"] == r1);
  CHECK(e.payload["family_members"][1]["name"] == "Two");
  CHECK(e.field_versions.at("family_members/" + r1 + "/name") > incoming.version);  // wins as the newest
  CHECK(e.field_versions.at("family_members/" + r2 + "/name") < incoming.version);   // untouched
  CHECK((**restored).sync_state == SyncState::Pending);
  auto after = store.conflicts();
  REQUIRE(after);
  REQUIRE(after->size() == 1);
  CHECK(after->front().resolved_ms.has_value());
  auto again = store.restore_conflict(c.seq);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == "resolved");
  CHECK(store.restore_conflict(999).error().code == "not_found");
}
