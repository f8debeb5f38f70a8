// The WAL write buffer (gateway/store/wal_write_buffer.h): fewer writes to
// the system, and every committed byte where SQLite put it.
#include "gateway/store/wal_write_buffer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "gateway/store/sqlite_database.h"
#include "tests/common/temp_dir.h"

namespace isagw::store {
namespace {

namespace fs = std::filesystem;

class WalWriteBufferTest : public ::testing::Test {
 protected:
  static void Must(SqliteDatabase& db, const std::string& sql) {
    auto done = db.Execute(sql);
    ASSERT_TRUE(done.ok()) << sql.substr(0, 80) << ": " << done.error().message;
  }

  // The rows' count and total length, read with SQLite's default VFS.
  [[nodiscard]] std::pair<std::int64_t, std::int64_t> ReadWithDefaultVfs() const {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* query = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT COUNT(*), TOTAL(LENGTH(body)) FROM notes", -1, &query,
                                 nullptr),
              SQLITE_OK);
    EXPECT_EQ(sqlite3_step(query), SQLITE_ROW);
    const std::pair<std::int64_t, std::int64_t> out{sqlite3_column_int64(query, 0),
                                                    sqlite3_column_int64(query, 1)};
    sqlite3_finalize(query);
    sqlite3_close(db);
    return out;
  }

  testing::ScratchDir dir_;
  fs::path path_ = dir_.path() / "store.db";
};

TEST_F(WalWriteBufferTest, ACommitsFramesReachTheSystemInFewerWrites) {
  auto db = SqliteDatabase::Open(path_);
  ASSERT_TRUE(db.ok());
  Must(*db, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
  const WalWriteCounts before = WalWrites();
  // 200 rows of 2 KB in one transaction: about a hundred pages, so some
  // two hundred frame writes asked for.
  Must(*db,
       "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)"
       " INSERT INTO notes (body) SELECT randomblob(2048) FROM n; COMMIT;");
  const WalWriteCounts after = WalWrites();
  const std::uint64_t asked = after.asked - before.asked;
  const std::uint64_t issued = after.issued - before.issued;
  EXPECT_GE(asked, 200U);
  EXPECT_GE(issued, 1U);
  // The frames (2 writes each) go in 64 KB pieces, 16 frames a piece.
  EXPECT_LE(issued * 20, asked) << asked << " asked, " << issued << " issued";
  EXPECT_EQ(ReadWithDefaultVfs(), (std::pair<std::int64_t, std::int64_t>{200, 200 * 2048}));
}

TEST_F(WalWriteBufferTest, APageChangedTwiceInOneTransactionKeepsItsLastContent) {
  auto db = SqliteDatabase::Open(path_);
  ASSERT_TRUE(db.ok());
  Must(*db, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
  Must(*db, "INSERT INTO notes (id, body) VALUES (1, zeroblob(100))");
  // A small cache makes SQLite spill pages to the WAL mid-transaction and
  // write some of them again before the commit.
  Must(*db, "PRAGMA cache_size = 10");
  std::string sql = "BEGIN;";
  for (int i = 0; i < 300; ++i) {
    sql += " INSERT INTO notes (body) VALUES (randomblob(1500));";
    sql += " UPDATE notes SET body = zeroblob(" + std::to_string(100 + i) + ") WHERE id = 1;";
  }
  sql += " COMMIT;";
  Must(*db, sql);
  Must(*db, "PRAGMA integrity_check");
  const auto [rows, bytes] = ReadWithDefaultVfs();
  EXPECT_EQ(rows, 301);
  EXPECT_EQ(bytes, 300 * 1500 + 399);
}

TEST_F(WalWriteBufferTest, ATransactionLargerThanTheBufferIsWrittenWhole) {
  auto db = SqliteDatabase::Open(path_);
  ASSERT_TRUE(db.ok());
  Must(*db, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
  // 6 MB: the buffer (1 MB) fills several times within the transaction.
  Must(*db,
       "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)"
       " INSERT INTO notes (body) SELECT randomblob(4000) FROM n; COMMIT;");
  EXPECT_EQ(ReadWithDefaultVfs(), (std::pair<std::int64_t, std::int64_t>{1500, 1500 * 4000}));
  // And after a checkpoint copied it into the database file.
  Must(*db, "PRAGMA wal_checkpoint(TRUNCATE)");
  EXPECT_EQ(ReadWithDefaultVfs(), (std::pair<std::int64_t, std::int64_t>{1500, 1500 * 4000}));
}

// A commit is on the file when COMMIT returns, not when the connection
// closes: a process that ends straight after (as a killed gateway would)
// loses nothing it committed.
TEST_F(WalWriteBufferTest, WhatACommitWroteSurvivesAProcessThatNeverClosed) {
  {
    auto db = SqliteDatabase::Open(path_);
    ASSERT_TRUE(db.ok());
    Must(*db, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
  }
  const pid_t child = ::fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    auto db = SqliteDatabase::Open(path_);
    if (!db.ok()) ::_exit(2);
    if (!db->Execute("BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                     " WHERE i < 50) INSERT INTO notes (body) SELECT randomblob(3000) FROM n;"
                     " COMMIT;")
             .ok()) {
      ::_exit(3);
    }
    ::_exit(0);  // no close, no destructor: what is not on the file is lost
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(ReadWithDefaultVfs(), (std::pair<std::int64_t, std::int64_t>{50, 50 * 3000}));
}

}  // namespace
}  // namespace isagw::store
