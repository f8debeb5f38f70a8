// A gateway for pipeline tests: the example registry and ISAs
// (tests/support/example_gateway.h), real adapters, and a SQLite store in a temporary file (so a
// second connection can count rows).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "gateway/crypto/sealer.h"
#include "gateway/pipeline/gateway_state.h"
#include "gateway/pipeline/ingest_pipeline.h"
#include "gateway/store/sqlite_database.h"
#include "gateway/store/sqlite_store.h"
#include "tests/support/example_gateway.h"

namespace isagw::pipeline::testing {

inline std::string ReadSource(const std::string& relative) {
  std::ifstream in(std::string(ISAGW_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline nlohmann::json ReadJson(const std::string& relative) {
  return nlohmann::json::parse(ReadSource(relative));
}

inline std::shared_ptr<const GatewayState> ExampleState() {
  return isagw::testing::ExampleGatewayState();
}

inline std::shared_ptr<const crypto::Sealer> ExampleSealer() {
  return isagw::testing::ExampleSealer();
}

class PipelineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    state_ = new std::shared_ptr<const GatewayState>(ExampleState());
  }                                                   // NOLINT
  static void TearDownTestSuite() { delete state_; }  // NOLINT

  void SetUp() override {
    ASSERT_NE(*state_, nullptr);
    path_ = std::filesystem::temp_directory_path() /
            ("isagw-pipeline-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    Remove();
    auto opened = store::SqliteStore::Open(path_, ExampleSealer());
    ASSERT_TRUE(opened.ok()) << opened.error().detail;
    store_ = std::move(*opened);
    pipeline_ = std::make_unique<IngestPipeline>(*store_);
  }
  void TearDown() override {
    pipeline_.reset();
    store_.reset();
    Remove();
  }
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_.string() + suffix);
  }

  const GatewayState& state() const { return **state_; }

  int Count(const std::string& table) {
    auto db = store::SqliteDatabase::Open(path_);
    auto q = db->Prepare("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(*q->Step());
    return static_cast<int>(q->ColumnInt(0));
  }
  std::vector<int> Counts() {
    return {Count("messages"), Count("episodes"), Count("child_links"), Count("outbox"),
            Count("audit")};
  }

  static model::Timestamp Now() {
    using namespace std::chrono;
    return sys_days{2026y / November / 22} + 21h + 41min;
  }

  IngestAnswer Submit(const std::string& sender, adapters::Format format, std::string body,
                      std::optional<std::string> key = std::nullopt) {
    IngestRequest request{sender, format, std::move(body), std::move(key), Now()};
    return pipeline_->Submit(state(), request);
  }

  // The recipient's entry in an answer, or null.
  static nlohmann::json RecipientEntry(const IngestAnswer& answer, const std::string& agency,
                                       const std::string& kind = "") {
    for (const auto& r : answer.body.value("recipients", nlohmann::json::array())) {
      if (r["agency"] == agency && (kind.empty() || r["kind"] == kind)) return r;
    }
    return nullptr;
  }
  static nlohmann::json NotSentEntry(const IngestAnswer& answer, const std::string& agency) {
    for (const auto& r : answer.body.value("not_sent", nlohmann::json::array())) {
      if (r["agency"] == agency) return r;
    }
    return nullptr;
  }
  static bool Withholds(const nlohmann::json& entry, const std::string& field) {
    for (const auto& w : entry["withheld"]) {
      if (w["field"] == field) return true;
    }
    return false;
  }

  // The payload of one mailbox delivery, as its recipient would fetch it.
  std::string Payload(const std::string& recipient, const std::string& delivery_id) {
    auto item = store_->FetchMailboxItem(recipient, delivery_id, {});
    EXPECT_TRUE(item.ok());
    return item.ok() ? item->payload : "";
  }

  static std::shared_ptr<const GatewayState>* state_;
  std::filesystem::path path_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<IngestPipeline> pipeline_;
};

inline std::shared_ptr<const GatewayState>* PipelineTest::state_ = nullptr;

}  // namespace isagw::pipeline::testing
