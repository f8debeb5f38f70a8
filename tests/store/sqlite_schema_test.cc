// The SQLite schema's indexes serve the store's own queries: what a
// migration drops must not leave a query scanning a table.
#include "gateway/store/sqlite_schema.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/store/sqlite_database.h"

namespace isagw::store {
namespace {

// Column `index` of every row `sql` returns.
std::vector<std::string> Column(SqliteDatabase& db, const std::string& sql, int index = 0) {
  std::vector<std::string> values;
  auto query = db.Prepare(sql);
  EXPECT_TRUE(query.ok()) << sql;
  if (!query.ok()) return values;
  while (true) {
    auto row = query->Step();
    EXPECT_TRUE(row.ok());
    if (!row.ok() || !*row) break;
    values.push_back(query->ColumnText(index));
  }
  return values;
}

std::string Plan(SqliteDatabase& db, const std::string& sql) {
  std::string plan;
  // EXPLAIN QUERY PLAN rows: id, parent, notused, detail.
  for (const auto& step : Column(db, "EXPLAIN QUERY PLAN " + sql, 3)) plan += step + "\n";
  return plan;
}

class SqliteSchema : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteDatabase::OpenInMemory();
    ASSERT_TRUE(opened.ok());
    db_.emplace(std::move(*opened));
    ASSERT_TRUE(Migrate(*db_, SqliteMigrations()).ok());
  }
  std::optional<SqliteDatabase> db_;
};

TEST_F(SqliteSchema, EachNewEpisodeUpdatesOnlyTheIndexesItsQueriesUse) {
  // Version 7 dropped episodes_by_child: episodes_by_child_and_start leads
  // with the same column.
  EXPECT_EQ(Column(*db_,
                   "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'episodes'"
                   " AND sql IS NOT NULL ORDER BY name"),
            (std::vector<std::string>{"episodes_by_child_and_start", "episodes_by_host",
                                      "episodes_by_placing"}));
}

TEST_F(SqliteSchema, LookupsByChildStillUseAnIndex) {
  // The repeat count (SqliteStore::CountChildEpisodes) and the reports'
  // child links, as the store words them.
  const std::string count =
      Plan(*db_,
           "SELECT COUNT(*) FROM (SELECT 1 FROM episodes WHERE child_key = ?1"
           " AND missing_since BETWEEN ?2 AND ?3 AND police_ref != ?4 LIMIT ?5)");
  EXPECT_NE(count.find("USING INDEX episodes_by_child_and_start (child_key=?"), std::string::npos)
      << count;
  const std::string by_child = Plan(*db_, "SELECT police_ref FROM episodes WHERE child_key = ?1");
  EXPECT_NE(by_child.find("episodes_by_child_and_start (child_key=?)"), std::string::npos)
      << by_child;
  EXPECT_EQ(by_child.find("SCAN"), std::string::npos) << by_child;
}

}  // namespace
}  // namespace isagw::store
