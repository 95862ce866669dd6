#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <vector>

#include "wal_recording_vfs.hpp"
#include "ws/ids.hpp"
#include "ws/sqlite.hpp"
#include "ws/sqlite_wal_vfs.hpp"

namespace {

using ws::test::recorded_wal_calls;
using ws::test::WalCall;

constexpr int kPageSize = 4096;
constexpr int kFrameBytes = 24 + kPageSize;

struct TempDb {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("ws-walvfs-" + ws::new_uuid_v7() + ".db");
  std::string wal() const { return path.string() + "-wal"; }
  ~TempDb() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix, ec);
  }
};

// The shim over the recorder: what the shim hands down is what the recorder sees.
const char* shim_over_recorder() {
  static std::once_flag once;
  static constexpr const char* kName = "ws-test-wal-shim-over-recorder";
  std::call_once(once, [] {
    REQUIRE(ws::sql::register_wal_coalescing_vfs(kName, sqlite3_vfs_find(ws::test::wal_recording_vfs_name())));
  });
  return kName;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void exec(sqlite3* db, const char* sql) {
  char* msg = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &msg);
  INFO(sql << ": " << (msg ? msg : ""));
  sqlite3_free(msg);
  REQUIRE(rc == SQLITE_OK);
}

sqlite3* open_with(const std::string& path, const char* vfs) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs) == SQLITE_OK);
  exec(db, "PRAGMA journal_mode=WAL");
  exec(db, "PRAGMA synchronous=FULL");
  exec(db, "PRAGMA wal_autocheckpoint=0");
  return db;
}

// Transactions of one and of many pages, with rows that overflow onto pages of their own.
void write_transactions(sqlite3* db, int first, int count) {
  exec(db, "CREATE TABLE IF NOT EXISTS t(i INTEGER PRIMARY KEY, b BLOB)");
  for (int i = first; i < first + count; ++i) {
    const std::string sql = "INSERT INTO t VALUES(" + std::to_string(i) + ", zeroblob(" +
                            std::to_string((i % 3) * 5000 + 100) + "))";
    exec(db, sql.c_str());
  }
  exec(db, "UPDATE t SET b = randomblob(300) WHERE i % 4 = 0");  // randomness comes from the seeded PRNG
}

std::int64_t count_rows(sqlite3* db) {
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  const std::int64_t n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

std::string integrity(sqlite3* db) {
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  std::string verdict = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return verdict;
}

struct WalRun {
  std::string wal_bytes;
  std::vector<WalCall> calls;
};

// The same transactions, from the same PRNG seed, so the WAL's salts and checksums match too.
WalRun run_workload(const char* vfs) {
  TempDb tmp;
  sqlite3_test_control(SQLITE_TESTCTRL_PRNG_SEED, 1914, nullptr);
  recorded_wal_calls().clear();
  sqlite3* db = open_with(tmp.path.string(), vfs);
  write_transactions(db, 0, 30);
  WalRun run{file_bytes(tmp.wal()), recorded_wal_calls()};
  sqlite3_close(db);
  sqlite3_test_control(SQLITE_TESTCTRL_PRNG_SEED, 0, nullptr);  // back to real randomness
  return run;
}

std::vector<WalCall> writes(const std::vector<WalCall>& calls) {
  std::vector<WalCall> out;
  std::copy_if(calls.begin(), calls.end(), std::back_inserter(out), [](const WalCall& c) { return c.op == "write"; });
  return out;
}

// Bytes handed down before each sync: the shim may join writes, never move one past a sync.
std::vector<std::int64_t> bytes_before_each_sync(const std::vector<WalCall>& calls) {
  std::vector<std::int64_t> out;
  std::int64_t written = 0;
  for (const auto& c : calls) {
    if (c.op == "write") written += c.amount;
    if (c.op == "sync") out.push_back(written);
  }
  return out;
}

// A WAL file opened straight through the shim's xOpen, to drive its methods one by one.
struct DirectWalFile {
  TempDb tmp;
  std::string wal_path = tmp.wal();
  std::vector<std::max_align_t> storage;
  sqlite3_file* file = nullptr;
  DirectWalFile() {
    { std::ofstream touch(tmp.path); }  // the unix VFS takes a WAL file's mode from its database
    sqlite3_vfs* vfs = sqlite3_vfs_find(shim_over_recorder());
    REQUIRE(vfs);
    storage.resize(static_cast<std::size_t>(vfs->szOsFile) / sizeof(std::max_align_t) + 1);
    file = reinterpret_cast<sqlite3_file*>(storage.data());
    REQUIRE(vfs->xOpen(vfs, wal_path.c_str(), file, SQLITE_OPEN_WAL | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                       nullptr) == SQLITE_OK);
    REQUIRE(file->pMethods);
    // The WAL's own 32-byte header first, as SQLite writes it: frames append after it.
    const std::string wal_header(32, 'w');
    REQUIRE(file->pMethods->xWrite(file, wal_header.data(), 32, 0) == SQLITE_OK);
    recorded_wal_calls().clear();
  }
};

}  // namespace

TEST_CASE("sqlite WAL shim: one write per frame, and the WAL's bytes are those SQLite wrote") {
  const WalRun plain = run_workload(ws::test::wal_recording_vfs_name());
  const WalRun shimmed = run_workload(shim_over_recorder());

  REQUIRE(plain.wal_bytes.size() > 32 + 20 * kFrameBytes);
  CHECK(shimmed.wal_bytes == plain.wal_bytes);
  const auto frames = static_cast<int>((plain.wal_bytes.size() - 32) / kFrameBytes);

  // Without the shim: the 32-byte WAL header, then header and page of every frame apart.
  const auto plain_writes = writes(plain.calls);
  CHECK(plain_writes.size() == static_cast<std::size_t>(1 + 2 * frames));
  // With it: the WAL header, then one write of header and page together per frame.
  const auto joined = writes(shimmed.calls);
  REQUIRE(joined.size() == static_cast<std::size_t>(1 + frames));
  CHECK(joined[0].offset == 0);
  CHECK(joined[0].amount == 32);
  for (int i = 1; i <= frames; ++i) {
    CHECK(joined[i].offset == 32 + static_cast<std::int64_t>(i - 1) * kFrameBytes);
    CHECK(joined[i].amount == kFrameBytes);
  }
  const auto syncs = bytes_before_each_sync(plain.calls);
  CHECK(syncs.size() >= 30);  // synchronous=FULL: a sync per commit, none lost
  CHECK(bytes_before_each_sync(shimmed.calls) == syncs);
}

TEST_CASE("sqlite WAL shim: a held frame header is written before any other call on its file") {
  DirectWalFile direct;
  sqlite3_file* file = direct.file;
  const std::string& wal_path = direct.wal_path;

  const std::string header(24, 'h');
  REQUIRE(file->pMethods->xWrite(file, header.data(), 24, 32) == SQLITE_OK);
  CHECK(recorded_wal_calls().empty());  // held

  char page[100] = {};
  sqlite3_int64 size = 0;
  int reserved = 0;
  const std::string other(24, 'o');
  std::string expected_op;
  SUBCASE("read") {
    expected_op = "read";
    REQUIRE(file->pMethods->xRead(file, page, 24, 32) == SQLITE_OK);
    CHECK(std::string(page, 24) == header);  // SQLite reads what it wrote
  }
  SUBCASE("sync") {
    expected_op = "sync";
    REQUIRE(file->pMethods->xSync(file, SQLITE_SYNC_FULL) == SQLITE_OK);
  }
  SUBCASE("truncate") {
    expected_op = "truncate";
    REQUIRE(file->pMethods->xTruncate(file, 0) == SQLITE_OK);
  }
  SUBCASE("file size") {
    expected_op = "size";
    REQUIRE(file->pMethods->xFileSize(file, &size) == SQLITE_OK);
    CHECK(size == 32 + 24);
  }
  SUBCASE("lock") {
    expected_op = "lock";
    REQUIRE(file->pMethods->xLock(file, SQLITE_LOCK_SHARED) == SQLITE_OK);
  }
  SUBCASE("check reserved lock") {
    expected_op = "check_reserved_lock";
    REQUIRE(file->pMethods->xCheckReservedLock(file, &reserved) == SQLITE_OK);
  }
  SUBCASE("file control") {
    expected_op = "file_control";
    (void)file->pMethods->xFileControl(file, SQLITE_FCNTL_SIZE_HINT, &size);
  }
  SUBCASE("a header written elsewhere, not after the last write, goes down at once") {
    expected_op = "write";
    REQUIRE(file->pMethods->xWrite(file, other.data(), 24, 1000) == SQLITE_OK);
    REQUIRE(recorded_wal_calls().size() == 2);  // as walRewriteChecksums rewrites a header in place
    CHECK(recorded_wal_calls()[0].offset == 32);
  }
  SUBCASE("close") { expected_op = "close"; }

  REQUIRE(file->pMethods->xClose(file) == SQLITE_OK);
  const auto& calls = recorded_wal_calls();
  REQUIRE(calls.size() >= 2);
  CHECK(calls[0].op == "write");
  CHECK(calls[0].offset == 32);
  CHECK(calls[0].amount == 24);
  CHECK(calls[1].op == expected_op);
  const std::string on_disk = file_bytes(wal_path);
  if (expected_op != "truncate") {
    REQUIRE(on_disk.size() >= 56);
    CHECK(on_disk.substr(32, 24) == header);
  }
  if (expected_op == "write") {
    CHECK(calls[1].offset == 1000);
    REQUIRE(on_disk.size() == 1024);
    CHECK(on_disk.substr(1000, 24) == other);
  }
}

TEST_CASE("sqlite WAL shim: a header and its page go down as one write, the page's bytes after the header") {
  DirectWalFile direct;
  sqlite3_file* file = direct.file;
  const std::string& wal_path = direct.wal_path;
  const std::string header(24, 'h');
  const std::string page(kPageSize, 'p');
  for (int frame = 0; frame < 3; ++frame) {
    const sqlite3_int64 at = 32 + static_cast<sqlite3_int64>(frame) * kFrameBytes;
    REQUIRE(file->pMethods->xWrite(file, header.data(), 24, at) == SQLITE_OK);
    REQUIRE(file->pMethods->xWrite(file, page.data(), kPageSize, at + 24) == SQLITE_OK);
  }
  REQUIRE(file->pMethods->xSync(file, SQLITE_SYNC_FULL) == SQLITE_OK);
  REQUIRE(file->pMethods->xClose(file) == SQLITE_OK);
  const auto& calls = recorded_wal_calls();
  REQUIRE(calls.size() == 5);
  for (int frame = 0; frame < 3; ++frame) {
    CHECK(calls[frame].op == "write");
    CHECK(calls[frame].offset == 32 + static_cast<sqlite3_int64>(frame) * kFrameBytes);
    CHECK(calls[frame].amount == kFrameBytes);
  }
  CHECK(calls[3].op == "sync");
  CHECK(calls[4].op == "close");
  const std::string on_disk = file_bytes(wal_path);
  REQUIRE(on_disk.size() == 32 + 3 * static_cast<std::size_t>(kFrameBytes));
  for (int frame = 0; frame < 3; ++frame) {
    CHECK(on_disk.substr(32 + frame * kFrameBytes, 24) == header);
    CHECK(on_disk.substr(32 + frame * kFrameBytes + 24, kPageSize) == page);
  }
}

namespace {
// A copy of the database and its WAL as a crash would leave them: nothing checkpointed on close.
void copy_as_crashed(const TempDb& from, const TempDb& to) {
  std::filesystem::copy_file(from.path, to.path);
  std::filesystem::copy_file(from.wal(), to.wal());
}
}  // namespace

TEST_CASE("sqlite WAL shim: a WAL written through it, checkpointed and restarted, opens without it") {
  TempDb tmp;
  TempDb crashed;
  sqlite3* db = open_with(tmp.path.string(), ws::sql::wal_coalescing_vfs_name());
  write_transactions(db, 0, 20);
  exec(db, "PRAGMA wal_checkpoint(RESTART)");  // the next write starts the WAL over
  write_transactions(db, 20, 10);
  exec(db, "PRAGMA wal_checkpoint(PASSIVE)");
  write_transactions(db, 30, 5);
  copy_as_crashed(tmp, crashed);
  sqlite3_close(db);

  sqlite3* plain = open_with(crashed.path.string(), nullptr);
  CHECK(count_rows(plain) == 35);
  CHECK(integrity(plain) == "ok");
  sqlite3_close(plain);
}

TEST_CASE("sqlite WAL shim: a WAL written without it recovers and grows through it") {
  TempDb tmp;
  TempDb crashed;
  sqlite3* plain = open_with(tmp.path.string(), nullptr);
  write_transactions(plain, 0, 20);
  copy_as_crashed(tmp, crashed);
  sqlite3_close(plain);

  auto db = ws::sql::Connection::open(crashed.path.string());
  REQUIRE(db);
  write_transactions(db->handle(), 20, 10);
  REQUIRE(db->exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  write_transactions(db->handle(), 30, 5);
  CHECK(count_rows(db->handle()) == 35);
  CHECK(integrity(db->handle()) == "ok");
}

TEST_CASE("sqlite WAL shim: only the WAL file is the shim's; it names itself over the VFS below") {
  TempDb tmp;
  sqlite3* db = open_with(tmp.path.string(), shim_over_recorder());
  write_transactions(db, 0, 1);
  char* db_vfs = nullptr;
  REQUIRE(sqlite3_file_control(db, "main", SQLITE_FCNTL_VFSNAME, &db_vfs) == SQLITE_OK);
  CHECK(std::string(db_vfs) == "unix");  // the database file is the unix VFS's own
  sqlite3_free(db_vfs);

  sqlite3_file* wal = nullptr;
  REQUIRE(sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) == SQLITE_OK);
  REQUIRE(wal);
  char* wal_vfs = nullptr;
  REQUIRE(wal->pMethods->xFileControl(wal, SQLITE_FCNTL_VFSNAME, &wal_vfs) == SQLITE_OK);
  CHECK(std::string(wal_vfs) == std::string(shim_over_recorder()) + "/unix");
  sqlite3_free(wal_vfs);
  CHECK(wal->pMethods->iVersion == 3);  // as the unix file below: xShmMap, xFetch pass through
  sqlite3_close(db);
}

namespace {
constexpr int kSpilledRows = 300;

// One transaction of ~60 pages. With a 10-page cache SQLite spills pages to the WAL before the
// commit, and the UPDATE dirties pages it has already spilled.
void large_transaction(sqlite3* db, const char* end, bool rewrite_spilled = true) {
  exec(db, "CREATE TABLE IF NOT EXISTS t(i INTEGER PRIMARY KEY, b BLOB)");
  exec(db, "BEGIN");
  for (int i = 0; i < kSpilledRows; ++i) {
    const std::string sql = "INSERT INTO t VALUES(" + std::to_string(i) + ", zeroblob(700))";
    exec(db, sql.c_str());
  }
  if (rewrite_spilled) exec(db, "UPDATE t SET b = randomblob(600)");
  exec(db, end);
}
void spilled_transaction(sqlite3* db, const char* end, bool rewrite_spilled = true) {
  exec(db, "PRAGMA cache_size=10");
  large_transaction(db, end, rewrite_spilled);
}

// SQLite (walRewriteChecksums) reads a frame back and rewrites only its 24-byte header.
bool rewrote_a_frame_header(const std::vector<WalCall>& calls) {
  for (std::size_t i = 1; i < calls.size(); ++i) {
    if (calls[i].op == "write" && calls[i].amount == 24 && calls[i - 1].op == "read" &&
        calls[i - 1].offset == calls[i].offset)
      return true;
  }
  return false;
}
}  // namespace

TEST_CASE("sqlite WAL shim: under synchronous=NORMAL nothing is held once a commit returns") {
  TempDb tmp;
  TempDb crashed;
  recorded_wal_calls().clear();
  sqlite3* db = open_with(tmp.path.string(), shim_over_recorder());
  exec(db, "PRAGMA synchronous=NORMAL");  // no xSync after the commit: nothing flushes a held write
  spilled_transaction(db, "COMMIT");
  REQUIRE(rewrote_a_frame_header(recorded_wal_calls()));  // the commit frame's header last of all

  // As kill -9 would leave the files, with the writer still open and idle.
  copy_as_crashed(tmp, crashed);
  sqlite3* other = open_with(tmp.path.string(), nullptr);  // another handle on the same WAL
  CHECK(count_rows(other) == kSpilledRows);
  sqlite3_close(other);
  sqlite3* recovered = open_with(crashed.path.string(), nullptr);
  CHECK(count_rows(recovered) == kSpilledRows);
  CHECK(integrity(recovered) == "ok");
  sqlite3_close(recovered);
  sqlite3_close(db);
}

TEST_CASE("sqlite WAL shim: a spilled transaction reads its own spilled pages back") {
  TempDb tmp;
  auto db = ws::sql::Connection::open(tmp.path.string());
  REQUIRE(db);
  spilled_transaction(db->handle(), "SAVEPOINT reread");
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db->handle(), "SELECT count(*), sum(length(b)), sum(i) FROM t", -1, &st, nullptr) ==
          SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(sqlite3_column_int64(st, 0) == kSpilledRows);
  CHECK(sqlite3_column_int64(st, 1) == 600 * kSpilledRows);
  CHECK(sqlite3_column_int64(st, 2) == kSpilledRows * (kSpilledRows - 1) / 2);
  sqlite3_finalize(st);
  REQUIRE(db->exec("COMMIT"));
  CHECK(count_rows(db->handle()) == kSpilledRows);
  CHECK(integrity(db->handle()) == "ok");
}

TEST_CASE("sqlite WAL shim: a rolled-back spilled transaction leaves nothing that overwrites a later commit") {
  TempDb tmp;
  TempDb crashed;
  sqlite3* db = open_with(tmp.path.string(), ws::sql::wal_coalescing_vfs_name());
  exec(db, "PRAGMA synchronous=NORMAL");
  exec(db, "CREATE TABLE t(i INTEGER PRIMARY KEY, b BLOB)");
  // Page 1 only in the database file: the rollback then reads nothing back from the WAL.
  exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  // Inserts only: SQLite's last call on this WAL file is the write of a newly spilled frame.
  spilled_transaction(db, "ROLLBACK", false);

  // Another connection commits as many frames, where the rolled-back ones were, via its own handle.
  sqlite3* other = open_with(tmp.path.string(), nullptr);
  exec(other, "PRAGMA synchronous=NORMAL");
  large_transaction(other, "COMMIT");
  // The first connection's next calls on its WAL file: a read transaction, then a write.
  CHECK(count_rows(db) == kSpilledRows);
  CHECK(integrity(db) == "ok");
  exec(db, "INSERT INTO t VALUES(1000, zeroblob(10))");
  CHECK(count_rows(other) == kSpilledRows + 1);
  CHECK(integrity(other) == "ok");
  copy_as_crashed(tmp, crashed);
  sqlite3_close(other);
  sqlite3_close(db);
  sqlite3* recovered = open_with(crashed.path.string(), nullptr);
  CHECK(count_rows(recovered) == kSpilledRows + 1);
  CHECK(integrity(recovered) == "ok");
  sqlite3_close(recovered);
}
