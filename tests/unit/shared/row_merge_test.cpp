// Repeat groups with row ids merge row by row (ws/merge.hpp); lists without ids as one value.
#include <doctest/doctest.h>

#include <functional>

#include "ws/merge.hpp"

using nlohmann::json;

namespace {

const std::string kR1 = "0190a0b2-0000-7000-8000-000000000001";
const std::string kR2 = "0190a0b2-0000-7000-8000-000000000002";
const std::string kR3 = "0190a0b2-0000-7000-8000-000000000003";  // added on device a
const std::string kR4 = "0190a0b2-0000-7000-8000-000000000004";  // added on device b

ws::Version v(std::int64_t ms, const char* dev) { return ws::Version{ws::Hlc{ms, 0}, dev}; }

json row(const std::string& id, const char* name, bool minor) {
  return json{{"_row", id}, {"name", name}, {"minor", minor}};
}

// The intake both kiosks pulled: two family members, written by the server at 100.
ws::Envelope intake() {
  ws::Envelope e;
  e.id = "0190a0b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b";
  e.kind = "intake";
  e.centre = "OSL-1";
  e.version = v(100, "srv");
  e.payload = {{"full_name", "Amina"}, {"family", json::array({row(kR1, "Sara", true), row(kR2, "Ali", false)})}};
  e.field_versions = {{"full_name", e.version}, {"family", e.version}};
  return e;
}

using Edit = std::function<void(json& family)>;

// What a kiosk that last merged `seen` sends after editing the family list at `ms`, stamped
// as the kiosk's store stamps an edit.
ws::Envelope kiosk_edit(const ws::Envelope& seen, const Edit& change, std::int64_t ms, const char* dev) {
  ws::Envelope e = seen;
  e.base_version = seen.version;
  const json before = e.payload["family"];
  change(e.payload["family"]);
  e.version = v(ms, dev);
  ws::stamp_edit(e, "family", before, e.version);
  return e;
}

json* find_row(json& family, const std::string& id) {
  for (auto& r : family)
    if (r["_row"] == id) return &r;
  return nullptr;
}

Edit set(const std::string& id, const char* key, json value) {
  return [=](json& family) { (*find_row(family, id))[key] = value; };
}
Edit drop(const std::string& id) {
  return [=](json& family) {
    for (auto it = family.begin(); it != family.end(); ++it)
      if ((*it)["_row"] == id) {
        family.erase(it);
        return;
      }
  };
}
Edit add(const std::string& id, const char* name) {
  return [=](json& family) { family.push_back(row(id, name, false)); };
}
Edit clear(const std::string& id, const char* key) {
  return [=](json& family) { find_row(family, id)->erase(key); };
}

// The server's view: stored, then a's push, then b's push.
ws::MergeOutcome server_gets(const ws::Envelope& a, const ws::Envelope& b) {
  return ws::merge(ws::merge(intake(), a).merged, b);
}

void check_same(const ws::Envelope& x, const ws::Envelope& y) {
  CHECK(x.payload == y.payload);
  CHECK(x.field_versions == y.field_versions);
  CHECK(x.version == y.version);
}

const json& answer(const ws::Envelope& e, const std::string& id, const char* key) {
  static const json kAbsent;
  for (const auto& r : e.payload["family"])
    if (r["_row"] == id) return r.contains(key) ? r[key] : kAbsent;
  return kAbsent;
}

bool has_row(const ws::Envelope& e, const std::string& id) {
  for (const auto& r : e.payload["family"])
    if (r["_row"] == id) return true;
  return false;
}

}  // namespace

TEST_CASE("rows: two kiosks edit different family members, both edits kept, in either order") {
  const auto a = kiosk_edit(intake(), set(kR1, "name", "Sara M."), 200, "dev-a");
  const auto b = kiosk_edit(intake(), set(kR2, "minor", true), 210, "dev-b");
  const auto ab = server_gets(a, b);
  const auto ba = server_gets(b, a);
  check_same(ab.merged, ba.merged);
  CHECK(answer(ab.merged, kR1, "name") == "Sara M.");
  CHECK(answer(ab.merged, kR2, "minor") == true);
  CHECK(answer(ab.merged, kR2, "name") == "Ali");
  CHECK(ab.conflicts.empty());
  CHECK(ba.conflicts.empty());
  CHECK(ab.changed);
  CHECK(ab.merged.field_versions.at("family/" + kR1 + "/name") == v(200, "dev-a"));
  CHECK(ab.merged.field_versions.at("family/" + kR2 + "/minor") == v(210, "dev-b"));
  CHECK(ab.merged.field_versions.at("family") == v(210, "dev-b"));
}

TEST_CASE("rows: one member edited on two kiosks merges answer by answer") {
  const auto a = kiosk_edit(intake(), set(kR1, "name", "Sara M."), 200, "dev-a");
  const auto b = kiosk_edit(intake(), set(kR1, "minor", false), 210, "dev-b");
  const auto ab = server_gets(a, b);
  check_same(ab.merged, server_gets(b, a).merged);
  CHECK(answer(ab.merged, kR1, "name") == "Sara M.");
  CHECK(answer(ab.merged, kR1, "minor") == false);
  CHECK(ab.conflicts.empty());
}

TEST_CASE("rows: the same answer edited on two kiosks: the later wins, the loser is logged by path") {
  const auto a = kiosk_edit(intake(), set(kR1, "name", "early"), 200, "dev-a");
  const auto b = kiosk_edit(intake(), set(kR1, "name", "late"), 210, "dev-b");
  for (bool a_first : {true, false}) {
    CAPTURE(a_first);
    const auto m = a_first ? server_gets(a, b) : server_gets(b, a);
    CHECK(answer(m.merged, kR1, "name") == "late");
    REQUIRE(m.conflicts.size() == 1);
    CHECK(m.conflicts[0].field == "family/" + kR1 + "/name");
    CHECK(m.conflicts[0].lost_value == "early");
    CHECK(m.conflicts[0].lost_version == v(200, "dev-a"));
    CHECK(m.conflicts[0].won_value == "late");
    CHECK(m.conflicts[0].won_version == v(210, "dev-b"));
    CHECK(m.conflicts[0].stored_lost == a_first);
  }
}

TEST_CASE("rows: a row added on each kiosk keeps both, in the order they were added") {
  const auto a = kiosk_edit(intake(), add(kR3, "Omar"), 200, "dev-a");
  const auto b = kiosk_edit(intake(), add(kR4, "Leila"), 210, "dev-b");
  const auto ab = server_gets(a, b);
  check_same(ab.merged, server_gets(b, a).merged);
  REQUIRE(ab.merged.payload["family"].size() == 4);
  CHECK(ab.merged.payload["family"][2]["_row"] == kR3);
  CHECK(ab.merged.payload["family"][3]["_row"] == kR4);
  CHECK(ab.conflicts.empty());
}

TEST_CASE("rows: a delete later than a concurrent edit wins, the edited row goes to the conflict log") {
  const auto edit = kiosk_edit(intake(), set(kR1, "name", "Sara M."), 200, "dev-a");
  const auto del = kiosk_edit(intake(), drop(kR1), 210, "dev-b");
  for (bool edit_first : {true, false}) {
    CAPTURE(edit_first);
    const auto m = edit_first ? server_gets(edit, del) : server_gets(del, edit);
    CHECK_FALSE(has_row(m.merged, kR1));
    CHECK(has_row(m.merged, kR2));
    CHECK(m.merged.field_versions.at("family/" + kR1) == v(210, "dev-b"));
    CHECK(m.merged.field_versions.count("family/" + kR1 + "/name") == 0);
    REQUIRE(m.conflicts.size() == 1);
    CHECK(m.conflicts[0].field == "family/" + kR1);
    CHECK(m.conflicts[0].lost_value == row(kR1, "Sara M.", true));
    CHECK(m.conflicts[0].won_value.is_null());
  }
  check_same(server_gets(edit, del).merged, server_gets(del, edit).merged);
}

TEST_CASE("rows: an edit later than a concurrent delete wins, the delete goes to the conflict log") {
  const auto del = kiosk_edit(intake(), drop(kR1), 200, "dev-a");
  const auto edit = kiosk_edit(intake(), set(kR1, "name", "Sara M."), 210, "dev-b");
  for (bool edit_first : {true, false}) {
    CAPTURE(edit_first);
    const auto m = edit_first ? server_gets(edit, del) : server_gets(del, edit);
    CHECK(answer(m.merged, kR1, "name") == "Sara M.");
    CHECK(answer(m.merged, kR1, "minor") == true);
    CHECK(m.merged.field_versions.count("family/" + kR1) == 0);
    REQUIRE(m.conflicts.size() == 1);
    CHECK(m.conflicts[0].field == "family/" + kR1);
    CHECK(m.conflicts[0].lost_value.is_null());
    CHECK(m.conflicts[0].lost_version == v(200, "dev-a"));
    CHECK(m.conflicts[0].won_value == row(kR1, "Sara M.", true));
  }
  check_same(server_gets(edit, del).merged, server_gets(del, edit).merged);
}

TEST_CASE("rows: a delete of a row the other kiosk did not touch is no conflict") {
  const auto del = kiosk_edit(intake(), drop(kR1), 200, "dev-a");
  const auto other = kiosk_edit(intake(), set(kR2, "name", "Ali K."), 210, "dev-b");
  const auto m = server_gets(del, other);
  check_same(m.merged, server_gets(other, del).merged);
  CHECK_FALSE(has_row(m.merged, kR1));
  CHECK(answer(m.merged, kR2, "name") == "Ali K.");
  CHECK(m.conflicts.empty());
}

TEST_CASE("rows: clearing an answer replicates as a write") {
  const auto a = kiosk_edit(intake(), clear(kR1, "minor"), 200, "dev-a");
  const auto b = kiosk_edit(intake(), set(kR2, "name", "Ali K."), 210, "dev-b");
  const auto m = server_gets(a, b);
  check_same(m.merged, server_gets(b, a).merged);
  CHECK(answer(m.merged, kR1, "minor").is_null());
  CHECK(answer(m.merged, kR2, "name") == "Ali K.");
}

TEST_CASE("rows: merging is idempotent: a replayed push changes nothing") {
  const auto a = kiosk_edit(intake(), set(kR1, "name", "early"), 200, "dev-a");
  const auto b = kiosk_edit(intake(), set(kR1, "name", "late"), 210, "dev-b");
  const auto c = kiosk_edit(intake(), drop(kR2), 220, "dev-c");
  const auto m = ws::merge(server_gets(a, b).merged, c).merged;
  for (const auto* again : {&a, &b, &c, &m}) {
    const auto r = ws::merge(m, *again);
    CHECK_FALSE(r.changed);
    check_same(r.merged, m);
  }
  // A replayed losing edit names the same loss again (the server's batch replay cache answers
  // a replayed batch before it is merged, so the log gets it once); nothing else is logged.
  CHECK(ws::merge(m, m).conflicts.empty());
  CHECK(ws::merge(m, b).conflicts.empty());
  CHECK(ws::merge(m, c).conflicts.empty());
  const auto replay = ws::merge(m, a).conflicts;
  REQUIRE(replay.size() == 1);
  CHECK(replay[0].lost_value == "early");
}

TEST_CASE("rows: every pair of edits merges to the same record in both orders, and logs each lost value") {
  const std::vector<std::pair<const char*, Edit>> edits = {
      {"name r1", set(kR1, "name", "Sara A")},   {"name r1 other", set(kR1, "name", "Sara B")},
      {"minor r1", set(kR1, "minor", false)},    {"name r2", set(kR2, "name", "Ali A")},
      {"drop r1", drop(kR1)},                    {"drop r2", drop(kR2)},
      {"add r3", add(kR3, "Omar")},              {"add r4", add(kR4, "Leila")},
      {"clear r1 minor", clear(kR1, "minor")},   {"nothing", [](json&) {}},
  };
  for (const auto& [a_name, a_edit] : edits) {
    for (const auto& [b_name, b_edit] : edits) {
      for (std::int64_t b_ms : {150, 250}) {
        CAPTURE(a_name);
        CAPTURE(b_name);
        CAPTURE(b_ms);
        const auto a = kiosk_edit(intake(), a_edit, 200, "dev-a");
        const auto b = kiosk_edit(intake(), b_edit, b_ms, "dev-b");
        const auto ab = server_gets(a, b);
        const auto ba = server_gets(b, a);
        check_same(ab.merged, ba.merged);
        // Device to device (no base version), too.
        check_same(ws::merge(a, b).merged, ws::merge(b, a).merged);
        // Idempotent.
        CHECK_FALSE(ws::merge(ab.merged, a).changed);
        CHECK_FALSE(ws::merge(ab.merged, b).changed);
        CHECK_FALSE(ws::merge(ab.merged, ab.merged).changed);
        // Each logged value lost: it is not what the merged record holds at that path.
        for (const auto& c : ab.conflicts) {
          CAPTURE(c.field);
          CHECK(c.lost_value != c.won_value);
          CHECK(c.lost_version < c.won_version);
        }
        // Anything one side wrote and the merge did not keep is in the log.
        for (const auto* side : {&a, &b}) {
          for (const auto& r : side->payload["family"]) {
            const std::string id = r["_row"];
            for (const auto& [key, value] : r.items()) {
              if (key == "_row" || answer(intake(), id, key.c_str()) == value) continue;  // not written
              if (answer(ab.merged, id, key.c_str()) == value) continue;
              bool logged = false;
              for (const auto& c : ab.conflicts)
                logged = logged || (c.field == "family/" + id + "/" + key && c.lost_value == value) ||
                         (c.field == "family/" + id && c.lost_value.is_object() && c.lost_value.value(key, json()) == value);
              CHECK_MESSAGE(logged, "lost without a trace: " << id << "/" << key);
            }
          }
        }
      }
    }
  }
}

TEST_CASE("rows without ids (older kiosks and records) merge as one value, as before") {
  auto old = intake();
  old.payload["family"] = json::array({json{{"name", "Sara"}}, json{{"name", "Ali"}}});
  auto a = old;
  a.base_version = old.version;
  a.version = v(200, "dev-a");
  a.payload["family"][0]["name"] = "Sara M.";
  ws::stamp_edit(a, "family", old.payload["family"], a.version);
  CHECK(a.field_versions.at("family") == a.version);
  CHECK(a.field_versions.size() == 2);  // no row paths
  auto b = old;
  b.base_version = old.version;
  b.version = v(210, "dev-b");
  b.payload["family"][1]["name"] = "Ali K.";
  ws::stamp_edit(b, "family", old.payload["family"], b.version);

  const auto m = ws::merge(ws::merge(old, a).merged, b);
  CHECK(m.merged.payload["family"] == b.payload["family"]);
  REQUIRE(m.conflicts.size() == 1);
  CHECK(m.conflicts[0].field == "family");
  CHECK(m.conflicts[0].lost_value == a.payload["family"]);

  // A list with ids meeting one without (an old kiosk's edit of a new record): one value too.
  auto mixed = kiosk_edit(intake(), set(kR1, "name", "Sara M."), 200, "dev-a");
  auto legacy = intake();
  legacy.base_version = legacy.version;
  legacy.version = v(210, "old-kiosk");
  legacy.payload["family"] = json::array({json{{"name", "Sara"}}});
  legacy.field_versions["family"] = legacy.version;
  const auto n = ws::merge(ws::merge(intake(), mixed).merged, legacy);
  CHECK(n.merged.payload["family"] == legacy.payload["family"]);
  CHECK(n.merged.field_versions.count("family/" + kR1 + "/name") == 0);
}
