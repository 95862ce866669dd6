#include "sync-server/core/database.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "sync-server/core/case_index.hpp"
#include "sync-server/core/records.hpp"
#include "sync-server/core/schema.hpp"

namespace ws::server {
namespace {

// Idle connections kept for reuse; more than the worker pool would only hold file handles.
constexpr std::size_t kMaxIdleConnections = 64;

// The writer's page cache: 8 MB (SQLite's default is 2 MB a connection). Each pushed record's
// existence probe seeks `records_id` where the new id would go, and the commits' new pages
// pushed those leaves out of 2 MB: the probe read them back one pread at a time. 8 MB holds a
// whole group of kiosk batches (kPushGroupMax x 500 records of ~1.1 KB, ingest.hpp) and the
// index pages around it. With 16 MB the server read about as many pages back, and a fresh one
// paged in the other 8 MB on its writer, the thread every batch waits for (docs/performance.md,
// session 30). One connection has it, not the pool's 64.
constexpr const char* kWriterCacheSize = "PRAGMA cache_size=-8192";

// The page size of a database the server creates. A stored record is ~1.2 KB, so a 4 KB page
// holds three: a pushed batch wrote a WAL frame, and split a leaf, every few records
// (docs/performance.md, session 26). A file made with 4 KB pages keeps them.
constexpr int kNewDatabasePageSize = 16384;

// How much of a write transaction's dirty pages stay in memory before they spill into the WAL
// (configure()).
constexpr std::int64_t kUnspilledBytes = 32LL * 1024 * 1024;

// The file holds personal data: only its owner may read it, whatever the umask. SQLite gives
// the -wal and -shm files the mode of the database file; files made by older versions are
// tightened here too (by their owner: another user's run, e.g. a read-only export, leaves them).
Status make_private(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);
  else if (errno != EEXIST) return fail("io_error", "cannot create " + path + ": " + std::strerror(errno));
  for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
    if (::chmod(file.c_str(), 0600) != 0 && errno != ENOENT && errno != EPERM && errno != EROFS) {
      return fail("io_error", "cannot make " + file + " private: " + std::strerror(errno));
    }
  }
  return ok();
}

// SQLite's memory statistics take a process-wide mutex around every allocation it makes and
// frees (several per row written); nothing here reads them (sqlite3_memory_used, heap limits).
// Only possible before SQLite initialises: where it already has (a test that opened a database
// first), it stays on and all works as before.
void turn_off_memory_statistics() {
  static const int once = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)once;
}

}  // namespace

Lease::Lease(Lease&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), conn_(std::move(other.conn_)), slot_(other.slot_) {}

Lease::~Lease() {
  if (!owner_ || !conn_.handle()) return;
  if (slot_ == Slot::Writer) owner_->writer_.emplace(std::move(conn_));
  else owner_->release(std::move(conn_));
}

Result<std::shared_ptr<Database>> Database::open(const std::string& path, DatabaseOptions options) {
  turn_off_memory_statistics();
  std::shared_ptr<Database> db(new Database(path, options));
  if (options.serving) {
    auto lock = ServingLock::acquire(path);
    if (!lock) return fail(lock.error());
    db->serving_lock_.emplace(std::move(*lock));
  }
  if (auto s = make_private(path); !s) return fail(s.error());
  auto conn = sql::Connection::open(path, sql::OpenOptions{.page_size = kNewDatabasePageSize});
  if (!conn) return fail(conn.error());
  // The upgrade runs under SQLite's own cache limits, before configure(): the serving settings
  // (an in-memory temp store, dirty pages held up to 32 MB) are sized for pushes, and a
  // migration's one transaction can be far larger. Under them, with spilling off as configure()
  // had it until session 17, migration 16's copy of `records` kept every page it wrote in memory
  // (420 MB for 200,000 records, 15 MB without).
  if (auto s = register_case_index_functions(*conn); !s) return fail(s.error());
  if (auto s = migrate(*conn); !s) return fail(s.error());
  if (auto s = db->configure(*conn); !s) return fail(s.error());
  auto epoch = options.serving ? start_epoch(*conn, path) : read_epoch(*conn);
  if (!epoch) return fail(epoch.error());
  db->epoch_ = *epoch;
  db->release(std::move(*conn));
  if (options.background_checkpoints) {
    auto own = sql::Connection::open(path);
    if (!own) return fail(own.error());
    db->checkpointer_ = std::thread(&Database::run_checkpoints, db.get(), std::move(*own));
  }
  return db;
}

Database::~Database() {
  if (!checkpointer_.joinable()) return;
  {
    std::lock_guard lock(checkpoint_mutex_);
    stopping_ = true;
  }
  checkpoint_wake_.notify_all();
  checkpointer_.join();
}

Status Database::configure(sql::Connection& conn) const {
  // Savepoint sub-journals of a batch stay in memory instead of temp files.
  if (auto s = conn.exec("PRAGMA temp_store=MEMORY"); !s) return s;
  // A write transaction (a group of pushed batches: group_commit.hpp) keeps its dirty pages in
  // memory up to 32 MB instead of spilling them into the WAL once the 2 MB page cache is full:
  // a spilled page that the transaction changes again is written to the WAL twice. Two
  // statements: SQLite takes `cache_spill=N` (in pages) as the threshold and also as an on/off
  // flag from N's low byte, and 8192's (or 2048's) is 0, which turned spilling off and left a
  // transaction's memory unbounded. `=ON` sets the flag and keeps the threshold.
  auto bytes_a_page = sql::page_size(conn);
  if (!bytes_a_page) return fail(bytes_a_page.error());
  const std::string spill = "PRAGMA cache_spill=" + std::to_string(kUnspilledBytes / *bytes_a_page);
  if (auto s = conn.exec(spill.c_str()); !s) return s;
  if (auto s = conn.exec("PRAGMA cache_spill=ON"); !s) return s;
  // Deleted and overwritten content is zeroed in the file, so an erased payload leaves no copy
  // in free pages or free cell space (see erasure.hpp).
  if (auto s = conn.exec("PRAGMA secure_delete=ON"); !s) return s;
  // The case index's writes fold names with it (case_index_rows.hpp).
  if (auto s = register_case_index_functions(conn); !s) return s;
  if (options_.background_checkpoints) return conn.exec("PRAGMA wal_autocheckpoint=0");
  return ok();
}

void Database::run_checkpoints(sql::Connection conn) {
  std::unique_lock lock(checkpoint_mutex_);
  while (true) {
    const bool stop = checkpoint_wake_.wait_for(lock, options_.checkpoint_interval, [&] { return stopping_; });
    lock.unlock();
    // PASSIVE never waits for readers or writers; what it cannot copy now, the next one does.
    // A failure (e.g. the disk is full) is retried on the next tick; commits stay durable in
    // the WAL meanwhile.
    (void)conn.exec("PRAGMA wal_checkpoint(PASSIVE)");
    if (options_.serving) remember_seq(conn);
    lock.lock();
    if (stop) return;
  }
}

void Database::remember_seq(sql::Connection& conn) {
  auto seq = current_seq(conn);
  if (!seq || *seq == remembered_seq_) return;
  // A failed write (full disk) is retried on the next tick; the sidecar only ever lags.
  if (remember_epoch(path_, epoch_, *seq)) remembered_seq_ = *seq;
}

Result<Lease> Database::acquire() {
  {
    std::lock_guard lock(pool_mutex_);
    if (!idle_.empty()) {
      sql::Connection conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
  }
  auto conn = open_configured();
  if (!conn) return fail(conn.error());
  return Lease(this, std::move(*conn));
}

Result<sql::Connection> Database::open_configured() const {
  auto conn = sql::Connection::open(path_);
  if (!conn) return fail(conn.error());
  if (auto s = configure(*conn); !s) return fail(s.error());
  return conn;
}

void Database::release(sql::Connection conn) {
  std::lock_guard lock(pool_mutex_);
  if (idle_.size() < kMaxIdleConnections) idle_.push_back(std::move(conn));
}

Result<Lease> Database::acquire_writer() {
  if (writer_) {
    sql::Connection conn = std::move(*writer_);
    writer_.reset();
    return Lease(this, std::move(conn), Lease::Slot::Writer);
  }
  auto conn = open_configured();
  if (!conn) return fail(conn.error());
  if (auto s = conn->exec(kWriterCacheSize); !s) return fail(s.error());
  return Lease(this, std::move(*conn), Lease::Slot::Writer);
}

Result<WriteScope> WriteScope::begin(Database& db) {
  std::unique_lock lock(db.write_mutex());
  auto lease = db.acquire_writer();
  if (!lease) return fail(lease.error());
  auto held = std::make_unique<Lease>(std::move(*lease));
  auto tx = sql::Transaction::begin(**held, sql::TxMode::Immediate);
  if (!tx) return fail(tx.error());
  return WriteScope(std::move(lock), std::move(held), std::move(*tx));
}

}  // namespace ws::server
