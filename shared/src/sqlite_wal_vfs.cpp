#include "ws/sqlite_wal_vfs.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <mutex>

// Why this keeps every durability promise (synchronous=FULL or NORMAL, fsync before acknowledgement):
// - A held header only waits for the write of its own page; it is written, unchanged, before any
//   other call on its file (read, sync, truncate, size, lock, file control, close, a write
//   elsewhere). No write ever moves past an xSync, so what SQLite syncs and reads back is exactly
//   what it wrote, in the order it wrote it.
// - Joining the two writes changes only how many system calls carry the same bytes to the same
//   offsets. A crash may still tear a frame (header without page, part of a page) as it could
//   before; SQLite's WAL recovery already ignores any frame whose salt or running checksum does
//   not match, and every frame after it, so a torn frame is simply not committed.
// - Only a header that continues SQLite's last write (an appended frame) is held, and its page
//   is always SQLite's next call. A header rewritten in place (walRewriteChecksums, when a spilled
//   transaction changed its own frames) is written at once: it is the commit frame's last, and
//   under synchronous=NORMAL no call on this file follows the commit to write it.
// - Why not gather a whole commit's frames into one write: after a spilled transaction rolls
//   back, SQLite makes no call on this WAL file (the write lock lives in the database file's
//   shared memory), and another connection then writes its commit where the spilled frames were.
//   Frames still held here would overwrite that commit at this handle's next call.
// - Non-WAL files (database, journals, temporary files) are opened by the VFS below with its own
//   methods: the shim is not on their path at all.

namespace ws::sql {
namespace {

constexpr int kFrameHeaderBytes = 24;  // SQLite's WAL frame header (walWriteOneFrame)

struct ShimVfs {
  sqlite3_vfs vfs;  // first: SQLite knows the shim by this pointer
  sqlite3_vfs* inner;
  std::string name;
};

sqlite3_vfs* inner_of(sqlite3_vfs* vfs) { return static_cast<ShimVfs*>(vfs->pAppData)->inner; }

// A WAL file as SQLite sees it. SQLite allocates szOsFile bytes and knows only `base`; the
// inner VFS's own file lives in the same block, after this struct.
struct WalFile {
  sqlite3_file base;  // first: pMethods is what SQLite calls
  sqlite3_file* inner;
  const char* vfs_name;  // the shim's, for SQLITE_FCNTL_VFSNAME
  sqlite3_int64 held_offset;
  sqlite3_int64 append_offset;  // just past the last write SQLite made; -1: none yet
  bool holding;
  unsigned char held[kFrameHeaderBytes];
  unsigned char* joined;  // header + page, reused from frame to frame (sqlite3_malloc)
  sqlite3_int64 joined_capacity;
};
constexpr std::size_t kInnerFileOffset =
    (sizeof(WalFile) + alignof(std::max_align_t) - 1) / alignof(std::max_align_t) * alignof(std::max_align_t);

WalFile* wal(sqlite3_file* file) { return reinterpret_cast<WalFile*>(file); }
sqlite3_file* inner(sqlite3_file* file) { return wal(file)->inner; }
const sqlite3_io_methods* inner_methods(sqlite3_file* file) { return inner(file)->pMethods; }

// Writes the held header as SQLite wrote it; every call but its page's write comes through here.
int write_held(sqlite3_file* file) {
  WalFile* f = wal(file);
  if (!f->holding) return SQLITE_OK;
  f->holding = false;
  return inner_methods(file)->xWrite(f->inner, f->held, kFrameHeaderBytes, f->held_offset);
}

int wal_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  WalFile* f = wal(file);
  if (f->holding && offset == f->held_offset + kFrameHeaderBytes) {
    const sqlite3_int64 total = kFrameHeaderBytes + static_cast<sqlite3_int64>(amount);
    if (total > f->joined_capacity) {
      auto* grown = static_cast<unsigned char*>(sqlite3_realloc64(f->joined, static_cast<sqlite3_uint64>(total)));
      if (grown) {
        f->joined = grown;
        f->joined_capacity = total;
      }
    }
    if (total <= f->joined_capacity) {
      std::memcpy(f->joined, f->held, kFrameHeaderBytes);
      std::memcpy(f->joined + kFrameHeaderBytes, data, static_cast<std::size_t>(amount));
      f->holding = false;
      f->append_offset = offset + amount;
      return inner_methods(file)->xWrite(f->inner, f->joined, static_cast<int>(total), f->held_offset);
    }
    // Out of memory for the joined buffer: the two writes as SQLite made them.
  }
  if (const int rc = write_held(file); rc != SQLITE_OK) return rc;
  const bool appends = offset == f->append_offset;
  f->append_offset = offset + amount;
  // Only a header that continues SQLite's last write is a new frame whose page comes next. A
  // header rewritten in place (walRewriteChecksums, after a spilled transaction changed its own
  // frames) has no page after it, and under synchronous=NORMAL no call follows the commit.
  if (amount == kFrameHeaderBytes && appends) {
    std::memcpy(f->held, data, kFrameHeaderBytes);
    f->held_offset = offset;
    f->holding = true;
    return SQLITE_OK;
  }
  return inner_methods(file)->xWrite(f->inner, data, amount, offset);
}

int wal_close(sqlite3_file* file) {
  WalFile* f = wal(file);
  const int held_rc = write_held(file);
  const int close_rc = inner_methods(file)->xClose(f->inner);
  sqlite3_free(f->joined);
  f->joined = nullptr;
  return held_rc != SQLITE_OK ? held_rc : close_rc;
}

int wal_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  if (const int rc = write_held(file); rc != SQLITE_OK) return rc;
  return inner_methods(file)->xRead(inner(file), out, amount, offset);
}
int wal_truncate(sqlite3_file* file, sqlite3_int64 size) {
  if (const int rc = write_held(file); rc != SQLITE_OK) return rc;
  return inner_methods(file)->xTruncate(inner(file), size);
}
int wal_sync(sqlite3_file* file, int flags) {
  if (const int rc = write_held(file); rc != SQLITE_OK) return rc;
  return inner_methods(file)->xSync(inner(file), flags);
}
int wal_file_size(sqlite3_file* file, sqlite3_int64* size) {
  if (const int rc = write_held(file); rc != SQLITE_OK) return rc;
  return inner_methods(file)->xFileSize(inner(file), size);
}
int wal_lock(sqlite3_file* file, int level) {
  if (const int rc = write_held(file); rc != SQLITE_OK) return rc;
  return inner_methods(file)->xLock(inner(file), level);
}
int wal_unlock(sqlite3_file* file, int level) {
  if (const int rc = write_held(file); rc != SQLITE_OK) return rc;
  return inner_methods(file)->xUnlock(inner(file), level);
}
int wal_check_reserved_lock(sqlite3_file* file, int* reserved) {
  if (const int rc = write_held(file); rc != SQLITE_OK) return rc;
  return inner_methods(file)->xCheckReservedLock(inner(file), reserved);
}
int wal_file_control(sqlite3_file* file, int op, void* arg) {
  if (const int rc = write_held(file); rc != SQLITE_OK) return rc;
  const int rc = inner_methods(file)->xFileControl(inner(file), op, arg);
  if (rc == SQLITE_OK && op == SQLITE_FCNTL_VFSNAME) {
    // Name the whole stack, as SQLite's own shims do: "shim/inner".
    auto* names = static_cast<char**>(arg);
    *names = sqlite3_mprintf("%s/%z", wal(file)->vfs_name, *names);
  }
  return rc;
}
// Neither reads nor changes the file's bytes and has no error to report: the header stays held.
int wal_sector_size(sqlite3_file* file) { return inner_methods(file)->xSectorSize(inner(file)); }
int wal_device_characteristics(sqlite3_file* file) {
  return inner_methods(file)->xDeviceCharacteristics(inner(file));
}
int wal_shm_map(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
  if (const int rc = write_held(file); rc != SQLITE_OK) return rc;
  return inner_methods(file)->xShmMap(inner(file), region, size, extend, out);
}
int wal_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  if (const int rc = write_held(file); rc != SQLITE_OK) return rc;
  return inner_methods(file)->xShmLock(inner(file), offset, n, flags);
}
void wal_shm_barrier(sqlite3_file* file) {
  (void)write_held(file);  // no error channel; a failed write fails again at the next call
  inner_methods(file)->xShmBarrier(inner(file));
}
int wal_shm_unmap(sqlite3_file* file, int delete_flag) {
  if (const int rc = write_held(file); rc != SQLITE_OK) return rc;
  return inner_methods(file)->xShmUnmap(inner(file), delete_flag);
}
int wal_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  if (const int rc = write_held(file); rc != SQLITE_OK) return rc;
  return inner_methods(file)->xFetch(inner(file), offset, amount, out);
}
int wal_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  if (const int rc = write_held(file); rc != SQLITE_OK) return rc;
  return inner_methods(file)->xUnfetch(inner(file), offset, page);
}

// One table per io_methods version: SQLite must see the same version as the inner file offers,
// so it never calls a method (xShmMap, xFetch) the file below lacks.
constexpr sqlite3_io_methods methods_of_version(int version) {
  return sqlite3_io_methods{version,
                            wal_close,
                            wal_read,
                            wal_write,
                            wal_truncate,
                            wal_sync,
                            wal_file_size,
                            wal_lock,
                            wal_unlock,
                            wal_check_reserved_lock,
                            wal_file_control,
                            wal_sector_size,
                            wal_device_characteristics,
                            version >= 2 ? wal_shm_map : nullptr,
                            version >= 2 ? wal_shm_lock : nullptr,
                            version >= 2 ? wal_shm_barrier : nullptr,
                            version >= 2 ? wal_shm_unmap : nullptr,
                            version >= 3 ? wal_fetch : nullptr,
                            version >= 3 ? wal_unfetch : nullptr};
}
constexpr sqlite3_io_methods kWalMethods[] = {methods_of_version(1), methods_of_version(2), methods_of_version(3)};

int shim_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  sqlite3_vfs* below = inner_of(vfs);
  // Everything but a WAL file is the inner VFS's own file, in the same (larger) block.
  if ((flags & SQLITE_OPEN_WAL) == 0) return below->xOpen(below, name, file, flags, out_flags);
  WalFile* f = wal(file);
  std::memset(f, 0, sizeof(WalFile));
  f->inner = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kInnerFileOffset);
  f->vfs_name = vfs->zName;
  f->append_offset = -1;
  const int rc = below->xOpen(below, name, f->inner, flags, out_flags);
  if (rc != SQLITE_OK || f->inner->pMethods == nullptr) {
    f->base.pMethods = nullptr;  // SQLite calls no method of a file that failed to open
    return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
  }
  const int version = std::clamp(f->inner->pMethods->iVersion, 1, 3);
  f->base.pMethods = &kWalMethods[version - 1];
  return SQLITE_OK;
}

int shim_delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  return inner_of(vfs)->xDelete(inner_of(vfs), name, sync_dir);
}
int shim_access(sqlite3_vfs* vfs, const char* name, int flags, int* result) {
  return inner_of(vfs)->xAccess(inner_of(vfs), name, flags, result);
}
int shim_full_pathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
  return inner_of(vfs)->xFullPathname(inner_of(vfs), name, size, out);
}
void* shim_dl_open(sqlite3_vfs* vfs, const char* path) { return inner_of(vfs)->xDlOpen(inner_of(vfs), path); }
void shim_dl_error(sqlite3_vfs* vfs, int size, char* out) { inner_of(vfs)->xDlError(inner_of(vfs), size, out); }
void (*shim_dl_sym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
  return inner_of(vfs)->xDlSym(inner_of(vfs), handle, symbol);
}
void shim_dl_close(sqlite3_vfs* vfs, void* handle) { inner_of(vfs)->xDlClose(inner_of(vfs), handle); }
int shim_randomness(sqlite3_vfs* vfs, int size, char* out) {
  return inner_of(vfs)->xRandomness(inner_of(vfs), size, out);
}
int shim_sleep(sqlite3_vfs* vfs, int microseconds) { return inner_of(vfs)->xSleep(inner_of(vfs), microseconds); }
int shim_current_time(sqlite3_vfs* vfs, double* now) { return inner_of(vfs)->xCurrentTime(inner_of(vfs), now); }
int shim_get_last_error(sqlite3_vfs* vfs, int size, char* out) {
  return inner_of(vfs)->xGetLastError(inner_of(vfs), size, out);
}
int shim_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* now) {
  return inner_of(vfs)->xCurrentTimeInt64(inner_of(vfs), now);
}
int shim_set_system_call(sqlite3_vfs* vfs, const char* name, sqlite3_syscall_ptr call) {
  return inner_of(vfs)->xSetSystemCall(inner_of(vfs), name, call);
}
sqlite3_syscall_ptr shim_get_system_call(sqlite3_vfs* vfs, const char* name) {
  return inner_of(vfs)->xGetSystemCall(inner_of(vfs), name);
}
const char* shim_next_system_call(sqlite3_vfs* vfs, const char* name) {
  return inner_of(vfs)->xNextSystemCall(inner_of(vfs), name);
}

constexpr const char* kDefaultShimName = "ws-wal-frame";

}  // namespace

Status register_wal_coalescing_vfs(const std::string& name, sqlite3_vfs* inner) {
  if (inner == nullptr) return fail("no_vfs", "no VFS to put the WAL shim over");
  if (sqlite3_vfs_find(name.c_str()) != nullptr) return fail("vfs_exists", "a VFS named " + name + " exists");
  // Lives as long as the process: SQLite keeps the pointer and may use it until exit.
  auto* shim = new ShimVfs{};
  shim->inner = inner;
  shim->name = name;
  sqlite3_vfs& v = shim->vfs;
  v.iVersion = std::min(inner->iVersion, 3);
  v.szOsFile = static_cast<int>(kInnerFileOffset) + inner->szOsFile;
  v.mxPathname = inner->mxPathname;
  v.zName = shim->name.c_str();
  v.pAppData = shim;
  v.xOpen = shim_open;
  v.xDelete = shim_delete;
  v.xAccess = shim_access;
  v.xFullPathname = shim_full_pathname;
  v.xDlOpen = inner->xDlOpen ? shim_dl_open : nullptr;
  v.xDlError = inner->xDlError ? shim_dl_error : nullptr;
  v.xDlSym = inner->xDlSym ? shim_dl_sym : nullptr;
  v.xDlClose = inner->xDlClose ? shim_dl_close : nullptr;
  v.xRandomness = shim_randomness;
  v.xSleep = shim_sleep;
  v.xCurrentTime = shim_current_time;
  v.xGetLastError = inner->xGetLastError ? shim_get_last_error : nullptr;
  if (v.iVersion >= 2) v.xCurrentTimeInt64 = inner->xCurrentTimeInt64 ? shim_current_time_int64 : nullptr;
  if (v.iVersion >= 3) {
    v.xSetSystemCall = inner->xSetSystemCall ? shim_set_system_call : nullptr;
    v.xGetSystemCall = inner->xGetSystemCall ? shim_get_system_call : nullptr;
    v.xNextSystemCall = inner->xNextSystemCall ? shim_next_system_call : nullptr;
  }
  if (const int rc = sqlite3_vfs_register(&v, 0); rc != SQLITE_OK) {
    delete shim;
    return fail("db_error", std::string("cannot register the WAL shim: ") + sqlite3_errstr(rc));
  }
  return ok();
}

const char* wal_coalescing_vfs_name() {
  static std::once_flag once;
  static const char* name = nullptr;  // nullptr: SQLite's default VFS, if the shim cannot register
  std::call_once(once, [] {
    if (register_wal_coalescing_vfs(kDefaultShimName, sqlite3_vfs_find(nullptr))) name = kDefaultShimName;
  });
  return name;
}

}  // namespace ws::sql
