#include "wal_recording_vfs.hpp"

#include <cstddef>
#include <cstring>
#include <mutex>

namespace ws::test {
namespace {

struct RecordingFile {
  sqlite3_file base;
  sqlite3_file* inner;
};
constexpr std::size_t kInnerOffset = 4 * alignof(std::max_align_t);
static_assert(sizeof(RecordingFile) <= kInnerOffset);

sqlite3_file* inner(sqlite3_file* f) { return reinterpret_cast<RecordingFile*>(f)->inner; }
const sqlite3_io_methods* down(sqlite3_file* f) { return inner(f)->pMethods; }
void note(const char* op, sqlite3_int64 offset = 0, int amount = 0) {
  recorded_wal_calls().push_back(WalCall{op, offset, amount});
}

const sqlite3_io_methods kMethods = {
    3,
    [](sqlite3_file* f) { note("close"); return down(f)->xClose(inner(f)); },
    [](sqlite3_file* f, void* out, int n, sqlite3_int64 off) {
      note("read", off, n);
      return down(f)->xRead(inner(f), out, n, off);
    },
    [](sqlite3_file* f, const void* in, int n, sqlite3_int64 off) {
      note("write", off, n);
      return down(f)->xWrite(inner(f), in, n, off);
    },
    [](sqlite3_file* f, sqlite3_int64 size) { note("truncate", size); return down(f)->xTruncate(inner(f), size); },
    [](sqlite3_file* f, int flags) { note("sync"); return down(f)->xSync(inner(f), flags); },
    [](sqlite3_file* f, sqlite3_int64* size) { note("size"); return down(f)->xFileSize(inner(f), size); },
    [](sqlite3_file* f, int level) { note("lock", level); return down(f)->xLock(inner(f), level); },
    [](sqlite3_file* f, int level) { note("unlock", level); return down(f)->xUnlock(inner(f), level); },
    [](sqlite3_file* f, int* out) { note("check_reserved_lock"); return down(f)->xCheckReservedLock(inner(f), out); },
    [](sqlite3_file* f, int op, void* arg) { note("file_control", op); return down(f)->xFileControl(inner(f), op, arg); },
    [](sqlite3_file* f) { return down(f)->xSectorSize(inner(f)); },
    [](sqlite3_file* f) { return down(f)->xDeviceCharacteristics(inner(f)); },
    [](sqlite3_file* f, int region, int size, int extend, void volatile** out) {
      note("shm_map");
      return down(f)->xShmMap(inner(f), region, size, extend, out);
    },
    [](sqlite3_file* f, int offset, int n, int flags) { note("shm_lock"); return down(f)->xShmLock(inner(f), offset, n, flags); },
    [](sqlite3_file* f) { note("shm_barrier"); down(f)->xShmBarrier(inner(f)); },
    [](sqlite3_file* f, int del) { note("shm_unmap"); return down(f)->xShmUnmap(inner(f), del); },
    [](sqlite3_file* f, sqlite3_int64 off, int n, void** out) { note("fetch", off, n); return down(f)->xFetch(inner(f), off, n, out); },
    [](sqlite3_file* f, sqlite3_int64 off, void* page) { note("unfetch", off); return down(f)->xUnfetch(inner(f), off, page); },
};

sqlite3_vfs g_vfs;
sqlite3_vfs* g_default = nullptr;

int recording_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  if ((flags & SQLITE_OPEN_WAL) == 0) return g_default->xOpen(g_default, name, file, flags, out_flags);
  auto* f = reinterpret_cast<RecordingFile*>(file);
  f->inner = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kInnerOffset);
  const int rc = g_default->xOpen(g_default, name, f->inner, flags, out_flags);
  f->base.pMethods = rc == SQLITE_OK ? &kMethods : nullptr;
  if (rc == SQLITE_OK) note("open");
  return rc;
}

}  // namespace

std::vector<WalCall>& recorded_wal_calls() {
  static std::vector<WalCall> calls;
  return calls;
}

const char* wal_recording_vfs_name() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_default = sqlite3_vfs_find(nullptr);
    // The unix VFS's other methods ignore their VFS argument: a copy with a new xOpen is enough
    // for a test.
    g_vfs = *g_default;
    g_vfs.zName = "ws-test-wal-recorder";
    g_vfs.szOsFile = static_cast<int>(kInnerOffset) + g_default->szOsFile;
    g_vfs.xOpen = recording_open;
    g_vfs.pNext = nullptr;
    sqlite3_vfs_register(&g_vfs, 0);
  });
  return g_vfs.zName;
}

}  // namespace ws::test
