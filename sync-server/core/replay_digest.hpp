#pragma once
// What a batch_id's stored digest is: the device's id and every record's canonical line, hashed.
// A batch that comes again under a stored batch_id is a retry (answered with the stored reply)
// only when the same device sends the same lines; anything else is a conflict.
//
// The hash is XXH3's 128 bits, not a cryptographic one: the device id is compared before the
// digest, so only the device that stored a batch can meet its digest, and a collision it made
// on purpose would cost nobody but itself (its own new records answered with the old reply).
// BLAKE2b cost ~5,000 instructions a record on the checking cores (docs/performance.md,
// session 27). Digests stored before are BLAKE2b's (64 hex digits, no prefix): a retry of such
// a batch is hashed that way too, so an upgrade between a push and its retry changes nothing.
#include <memory>
#include <string>
#include <string_view>

#include "ws/crypto.hpp"

namespace ws::server {

// The prefix of the current form: "xxh3:" and 32 hex digits.
inline constexpr std::string_view kReplayDigestPrefix = "xxh3:";

class ReplayDigest {
 public:
  explicit ReplayDigest(std::string_view device_id);
  ~ReplayDigest();
  ReplayDigest(const ReplayDigest&) = delete;
  ReplayDigest& operator=(const ReplayDigest&) = delete;

  // One record's canonical line (ingest.cpp), newline first.
  void add(std::string_view line);
  std::string finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The form servers stored before session 27: BLAKE2b-256 as 64 hex digits.
class LegacyReplayDigest {
 public:
  explicit LegacyReplayDigest(std::string_view device_id) { add(device_id); }
  void add(std::string_view line) { blake2b_.update(line); }
  std::string finish() { return blake2b_.hex(); }

 private:
  crypto::Digest blake2b_;
};

// Whether `stored` was made in the current form (else it is a legacy one).
inline bool is_current_replay_digest(std::string_view stored) { return stored.starts_with(kReplayDigestPrefix); }

}  // namespace ws::server
