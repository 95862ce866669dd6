// The simdjson fast path (ws/envelope_reader.hpp) against the strict nlohmann path: where it
// accepts, it returns exactly what the strict path returns; where it could differ, it declines.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ws/envelope_reader.hpp"
#include "ws/ids.hpp"

namespace {

using nlohmann::json;

const std::string kId = "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b";
std::string version(std::uint32_t logical, const std::string& device = "dev-1") {
  return ws::Version{ws::Hlc{1'700'000'000'000, logical}, device}.to_string();
}
const std::string kVersion = version(2);

std::string record(const std::string& payload, const std::string& extra = "") {
  return R"({"id":")" + kId + R"(","kind":"intake","centre":"OSL-1","version":")" + kVersion +
         R"(","payload":)" + payload + extra + "}";
}

struct Strict {
  ws::Result<ws::Envelope> envelope;
  std::string payload_text;
};

Strict strict(const std::string& text, ws::EnvelopeForm form) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return {ws::fail("invalid_json", "not JSON"), ""};
  std::string payload;
  auto e = ws::envelope_from_json(std::move(j), ws::EnvelopeLimits{}, &payload, form);
  return {std::move(e), payload};
}

void check_same(const ws::Envelope& a, const ws::Envelope& b) {
  CHECK(ws::to_json(a) == ws::to_json(b));
  CHECK(a.payload == b.payload);
  CHECK(a.payload.dump() == b.payload.dump());
  CHECK(a.field_versions == b.field_versions);
  CHECK(a.base_version == b.base_version);
}

// Accepted by the fast path: it must agree with the strict path in every part, in both forms.
void check_accepted(const std::string& text) {
  CAPTURE(text);
  for (auto form : {ws::EnvelopeForm::Full, ws::EnvelopeForm::Compact}) {
    auto slow = strict(text, form);
    REQUIRE(slow.envelope);
    auto fast = ws::read_envelope(text, ws::EnvelopeLimits{}, form);
    REQUIRE(fast);
    check_same(fast->envelope, *slow.envelope);
    CHECK(fast->payload.view() == slow.payload_text);
  }
}

// Declined: the strict path decides (and its verdict is the one callers report).
void check_declined(const std::string& text) {
  CAPTURE(text);
  CHECK_FALSE(ws::read_envelope(text));
  CHECK_FALSE(ws::read_envelope(text, ws::EnvelopeLimits{}, ws::EnvelopeForm::Compact));
}

}  // namespace

TEST_CASE("the envelope reader returns what the strict parse returns") {
  check_accepted(record(R"({"name_latin":"Ahmad","name_native":"احمد","age":34})"));
  check_accepted(record(R"({})"));
  check_accepted(record(R"({"a":-5,"b":18446744073709551615,"c":1.5,"d":1e2,"e":-2.25e-3,"f":0})"));
  check_accepted(record(R"({"s":"tab\tquote\"slash\/u\u00e9\u0000nul","t":true,"n":null})"));
  check_accepted(record(R"({"c":"\b\f\n\r\u001f\u007f\\ end","k\"ey\u0001":[0.1,1e100,1e-7,-3.0,2.5e-308]})"));
  check_accepted(record(R"({"rows":[{"id":"r1","x":[1,[2,[3]]]},{"id":"r2"}],"z":"last"})"));
  // Field versions: an entry equal to the record's (dropped in compact form), an older one, a row path.
  check_accepted(record(R"({"a":1,"b":2})", R"(,"field_versions":{"a":")" + kVersion +
                                                 R"(","b":")" + version(1) + R"(","rows/r1":")" + kVersion +
                                                 R"("})"));
  check_accepted(record(R"({"a":1})", R"(,"base_version":null)"));
  check_accepted(record(R"({"a":1})", R"(,"deleted":true,"schema_version":10000)"));
  check_accepted(record(R"({"a":1})", R"(,"base_version":")" + version(1, "srv") + "\""));
  // Whitespace around everything, members in another order, optional members left out.
  check_accepted(" {\n \"payload\" : { \"a\" : [ 1 , 2 ] } , \"version\":\"" + kVersion + "\",\"centre\":\"OSL-1\","
                 "\"kind\":\"intake\",\"id\":\"" + kId + "\" }\n");
}

TEST_CASE("the envelope reader declines what the strict parse refuses") {
  check_declined("");
  check_declined("{");
  check_declined(record(R"({"a":1})") + "x");
  check_declined("[1,2]");
  check_declined(record(R"({"a":"\ud800"})"));               // lone surrogate
  check_declined(record("{\"a\":\"\xff\xfe\"}"));             // invalid UTF-8
  check_declined(record(R"({"a":1e400})"));                   // out of range
  check_declined(record(R"({"a":1})", R"(,"colour":"red")"));   // unknown member
  check_declined(record(R"({"a":1})", R"(,"schema_version":0)"));
  check_declined(record(R"({"a":1})", R"(,"deleted":null)"));
  check_declined(record(R"([1])"));
  check_declined(record(R"({"a":1})", R"(,"field_versions":{"a":")" + version(9) + R"("})"));
  check_declined(record(R"({"a":1})", R"(,"field_versions":{"a":5})"));
  check_declined(record(R"({"a":1})", R"(,"base_version":"nonsense")"));
  check_declined(R"({"id":"not-a-uuid","kind":"intake","centre":"OSL-1","version":")" + kVersion +
                 R"(","payload":{}})");
  check_declined(R"({"id":")" + kId + R"(","kind":"Intake!","centre":"OSL-1","version":")" + kVersion +
                 R"(","payload":{}})");
  std::string deep = "1";
  for (int i = 0; i < 16; ++i) deep = "[" + deep + "]";
  check_declined(record(R"({"d":)" + deep + "}"));
  std::string many = "{";
  for (int i = 0; i < 513; ++i) many += (i ? ",\"f" : "\"f") + std::to_string(i) + "\":1";
  check_declined(record(many + "}"));
  check_declined(record(R"({"big":")" + std::string(256 * 1024, 'x') + R"("})"));
}

TEST_CASE("the envelope reader leaves duplicate keys and -0.0 to the strict parse") {
  // nlohmann keeps a repeated key's last value and reads -0.0 as it was sent; the reader does
  // not guess what those rules give.
  check_declined(record(R"({"a":1,"a":2})"));
  check_declined(record(R"({"a":1})", R"(,"kind":"intake")"));
  const std::string twice = record(R"({"a":1})", R"(,"field_versions":{"a":")" + version(1) + R"(","a":")" +
                                                     kVersion + R"("})");
  CHECK_FALSE(ws::read_envelope(twice));
  // In compact form an entry equal to the record's version is dropped either way, so the reader
  // may accept; then it must agree.
  if (auto compact = ws::read_envelope(twice, ws::EnvelopeLimits{}, ws::EnvelopeForm::Compact)) {
    auto slow = strict(twice, ws::EnvelopeForm::Compact);
    REQUIRE(slow.envelope);
    check_same(compact->envelope, *slow.envelope);
  }
  check_declined(record(R"({"a":-0.0})"));
  // An integer -0 is 0 to both (nlohmann keeps it signed, the reader unsigned: equal, same text).
  check_accepted(record(R"({"a":-0})"));
  // ... and the strict parse still reads them as it always did.
  auto dup = strict(record(R"({"a":1,"a":2})"), ws::EnvelopeForm::Full);
  REQUIRE(dup.envelope);
  CHECK(dup.payload_text == R"({"a":2})");
}

TEST_CASE("the pull page reader returns what parse_pull_response returns") {
  std::vector<std::string> texts = {record(R"({"a":1})"),
                                    record(R"({"b":[true,null,"x"]})", R"(,"base_version":null)")};
  const std::string body = R"({"records":[)" + texts[0] + "," + texts[1] +
                           R"(],"cursor":"42","more":true,"server_note":"ignored"})";
  auto fast = ws::protocol::read_pull_page(body);
  auto slow = ws::protocol::parse_pull_response(json::parse(body));
  REQUIRE(fast);
  REQUIRE(slow);
  CHECK(fast->cursor == "42");
  CHECK(fast->more);
  CHECK(fast->payload_json == slow->payload_json);
  REQUIRE(fast->records.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) check_same(fast->records[i], slow->records[i]);

  auto empty = ws::protocol::read_pull_page(R"({"records":[],"cursor":"7","more":"no"})");
  REQUIRE(empty);
  CHECK_FALSE(empty->more);  // a non-boolean `more` is ignored, as the strict parse does
  CHECK(empty->records.empty());
}

TEST_CASE("the pull page reader declines pages the strict parse must judge") {
  CHECK_FALSE(ws::protocol::read_pull_page(R"({"records":[],"cursor":"7")"));      // cut off
  CHECK_FALSE(ws::protocol::read_pull_page(R"({"records":{},"cursor":"7"})"));
  CHECK_FALSE(ws::protocol::read_pull_page(R"({"records":[],"cursor":7})"));
  CHECK_FALSE(ws::protocol::read_pull_page(R"({"records":[]})"));
  CHECK_FALSE(ws::protocol::read_pull_page(R"({"records":[],"cursor":"1","cursor":"2"})"));
  CHECK_FALSE(ws::protocol::read_pull_page(R"({"records":[)" + record(R"({"a":1})", R"(,"x":1)") +
                                           R"(],"cursor":"7"})"));
  CHECK_FALSE(ws::protocol::read_pull_page("[]"));
}

TEST_CASE("a pull page larger than the kept parser's buffers is read by a parser of its own") {
  const std::string one = record(R"({"notes":")" + std::string(9000, 'x') + R"("})");
  std::string body = R"({"records":[)";
  for (int i = 0; i < 1000; ++i) body += (i ? "," : "") + one;
  body += R"(],"cursor":"9","more":false})";
  REQUIRE(body.size() > 8u * 1024 * 1024);
  auto fast = ws::protocol::read_pull_page(body);
  auto slow = ws::protocol::parse_pull_response(json::parse(body));
  REQUIRE(fast);
  REQUIRE(slow);
  CHECK(fast->records.size() == 1000);
  CHECK(fast->payload_json == slow->payload_json);
  // The thread's own parser still reads small texts afterwards.
  CHECK(ws::read_envelope(record(R"({"a":1})")));
}
