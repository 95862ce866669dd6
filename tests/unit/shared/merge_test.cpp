#include <doctest/doctest.h>

#include "ws/ids.hpp"
#include "ws/merge.hpp"

namespace {
ws::Version v(std::int64_t ms, const char* dev) { return ws::Version{ws::Hlc{ms, 0}, dev}; }

ws::Envelope base_case() {
  ws::Envelope e;
  e.id = "0190a0b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b";
  e.kind = "case";
  e.centre = "OSL-1";
  e.version = v(100, "srv");
  e.payload = {{"status", "open"}, {"phone", "111"}, {"notes", ""}};
  return e;
}

// What a kiosk sends after editing `field` at time `ms`, having last seen `seen`.
ws::Envelope edit(const ws::Envelope& seen, const char* field, nlohmann::json value, std::int64_t ms,
                  const char* dev) {
  ws::Envelope e = seen;
  e.base_version = seen.version;
  e.payload[field] = std::move(value);
  e.version = v(ms, dev);
  for (const auto& [k, _] : seen.payload.items()) e.field_versions[k] = seen.field_version(k);
  e.field_versions[field] = e.version;
  return e;
}
}  // namespace

TEST_CASE("edits to different fields from two devices are both kept") {
  const auto stored = base_case();
  const auto a = edit(stored, "status", "decided", 200, "dev-a");
  const auto b = edit(stored, "phone", "222", 210, "dev-b");
  auto m1 = ws::merge(stored, a);
  auto m2 = ws::merge(m1.merged, b);
  CHECK(m2.merged.payload["status"] == "decided");
  CHECK(m2.merged.payload["phone"] == "222");
  CHECK(m1.conflicts.empty());
  CHECK(m2.conflicts.empty());
  // Order of arrival does not matter.
  auto n = ws::merge(ws::merge(stored, b).merged, a);
  CHECK(n.merged.payload == m2.merged.payload);
}

TEST_CASE("same field edited concurrently: the later clock wins, the loser is logged") {
  const auto stored = base_case();
  const auto early = edit(stored, "phone", "early", 200, "dev-a");
  const auto late = edit(stored, "phone", "late", 300, "dev-b");

  auto in_order = ws::merge(ws::merge(stored, early).merged, late);
  CHECK(in_order.merged.payload["phone"] == "late");
  REQUIRE(in_order.conflicts.size() == 1);
  CHECK(in_order.conflicts[0].field == "phone");
  CHECK(in_order.conflicts[0].lost_value == "early");

  auto reversed = ws::merge(ws::merge(stored, late).merged, early);
  CHECK(reversed.merged.payload["phone"] == "late");
  REQUIRE(reversed.conflicts.size() == 1);
  CHECK(reversed.conflicts[0].lost_value == "early");
  CHECK(reversed.conflicts[0].won_value == "late");
}

TEST_CASE("equal clocks are broken by device id on every replica") {
  const auto stored = base_case();
  const auto a = edit(stored, "phone", "from-a", 200, "dev-a");
  const auto b = edit(stored, "phone", "from-b", 200, "dev-b");
  CHECK(ws::merge(ws::merge(stored, a).merged, b).merged.payload["phone"] == "from-b");
  CHECK(ws::merge(ws::merge(stored, b).merged, a).merged.payload["phone"] == "from-b");
}

TEST_CASE("a sequential edit on top of what was seen is not a conflict") {
  const auto stored = base_case();
  const auto first = ws::merge(stored, edit(stored, "phone", "222", 200, "dev-a")).merged;
  const auto second = edit(first, "phone", "333", 300, "dev-b");  // dev-b pulled `first`
  auto m = ws::merge(first, second);
  CHECK(m.merged.payload["phone"] == "333");
  CHECK(m.conflicts.empty());
}

TEST_CASE("replaying the same record changes nothing") {
  const auto stored = base_case();
  const auto a = edit(stored, "phone", "222", 200, "dev-a");
  auto once = ws::merge(stored, a);
  auto twice = ws::merge(once.merged, a);
  CHECK(once.changed);
  CHECK_FALSE(twice.changed);
  CHECK(twice.conflicts.empty());
  CHECK(twice.merged.payload == once.merged.payload);
}

TEST_CASE("a stale copy of an old record does not overwrite newer fields") {
  const auto stored = base_case();
  const auto newer = ws::merge(stored, edit(stored, "status", "closed", 300, "dev-a")).merged;
  ws::Envelope stale = stored;  // an unedited copy resent by a kiosk that saw `stored`
  stale.base_version = stored.version;
  auto m = ws::merge(newer, stale);
  CHECK(m.merged.payload["status"] == "closed");
  CHECK(m.conflicts.empty());
  CHECK_FALSE(m.changed);
}

TEST_CASE("tombstones win and stay") {
  const auto stored = base_case();
  auto del = edit(stored, "status", "deleted", 200, "dev-a");
  del.deleted = true;
  auto m = ws::merge(stored, del);
  CHECK(m.merged.deleted);
  auto later = edit(m.merged, "phone", "999", 300, "dev-b");
  later.deleted = false;
  CHECK(ws::merge(m.merged, later).merged.deleted);
}
