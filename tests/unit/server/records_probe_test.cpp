// RecordWriter::probe (records.hpp): which of a batch's ids are new is asked once per chunk of
// ids; a load() of a probed id answers from that only until the writer writes the id, whichever
// way it is written (queued, written new, or replacing a stored version).
#include <doctest/doctest.h>

#include "sync-server/core/records.hpp"
#include "tests/unit/server/fixtures.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;

namespace {

Envelope record(const std::string& id, int x) {
  Envelope e;
  e.id = id;
  e.kind = "case";
  e.centre = "OSLO";
  e.version = version_at(1000 + x, "dev");
  e.payload = {{"x", x}};
  return e;
}

bool stored(RecordWriter& w, const std::string& id) {
  auto loaded = w.load(id);
  REQUIRE(loaded.has_value());
  return loaded->has_value();
}

}  // namespace

TEST_CASE("a probed id loads as absent until the writer writes it, and a stored one loads as stored") {
  TestDb t;
  auto scope = WriteScope::begin(*t.db);
  REQUIRE(scope.has_value());
  const Envelope old = record(new_uuid_v7(), 0);
  REQUIRE(write_record(scope->conn(), old).has_value());

  // More ids than one probe takes (64 + 32 + 4), the stored one among them.
  std::vector<std::string> ids;
  for (int i = 0; i < 99; ++i) ids.push_back(new_uuid_v7());
  ids.insert(ids.begin() + 70, old.id);
  std::vector<std::string_view> views(ids.begin(), ids.end());
  auto w = RecordWriter::begin(scope->conn());
  REQUIRE(w.has_value());
  REQUIRE(w->probe(views).has_value());
  CHECK(stored(*w, old.id));
  CHECK_FALSE(stored(*w, ids[0]));
  CHECK_FALSE(stored(*w, ids.back()));

  const Envelope queued = record(ids[0], 1), written = record(ids[1], 2);
  const std::string text = "{\"x\":1}", versions = "{}";
  const DerivedColumns queued_columns = derive_columns(queued, text);
  REQUIRE(w->queue_new(queued, text, versions, queued_columns, 0).has_value());
  CHECK(stored(*w, ids[0]));  // the load writes the queue first
  const std::string written_text = "{\"x\":2}";
  REQUIRE(w->write_new(written, written_text, "{}", derive_columns(written, written_text)).has_value());
  CHECK(stored(*w, ids[1]));
  const Envelope replaced = record(ids[2], 3);
  REQUIRE(w->write(replaced).has_value());
  CHECK(stored(*w, ids[2]));
  CHECK_FALSE(stored(*w, ids[3]));
  CHECK(w->take_refused().empty());
}
