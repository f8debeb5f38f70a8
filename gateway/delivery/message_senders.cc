#include "gateway/delivery/message_senders.h"

namespace isagw::delivery {

namespace {
store::StoreError Backend(const store::SqliteError& error) {
  return {store::StoreErrorKind::kBackend, error.message};
}
}  // namespace

SqliteMessageSenders::SqliteMessageSenders(std::filesystem::path database)
    : path_(std::move(database)) {}

Result<std::optional<std::string>, store::StoreError> SqliteMessageSenders::SenderOf(
    const std::string& message_id) {
  if (!db_) {
    auto opened = store::SqliteDatabase::Open(path_);
    if (!opened.ok()) return Fail(Backend(opened.error()));
    db_.emplace(std::move(*opened));
  }
  auto query = db_->Prepare("SELECT sender FROM messages WHERE id = ?1");
  if (!query.ok()) return Fail(Backend(query.error()));
  query->Bind(1, std::string_view(message_id));
  auto row = query->Step();
  if (!row.ok()) return Fail(Backend(row.error()));
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(query->ColumnText(0));
}

}  // namespace isagw::delivery
