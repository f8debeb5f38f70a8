// FakeApiService: an ApiService for tests. It owns a tiny mailbox and a
// few sent messages per agency and answers only the caller's own, like
// the real one must, so tests can show identity reaches the service.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "gateway/server/api_service.h"

namespace isagw::server::testing {

class FakeApiService final : public ApiService {
 public:
  struct Call {
    std::string method;  // "SubmitMessage", ...
    std::string agency_id;
    std::string id;  // route parameter, when there is one
    std::string media_type;
    std::string body;
    std::string idempotency_key;
  };

  // Runs inside SubmitMessage before it answers (tests block here).
  std::function<void()> on_submit;
  // SubmitBatch throws instead of answering.
  bool throw_on_batch = false;
  // SubmitMessage answers 503, as the gateway does when its store is down.
  bool store_down = false;

  // Item and message ids, each owned by one agency.
  std::map<std::string, std::string> inbox_owner = {{"inbox-derby-1", "la-derby"},
                                                    {"inbox-stoke-1", "la-stoke"}};
  std::map<std::string, std::string> message_owner = {{"msg-derby-1", "la-derby"},
                                                      {"msg-stoke-1", "la-stoke"}};

  std::vector<Call> Calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  int CallCount() const { return call_count_.load(); }

  HttpResponse SubmitMessage(const ApiCall& call, adapters::Format format) override {
    Record("SubmitMessage", call, std::string(*adapters::kFormatNames.Name(format)));
    if (on_submit) on_submit();
    if (store_down) {
      return ProblemResponse(UnavailableProblem("the message could not be stored"));
    }
    return Json(
        202,
        R"({"message_id":"msg-new-1","status":"accepted","kind":"missing_reported","recipients":[],"not_sent":[]})");
  }
  HttpResponse SubmitBatch(const ApiCall& call, BatchFormat format) override {
    Record("SubmitBatch", call, format == BatchFormat::kCsv ? "csv" : "ndjson");
    // A failure whose message quotes input, as a careless parser's might.
    if (throw_on_batch) throw std::runtime_error("bad line: " + call.body);
    return Json(202, R"({"batch_id":"batch-1","status":"accepted"})");
  }
  HttpResponse GetMessageStatus(const ApiCall& call, std::string_view message_id) override {
    Record("GetMessageStatus", call, std::string(message_id));
    return Owned(message_owner, call.agency_id, message_id);
  }
  HttpResponse ListInbox(const ApiCall& call) override {
    Record("ListInbox", call, "");
    std::string items;
    for (const auto& [id, owner] : inbox_owner) {
      if (owner != call.agency_id) continue;
      if (!items.empty()) items += ',';
      items += "\"" + id + "\"";
    }
    return Json(200, "{\"items\":[" + items + "]}");
  }
  HttpResponse GetInboxItem(const ApiCall& call, std::string_view item_id) override {
    Record("GetInboxItem", call, std::string(item_id));
    return Owned(inbox_owner, call.agency_id, item_id);
  }
  HttpResponse AckInboxItem(const ApiCall& call, std::string_view item_id) override {
    Record("AckInboxItem", call, std::string(item_id));
    HttpResponse response = Owned(inbox_owner, call.agency_id, item_id);
    if (response.status != 200) return response;
    return HttpResponse{204, {}, ""};
  }
  HttpResponse ActionInboxItem(const ApiCall& call, std::string_view item_id) override {
    Record("ActionInboxItem", call, std::string(item_id));
    HttpResponse response = Owned(inbox_owner, call.agency_id, item_id);
    if (response.status != 200) return response;
    return HttpResponse{204, {}, ""};
  }

 private:
  static HttpResponse Json(int status, std::string body) {
    return HttpResponse{status, {{"Content-Type", "application/json"}}, std::move(body)};
  }
  // Someone else's id is answered exactly like a missing one: 404, so a
  // caller cannot even learn that it exists.
  static HttpResponse Owned(const std::map<std::string, std::string>& owners,
                            const std::string& agency_id, std::string_view id) {
    const auto it = owners.find(std::string(id));
    if (it == owners.end() || it->second != agency_id) return ProblemResponse(NotFoundProblem());
    return Json(200, "{\"id\":\"" + it->first + "\"}");
  }
  void Record(const char* method, const ApiCall& call, std::string id) {
    std::lock_guard lock(mutex_);
    calls_.push_back({method, call.agency_id, std::move(id), call.media_type, call.body,
                      call.idempotency_key.value_or("")});
    ++call_count_;
  }

  mutable std::mutex mutex_;
  std::vector<Call> calls_;
  std::atomic<int> call_count_{0};
};

}  // namespace isagw::server::testing
