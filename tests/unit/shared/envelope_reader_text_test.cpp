// The payload text the simdjson reader writes in its walk (ws/envelope_reader.hpp) against the
// strict path's dump, on generated payloads: keys in nlohmann's order (written in the walk) and
// shuffled (left to the dump of the tree), unicode sent raw and as \u escapes, control
// characters, every number form, nested objects and arrays; and what the push path takes from
// the same walk (the members' places in the text, whether the DOM may skip its order checks).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ws/envelope_reader.hpp"
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
  CHECK(fast->payload_text == strict_text);
  CHECK(fast->envelope.payload == strict->payload);
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
      const std::string_view written_key = std::string_view(read->payload_text).substr(m.key_at, m.key_size);
      CHECK(json::parse("\"" + std::string(written_key) + "\"") == key);
      CHECK(json::parse(read->payload_text.substr(m.value_at, m.value_size)) == value);
    }
  }
}
