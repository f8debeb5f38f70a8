// MessageSenders: who sent a message, so a non-delivery notice can go back
// to them. The Store interface has no such query yet (see docs/delivery.md,
// "Open points"); SqliteMessageSenders reads the messages table through a
// read-only connection of its own until it does.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "gateway/common/result.h"
#include "gateway/store/sqlite_database.h"
#include "gateway/store/store.h"

namespace isagw::delivery {

class MessageSenders {
 public:
  virtual ~MessageSenders() = default;
  // The sending agency's id; nullopt when no such message is stored.
  virtual Result<std::optional<std::string>, store::StoreError> SenderOf(
      const std::string& message_id) = 0;
};

// Over the SQLite store's database file. Opens its connection on first
// use; not thread-safe (the delivery worker's thread owns it).
class SqliteMessageSenders final : public MessageSenders {
 public:
  explicit SqliteMessageSenders(std::filesystem::path database);
  Result<std::optional<std::string>, store::StoreError> SenderOf(
      const std::string& message_id) override;

 private:
  std::filesystem::path path_;
  std::optional<store::SqliteDatabase> db_;
};

}  // namespace isagw::delivery
