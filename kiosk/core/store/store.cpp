// Opening the store, device identity, meta values, the persisted clock and sync bookkeeping.
#include "kiosk/core/store/store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>

#include "kiosk/core/store/record_row.hpp"
#include "kiosk/core/store/reserve.hpp"
#include "kiosk/core/store/schema.hpp"
#include "kiosk/core/store/unsent_row.hpp"

namespace ws::kiosk {
namespace fs = std::filesystem;

const char* to_string(SyncState s) {
  switch (s) {
    case SyncState::Sent: return "sent";
    case SyncState::Pending: return "pending";
    case SyncState::Quarantined: return "quarantined";
  }
  return "pending";
}

std::string Store::database_path(const std::string& data_dir) { return (fs::path(data_dir) / "kiosk.db").string(); }

Store::~Store() = default;

Error explain_storage_error(const Error& e, const std::string& action) {
  std::string words;
  if (e.code == "disk_full") {
    words = "the data folder is full";
  } else if (e.code == "read_only" || e.code == "store_read_only") {
    words = "the data folder is read-only";
  } else if (e.code == "cant_open") {
    words = "the data folder cannot be opened";
  } else if (e.code == "corrupt") {
    words = "the kiosk database is damaged";
  } else if (e.code == "busy") {
    words = "the kiosk database is busy (another program holds it)";
  } else if (e.message.find("disk I/O error") != std::string::npos) {
    words = "the data folder could not be written (full or failing disk)";
  } else {
    return Error{e.code, action + ": " + e.message};
  }
  return Error{e.code, action + ": " + words + " (" + e.message + ")"};
}

namespace {

bool can_write(const std::string& path) { return ::access(path.c_str(), W_OK) == 0; }

Status create_private_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return fail("cant_open", "cannot create " + path);
  ::close(fd);
  return ok();
}

Status probe_readable(sql::Connection& db) {
  auto st = db.prepare("SELECT count(*) FROM sqlite_master");
  if (!st) return fail(st.error());
  auto row = st->step();
  if (!row) return fail(row.error());
  return ok();
}

// A read-write connection with the schema up to date.
Result<sql::Connection> open_writable(const std::string& path, const StoreOptions& options) {
  auto conn = sql::Connection::open(path);
  if (!conn) return conn;
  if (sqlite3_db_readonly(conn->handle(), "main") == 1) return fail("read_only", "the database file is read-only");
  // A value replaced by its sealed form (vault.cpp) must not linger in a page's free space.
  if (auto s = conn->exec("PRAGMA secure_delete=ON"); !s) return fail(s.error());
  if (auto s = schema::migrate(*conn); !s) return fail(s.error());
  if (options.merge_unsent_duplicates)
    if (auto s = unsent::merge_duplicates(*conn); !s) return fail(s.error());
  return conn;
}

// Reading needs no free space: when the WAL index cannot be created (read-only folder, full
// disk), the file is read as it is.
Result<sql::Connection> open_reading(const std::string& path) {
  sql::OpenOptions ro;
  ro.read_only = true;
  ro.create = false;
  auto conn = sql::Connection::open(path, ro);
  if (conn && probe_readable(*conn)) return conn;
  ro.immutable = true;
  conn = sql::Connection::open(path, ro);
  if (!conn) return conn;
  if (auto s = probe_readable(*conn); !s) return fail(s.error());
  return conn;
}

}  // namespace

Result<std::unique_ptr<Store>> Store::open(const std::string& data_dir, const StoreOptions& options) {
  if (data_dir.empty()) return fail("invalid_argument", "no data folder given");
  std::error_code ec;
  if (!fs::exists(data_dir, ec)) {
    if (!fs::create_directories(data_dir, ec) || ec) {
      return fail("cant_open", "cannot create the data folder " + data_dir + ": " + ec.message());
    }
    fs::permissions(data_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  } else if (!fs::is_directory(data_dir, ec)) {
    return fail("cant_open", data_dir + " is not a folder");
  }
  const std::string path = database_path(data_dir);
  const bool exists = fs::exists(path, ec);
  bool read_only = options.read_only || (exists && (!can_write(path) || !can_write(data_dir)));
  if (!exists) {
    if (read_only || !can_write(data_dir)) {
      return fail("read_only", "the data folder " + data_dir + " is read-only and holds no kiosk data yet");
    }
    if (auto s = create_private_file(path); !s) return fail(s.error());
  }

  std::unique_ptr<Store> store(new Store());
  store->data_dir_ = data_dir;
  store->use_reserve_ = options.use_reserve;
  if (!read_only) {
    auto conn = open_writable(path, options);
    // Sync may spend the reserve to get records out; reading commands never need to.
    if (!conn && reserve::is_out_of_space(conn.error()) && options.use_reserve && reserve::release(data_dir)) {
      conn = open_writable(path, options);
    }
    if (conn) {
      store->db_ = std::move(*conn);
    } else if (conn.error().code == "read_only" || conn.error().code == "cant_open" ||
               reserve::is_out_of_space(conn.error())) {
      store->full_ = reserve::is_out_of_space(conn.error());
      read_only = true;  // a full disk or a read-only file: keep showing the data
    } else {
      return fail(conn.error());
    }
  }
  if (read_only) {
    auto conn = open_reading(path);
    if (!conn) return fail(conn.error());
    store->db_ = std::move(*conn);
    auto v = schema::current_version(store->db_);
    if (!v) return fail(v.error());
    if (*v != schema::kLatest) {
      return fail("read_only", "the data folder is read-only and its database (schema " + std::to_string(*v) +
                                   ") cannot be upgraded to schema " + std::to_string(schema::kLatest));
    }
  } else {
    (void)reserve::ensure(data_dir);  // best effort: made when there is room for it
  }
  store->read_only_ = read_only;
  // What SQLite frees or overwrites is zeroed, so erased and expired values leave no copy in
  // free pages (see erasure.cpp).
  if (auto s = store->db_.exec("PRAGMA secure_delete=ON"); !s) return fail(s.error());
  if (options.max_pages > 0) {
    const std::string pragma = "PRAGMA max_page_count = " + std::to_string(options.max_pages);
    if (auto s = store->db_.exec(pragma.c_str()); !s) return fail(s.error());
  }
  if (auto last = store->meta("hlc"); last && !last->empty()) {
    if (auto h = Hlc::parse(*last)) store->clock_.restore(*h);
  }
  store->load_clock_offset();
  return store;
}

bool Store::spend_reserve(const Error& e) {
  return use_reserve_ && reserve::is_out_of_space(e) && reserve::release(data_dir_);
}

Status Store::writable() const {
  if (full_) return fail("disk_full", "the data folder is full (no free space); nothing can be saved until space is freed");
  if (read_only_) return fail("store_read_only", "the data folder is read-only; nothing can be saved");
  return ok();
}

Result<std::string> Store::meta(const std::string& key) {
  auto st = db_.prepare("SELECT value FROM meta WHERE key = ?1");
  if (!st) return fail(st.error());
  st->bind(1, key);
  auto row = st->step();
  if (!row) return fail(row.error());
  return *row ? st->column_text(0) : std::string();
}

Status Store::set_meta(const std::string& key, const std::string& value) {
  auto st = db_.prepare("INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  if (!st) return fail(st.error());
  return st->bind(1, key).bind(2, value).run();
}

Result<Version> Store::stamp(const std::string& device) {
  // Another connection (the sync thread, another process) may have advanced the persisted
  // clock; we are inside its write lock, so reading it here is race-free.
  auto last = meta("hlc");
  if (!last) return fail(last.error());
  if (!last->empty()) {
    if (auto h = Hlc::parse(*last)) clock_.restore(*h);
  }
  load_clock_offset();
  const Hlc now = clock_.now();
  if (auto s = set_meta("hlc", now.to_string()); !s) return fail(s.error());
  return Version{now, device};
}

Result<DeviceIdentity> Store::identity() {
  DeviceIdentity id;
  for (auto [key, out] : {std::pair<const char*, std::string*>{"device_id", &id.device_id},
                          {"token", &id.token},
                          {"centre", &id.centre},
                          {"server_url", &id.server_url},
                          {"server_pin", &id.server_pin}}) {
    auto v = meta(key);
    if (!v) return fail(v.error());
    *out = *v;
  }
  auto insecure = meta("insecure_http");
  if (!insecure) return fail(insecure.error());
  id.insecure_http = *insecure == "1";
  return id;
}

Status Store::set_identity(const DeviceIdentity& id) {
  if (auto s = writable(); !s) return s;
  if (!is_valid_centre(id.centre)) return fail("invalid_argument", "the centre code is not valid");
  if (!Version::parse(Hlc{}.to_string() + "@" + id.device_id)) {
    return fail("invalid_argument", "the device id may hold only letters, digits, '-' and '_' (1-64)");
  }
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto before = meta("device_id");
  if (!before) return fail(before.error());
  for (auto [key, value] : {std::pair<const char*, const std::string*>{"device_id", &id.device_id},
                            {"token", &id.token},
                            {"centre", &id.centre},
                            {"server_url", &id.server_url},
                            {"server_pin", &id.server_pin}}) {
    if (auto s = set_meta(key, *value); !s) return s;
  }
  if (auto s = set_meta("insecure_http", id.insecure_http ? "1" : "0"); !s) return s;
  // Sealed copies name the device they were sealed for: after enrolling again they are made anew.
  if (!before->empty() && *before != id.device_id) {
    if (auto s = forget_sealed_copies(); !s) return s;
  }
  return tx->commit();
}

Result<std::string> Store::pull_cursor() { return meta("pull_cursor"); }

Status Store::set_bulk_cache(bool on) {
  if (auto s = db_.exec(on ? "PRAGMA cache_size = -16384" : "PRAGMA cache_size = -2000"); !s) return s;
  if (!on) sqlite3_db_release_memory(db_.handle());
  return ok();
}

Status Store::defer_checkpoints(bool on) {
  if (on) return db_.exec("PRAGMA wal_autocheckpoint = 16384");
  if (auto s = db_.exec("PRAGMA wal_autocheckpoint = 1000"); !s) return s;
  // PASSIVE: never waits for a reader (the UI's connection); what it cannot copy now, the
  // next commit's automatic checkpoint does.
  return db_.exec("PRAGMA wal_checkpoint(PASSIVE)");
}

Result<std::int64_t> Store::pending_count() {
  // Pending is having an outbox row (row::pending): counted from the outbox's index on
  // record_id, which holds the queue only (a record edited while frozen has two rows).
  auto st = db_.prepare("SELECT count(DISTINCT record_id) FROM outbox");
  if (!st) return fail(st.error());
  auto row = st->step();
  if (!row) return fail(row.error());
  return st->column_int(0);
}

Result<std::int64_t> Store::quarantined_count() {
  auto st = db_.prepare("SELECT count(*) FROM record_sync WHERE " + row::quarantined());
  if (!st) return fail(st.error());
  auto row = st->step();
  if (!row) return fail(row.error());
  return st->column_int(0);
}

Result<SyncStatus> Store::persisted_status() {
  SyncStatus s;
  auto id = identity();
  if (!id) return fail(id.error());
  s.enrolled = id->enrolled();
  auto pending = pending_count();
  if (!pending) return fail(pending.error());
  s.pending = *pending;
  auto quarantined = quarantined_count();
  if (!quarantined) return fail(quarantined.error());
  s.quarantined = *quarantined;
  auto last_success = meta("last_success_ms");
  if (!last_success) return fail(last_success.error());
  std::int64_t when = 0;
  const auto* end = last_success->data() + last_success->size();
  if (!last_success->empty() && std::from_chars(last_success->data(), end, when).ptr == end) s.last_success_ms = when;
  auto last_error = meta("last_error");
  if (!last_error) return fail(last_error.error());
  s.last_error = *last_error;
  s.clock_offset_ms = clock_offset_ms();
  return s;
}

Status Store::record_sync_success(std::int64_t when_ms) {
  if (auto s = writable(); !s) return s;
  return retry_on_full([&]() -> Status {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return fail(tx.error());
    if (auto s = set_meta("last_success_ms", std::to_string(when_ms)); !s) return s;
    if (auto s = set_meta("last_error", ""); !s) return s;
    return tx->commit();
  });
}

Status Store::record_sync_error(const std::string& message) {
  if (auto s = writable(); !s) return s;
  return set_meta("last_error", message.substr(0, 500));
}

}  // namespace ws::kiosk
