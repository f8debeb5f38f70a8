// ApiService: what the HTTP API does, one method per route, with no HTTP
// plumbing and no Beast types. The ApiRouter maps requests onto it; the
// message pipeline (decode, validate, correlate, route, ISA check, store)
// implements it. Every method is told which agency is calling, and must
// answer only with that agency's own data.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "adapters/adapter.h"
#include "gateway/server/http_message.h"

namespace isagw::server {

// Batch uploads: compact records, one per line or CSV row.
enum class BatchFormat { kNdjson, kCsv };

// What every call carries besides its route parameters.
struct ApiCall {
  std::string agency_id;                       // the authenticated caller; never empty
  std::string media_type;                      // POST: the Content-Type's media type, lower-cased
  std::optional<std::string> idempotency_key;  // the Idempotency-Key header, when sent
  std::string query;                           // the raw query string without '?', possibly empty
  std::string body;                            // POST: the request body
};

class ApiService {
 public:
  virtual ~ApiService() = default;

  // POST /v1/messages: one record in `format`. 202 with a message id, or a problem.
  virtual HttpResponse SubmitMessage(const ApiCall& call, adapters::Format format) = 0;
  // POST /v1/batches: all-or-nothing, with per-line errors.
  virtual HttpResponse SubmitBatch(const ApiCall& call, BatchFormat format) = 0;
  // GET /v1/messages/{id}: the sender's own view of a message it sent.
  virtual HttpResponse GetMessageStatus(const ApiCall& call, std::string_view message_id) = 0;
  // GET /v1/inbox: the caller's undelivered mailbox items.
  virtual HttpResponse ListInbox(const ApiCall& call) = 0;
  // GET /v1/inbox/{id}: one of the caller's mailbox items.
  virtual HttpResponse GetInboxItem(const ApiCall& call, std::string_view item_id) = 0;
  // POST /v1/inbox/{id}/ack: the caller has safely received the item.
  virtual HttpResponse AckInboxItem(const ApiCall& call, std::string_view item_id) = 0;
  // POST /v1/inbox/{id}/action: the caller has acted on one of its copies
  // (a business acknowledgement); the body names the team and, optionally,
  // the caller's own case reference. 204, also when repeated. A service
  // that keeps no actions knows no such copy: 404.
  virtual HttpResponse ActionInboxItem(const ApiCall& /*call*/, std::string_view /*item_id*/) {
    return ProblemResponse(NotFoundProblem());
  }
  // GET /v1/reports/{name}: one report about the children the caller is
  // host or placing authority for (docs/reports.md); the query names the
  // period and the format. A service without reports knows none: 404.
  virtual HttpResponse GetReport(const ApiCall& /*call*/, std::string_view /*name*/) {
    return ProblemResponse(NotFoundProblem());
  }
};

}  // namespace isagw::server
