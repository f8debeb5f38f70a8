#include "gateway/store/wal_checkpointer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>

#include "gateway/store/sqlite_database.h"

namespace isagw::store {
namespace {

namespace fs = std::filesystem;

class WalCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() /
            ("isagw-checkpointer-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    Remove();
    auto db = SqliteDatabase::Open(path_);
    ASSERT_TRUE(db.ok());
    writer_.emplace(std::move(*db));
    ASSERT_TRUE(writer_->Execute("CREATE TABLE notes (body TEXT NOT NULL)").ok());
  }
  void TearDown() override {
    writer_.reset();
    Remove();
  }
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path_.string() + suffix);
  }
  // Commits `n` transactions of a few pages each.
  void Write(int n) {
    const std::string body(3000, 'x');
    for (int i = 0; i < n; ++i) {
      auto insert = writer_->Prepare("INSERT INTO notes (body) VALUES (?1)");
      ASSERT_TRUE(insert.ok());
      insert->Bind(1, std::string_view(body));
      ASSERT_TRUE(insert->Run().ok());
    }
  }
  std::uintmax_t DatabaseFileSize() const { return fs::file_size(path_); }
  std::uintmax_t WalFileSize() const { return fs::file_size(path_.string() + "-wal"); }

  fs::path path_;
  std::optional<SqliteDatabase> writer_;
};

// With the hook set, the writer no longer checkpoints by itself: the WAL
// grows past SQLite's 1,000 frames and the database file stays as it was.
TEST_F(WalCheckpointerTest, AWriterWithTheHookNeverCheckpointsItself) {
  int last_frames = 0;
  writer_->SetWalHook([&](int frames) { last_frames = frames; });
  const auto before = DatabaseFileSize();
  Write(1500);
  EXPECT_GT(last_frames, 1000);
  EXPECT_EQ(DatabaseFileSize(), before);
}

// The checkpointer, told the WAL is long, copies it back on its own thread.
TEST_F(WalCheckpointerTest, ALongWalIsCheckpointedOnTheCheckpointersThread) {
  auto checkpointer = WalCheckpointer::Start(path_, /*threshold_frames=*/50);
  ASSERT_TRUE(checkpointer.ok());
  WalCheckpointer& c = **checkpointer;
  writer_->SetWalHook([&c](int frames) { c.Committed(frames); });
  const auto before = DatabaseFileSize();
  Write(200);
  // Bounded wait for the other thread (not a timing assertion).
  for (int i = 0; i < 1000 && c.checkpoints() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(c.checkpoints(), 1u);
  EXPECT_GT(DatabaseFileSize(), before);  // pages copied back from the WAL
}

// A read holds its snapshot, so no checkpoint can pass it and the WAL
// grows; once the read ends and a checkpoint catches up, the writer starts
// the WAL over and cuts the file back to the checkpointer's limit. (SQLite
// alone keeps the file at the largest size it reached.)
TEST_F(WalCheckpointerTest, AWalALongReadLetGrowIsCutBackOnceTheReadEnds) {
  auto checkpointer = WalCheckpointer::Start(path_, /*threshold_frames=*/50);
  ASSERT_TRUE(checkpointer.ok());
  WalCheckpointer& c = **checkpointer;
  ASSERT_TRUE(c.Serve(*writer_).ok());
  const auto limit = static_cast<std::uintmax_t>(c.wal_size_limit_bytes());

  auto reader = SqliteDatabase::Open(path_);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE(reader->Execute("BEGIN").ok());
  {
    auto count = reader->Prepare("SELECT COUNT(*) FROM notes");
    ASSERT_TRUE(count.ok());
    ASSERT_TRUE(count->Step().ok());  // the read transaction starts here
  }
  Write(400);
  const auto grown = WalFileSize();
  ASSERT_GT(grown, 2 * limit);
  ASSERT_TRUE(reader->Execute("COMMIT").ok());

  // Each commit asks for a checkpoint; the first commit after one that
  // caught up restarts the WAL. Bounded wait for the other thread.
  for (int i = 0; i < 1000 && WalFileSize() > limit; ++i) {
    Write(1);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_LE(WalFileSize(), limit);
  EXPECT_GE(c.checkpoints(), 1u);
  writer_->SetWalHook(nullptr);  // before the checkpointer goes
}

// Below the threshold nothing is asked for.
TEST_F(WalCheckpointerTest, AShortWalIsLeftAlone) {
  auto checkpointer = WalCheckpointer::Start(path_, /*threshold_frames=*/100000);
  ASSERT_TRUE(checkpointer.ok());
  WalCheckpointer& c = **checkpointer;
  writer_->SetWalHook([&c](int frames) { c.Committed(frames); });
  const auto before = DatabaseFileSize();
  Write(50);
  EXPECT_EQ(c.checkpoints(), 0u);
  writer_->SetWalHook(nullptr);
  checkpointer->reset();  // joins the thread: anything asked for has run
  EXPECT_EQ(DatabaseFileSize(), before);
}

// An empty hook gives SQLite back its own checkpoint.
TEST_F(WalCheckpointerTest, AnEmptyHookRestoresTheAutomaticCheckpoint) {
  writer_->SetWalHook([](int) {});
  writer_->SetWalHook(nullptr);
  const auto before = DatabaseFileSize();
  Write(1500);
  EXPECT_GT(DatabaseFileSize(), before);
}

}  // namespace
}  // namespace isagw::store
