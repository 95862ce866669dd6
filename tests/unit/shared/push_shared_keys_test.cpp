// The opening keys of sealed pushes kept per sender (ws/push_shared_keys.hpp): one key made per
// (server key pair, ephemeral key), the key that X25519 gives, never one of another server.
#include <doctest/doctest.h>
#include <sodium.h>

#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ws/push_seal.hpp"
#include "ws/push_shared_keys.hpp"
#include "ws/sealing.hpp"

using namespace ws;

namespace {

std::string as_text(const seal::SecretKey& key) { return std::string(reinterpret_cast<const char*>(key.data()), key.size()); }

std::string beforenm(const seal::KeyPair& server, const std::string& ephemeral_public) {
  std::string out(crypto_box_BEFORENMBYTES, '\0');
  REQUIRE(crypto_box_beforenm(reinterpret_cast<unsigned char*>(out.data()),
                              reinterpret_cast<const unsigned char*>(ephemeral_public.data()), server.secret_key.data()) == 0);
  return out;
}

}  // namespace

TEST_CASE("a sender's opening key is made once and shared by its later bodies") {
  push_seal::SharedKeys keys(8);
  const auto server = seal::make_key_pair().value();
  const auto sender = seal::make_key_pair().value();
  auto first = keys.get(server, sender.public_key);
  REQUIRE(first);
  CHECK(as_text(**first) == beforenm(server, sender.public_key));
  auto again = keys.get(server, sender.public_key);
  REQUIRE(again);
  CHECK(again->get() == first->get());
  CHECK(keys.size() == 1);
}

TEST_CASE("the same ephemeral key to another server pair gets that server's key") {
  push_seal::SharedKeys keys(8);
  const auto a = seal::make_key_pair().value();
  const auto b = seal::make_key_pair().value();
  const auto sender = seal::make_key_pair().value();
  auto for_a = keys.get(a, sender.public_key);
  auto for_b = keys.get(b, sender.public_key);
  REQUIRE(for_a);
  REQUIRE(for_b);
  CHECK(as_text(**for_a) == beforenm(a, sender.public_key));
  CHECK(as_text(**for_b) == beforenm(b, sender.public_key));
  CHECK(keys.size() == 2);
}

TEST_CASE("more senders than the capacity: at most the capacity kept, every key still right") {
  push_seal::SharedKeys keys(4);
  const auto server = seal::make_key_pair().value();
  std::vector<std::string> senders;
  for (int i = 0; i < 10; ++i) senders.push_back(seal::make_key_pair().value().public_key);
  for (int round = 0; round < 2; ++round) {
    for (const auto& s : senders) {
      auto key = keys.get(server, s);
      REQUIRE(key);
      CHECK(as_text(**key) == beforenm(server, s));
      CHECK(keys.size() <= 4);
    }
  }
  // A key handed out stays usable after the cache let it go.
  auto held = keys.get(server, senders[0]);
  REQUIRE(held);
  for (std::size_t i = 1; i < senders.size(); ++i) REQUIRE(keys.get(server, senders[i]));
  CHECK(as_text(**held) == beforenm(server, senders[0]));
}

TEST_CASE("an unusable ephemeral key is refused and not kept") {
  push_seal::SharedKeys keys(8);
  const auto server = seal::make_key_pair().value();
  const std::string zero(crypto_box_PUBLICKEYBYTES, '\0');  // a low-order point: X25519 gives all zeros
  auto refused = keys.get(server, zero);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == "invalid_request");
  CHECK_FALSE(keys.get(server, std::string_view(zero).substr(1)));
  CHECK(keys.size() == 0);
}

TEST_CASE("threads asking for the same sender's key at once all get the one kept") {
  push_seal::SharedKeys keys(8);
  const auto server = seal::make_key_pair().value();
  const auto sender = seal::make_key_pair().value();
  std::vector<std::shared_ptr<const seal::SecretKey>> held(8);
  {
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < held.size(); ++i) {
      threads.emplace_back([&, i] {
        auto k = keys.get(server, sender.public_key);
        if (k) held[i] = *k;
      });
    }
    for (auto& t : threads) t.join();
  }
  auto kept = keys.get(server, sender.public_key);
  REQUIRE(kept);
  for (const auto& h : held) {
    REQUIRE(h);
    CHECK(as_text(*h) == beforenm(server, sender.public_key));
  }
  CHECK(keys.size() == 1);
}

TEST_CASE("sealed items of one sender open body after body, and not with another server's key") {
  const auto server = seal::make_key_pair().value();
  const auto other = seal::make_key_pair().value();
  const std::string device = "0192f0e4-5b6c-7d8e-9fab-0c1d2e3f4a5b";
  for (int body = 0; body < 3; ++body) {
    const std::string envelope = "{\"id\":\"r" + std::to_string(body) + "\"}";
    auto item = push_seal::seal_item(server.public_key, device, envelope);
    REQUIRE(item);
    auto sealed = push_seal::items_body("b" + std::to_string(body), {*item});
    REQUIRE(sealed);
    auto opened = push_seal::open(server, device, *sealed, 1 << 20);
    REQUIRE(opened);
    CHECK(*opened == "{\"batch_id\":\"b" + std::to_string(body) + "\",\"records\":[" + envelope + "]}");
    CHECK_FALSE(push_seal::open(other, device, *sealed, 1 << 20));
  }
}
