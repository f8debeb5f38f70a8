#include "gateway/store/sqlite_database.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace isagw::store {
namespace {

const std::vector<Migration> kTwoMigrations = {
    {1, "create notes", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);"},
    {2, "add author", "ALTER TABLE notes ADD COLUMN author TEXT;"},
};

int CountNotes(SqliteDatabase& db) {
  auto count = db.Prepare("SELECT COUNT(*) FROM notes");
  EXPECT_TRUE(count.ok());
  EXPECT_TRUE(*count->Step());
  return static_cast<int>(count->ColumnInt(0));
}

TEST(SqliteDatabase, MigratesToTheNewestVersionOnce) {
  auto db = SqliteDatabase::OpenInMemory();
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*Migrate(*db, kTwoMigrations), 2);
  EXPECT_EQ(*Migrate(*db, kTwoMigrations), 2);  // idempotent
  ASSERT_TRUE(db->Execute("INSERT INTO notes (body, author) VALUES ('x', 'y')").ok());
  EXPECT_EQ(CountNotes(*db), 1);
}

TEST(SqliteDatabase, AppliesOnlyTheMigrationsNotYetApplied) {
  auto db = SqliteDatabase::OpenInMemory();
  ASSERT_TRUE(db.ok());
  ASSERT_EQ(*Migrate(*db, {kTwoMigrations[0]}), 1);
  EXPECT_FALSE(db->Execute("INSERT INTO notes (body, author) VALUES ('x', 'y')").ok());
  ASSERT_EQ(*Migrate(*db, kTwoMigrations), 2);
  EXPECT_TRUE(db->Execute("INSERT INTO notes (body, author) VALUES ('x', 'y')").ok());
}

TEST(SqliteDatabase, RefusesASchemaNewerThanItKnows) {
  auto db = SqliteDatabase::OpenInMemory();
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(Migrate(*db, kTwoMigrations).ok());
  auto older = Migrate(*db, {kTwoMigrations[0]});
  ASSERT_FALSE(older.ok());
  EXPECT_NE(older.error().message.find("newer than this gateway knows"), std::string::npos);
}

TEST(SqliteDatabase, AFailedMigrationLeavesNoTrace) {
  auto db = SqliteDatabase::OpenInMemory();
  ASSERT_TRUE(db.ok());
  std::vector<Migration> broken = {
      kTwoMigrations[0], {2, "half broken", "CREATE TABLE extra (id INTEGER); THIS IS NOT SQL;"}};
  EXPECT_FALSE(Migrate(*db, broken).ok());
  EXPECT_FALSE(db->Execute("SELECT * FROM extra").ok());
  EXPECT_EQ(*Migrate(*db, {kTwoMigrations[0]}), 1);
}

TEST(SqliteDatabase, TransactionsRollBackWhenTheBodyFails) {
  auto db = SqliteDatabase::OpenInMemory();
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(Migrate(*db, kTwoMigrations).ok());
  auto outcome = InWriteTransaction(*db, [&]() -> Result<Ok, SqliteError> {
    if (auto ins = db->Execute("INSERT INTO notes (body) VALUES ('a')"); !ins.ok()) {
      return Fail(ins.error());
    }
    return Fail(SqliteError{1, "refused by the caller"});
  });
  EXPECT_FALSE(outcome.ok());
  EXPECT_EQ(CountNotes(*db), 0);
}

TEST(SqliteDatabase, BindsAndReadsTextBlobsAndNulls) {
  auto db = SqliteDatabase::OpenInMemory();
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(Migrate(*db, kTwoMigrations).ok());
  auto insert = db->Prepare("INSERT INTO notes (body, author) VALUES (?1, ?2)");
  ASSERT_TRUE(insert.ok());
  const std::string binary("a\0b", 3);
  ASSERT_TRUE(insert->BindBlob(1, binary).Bind(2, std::optional<std::string>()).Run().ok());
  auto select = db->Prepare("SELECT body, author FROM notes");
  ASSERT_TRUE(select.ok());
  ASSERT_TRUE(*select->Step());
  EXPECT_EQ(select->ColumnBlob(0), binary);
  EXPECT_EQ(select->ColumnOptionalText(1), std::nullopt);
  EXPECT_FALSE(*select->Step());
}

TEST(SqliteDatabase, OpensAFileInWalModeThatSurvivesReopening) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("isagw-sqlite-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  {
    auto db = SqliteDatabase::Open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(Migrate(*db, kTwoMigrations).ok());
    ASSERT_TRUE(db->Execute("INSERT INTO notes (body) VALUES ('kept')").ok());
    auto mode = db->Prepare("PRAGMA journal_mode");
    ASSERT_TRUE(mode.ok());
    ASSERT_TRUE(*mode->Step());
    EXPECT_EQ(mode->ColumnText(0), "wal");
  }
  auto reopened = SqliteDatabase::Open(path);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(CountNotes(*reopened), 1);
  reopened = SqliteDatabase::OpenInMemory();
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path.string() + suffix);
  }
}

}  // namespace
}  // namespace isagw::store
