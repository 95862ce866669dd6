// A pull page reads the vault's public key once (record_codec::encode_text_with_key): each page
// still stores its records as the vault stands when it is applied, and a record's vault being
// open is asked per record.
#include <doctest/doctest.h>

#include <string>

#include "kiosk/core/store/payload_codec.hpp"
#include "kiosk/core/store/vault.hpp"
#include "tests/unit/kiosk/record_rows.hpp"
#include "tests/unit/kiosk/support.hpp"
#include "ws/hlc.hpp"
#include "ws/ids.hpp"

namespace ws::kiosk {
namespace {

Envelope pulled(const std::string& id, int n) {
  Envelope e;
  e.id = id;
  e.kind = "intake";
  e.centre = "OSLO";
  e.version = Version{Hlc{HlcClock::system_wall_ms(), 0}, "dev-other"};
  e.payload = test::intake_payload(n);
  return e;
}

// As the sync round receives it: compact text, parsed, the payloads' text kept.
protocol::PullResponse page_of(const Envelope& e, const std::string& cursor) {
  nlohmann::json j = {{"records", nlohmann::json::array({to_json(e, EnvelopeForm::Compact)})},
                      {"cursor", cursor},
                      {"more", false}};
  auto parsed = protocol::parse_pull_response(j);
  REQUIRE(parsed);
  return *parsed;
}

}  // namespace

TEST_CASE("pulled pages are stored as the vault stands at each page: none, open, locked") {
  vault::set_kdf_limits({1, 64 * 1024});
  test::TempDir dir;
  auto store = test::enrolled_store(dir.path());
  const std::string none = new_uuid_v7(), open = new_uuid_v7(), locked = new_uuid_v7();
  REQUIRE(store->apply_pull(page_of(pulled(none, 1), "1")));
  CHECK(test::codec_of(*store, none) == codec::kJsonText);

  REQUIRE(vault::add_copy(*store, "c1", "402718"));  // the first sign-in makes the vault, open
  REQUIRE(store->apply_pull(page_of(pulled(open, 2), "2")));
  CHECK(test::codec_of(*store, open) == codec::kDataKey);

  vault::lock(dir.path());
  REQUIRE(store->apply_pull(page_of(pulled(locked, 3), "3")));
  CHECK(test::codec_of(*store, locked) == codec::kPageKey);  // under its page's key (page_key.hpp)

  REQUIRE(vault::unlock(*store, "c1", "402718"));
  for (const auto& [id, n] : {std::pair{none, 1}, std::pair{open, 2}, std::pair{locked, 3}}) {
    auto r = store->get(id);
    REQUIRE(r);
    REQUIRE(r->has_value());
    CHECK((*r)->envelope.payload == test::intake_payload(n));
  }
  vault::lock(dir.path());
  vault::set_kdf_limits({});
}

}  // namespace ws::kiosk
