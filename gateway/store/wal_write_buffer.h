// WalWriteBuffer: a SQLite VFS that hands a commit's WAL frames to the
// system in a few large writes instead of two a page.
//
// SQLite writes each WAL frame as two pwrite(2) calls (its 24-byte header,
// then the page) and syncs once at commit. A group commit of seven
// messages writes about a hundred frames, so two hundred system calls, each
// an entry into the kernel that costs more than the copy it does on a
// virtual machine (issue 13's profile). This VFS wraps the default one and,
// for WAL files only, gathers consecutive writes in memory; they go to the
// file in 64 KB writes (sixteen frames each) when SQLite syncs, reads,
// sizes, truncates or closes it, or when 1 MB has gathered.
//
// Durability is SQLite's own: nothing of a commit is durable before its
// sync, and the sync writes everything gathered first, then fsyncs. A
// write error is reported by the call that writes (the sync, within the
// same COMMIT), so the commit fails as it would have. Readers of the WAL
// see frames only once a commit has synced them (SQLite updates the
// WAL index after the sync), and the writer's own reads of its WAL write
// what was gathered first. The database file, its journal and the WAL
// index are the default VFS's, untouched.
#pragma once

#include <cstdint>

namespace isagw::store {

// The VFS's name for sqlite3_open_v2, registered (once, not as the
// default) on first use.
const char* WalWriteBufferVfs();

// Writes asked of the VFS for WAL files, and the pwrites they became,
// since the process started: what the buffer saves. For tests and benches.
struct WalWriteCounts {
  std::uint64_t asked = 0;
  std::uint64_t issued = 0;
};
WalWriteCounts WalWrites();

}  // namespace isagw::store
