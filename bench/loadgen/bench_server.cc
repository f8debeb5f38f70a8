// isagw-bench-server: the gateway's mTLS server core with a trivial API
// behind it (every POST answered 202 at once, nothing decoded or stored),
// for measuring the server itself against nginx on equal terms
// (bench/scripts/compare-nginx.sh). Uses the example PKI from
// certs-example/make-certs.sh. Stops on SIGTERM/SIGINT.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "gateway/metrics/metrics_registry.h"
#include "gateway/server/api_router.h"
#include "gateway/server/server.h"
#include "gateway/server/static_agency_identifier.h"

namespace isagw::bench {
namespace {

using server::ApiCall;
using server::HttpResponse;

// Answers like the gateway will, without doing any of the work.
class StaticApiService final : public server::ApiService {
 public:
  HttpResponse SubmitMessage(const ApiCall& /*call*/, adapters::Format /*format*/) override {
    return Accepted();
  }
  HttpResponse SubmitBatch(const ApiCall& /*call*/, server::BatchFormat /*format*/) override {
    return Accepted();
  }
  HttpResponse GetMessageStatus(const ApiCall& /*call*/, std::string_view /*id*/) override {
    return server::ProblemResponse(server::NotFoundProblem());
  }
  HttpResponse ListInbox(const ApiCall& /*call*/) override {
    return {200, {{"Content-Type", "application/json"}}, R"({"items":[]})"};
  }
  HttpResponse GetInboxItem(const ApiCall& /*call*/, std::string_view /*id*/) override {
    return server::ProblemResponse(server::NotFoundProblem());
  }
  HttpResponse AckInboxItem(const ApiCall& /*call*/, std::string_view /*id*/) override {
    return server::ProblemResponse(server::NotFoundProblem());
  }

 private:
  static HttpResponse Accepted() {
    return {202,
            {{"Content-Type", "application/json"}},
            R"({"message_id":"static","status":"accepted"})"};
  }
};

constexpr const char* kAgencies[] = {
    "police-staffs",   "police-derbys",    "police-notts", "police-met",
    "police-wyp",      "la-staffordshire", "la-stoke",     "la-derby",
    "la-nottingham",   "la-croydon",       "la-bradford",  "provider-brighter-futures",
    "provider-catch22"};

}  // namespace
}  // namespace isagw::bench

int main(int argc, char** argv) {
  using namespace isagw;  // NOLINT(google-build-using-namespace): a small main
  std::string certs = "certs-example/out";
  server::ServerOptions options;
  options.api = {"127.0.0.1", 8443};
  options.admin = {"127.0.0.1", 9090};
  options.rate_limit = {1e9, 1e9};  // measure the server, not the limiter
  CLI::App app{"isagw-bench-server: the mTLS server core answering 202 to every message"};
  app.add_option("--certs", certs, "directory made by certs-example/make-certs.sh");
  app.add_option("--port", options.api.port, "API port on 127.0.0.1");
  app.add_option("--admin-port", options.admin.port, "admin port on 127.0.0.1");
  app.add_option("--io-threads", options.io_threads, "I/O threads")->check(CLI::Range(1, 64));
  app.add_option("--handler-threads", options.handler_threads, "handler threads")
      ->check(CLI::Range(1, 64));
  CLI11_PARSE(app, argc, argv);

  auto tls = server::ServerTlsContext::Load({certs + "/server.crt",
                                             certs + "/server.key",
                                             certs + "/ca.crt",
                                             {certs + "/ca.crl"},
                                             false});
  if (!tls.ok()) {
    std::cerr << "isagw-bench-server: " << tls.error() << "\n";
    return 1;
  }
  std::vector<server::StaticAgencyIdentifier::Entry> entries;
  for (const char* agency : bench::kAgencies) {
    entries.push_back({agency, server::AgencySanUri(agency), ""});
  }
  server::ServerConfig config{tls.value(),
                              std::make_shared<server::StaticAgencyIdentifier>(std::move(entries))};
  options.log_sink = [](std::string_view line) {
    // Per-connection info lines would dominate a benchmark's output.
    if (line.find("\"level\":\"info\"") == std::string_view::npos) std::cerr << line << "\n";
  };
  auto created = server::Server::Create(
      options, std::move(config),
      std::make_shared<server::ApiRouter>(std::make_shared<bench::StaticApiService>()),
      std::make_shared<metrics::MetricsRegistry>());
  if (!created.ok()) {
    std::cerr << "isagw-bench-server: " << created.error() << "\n";
    return 1;
  }
  std::cerr << "isagw-bench-server: listening on 127.0.0.1:" << created.value()->api_port() << "\n";
  created.value()->Run();
  return 0;
}
