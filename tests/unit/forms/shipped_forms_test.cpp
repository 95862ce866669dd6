#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/unit/forms/sample_form.hpp"
#include "ws/forms/form.hpp"
#include "ws/forms/session.hpp"

using namespace ws::forms;
using nlohmann::json;
using sample::codes;

namespace {

const std::string kFormsDir = std::string(WS_SOURCE_ASSETS_DIR) + "/forms";
const char* kToday = "2025-03-10";

const FormRegistry& shipped() {
  static const FormRegistry registry = [] {
    FormRegistry r;
    auto loaded = r.load_directory(kFormsDir);
    REQUIRE_MESSAGE(loaded, (loaded ? "" : loaded.error().message));
    return r;
  }();
  return registry;
}

const FormDefinition& form(const char* id) {
  const FormDefinition* def = shipped().find(id);
  REQUIRE_MESSAGE(def, id);
  return *def;
}

std::vector<FieldError> check(const char* id, const json& answers) {
  ValidationOptions options;
  options.today = kToday;
  return validate(form(id), answers, options);
}

void expect_valid(const char* id, const json& answers) {
  auto errors = check(id, answers);
  CHECK_MESSAGE(errors.empty(), (std::string(id) + ": " + codes(errors)));
}

void expect_errors(const char* id, const json& answers, const std::string& expected) {
  auto errors = check(id, answers);
  CHECK_MESSAGE(codes(errors) == expected, std::string(id));
}

const std::string kSignature = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

json intake_answers() {
  return json::parse(R"({
    "interview_date": "2025-03-03", "name_latin": "Ahmad Rahimi", "name_native": "احمد رحیمی",
    "sex": "male", "date_of_birth_known": true, "date_of_birth": "1991-07-14", "nationality": "Afghanistan",
    "languages": ["prs", "ps"], "interpreter_needed": true, "interpreter_language": "prs",
    "legal_status": "asylum_rejected", "arrival_date": "2022-11-02",
    "documents_held": ["national_id", "birth_certificate"], "documents_notes": "Tazkira at home in Herat",
    "return_country": "Afghanistan", "return_region": "Herat",
    "family_travelling": true,
    "family_members": [
      {"name": "Mariam Rahimi", "relationship": "spouse", "member_sex": "female", "member_date_of_birth": "1994-02-01"},
      {"name": "Omid Rahimi", "relationship": "child", "member_date_of_birth": "2019-09-30", "member_needs": "school place"}
    ],
    "vulnerabilities": ["medical"], "medical_needs": "Insulin; needs supply for the journey",
    "reintegration_interests": ["business", "medical"], "interests_notes": "Worked as a tailor for ten years",
    "_case_id": "01956b2a-3c4d-7e5f-8a9b-0c1d2e3f4a5b"
  })");
}

}  // namespace

TEST_CASE("every file in assets/forms parses, and each record kind has a form") {
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kFormsDir)) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    std::ifstream in(entry.path());
    auto j = json::parse(in, nullptr, false);
    REQUIRE_MESSAGE(!j.is_discarded(), entry.path().string());
    auto def = parse_definition(j);
    CHECK_MESSAGE(def, (entry.path().filename().string() + ": " + (def ? "" : def.error().message)));
    if (def) CHECK_MESSAGE(entry.path().stem() == def->id, "file name matches the form id");
  }
  CHECK(files == 6);
  for (const char* id : {"case", "intake", "counselling", "reintegration", "consent", "appointment"}) {
    CAPTURE(id);
    CHECK(shipped().find(id) != nullptr);
    CHECK(shipped().versions(id) == std::vector<int>{1});
  }
}

TEST_CASE("every non-English text is declared a machine draft for review") {
  for (const auto& id : shipped().form_ids()) {
    const FormDefinition& def = *shipped().find(id);
    for (const auto& [lang, note] : def.translation_status) {
      CAPTURE(id);
      CAPTURE(lang);
      CHECK(note.find("machine draft") != std::string::npos);
    }
  }
}

TEST_CASE("the forms migrants read are complete in all eight languages") {
  for (const char* id : {"appointment", "consent"}) {
    const FormDefinition& def = form(id);
    std::vector<const LocalizedText*> texts = {&def.title};
    for (const auto& p : def.pages) texts.push_back(&p.title);
    for (const auto& f : def.fields) {
      texts.push_back(&f.label);
      if (!f.hint.empty()) texts.push_back(&f.hint);
      if (!f.constraint_message.empty()) texts.push_back(&f.constraint_message);
      for (const auto& c : f.choices) texts.push_back(&c.label);
    }
    for (const LocalizedText* t : texts)
      for (const char* lang : kKnownLanguages) {
        CAPTURE(id);
        CAPTURE(t->pick("en").text);
        CHECK_MESSAGE(t->has(lang), lang);
      }
  }
}

TEST_CASE("amounts are plain numbers with a currency, never prefilled, with an honest hint") {
  const FormDefinition& def = form("reintegration");
  int amounts = 0;
  for (const auto& f : def.fields) {
    if (f.name.size() < 7 || f.name.compare(f.name.size() - 7, 7, "_amount") != 0) continue;
    ++amounts;
    CAPTURE(f.name);
    CHECK(f.type == FieldType::Number);
    CHECK(f.min == 0.0);
    CHECK(f.hint.pick("en").text.find("set by the programme") != std::string::npos);
    const std::string prefix = f.name.substr(0, f.name.size() - 7);
    const Field* currency = def.find_field(prefix + "_currency");
    REQUIRE(currency);
    CHECK(currency->required_if);
  }
  CHECK(amounts == 6);
  // A new plan starts with no figures at all.
  FormSession session(def, SessionOptions{kToday});
  for (const auto& [key, value] : session.answers().items()) CHECK_MESSAGE(value.is_null(), key);
}

TEST_CASE("case: a realistic case validates - a broken one names the fields") {
  const json good = {{"case_number", "OSL-2025-0042"}, {"name_latin", "Ahmad Rahimi"}, {"name_native", "احمد رحیمی"},
                     {"status", "considering"},      {"counsellor", "01956b2a-0000-7000-8000-000000000001"},
                     {"date_opened", "2025-03-03"}};
  expect_valid("case", good);
  expect_valid("case", {{"case_number", "C1"}, {"name_latin", "A B"}, {"status", "open"}});
  json bad = good;
  bad["case_number"] = "OSL 2025";
  bad["status"] = "pending";
  bad.erase("name_latin");
  bad["date_opened"] = "2025-04-01";
  expect_errors("case", bad, "case_number:pattern name_latin:required status:invalid_choice date_opened:in_future");
}

TEST_CASE("intake: a realistic interview validates - broken answers fail at the right paths") {
  expect_valid("intake", intake_answers());

  // Date of birth unknown: the age is asked instead.
  json a = intake_answers();
  a["date_of_birth_known"] = false;
  a.erase("date_of_birth");
  a["age_years"] = 33;
  expect_valid("intake", a);

  json bad = intake_answers();
  bad["date_of_birth_known"] = false;  // date_of_birth is now stale, and the age is missing
  bad["arrival_date"] = "1980-01-01";
  bad["family_members"][1].erase("relationship");
  bad["family_members"][0]["member_sex"] = "woman";
  bad["vulnerabilities"] = json::array({"none", "medical"});
  bad["interpreter_language"] = "klingon";
  expect_errors("intake", bad,
                "date_of_birth:not_relevant age_years:required interpreter_language:invalid_choice "
                "family_members.0.member_sex:invalid_choice family_members.1.relationship:required "
                "vulnerabilities:exclusive_choice");

  bad = intake_answers();
  bad["arrival_date"] = "1990-01-01";  // before the date of birth
  bad["family_travelling"] = false;    // the list is stale
  bad["languages"] = json::array({"prs", "other"});
  expect_errors("intake", bad,
                "languages_other:required arrival_date:constraint family_members:not_relevant");
  auto errors = check("intake", bad);
  CHECK(errors[1].message == "The arrival date cannot be before the date of birth.");
}

TEST_CASE("counselling: a realistic session validates - broken answers fail at the right paths") {
  const json good = json::parse(R"({
    "session_date": "2025-03-05", "duration_minutes": 45, "language": "prs", "interpreter_used": true,
    "interpreter_mode": "phone", "topics": ["return_procedure", "reintegration_support", "medical"],
    "questions_asked": "Can the family travel together?", "information_given": "Explained the steps of the application.",
    "decision": "considering", "next_steps": "Bring documents", "follow_up_date": "2025-03-19",
    "_case_id": "01956b2a-3c4d-7e5f-8a9b-0c1d2e3f4a5b", "_counsellor": "01956b2a-0000-7000-8000-000000000001"
  })");
  expect_valid("counselling", good);
  json bad = good;
  bad["duration_minutes"] = 0;
  bad["interpreter_used"] = false;  // the mode is stale
  bad["follow_up_date"] = "2025-03-01";
  bad["topics"] = json::array();
  expect_errors("counselling", bad,
                "duration_minutes:too_small interpreter_mode:not_relevant topics:required follow_up_date:constraint");
  bad = good;
  bad["decision"] = "declined";  // no follow-up for a declined offer
  expect_errors("counselling", bad, "follow_up_date:not_relevant");
}

TEST_CASE("reintegration: a realistic plan validates - an amount without currency fails") {
  const json good = json::parse(R"({
    "plan_date": "2025-03-07",
    "travel_included": true, "travel_notes": "Escort to Kabul; amount pending approval",
    "business_included": true, "business_amount": 2500, "business_currency": "eur", "business_notes": "Tailoring workshop",
    "cash_included": false, "housing_included": false, "education_included": false,
    "medical_included": true, "medical_notes": "Insulin for three months",
    "_case_id": "01956b2a-3c4d-7e5f-8a9b-0c1d2e3f4a5b"
  })");
  expect_valid("reintegration", good);
  json bad = good;
  bad.erase("business_currency");
  bad["cash_amount"] = 500;  // cash is not part of this plan
  bad["medical_amount"] = -10;
  expect_errors("reintegration", bad,
                "business_currency:required cash_amount:not_relevant medical_amount:too_small medical_currency:required");
}

TEST_CASE("consent: a signed consent validates, withdrawal is checked against the signature date") {
  json good = {{"information_language", "prs"},
               {"interpreter_used", true},
               {"understood", true},
               {"consent_case_processing", true},
               {"consent_share_return_office", true},
               {"consent_follow_up", false},
               {"signed_by", "self"},
               {"signatory_name", "Ahmad Rahimi"},
               {"signature", kSignature},
               {"signature_date", "2025-03-03"}};
  expect_valid("consent", good);
  json withdrawn = good;
  withdrawn["withdrawn"] = true;
  withdrawn["withdrawal_scope"] = json::array({"share_return_office"});
  withdrawn["withdrawal_date"] = "2025-03-08";
  expect_valid("consent", withdrawn);

  json bad = withdrawn;
  bad["understood"] = false;
  bad["signature"] = "data:image/gif;base64,R0lGODlh";
  bad["withdrawal_date"] = "2025-03-01";
  bad["withdrawal_scope"] = json::array({"everything"});
  expect_errors("consent", bad,
                "understood:constraint signature:invalid_signature withdrawal_scope:invalid_choice "
                "withdrawal_date:constraint");
  bad = good;
  bad.erase("signature");
  bad["withdrawn"] = true;
  expect_errors("consent", bad, "signature:required withdrawal_scope:required withdrawal_date:required");
}

TEST_CASE("appointment: a migrant's request validates - consent to contact must be yes") {
  const json good = {{"name", "Saba Tesfay"}, {"preferred_language", "ti"}, {"phone", "+47 912 34 567"}, {"consent_contact", true}};
  expect_valid("appointment", good);
  expect_valid("appointment", {{"name", "هاشم"}, {"preferred_language", "ps"}, {"phone", "۰۷۹۹ ۱۲۳ ۴۵۶"}, {"consent_contact", true}});
  expect_valid("appointment", {{"name", "Olena"}, {"preferred_language", "other"}, {"other_language", "Polish"},
                               {"consent_contact", true}});
  json bad = good;
  bad["consent_contact"] = false;
  bad["phone"] = "call me at the camp";
  bad["preferred_language"] = "other";
  expect_errors("appointment", bad, "other_language:required phone:pattern consent_contact:constraint");
  auto errors = check("appointment", bad);
  const Field* consent = form("appointment").find_field("consent_contact");
  CHECK(consent->constraint_message_for("ti").lang == "ti");
  CHECK(errors.back().message.find("only arrange a meeting") != std::string::npos);
}

TEST_CASE("a migrant can fill in the appointment form through a session") {
  FormSession s(form("appointment"), SessionOptions{kToday});
  REQUIRE(s.set_answer("name", "Saba Tesfay"));
  REQUIRE(s.set_answer("preferred_language", "other"));
  CHECK(s.is_relevant("other_language"));
  REQUIRE(s.set_answer("other_language", "Bilen"));
  REQUIRE(s.set_answer("preferred_language", "ti"));
  CHECK(s.answer("other_language").is_null());
  REQUIRE(s.set_answer("consent_contact", false));
  auto blocked = s.finish();
  CHECK_FALSE(blocked.ok);
  CHECK(codes(blocked.errors) == "consent_contact:constraint");
  REQUIRE(s.set_answer("consent_contact", true));
  auto done = s.finish();
  REQUIRE(done.ok);
  CHECK(done.answers == json{{"name", "Saba Tesfay"}, {"preferred_language", "ti"}, {"consent_contact", true}});
}
