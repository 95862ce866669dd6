#include "ws/push_seal.hpp"

#include <sodium.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>

#include "ws/crypto.hpp"
#include "ws/protocol.hpp"
#include "ws/push_dictionary.hpp"
#include "ws/push_shared_keys.hpp"

namespace ws::push_seal {
namespace {

const unsigned char* u8(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

std::string aad_for(const std::string& device_id) { return std::string("waystation-push-v1") + '\0' + device_id; }
// Another label for items: an item can never be taken for a whole body, nor the reverse.
std::string item_aad_for(const std::string& device_id) {
  return std::string("waystation-push-item-v1") + '\0' + device_id;
}

// One ephemeral key pair per server key, for the life of the process; only the shared key and
// the ephemeral public key are kept.
struct Ephemeral {
  std::string public_key;
  seal::SecretKey shared;
};

std::shared_ptr<const Ephemeral> ephemeral_for(const std::string& server_public_key) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const Ephemeral>> cache;
  std::lock_guard lock(mutex);
  if (auto it = cache.find(server_public_key); it != cache.end()) return it->second;
  auto pair = seal::make_key_pair();
  if (!pair) return nullptr;
  auto e = std::make_shared<Ephemeral>(Ephemeral{pair->public_key, seal::SecretKey(crypto_box_BEFORENMBYTES)});
  if (e->shared.empty() || crypto_box_beforenm(e->shared.data(), u8(server_public_key), pair->secret_key.data()) != 0) {
    return nullptr;
  }
  cache[server_public_key] = e;
  return e;
}

std::string deflate_fast(std::string_view text) {
  uLongf size = compressBound(static_cast<uLong>(text.size()));
  std::string out(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &size, u8(text), static_cast<uLong>(text.size()), 1) != Z_OK) {
    return {};
  }
  out.resize(size);
  return out;
}

// Runs one zlib stream to its end, appending what it inflates to `out`, which may hold at most
// `cap` bytes in all.
Status inflate_onto(z_stream& z, std::string& out, std::string_view compressed, std::size_t cap) {
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  z.avail_in = static_cast<uInt>(compressed.size());
  char chunk[64 * 1024];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    rc = inflate(&z, Z_NO_FLUSH);
    const std::size_t produced = sizeof chunk - z.avail_out;
    if (out.size() + produced > cap) rc = Z_MEM_ERROR;
    else out.append(chunk, produced);
    if (rc == Z_OK && produced == 0 && z.avail_in == 0) rc = Z_DATA_ERROR;  // truncated
  }
  if (rc == Z_MEM_ERROR) return fail("too_large", "the sealed body is larger than " + std::to_string(cap) + " bytes");
  if (rc != Z_STREAM_END) return fail("invalid_request", "the sealed body's content is corrupt");
  return ok();
}

// A zlib stream (whole bodies, and items sealed before dictionaries), inflated to at most `cap`
// bytes.
Result<std::string> inflate_capped(std::string_view compressed, std::size_t cap) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return fail("internal", "could not start inflating a sealed body");
  std::string out;
  auto s = inflate_onto(z, out, compressed, cap);
  inflateEnd(&z);
  if (!s) return fail(s.error());
  return out;
}

// The inflate streams of one body's items, reset for each: a stream per item allocated and freed
// its state and its 32 KB window a thousand times a batch. Per body, not per thread: the server
// has hundreds of request threads, and each would keep its streams.
class ItemInflater {
 public:
  ItemInflater() {
    zlib_ready_ = inflateInit(&zlib_) == Z_OK;
    raw_ready_ = inflateInit2(&raw_, -MAX_WBITS) == Z_OK;
  }
  ~ItemInflater() {
    if (zlib_ready_) inflateEnd(&zlib_);
    if (raw_ready_) inflateEnd(&raw_);
  }
  ItemInflater(const ItemInflater&) = delete;
  ItemInflater& operator=(const ItemInflater&) = delete;

  // A zlib stream, or with `preset` a raw deflate stream (RFC 1951) that starts from that
  // dictionary, appended to `out` (at most `cap` bytes in all).
  Status append(std::string& out, std::string_view compressed, std::size_t cap, std::string_view preset) {
    const bool raw = !preset.empty();
    z_stream& z = raw ? raw_ : zlib_;
    if (!(raw ? raw_ready_ : zlib_ready_) || inflateReset(&z) != Z_OK ||
        (raw && inflateSetDictionary(&z, u8(preset), static_cast<uInt>(preset.size())) != Z_OK)) {
      return fail("internal", "could not start inflating a sealed item");
    }
    return inflate_onto(z, out, compressed, cap);
  }

 private:
  z_stream zlib_{}, raw_{};
  bool zlib_ready_ = false, raw_ready_ = false;
};

// What both sides start an item's deflate from: the dictionary, then what only this device's
// records hold, nearest: every version (the record's and its fields') ends "@<device id>".
std::string preset_for(std::string_view dictionary, const std::string& device_id) {
  std::string out;
  out.reserve(dictionary.size() + device_id.size() + 16);
  out += dictionary;
  out += "-00000000@";
  out += device_id;
  out += "\"}";
  return out;
}

// One deflate stream per thread, reset for each item: setting up a stream (~260 KB of tables)
// cost more than compressing a 1 KB record from the dictionary.
//
// Fixed Huffman codes (Z_FIXED): an item is one small block, and a dynamic block's code tables
// cost the server more to build than the rest of the inflate (half the inflate's time, for ~5%
// more bytes on a 1 KB intake). Any deflate stream still opens, so items sealed before wait in
// outboxes unchanged.
class ItemDeflater {
 public:
  ItemDeflater() { ready_ = deflateInit2(&z_, kLevel, Z_DEFLATED, -MAX_WBITS, 8, Z_FIXED) == Z_OK; }
  ~ItemDeflater() {
    if (ready_) deflateEnd(&z_);
  }
  ItemDeflater(const ItemDeflater&) = delete;
  ItemDeflater& operator=(const ItemDeflater&) = delete;

  // An item's plaintext: its dictionary id (one byte), then `text` raw-deflated from `preset`.
  // "" if zlib failed.
  std::string deflate_item(std::string_view text, std::string_view preset) {
    if (!ready_ || deflateReset(&z_) != Z_OK ||
        deflateSetDictionary(&z_, u8(preset), static_cast<uInt>(preset.size())) != Z_OK) {
      return {};
    }
    std::string out(1 + deflateBound(&z_, static_cast<uLong>(text.size())), '\0');
    out[0] = static_cast<char>(kDictionaryId);
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    z_.avail_in = static_cast<uInt>(text.size());
    z_.next_out = reinterpret_cast<Bytef*>(out.data() + 1);
    z_.avail_out = static_cast<uInt>(out.size() - 1);
    if (deflate(&z_, Z_FINISH) != Z_STREAM_END) return {};
    out.resize(1 + z_.total_out);
    return out;
  }

 private:
  // Level 6 finds the dictionary's matches as level 9 does on ~1 KB records (the same bytes on
  // the bench's intake), and saves ~50 B an item over level 1.
  static constexpr int kLevel = 6;
  z_stream z_{};
  bool ready_ = false;
};

std::string deflate_item(std::string_view text, const std::string& device_id) {
  thread_local ItemDeflater deflater;
  return deflater.deflate_item(text, preset_for(dictionary(kDictionaryId), device_id));
}

// Items sealed before dictionaries hold a zlib stream, whose first byte (CMF) is always 0x78;
// no dictionary id takes that value.
constexpr unsigned char kZlibItem = 0x78;

// The envelope text of an item's plaintext, either form, appended to `out` (at most `cap` bytes
// in all). `presets` keeps each dictionary's preset for this body's device, made once per body.
Status append_item(ItemInflater& inflater, std::string& out, std::string_view plain, const std::string& device_id,
                   std::size_t cap, std::map<unsigned char, std::string>& presets) {
  if (plain.empty()) return fail("invalid_request", "the item is empty");
  const auto id = static_cast<unsigned char>(plain.front());
  if (id == kZlibItem) return inflater.append(out, plain, cap, {});
  auto preset = presets.find(id);
  if (preset == presets.end()) {
    const std::string_view known = id <= kMaxDictionaryId ? dictionary(id) : std::string_view();
    if (known.empty()) {
      return fail("invalid_request", "it names deflate dictionary " + std::to_string(id) + ", which this server does not know");
    }
    preset = presets.emplace(id, preset_for(known, device_id)).first;
  }
  return inflater.append(out, plain.substr(1), cap, preset->second);
}

Unexpected does_not_open() {
  return fail("invalid_request", "the sealed body does not open with this server's key (another server, or changed)");
}

Unexpected malformed(const std::string& what) {
  return fail("invalid_request", "the sealed push is malformed: " + what);
}

// Header of a stored item before its nonce: the ephemeral public key.
constexpr std::size_t kItemHeader = crypto_box_PUBLICKEYBYTES + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;

void put_be(std::string& out, std::size_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>((value >> (8 * i)) & 0xFF);
}

// Reads the body front to back; every read is bounds-checked.
struct Reader {
  std::string_view rest;
  bool take(std::size_t n, std::string_view& out) {
    if (rest.size() < n) return false;
    out = rest.substr(0, n);
    rest.remove_prefix(n);
    return true;
  }
  bool be(int bytes, std::size_t& out) {
    std::string_view raw;
    if (!take(static_cast<std::size_t>(bytes), raw)) return false;
    out = 0;
    for (unsigned char c : raw) out = (out << 8) | c;
    return true;
  }
};

// The opening keys of every body, shared across bodies and request threads: a kiosk's items all
// use one ephemeral key. 256 senders' keys at most (a page of locked memory each).
SharedKeys& shared_keys() {
  static SharedKeys keys(256);
  return keys;
}

// How many times its sealed size an items body is expected to open to, at most: compact intakes
// open to ~4.5 times (session 17's fixed codes); a little more covers richer records.
constexpr std::size_t kExpectedInflation = 6;

// Each item is opened and inflated before any of the batch is parsed, so a bad one refuses the
// whole body and nothing of it is applied.
Result<std::string> open_items(const seal::KeyPair& server_keys, const std::string& device_id, std::string_view body,
                               std::size_t cap) {
  Reader in{body.substr(kItemsMagic.size())};
  std::size_t id_size = 0, key_count = 0;
  std::string_view batch_id;
  if (!in.be(1, id_size) || id_size == 0 || !in.take(id_size, batch_id)) return malformed("no batch id");
  if (!in.be(2, key_count) || key_count == 0) return malformed("no ephemeral keys");
  std::vector<std::string_view> keys(key_count);
  for (auto& k : keys)
    if (!in.take(crypto_box_PUBLICKEYBYTES, k)) return malformed("the ephemeral keys are cut short");
  std::vector<std::shared_ptr<const seal::SecretKey>> shared(key_count);  // found when an item first uses the key
  const std::string aad = item_aad_for(device_id);
  std::map<unsigned char, std::string> presets;
  ItemInflater inflater;
  std::string out;
  // The body grows item by item to ~4.5 times the sealed one (dictionary items of intakes): grown
  // from empty, its doublings copied ~2 bytes a byte opened, ~1,000 instructions an item
  // (docs/performance.md, session 18). Reserved once; a body that inflates further still grows.
  out.reserve(std::min(cap, body.size() * kExpectedInflation));
  out += "{\"batch_id\":" +
         nlohmann::json(std::string(batch_id)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
         ",\"records\":[";
  std::size_t count = 0;
  while (!in.rest.empty()) {
    const std::string n = std::to_string(++count);
    if (count > protocol::kMaxBatchRecords) {
      return fail("too_large", "a batch may hold at most " + std::to_string(protocol::kMaxBatchRecords) + " records");
    }
    std::size_t key = 0, size = 0;
    std::string_view boxed;
    if (!in.be(2, key) || !in.be(4, size) || !in.take(size, boxed)) return malformed("item " + n + " is cut short");
    if (key >= key_count) return malformed("item " + n + " names an ephemeral key the body does not hold");
    if (!shared[key]) {
      auto found = shared_keys().get(server_keys, keys[key]);
      if (!found) return fail(found.error().code, "item " + n + ": " + found.error().message);
      shared[key] = std::move(*found);
    }
    auto deflated = seal::decrypt(*shared[key], boxed, aad);
    if (!deflated) {
      return fail("invalid_request", "sealed item " + n +
                                         " does not open with this server's key (another server, another device, or changed)");
    }
    if (count > 1) out += ',';
    const std::size_t start = out.size();
    // Inflated straight onto the body: an item's own string was allocated, grown and copied.
    if (auto s = append_item(inflater, out, *deflated, device_id, cap, presets); !s) {
      if (s.error().code == "too_large") return fail("too_large", "the sealed push is larger than " + std::to_string(cap) + " bytes");
      return fail(s.error().code, "sealed item " + n + ": " + s.error().message);
    }
    if (out.size() == start || out[start] != '{' || out.back() != '}') {
      return fail("invalid_request", "sealed item " + n + " does not hold one JSON object");
    }
  }
  out += "]}";
  return out;
}

}  // namespace

bool is_sealed(std::string_view body) {
  const auto magic = body.substr(0, kMagic.size());
  return magic == kMagic || magic == kItemsMagic;
}

Result<std::string> seal(const std::string& server_public_key, const std::string& device_id, std::string_view body) {
  crypto::init();
  if (server_public_key.size() != crypto_box_PUBLICKEYBYTES) {
    return fail("invalid_argument", "the server's public key has the wrong size");
  }
  auto eph = ephemeral_for(server_public_key);
  if (!eph) return fail("crypto", "could not make the key to seal a push");
  std::string out(kMagic);
  out += eph->public_key;
  out += seal::encrypt(eph->shared, deflate_fast(body), aad_for(device_id));
  return out;
}

Result<std::string> seal_item(const std::string& server_public_key, const std::string& device_id,
                              std::string_view envelope_json) {
  crypto::init();
  if (server_public_key.size() != crypto_box_PUBLICKEYBYTES) {
    return fail("invalid_argument", "the server's public key has the wrong size");
  }
  auto eph = ephemeral_for(server_public_key);
  if (!eph) return fail("crypto", "could not make the key to seal a record");
  const std::string deflated = deflate_item(envelope_json, device_id);
  if (deflated.empty()) return fail("internal", "could not compress a record to seal it");
  return eph->public_key + seal::encrypt(eph->shared, deflated, item_aad_for(device_id));
}

Result<std::string> items_body(const std::string& batch_id, const std::vector<std::string_view>& items) {
  if (batch_id.empty() || batch_id.size() > 255) return fail("invalid_argument", "a batch id must be 1-255 bytes");
  // Items sealed by one process share its ephemeral key: the body names each key once.
  std::vector<std::string_view> keys;
  std::vector<std::uint16_t> index_of(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].size() <= kItemHeader) return fail("invalid_argument", "a sealed item is too short");
    const std::string_view key(items[i].data(), crypto_box_PUBLICKEYBYTES);
    auto it = std::find(keys.begin(), keys.end(), key);
    if (it == keys.end()) {
      if (keys.size() == 0xFFFF) return fail("invalid_argument", "too many ephemeral keys in one batch");
      it = keys.insert(keys.end(), key);
    }
    index_of[i] = static_cast<std::uint16_t>(it - keys.begin());
  }
  std::size_t size = kItemsMagic.size() + 1 + batch_id.size() + 2 + keys.size() * crypto_box_PUBLICKEYBYTES;
  for (const auto& item : items) size += 6 + item.size() - crypto_box_PUBLICKEYBYTES;
  std::string out;
  out.reserve(size);  // a batch's body is ~400 KB: grown by doubling it was copied ~20 times
  out += kItemsMagic;
  out += static_cast<char>(batch_id.size());
  out += batch_id;
  put_be(out, keys.size(), 2);
  for (const auto& k : keys) out += k;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string_view boxed = std::string_view(items[i]).substr(crypto_box_PUBLICKEYBYTES);
    put_be(out, index_of[i], 2);
    put_be(out, boxed.size(), 4);
    out += boxed;
  }
  return out;
}

Result<std::string> open(const seal::KeyPair& server_keys, const std::string& device_id, std::string_view sealed,
                         std::size_t cap) {
  crypto::init();
  if (server_keys.secret_key.size() != crypto_box_SECRETKEYBYTES) return fail("internal", "the server's key is unusable");
  if (sealed.substr(0, kItemsMagic.size()) == kItemsMagic) return open_items(server_keys, device_id, sealed, cap);
  const std::size_t header = kMagic.size() + crypto_box_PUBLICKEYBYTES;
  if (sealed.substr(0, kMagic.size()) != kMagic || sealed.size() <= header) return does_not_open();
  auto shared = shared_keys().get(server_keys, sealed.substr(kMagic.size(), crypto_box_PUBLICKEYBYTES));
  if (!shared) return does_not_open();
  auto deflated = seal::decrypt(**shared, sealed.substr(header), aad_for(device_id));
  if (!deflated) return does_not_open();
  return inflate_capped(*deflated, cap);
}

std::string encode_key(const std::string& raw_key) {
  crypto::init();
  std::string out(sodium_base64_ENCODED_LEN(raw_key.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), u8(raw_key), raw_key.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::string decode_key(std::string_view text) {
  crypto::init();
  std::string out(crypto_box_PUBLICKEYBYTES, '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &len, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      len != crypto_box_PUBLICKEYBYTES) {
    return {};
  }
  return out;
}

}  // namespace ws::push_seal
