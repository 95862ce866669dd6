#include <doctest/doctest.h>

#include "tests/unit/forms/sample_form.hpp"
#include "ws/forms/session.hpp"

using namespace ws::forms;
using nlohmann::json;

namespace {

FormSession new_session() { return FormSession(sample::definition(), SessionOptions{sample::kToday}); }

std::vector<std::string> names(const std::vector<const Field*>& fields) {
  std::vector<std::string> out;
  for (const Field* f : fields) out.push_back(f->name);
  return out;
}

// Fills pages one and two validly, for an adult with medical needs.
void fill_first_pages(FormSession& s) {
  REQUIRE(s.set_answer("full_name", "Amina"));
  REQUIRE(s.set_answer("age", 30));
  REQUIRE(s.next());
  REQUIRE(s.set_answer("arrival", "2020-03-01"));
  REQUIRE(s.toggle_choice("needs", "medical"));
  REQUIRE(s.set_answer("medical_details", "insulin"));
  REQUIRE(s.next());
}

}  // namespace

TEST_CASE("navigation: next is blocked until the page is valid and shows its errors") {
  auto s = new_session();
  CHECK(s.page_index() == 0);
  CHECK(s.is_first_page());
  CHECK_FALSE(s.is_last_page());
  CHECK(names(s.page_fields()) == std::vector<std::string>{"intro", "full_name", "age"});
  CHECK(s.errors().empty());  // nothing shown before the person tries to move on

  CHECK_FALSE(s.next());
  CHECK(s.page_index() == 0);
  CHECK(sample::codes(s.errors()) == "full_name:required age:required");
  CHECK(s.errors_for("age").size() == 1);

  REQUIRE(s.set_answer("full_name", "Amina"));
  CHECK(sample::codes(s.errors()) == "age:required");  // errors update as they are fixed
  REQUIRE(s.set_answer("age", 15));
  CHECK(names(s.page_fields()) == std::vector<std::string>{"intro", "full_name", "age", "guardian"});
  CHECK(sample::codes(s.errors()) == "guardian:required");
  REQUIRE(s.set_answer("age", 30));
  CHECK(s.errors().empty());
  CHECK(s.next());
  CHECK(s.page_index() == 1);
  CHECK(s.errors().empty());
  CHECK(s.back());
  CHECK(s.page_index() == 0);
  CHECK_FALSE(s.back());
}

TEST_CASE("navigation: errors on later pages do not block the current one - go_to_page checks pages in between") {
  auto s = new_session();
  REQUIRE(s.set_answer("full_name", "Amina"));
  REQUIRE(s.set_answer("age", 30));
  CHECK(s.go_to_page(2));  // page two has no required questions
  CHECK(s.page_index() == 2);
  CHECK(s.is_last_page());
  CHECK_FALSE(s.next());  // family is required; and there is no page after this one
  CHECK(sample::codes(s.errors()) == "family:required agree:required");
  CHECK(s.go_to_page(0));
  REQUIRE(s.clear_answer("age"));
  CHECK_FALSE(s.go_to_page(2));
  CHECK(s.page_index() == 0);
  CHECK(sample::codes(s.errors()) == "age:required");
}

TEST_CASE("questions that stop applying are cleared, and come back if they apply again") {
  auto s = new_session();
  REQUIRE(s.set_answer("full_name", "Amina"));
  REQUIRE(s.set_answer("age", 15));
  REQUIRE(s.set_answer("guardian", "Fatima"));
  REQUIRE(s.set_answer("guardian_phone", "+47 912 34 567"));
  CHECK(s.is_relevant("guardian_phone"));

  REQUIRE(s.set_answer("age", 30));
  CHECK_FALSE(s.is_relevant("guardian"));
  CHECK_FALSE(s.is_relevant("guardian_phone"));  // a chain: depends on guardian
  CHECK(s.answer("guardian").is_null());
  CHECK(s.answer("guardian_phone").is_null());
  CHECK(s.answers().contains("guardian"));  // a null: a clearing write, should it sync
  auto refused = s.set_answer("guardian", "Someone");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == "not_relevant");

  REQUIRE(s.set_answer("age", 16));  // a slip of the finger, corrected
  CHECK(s.answer("guardian") == "Fatima");
  CHECK(s.answer("guardian_phone") == "+47 912 34 567");
}

TEST_CASE("repeat groups: add, answer by path, remove, limits, per-item relevance") {
  auto s = new_session();
  fill_first_pages(s);
  CHECK_FALSE(s.add_item("members"));  // family travelling not answered yet
  REQUIRE(s.set_answer("family", true));
  CHECK(names(s.page_fields()) == std::vector<std::string>{"family", "members", "amount", "currency", "agree", "signature"});
  auto first = s.add_item("members");
  REQUIRE(first);
  CHECK(*first == 0);
  REQUIRE(s.set_answer("members.0.member_name", "Sara"));
  REQUIRE(s.set_answer("members.0.member_minor", true));
  CHECK(s.is_relevant("members.0.member_school"));
  REQUIRE(s.set_answer("members.0.member_school", "Grade 3"));
  REQUIRE(s.add_item("members"));
  REQUIRE(s.set_answer("members.1.member_name", "Ali"));
  REQUIRE(s.set_answer("members.1.member_minor", false));
  CHECK_FALSE(s.is_relevant("members.1.member_school"));
  CHECK(s.is_relevant("members_note"));  // two members now
  REQUIRE(s.add_item("members"));
  auto fourth = s.add_item("members");
  REQUIRE_FALSE(fourth);
  CHECK(fourth.error().code == "too_many");
  CHECK(s.item_count("members") == 3);
  REQUIRE(s.remove_item("members", 2));

  CHECK_FALSE(s.set_answer("members.5.member_name", "X"));
  CHECK_FALSE(s.set_answer("members.x.member_name", "X"));
  CHECK_FALSE(s.set_answer("members.0.full_name", "X"));
  CHECK_FALSE(s.set_answer("members", json::array()));
  CHECK(s.answer("members.0.member_name") == "Sara");

  // Removing an item renumbers the others.
  REQUIRE(s.remove_item("members", 0));
  CHECK(s.answer("members.0.member_name") == "Ali");
  CHECK_FALSE(s.is_relevant("members_note"));
}

TEST_CASE("answering 'no family' hides the family list, and 'yes' brings it back") {
  auto s = new_session();
  fill_first_pages(s);
  REQUIRE(s.set_answer("family", true));
  REQUIRE(s.add_item("members"));
  REQUIRE(s.set_answer("members.0.member_name", "Sara"));
  REQUIRE(s.set_answer("family", false));
  CHECK(s.item_count("members") == 0);
  CHECK(s.answer("members").is_null());
  REQUIRE(s.set_answer("family", true));
  CHECK(s.item_count("members") == 1);
  CHECK(s.answer("members.0.member_name") == "Sara");
}

TEST_CASE("wrong shapes, notes and unknown paths are refused at once") {
  auto s = new_session();
  CHECK(s.set_answer("age", "thirty").error().code == "wrong_type");
  CHECK(s.set_answer("family", "yes").error().code == "wrong_type");
  CHECK(s.set_answer("needs", "medical").error().code == "wrong_type");
  CHECK(s.set_answer("intro", "x").error().code == "not_answerable");
  CHECK(s.set_answer("nothing", "x").error().code == "unknown_field");
  // Content rules are reported as errors, not refused: a half-typed answer can be held.
  CHECK(s.set_answer("age", 500));
  CHECK(s.answer("age") == 500);
}

TEST_CASE("toggle_choice keeps the definition's order and honours exclusive choices") {
  auto s = new_session();
  REQUIRE(s.toggle_choice("needs", "pregnancy"));
  REQUIRE(s.toggle_choice("needs", "medical"));
  CHECK(s.answer("needs") == json::array({"medical", "pregnancy"}));
  REQUIRE(s.toggle_choice("needs", "none"));
  CHECK(s.answer("needs") == json::array({"none"}));
  REQUIRE(s.toggle_choice("needs", "medical"));
  CHECK(s.answer("needs") == json::array({"medical"}));
  REQUIRE(s.toggle_choice("needs", "medical"));
  CHECK(s.answer("needs").is_null());
  CHECK(s.toggle_choice("needs", "flying").error().code == "invalid_choice");
  CHECK(s.toggle_choice("sex", "female").error().code == "wrong_type");
}

TEST_CASE("finish returns a valid payload, or the errors and the first page with one") {
  auto s = new_session();
  fill_first_pages(s);
  REQUIRE(s.set_answer("family", false));
  REQUIRE(s.set_answer("amount", 1000));
  REQUIRE(s.set_metadata("_case_id", "01900000-0000-7000-8000-000000000000"));
  CHECK_FALSE(s.set_metadata("case_id", "x"));
  CHECK_FALSE(s.set_metadata("_note", std::string(200, 'x')));

  auto blocked = s.finish();
  CHECK_FALSE(blocked.ok);
  CHECK(sample::codes(blocked.errors) == "currency:required agree:required");
  CHECK(s.page_index() == 2);

  REQUIRE(s.go_to_page(0));
  REQUIRE(s.clear_answer("full_name"));
  blocked = s.finish();
  CHECK(s.page_index() == 0);  // the first page with an error
  CHECK(sample::codes(s.errors()) == "full_name:required");
  REQUIRE(s.set_answer("full_name", "Amina"));

  REQUIRE(s.set_answer("currency", "nok"));
  REQUIRE(s.set_answer("agree", true));
  REQUIRE(s.set_answer("signature", sample::kSignature));
  auto done = s.finish();
  REQUIRE(done.ok);
  CHECK(done.errors.empty());
  CHECK(done.answers["full_name"] == "Amina");
  CHECK(done.answers["_case_id"] == "01900000-0000-7000-8000-000000000000");
  // Nulls are dropped where there was never an answer to clear.
  for (const auto& [key, value] : done.answers.items()) CHECK_MESSAGE(!value.is_null(), key);
  CHECK(sample::check(sample::definition(), done.answers).empty());
}

TEST_CASE("editing a stored record: stale answers cleared, changed fields reported, clearing writes kept") {
  auto stored = sample::valid_answers();
  stored["guardian"] = "stale";  // e.g. from a merge of concurrent edits
  auto s = FormSession::edit(sample::definition(), stored, SessionOptions{sample::kToday});
  REQUIRE(s);
  CHECK(s->answer("guardian").is_null());
  CHECK(s->changed_fields() == std::set<std::string>{"guardian"});
  REQUIRE(s->set_answer("story", "updated"));
  REQUIRE(s->clear_answer("sex"));
  CHECK(s->changed_fields() == std::set<std::string>{"guardian", "sex", "story"});
  auto done = s->finish();
  REQUIRE(done.ok);
  CHECK(done.answers.contains("sex"));
  CHECK(done.answers["sex"].is_null());  // a clearing write that replicates
  CHECK(done.answers["guardian"].is_null());

  auto bad = FormSession::edit(sample::definition(), json{{"shoe_size", 38}});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == "invalid_answers");
}

TEST_CASE("drafts save and resume answers, page, hidden answers and what changed") {
  auto s = new_session();
  REQUIRE(s.set_answer("full_name", "Amina"));
  REQUIRE(s.set_answer("age", 15));
  REQUIRE(s.set_answer("guardian", "Fatima"));
  REQUIRE(s.next());
  REQUIRE(s.set_answer("arrival", "2020-03-01"));
  REQUIRE(s.go_to_page(0));
  REQUIRE(s.set_answer("age", 30));  // guardian hidden
  REQUIRE(s.next());
  const json draft = json::parse(s.save_draft().dump());  // as stored on disk

  auto resumed = FormSession::from_draft(sample::definition(), draft, SessionOptions{sample::kToday});
  REQUIRE(resumed);
  CHECK(resumed->page_index() == 1);
  CHECK(resumed->answers() == s.answers());
  CHECK(resumed->changed_fields() == s.changed_fields());
  REQUIRE(resumed->go_to_page(0));
  REQUIRE(resumed->set_answer("age", 16));
  CHECK(resumed->answer("guardian") == "Fatima");

  auto other_version = sample::definition_json();
  other_version["version"] = 3;
  auto mismatch = FormSession::from_draft(*parse_definition(other_version), draft);
  REQUIRE_FALSE(mismatch);
  CHECK(mismatch.error().code == "draft_mismatch");
  CHECK(FormSession::from_draft(sample::definition(), json{{"draft_format", 99}}).error().code == "invalid_draft");
  json wrong_types = draft;
  wrong_types["form_version"] = "two";
  CHECK_FALSE(FormSession::from_draft(sample::definition(), wrong_types));
  json unknown_answer = draft;
  unknown_answer["answers"]["shoe_size"] = 38;
  CHECK_FALSE(FormSession::from_draft(sample::definition(), unknown_answer));
}

TEST_CASE("pages whose questions do not apply are skipped") {
  auto def = parse_definition(json::parse(R"({"id": "skip", "version": 1, "title": {"en": "Skip"},
    "pages": [{"id": "a", "title": {"en": "A"}}, {"id": "b", "title": {"en": "B"}}, {"id": "c", "title": {"en": "C"}}],
    "fields": [
      {"name": "has_documents", "type": "yes_no", "label": {"en": "Documents?"}, "required": true, "page": "a"},
      {"name": "documents", "type": "text", "label": {"en": "Which?"}, "relevant": "${has_documents} = true", "page": "b"},
      {"name": "done", "type": "yes_no", "label": {"en": "Done?"}, "page": "c"}]})"));
  REQUIRE(def);
  FormSession s(*def);
  CHECK_FALSE(s.page_is_visible(1));
  REQUIRE(s.set_answer("has_documents", false));
  REQUIRE(s.next());
  CHECK(s.page_index() == 2);
  REQUIRE(s.back());
  CHECK(s.page_index() == 0);
  REQUIRE(s.set_answer("has_documents", true));
  CHECK(s.page_is_visible(1));
  REQUIRE(s.next());
  CHECK(s.page_index() == 1);
}
