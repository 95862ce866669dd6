#pragma once
// The AEAD keys that open sealed pushes (ws/push_seal.hpp), kept per sender. A kiosk seals every
// item of its process's life with one ephemeral key pair, so the key that opens them is the same
// for every body it sends. Made anew for each body, it cost an X25519 and, worse, a locked key
// buffer: sodium_malloc's mmap, mprotect and mlock and sodium_free's munlock and munmap (whose
// TLB shootdown interrupts the other core), 1-2% of the server's cycles on a sealed push
// (docs/performance.md, session 20). The cached key tells nothing the server's own secret key
// does not: it is derived from that key and a public one, and lives in the same locked memory.
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "ws/result.hpp"
#include "ws/sealing.hpp"

namespace ws::push_seal {

class SharedKeys {
 public:
  // At most `capacity` keys are kept (each is a page of locked memory).
  explicit SharedKeys(std::size_t capacity);

  // crypto_box_beforenm(ephemeral_public, server_keys' secret key), made on first use.
  // "internal" when no locked memory is left; "invalid_request" for an unusable public key
  // (never kept).
  Result<std::shared_ptr<const seal::SecretKey>> get(const seal::KeyPair& server_keys, std::string_view ephemeral_public);

  std::size_t size() const;

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  // By server public key || ephemeral public key: a server that changes its key pair never
  // opens with a key made from the old one.
  std::map<std::string, std::shared_ptr<const seal::SecretKey>, std::less<>> keys_;
};

}  // namespace ws::push_seal
