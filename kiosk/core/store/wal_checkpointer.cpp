#include "kiosk/core/store/wal_checkpointer.hpp"

namespace ws::kiosk {

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::start(sql::Connection& writer, const std::string& path) {
  auto own = sql::Connection::open(path);
  if (!own) return fail(own.error());
  // The WAL may grow to a whole push while the round keeps writing; once the push is over and
  // checkpointed, the next write starts it again and cuts the file back to this size.
  if (auto s = writer.exec("PRAGMA journal_size_limit = 16777216"); !s) return fail(s.error());
  if (auto s = writer.exec("PRAGMA wal_autocheckpoint = 0"); !s) return fail(s.error());
  return std::unique_ptr<WalCheckpointer>(new WalCheckpointer(writer, std::move(*own)));
}

WalCheckpointer::WalCheckpointer(sql::Connection& writer, sql::Connection own)
    : writer_(writer), own_(std::move(own)), thread_(&WalCheckpointer::run, this) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  // SQLite's default again, for whatever the connection writes next.
  (void)writer_.exec("PRAGMA wal_autocheckpoint = 1000");
}

void WalCheckpointer::nudge() {
  {
    std::lock_guard lock(mutex_);
    pending_ = true;
  }
  wake_.notify_one();
}

void WalCheckpointer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return pending_ || stopping_; });
    const bool last = stopping_;
    pending_ = false;
    lock.unlock();
    // PASSIVE never waits for the writer or readers; what it cannot copy now, the next one
    // (at the latest the last one, when the push is over) does. A failure (a full disk) leaves
    // the commits in the WAL, durable, for a later checkpoint.
    (void)own_.exec("PRAGMA wal_checkpoint(PASSIVE)");
    lock.lock();
    if (last) return;
  }
}

}  // namespace ws::kiosk
