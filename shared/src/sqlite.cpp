#include "ws/sqlite.hpp"

#include "ws/sqlite_wal_vfs.hpp"

#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace ws::sql {
namespace {

Unexpected db_error(sqlite3* db, const std::string& what) {
  const int code = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
  const int primary = code & 0xFF;
  std::string kind = "db_error";
  if (primary == SQLITE_FULL) kind = "disk_full";
  else if (primary == SQLITE_READONLY) kind = "read_only";
  else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) kind = "busy";
  else if (primary == SQLITE_CANTOPEN) kind = "cant_open";
  else if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) kind = "corrupt";
  else if (primary == SQLITE_CONSTRAINT) kind = "constraint";
  return fail(kind, what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace

struct StatementCache {
  // More distinct statements than any connection here uses; beyond it, extras are finalized.
  static constexpr std::size_t kMaxIdle = 64;
  // A statement may be destroyed on another thread than the one using the connection next
  // (a pool hands connections around), so the map is locked; the lock is never contended long.
  std::mutex mutex;
  std::unordered_multimap<std::string, sqlite3_stmt*> idle;

  ~StatementCache() {
    for (auto& [sql, stmt] : idle) sqlite3_finalize(stmt);
  }
  sqlite3_stmt* take(const std::string& sql) {
    std::lock_guard lock(mutex);
    auto it = idle.find(sql);
    if (it == idle.end()) return nullptr;
    sqlite3_stmt* stmt = it->second;
    idle.erase(it);
    return stmt;
  }
  bool give_back(std::string&& sql, sqlite3_stmt* stmt) {
    std::lock_guard lock(mutex);
    if (idle.size() >= kMaxIdle) return false;
    idle.emplace(std::move(sql), stmt);
    return true;
  }
};

Connection::Connection(sqlite3* db) : db_(db), cache_(std::make_shared<StatementCache>()) {}

void Connection::close() {
  cache_.reset();  // finalizes the idle statements before the handle closes
  if (db_) sqlite3_close_v2(db_);
  db_ = nullptr;
}

Result<Connection> Connection::open(const std::string& path, const OpenOptions& options) {
  int flags = SQLITE_OPEN_NOMUTEX;  // one connection per thread, by design
  const bool read_only = options.read_only || options.immutable;
  flags |= read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (options.create && !read_only) flags |= SQLITE_OPEN_CREATE;
  std::string target = path;
  if (options.immutable) {
    flags |= SQLITE_OPEN_URI;
    target = "file:";
    for (char c : path) {
      if (c == '?' || c == '#' || c == '%') {
        static const char hex[] = "0123456789ABCDEF";
        target += '%';
        target += hex[(static_cast<unsigned char>(c) >> 4) & 0xF];
        target += hex[static_cast<unsigned char>(c) & 0xF];
      } else {
        target += c;
      }
    }
    target += "?immutable=1";
  }
  sqlite3* raw = nullptr;
  // Through the WAL shim (sqlite_wal_vfs.hpp): one write call per WAL frame instead of two.
  const int rc = sqlite3_open_v2(target.c_str(), &raw, flags, wal_coalescing_vfs_name());
  Connection conn(raw);
  if (rc != SQLITE_OK) return db_error(raw, "cannot open database");
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  sqlite3_extended_result_codes(raw, 1);
  if (!read_only) {
    // Before WAL mode: a WAL file's page size can no longer change.
    if (options.page_size > 0) {
      const std::string page_size = "PRAGMA page_size=" + std::to_string(options.page_size);
      if (auto s = conn.exec(page_size.c_str()); !s) return fail(s.error());
    }
    if (auto s = conn.exec("PRAGMA journal_mode=WAL"); !s) return fail(s.error());
  }
  const char* sync = options.synchronous == Sync::Full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
  if (auto s = conn.exec(sync); !s) return fail(s.error());
  if (auto s = conn.exec("PRAGMA foreign_keys=ON"); !s) return fail(s.error());
  return conn;
}

Connection::Connection(Connection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), cache_(std::move(other.cache_)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
    cache_ = std::move(other.cache_);
  }
  return *this;
}

Connection::~Connection() { close(); }

Status Connection::exec(const char* sql) {
  char* msg = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &msg);
  if (rc != SQLITE_OK) {
    sqlite3_free(msg);
    return db_error(db_, "statement failed");
  }
  return ok();
}

Result<Statement> Connection::prepare(std::string_view sql) {
  std::string key(sql);
  if (cache_) {
    if (sqlite3_stmt* reused = cache_->take(key)) return Statement(reused, db_, cache_, std::move(key));
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                                    nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return db_error(db_, "cannot prepare statement");
  }
  return Statement(stmt, db_, cache_, std::move(key));
}

std::int64_t Connection::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
int Connection::changes() const { return sqlite3_changes(db_); }
std::string Connection::last_error() const { return db_ ? sqlite3_errmsg(db_) : "no database"; }

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      db_(other.db_),
      bind_error_(other.bind_error_),
      cache_(std::move(other.cache_)),
      sql_(std::move(other.sql_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    release();
    stmt_ = std::exchange(other.stmt_, nullptr);
    db_ = other.db_;
    bind_error_ = other.bind_error_;
    cache_ = std::move(other.cache_);
    sql_ = std::move(other.sql_);
  }
  return *this;
}

Statement::~Statement() { release(); }

void Statement::release() {
  if (!stmt_) return;
  sqlite3_stmt* stmt = std::exchange(stmt_, nullptr);
  // Reset before it is cached: a statement left mid-result would hold its read snapshot.
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  auto cache = cache_.lock();
  if (!cache || !cache->give_back(std::move(sql_), stmt)) sqlite3_finalize(stmt);
}

// A failed bind is remembered and reported by step(), so call chains stay readable.
Statement& Statement::bind(int index, std::int64_t value) {
  if (const int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) bind_error_ = rc;
  return *this;
}
Statement& Statement::bind(int index, double value) {
  if (const int rc = sqlite3_bind_double(stmt_, index, value); rc != SQLITE_OK) bind_error_ = rc;
  return *this;
}
Statement& Statement::bind(int index, std::string_view text) {
  const int rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) bind_error_ = rc;
  return *this;
}
Statement& Statement::bind_view(int index, std::string_view text) {
  const int rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK) bind_error_ = rc;
  return *this;
}
Statement& Statement::bind_blob(int index, std::string_view bytes) {
  const int rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) bind_error_ = rc;
  return *this;
}
Statement& Statement::bind_blob_view(int index, std::string_view bytes) {
  const int rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC);
  if (rc != SQLITE_OK) bind_error_ = rc;
  return *this;
}
Statement& Statement::bind_null(int index) {
  if (const int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) bind_error_ = rc;
  return *this;
}
Statement& Statement::bind(int index, const std::optional<std::string>& text) {
  return text ? bind(index, *text) : bind_null(index);
}

Result<bool> Statement::step() {
  if (bind_error_ != SQLITE_OK) {
    return fail("db_error", std::string("cannot bind a value: ") + sqlite3_errstr(bind_error_));
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_error(db_, "statement failed");
}

Status Statement::run() {
  for (;;) {
    auto r = step();
    if (!r) return fail(r.error());
    if (!*r) return ok();
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = SQLITE_OK;
}

bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
std::int64_t Statement::column_int(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::column_double(int col) const { return sqlite3_column_double(stmt_, col); }
std::string Statement::column_text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, col)) : std::string();
}
std::string Statement::column_blob(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  return p ? std::string(static_cast<const char*>(p), sqlite3_column_bytes(stmt_, col)) : std::string();
}
std::string_view Statement::column_view(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  return p ? std::string_view(static_cast<const char*>(p), sqlite3_column_bytes(stmt_, col)) : std::string_view();
}
Result<std::vector<std::string>> Statement::collect_column(int col) {
  std::vector<std::string> out;
  for (;;) {
    auto row = step();
    if (!row) return fail(row.error());
    if (!*row) return out;
    out.push_back(column_blob(col));
  }
}
std::optional<std::string> Statement::column_optional_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return column_text(col);
}

Result<Transaction> Transaction::begin(Connection& db, TxMode mode) {
  auto s = db.exec(mode == TxMode::Immediate ? "BEGIN IMMEDIATE" : "BEGIN");
  if (!s) return fail(s.error());
  return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), done_(std::exchange(other.done_, true)) {}

Transaction::~Transaction() {
  if (db_ && !done_) sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Result<int> page_size(Connection& db) {
  auto st = db.prepare("PRAGMA page_size");
  if (!st) return fail(st.error());
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row || st->column_int(0) <= 0) return fail("db_error", "cannot read the database's page size");
  return static_cast<int>(st->column_int(0));
}

Status Transaction::commit() {
  if (!db_ || done_) return fail("db_error", "transaction already finished");
  auto s = db_->exec("COMMIT");
  if (s) done_ = true;  // on failure the destructor rolls back
  return s;
}

}  // namespace ws::sql
