// Sealed push items compressed from a preset dictionary (ws/push_dictionary.hpp): the bytes of
// each id are fixed forever, items of every form open, and an unknown id is refused by name.
#include <doctest/doctest.h>
#include <sodium.h>

#include <string>
#include <string_view>
#include <vector>

#include "tests/support/records.hpp"
#include "tests/support/sealed_item.hpp"
#include "ws/push_dictionary.hpp"
#include "ws/push_seal.hpp"

using namespace ws;

namespace {

const std::string kDevice = "0192f0e4-5b6c-7d8e-9fab-0c1d2e3f4a5b";

std::string blake2b_hex(std::string_view bytes) {
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), nullptr, 0);
  char hex[2 * sizeof digest + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string intake_envelope(int n) {
  const Version v{Hlc{1764590000000 + n, 0}, kDevice};
  auto j = test::record_json("0192f0e4-5b6c-7d8e-9fab-" + std::to_string(100000000000 + n), "intake", "OSLO", v,
                             test::intake_answers(n));
  Envelope e = envelope_from_json(j).value();
  return to_json(e, EnvelopeForm::Compact).dump();
}

struct Server {
  seal::KeyPair keys = seal::make_key_pair().value();
};

}  // namespace

TEST_CASE("each dictionary id's bytes are pinned: a changed dictionary must take a new id") {
  // To ship a new dictionary, add it under the next id (scripts/push-dictionary) and pin it here;
  // never change a pinned one: items sealed with it wait in kiosks' outboxes.
  const std::string_view one = push_seal::dictionary(1);
  CHECK(one.size() == 12963);
  CHECK(blake2b_hex(one) == "65f0743338a70c4fd4265d920efccc2dc2f4949c795f944d782e3a428426d8ec");
  CHECK(push_seal::kDictionaryId == 1);  // the newest pinned id
  CHECK(push_seal::dictionary(0).empty());
  CHECK(push_seal::dictionary(push_seal::kDictionaryId + 1).empty());
  CHECK(push_seal::kMaxDictionaryId < 0x78);  // 0x78 starts the zlib items of older kiosks
  CHECK(one.size() <= 32 * 1024 - 128);      // fits deflate's window beside the device's part
}

TEST_CASE("a dictionary item opens to its envelope and is far smaller than the zlib item of before") {
  Server server;
  const std::string envelope = intake_envelope(1);
  auto item = push_seal::seal_item(server.keys.public_key, kDevice, envelope);
  REQUIRE(item);
  const std::string before = test::zlib_item(server.keys.public_key, kDevice, envelope);
  REQUIRE_FALSE(before.empty());
  CHECK(item->size() * 4 < before.size() * 3);  // a quarter smaller at least

  auto body = push_seal::items_body("b-1", {*item});
  REQUIRE(body);
  auto opened = push_seal::open(server.keys, kDevice, *body, 1 << 20);
  REQUIRE(opened);
  CHECK(*opened == "{\"batch_id\":\"b-1\",\"records\":[" + envelope + "]}");
  // The device's part of the preset is the one its token names: another device's does not open.
  CHECK_FALSE(push_seal::open(server.keys, "another-device", *body, 1 << 20));
}

TEST_CASE("a dictionary item is fixed-Huffman deflate: the server builds no code tables to open it") {
  Server server;
  const std::string envelope = intake_envelope(6);
  auto item = push_seal::seal_item(server.keys.public_key, kDevice, envelope);
  REQUIRE(item);
  // An item is the ephemeral public key, then nonce || ciphertext (docs/protocol.md "Sealed items").
  const std::string ephemeral = item->substr(0, crypto_box_PUBLICKEYBYTES);
  seal::SecretKey shared(crypto_box_BEFORENMBYTES);
  REQUIRE(crypto_box_beforenm(shared.data(), reinterpret_cast<const unsigned char*>(ephemeral.data()),
                              server.keys.secret_key.data()) == 0);
  auto plain = seal::decrypt(shared, std::string_view(*item).substr(crypto_box_PUBLICKEYBYTES),
                             std::string("waystation-push-item-v1") + '\0' + kDevice);
  REQUIRE(plain);
  REQUIRE(plain->size() > 1);
  CHECK(static_cast<unsigned char>((*plain)[0]) == push_seal::kDictionaryId);
  // RFC 1951 block header, least significant bits first: BFINAL, then BTYPE (01 = fixed codes).
  const auto header = static_cast<unsigned char>((*plain)[1]);
  CHECK(((header >> 1) & 0x3) == 0x1);
}

TEST_CASE("one body mixes items sealed before dictionaries with dictionary items, in order") {
  Server server;
  const std::string a = intake_envelope(2), b = intake_envelope(3), c = intake_envelope(4);
  auto new_b = push_seal::seal_item(server.keys.public_key, kDevice, b);
  REQUIRE(new_b);
  auto body = push_seal::items_body("b-2", {test::zlib_item(server.keys.public_key, kDevice, a), *new_b,
                                            test::zlib_item(server.keys.public_key, kDevice, c)});
  REQUIRE(body);
  CHECK(body->substr(0, 4) == "WSI1");
  auto opened = push_seal::open(server.keys, kDevice, *body, 1 << 20);
  REQUIRE(opened);
  CHECK(*opened == "{\"batch_id\":\"b-2\",\"records\":[" + a + "," + b + "," + c + "]}");
}

TEST_CASE("an item naming a dictionary the server does not know, or holding a broken stream, is refused by number") {
  Server server;
  const std::string envelope = intake_envelope(5);
  auto good = push_seal::seal_item(server.keys.public_key, kDevice, envelope);
  REQUIRE(good);
  for (const std::string& plaintext : {std::string("\x09xyz", 4), std::string("\x01\xff\xff", 3), std::string()}) {
    auto body = push_seal::items_body(
        "b-3", {*good, test::item_with_plaintext(server.keys.public_key, kDevice, plaintext)});
    REQUIRE(body);
    auto opened = push_seal::open(server.keys, kDevice, *body, 1 << 20);
    REQUIRE_FALSE(opened);
    CHECK(opened.error().code == "invalid_request");
    CHECK(opened.error().message.find("sealed item 2") != std::string::npos);
  }
  auto unknown = push_seal::open(
      server.keys, kDevice,
      push_seal::items_body("b-4", {test::item_with_plaintext(server.keys.public_key, kDevice, "\x09xyz")}).value(),
      1 << 20);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message.find("dictionary 9") != std::string::npos);
}

TEST_CASE("a dictionary item that inflates past the cap is too large") {
  Server server;
  const std::string big = "{\"v\":\"" + std::string(200'000, 'a') + "\"}";
  auto item = push_seal::seal_item(server.keys.public_key, kDevice, big);
  REQUIRE(item);
  CHECK(item->size() < 2'000);
  auto body = push_seal::items_body("b-5", {*item});
  REQUIRE(body);
  auto capped = push_seal::open(server.keys, kDevice, *body, 100'000);
  REQUIRE_FALSE(capped);
  CHECK(capped.error().code == "too_large");
  CHECK(push_seal::open(server.keys, kDevice, *body, 1 << 20));
}

// Session 18 reserves the opened body from the sealed one's size: a body that opens to more than
// that (one very compressible item) or to less (a short one) must open to the same bytes.
TEST_CASE("a body of many items opens to the exact records, whether it inflates past its reserve or not") {
  Server server;
  std::vector<std::string> envelopes, items;
  for (int n = 0; n < 300; ++n) {
    envelopes.push_back(n == 150 ? "{\"v\":\"" + std::string(300'000, 'a') + "\"}" : intake_envelope(100 + n));
    items.push_back(push_seal::seal_item(server.keys.public_key, kDevice, envelopes.back()).value());
  }
  std::string expected = "{\"batch_id\":\"b-6\",\"records\":[";
  for (std::size_t i = 0; i < envelopes.size(); ++i) expected += (i == 0 ? "" : ",") + envelopes[i];
  expected += "]}";
  auto body = push_seal::items_body("b-6", std::vector<std::string_view>(items.begin(), items.end()));
  REQUIRE(body);
  CHECK(expected.size() > 6 * body->size());  // past the reserve: the body grows as before
  auto opened = push_seal::open(server.keys, kDevice, *body, 1 << 22);
  REQUIRE(opened);
  CHECK(*opened == expected);

  auto short_body = push_seal::items_body("b-6", {items[0]});
  REQUIRE(short_body);
  auto one = push_seal::open(server.keys, kDevice, *short_body, 1 << 22);
  REQUIRE(one);
  CHECK(*one == "{\"batch_id\":\"b-6\",\"records\":[" + envelopes[0] + "]}");
  // The cap still counts what was opened, not what was reserved.
  auto capped = push_seal::open(server.keys, kDevice, *body, expected.size() - 10);
  REQUIRE_FALSE(capped);
  CHECK(capped.error().code == "too_large");
}
