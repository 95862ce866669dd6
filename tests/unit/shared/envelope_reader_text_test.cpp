// The payload text the simdjson reader writes in its walk (ws/envelope_reader.hpp), or keeps as
// sent where ws/json_canonical.hpp proves it the writer's, against the strict path's dump, on
// generated payloads: keys in nlohmann's order and shuffled (left to the dump of the tree),
// unicode sent raw and as \u escapes, control characters, every number form, nested objects and
// arrays; and what the push path takes from the same walk (the members' places in the text,
// whether the DOM may skip its order checks).
#include <doctest/doctest.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ws/envelope_reader.hpp"
#include "ws/json_canonical.hpp"
#include "ws/json_view.hpp"

namespace {

using nlohmann::json;

const std::string kHead = R"({"id":"0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b","kind":"intake","centre":"OSL-1",)"
                          R"("version":")" +
                          ws::Version{ws::Hlc{1'700'000'000'000, 2}, "dev-1"}.to_string() + R"(","payload":)";

const std::vector<std::string> kKeys = {"a", "B", "name", "name_native", "é", "ä", "Ω", "\xe2\x82\xac",
                                        "q\"uote", "tab\t", "\x01", "", "a b", "𝄞", "z", "Z"};
const std::vector<std::string> kStrings = {"", "Ahmad", "احمد", "line\nbreak\r\n", "\x7f del", "back\\slash/",
                                           "\x1f\x01\b\f", "emoji 😀 𝄞", "€ 100", "\"quoted\""};
const std::vector<json> kNumbers = {0, -1, 42, -9223372036854775807LL - 1, 18446744073709551615ULL, 1.5,
                                    -2.25e-3, 1e100, 0.1, 123456789.125, 5e-324, -3.0};

json random_value(std::mt19937& rng, int depth) {
  const int kind = static_cast<int>(rng() % (depth > 3 ? 5 : 7));
  switch (kind) {
    case 0: return kStrings[rng() % kStrings.size()];
    case 1: return kNumbers[rng() % kNumbers.size()];
    case 2: return rng() % 2 == 0;
    case 3: return nullptr;
    case 4: return static_cast<std::int64_t>(rng()) - 2'000'000'000;
    case 5: {
      json a = json::array();
      for (unsigned n = rng() % 4; n > 0; --n) a.push_back(random_value(rng, depth + 1));
      return a;
    }
    default: {
      json o = json::object();
      for (unsigned n = rng() % 5; n > 0; --n) o[kKeys[rng() % kKeys.size()]] = random_value(rng, depth + 1);
      return o;
    }
  }
}

// A payload of 1-8 members.
json random_payload(std::mt19937& rng) {
  json payload = json::object();
  for (unsigned n = 1 + rng() % 8; n > 0; --n) payload[kKeys[rng() % kKeys.size()]] = random_value(rng, 1);
  return payload;
}

// The JSON of `j`, objects' members in the order `shuffle` gives, strings raw or \u-escaped.
std::string write(const json& j, std::mt19937& rng, bool shuffle, bool ascii) {
  if (j.is_object()) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : j.items()) keys.push_back(k);
    if (shuffle) std::shuffle(keys.begin(), keys.end(), rng);
    std::string out = "{";
    for (const auto& k : keys) {
      if (out.size() > 1) out += ',';
      out += json(k).dump(-1, ' ', ascii) + ":" + write(j.at(k), rng, shuffle, ascii);
    }
    return out + "}";
  }
  if (j.is_array()) {
    std::string out = "[";
    for (const auto& item : j) out += (out.size() > 1 ? "," : "") + write(item, rng, shuffle, ascii);
    return out + "]";
  }
  return j.dump(-1, ' ', ascii);
}

void check_same_text(const std::string& payload) {
  const std::string text = kHead + payload + "}";
  CAPTURE(text);
  std::string strict_text;
  auto strict = ws::envelope_from_json(json::parse(text), ws::EnvelopeLimits{}, &strict_text);
  REQUIRE_MESSAGE(strict, (strict ? "" : strict.error().message));
  auto fast = ws::read_envelope(text);
  REQUIRE(fast);
  CHECK(fast->payload.view() == strict_text);
  CHECK(fast->envelope.payload == strict->payload);
  // The push path's (a visitor, no tree): the text kept as sent where it is proven to be the
  // writer's, else written in the walk.
  auto pushed = ws::read_envelope(text, ws::EnvelopeLimits{}, ws::EnvelopeForm::Full,
                                  [](const ws::Envelope&, const ws::json_view::Dom&) {});
  REQUIRE(pushed);
  CHECK(pushed->payload.view() == strict_text);
}

}  // namespace

TEST_CASE("the reader's payload text is the strict path's dump, in order or not") {
  std::mt19937 rng(14);
  for (int i = 0; i < 2000; ++i) {
    const json payload = random_payload(rng);
    const bool shuffle = i % 2 == 1;
    const bool ascii = i % 3 == 0;
    check_same_text(write(payload, rng, shuffle, ascii));
  }
}

TEST_CASE("an object out of order anywhere leaves the whole text to the dump") {
  check_same_text(R"({"b":1,"a":2})");
  check_same_text(R"({"a":{"y":[1,{"d":true,"c":null}],"x":"é"},"b":[{"k":1}],"c":{}})");
  check_same_text(R"({"a":[{"a":1,"b":2},{"b":2,"a":1}],"b":"last"})");
  // Byte order, as std::map<std::string> sorts: "Z" < "a" < "é" (0xc3) < "€" (0xe2).
  check_same_text(R"({"Z":1,"a":2,"é":3,"€":4})");
  check_same_text(R"({"€":4,"é":3,"a":2,"Z":1})");
  check_same_text(R"({"":0,"\u0001":1,"\t":2})");
}

TEST_CASE("a character to escape is found at every offset of a long string") {
  // As JSON source: escapes, bytes either side of the limits, multi-byte UTF-8.
  for (const std::string c : {R"(\")", R"(\\)", R"(\u0001)", R"(\u001f)", R"(\n)", " ", "~", "\x7f", "é", "😀", R"(\u00e9)"}) {
    for (int at = 0; at < 20; ++at) {
      std::string s = std::string(static_cast<std::size_t>(at), 'x') + c + std::string(17, 'y');
      check_same_text(R"({"a)" + s + R"(":1,"k":")" + s + R"("})");
    }
  }
}

namespace {

// Every member and item of a view, depth first, keys in the order each_member gives them.
template <typename V>
void walk(const V& v, std::string& out) {
  if (v.is_object()) {
    out += '{';
    v.each_member([&](std::string_view key, const V& child) {
      out.append(key).append(1, ':');
      walk(child, out);
      out += ',';
    });
    out += '}';
  } else if (v.is_array()) {
    out += '[';
    for (std::size_t i = 0; i < v.size(); ++i) walk(v.at(i), out), out += ',';
    out += ']';
  } else if (v.is_string()) {
    out.append(v.string());
  } else {
    out += v.is_null() ? "null" : v.is_bool() ? (v.boolean() ? "true" : "false") : std::to_string(v.number());
  }
}

}  // namespace

TEST_CASE("the push path's payload: members found where the text has them, the DOM walked in the tree's order") {
  std::mt19937 rng(15);
  for (int i = 0; i < 2000; ++i) {
    const json payload = random_payload(rng);
    // Shuffled at every level in half of them.
    const std::string text = kHead + write(payload, rng, i % 2 == 1, i % 3 == 0) + "}";
    CAPTURE(text);
    std::string dom_walk, tree_walk;
    auto read = ws::read_envelope(text, ws::EnvelopeLimits{}, ws::EnvelopeForm::Compact,
                                  [&](const ws::Envelope&, const ws::json_view::Dom& p) { walk(p, dom_walk); });
    REQUIRE(read);
    walk(ws::json_view::Tree(payload), tree_walk);
    CHECK(dom_walk == tree_walk);
    REQUIRE(read->members.size() == payload.size());
    std::size_t at = 0;
    for (const auto& [key, value] : payload.items()) {
      const ws::PayloadMember& m = read->members[at++];
      const std::string_view written_key = read->payload.view().substr(m.key_at, m.key_size);
      CHECK(json::parse("\"" + std::string(written_key) + "\"") == key);
      CHECK(json::parse(read->payload.view().substr(m.value_at, m.value_size)) == value);
    }
  }
}

namespace {

// The strict path's text for `payload`, or nothing where it refuses the envelope.
std::optional<std::string> strict_text_of(const std::string& payload) {
  json raw = json::parse(kHead + payload + "}", nullptr, false);
  if (raw.is_discarded()) return std::nullopt;
  std::string text;
  if (!ws::envelope_from_json(std::move(raw), ws::EnvelopeLimits{}, &text)) return std::nullopt;
  return text;
}

bool keys_plain(const json& j) {
  if (j.is_array()) return std::all_of(j.begin(), j.end(), keys_plain);
  if (!j.is_object()) return true;
  for (const auto& [k, v] : j.items()) {
    if (json(k).dump() != "\"" + k + "\"" || !keys_plain(v)) return false;
  }
  return true;
}

constexpr int kDepth = ws::EnvelopeLimits{}.max_depth;

}  // namespace

TEST_CASE("a text is proven the writer's exactly when it is the strict path's dump") {
  std::mt19937 rng(16);
  int proven = 0;
  for (int i = 0; i < 3000; ++i) {
    const json payload = random_payload(rng);
    // As nlohmann dumps it (the kiosk's form), shuffled, or with unicode as \u escapes.
    const std::string text = i % 3 == 0 ? payload.dump() : write(payload, rng, i % 3 == 1, i % 2 == 0);
    CAPTURE(text);
    const auto strict = strict_text_of(text);
    REQUIRE(strict);
    const bool is_dump = *strict == text;
    // Escaped keys sort by their decoded bytes: those are left to the walk even in the dump.
    CHECK(ws::json_canonical::is_canonical(text, kDepth) == (is_dump && keys_plain(payload)));
    proven += is_dump ? 1 : 0;
  }
  CHECK(proven > 1000);
}

TEST_CASE("spellings the writer would not write are not proven, and read to the same text") {
  const std::vector<std::string> texts = {
      // Strings: escapes the writer writes, raw UTF-8, and escapes it does not write.
      R"({"a":"\"\\\b\f\n\r\t\u0001\u001f\u0000"})", R"({"a":"é😀 €"})", R"({"a":"\/"})",
      R"({"a":"\u0041"})", R"({"a":"\u00e9"})", R"({"a":"\u001F"})", R"({"a":"\u0022"})", R"({"a":"\u005c"})",
      R"({"a":"\u0009"})", R"({"a":"\u000A"})", R"({"a":"\ud834\udd1e"})", R"({"a":"\u007f"})",
      // Numbers in every form.
      R"({"a":0,"b":-1,"c":18446744073709551615,"d":-9223372036854775808,"e":9223372036854775807})",
      R"({"a":1.5,"b":-0.00225,"c":1e+100,"d":5e-324,"e":1.0,"f":100000.0,"g":1e-07})", R"({"a":-0})",
      R"({"a":1E5})", R"({"a":1e5})", R"({"a":1e+5})", R"({"a":1.50})", R"({"a":0.10})", R"({"a":1e-7})",
      R"({"a":1.0e0})", R"({"a":100000000000000000000})", R"({"a":18446744073709551616})",
      R"({"a":-9223372036854775809})", R"({"a":123456789012345678901234567890})", R"({"a":0.1e1})",
      R"({"a":1e400})", R"({"a":2.5E-3})",
      // Structure: whitespace, order, duplicates, escaped keys, empty values.
      R"({})", R"({"a":[],"b":{},"c":""})", R"({"a": 1})", R"({ "a":1})", R"({"a":1 })", R"({"a":[1, 2]})",
      R"({"a":[1,2] })", R"({"b":1,"a":2})", R"({"a":{"c":1,"b":2}})", R"({"a\u0062":1})", R"({"a":1,"a":2})",
      R"({"":1,"a":[true,false,null]})", R"({"a":[{"b":1,"c":2},{"c":2,"b":1}]})", R"({"Z":1,"a":2,"é":3})"};
  for (const auto& text : texts) {
    CAPTURE(text);
    const auto strict = strict_text_of(text);
    const bool proven = ws::json_canonical::is_canonical(text, kDepth);
    if (proven) CHECK(strict == text);
    const bool escaped_key = text.find("\\u0062") != std::string::npos;
    if (strict && *strict == text && !escaped_key) CHECK(proven);
    // The push path's payload may be a view of the record's text: the text outlives it.
    const std::string record = kHead + text + "}";
    auto pushed = ws::read_envelope(record, ws::EnvelopeLimits{}, ws::EnvelopeForm::Full,
                                    [](const ws::Envelope&, const ws::json_view::Dom&) {});
    if (pushed) CHECK(pushed->payload.view() == strict);
  }
  // -0.0 is the dump of nlohmann's -0.0 but reads as integer 0 elsewhere: neither path keeps it.
  CHECK_FALSE(ws::json_canonical::is_canonical(R"({"a":-0.0})", kDepth));
}

TEST_CASE("the proof stops at the reader's depth limit, where the walk does") {
  auto nested = [](int depth) {  // the payload at depth 1, a value at `depth`
    std::string text;
    for (int d = 1; d < depth; ++d) text += "{\"a\":";
    text += "1";
    for (int d = 1; d < depth; ++d) text += "}";
    return text;
  };
  for (int depth = kDepth - 1; depth <= kDepth + 2; ++depth) {
    CAPTURE(depth);
    const std::string text = nested(depth);
    const bool within = depth <= kDepth;
    CHECK(ws::json_canonical::is_canonical(text, kDepth) == within);
    const std::string record = kHead + text + "}";
    auto pushed = ws::read_envelope(record, ws::EnvelopeLimits{}, ws::EnvelopeForm::Full,
                                    [](const ws::Envelope&, const ws::json_view::Dom&) {});
    CHECK(pushed.has_value() == within);
    if (pushed) CHECK(pushed->payload.view() == text);
  }
}

TEST_CASE("a payload kept as sent reports its members as the walk does") {
  const std::string text = R"({"a":"x\"y","b":[1,{"c":2}],"c":{},"d":-1.5,"e":null})";
  REQUIRE(ws::json_canonical::is_canonical(text, kDepth));
  std::vector<ws::PayloadMember> members;
  REQUIRE(ws::json_canonical::is_canonical(text, kDepth, &members));
  // The same object written in the walk: one member out of order forces it.
  const std::string shuffled = R"({"b":[1,{"c":2}],"a":"x\"y","c":{},"d":-1.5,"e":null})";
  const std::string kept_record = kHead + text + "}";
  const std::string walked_record = kHead + shuffled + "}";
  auto kept = ws::read_envelope(kept_record, ws::EnvelopeLimits{}, ws::EnvelopeForm::Full,
                                [](const ws::Envelope&, const ws::json_view::Dom&) {});
  auto walked = ws::read_envelope(walked_record, ws::EnvelopeLimits{}, ws::EnvelopeForm::Full,
                                  [](const ws::Envelope&, const ws::json_view::Dom&) {});
  REQUIRE(kept);
  REQUIRE(walked);
  CHECK(kept->payload.view() == walked->payload.view());
  // Kept as sent: a view of the record's own text, nothing copied. Walked: written out.
  CHECK(kept->payload.written.empty());
  CHECK(kept->payload.view().data() == kept_record.data() + kept_record.find(text));
  CHECK(walked->payload.in_text.empty());
  CHECK(walked->payload.view().data() == walked->payload.written.data());
  REQUIRE(kept->members.size() == walked->members.size());
  REQUIRE(members.size() == walked->members.size());
  for (std::size_t i = 0; i < members.size(); ++i) {
    CAPTURE(i);
    for (const auto* m : {&members[i], &kept->members[i]}) {
      CHECK(m->key_at == walked->members[i].key_at);
      CHECK(m->key_size == walked->members[i].key_size);
      CHECK(m->value_at == walked->members[i].value_at);
      CHECK(m->value_size == walked->members[i].value_size);
    }
  }
}

TEST_CASE("the proof of a value inside a larger text delimits the value by itself") {
  using ws::json_canonical::canonical_length;
  CHECK(canonical_length(R"({"a":1},"z":2})", kDepth) == 7);
  CHECK(canonical_length(R"({"a":"}\"x"} ,"z":2})", kDepth) == 12);
  CHECK(canonical_length(R"({"a":[1,{"b":-2}]}})", kDepth) == 18);
  CHECK(canonical_length(R"({"a":1.5}])", kDepth) == 9);
  CHECK(canonical_length(R"({"b":1,"a":2},)", kDepth) == 0);  // not proven
  CHECK(canonical_length(R"({"a": 1})", kDepth) == 0);
  CHECK(canonical_length(R"({"a":"open)", kDepth) == 0);
}

// The proof's rule for an integer: the text the writer writes back for what a parser reads from
// it, read as int64 below zero and as uint64 above (where parsers agree on the type).
template <typename Int>
bool written_back_as(const std::string& token) {
  Int v = 0;
  const char* end = token.data() + token.size();
  const auto read = std::from_chars(token.data(), end, v);
  if (read.ec != std::errc() || read.ptr != end) return false;
  char digits[24];
  return std::string(digits, std::to_chars(digits, digits + sizeof digits, v).ptr) == token;
}

bool written_back(const std::string& token) {
  if (!token.empty() && token[0] == '-') return written_back_as<std::int64_t>(token);
  return written_back_as<std::uint64_t>(token);
}

TEST_CASE("a number is proven exactly when it is the text the writer writes for its value") {
  using ws::json_canonical::canonical_length;
  // The proof's result for each number as a member's value, at the top and in an array.
  const std::vector<std::pair<std::string, bool>> numbers = {
      {"0", true}, {"-0", false}, {"00", false}, {"007", false}, {"-01", false}, {"-1", true}, {"+1", false},
      {"9", true}, {"-9", true}, {"123", true}, {"-", false}, {"--1", false}, {"-+1", false}, {"1-", false},
      {"1+", false}, {"1-1", false}, {"+0", false},
      {"18446744073709551615", true}, {"18446744073709551614", true}, {"18446744073709551616", false},
      {"18446744073709551620", false}, {"28446744073709551615", false}, {"99999999999999999999", false},
      {"10000000000000000000", true}, {"100000000000000000000", false}, {"9223372036854775808", true},
      {"-9223372036854775808", true}, {"-9223372036854775807", true}, {"-9223372036854775809", false},
      {"-9223372036854775810", false}, {"-10000000000000000000", false}, {"-1000000000000000000", true},
      {"-9999999999999999999", false},
      // Not integers: the double's path, unchanged.
      {"1.0", true}, {"1e2", false}, {"1.5", true}, {"-1.5", true}, {"0.0", true}, {"-0.0", false}, {"1E2", false},
      {"100.0", true}, {"1.", false}, {".5", false}, {"1e", false}};
  for (const auto& [number, proven] : numbers) {
    CAPTURE(number);
    const std::string member = R"({"a":)" + number + "}";
    CHECK(canonical_length(member, kDepth) == (proven ? member.size() : 0));
    CHECK(canonical_length(number, kDepth) == (proven ? number.size() : 0));
    const std::string element = "[" + number + ",1]";
    CHECK(canonical_length(element, kDepth) == (proven ? element.size() : 0));
  }
  // Texts of digits, signs and lengths about the limits': proven as the parse-and-write rule says.
  std::mt19937 rng(22);
  const std::string alphabet = "0123456789-+";
  const std::vector<std::string> limits = {"18446744073709551615", "-9223372036854775808"};
  for (int i = 0; i < 20000; ++i) {
    std::string token;
    if (i % 2 == 0) {
      token = limits[static_cast<std::size_t>(i / 2) % limits.size()];  // a limit, one digit changed
      const std::size_t at = rng() % token.size();
      if (token[at] != '-') token[at] = static_cast<char>('0' + rng() % 10);
    } else {
      const std::size_t size = 1 + rng() % 22;
      for (std::size_t k = 0; k < size; ++k) {
        // Mostly digits, a leading sign or zero now and then.
        token += k == 0 && rng() % 3 == 0 ? alphabet[rng() % alphabet.size()] : static_cast<char>('0' + rng() % 10);
      }
    }
    CAPTURE(token);
    CHECK((canonical_length(token, kDepth) == token.size()) == written_back(token));
  }
}
