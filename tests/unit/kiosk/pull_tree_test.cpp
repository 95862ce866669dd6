// A pull page read as the sync round reads it (compact, a payload tree only for the records
// Store::pull_reads_payload names; the others keep their text and case id, and get a tree from
// the text when merged) is applied exactly as the same page read with every tree: new records,
// records the kiosk holds with conflicting fields, erased records and a form that requeues
// refused records, row for row.
#include <filesystem>

#include <doctest/doctest.h>

#include "kiosk/core/store/store.hpp"
#include "tests/support/temp_dir.hpp"
#include "ws/case_id.hpp"
#include "ws/envelope_reader.hpp"
#include "ws/erasure.hpp"
#include "ws/hlc.hpp"
#include "ws/ids.hpp"
#include "ws/json_view.hpp"

using namespace ws::kiosk;
using nlohmann::json;

namespace {

ws::Version from_server(std::int64_t ahead_ms) {
  return ws::Version{ws::Hlc{ws::HlcClock::system_wall_ms() + ahead_ms, 0}, "server"};
}

ws::Envelope pulled(const std::string& id, const std::string& kind, const json& payload, std::int64_t ahead_ms) {
  ws::Envelope e;
  e.id = id;
  e.kind = kind;
  e.centre = "OSLO";
  e.version = from_server(ahead_ms);
  e.payload = payload;
  for (const auto& [k, _] : payload.items()) e.field_versions[k] = e.version;
  return e;
}

ws::Envelope erased(const std::string& id) {
  auto e = pulled(id, "intake", json{{ws::kErasedKey, "erasure-1"}}, 0);
  e.deleted = true;
  e.field_versions.clear();
  return e;
}

std::string body_of(const std::vector<ws::Envelope>& records) {
  json j = {{"records", json::array()}, {"cursor", "9"}, {"more", false}};
  for (const auto& e : records) j["records"].push_back(ws::to_json(e, ws::EnvelopeForm::Compact));
  return j.dump();
}

std::unique_ptr<Store> open_store(const std::string& dir) {
  auto opened = Store::open(dir);
  REQUIRE(opened);
  return std::move(*opened);
}

// Every row the pull writes, each column quoted (NULL apart from ''), but the times of day.
std::vector<std::string> rows(Store& s) {
  std::vector<std::string> out;
  for (const char* query :
       {"SELECT quote(id)||quote(kind)||quote(centre)||quote(case_id)||quote(version)||quote(deleted)||"
        "quote(schema_version)||quote(payload_codec)||quote(payload)||quote(field_versions)||quote(search_text) "
        "FROM records ORDER BY id",
        "SELECT quote(id)||quote(base_version)||quote(sync_state)||quote(sync_error) FROM record_sync ORDER BY id",
        "SELECT quote(record_id)||quote(field)||quote(lost_codec)||quote(lost_value)||quote(lost_version)||"
        "quote(won_version) FROM conflicts ORDER BY seq",
        "SELECT quote(record_id)||quote(batch)||quote((SELECT version FROM outbox_frozen_items f WHERE f.seq = outbox.seq)) "
        "FROM outbox ORDER BY seq"}) {
    auto st = s.connection().prepare(query);
    REQUIRE(st);
    for (;;) {
      auto row = st->step();
      REQUIRE(row);
      if (!*row) break;
      out.push_back(st->column_text(0));
    }
    out.push_back("--");
  }
  return out;
}

std::optional<std::string> stored_case_id(Store& s, const std::string& id) {
  auto st = s.connection().prepare("SELECT case_id FROM records WHERE id = ?1");
  REQUIRE(st);
  st->bind(1, id);
  REQUIRE(st->step().value());
  return st->column_optional_text(0);
}

}  // namespace

TEST_CASE("a page read with trees for some records only, applied, writes what the page read whole writes") {
  ws::test::TempDir whole_dir, lazy_dir;
  const std::string case_id = ws::new_uuid_v7();
  std::string held, to_erase, refused;
  {
    auto s = open_store(whole_dir.path());
    REQUIRE(s->set_identity({"dev-kiosk", "token", "OSLO", "http://127.0.0.1:1"}));
    held = s->save("intake", {{"given_name", "Amina"}, {"notes", "local"}}, case_id).value();
    to_erase = s->save("intake", {{"phone", "+47 555 0101"}}).value();
    refused = s->save("intake", {{"given_name", "Refused"}}, std::nullopt, 3).value();
    REQUIRE(s->quarantine(refused, "no form definition 'intake' version 3"));
  }
  // The same kiosk twice: one applies the page read whole, the other as the sync round reads it.
  namespace fs = std::filesystem;
  fs::copy(whole_dir.path(), lazy_dir.path(), fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  auto whole = open_store(whole_dir.path()), lazy = open_store(lazy_dir.path());

  const std::string fresh = ws::new_uuid_v7(), plain = ws::new_uuid_v7(), odd = ws::new_uuid_v7(),
                    gone = ws::new_uuid_v7(), tombstone = ws::new_uuid_v7();
  auto removed = pulled(tombstone, "intake", {{"given_name", "Removed"}}, 0);
  removed.deleted = true;
  const std::vector<ws::Envelope> records = {
      pulled(fresh, "intake", {{"_case_id", case_id}, {"given_name", "Bahir"}, {"family", json::array({{{"n", 1}}})}}, 0),
      pulled(plain, "intake", {{"given_name", "Chen"}, {"age", 40}}, 0),
      pulled(odd, "intake", {{"_case_id", 42}, {"given_name", "Dara"}}, 0),
      // Newer than the kiosk's own edit: the local value loses, and is logged as a conflict.
      pulled(held, "intake", {{"_case_id", case_id}, {"given_name", "Amina B."}, {"notes", "remote"}}, 60'000),
      erased(to_erase),
      erased(gone),
      removed,
      pulled(ws::new_uuid_v7(), "form", {{"id", "intake"}, {"version", 3}, {"title", "Intake"}}, 0),
  };
  const std::string body = body_of(records);
  auto by_trees = ws::protocol::read_pull_page(body, ws::EnvelopeForm::Compact);
  auto by_text = ws::protocol::read_pull_page(body, ws::EnvelopeForm::Compact, &Store::pull_reads_payload);
  REQUIRE(by_trees);
  REQUIRE(by_text);
  REQUIRE(by_text->case_ids.size() == records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    CAPTURE(i);
    const auto& e = by_text->records[i];
    // Only tombstones and forms are read as trees on the page's thread.
    CHECK(e.payload.is_null() == !(e.deleted || e.kind == "form"));
    CHECK(ws::protocol::payload_tree_of(*by_text, i) == by_trees->records[i].payload);
    if (e.payload.is_null()) {
      CHECK(by_text->case_ids[i] == ws::case_id_of(ws::json_view::Tree(by_trees->records[i].payload)));
    }
  }
  CHECK(by_text->case_ids[0] == case_id);
  CHECK_FALSE(by_text->case_ids[2].has_value());

  const auto changed_whole = whole->apply_pull(*by_trees);
  const auto changed_lazy = lazy->apply_pull(*by_text);
  REQUIRE(changed_whole);
  REQUIRE(changed_lazy);
  CHECK(*changed_lazy == *changed_whole);
  CHECK(rows(*lazy) == rows(*whole));

  // And what those rows are: the rules ran on the records read without a tree.
  CHECK(stored_case_id(*lazy, fresh) == case_id);
  CHECK_FALSE(stored_case_id(*lazy, plain).has_value());
  CHECK_FALSE(stored_case_id(*lazy, odd).has_value());
  const auto merged = lazy->get(held).value().value().envelope;
  CHECK(merged.payload["given_name"] == "Amina B.");
  CHECK(merged.payload["notes"] == "remote");
  auto conflicts = lazy->connection().prepare("SELECT count(*) FROM conflicts WHERE record_id = ?1");
  REQUIRE(conflicts);
  conflicts->bind(1, held);
  REQUIRE(conflicts->step().value());
  CHECK(conflicts->column_int(0) >= 1);
  CHECK_FALSE(lazy->get(to_erase).value().value().envelope.payload.contains("phone"));
  CHECK(lazy->get(tombstone).value().value().envelope.deleted);
  CHECK(lazy->quarantined_count().value() == 0);  // the form brought version 3: requeued
}
