// Fuzz target: the HTTP request path as the API listener sees it once TLS
// has identified the caller (issue 15). The input is what one connection
// sends: its first line names the calling agency (a name the registry
// does not know picks one by the line's length), the rest is the bytes
// of one or more pipelined requests. They are read by Beast under the
// server's limits, answered at the head by the server's own checks
// (gateway/server/request_head.h) and the API filter chain, and handled
// by the real ApiRouter and GatewayApiService over an in-memory store
// holding the example deployment.
//
// Properties beyond "no crash, hang or leak":
//   - no request is answered 5xx (nothing here can fail but the code);
//   - every 4xx is a problem+json whose status is the answer's, whose
//     errors name fields as JSON Pointers, and which never quotes a value
//     of the request (its body, query or headers);
//   - a refused request changes nothing in the store but its audit.
#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "gateway/metrics/metrics_registry.h"
#include "gateway/pipeline/gateway_api_service.h"
#include "gateway/server/api_router.h"
#include "gateway/server/filter_chain.h"
#include "gateway/server/request_head.h"
#include "gateway/store/sqlite_store.h"
#include "tests/support/example_gateway.h"
#include "tests/support/forwarding_store.h"

namespace isagw::fuzz {
namespace {

namespace http = boost::beast::http;
using server::HttpRequest;
using server::HttpResponse;

// More requests than this on one connection add nothing a fuzzer needs.
constexpr std::size_t kMaxRequestsPerInput = 8;

// Counts the calls that changed what the store holds for someone other
// than the auditor.
class CountingStore final : public testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  int changes() const { return changes_; }

  Result<Ok, store::StoreError> Commit(const store::Acceptance& acceptance) override {
    return Counted(ForwardingStore::Commit(acceptance));
  }
  std::vector<Result<Ok, store::StoreError>> CommitAll(
      std::span<const store::Acceptance* const> acceptances) override {
    auto results = ForwardingStore::CommitAll(acceptances);
    changes_ += static_cast<int>(
        std::count_if(results.begin(), results.end(), [](const auto& r) { return r.ok(); }));
    return results;
  }
  Result<Ok, store::StoreError> AcknowledgeMailboxItem(
      const std::string& recipient, const std::string& delivery_id, model::Timestamp at,
      std::vector<store::AuditRecord> audit) override {
    return Counted(
        ForwardingStore::AcknowledgeMailboxItem(recipient, delivery_id, at, std::move(audit)));
  }
  Result<Ok, store::StoreError> RecordAction(const std::string& recipient,
                                             const std::string& delivery_id,
                                             const store::BusinessAction& action,
                                             std::vector<store::AuditRecord> audit) override {
    return Counted(ForwardingStore::RecordAction(recipient, delivery_id, action, std::move(audit)));
  }

 private:
  Result<Ok, store::StoreError> Counted(Result<Ok, store::StoreError> result) {
    if (result.ok()) ++changes_;
    return result;
  }
  int changes_ = 0;
};

model::Timestamp FixedNow() {
  using namespace std::chrono;
  return sys_days{2026y / November / 22} + 21h + 41min;
}

// One answer and whether the store changed while it was made.
struct Exchange {
  HttpResponse response;
  bool changed_store = false;
};

// A fresh gateway per connection, so each input is judged alone.
class Gateway {
 public:
  Gateway() {
    auto opened = store::SqliteStore::OpenInMemory(testing::ExampleSealer());
    Require(opened.ok(), "the in-memory store opens");
    inner_ = std::move(*opened);
    store_ = std::make_unique<CountingStore>(*inner_);
    auto service = std::make_shared<pipeline::GatewayApiService>(
        *store_, testing::ExampleGatewayState(), FixedNow);
    auto limiter = std::make_shared<server::TokenBucketRateLimiter>(server::RateLimit{1000, 1000});
    chain_ = server::MakeApiFilterChain(
        std::make_shared<server::ApiRouter>(std::move(service), options_.batch_body_limit_bytes),
        std::move(limiter), metrics_, options_.body_limit_bytes);
  }

  // The answers to what one connection sent, as the server's session
  // loop gives them (gateway/server/server.cc, ServeApi).
  std::vector<Exchange> Serve(const std::string& agency, std::string_view bytes) {
    std::vector<Exchange> out;
    std::size_t at = 0;
    for (std::size_t served = 0; served < kMaxRequestsPerInput; ++served) {
      server::BeastRequestParser parser;
      server::PrepareApiParser(parser, options_);
      if (auto ec = Read(parser, bytes, at, /*header_only=*/true)) {
        if (auto problem = server::ProblemForHeaderReadError(ec)) {
          out.push_back({server::ProblemResponse(*problem), false});
        }
        break;
      }
      HttpRequest request = server::HeadFrom(parser);
      request.agency_id = agency;
      bool keep_alive = parser.get().keep_alive();
      std::optional<HttpResponse> response =
          server::AnswerAtHead(parser, request, *chain_, keep_alive);
      const std::uint64_t limit = chain_->BodyLimit(request).value_or(options_.body_limit_bytes);
      if (!parser.is_done()) {
        if (!server::ReadsBodyAfter(response, request, limit)) {
          keep_alive = false;
        } else {
          parser.body_limit(limit);
          if (auto ec = Read(parser, bytes, at, /*header_only=*/false)) {
            if (ec == http::error::body_limit) {
              response = server::ProblemResponse(
                  server::TooLargeProblem("the request body is over this route's limit"));
            } else if (!server::IsHttpParseError(ec) || ec == http::error::partial_message) {
              break;  // the peer went away mid-body: nobody to answer
            } else {
              response = server::ProblemResponse(
                  server::MalformedRequestProblem("the request body is not well-formed"));
            }
            keep_alive = false;
          }
        }
      }
      const int before = store_->changes();
      if (!response) {
        request.body = std::move(parser.get().body());
        response = chain_->Handle(request);
      }
      out.push_back({std::move(*response), store_->changes() != before});
      if (!keep_alive) break;
    }
    return out;
  }

 private:
  // Feeds `bytes` from `at` to the parser until it has the head (or the
  // whole message), as Beast's read operations do; the end of the input is
  // the end of the stream.
  static boost::system::error_code Read(server::BeastRequestParser& parser, std::string_view bytes,
                                        std::size_t& at, bool header_only) {
    parser.eager(!header_only);
    boost::system::error_code ec;
    while (header_only ? !parser.is_header_done() : !parser.is_done()) {
      if (at == bytes.size()) {
        // As Beast's read: a stream that ends before any byte is not a message.
        if (!parser.got_some()) return http::error::end_of_stream;
        parser.put_eof(ec);
        return ec ? ec : http::error::partial_message;
      }
      at += parser.put(boost::asio::buffer(bytes.data() + at, bytes.size() - at), ec);
      if (ec == http::error::need_more) {
        // Every byte left was offered: the peer sent no more.
        at = bytes.size();
        ec = {};
      } else if (ec) {
        return ec;
      }
    }
    return {};
  }

  server::ServerOptions options_;
  metrics::MetricsRegistry metrics_;
  std::unique_ptr<store::SqliteStore> inner_;
  std::unique_ptr<CountingStore> store_;
  std::shared_ptr<server::RequestHandler> chain_;
};

// The connection's input split into the calling agency and its bytes.
std::pair<std::string, std::string_view> Split(std::string_view input) {
  const auto& agencies = testing::ExampleGatewayState()->registry.agencies();
  const std::size_t end = input.find('\n');
  const std::string_view line = input.substr(0, end);
  const std::string_view bytes =
      end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
  for (const auto& agency : agencies) {
    if (agency.id == line) return {agency.id, bytes};
  }
  return {agencies[line.size() % agencies.size()].id, bytes};
}

std::vector<Exchange> ServeInput(std::string_view input) {
  auto [agency, bytes] = Split(input);
  return Gateway().Serve(agency, bytes);
}

// A problem body as field errors, so the shared refusal checks apply: its
// errors when it lists some, else one error for the whole request.
FieldErrors ErrorsOf(const HttpResponse& response) {
  const auto problem = nlohmann::json::parse(response.body, nullptr, false);
  Require(problem.is_object(), "a 4xx body is a JSON object");
  Require(problem.value("status", 0) == response.status, "a problem's status is the answer's");
  Require(problem.contains("type") && problem["type"].is_string(), "a problem has a type");
  Require(problem.contains("title") && problem["title"].is_string(), "a problem has a title");
  FieldErrors errors;
  for (const auto& e : problem.value("errors", nlohmann::json::array())) {
    Require(e.is_object() && e.contains("pointer") && e["pointer"].is_string(),
            "a problem's error names a pointer");
    errors.push_back({e["pointer"].get<std::string>(), e.value("code", ""), e.value("reason", "")});
  }
  errors.push_back({"", problem["type"].get<std::string>(),
                    problem.value("detail", problem["title"].get<std::string>())});
  return errors;
}

FieldErrors RefusalsOf(const std::vector<Exchange>& exchanges) {
  FieldErrors all;
  for (const Exchange& e : exchanges) {
    if (e.response.status < 400) continue;
    const auto* type = e.response.Header("Content-Type");
    Require(type != nullptr && *type == server::kProblemMediaType, "a 4xx is problem+json");
    auto errors = ErrorsOf(e.response);
    all.insert(all.end(), errors.begin(), errors.end());
  }
  return all;
}

// What the connection carried as values: each body read in every format
// the gateway takes, each query value, each header value.
std::vector<std::string> ValuesOf(std::string_view input) {
  std::vector<std::string> values;
  const auto add = [&](std::vector<std::string> more) {
    values.insert(values.end(), std::make_move_iterator(more.begin()),
                  std::make_move_iterator(more.end()));
  };
  for (std::size_t start = input.find("\r\n\r\n"); start != std::string_view::npos;
       start = input.find("\r\n\r\n", start + 4)) {
    const std::string_view body = input.substr(start + 4);
    add(JsonValues(body.substr(0, body.find("\r\n\r\n"))));
    add(NdjsonValues(body));
    add(XmlValues(body));
    add(CsvValues(body));
  }
  for (std::size_t line = 0; line < input.size();) {
    const std::size_t end = std::min(input.find('\n', line), input.size());
    const std::string_view text = input.substr(line, end - line);
    for (const char separator : {':', '=', ' '}) {
      if (const std::size_t cut = text.find(separator); cut != std::string_view::npos) {
        std::string_view value = text.substr(cut + 1);
        const std::size_t first = value.find_first_not_of(" \t\r");
        value = first == std::string_view::npos ? std::string_view{} : value.substr(first);
        value = value.substr(0, value.find_last_not_of(" \t\r") + 1);
        if (value.size() >= 8) values.emplace_back(value);
      }
    }
    line = end + 1;
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

}  // namespace
}  // namespace isagw::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace isagw::fuzz;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<Exchange> exchanges = ServeInput(input);
  // For triage: ISAGW_FUZZ_TRACE=1 prints each answer's status.
  if (std::getenv("ISAGW_FUZZ_TRACE") != nullptr) {
    for (const Exchange& e : exchanges) {
      std::fprintf(stderr, "answer %d %.300s\n", e.response.status, e.response.body.c_str());
    }
  }
  for (const Exchange& e : exchanges) {
    Require(e.response.status >= 200 && e.response.status < 500, "no request is answered 5xx");
    Require(e.response.status < 400 || !e.changed_store,
            "a refused request changes nothing but the audit");
  }
  const isagw::FieldErrors refusals = RefusalsOf(exchanges);
  if (!refusals.empty()) {
    RequireWellFormedRefusal(input, refusals, ValuesOf(input),
                             [](std::string_view other) { return RefusalsOf(ServeInput(other)); });
  }
  return 0;
}
