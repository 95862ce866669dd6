#include "ws/push_shared_keys.hpp"

#include <sodium.h>

#include "ws/crypto.hpp"

namespace ws::push_seal {
namespace {

Result<std::shared_ptr<const seal::SecretKey>> derive(const seal::KeyPair& server_keys, std::string_view ephemeral_public) {
  if (ephemeral_public.size() != crypto_box_PUBLICKEYBYTES || server_keys.secret_key.size() != crypto_box_SECRETKEYBYTES) {
    return fail("invalid_request", "an ephemeral key is not usable");
  }
  auto shared = std::make_shared<seal::SecretKey>(crypto_box_BEFORENMBYTES);
  if (shared->empty()) return fail("internal", "could not allocate locked memory for a key");
  if (crypto_box_beforenm(shared->data(), reinterpret_cast<const unsigned char*>(ephemeral_public.data()),
                          server_keys.secret_key.data()) != 0) {
    return fail("invalid_request", "an ephemeral key is not usable");
  }
  return std::shared_ptr<const seal::SecretKey>(std::move(shared));
}

}  // namespace

SharedKeys::SharedKeys(std::size_t capacity) : capacity_(capacity) {}

Result<std::shared_ptr<const seal::SecretKey>> SharedKeys::get(const seal::KeyPair& server_keys,
                                                              std::string_view ephemeral_public) {
  crypto::init();
  std::string id = server_keys.public_key;
  id += ephemeral_public;
  {
    std::lock_guard lock(mutex_);
    if (auto it = keys_.find(id); it != keys_.end()) return it->second;
  }
  // Derived outside the lock: two bodies of a new sender may both derive it, and one is kept.
  auto made = derive(server_keys, ephemeral_public);
  if (!made || capacity_ == 0) return made;
  std::lock_guard lock(mutex_);
  // Full: one key goes (the first in order, which is as good as any: senders' keys are random),
  // so a fleet larger than the capacity still finds most of its keys.
  if (keys_.size() >= capacity_ && !keys_.count(id)) keys_.erase(keys_.begin());
  return keys_.try_emplace(std::move(id), *made).first->second;
}

std::size_t SharedKeys::size() const {
  std::lock_guard lock(mutex_);
  return keys_.size();
}

}  // namespace ws::push_seal
