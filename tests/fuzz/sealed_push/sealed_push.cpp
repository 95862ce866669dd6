// What the server's push route runs on a sealed body before anything parses it
// (ws/push_seal.hpp: sealed items "WSI1" and whole bodies "WSS1"): any bytes are refused or
// opened, never a crash or an over-read. Then the round trip: the input cut into items, sealed
// alternately as a kiosk seals an outbox row now (from the preset dictionary) and as kiosks
// before dictionaries did (zlib inside), must open to exactly the push body of those items.
#include <memory>
#include <nlohmann/json.hpp>

#include "tests/fuzz/fuzz.hpp"
#include "tests/support/sealed_item.hpp"
#include "ws/push_seal.hpp"

namespace ws::fuzz {
namespace {

constexpr std::size_t kCap = 1 << 20;
const std::string kDevice = "fuzz-device";

const seal::KeyPair& server_keys() {
  static const auto keys = std::make_unique<seal::KeyPair>(seal::make_key_pair().value());
  return *keys;
}

}  // namespace

int sealed_push(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = text_of(data, size);
  if (auto opened = push_seal::open(server_keys(), kDevice, input, kCap)) {
    WS_FUZZ_CHECK(!opened->empty());
  }
  // At most 8 items, cut at NUL bytes, each wrapped as one JSON object.
  std::vector<std::string> items;
  std::string expected = "{\"batch_id\":\"b\",\"records\":[";
  std::size_t start = 0;
  while (items.size() < 8 && start <= input.size()) {
    const std::size_t end = std::min(input.find('\0', start), input.size());
    const std::string text = nlohmann::json{{"v", std::string(input.substr(start, end - start))}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
    auto item = items.size() % 2 ? Result<std::string>(test::zlib_item(server_keys().public_key, kDevice, text))
                                  : push_seal::seal_item(server_keys().public_key, kDevice, text);
    WS_FUZZ_CHECK(item.has_value() && !item->empty());
    items.push_back(std::move(*item));
    expected += (items.size() > 1 ? "," : "") + text;
    start = end + 1;
  }
  expected += "]}";
  auto body = push_seal::items_body("b", std::vector<std::string_view>(items.begin(), items.end()));
  WS_FUZZ_CHECK(body.has_value());
  auto opened = push_seal::open(server_keys(), kDevice, *body, kCap);
  WS_FUZZ_CHECK(opened.has_value() && *opened == expected);
  return 0;
}

}  // namespace ws::fuzz

WS_FUZZ_ENTRY(sealed_push)
