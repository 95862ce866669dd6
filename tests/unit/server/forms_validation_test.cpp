// Built only when shared/forms is in the tree: the server validates with the kiosk's validator.
#include <doctest/doctest.h>

#include "sync-server/core/form_validation.hpp"
#include "sync-server/core/publish.hpp"
#include "tests/unit/server/fixtures.hpp"

using namespace ws;
using namespace ws::server;
using namespace ws::server::testing;
using nlohmann::json;

namespace {

bool mentions(const std::vector<FieldProblem>& problems, const std::string& field) {
  for (const auto& p : problems) {
    if (p.field == field) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("payloads are validated against the shipped form definitions") {
  auto v = make_payload_validator(std::string(WS_SOURCE_ASSETS_DIR) + "/forms");
  REQUIRE_MESSAGE(v.has_value(), (v.has_value() ? "" : v.error().message));
  auto& validator = **v;

  auto missing = validator.validate("appointment", 1, json::object());
  CHECK(mentions(missing, "name"));
  auto unknown = validator.validate("appointment", 1, json{{"surprise", 1}, {"_case_id", "c-1"}});
  CHECK(mentions(unknown, "surprise"));
  CHECK_FALSE(mentions(unknown, "_case_id"));
  CHECK_FALSE(validator.validate("appointment", 999, json::object()).empty());  // unknown version
  CHECK(validator.validate("no_such_form", 1, json{{"anything", 1}}).empty());

  CHECK_FALSE(make_payload_validator("/nonexistent/forms/dir").has_value());
}

TEST_CASE("a form published while serving is used for validation after refresh") {
  TestDb t;
  auto v = make_payload_validator("");
  REQUIRE(v.has_value());
  auto& validator = **v;
  CHECK(validator.validate("pilot_form", 1, json{{"x", 1}}).empty());

  const json definition = {
      {"id", "pilot_form"},
      {"version", 1},
      {"title", {{"en", "Pilot"}}},
      {"fields", json::array({json{{"name", "answer"}, {"type", "text"}, {"required", true}, {"label", {{"en", "Answer"}}}}})}};
  auto published = publish(*t.db, "form", definition, "", publish_definition_check());
  REQUIRE_MESSAGE(published.has_value(), (published.has_value() ? "" : published.error().message));
  auto lease = t.db->acquire();
  REQUIRE(lease.has_value());
  validator.refresh(**lease);
  CHECK(mentions(validator.validate("pilot_form", 1, json::object()), "answer"));
  CHECK(validator.validate("pilot_form", 1, json{{"answer", "yes"}}).empty());

  // publish runs the forms parser: a broken definition never reaches kiosks.
  json broken = definition;
  broken["fields"][0]["type"] = "hologram";
  CHECK_FALSE(publish(*t.db, "form", broken, "", publish_definition_check()).has_value());
}
