#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "tests/unit/forms/sample_form.hpp"
#include "ws/forms/date.hpp"

using namespace ws::forms;
using nlohmann::json;
using sample::check;
using sample::codes;

namespace {
bool has(const std::vector<FieldError>& errors, const std::string& field, const std::string& code) {
  return std::any_of(errors.begin(), errors.end(), [&](const FieldError& e) { return e.field == field && e.code == code; });
}
#define CHECK_ONLY(errors, field, code)                                          \
  do {                                                                           \
    auto errs_ = (errors);                                                       \
    CAPTURE(codes(errs_));                                                       \
    CHECK(errs_.size() == 1);                                                    \
    CHECK(has(errs_, field, code));                                              \
  } while (0)
}  // namespace

TEST_CASE("a realistic complete answer set is valid") {
  const auto def = sample::definition();
  auto errors = check(def, sample::valid_answers());
  CAPTURE(codes(errors));
  CHECK(errors.empty());
}

TEST_CASE("the answers must be an object") {
  const auto def = sample::definition();
  CHECK_ONLY(check(def, json::array()), "", "not_object");
  CHECK_ONLY(check(def, "text"), "", "not_object");
}

TEST_CASE("required answers: missing, null and blank count as unanswered") {
  const auto def = sample::definition();
  auto a = sample::valid_answers();
  a.erase("full_name");
  CHECK_ONLY(check(def, a), "full_name", "required");
  a["full_name"] = nullptr;
  CHECK_ONLY(check(def, a), "full_name", "required");
  a["full_name"] = "   ";
  CHECK_ONLY(check(def, a), "full_name", "required");
  a = sample::valid_answers();
  a.erase("family");
  // family is required; without it the members group does not apply and its answer is stale.
  auto errors = check(def, a);
  CHECK(has(errors, "family", "required"));
  CHECK(has(errors, "members", "not_relevant"));
  // Optional questions may stay unanswered.
  a = sample::valid_answers();
  a.erase("story");
  a["sex"] = nullptr;
  CHECK(check(def, a).empty());
}

TEST_CASE("text: type, length in characters, pattern, control characters, UTF-8") {
  const auto def = sample::definition();
  auto with = [&](json v) {
    auto a = sample::valid_answers();
    a["full_name"] = std::move(v);
    return check(def, a);
  };
  CHECK_ONLY(with(42), "full_name", "wrong_type");
  CHECK_ONLY(with("A"), "full_name", "too_short");
  CHECK_ONLY(with(std::string(21, 'x')), "full_name", "too_long");
  CHECK(with("عبدالرحمن محمدی احمدی").empty() == false);  // 21 characters
  CHECK(with("عبدالرحمن احمدی").empty());               // multi-byte, but 15 characters
  CHECK_ONLY(with("Agent 007"), "full_name", "pattern");
  CHECK_ONLY(with("Am\x01ina"), "full_name", "invalid_text");
  CHECK_ONLY(with("Am\nina"), "full_name", "invalid_text");  // newlines only in long text
  CHECK_ONLY(with(std::string("Am\xC3\x28ina")), "full_name", "invalid_text");
  CHECK_ONLY(with(std::string(1'000'000, 'x')), "full_name", "too_long");
  auto a = sample::valid_answers();
  a["story"] = std::string(51, 'x');
  CHECK_ONLY(check(def, a), "story", "too_long");
  a["story"] = "first\r\nsecond\tend";
  CHECK(check(def, a).empty());
}

TEST_CASE("numbers: type, whole numbers, range") {
  const auto def = sample::definition();
  auto with = [&](json v) {
    auto a = sample::valid_answers();
    a["age"] = std::move(v);
    return check(def, a);
  };
  CHECK_ONLY(with("30"), "age", "wrong_type");
  CHECK_ONLY(with(true), "age", "wrong_type");
  CHECK_ONLY(with(30.5), "age", "not_integer");
  CHECK(with(30.0).empty());
  // An invalid age still drives skip logic: -1 < 18 makes the guardian question apply.
  auto negative = with(-1);
  CHECK(has(negative, "age", "too_small"));
  CHECK(has(negative, "guardian", "required"));
  CHECK_ONLY(with(121), "age", "too_large");
  auto errors = with(121);
  CHECK(errors[0].message == "must be at most 120");
  auto a = sample::valid_answers();
  a["amount"] = 1250.75;
  CHECK(check(def, a).empty());
}

TEST_CASE("dates: real calendar dates, bounds and not in the future") {
  const auto def = sample::definition();
  auto with = [&](json v) {
    auto a = sample::valid_answers();
    a["arrival"] = std::move(v);
    return check(def, a);
  };
  CHECK(with("2024-02-29").empty());
  CHECK_ONLY(with("2023-02-29"), "arrival", "invalid_date");
  CHECK_ONLY(with("01.03.2020"), "arrival", "invalid_date");
  CHECK_ONLY(with(20200301), "arrival", "invalid_date");
  CHECK_ONLY(with("1999-12-31"), "arrival", "too_early");
  CHECK(with("2024-06-15").empty());  // today
  CHECK_ONLY(with("2024-06-16"), "arrival", "in_future");
}

TEST_CASE("the server's default 'today' never rejects a date that is today somewhere") {
  const auto def = sample::definition();
  auto a = sample::valid_answers();
  a["arrival"] = today_local();
  CHECK(validate(def, a).empty());
}

TEST_CASE("single and multiple choice: known values, duplicates, exclusive choices, counts") {
  const auto def = sample::definition();
  auto a = sample::valid_answers();
  a["sex"] = "unknown";
  CHECK_ONLY(check(def, a), "sex", "invalid_choice");
  a["sex"] = json::array({"female"});
  CHECK_ONLY(check(def, a), "sex", "wrong_type");

  auto needs = [&](json v) {
    auto b = sample::valid_answers();
    b["needs"] = std::move(v);
    if (!b["needs"].is_array() || std::find(b["needs"].begin(), b["needs"].end(), "medical") == b["needs"].end())
      b.erase("medical_details");
    return check(def, b);
  };
  CHECK(needs(json::array({"medical", "pregnancy"})).empty());
  CHECK_ONLY(needs("medical"), "needs", "wrong_type");
  CHECK_ONLY(needs(json::array({"medical", 3})), "needs", "wrong_type");
  CHECK_ONLY(needs(json::array({"flying"})), "needs", "invalid_choice");
  CHECK_ONLY(needs(json::array({"pregnancy", "pregnancy"})), "needs", "duplicate_choice");
  CHECK_ONLY(needs(json::array({"none", "pregnancy"})), "needs", "exclusive_choice");
  CHECK(needs(json::array({"none"})).empty());
  CHECK_ONLY(needs(json::array({"none", "medical", "pregnancy"})), "needs", "exclusive_choice");
  CHECK(needs(json::array()).empty());  // an empty list is unanswered, and needs is optional
}

TEST_CASE("yes/no answers are booleans") {
  const auto def = sample::definition();
  auto a = sample::valid_answers();
  a["family"] = "yes";
  auto errors = check(def, a);
  CHECK(has(errors, "family", "wrong_type"));
}

TEST_CASE("constraints use the field's message and '.' for its value") {
  const auto def = sample::definition();
  auto a = sample::valid_answers();
  a["agree"] = false;
  auto errors = check(def, a);
  CHECK_ONLY(errors, "agree", "constraint");
  CHECK(errors[0].message == "You must agree");
}

TEST_CASE("conditional required: a currency is needed once an amount is given") {
  const auto def = sample::definition();
  auto a = sample::valid_answers();
  a.erase("currency");
  CHECK_ONLY(check(def, a), "currency", "required");
  a.erase("amount");
  CHECK(check(def, a).empty());
}

TEST_CASE("relevance chains: a question depending on one that does not apply does not apply either") {
  const auto def = sample::definition();
  auto a = sample::valid_answers();
  // A minor needs a guardian; the guardian's phone applies once a guardian is named.
  a["age"] = 15;
  CHECK_ONLY(check(def, a), "guardian", "required");
  a["guardian"] = "Fatima";
  a["guardian_phone"] = "+47 912 34 567";
  CHECK(check(def, a).empty());
  // Now an adult: both answers are stale, including the phone whose own condition still holds.
  a["age"] = 30;
  auto errors = check(def, a);
  CAPTURE(codes(errors));
  CHECK(errors.size() == 2);
  CHECK(has(errors, "guardian", "not_relevant"));
  CHECK(has(errors, "guardian_phone", "not_relevant"));
  // Unanswered (null) irrelevant questions are fine: that is how a session clears them.
  a["guardian"] = nullptr;
  a["guardian_phone"] = nullptr;
  CHECK(check(def, a).empty());
  // And an answer to a question that applies still has to be valid.
  a["age"] = 15;
  a["guardian"] = "Fatima";
  a["guardian_phone"] = "not a phone";
  CHECK_ONLY(check(def, a), "guardian_phone", "pattern");
}

TEST_CASE("clear_irrelevant nulls stale answers so the payload validates") {
  const auto def = sample::definition();
  auto a = sample::valid_answers();
  a["guardian"] = "Fatima";
  a["guardian_phone"] = "+47 912 34 567";
  a["members"][1]["member_school"] = "stale";
  auto cleared = clear_irrelevant(def, a, sample::kToday);
  CHECK(cleared["guardian"].is_null());
  CHECK(cleared["guardian_phone"].is_null());
  CHECK(cleared["members"][1]["member_school"].is_null());
  CHECK(cleared["members"][0]["member_school"] == "Grade 3");
  CHECK(cleared["full_name"] == "Amina");
  CHECK(check(def, cleared).empty());
}

TEST_CASE("repeat groups: items, paths, counts, relevance inside items") {
  const auto def = sample::definition();
  auto a = sample::valid_answers();
  a["members"][1].erase("member_name");
  a["members"][1]["member_school"] = "Grade 9";  // Ali is not a minor
  a["members"][0]["shoe_size"] = 38;
  a["members"][0]["_local_id"] = "m1";           // metadata is allowed in items too
  auto errors = check(def, a);
  CAPTURE(codes(errors));
  CHECK(errors.size() == 3);
  CHECK(has(errors, "members.1.member_name", "required"));
  CHECK(has(errors, "members.1.member_school", "not_relevant"));
  CHECK(has(errors, "members.0.shoe_size", "unknown_field"));

  a = sample::valid_answers();
  a["members"] = json::array();
  a.erase("members_note");
  CHECK_ONLY(check(def, a), "members", "too_few");
  a["members"] = json::array({{{"member_name", "A"}, {"member_minor", false}}, {{"member_name", "B"}, {"member_minor", false}},
                              {{"member_name", "C"}, {"member_minor", false}}, {{"member_name", "D"}, {"member_minor", false}}});
  a["members_note"] = "four";
  CHECK_ONLY(check(def, a), "members", "too_many");
  a["members"] = json::object();
  a.erase("members_note");
  CHECK(has(check(def, a), "members", "wrong_type"));
  a["members"] = json::array({"Sara"});
  CHECK_ONLY(check(def, a), "members.0", "wrong_type");
  // The group's count drives later relevance: one member, so the note about members is stale.
  a = sample::valid_answers();
  a["members"].erase(1);
  CHECK_ONLY(check(def, a), "members_note", "not_relevant");
}

TEST_CASE("signatures: a PNG data URL, base64, bounded size") {
  const auto def = sample::definition();
  auto with = [&](json v) {
    auto a = sample::valid_answers();
    a["signature"] = std::move(v);
    return check(def, a);
  };
  CHECK(with(sample::kSignature).empty());
  CHECK_ONLY(with("data:image/jpeg;base64,/9j/4AAQSkZJRg=="), "signature", "invalid_signature");
  CHECK_ONLY(with("data:image/png;base64,R0lGODlhAQABAAAAACw="), "signature", "invalid_signature");  // a GIF
  CHECK_ONLY(with("data:image/png;base64,iVBORw0KGgo<script>AA=="), "signature", "invalid_signature");
  CHECK_ONLY(with("data:image/png;base64,iVBORw0KGgoAAA"), "signature", "invalid_signature");
  CHECK_ONLY(with(std::string("data:image/png;base64,iVBORw0KGgo") + std::string(kMaxSignatureChars, 'A')), "signature",
             "invalid_signature");
  CHECK_ONLY(with(12), "signature", "wrong_type");
}

TEST_CASE("unknown keys, answers to notes and metadata") {
  const auto def = sample::definition();
  auto a = sample::valid_answers();
  a["favourite_colour"] = "blue";
  CHECK_ONLY(check(def, a), "favourite_colour", "unknown_field");
  a = sample::valid_answers();
  a["member_name"] = "Sara";  // a repeat question is not a top-level field
  CHECK_ONLY(check(def, a), "member_name", "unknown_field");
  a = sample::valid_answers();
  a["intro"] = "hello";
  CHECK_ONLY(check(def, a), "intro", "not_answerable");
  a = sample::valid_answers();
  a["_counsellor"] = "0190aaaa-0000-7000-8000-000000000001";
  CHECK(check(def, a).empty());
  a["_counsellor"] = 7;
  CHECK_ONLY(check(def, a), "_counsellor", "invalid_metadata");
  a["_counsellor"] = std::string(129, 'x');
  CHECK_ONLY(check(def, a), "_counsellor", "invalid_metadata");
  a["_counsellor"] = json::object();
  CHECK_ONLY(check(def, a), "_counsellor", "invalid_metadata");
}

TEST_CASE("error messages never repeat the answer") {
  const auto def = sample::definition();
  auto a = sample::valid_answers();
  a["full_name"] = "Secret Person 123";
  a["sex"] = "Secret Person";
  a["story"] = std::string(60, 'S');
  for (const auto& e : check(def, a)) CHECK(e.message.find("Secret") == std::string::npos);
}

TEST_CASE("hostile payloads: bounded work, no recursion into unexpected values, capped error list") {
  const auto def = sample::definition();
  // Deep nesting where a text answer is expected: refused by type, not walked.
  // Built in place and moved: nlohmann copies recursively, validate only ever reads by reference.
  json deep = json::array();
  json* innermost = &deep;
  for (int i = 0; i < 5000; ++i) innermost = &innermost->emplace_back(json::array());
  auto a = sample::valid_answers();
  a["full_name"] = std::move(deep);
  CHECK_ONLY(check(def, a), "full_name", "wrong_type");
  // A huge repeat list is refused as a whole, without checking each entry.
  a = sample::valid_answers();
  a["members"] = json::array();
  for (int i = 0; i < 100000; ++i) a["members"].push_back(json::object());
  CHECK_ONLY(check(def, a), "members", "too_many");
  // Thousands of unknown keys: the list is capped.
  a = sample::valid_answers();
  for (int i = 0; i < 5000; ++i) a["junk" + std::to_string(i)] = i;
  auto errors = check(def, a);
  CHECK(errors.size() == 101);
  CHECK(errors.back().code == "too_many_errors");
  // Keys are shortened and made printable in paths.
  a = sample::valid_answers();
  a[std::string(500, 'k') + "\n"] = 1;
  errors = check(def, a);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].field.size() <= 67);
}

TEST_CASE("errors serialise as JSON for responses") {
  const FieldError e{"members.1.name", "required", "an answer is required"};
  CHECK(to_json(e) == json{{"field", "members.1.name"}, {"code", "required"}, {"message", "an answer is required"}});
  CHECK(to_json(std::vector<FieldError>{e, e}).size() == 2);
}
