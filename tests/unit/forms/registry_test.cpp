#include <doctest/doctest.h>

#include "tests/support/temp_dir.hpp"
#include "tests/unit/forms/sample_form.hpp"

using namespace ws::forms;
using nlohmann::json;

namespace {

using ws::test::TempDir;

json version_of(int v) {
  json j = sample::definition_json();
  j["version"] = v;
  return j;
}

}  // namespace

TEST_CASE("the registry keeps every version and finds the latest by default") {
  FormRegistry r;
  REQUIRE(r.add_json(version_of(2)));
  REQUIRE(r.add_json(version_of(5)));
  REQUIRE(r.add_json(version_of(3)));
  CHECK(r.size() == 3);
  CHECK(r.versions("sample") == std::vector<int>{2, 3, 5});
  CHECK(r.form_ids() == std::vector<std::string>{"sample"});
  REQUIRE(r.find("sample"));
  CHECK(r.find("sample")->version == 5);
  CHECK(r.find("sample", 3)->version == 3);
  CHECK(r.find("sample", 4) == nullptr);
  CHECK(r.find("intake") == nullptr);
}

TEST_CASE("a registered version never changes: identical re-delivery is fine, different content refused") {
  FormRegistry r;
  REQUIRE(r.add_json(version_of(2)));
  CHECK(r.add_json(version_of(2)));
  json changed = version_of(2);
  changed["title"]["en"] = "Changed";
  auto refused = r.add_json(changed);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == "form_version_conflict");
  CHECK(r.find("sample", 2)->title_for("en").text == "Sample");
  json invalid = version_of(7);
  invalid["fields"][0]["type"] = "essay";
  auto bad = r.add_json(invalid);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("field 'intro'") != std::string::npos);
  CHECK(r.find("sample", 7) == nullptr);
}

TEST_CASE("load_directory registers valid files and names each failing file") {
  TempDir dir;
  dir.write("sample.json", sample::definition_json().dump());
  dir.write("broken.json", "{ not json");
  json no_label = sample::definition_json();
  no_label["id"] = "other";
  no_label["fields"][1].erase("label");
  dir.write("other.json", no_label.dump());
  dir.write("README.txt", "not a form");
  FormRegistry r;
  auto status = r.load_directory(dir.path());
  REQUIRE_FALSE(status);
  CHECK(status.error().message.find("broken.json: not valid JSON") != std::string::npos);
  CHECK(status.error().message.find("other.json: form 'other' field 'full_name': 'label' is required") != std::string::npos);
  CHECK(r.size() == 1);
  CHECK(r.find("sample"));

  auto missing = FormRegistry().load_directory(dir.file("nope"));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == "io_error");
}

TEST_CASE("validate_record picks the definition by kind and schema version") {
  FormRegistry r;
  REQUIRE(r.add_json(version_of(2)));
  ValidationOptions options;
  options.today = sample::kToday;
  CHECK(validate_record(r, "sample", 2, sample::valid_answers(), options).empty());
  auto unknown = validate_record(r, "sample", 9, sample::valid_answers(), options);
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].code == "unknown_form");
  CHECK(validate_record(r, "nothing", 1, json::object(), options)[0].code == "unknown_form");
}
