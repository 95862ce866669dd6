#pragma once
// Checkpoints the kiosk's WAL from a thread of its own while a push runs.
//
// SQLite's automatic checkpoint runs inside the commit that takes the WAL past 1,000 pages: in
// a push that is nearly every acknowledgement, which then also copies ~1,300 pages back into
// the database and fsyncs it before the round can go on. With the automatic one off on the
// push's connection, this thread does that work beside the round (as the sync server does,
// sync-server/core/database.hpp). Commits stay durable in the WAL meanwhile: a checkpoint only
// moves what is committed already, so a crash at any instant loses nothing.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "ws/result.hpp"
#include "ws/sqlite.hpp"

namespace ws::kiosk {

class WalCheckpointer {
 public:
  // Opens its own connection to the database at `path`; `writer` (the push's connection) stops
  // checkpointing on its commits until this is destroyed.
  static Result<std::unique_ptr<WalCheckpointer>> start(sql::Connection& writer, const std::string& path);
  // Catches up with what is committed, then gives the writer its automatic checkpoint back.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Something was committed: checkpoint soon. Never blocks on the checkpoint itself.
  void nudge();

 private:
  WalCheckpointer(sql::Connection& writer, sql::Connection own);
  void run();

  sql::Connection& writer_;
  sql::Connection own_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ws::kiosk
