// The gauges of /metrics that operators alert on, read from a real database: kiosks and when each
// was last seen, open refusals per centre, the last backup's time, the disk.
#include <doctest/doctest.h>

#include "sync-server/core/backup.hpp"
#include "sync-server/core/fleet_stats.hpp"
#include "sync-server/core/ingest.hpp"
#include "sync-server/http/fleet_metrics.hpp"
#include "tests/unit/server/fixtures.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

std::string scrape(TestDb& t) {
  auto lease = t.db->acquire();
  REQUIRE(lease.has_value());
  auto stats = read_fleet_stats(**lease, t.db->path());
  REQUIRE(stats.has_value());
  return render_fleet(*stats);
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

}  // namespace

TEST_CASE("fleet gauges count kiosks, say when each was last seen and which are revoked") {
  TestDb t;
  NameRequired validator;
  HlcClock clock;
  Ingest ingest{*t.db, validator, clock};
  Device oslo = enroll_device(*t.db, "OSLO", "oslo-1");
  Device bergen = enroll_device(*t.db, "BERGEN", "bergen-1");
  Device gone = enroll_device(*t.db, "OSLO", "oslo-2");
  REQUIRE(DeviceRegistry(*t.db).revoke(gone.id).has_value());

  auto before = scrape(t);
  CHECK(has_line(before, "waystation_fleet_stats_up 1"));
  CHECK(has_line(before, "waystation_kiosks{state=\"active\"} 2"));
  CHECK(has_line(before, "waystation_kiosks{state=\"revoked\"} 1"));
  CHECK(has_line(before, "waystation_kiosk_last_seen_timestamp_seconds{centre=\"OSLO\",device=\"" + oslo.id + "\"} 0"));
  CHECK(before.find(gone.id) == std::string::npos);

  const auto pushed_after_s = now_ms() / 1000;
  const auto id = new_uuid_v7();
  REQUIRE(ingest.push(oslo, batch_json(new_uuid_v7(), json::array({record_json(id, "intake", "OSLO",
                                                                                 version_at(now_ms(), oslo.id), {{"age", 30}})})))
              .has_value());
  auto after = scrape(t);
  const std::string prefix = "waystation_kiosk_last_seen_timestamp_seconds{centre=\"OSLO\",device=\"" + oslo.id + "\"} ";
  const auto at = after.find(prefix);
  REQUIRE(at != std::string::npos);
  CHECK(std::stoll(after.substr(at + prefix.size())) >= pushed_after_s);
  CHECK(has_line(after, "waystation_kiosk_last_seen_timestamp_seconds{centre=\"BERGEN\",device=\"" + bergen.id + "\"} 0"));
  // The refused intake (no name) is open for its centre; no payload value is in the text.
  CHECK(has_line(after, "waystation_refused_records_open{centre=\"OSLO\"} 1"));
  CHECK(after.find("\"age\"") == std::string::npos);
}

TEST_CASE("a good backup stamps its time, which the backup-age gauge shows") {
  TestDb t;
  CHECK(has_line(scrape(t), "waystation_last_backup_timestamp_seconds 0"));
  const auto started_s = now_ms() / 1000;
  auto report = backup_database(t.db->path(), t.dir.file("backup.db"));
  REQUIRE(report.has_value());
  CHECK(report->stamp_warning.empty());
  const auto text = scrape(t);
  const std::string prefix = "waystation_last_backup_timestamp_seconds ";
  const auto at = text.find("\n" + prefix);
  REQUIRE(at != std::string::npos);
  CHECK(std::stoll(text.substr(at + 1 + prefix.size())) >= started_s);
  CHECK(text.find("waystation_disk_free_bytes ") != std::string::npos);
  CHECK(text.find("waystation_database_bytes ") != std::string::npos);
}

TEST_CASE("when the database cannot be read the scrape says so instead of failing") {
  CHECK(render_fleet_unavailable().find("waystation_fleet_stats_up 0\n") != std::string::npos);
}

TEST_CASE("a kiosk that only pulls is still seen, noted at most once a minute") {
  TestDb t;
  Device oslo = enroll_device(*t.db, "OSLO", "oslo-1");
  DeviceRegistry devices(*t.db);
  auto last_seen = [&]() -> std::int64_t {
    auto lease = t.db->acquire();
    REQUIRE(lease.has_value());
    auto stats = read_fleet_stats(**lease, t.db->path());
    REQUIRE(stats.has_value());
    REQUIRE(stats->kiosks.size() == 1);
    return stats->kiosks[0].last_seen_ms.value_or(0);
  };
  CHECK(last_seen() == 0);
  const std::int64_t t0 = 1'800'000'000'000;
  REQUIRE(devices.note_seen(oslo.id, t0).has_value());
  CHECK(last_seen() == t0);
  REQUIRE(devices.note_seen(oslo.id, t0 + 30'000).has_value());
  CHECK(last_seen() == t0);  // within the minute: no write
  REQUIRE(devices.note_seen(oslo.id, t0 + 61'000).has_value());
  CHECK(last_seen() == t0 + 61'000);
}
