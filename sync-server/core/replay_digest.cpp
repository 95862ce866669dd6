#include "sync-server/core/replay_digest.hpp"

#include <sodium.h>
#include <xxhash.h>

#include <new>

namespace ws::server {

struct ReplayDigest::State {
  XXH3_state_t* xxh = nullptr;
  ~State() { XXH3_freeState(xxh); }
};

ReplayDigest::ReplayDigest(std::string_view device_id) : state_(std::make_unique<State>()) {
  state_->xxh = XXH3_createState();
  // Only an allocation can fail here; without a state no batch could be told from another.
  if (!state_->xxh || XXH3_128bits_reset(state_->xxh) != XXH_OK) throw std::bad_alloc();
  add(device_id);
}

ReplayDigest::~ReplayDigest() = default;

void ReplayDigest::add(std::string_view line) { XXH3_128bits_update(state_->xxh, line.data(), line.size()); }

std::string ReplayDigest::finish() {
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(state_->xxh));
  char hex[2 * sizeof canonical.digest + 1];
  sodium_bin2hex(hex, sizeof hex, canonical.digest, sizeof canonical.digest);
  return std::string(kReplayDigestPrefix) + hex;
}

}  // namespace ws::server
