#include <doctest/doctest.h>

#include "sync-server/core/case_detail.hpp"
#include "sync-server/core/ingest.hpp"
#include "tests/unit/server/fixtures.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

const json* answer(const json& answers, const std::string& key) {
  for (const auto& a : answers)
    if (a["key"] == key) return &a;
  return nullptr;
}

}  // namespace

TEST_CASE("case detail: records in time order with form labels, choice labels, repeat rows, history and conflicts") {
  TestDb t;
  AcceptingValidator validator;
  HlcClock clock;
  Ingest ingest{*t.db, validator, clock};
  Device oslo = enroll_device(*t.db, "OSLO", "oslo-1");
  Device oslo2 = enroll_device(*t.db, "OSLO", "oslo-2");
  const std::string case_id = new_uuid_v7(), intake_id = new_uuid_v7();
  auto push = [&](const Device& d, const json& records) {
    auto r = ingest.push(d, batch_json(new_uuid_v7(), records));
    REQUIRE(r.has_value());
  };
  json c = test::case_answers(1);
  c["status"] = "considering";
  json intake = test::intake_answers(1);
  intake["_case_id"] = case_id;
  intake["family_travelling"] = true;
  intake["family_members"] = json::array({{{"_row", new_uuid_v7()}, {"name", "Sara"}, {"relationship", "child"}}});
  const auto t0 = now_ms();
  push(oslo, json::array({record_json(case_id, "case", "OSLO", version_at(t0, oslo.id), c)}));
  push(oslo, json::array({record_json(intake_id, "intake", "OSLO", version_at(t0 + 1, oslo.id), intake)}));
  // A later edit (history) and a concurrent one that loses (conflict log).
  c["status"] = "will_apply";
  push(oslo, json::array({record_json(case_id, "case", "OSLO", version_at(t0 + 20, oslo.id), c, version_at(t0, oslo.id))}));
  push(oslo2, json::array({record_json(case_id, "case", "OSLO", version_at(t0 + 10, oslo2.id), {{"status", "declined"}},
                                       version_at(1, oslo.id))}));

  auto registry = load_form_registry(*t.db, std::string(WS_SOURCE_ASSETS_DIR) + "/forms");
  REQUIRE(registry.has_value());
  auto detail = case_detail(*t.db, CentreScope::every(), case_id, **registry);
  REQUIRE_MESSAGE(detail.has_value(), (detail.has_value() ? "" : detail.error().message));
  const json& records = (*detail)["records"];
  REQUIRE(records.size() == 2);
  CHECK(records[0]["id"] == case_id);  // created first
  CHECK(records[1]["id"] == intake_id);

  const json* status = answer(records[0]["answers"], "status");
  REQUIRE(status);
  CHECK((*status)["label"] == "Status");
  CHECK((*status)["value"] == "will_apply");
  CHECK((*status)["display"] == "Will apply");
  CHECK(records[0]["history"].size() >= 1);
  CHECK(records[0]["history"][0]["answers"].dump().find("Considering return") != std::string::npos);
  REQUIRE(records[0]["conflicts"].size() == 1);

  const json* languages = answer(records[1]["answers"], "languages");
  REQUIRE(languages);
  CHECK((*languages)["label"] == "Languages spoken");
  CHECK((*languages)["display"] == "English");
  const json* family = answer(records[1]["answers"], "family_members");
  REQUIRE(family);
  REQUIRE((*family)["rows"].size() == 1);
  const json* relationship = answer((*family)["rows"][0], "relationship");
  REQUIRE(relationship);
  CHECK((*relationship)["display"] == "Child");
  CHECK(answer(records[1]["answers"], "_case_id") == nullptr);

  auto nb = case_detail(*t.db, CentreScope::every(), case_id, **registry, "nb");
  CHECK((*answer((*nb)["records"][0]["answers"], "status"))["display"] == "Vil søke");

  auto hidden = case_detail(*t.db, CentreScope::only({"BERGEN"}), case_id, **registry);
  REQUIRE_FALSE(hidden.has_value());
  CHECK(hidden.error().code == "not_found");
}
