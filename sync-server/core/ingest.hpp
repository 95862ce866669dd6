#pragma once
// POST /v1/push: a device's batch of records, merged into the store in one durable transaction,
// exactly once per batch_id. The reply is stored with the batch, so a replay returns it byte for
// byte and changes nothing.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync-server/core/check_pool.hpp"
#include "sync-server/core/check_turns.hpp"
#include "sync-server/core/database.hpp"
#include "sync-server/core/devices.hpp"
#include "sync-server/core/group_commit.hpp"
#include "sync-server/core/payload_validator.hpp"
#include "sync-server/core/reuse_pool.hpp"
#include "ws/hlc.hpp"
#include "ws/protocol.hpp"
#include "ws/result.hpp"

namespace ws::server {

struct PushCounts {
  int applied = 0;
  int duplicate = 0;
  int merged = 0;
  int rejected = 0;
  int conflicts = 0;
};

struct PushReply {
  std::string body;  // the JSON reply, identical for the first answer and every replay
  bool replay = false;
  PushCounts counts;  // zero for a replay
};

// Kinds a kiosk may push. `counsellor` is allowed for the first account made on a kiosk.
bool kiosk_may_push(const std::string& kind);

struct Candidate;  // one pushed record after its checks (ingest.cpp)

// Batches that may share one transaction and fsync (group_commit.hpp). With no savepoint per
// batch, groups cost no more CPU than lone commits and take a quarter off the commits' share
// (docs/performance.md, session 11); 8 batches of 500 fit the writer's unspilled page cache
// (database.cpp), and a group that fails rewrites at most 8 batches one by one.
inline constexpr std::size_t kPushGroupMax = 8;

class Ingest {
 public:
  // `check_helpers`: the threads that check a large batch's second half (check_pool.hpp). As
  // many batches are checked at once as there are checking threads (check_turns.hpp).
  Ingest(Database& db, PayloadValidator& validator, HlcClock& clock,
         unsigned check_helpers = CheckPool::default_helpers());
  ~Ingest();

  // Errors (mapped to HTTP by the caller): "invalid_request" and "invalid_json" 400, "too_large" 413,
  // "forbidden" 403 (a record of another centre: nothing stored), "batch_conflict" 409,
  // database codes 5xx.
  Result<PushReply> push(const Device& device, const nlohmann::json& body);
  // The same, consuming the parsed body instead of copying it.
  Result<PushReply> push(const Device& device, nlohmann::json&& body);
  // The same for a request already split by the HTTP layer; records still in text form are
  // parsed here, on the checking threads ("invalid_json" 400 if one does not parse). `turn`: the
  // caller's turn to be checked if it took one before opening the body (check_turn()); without
  // one the batch waits for its turn here. Either way the turn is given back once the batch is
  // checked, before it waits for the writer.
  Result<PushReply> push(const Device& device, protocol::PushRequest&& request, CheckTurns::Turn turn = {});

  // Blocks until this caller's batch may be opened and checked (check_turns.hpp).
  CheckTurns::Turn check_turn() { return turns_.take(); }

  // The writer that batches share (for tests and metrics).
  GroupCommit& group_commit() { return group_; }
  // The helpers that check large batches (for tests and metrics).
  const CheckPool& checkers() const { return checkers_; }
  // The turns batches take to be checked (for tests and metrics).
  const CheckTurns& check_turns() const { return turns_; }

 private:
  void check_all(protocol::PushRequest& request, const std::string& device_centre,
                 std::vector<Candidate>& out);
  Result<PushReply> write_batch(sql::Connection& db, const Device& device, const std::string& batch_id,
                                std::vector<Candidate>& candidates, const std::string& digest);

  Database& db_;
  PayloadValidator& validator_;
  HlcClock& clock_;
  GroupCommit group_;
  CheckPool checkers_;
  CheckTurns turns_;
  // Each push's list of checked records, kept for the next push (reuse_pool.hpp).
  ReusePool<std::vector<Candidate>> candidate_lists_;
};

}  // namespace ws::server
