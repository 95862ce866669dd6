// POST /publish/check names every problem of an upload (page, field, message), not only the
// first, and a refused upload publishes nothing.
#include "tests/unit/server/hq_fixture.hpp"
#include "ws/content/bundle_files.hpp"

namespace ws::server::hq::test {
namespace {

using nlohmann::json;

// The problem placed on `field`, or null.
json problem_on(const json& errors, const std::string& field) {
  for (const auto& e : errors)
    if (e["field"] == field) return e;
  return nullptr;
}

}  // namespace

TEST_CASE("publish check: a form with three problems on three pages names all three, and nothing is published") {
  HqServer server;
  server.add_user("mads", "manager");
  const Session s = server.sign_in("mads");
  json bad = intake_form();
  for (auto& f : bad["fields"]) {
    if (f["name"] == "sex") f["type"] = "bogus";
    if (f["name"] == "languages") f["choices"] = json::array();
    if (f["name"] == "legal_status_notes") f["colour"] = "red";
  }
  const json checked = body_of(server.post("/publish/check", {{"kind", "form"}, {"definition", bad}}, s));
  CHECK(checked["ok"] == false);
  CHECK(checked["preview"].is_null());
  REQUIRE(checked["errors"].size() == 3);
  const json sex = problem_on(checked["errors"], "sex"), languages = problem_on(checked["errors"], "languages"),
             notes = problem_on(checked["errors"], "legal_status_notes");
  REQUIRE(!sex.is_null());
  REQUIRE(!languages.is_null());
  REQUIRE(!notes.is_null());
  CHECK(sex["page"] == "identity");
  CHECK(languages["page"] == "language");
  CHECK(notes["page"] == "status");
  CHECK(notes["message"].get<std::string>().find("colour") != std::string::npos);

  auto res = server.post("/publish", {{"kind", "form"}, {"definition", bad}, {"centres", json::array()}}, s);
  CHECK(res->status == 400);
  CHECK(body_of(server.get("/published", s))["published"].empty());
}

TEST_CASE("publish check: a content bundle with two bad pages names both") {
  HqServer server;
  server.add_user("mads", "manager");
  const Session s = server.sign_in("mads");
  auto bundle = content::pack_bundle_directory(std::string(WS_SOURCE_ASSETS_DIR) + "/content/avrr-info");
  REQUIRE(bundle.has_value());
  json bad = *bundle;
  REQUIRE(bad["pages"].size() >= 4);
  bad["pages"][1]["kind"] = "bogus";
  bad["pages"][3]["text"] = "not an object";
  const json checked = body_of(server.post("/publish/check", {{"kind", "content"}, {"definition", bad}}, s));
  CHECK(checked["ok"] == false);
  REQUIRE(checked["errors"].size() == 2);
  CHECK(checked["errors"][0]["page"] == bad["pages"][1]["id"]);
  CHECK(checked["errors"][1]["page"] == bad["pages"][3]["id"]);
  CHECK(body_of(server.get("/published", s))["published"].empty());
}

}  // namespace ws::server::hq::test
