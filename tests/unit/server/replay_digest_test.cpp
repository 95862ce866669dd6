#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sync-server/core/ingest.hpp"
#include "sync-server/core/replay_digest.hpp"
#include "tests/unit/server/fixtures.hpp"
#include "ws/protocol.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

// A batch_id's digest is stored, and a retry is a replay only when it hashes to the same bytes.
// The BLAKE2b digests below were computed by the server of session 20 (servers held that form
// until session 27): a retry of such a batch must still reproduce them exactly. The XXH3 ones are
// what servers store since, and must stay these bytes for the same reason (replay_digest.hpp).
struct FixedDeviceIngest {
  TestDb t;
  NameRequired validator;
  HlcClock clock;
  Ingest ingest{*t.db, validator, clock};
  Device kiosk{"0190f000-0000-7000-8000-00000000d001", "golden", "OSLO"};

  // Pushed as the HTTP layer hands a body over: each record's text, parsed on the checking threads.
  std::string digest_after(const std::string& batch_id, const std::vector<std::string>& records) {
    protocol::PushRequest request;
    request.batch_id = batch_id;
    for (const auto& r : records) request.record_texts.emplace_back(r);
    auto pushed = ingest.push(kiosk, std::move(request));
    REQUIRE_MESSAGE(pushed.has_value(), (pushed.has_value() ? "" : pushed.error().message));
    return db_text(*t.db, "SELECT digest FROM batches WHERE batch_id = '" + batch_id + "'");
  }
};

const std::string kFullDigest = "f3765a066a565bc2f181aa5f2984ab62a7b177737693e685d29ca506863cce43";

const std::string kVersion = "0019b76d1a800-00000000@0190f000-0000-7000-8000-00000000d001";
const std::string kBase = "0019b76d02100-00000003@0190f000-0000-7000-8000-00000000d001";

// One case record, its field versions written out for every field (protocol 1).
const std::string kFull =
    R"({"id":"0190f000-0000-7000-8000-0000000000c1","kind":"case","centre":"OSLO","version":")" + kVersion +
    R"(","deleted":false,"schema_version":1,"payload":{"case_number":"A-1","note":"line\nbreak \u00e5se \u2713 \ud83d\ude00 名前"},)"
    R"("field_versions":{"case_number":")" + kVersion + R"(","note":")" + kVersion + R"("}})";
// The same record compact (protocol 2): no entry equal to the record's version.
const std::string kCompact =
    R"({"id":"0190f000-0000-7000-8000-0000000000c1","kind":"case","centre":"OSLO","version":")" + kVersion +
    R"(","deleted":false,"schema_version":1,"payload":{"case_number":"A-1","note":"line\nbreak \u00e5se \u2713 \ud83d\ude00 名前"}})";
// An edit from a base, one field older than the record.
const std::string kEdited =
    R"({"id":"0190f000-0000-7000-8000-0000000000c2","kind":"case","centre":"OSLO","version":")" + kVersion +
    R"(","base_version":")" + kBase + R"(","deleted":false,"schema_version":3,"payload":{"status":"open","phone":"1"},)"
    R"("field_versions":{"phone":")" + kBase + R"("}})";
const std::string kDeleted =
    R"({"id":"0190f000-0000-7000-8000-0000000000c3","kind":"case","centre":"OSLO","version":")" + kVersion +
    R"(","deleted":true,"schema_version":1,"payload":{}})";
// Refused by the validator: an intake with no answers.
const std::string kEmptyIntake =
    R"({"id":"0190f000-0000-7000-8000-0000000000c4","kind":"intake","centre":"OSLO","version":")" + kVersion +
    R"(","deleted":false,"schema_version":1,"payload":{}})";
// Refused before it is an envelope: no kind; its text as sent is what counts.
const std::string kNoKind =
    R"({"id":"0190f000-0000-7000-8000-0000000000c5", "centre":"OSLO","version":")" + kVersion + R"("})";

struct Golden {
  std::vector<std::string> records;
  const char* legacy;   // BLAKE2b, as servers before session 27 stored it
  const char* current;  // XXH3-128, as servers store it since
};

const std::vector<Golden>& golden_batches() {
  static const std::vector<Golden> batches = {
      // The full and the compact text of one record are the same batch (docs/protocol.md).
      {{kFull}, "f3765a066a565bc2f181aa5f2984ab62a7b177737693e685d29ca506863cce43", "xxh3:e2df7a84d94d2d29e5c4c383ca6d13fa"},
      {{kCompact}, "f3765a066a565bc2f181aa5f2984ab62a7b177737693e685d29ca506863cce43", "xxh3:e2df7a84d94d2d29e5c4c383ca6d13fa"},
      {{kEdited}, "eebae62c4ca05baefc0d59d17ed6fd62138a15271a3a969688528e7a0fbeec2e", "xxh3:be430f424c217e129d994c60fbc66988"},
      {{kDeleted}, "ec9c88c2075c41b2f6033997f94f8f94e10bf536c47be7adc6a13944595af3d0", "xxh3:2e50930d8b190f1e23e3a8f060012320"},
      {{kEmptyIntake}, "045d00a847ca6c916ade39038e1febce30030adef6ff5dd183adeecb21719164", "xxh3:f2192f1d66ca5969d89880c5013ee078"},
      {{kNoKind}, "4957b5c3e687a0b44560e6dc20b18a63e455aa746a92058303aed3401271ba70", "xxh3:97fdda96d95eb597827eb16700087dfd"},
      {{}, "c265c3110a6665e3a8f9a1d0d3cff7773e61129174fb49526dec5ccd96ee14b4", "xxh3:11d982caff0f7999d9e873f1231efa9a"},
      {{kCompact, kEdited, kDeleted, kEmptyIntake, kNoKind},
       "73c0a9af69205c03805de13888873b8000b27569b567f78e71db11c334fc4426", "xxh3:d06af354f76fd27c6387d9e8c7f37311"},
  };
  return batches;
}

// A batches row as a server left it before the kiosk lost its reply.
void log_batch(FixedDeviceIngest& f, const std::string& batch_id, const std::string& digest, const std::string& reply) {
  auto lease = f.t.db->acquire();
  REQUIRE(lease.has_value());
  auto st = (*lease)->prepare("INSERT INTO batches (batch_id, device_id, digest, reply, received_at_ms) VALUES (?1, ?2, ?3, ?4, 0)");
  REQUIRE(st.has_value());
  st->bind(1, batch_id).bind(2, f.kiosk.id).bind(3, digest).bind(4, reply);
  REQUIRE(st->step().has_value());
}

Result<PushReply> push_texts(FixedDeviceIngest& f, const std::string& batch_id, const std::vector<std::string>& records) {
  protocol::PushRequest request;
  request.batch_id = batch_id;
  for (const auto& r : records) request.record_texts.emplace_back(r);
  return f.ingest.push(f.kiosk, std::move(request));
}

}  // namespace

TEST_CASE("a new batch's digest is XXH3's form and stays these bytes, for each kind of batch") {
  FixedDeviceIngest f;
  int n = 0;
  for (const auto& b : golden_batches()) {
    const std::string batch_id = "0190f000-0000-7000-8000-0000000000b" + std::to_string(++n);
    CAPTURE(batch_id);
    const std::string digest = f.digest_after(batch_id, b.records);
    CHECK(is_current_replay_digest(digest));
    CHECK(digest == b.current);
  }
}

TEST_CASE("a batch an older server logged with a BLAKE2b digest meets its retry as a replay, for each kind of batch") {
  FixedDeviceIngest f;
  int n = 0;
  for (const auto& b : golden_batches()) {
    const std::string batch_id = "0190f000-0000-7000-8000-0000000000d" + std::to_string(++n);
    CAPTURE(batch_id);
    const std::string reply = R"({"results":[],"logged":")" + batch_id + R"("})";
    log_batch(f, batch_id, b.legacy, reply);
    auto retry = push_texts(f, batch_id, b.records);
    REQUIRE_MESSAGE(retry.has_value(), (retry.has_value() ? "" : retry.error().message));
    CHECK(retry->replay);
    CHECK(retry->body == reply);
  }
  CHECK(db_count(*f.t.db, "SELECT COUNT(*) FROM records") == 0);
}

TEST_CASE("a batch_id sent again with other records is a conflict, whichever form its digest was stored in") {
  FixedDeviceIngest f;
  // Stored in the current form by this server.
  REQUIRE(push_texts(f, "0190f000-0000-7000-8000-0000000000e1", {kCompact}).has_value());
  auto other = push_texts(f, "0190f000-0000-7000-8000-0000000000e1", {kEdited});
  REQUIRE_FALSE(other.has_value());
  CHECK(other.error().code == "batch_conflict");
  // One record more than the batch had.
  auto longer = push_texts(f, "0190f000-0000-7000-8000-0000000000e1", {kCompact, kDeleted});
  REQUIRE_FALSE(longer.has_value());
  CHECK(longer.error().code == "batch_conflict");

  // Stored by an older server.
  log_batch(f, "0190f000-0000-7000-8000-0000000000e2", kFullDigest, R"({"results":[]})");
  auto legacy_other = push_texts(f, "0190f000-0000-7000-8000-0000000000e2", {kEdited});
  REQUIRE_FALSE(legacy_other.has_value());
  CHECK(legacy_other.error().code == "batch_conflict");
  // Nothing of the refused batches was stored: one record, from the first push.
  CHECK(db_count(*f.t.db, "SELECT COUNT(*) FROM records") == 1);
}

TEST_CASE("a retry of a batch an older server logged is still a replay, in either text of its record") {
  FixedDeviceIngest f;
  // The row as a server of session 20 left it for kFull's batch, before the kiosk lost its reply.
  const std::string batch_id = "0190f000-0000-7000-8000-0000000000b9";
  const std::string stored_reply = R"({"results":[{"id":"0190f000-0000-7000-8000-0000000000c1","status":"applied"}]})";
  log_batch(f, batch_id, kFullDigest, stored_reply);
  for (const auto* text : {&kFull, &kCompact}) {
    auto retry = push_texts(f, batch_id, {*text});
    REQUIRE_MESSAGE(retry.has_value(), (retry.has_value() ? "" : retry.error().message));
    CHECK(retry->replay);
    CHECK(retry->body == stored_reply);
  }
  CHECK(db_count(*f.t.db, "SELECT COUNT(*) FROM records") == 0);
}
