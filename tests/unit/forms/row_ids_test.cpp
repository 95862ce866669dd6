// Repeat rows carry stable ids (`_row`) so that two kiosks' edits of one list merge row by row.
#include <doctest/doctest.h>

#include "tests/unit/forms/sample_form.hpp"
#include "ws/forms/session.hpp"
#include "ws/forms/validate.hpp"
#include "ws/ids.hpp"
#include "ws/merge.hpp"

using namespace ws::forms;
using nlohmann::json;

namespace {

FormSession family_session() {
  FormSession s(sample::definition(), SessionOptions{sample::kToday});
  REQUIRE(s.set_answer("full_name", "Amina"));
  REQUIRE(s.set_answer("age", 30));
  REQUIRE(s.next());
  REQUIRE(s.set_answer("arrival", "2020-03-01"));
  REQUIRE(s.next());
  REQUIRE(s.set_answer("family", true));
  return s;
}

std::vector<std::string> row_ids(const json& answers) {
  std::vector<std::string> ids;
  for (const auto& row : answers.at("members")) ids.push_back(row.at(ws::kRowIdKey).get<std::string>());
  return ids;
}

}  // namespace

TEST_CASE("a row added in a session gets a UUIDv7 id that edits, drafts, removals and finish keep") {
  auto s = family_session();
  REQUIRE(s.add_item("members"));
  REQUIRE(s.add_item("members"));
  REQUIRE(s.add_item("members"));
  auto ids = row_ids(s.answers());
  REQUIRE(ids.size() == 3);
  for (const auto& id : ids) CHECK(ws::is_uuid(id));
  CHECK(ids[0] != ids[1]);
  CHECK(ids[1] != ids[2]);
  CHECK(ids[0] < ids[1]);  // UUIDv7: the order rows were added in

  REQUIRE(s.set_answer("members.0.member_name", "Sara"));
  REQUIRE(s.set_answer("members.0.member_minor", true));
  REQUIRE(s.set_answer("members.1.member_name", "Ali"));
  REQUIRE(s.set_answer("members.1.member_minor", false));
  REQUIRE(s.set_answer("members.2.member_name", "Omar"));
  REQUIRE(s.set_answer("members.2.member_minor", false));
  CHECK(row_ids(s.answers()) == ids);

  // Removing a row leaves the others with their ids.
  REQUIRE(s.remove_item("members", 1));
  CHECK(row_ids(s.answers()) == std::vector<std::string>{ids[0], ids[2]});

  // Through a draft (as stored on disk) and back.
  const json draft = json::parse(s.save_draft().dump());
  auto resumed = FormSession::from_draft(sample::definition(), draft, SessionOptions{sample::kToday});
  REQUIRE(resumed);
  CHECK(row_ids(resumed->answers()) == std::vector<std::string>{ids[0], ids[2]});
  REQUIRE(resumed->set_answer("members.1.member_name", "Omar K."));
  CHECK(row_ids(resumed->answers()) == std::vector<std::string>{ids[0], ids[2]});

  // The finished payload holds the ids, and validation accepts them.
  REQUIRE(resumed->set_answer("agree", true));
  auto done = resumed->finish();
  REQUIRE(done.ok);
  CHECK(row_ids(done.answers) == std::vector<std::string>{ids[0], ids[2]});
  CHECK(ws::is_row_list(done.answers["members"]));
  CHECK(validate(sample::definition(), done.answers, ValidationOptions{sample::kToday, 100}).empty());

  // Editing the stored record later keeps the ids; a new row gets a new one.
  auto edit = FormSession::edit(sample::definition(), done.answers, SessionOptions{sample::kToday});
  REQUIRE(edit);
  REQUIRE(edit->set_answer("members.0.member_name", "Sara M."));
  REQUIRE(edit->add_item("members"));
  auto after = row_ids(edit->answers());
  REQUIRE(after.size() == 3);
  CHECK(after[0] == ids[0]);
  CHECK(after[1] == ids[2]);
  CHECK(after[2] > ids[2]);
}

TEST_CASE("rows of older records keep having no id: they merge as one value, as before") {
  auto answers = sample::valid_answers();
  auto edit = FormSession::edit(sample::definition(), answers, SessionOptions{sample::kToday});
  REQUIRE(edit);
  REQUIRE(edit->set_answer("members.0.member_name", "Sara M."));
  CHECK_FALSE(edit->answers()["members"][0].contains(ws::kRowIdKey));
  CHECK_FALSE(ws::is_row_list(edit->answers()["members"]));
  CHECK(validate(sample::definition(), answers, ValidationOptions{sample::kToday, 100}).empty());
}
