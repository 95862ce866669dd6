#pragma once
// Shared test scaffolding: a unique temp directory, a migrated database in it, an enrolled
// device, and envelope builders.
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include <doctest/doctest.h>

#include "sync-server/core/database.hpp"
#include "sync-server/core/devices.hpp"
#include "ws/envelope.hpp"
#include "ws/hlc.hpp"
#include "ws/ids.hpp"

namespace ws::server::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ws-server-test-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

struct TestDb {
  TempDir dir;
  std::shared_ptr<Database> db;
  TestDb() {
    auto opened = Database::open(dir.file("server.db"));
    REQUIRE(opened.has_value());
    db = *opened;
  }
};

inline Device enroll_device(Database& db, const std::string& centre, const std::string& name = "kiosk") {
  DeviceRegistry devices(db);
  auto code = devices.create_code(centre, 60'000);
  REQUIRE(code.has_value());
  auto e = devices.enroll(code->code, name);
  REQUIRE(e.has_value());
  return e->device;
}

inline Version version_at(std::int64_t wall_ms, const std::string& device, std::uint32_t logical = 0) {
  return Version{Hlc{wall_ms, logical}, device};
}

// A record as a kiosk would push it: every field written at `v`.
inline nlohmann::json record_json(const std::string& id, const std::string& kind, const std::string& centre,
                                  const Version& v, const nlohmann::json& payload,
                                  const std::optional<Version>& base = std::nullopt) {
  Envelope e;
  e.id = id;
  e.kind = kind;
  e.centre = centre;
  e.version = v;
  e.payload = payload;
  for (const auto& [k, _] : payload.items()) e.field_versions[k] = v;
  e.base_version = base;
  return to_json(e);
}

inline nlohmann::json batch_json(const std::string& batch_id, const nlohmann::json& records) {
  return {{"batch_id", batch_id}, {"records", records}};
}

// Wall times near now, so the server clock accepts them.
inline std::int64_t now_ms() { return HlcClock::system_wall_ms(); }

}  // namespace ws::server::testing
