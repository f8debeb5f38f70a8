// The issue's "must show": at least 1,000 random single-byte changes,
// deletions, reorderings, insertions and truncations of a real audit store
// (written through SqliteStore::Commit), each on a fresh copy of the file,
// and the verifier catches every one -- naming the first bad entry where
// that is defined.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "audit_test_util.h"
#include "gateway/audit/audit_verifier.h"

namespace isagw::audit {
namespace {

using namespace test_util;

constexpr int kMessages = 25;  // two entries each: 50 entries
constexpr std::int64_t kEntries = 2 * kMessages;
constexpr int kMutations = 1200;

enum class Mutation {
  kFlipEntryByte,  // one byte of one column of one entry
  kDeleteEntry,
  kSwapEntries,       // two entries' contents exchange places
  kMoveEntryToEnd,    // an entry renumbered after the last
  kTruncate,          // the newest entries removed
  kInsertForged,      // a made-up entry pushed into the middle
  kInsertRechained,   // the same, with every later hash recomputed
  kRewriteRechained,  // an entry edited, every later hash recomputed
  kFlipCheckpointByte,
  kDeleteCheckpoint,  // the first checkpoint removed
  kCount,
};

const char* Name(Mutation m) {
  static const char* const kNames[] = {
      "flip_entry_byte",   "delete_entry",      "swap_entries",
      "move_entry_to_end", "truncate",          "insert_forged",
      "insert_rechained",  "rewrite_rechained", "flip_checkpoint_byte",
      "delete_checkpoint"};
  return kNames[static_cast<int>(m)];
}

struct Expectation {
  std::optional<std::int64_t> seq;         // the first bad entry, where defined
  std::optional<std::int64_t> checkpoint;  // the checkpoint at fault, where defined
  std::string what;                        // for the failure message
};

class TamperTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pristine_dir_ = std::filesystem::temp_directory_path() /
                    ("isagw-audit-tamper-" + std::to_string(::getpid()));
    std::filesystem::remove_all(pristine_dir_);
    std::filesystem::create_directories(pristine_dir_);
    // Checkpoints sign entries 20 and 50 (the head).
    BuildStore(pristine_dir_ / "pristine.db", kMessages, {10, kMessages}, TestSigner());
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(pristine_dir_); }

  static std::filesystem::path Pristine() { return pristine_dir_ / "pristine.db"; }
  static std::filesystem::path Work() { return pristine_dir_ / "work.db"; }

  static VerifyOptions Trusting() {
    VerifyOptions options;
    options.trusted_keys = {TestSigner().public_key()};
    return options;
  }

  static void FreshCopy() {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(Work().string() + suffix);
    }
    std::filesystem::copy_file(Pristine(), Work());
  }

  static inline std::filesystem::path pristine_dir_;
};

std::vector<AuditRow> ReadRows(SqliteAuditLog& log) {
  std::vector<AuditRow> rows;
  EXPECT_TRUE(log.ForEachEntry([&](const AuditRow& row) {
                   rows.push_back(row);
                   return true;
                 })
                  .ok());
  return rows;
}

void Run(store::SqliteDatabase& db, const std::string& sql) {
  auto ran = db.Execute(sql);
  ASSERT_TRUE(ran.ok()) << ran.error().message;
}

void WriteRow(store::SqliteDatabase& db, const AuditRow& row, bool insert) {
  auto statement = db.Prepare(
      insert ? "INSERT INTO audit (at, kind, body, prev_hash, hash, seq) VALUES (?1, ?2, ?3, ?4, "
               "?5, ?6)"
             : "UPDATE audit SET at = ?1, kind = ?2, body = ?3, prev_hash = ?4, hash = ?5"
               " WHERE seq = ?6");
  ASSERT_TRUE(statement.ok());
  statement->Bind(1, row.at)
      .Bind(2, std::string_view(row.kind))
      .Bind(3, std::string_view(row.body))
      .BindBlob(4, row.prev_hash)
      .BindBlob(5, row.hash)
      .Bind(6, row.seq);
  auto ran = statement->Run();
  ASSERT_TRUE(ran.ok()) << ran.error().message;
}

// Recomputes the chain from rows[from] on, as an attacker would.
void Rechain(std::vector<AuditRow>& rows, std::size_t from) {
  ChainHash previous = from == 0 ? kGenesisHash : *ChainHashFromBytes(rows[from - 1].hash);
  for (std::size_t i = from; i < rows.size(); ++i) {
    const ChainHash hash = NextHash(previous, rows[i].seq, rows[i].at, rows[i].kind, rows[i].body);
    rows[i].prev_hash = std::string(BytesOf(previous));
    rows[i].hash = std::string(BytesOf(hash));
    previous = hash;
  }
}

// The first checkpoint at or after entry `seq` (they sign 20 and 50).
std::int64_t CheckpointCovering(std::int64_t seq) { return seq <= 20 ? 20 : 50; }

class Mutator {
 public:
  Mutator(store::SqliteDatabase& db, SqliteAuditLog& log, std::mt19937_64& random)
      : db_(db), log_(log), random_(random) {}

  std::int64_t Between(std::int64_t low, std::int64_t high) {
    return std::uniform_int_distribution<std::int64_t>(low, high)(random_);
  }
  unsigned char NonZeroByte() { return static_cast<unsigned char>(Between(1, 255)); }

  Expectation Apply(Mutation mutation) {
    switch (mutation) {
      case Mutation::kFlipEntryByte:
        return FlipEntryByte();
      case Mutation::kDeleteEntry: {
        const std::int64_t k = Between(1, kEntries);
        Run(db_, "DELETE FROM audit WHERE seq = " + std::to_string(k));
        return {k, std::nullopt, "deleted entry " + std::to_string(k)};
      }
      case Mutation::kSwapEntries: {
        const std::int64_t i = Between(1, kEntries - 1);
        const std::int64_t j = Between(i + 1, kEntries);
        auto rows = ReadRows(log_);
        AuditRow a = rows[static_cast<std::size_t>(i - 1)];
        AuditRow b = rows[static_cast<std::size_t>(j - 1)];
        std::swap(a.seq, b.seq);
        WriteRow(db_, a, false);
        WriteRow(db_, b, false);
        return {i, std::nullopt,
                "swapped entries " + std::to_string(i) + " and " + std::to_string(j)};
      }
      case Mutation::kMoveEntryToEnd: {
        const std::int64_t k = Between(1, kEntries);
        Run(db_, "UPDATE audit SET seq = " + std::to_string(kEntries + 1) +
                     " WHERE seq = " + std::to_string(k));
        return {k, std::nullopt, "moved entry " + std::to_string(k) + " to the end"};
      }
      case Mutation::kTruncate: {
        const std::int64_t keep = Between(0, kEntries - 1);
        Run(db_, "DELETE FROM audit WHERE seq > " + std::to_string(keep));
        return {keep + 1, std::nullopt, "kept only " + std::to_string(keep) + " entries"};
      }
      case Mutation::kInsertForged:
      case Mutation::kInsertRechained:
        return Insert(mutation == Mutation::kInsertRechained);
      case Mutation::kRewriteRechained: {
        auto rows = ReadRows(log_);
        const std::size_t k = static_cast<std::size_t>(Between(1, kEntries));
        AuditRow& row = rows[k - 1];
        row.body[static_cast<std::size_t>(Between(0, static_cast<std::int64_t>(row.body.size()) -
                                                         1))] ^= static_cast<char>(NonZeroByte());
        Rechain(rows, k - 1);
        for (std::size_t i = k - 1; i < rows.size(); ++i) WriteRow(db_, rows[i], false);
        const std::int64_t at = CheckpointCovering(static_cast<std::int64_t>(k));
        return {at, at == 20 ? 1 : 2, "rewrote entry " + std::to_string(k) + " and rechained"};
      }
      case Mutation::kFlipCheckpointByte:
        return FlipCheckpointByte();
      case Mutation::kDeleteCheckpoint:
        Run(db_, "DELETE FROM audit_checkpoints WHERE id = 1");
        return {std::nullopt, 1, "deleted checkpoint 1"};
      case Mutation::kCount:
        break;
    }
    ADD_FAILURE() << "no such mutation";
    return {};
  }

 private:
  Expectation FlipEntryByte() {
    static const char* const kColumns[] = {"seq", "at", "kind", "body", "prev_hash", "hash"};
    const std::string column = kColumns[Between(0, 5)];
    const std::int64_t k = Between(1, kEntries);
    const std::string where = " WHERE seq = " + std::to_string(k);
    const std::string what = "flipped a byte of " + column + " in entry " + std::to_string(k);
    if (column == "seq" || column == "at") {
      auto read = db_.Prepare("SELECT " + column + " FROM audit" + where);
      EXPECT_TRUE(read.ok() && read->Step().value());
      const std::int64_t value = read->ColumnInt(0);
      read->Reset();
      for (;;) {  // a flipped seq must not land on another entry's seq
        const auto shift = 8 * Between(0, 7);
        const auto flipped = static_cast<std::int64_t>(static_cast<std::uint64_t>(value) ^
                                                       (std::uint64_t{NonZeroByte()} << shift));
        if (column == "seq" && flipped >= 1 && flipped <= kEntries) continue;
        Run(db_, "UPDATE audit SET " + column + " = " + std::to_string(flipped) + where);
        // A seq moved below 1 is out of order at entry 1; above the end, a gap at k.
        if (column == "seq" && flipped < 1) return {1, std::nullopt, what};
        return {k, std::nullopt, what};
      }
    }
    auto read = db_.Prepare("SELECT " + column + " FROM audit" + where);
    EXPECT_TRUE(read.ok() && read->Step().value());
    std::string bytes = read->ColumnBlob(0);
    read->Reset();
    bytes[static_cast<std::size_t>(Between(0, static_cast<std::int64_t>(bytes.size()) - 1))] ^=
        static_cast<char>(NonZeroByte());
    auto update = db_.Prepare("UPDATE audit SET " + column + " = ?1" + where);
    EXPECT_TRUE(update.ok());
    if (column == "kind" || column == "body") {
      update->Bind(1, std::string_view(bytes));  // TEXT column: stays TEXT, any bytes
    } else {
      update->BindBlob(1, bytes);
    }
    EXPECT_TRUE(update->Run().ok());
    return {k, std::nullopt, what};
  }

  Expectation Insert(bool rechain) {
    auto rows = ReadRows(log_);
    const std::int64_t k = Between(1, kEntries);
    // Make room: renumber entries k.. upwards, newest first.
    Run(db_, "UPDATE audit SET seq = -seq WHERE seq >= " + std::to_string(k));
    Run(db_, "UPDATE audit SET seq = 1 - seq WHERE seq < 0");
    AuditRow forged;
    forged.seq = k;
    forged.at = rows[static_cast<std::size_t>(k - 1)].at;
    forged.kind = "disclosure";
    forged.body = R"({"v":1,"recipient":"la-forged"})";
    rows.insert(rows.begin() + (k - 1), forged);
    for (std::size_t i = static_cast<std::size_t>(k); i < rows.size(); ++i) rows[i].seq += 1;
    if (rechain) {
      Rechain(rows, static_cast<std::size_t>(k - 1));
      for (std::size_t i = static_cast<std::size_t>(k); i < rows.size(); ++i) {
        WriteRow(db_, rows[i], false);
      }
      WriteRow(db_, rows[static_cast<std::size_t>(k - 1)], true);
      const std::int64_t at = CheckpointCovering(k);
      return {at, at == 20 ? 1 : 2, "inserted a rechained entry at " + std::to_string(k)};
    }
    // A careless forger: plausible prev_hash, made-up hash.
    forged.prev_hash =
        k == 1 ? std::string(BytesOf(kGenesisHash)) : rows[static_cast<std::size_t>(k - 2)].hash;
    forged.hash = std::string(32, '\x42');
    WriteRow(db_, forged, true);
    return {k, std::nullopt, "inserted a forged entry at " + std::to_string(k)};
  }

  Expectation FlipCheckpointByte() {
    static const char* const kColumns[] = {"id",        "seq",        "at",       "head_hash",
                                           "prev_hash", "public_key", "signature"};
    const std::string column = kColumns[Between(0, 6)];
    const std::int64_t id = Between(1, 2);
    const std::string where = " WHERE id = " + std::to_string(id);
    const std::string what = "flipped a byte of " + column + " in checkpoint " + std::to_string(id);
    if (column == "id" || column == "seq" || column == "at") {
      auto read = db_.Prepare("SELECT " + column + " FROM audit_checkpoints" + where);
      EXPECT_TRUE(read.ok() && read->Step().value());
      const std::int64_t value = read->ColumnInt(0);
      read->Reset();
      for (;;) {
        const auto shift = 8 * Between(0, 7);
        const auto flipped = static_cast<std::int64_t>(static_cast<std::uint64_t>(value) ^
                                                       (std::uint64_t{NonZeroByte()} << shift));
        if (column == "id" && (flipped == 1 || flipped == 2)) continue;
        Run(db_,
            "UPDATE audit_checkpoints SET " + column + " = " + std::to_string(flipped) + where);
        // A renumbered checkpoint may be blamed on its neighbour.
        if (column == "id") return {std::nullopt, std::nullopt, what};
        return {std::nullopt, id, what};
      }
    }
    auto read = db_.Prepare("SELECT " + column + " FROM audit_checkpoints" + where);
    EXPECT_TRUE(read.ok() && read->Step().value());
    std::string bytes = read->ColumnBlob(0);
    read->Reset();
    bytes[static_cast<std::size_t>(Between(0, static_cast<std::int64_t>(bytes.size()) - 1))] ^=
        static_cast<char>(NonZeroByte());
    auto update = db_.Prepare("UPDATE audit_checkpoints SET " + column + " = ?1" + where);
    EXPECT_TRUE(update.ok());
    update->BindBlob(1, bytes);
    EXPECT_TRUE(update->Run().ok());
    return {std::nullopt, id, what};
  }

  store::SqliteDatabase& db_;
  SqliteAuditLog& log_;
  std::mt19937_64& random_;
};

TEST_F(TamperTest, ThePristineStoreVerifies) {
  const VerifyReport report = VerifyAuditLog(Pristine(), Trusting());
  ASSERT_TRUE(report.ok()) << report.failure->reason;
  EXPECT_EQ(report.entries, kEntries);
  EXPECT_EQ(report.checkpoints, 2);
  EXPECT_EQ(report.last_signed_seq, std::optional<std::int64_t>(kEntries));
}

TEST_F(TamperTest, CatchesEveryOneOfOverAThousandRandomMutations) {
  std::mt19937_64 random(20261122);  // seeded: a failure reproduces
  std::map<std::string, int> caught;
  for (int n = 0; n < kMutations; ++n) {
    const auto mutation = static_cast<Mutation>(n % static_cast<int>(Mutation::kCount));
    FreshCopy();
    Expectation expected;
    {
      auto log = SqliteAuditLog::Open(Work());
      ASSERT_TRUE(log.ok()) << log.error().detail;
      // A scratch copy need not survive power loss: skip the fsyncs.
      ASSERT_TRUE(log->database().Execute("PRAGMA synchronous=OFF").ok());
      Mutator mutator(log->database(), *log, random);
      expected = mutator.Apply(mutation);
    }
    if (::testing::Test::HasFatalFailure()) return;
    const VerifyReport report = VerifyAuditLog(Work(), Trusting());
    ASSERT_FALSE(report.ok()) << "mutation " << n << " went unseen: " << expected.what;
    const VerifyFailure& failure = *report.failure;
    EXPECT_NE(failure.code, "unreadable") << expected.what << ": " << failure.reason;
    if (expected.seq) {
      EXPECT_EQ(failure.seq, expected.seq) << "mutation " << n << " (" << expected.what
                                           << "): " << failure.code << ", " << failure.reason;
    }
    if (expected.checkpoint) {
      EXPECT_EQ(failure.checkpoint, expected.checkpoint)
          << "mutation " << n << " (" << expected.what << "): " << failure.code << ", "
          << failure.reason;
    }
    ++caught[Name(mutation)];
  }
  int total = 0;
  for (const auto& [name, count] : caught) {
    EXPECT_GE(count, 100) << name;
    total += count;
  }
  EXPECT_EQ(total, kMutations);
}

}  // namespace
}  // namespace isagw::audit
