// GatewayConsoleData: the console's facts (console/console_data.h) from the
// gateway's own store and state. Reports go through reports::RunReport, so
// the console checks the same access and leaves the same audit as the API
// and the CLI, with the person's id in it; a replay is audited in the
// transaction that makes the new copy.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "console/console_data.h"
#include "gateway/audit/audit_log.h"
#include "gateway/audit/signing_key.h"
#include "gateway/metrics/metrics_history.h"
#include "gateway/pipeline/gateway_state.h"
#include "gateway/store/store.h"

namespace isagw::app {

struct ConsoleDataSources {
  store::Store* store = nullptr;
  std::function<std::shared_ptr<const pipeline::GatewayState>()> state;
  std::function<model::Timestamp()> now;
  // This replica's circuit breaker for a recipient: "closed", "open", "half_open".
  std::function<std::string(const std::string&)> circuit;
  // The policy set's loads and reloads, newest first.
  std::function<std::vector<console::PolicyEvent>()> policy_history;
  // The audit as the tools read it (the store's own tables), for auditors'
  // searches and verification; the keys whose checkpoints count.
  std::unique_ptr<audit::AuditLog> audit_log;
  std::vector<audit::PublicKey> trusted_keys;
  // This process's figures over the last hour; may be null.
  const metrics::MetricsHistory* metrics_history = nullptr;
};

// The id of a dead copy's replay: derived from the dead copy's, like every
// delivery id (ingest_pipeline.cc), so that replicas agree on it.
std::string ReplayDeliveryId(std::string_view dead_id);

class GatewayConsoleData final : public console::ConsoleData {
 public:
  explicit GatewayConsoleData(ConsoleDataSources sources);

  std::string AgencyName(std::string_view agency_id) const override;
  std::vector<std::string> ReportsFor(const console::Viewer& viewer) const override;
  Result<reports::ReportDocument, Problem> RunReport(const console::Viewer& viewer,
                                                     std::string_view report,
                                                     std::string_view period) override;
  Result<std::vector<console::RecipientView>, Problem> Recipients() override;
  Result<std::vector<store::DeadLetter>, Problem> DeadLetters() override;
  Result<std::string, Problem> Replay(const console::Viewer& viewer,
                                      std::string_view delivery_id) override;
  console::PolicyView Policy() override;
  Result<console::AuditResults, Problem> SearchAudit(const console::Viewer& viewer,
                                                     const console::AuditQuery& query) override;
  Result<console::AuditCheck, Problem> VerifyAudit(const console::Viewer& viewer) override;
  std::vector<reports::LineChart> MetricsCharts() override;
  Result<nlohmann::json, Problem> Explain(const console::Viewer& viewer,
                                          const console::ExplainForm& form) override;
  Result<std::vector<console::NoticeView>, Problem> Notices() override;
  console::HealthView Health() override;
  Result<std::vector<console::AlertView>, Problem> Alerts(const console::Viewer& viewer) override;
  Result<Ok, Problem> ActionAlert(const console::Viewer& viewer, std::string_view delivery_id,
                                  const console::ActionForm& form) override;

 private:
  // The viewer's agency and its duty endpoints: whose urgent copies are theirs.
  std::vector<std::string> AlertRecipients(const console::Viewer& viewer) const;

  ConsoleDataSources sources_;
  std::mutex audit_mutex_;  // an AuditLog reads on one connection at a time
};

}  // namespace isagw::app
