#include <doctest/doctest.h>

#include "tests/unit/forms/sample_form.hpp"
#include "ws/forms/input.hpp"

using namespace ws::forms;
using nlohmann::json;

TEST_CASE("typed text becomes the answer's JSON shape") {
  const auto def = sample::definition();
  auto field = [&](const char* name) -> const Field& { return *def.find_field(name); };
  CHECK(*answer_from_text(field("full_name"), "  Amina ") == "Amina");
  CHECK(answer_from_text(field("full_name"), "   ")->is_null());
  CHECK(*answer_from_text(field("age"), "30") == 30);
  CHECK(answer_from_text(field("age"), "30")->is_number_integer());
  CHECK(*answer_from_text(field("amount"), "1250.5") == 1250.5);
  CHECK(answer_from_text(field("age"), "thirty").error().code == "wrong_type");
  CHECK(answer_from_text(field("age"), "30 years").error().code == "wrong_type");
  CHECK(*answer_from_text(field("family"), "Yes") == true);
  CHECK(*answer_from_text(field("family"), "false") == false);
  CHECK_FALSE(answer_from_text(field("family"), "maybe"));
  CHECK(*answer_from_text(field("needs"), "medical, pregnancy") == json::array({"medical", "pregnancy"}));
  CHECK(*answer_from_text(field("needs"), "medical,,") == json::array({"medical"}));
  CHECK(*answer_from_text(field("arrival"), "2020-03-01") == "2020-03-01");
  CHECK(*answer_from_text(field("members"), R"([{"member_name": "Sara", "member_minor": true}])") ==
        json::parse(R"([{"member_name": "Sara", "member_minor": true}])"));
  CHECK_FALSE(answer_from_text(field("members"), "Sara"));
  CHECK(answer_from_text(field("intro"), "x").error().code == "not_answerable");
  CHECK(*answer_from_text(field("story"), "line one\nline two\n") == "line one\nline two\n");
}

TEST_CASE("answers read back as text for listings") {
  const auto def = sample::definition();
  auto field = [&](const char* name) -> const Field& { return *def.find_field(name); };
  CHECK(answer_to_text(field("family"), true) == "yes");
  CHECK(answer_to_text(field("needs"), json::array({"medical", "pregnancy"})) == "medical, pregnancy");
  CHECK(answer_to_text(field("signature"), sample::kSignature) == "[signature]");
  CHECK(answer_to_text(field("members"), json::array({json::object(), json::object()})) == "2 entries");
  CHECK(answer_to_text(field("age"), 30) == "30");
  CHECK(answer_to_text(field("full_name"), "Amina") == "Amina");
  CHECK(answer_to_text(field("full_name"), nullptr).empty());
}
