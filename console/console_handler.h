// ConsoleHandler: the web console under /console/, for people signed in
// with their own client certificates (docs/console.md). Server-rendered
// HTML from compiled-in templates; one stylesheet and one small script,
// both served from here, so the strict Content-Security-Policy lets a
// page load nothing else and run no inline script.
//
// Who sees what is decided here, by route, before anything is fetched:
//   any person   GET  /console/                      their role's first page
//   coordinator  GET  /console/reports/{name}        their agency's reports
//   operator     GET  /console/recipients            queues, circuits
//                GET  /console/dead-letters
//                POST /console/dead-letters/{id}/replay
//                GET  /console/policy                the policy set in force
//                GET  /console/metrics               the last hour's figures as charts
//                GET, POST /console/explain          policy explain for a pasted message
//   auditor      GET  /console/audit                 the search form
//                POST /console/audit                 its results (page or CSV)
//                GET  /console/audit/verify          the chain checked now
// Agencies' systems never get here (server::IdentityFilter). Refusals are
// HTML pages for a browser (Accept: text/html) and problem+json otherwise,
// with the same status, type and detail either way.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "console/console_data.h"
#include "gateway/server/request_handler.h"

namespace isagw::console {

class ConsoleHandler final : public server::RequestHandler {
 public:
  explicit ConsoleHandler(std::shared_ptr<ConsoleData> data);

  // Route, method, role and (for a replay) same-origin checks: a refused
  // request's body is never read.
  std::optional<server::HttpResponse> Admit(const server::HttpRequest& head) override;
  server::HttpResponse Handle(const server::HttpRequest& request) override;
  // Forms carry a few bytes; the explain form a pasted message.
  std::optional<std::uint64_t> BodyLimit(const server::HttpRequest& head) const override;
  // "/console/", "/console/reports/{name}", "/console/dead-letters/{id}/replay", ...
  std::string RouteLabel(const server::HttpRequest& head) const override;

 private:
  // GET: the form; POST: the pasted message's decision, field by field.
  server::HttpResponse ExplainPage(const server::HttpRequest& request, const Viewer& viewer);
  // GET: the search form; POST: its results, as a page or a CSV export.
  server::HttpResponse AuditPage(const server::HttpRequest& request, const Viewer& viewer);
  // The urgent alerts awaiting action, each with an "Actioned" form.
  server::HttpResponse AlertsPage(const server::HttpRequest& request, const Viewer& viewer);

  std::shared_ptr<ConsoleData> data_;
};

// The headers every console answer carries: the CSP and its companions,
// and no-store (pages list children).
void AddConsoleHeaders(server::HttpResponse& response);

}  // namespace isagw::console
