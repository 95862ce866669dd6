#pragma once
// Thin RAII over SQLite: one Connection per thread, prepared statements only (values are bound,
// never spliced into SQL text), transactions that roll back unless committed.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <string_view>

#include "ws/result.hpp"

namespace ws::sql {

enum class Sync { Normal, Full };

struct OpenOptions {
  bool read_only = false;
  bool create = true;
  // Open a read-only file whose folder cannot hold WAL side files (SQLite's immutable=1);
  // implies read_only. The caller promises nobody writes the file meanwhile.
  bool immutable = false;
  Sync synchronous = Sync::Full;  // FULL: a committed transaction survives a power cut
  int busy_timeout_ms = 5000;
  // The page size of a file this open creates (0: SQLite's default, 4096). A file that already
  // holds a table keeps the size it was made with.
  int page_size = 0;
};

class Statement;
// Prepared statements a connection keeps for reuse (sqlite.cpp).
struct StatementCache;

class Connection {
 public:
  static Result<Connection> open(const std::string& path, const OpenOptions& options = {});
  Connection() = default;
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // For fixed SQL without parameters (schema, pragmas). Never pass user data here.
  Status exec(const char* sql);
  // A statement finished with (destroyed) goes back to its connection, reset, and the next
  // prepare of the same SQL text reuses it: code that prepares per call (per record, per batch)
  // pays SQLite's compile once per connection, not every time.
  Result<Statement> prepare(std::string_view sql);
  std::int64_t last_insert_rowid() const;
  int changes() const;
  sqlite3* handle() const { return db_; }
  std::string last_error() const;

 private:
  explicit Connection(sqlite3* db);
  void close();
  sqlite3* db_ = nullptr;
  std::shared_ptr<StatementCache> cache_;  // on the heap: statements find it after a move
};

class Statement {
 public:
  Statement() = default;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Bind by 1-based index. Strings and blobs are copied by SQLite (SQLITE_TRANSIENT).
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  // The same without SQLite's copy (SQLITE_STATIC), for large texts on hot paths: SQLite reads
  // `text` in place, so it must stay alive and unchanged until the statement is reset or
  // finished with (both clear the bindings).
  Statement& bind_view(int index, std::string_view text);
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_blob_view(int index, std::string_view bytes);  // as bind_view, for a blob
  Statement& bind_null(int index);
  Statement& bind(int index, const std::optional<std::string>& text);

  // true: a row is ready; false: done. An error is returned as a value.
  Result<bool> step();
  // Step to completion, for INSERT/UPDATE/DELETE.
  Status run();
  void reset();

  bool is_null(int col) const;
  std::int64_t column_int(int col) const;
  double column_double(int col) const;
  std::string column_text(int col) const;
  std::string column_blob(int col) const;
  // Column `col`'s bytes (text or blob alike) where they lie: valid until the next step or reset.
  std::string_view column_view(int col) const;
  std::optional<std::string> column_optional_text(int col) const;
  // Column `col` of every remaining row (its bytes, text or blob alike), stepping to the end.
  Result<std::vector<std::string>> collect_column(int col = 0);

 private:
  friend class Connection;
  Statement(sqlite3_stmt* stmt, sqlite3* db, std::weak_ptr<StatementCache> cache, std::string sql)
      : stmt_(stmt), db_(db), cache_(std::move(cache)), sql_(std::move(sql)) {}
  void release();  // back to the connection's cache, or finalized
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
  int bind_error_ = SQLITE_OK;
  std::weak_ptr<StatementCache> cache_;
  std::string sql_;  // the cache's key
};

// The page size `db`'s main file uses. The statement is finished on return, so a caller may go
// on to calls SQLite refuses while a statement is active (registering functions, a backup).
Result<int> page_size(Connection& db);

enum class TxMode { Deferred, Immediate };

class Transaction {
 public:
  // Immediate takes the write lock up front so that two writers fail fast with BUSY at BEGIN
  // (and wait busy_timeout) instead of deadlocking on upgrade.
  static Result<Transaction> begin(Connection& db, TxMode mode = TxMode::Immediate);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();  // rolls back unless committed; never throws

  Status commit();

 private:
  explicit Transaction(Connection& db) : db_(&db) {}
  Connection* db_ = nullptr;
  bool done_ = false;
};

}  // namespace ws::sql
