// Form validation on simdjson's DOM (the server's push path) judges exactly as on nlohmann's
// tree (the kiosk, HQ): the same errors, in the same order, with the same messages, for many
// generated payloads, valid and invalid, with their keys sent sorted or shuffled.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include <simdjson.h>

#include "tests/unit/forms/sample_form.hpp"
#include "ws/forms/form.hpp"
#include "ws/json_view.hpp"

using namespace ws::forms;
using nlohmann::json;

namespace {

const std::string kFormsDir = std::string(WS_SOURCE_ASSETS_DIR) + "/forms";

class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed) {}

  json payload(const FormDefinition& def) {
    json out = json::object();
    for (const Field& f : def.fields)
      if (pick(10) < 8) out[f.name] = answer(f);
    if (pick(4) == 0) out["_case_id"] = pick(3) == 0 ? json(42) : json(text(pick(3) == 0 ? 140 : 20));
    if (pick(8) == 0) out["not_a_field"] = "x";
    if (pick(16) == 0) out["Bad Key!"] = 1;
    return out;
  }

  // `j` as JSON text, each object's keys sorted (as kiosks send them) or shuffled.
  std::string text_of(const json& j) {
    if (j.is_array()) {
      std::string out = "[";
      for (std::size_t i = 0; i < j.size(); ++i) out += (i ? "," : "") + text_of(j[i]);
      return out + "]";
    }
    if (!j.is_object()) return j.dump();
    std::vector<std::pair<std::string, const json*>> members;
    for (const auto& [k, v] : j.items()) members.emplace_back(k, &v);
    if (pick(2) == 0) std::shuffle(members.begin(), members.end(), rng_);
    std::string out = "{";
    for (std::size_t i = 0; i < members.size(); ++i)
      out += (i ? "," : "") + json(members[i].first).dump() + ":" + text_of(*members[i].second);
    return out + "}";
  }

  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

  // An answer of the field's own type (it may still break a rule).
  json typed(const Field& f) {
    switch (f.type) {
      case FieldType::Text:
      case FieldType::LongText: return text(pick(4) == 0 ? 300 : 30);
      case FieldType::Number: {
        static const std::vector<json> numbers = {0, 17, 30, -5, 1.5, 130, 1e20, 2.0, 120, 4000000000ULL, -0.5};
        return numbers[pick(numbers.size())];
      }
      case FieldType::Date: {
        static const std::vector<std::string> dates = {"2020-03-01", "2030-01-01", "1999-12-31", "2020-02-30",
                                                       "bad", "2024-06-15", "2010-07-04", "1950-01-01"};
        return dates[pick(dates.size())];
      }
      case FieldType::SingleChoice: return choice(f);
      case FieldType::MultipleChoice: {
        json list = json::array();
        for (std::size_t i = 0, n = pick(5); i < n; ++i) list.push_back(choice(f));
        return list;
      }
      case FieldType::YesNo: return pick(2) == 0;
      case FieldType::Signature:
        return pick(3) ? json(sample::kSignature) : json(pick(2) ? "data:image/png;base64,AAAA" : "signed");
      case FieldType::Repeat: {
        json items = json::array();
        for (std::size_t i = 0, n = pick(5); i < n; ++i) {
          if (pick(10) == 0) {
            items.push_back("not an object");
            continue;
          }
          json item = json::object();
          for (const Field& c : f.fields)
            if (pick(10) < 8) item[c.name] = answer(c);
          if (pick(10) == 0) item["stray"] = 1;
          items.push_back(std::move(item));
        }
        return items;
      }
      case FieldType::Note: return "a note";
    }
    return nullptr;
  }

 private:
  json answer(const Field& f) {
    switch (pick(12)) {
      case 0: return nullptr;
      case 1: return pick(2) ? "" : "  ";
      case 2: return wrong_type();
      default: return typed(f);
    }
  }

  json wrong_type() {
    switch (pick(7)) {
      case 0: return 7;
      case 1: return -3.25;
      case 2: return true;
      case 3: return json::array({1, "a"});
      case 4: return json::object({{"a", 1}});
      case 5: return "text";
      default: return 18446744073709551615ULL;
    }
  }

  std::string text(std::size_t max) {
    static const std::vector<std::string> pieces = {"a", "Z", "7", " ", "-", "\xc3\xa9", "\n", "\t", "\x01", "\xe2\x80\x8b", "+47 ", "0"};
    std::string s;
    const std::size_t n = pick(max + 1);
    for (std::size_t i = 0; i < n; ++i) s += pieces[pick(pieces.size())];
    return s;
  }

  json choice(const Field& f) {
    if (f.choices.empty() || pick(6) == 0) return pick(2) ? json("nope") : json(3);
    return f.choices[pick(f.choices.size())].value;
  }

  std::mt19937 rng_;
};

// Every other payload drops the answers the tree refused (a few rounds), so that valid
// payloads, and those with one or two errors left, are judged too.
json repaired(const FormDefinition& def, json payload, const ValidationOptions& options, Generator& gen) {
  for (int round = 0; round < 12; ++round) {
    const auto errors = validate(def, payload, options);
    if (errors.empty()) break;
    for (const auto& e : errors) {
      const std::string top = e.field.substr(0, e.field.find('.'));
      auto loc = def.locate(top);
      if (top.empty()) continue;
      if ((e.code == "required" || e.code == "too_few") && loc) payload[top] = gen.typed(def.fields[loc->top]);
      else payload.erase(top);
    }
  }
  return payload;
}

void check_same(const FormDefinition& def, Generator& gen, int payloads, std::size_t& invalid) {
  simdjson::dom::parser parser;
  for (int i = 0; i < payloads; ++i) {
    ValidationOptions options;
    options.today = sample::kToday;
    json payload = gen.payload(def);
    if (i % 2 == 1) payload = repaired(def, std::move(payload), options, gen);
    const std::string text = gen.text_of(payload);
    options.max_errors = gen.pick(3) == 0 ? 2 : 100;
    const auto tree_errors = validate(def, json::parse(text), options);
    simdjson::dom::element doc;
    REQUIRE(parser.parse(text).get(doc) == simdjson::SUCCESS);
    const auto dom_errors = validate_dom(def, ws::json_view::Dom(doc), options);
    CHECK_MESSAGE(dom_errors == tree_errors, def.id, ": ", text, "\ntree: ", sample::codes(tree_errors),
                  "\ndom:  ", sample::codes(dom_errors));
    if (!tree_errors.empty()) ++invalid;
  }
}

// The sample form judged record after record on one thread, on the tree and on the DOM (which
// must agree): a record's errors as "path:code", in order.
struct SampleOnBothViews {
  SampleOnBothViews() { options.today = sample::kToday; }
  std::vector<std::string> operator()(const json& answers) {
    const auto tree = validate(def, answers, options);
    simdjson::dom::element doc;
    REQUIRE(parser.parse(answers.dump()).get(doc) == simdjson::SUCCESS);
    CHECK(validate_dom(def, ws::json_view::Dom(doc), options) == tree);
    std::vector<std::string> listed;
    for (const auto& e : tree) listed.push_back(e.field + ":" + e.code);
    return listed;
  }

  const FormDefinition def = sample::definition();
  ValidationOptions options;
  simdjson::dom::parser parser;
};

}  // namespace

TEST_CASE("validation reads simdjson's DOM with the tree's verdicts and messages") {
  Generator gen(14);
  std::size_t invalid = 0;
  const FormDefinition sample_def = sample::definition();
  check_same(sample_def, gen, 1500, invalid);
  FormRegistry shipped;
  REQUIRE(shipped.load_directory(kFormsDir));
  for (const auto& id : shipped.form_ids()) check_same(*shipped.find(id), gen, 400, invalid);
  // Both kinds of payload were judged, not only refusals.
  const std::size_t all = 1500 + 400 * shipped.form_ids().size();
  const std::size_t valid = all - invalid;
  MESSAGE(valid, " of ", all, " generated payloads valid");
  CHECK(invalid > all / 3);
  CHECK(invalid < all - 200);
}

TEST_CASE("a valid payload and a non-object read the same on the DOM") {
  const FormDefinition def = sample::definition();
  simdjson::dom::parser parser;
  ValidationOptions options;
  options.today = sample::kToday;
  for (const std::string& text : {sample::valid_answers().dump(), std::string("[1,2]"), std::string("\"x\""),
                                 std::string("{}")}) {
    simdjson::dom::element doc;
    REQUIRE(parser.parse(text).get(doc) == simdjson::SUCCESS);
    CHECK(validate_dom(def, ws::json_view::Dom(doc), options) == validate(def, json::parse(text), options));
  }
  simdjson::dom::element doc;
  REQUIRE(parser.parse(sample::valid_answers().dump()).get(doc) == simdjson::SUCCESS);
  CHECK(validate_dom(def, ws::json_view::Dom(doc), options).empty());
}

// Session 18: a repeat item's paths are built in one reused text and a multiple choice's picks
// are kept in the thread's scratch. Every path, code and the order stay as they were, record
// after record on one thread (picks of one field or record must not leak into the next).
TEST_CASE("repeat paths and multiple choice picks are exact, record after record, on both views") {
  SampleOnBothViews both;
  const ValidationOptions& options = both.options;
  simdjson::dom::parser& parser = both.parser;
  using List = std::vector<std::string>;

  json a = sample::valid_answers();
  a["members"] = json::array({{{"member_name", "Sara"}, {"member_minor", true}, {"member_school", "Grade 3"}},
                              "not an item",
                              {{"member_minor", "yes"}, {"member_school", "Grade 9"}, {"zz_unknown", 1}}});
  a["members_note"] = "three";
  CHECK(both(a) == List{"members.1:wrong_type", "members.2.zz_unknown:unknown_field", "members.2.member_name:required",
                        "members.2.member_minor:wrong_type", "members.2.member_school:not_relevant"});

  // Names of the longest kind (64), so that the item paths outgrow the text reserved for them.
  json long_def_json = sample::definition_json();
  const std::string long_name = "members_" + std::string(56, 'x');
  const std::string long_child = "member_name_" + std::string(52, 'y');
  for (auto& f : long_def_json["fields"]) {
    if (f["name"] == "members") {
      f["name"] = long_name;
      f["fields"][0]["name"] = long_child;
    }
    if (f.contains("relevant") && f["relevant"] == "count(${members}) > 1") f["relevant"] = "count(${" + long_name + "}) > 1";
  }
  auto long_def = parse_definition(long_def_json);
  REQUIRE(long_def);
  json b = sample::valid_answers();
  b[long_name] = json::array({{{"member_minor", false}}, {{long_child, "Ali"}, {"member_minor", 3}}});
  b.erase("members");
  const auto long_errors = validate(*long_def, b, options);
  simdjson::dom::element doc;
  REQUIRE(parser.parse(b.dump()).get(doc) == simdjson::SUCCESS);
  CHECK(validate_dom(*long_def, ws::json_view::Dom(doc), options) == long_errors);
  REQUIRE(long_errors.size() == 2);
  CHECK(long_errors[0].field == long_name + ".0." + long_child);
  CHECK(long_errors[0].code == "required");
  CHECK(long_errors[1].field == long_name + ".1.member_minor");
  CHECK(long_errors[1].code == "wrong_type");

  auto needs = [&](json v) {
    json c = sample::valid_answers();
    c["needs"] = std::move(v);
    return both(c);
  };
  // Each record starts with no picks: the one before it leaves its own behind.
  CHECK(needs(json::array({"medical", "pregnancy"})) == List{});
  CHECK(needs(json::array({"medical"})) == List{});
  CHECK(needs(json::array({"medical", "medical"})) == List{"needs:duplicate_choice"});
  CHECK(needs(json::array({"medical"})) == List{});
  CHECK(needs(json::array({"none", "medical"})) == List{"needs:exclusive_choice"});
  CHECK(needs(json::array({"medical", "none"})) == List{"needs:exclusive_choice"});
  CHECK(needs(json::array({"none"})) == List{"medical_details:not_relevant"});
  CHECK(needs(json::array({"medical", "pregnancy", "none"})) == List{"needs:exclusive_choice"});
  CHECK(needs(json::array({"medical", "flying"})) == List{"needs:invalid_choice"});
  CHECK(needs(json::array({"medical", 3})) == List{"needs:wrong_type"});
  CHECK(needs(json::array({"medical", "pregnancy"})) == List{});
}

// Session 18: relevance is kept in the thread's scratch as bytes, a repeat group's items in one
// run reused from record to record. Each record's items must be judged by its own answers only:
// a longer group, then a shorter one, then items that are not objects, on both views.
TEST_CASE("relevance inside repeat items is each record's own, record after record, on both views") {
  SampleOnBothViews both;
  using List = std::vector<std::string>;
  auto member = [](bool minor, bool school) {
    json m = {{"member_name", "M"}, {"member_minor", minor}};
    if (school) m["member_school"] = "Grade 1";
    return m;
  };

  json a = sample::valid_answers();
  a["members"] = json::array({member(true, true), member(true, true), member(true, true)});
  a["members_note"] = "three";
  CHECK(both(a).empty());
  // Fewer items, and the schools now belong to adults: nothing is left of the minors above.
  a["members"] = json::array({member(false, true), member(false, false)});
  CHECK(both(a) == List{"members.0.member_school:not_relevant"});
  // The same item index a minor again, then gone altogether.
  a["members"] = json::array({member(false, false), member(true, true), member(false, true)});
  CHECK(both(a) == List{"members.2.member_school:not_relevant"});
  a["members"] = json::array({"not an item", member(true, true)});
  CHECK(both(a) == List{"members.0:wrong_type"});
  // The group does not apply: its items are not read, and the next record starts afresh.
  a["family"] = false;
  CHECK(both(a) == List{"members:not_relevant", "members_note:not_relevant"});
  a = sample::valid_answers();
  CHECK(both(a).empty());
}

TEST_CASE("compute_relevance: top-level flags, each item's questions, and out-of-range reads") {
  const auto def = sample::definition();
  json a = sample::valid_answers();
  a["members"].push_back({{"member_name", "Noor"}, {"member_minor", true}});
  const Relevance rel = compute_relevance(def, a, sample::kToday);
  const auto members = def.locate("members");
  const auto school = def.locate("member_school");
  REQUIRE(members);
  REQUIRE(school);
  CHECK(rel.is_relevant(*members));
  CHECK(rel.item_count(members->top) == 3);
  CHECK(rel.is_relevant(*school, 0));
  CHECK_FALSE(rel.is_relevant(*school, 1));
  CHECK(rel.is_relevant(*school, 2));
  CHECK_FALSE(rel.is_relevant(*school, 3));  // no such item
  CHECK_FALSE(rel.is_relevant({members->top, 99}, 0));  // no such question
  CHECK_FALSE(rel.is_relevant(*def.locate("guardian")));  // an adult
  CHECK(rel.item_count(def.locate("full_name")->top) == 0);
  CHECK_FALSE(rel.is_relevant({def.fields.size(), std::nullopt}));
  a["family"] = false;
  const Relevance without = compute_relevance(def, a, sample::kToday);
  CHECK_FALSE(without.is_relevant(*members));
  CHECK(without.item_count(members->top) == 0);
  CHECK_FALSE(without.is_relevant(*school, 0));
}
