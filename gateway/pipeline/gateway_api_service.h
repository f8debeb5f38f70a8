// GatewayApiService: the HTTP API's routes (server::ApiService) done with
// the ingest pipeline and the store. It holds the current GatewayState
// and swaps it whole on reload; a request keeps the snapshot it started
// with. Every store call blocks: the server runs handlers on its worker
// pool (server.cc, handler_threads), never on an I/O thread.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "gateway/model/time.h"
#include "gateway/pipeline/gateway_state.h"
#include "gateway/pipeline/ingest_pipeline.h"
#include "gateway/server/api_service.h"
#include "gateway/store/store.h"

namespace isagw::pipeline {

class GatewayApiService final : public server::ApiService {
 public:
  using Clock = std::function<model::Timestamp()>;
  // Called after each commit of accepted messages (from a handler thread):
  // the delivery worker wakes for the new copies instead of waiting for
  // its next poll.
  using AcceptedHook = std::function<void()>;

  // `store` must outlive the service; `state` must not be null.
  // `max_batch_records` is limits.max_batch_records: a batch of more
  // records is refused whole before any is decided.
  GatewayApiService(store::Store& store, std::shared_ptr<const GatewayState> state, Clock clock,
                    AcceptedHook on_accepted = {}, std::size_t max_batch_records = 1000);

  // Reload: later requests use `next`; requests under way finish with theirs.
  void SwapState(std::shared_ptr<const GatewayState> next);
  std::shared_ptr<const GatewayState> CurrentState() const;

  server::HttpResponse SubmitMessage(const server::ApiCall& call, adapters::Format format) override;
  server::HttpResponse SubmitBatch(const server::ApiCall& call,
                                   server::BatchFormat format) override;
  server::HttpResponse GetMessageStatus(const server::ApiCall& call,
                                        std::string_view message_id) override;
  server::HttpResponse ListInbox(const server::ApiCall& call) override;
  server::HttpResponse GetInboxItem(const server::ApiCall& call, std::string_view item_id) override;
  server::HttpResponse AckInboxItem(const server::ApiCall& call, std::string_view item_id) override;
  server::HttpResponse ActionInboxItem(const server::ApiCall& call,
                                       std::string_view item_id) override;
  server::HttpResponse GetReport(const server::ApiCall& call, std::string_view name) override;

 private:
  // Appends a "message_rejected" audit record for a refused message.
  void AuditRejection(const server::ApiCall& call, adapters::Format format, int status,
                      const nlohmann::json& problem);
  store::Store& store_;
  IngestPipeline pipeline_;
  Clock clock_;
  AcceptedHook on_accepted_;
  std::size_t max_batch_records_;
  mutable std::mutex state_mutex_;  // guards the pointer, not the state
  std::shared_ptr<const GatewayState> state_;
};

}  // namespace isagw::pipeline
