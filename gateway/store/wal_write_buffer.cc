#include "gateway/store/wal_write_buffer.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <string>

namespace isagw::store {
namespace {

constexpr const char* kVfsName = "isagw-wal-buffer";
// Past this, what has gathered is written before more is taken: a large
// transaction's spill never holds more than this in memory.
constexpr std::size_t kMaxGathered = std::size_t{1} << 20;
constexpr std::size_t kMaxWrite = std::size_t{64} << 10;

// The VFS and its counters: SQLite keeps a pointer to the sqlite3_vfs for
// as long as the process runs, so this lives as long.
struct Registry {
  sqlite3_vfs vfs{};
  sqlite3_vfs* base = nullptr;
  std::atomic<std::uint64_t> asked{0};
  std::atomic<std::uint64_t> issued{0};
};

Registry& TheRegistry();

// Bytes gathered for one WAL file: `bytes` go at `offset`.
struct Gathered {
  std::string bytes;
  sqlite3_int64 offset = 0;
  [[nodiscard]] sqlite3_int64 end() const {
    return offset + static_cast<sqlite3_int64>(bytes.size());
  }
};

// A WAL file: the default VFS's file (`real`, in the memory after this
// struct) and what has gathered for it. `base` must come first: SQLite
// sees a sqlite3_file.
struct BufferedFile {
  sqlite3_file base;
  sqlite3_file* real;
  std::unique_ptr<Gathered> gathered;
};

constexpr std::size_t RealOffset() {
  return (sizeof(BufferedFile) + alignof(std::max_align_t) - 1) / alignof(std::max_align_t) *
         alignof(std::max_align_t);
}

BufferedFile& Of(sqlite3_file* file) { return *reinterpret_cast<BufferedFile*>(file); }

// Writes what has gathered, in as few writes as the default VFS takes: it
// writes at most 128 KB - 1 a call (its seekAndWriteFd masks the length
// to 17 bits), so in pieces of 64 KB.
int Flush(BufferedFile& f) {
  Gathered& g = *f.gathered;
  int rc = SQLITE_OK;
  for (std::size_t done = 0; done < g.bytes.size() && rc == SQLITE_OK; done += kMaxWrite) {
    const std::size_t piece = std::min(kMaxWrite, g.bytes.size() - done);
    TheRegistry().issued.fetch_add(1, std::memory_order_relaxed);
    rc = f.real->pMethods->xWrite(f.real, g.bytes.data() + done, static_cast<int>(piece),
                                  g.offset + static_cast<sqlite3_int64>(done));
  }
  g.bytes.clear();
  return rc;
}

int Close(sqlite3_file* file) {
  BufferedFile& f = Of(file);
  const int flushed = Flush(f);
  const int closed = f.real->pMethods->xClose(f.real);
  std::destroy_at(&f);
  return flushed != SQLITE_OK ? flushed : closed;
}

int Read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  BufferedFile& f = Of(file);
  if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
  return f.real->pMethods->xRead(f.real, out, amount, offset);
}

int Write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  BufferedFile& f = Of(file);
  Gathered& g = *f.gathered;
  TheRegistry().asked.fetch_add(1, std::memory_order_relaxed);
  const auto size = static_cast<std::size_t>(amount);
  const char* bytes = static_cast<const char*>(data);
  if (!g.bytes.empty() && offset >= g.offset && offset + amount <= g.end()) {
    // SQLite rewrites a frame of the same transaction in place (a page
    // changed twice): change it where it waits.
    std::memcpy(g.bytes.data() + (offset - g.offset), bytes, size);
    return SQLITE_OK;
  }
  const bool follows = !g.bytes.empty() && offset == g.end();
  if (!follows || g.bytes.size() + size > kMaxGathered) {
    if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
  }
  if (g.bytes.empty()) g.offset = offset;
  g.bytes.append(bytes, size);
  return SQLITE_OK;
}

int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  BufferedFile& f = Of(file);
  if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
  return f.real->pMethods->xTruncate(f.real, size);
}

int Sync(sqlite3_file* file, int flags) {
  BufferedFile& f = Of(file);
  if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
  return f.real->pMethods->xSync(f.real, flags);
}

int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  BufferedFile& f = Of(file);
  if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
  return f.real->pMethods->xFileSize(f.real, size);
}

int Lock(sqlite3_file* file, int level) {
  return Of(file).real->pMethods->xLock(Of(file).real, level);
}
int Unlock(sqlite3_file* file, int level) {
  return Of(file).real->pMethods->xUnlock(Of(file).real, level);
}
int CheckReservedLock(sqlite3_file* file, int* out) {
  return Of(file).real->pMethods->xCheckReservedLock(Of(file).real, out);
}
int FileControl(sqlite3_file* file, int op, void* arg) {
  BufferedFile& f = Of(file);
  if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
  return f.real->pMethods->xFileControl(f.real, op, arg);
}
int SectorSize(sqlite3_file* file) { return Of(file).real->pMethods->xSectorSize(Of(file).real); }
int DeviceCharacteristics(sqlite3_file* file) {
  return Of(file).real->pMethods->xDeviceCharacteristics(Of(file).real);
}

// Version 1: a WAL file is never memory-mapped and holds no shared-memory
// index (that belongs to the database file).
const sqlite3_io_methods kWalMethods = {1,
                                        Close,
                                        Read,
                                        Write,
                                        Truncate,
                                        Sync,
                                        FileSize,
                                        Lock,
                                        Unlock,
                                        CheckReservedLock,
                                        FileControl,
                                        SectorSize,
                                        DeviceCharacteristics,
                                        nullptr,
                                        nullptr,
                                        nullptr,
                                        nullptr,
                                        nullptr,
                                        nullptr};

int Open(sqlite3_vfs* /*vfs*/, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  sqlite3_vfs* base = TheRegistry().base;
  // Everything but a WAL file is the default VFS's own, in the same memory.
  if ((flags & SQLITE_OPEN_WAL) == 0) return base->xOpen(base, name, file, flags, out_flags);
  // Placement: SQLite owns the memory, Close destroys the object.
  auto* f = new (file) BufferedFile{};  // NOLINT(cppcoreguidelines-owning-memory)
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + RealOffset());
  f->gathered = std::make_unique<Gathered>();
  const int rc = base->xOpen(base, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    // SQLite calls no xClose on a file whose open failed.
    if (f->real->pMethods != nullptr) f->real->pMethods->xClose(f->real);
    std::destroy_at(f);
    file->pMethods = nullptr;
    return rc;
  }
  f->base.pMethods = &kWalMethods;
  return SQLITE_OK;
}

Registry& TheRegistry() {
  // Made and registered once, on first use, by whichever thread comes
  // first (a function-local static: thread-safe).
  static Registry& registry = []() -> Registry& {
    static Registry r;
    sqlite3_initialize();
    r.base = sqlite3_vfs_find(nullptr);
    // The default VFS with another name, file size and xOpen. Its other
    // methods get this VFS as their first argument and use nothing of it
    // but what was copied (pAppData included, which only its xOpen reads,
    // and that is called with the default VFS itself).
    r.vfs = *r.base;
    r.vfs.pNext = nullptr;  // set by sqlite3_vfs_register
    r.vfs.zName = kVfsName;
    // Room for a BufferedFile and the default VFS's file after it; a file
    // that is not a WAL uses the start of it as the default VFS would.
    r.vfs.szOsFile = static_cast<int>(RealOffset()) + r.base->szOsFile;
    r.vfs.xOpen = Open;
    sqlite3_vfs_register(&r.vfs, /*makeDflt=*/0);
    return r;
  }();
  return registry;
}

}  // namespace

const char* WalWriteBufferVfs() { return TheRegistry().vfs.zName; }

WalWriteCounts WalWrites() {
  const Registry& r = TheRegistry();
  return {r.asked.load(std::memory_order_relaxed), r.issued.load(std::memory_order_relaxed)};
}

}  // namespace isagw::store
