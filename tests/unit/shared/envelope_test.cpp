#include <doctest/doctest.h>

#include "ws/envelope.hpp"
#include "ws/ids.hpp"

namespace {
ws::Envelope sample() {
  ws::Envelope e;
  e.id = ws::new_uuid_v7();
  e.kind = "intake";
  e.centre = "OSL-1";
  e.version = ws::Version{ws::Hlc{1'700'000'000'000, 2}, "dev-1"};
  e.payload = {{"name_latin", "Ahmad"}, {"name_native", "احمد"}, {"age", 34}};
  e.field_versions["age"] = ws::Version{ws::Hlc{1'700'000'000'000, 1}, "dev-1"};
  return e;
}
}  // namespace

TEST_CASE("envelope round trips through JSON") {
  auto e = sample();
  e.deleted = true;
  e.schema_version = 3;
  e.base_version = ws::Version{ws::Hlc{1'600'000'000'000, 0}, "srv"};
  auto back = ws::envelope_from_json(nlohmann::json::parse(ws::to_json(e).dump()));
  REQUIRE(back);
  CHECK(back->id == e.id);
  CHECK(back->kind == e.kind);
  CHECK(back->centre == e.centre);
  CHECK(back->version == e.version);
  CHECK(back->deleted);
  CHECK(back->schema_version == 3);
  CHECK(back->payload == e.payload);
  // Fields without an entry were written at the record's version; the parse says so explicitly.
  auto expected = e.field_versions;
  for (const auto& [field, _] : e.payload.items()) expected.try_emplace(field, e.version);
  CHECK(back->field_versions == expected);
  CHECK(back->base_version == e.base_version);
  CHECK(back->field_version("name_latin") == e.version);
}

TEST_CASE("envelope rejects malformed input with a message naming the field") {
  const auto good = ws::to_json(sample());
  struct Case {
    const char* name;
    std::function<void(nlohmann::json&)> spoil;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"not an object", [](auto& j) { j = nlohmann::json::array(); }, "object"},
      {"missing id", [](auto& j) { j.erase("id"); }, "'id'"},
      {"id not a uuid", [](auto& j) { j["id"] = "1 OR 1=1"; }, "'id'"},
      {"kind wrong type", [](auto& j) { j["kind"] = 5; }, "'kind'"},
      {"kind with spaces", [](auto& j) { j["kind"] = "in take"; }, "'kind'"},
      {"empty centre", [](auto& j) { j["centre"] = ""; }, "'centre'"},
      {"bad version", [](auto& j) { j["version"] = "yesterday"; }, "'version'"},
      {"payload array", [](auto& j) { j["payload"] = nlohmann::json::array(); }, "'payload'"},
      {"deleted as string", [](auto& j) { j["deleted"] = "no"; }, "'deleted'"},
      {"schema version zero", [](auto& j) { j["schema_version"] = 0; }, "'schema_version'"},
      {"extra field", [](auto& j) { j["owner"] = "me"; }, "'owner'"},
      {"field version from the future",
       [](auto& j) { j["field_versions"]["age"] = "ffffffffffff0-00000000@dev-1"; }, "'field_versions.age'"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto j = good;
    c.spoil(j);
    auto r = ws::envelope_from_json(j);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "invalid_envelope");
    CHECK(r.error().message.find(c.field) != std::string::npos);
  }
}

TEST_CASE("envelope refuses oversize and deeply nested payloads") {
  auto j = ws::to_json(sample());
  j["payload"]["notes"] = std::string(300 * 1024, 'x');
  auto big = ws::envelope_from_json(j);
  REQUIRE_FALSE(big);
  CHECK(big.error().message.find("too large") != std::string::npos);

  nlohmann::json deep = 1;
  for (int i = 0; i < 100; ++i) deep = nlohmann::json::array({deep});
  j = ws::to_json(sample());
  j["payload"]["deep"] = deep;
  auto nested = ws::envelope_from_json(j);
  REQUIRE_FALSE(nested);
  CHECK(nested.error().message.find("nested") != std::string::npos);
}

TEST_CASE("json_depth counts levels") {
  CHECK(ws::json_depth(nlohmann::json(1)) == 1);
  CHECK(ws::json_depth(nlohmann::json::parse(R"({"a":[1,{"b":2}]})")) == 4);
}

TEST_CASE("the consuming parse takes the payload, hands back its text, and leaves a refused record whole") {
  auto e = sample();
  nlohmann::json j = ws::to_json(e);
  std::string text;
  auto parsed = ws::envelope_from_json(std::move(j), ws::EnvelopeLimits{}, &text);
  REQUIRE(parsed);
  CHECK(parsed->payload == e.payload);
  CHECK(text == e.payload.dump());

  nlohmann::json bad = ws::to_json(e);
  bad["field_versions"]["age"] = "not a version";
  const nlohmann::json before = bad;
  CHECK_FALSE(ws::envelope_from_json(std::move(bad), ws::EnvelopeLimits{}, &text));
  CHECK(bad == before);  // NOLINT(bugprone-use-after-move): a refused record is left as it was
}

TEST_CASE("field_versions_json writes what to_json writes, escaping odd field names") {
  auto e = sample();
  e.field_versions["name_latin"] = e.version;
  e.field_versions["quote\"and\\slash"] = e.version;
  e.field_versions["ændring"] = e.version;
  CHECK(ws::field_versions_json(e.field_versions) == ws::to_json(e)["field_versions"].dump());
  CHECK(ws::field_versions_json({}) == "{}");
}
