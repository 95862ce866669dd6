// A pull's pages are committed without SQLite's automatic checkpoint every 1,000 pages of WAL
// (Store::defer_checkpoints): still durable, and checkpointed once when the pull is done.
#include <doctest/doctest.h>

#include <filesystem>

#include "kiosk/core/store/store.hpp"
#include "tests/support/temp_dir.hpp"
#include "ws/hlc.hpp"
#include "ws/ids.hpp"

using namespace ws::kiosk;
using nlohmann::json;

namespace {

// Text that no codec compresses much, so the pages take room in the WAL.
std::string noise(std::size_t n) {
  static std::uint64_t x = 88172645463325252ULL;
  std::string s(n, ' ');
  for (auto& c : s) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    c = static_cast<char>('a' + x % 26);
  }
  return s;
}

ws::protocol::PullResponse page_of(int records, const std::string& cursor) {
  json j = {{"records", json::array()}, {"cursor", cursor}, {"more", false}};
  for (int i = 0; i < records; ++i) {
    ws::Envelope e;
    e.id = ws::new_uuid_v7();
    e.kind = "intake";
    e.centre = "OSLO";
    e.version = ws::Version{ws::Hlc{ws::HlcClock::system_wall_ms(), 0}, "dev-other"};
    e.payload = {{"notes", noise(4000)}, {"n", i}};
    j["records"].push_back(ws::to_json(e, ws::EnvelopeForm::Compact));
  }
  auto parsed = ws::protocol::parse_pull_response(j);
  REQUIRE(parsed);
  return *parsed;
}

std::uintmax_t database_bytes(const std::string& dir) { return std::filesystem::file_size(Store::database_path(dir)); }

}  // namespace

TEST_CASE("a pull's pages skip the automatic checkpoint and are checkpointed once after") {
  ws::test::TempDir dir;
  auto opened = Store::open(dir.path());
  REQUIRE(opened);
  auto& store = **opened;
  REQUIRE(store.set_identity({"dev-kiosk", "token", "OSLO", "http://127.0.0.1:1"}));
  REQUIRE(store.defer_checkpoints(true));
  // Four pages of ~1.2 MB: more than the 1,000 pages of WAL that would checkpoint by default.
  for (int page = 1; page <= 4; ++page) REQUIRE(store.apply_pull(page_of(300, std::to_string(page))));
  // By default the fourth commit would have copied the WAL into the database file.
  CHECK(database_bytes(dir.path()) < 1024 * 1024);
  REQUIRE(store.defer_checkpoints(false));
  CHECK(database_bytes(dir.path()) > 4 * 1024 * 1024);
  CHECK(*store.pull_cursor() == "4");
  auto count = store.pending_count();
  REQUIRE(count);
  CHECK(*count == 0);
}
