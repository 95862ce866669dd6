// Hostile nesting found by fuzzing (tests/fuzz): copying a JSON value recurses once per level,
// so definitions and typed answers deeper than a record payload may be are refused first.
#include <doctest/doctest.h>

#include <string>

#include "tests/unit/forms/sample_form.hpp"
#include "ws/envelope.hpp"
#include "ws/forms/input.hpp"

using namespace ws::forms;
using nlohmann::json;

namespace {

std::string nested_arrays(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST_CASE("a definition deeper than a payload may be is refused before it is copied") {
  json def = sample::definition_json();
  def["comment"] = json::parse(nested_arrays(kMaxDefinitionDepth));  // one level under the top
  auto refused = parse_definition(def);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("nested more than") != std::string::npos);

  // Deep enough to overflow the stack when copied (the fuzzer's stack-overflow input).
  def["comment"] = json::parse(nested_arrays(200000));
  CHECK_FALSE(parse_definition(def));

  def["comment"] = json::parse(nested_arrays(kMaxDefinitionDepth - 1));
  CHECK(parse_definition(def));
}

TEST_CASE("a repeat group typed as JSON deeper than a payload may be is refused") {
  const auto def = sample::definition();
  const Field& members = *def.find_field("members");
  auto refused = answer_from_text(members, nested_arrays(ws::EnvelopeLimits{}.max_depth + 1));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == "wrong_type");
  CHECK(answer_from_text(members, "[{}]"));
}
