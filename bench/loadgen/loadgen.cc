// isagw-loadgen: a mutual-TLS HTTP/1.1 load generator for the gateway
// (and for anything else speaking HTTPS with client certificates, such as
// the nginx baseline in bench/scripts/compare-nginx.sh).
//
// N keep-alive connections each send one request at a time, either as
// fast as answers come back (closed loop) or at a fixed total rate (open
// loop: each request has an intended start time, and its latency is
// counted from then, so a stalled server cannot hide its queueing —
// "coordinated omission"). Prints throughput and latency percentiles
// (p50/p90/p99/max) as text, and as JSON with --json.
//
// With --vary every request is a new message: each `{{n}}` in the body
// becomes a per-run counter and the request carries
// `Idempotency-Key: <run-id>-<n>`, so a gateway answers each one for real
// instead of replaying its first answer to a duplicate. --expect-status
// counts only that status as success (latencies are of those alone) and
// reports every other answer per status.
//
// With --new-connection every request has a connection of its own: TCP
// connect and a full TLS handshake (the client keeps no session), counted
// in its latency, then a TLS close. That measures handshakes per second.
//
// Safety: only loopback targets are accepted, and every run is bounded
// by --duration (at most 600 s) and --max-requests.
#include <openssl/ssl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace isagw::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr auto kIoTimeout = std::chrono::seconds(30);
constexpr int kMaxDurationSeconds = 600;

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8443;
  std::string server_name = "localhost";
  std::string ca;
  std::string cert;
  std::string key;
  int connections = 16;
  int threads = 1;
  double rate = 0;  // requests per second in total; 0: closed loop
  double duration = 10;
  std::uint64_t max_requests = 10'000'000;
  std::string method;
  std::string path = "/v1/messages";
  std::string body_file;
  std::string content_type = "application/vnd.isagw.compact+json";
  std::string json_file;
  std::string label = "run";
  bool vary = false;
  std::string run_id;            // --vary: Idempotency-Key prefix; default from time and pid
  std::uint64_t vary_start = 1;  // --vary: first value of {{n}}
  int expect_status = 0;         // 0: any 2xx is success
  bool new_connection = false;   // a new TCP connection and full TLS handshake per request
};

constexpr std::string_view kCounterMark = "{{n}}";

// The body cut at every {{n}}: the hot path only concatenates.
std::vector<std::string> SplitAtCounter(const std::string& body) {
  std::vector<std::string> parts;
  std::size_t from = 0;
  for (std::size_t at = body.find(kCounterMark); at != std::string::npos;
       at = body.find(kCounterMark, from)) {
    parts.push_back(body.substr(from, at - from));
    from = at + kCounterMark.size();
  }
  parts.push_back(body.substr(from));
  return parts;
}

// What every connection shares: the request template and the counter.
struct Workload {
  std::string body;                     // sent as is without --vary
  std::vector<std::string> body_parts;  // --vary: body split at {{n}}
  std::atomic<std::uint64_t> next{1};   // --vary: the next {{n}}
};

// What one connection saw; merged at the end.
struct Tally {
  std::vector<double> latencies_ms;  // successful (2xx or expected) requests only
  std::map<int, std::uint64_t> statuses;
  std::uint64_t unexpected = 0;  // answers other than the expected status
  std::map<std::string, std::uint64_t> errors;
  std::uint64_t connects = 0;
  std::uint64_t bytes_received = 0;
};

class Connection {
 public:
  Connection(asio::io_context& io, ssl::context& context, const Options& options,
             Workload& workload, Clock::time_point start, Clock::time_point stop,
             std::atomic<std::uint64_t>& budget, double per_connection_rate)
      : io_(io),
        context_(context),
        options_(options),
        workload_(workload),
        server_name_(options.server_name),
        start_(start),
        stop_(stop),
        budget_(budget),
        interval_(per_connection_rate > 0
                      ? std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(1.0 / per_connection_rate))
                      : Clock::duration::zero()) {}

  const Tally& tally() const { return tally_; }

  asio::awaitable<void> Run() {
    if (options_.new_connection) {
      co_await RunNewConnectionEach();
      co_return;
    }
    Clock::time_point intended = start_;
    bool scheduled = false;
    while (Clock::now() < stop_) {
      if (!stream_ && !co_await Connect()) {
        // Back off a little rather than spin on a refusing server.
        asio::steady_timer pause(io_, std::chrono::milliseconds(100));
        co_await pause.async_wait(kAwait);
        continue;
      }
      if (!scheduled) {
        // The schedule starts once this connection is up: the first
        // handshake is not a request's latency. Later reconnects are.
        intended = Clock::now() - interval_;
        scheduled = true;
      }
      if (!co_await NextTurn(intended)) break;
      co_await OneRequest(intended);
    }
    if (stream_) {
      beast::get_lowest_layer(*stream_).expires_after(std::chrono::seconds(2));
      co_await stream_->async_shutdown(kAwait);
    }
  }

 private:
  // Waits for the next request's intended start (open loop) or takes now
  // (closed loop), and a request from the budget; false when the run is
  // over.
  asio::awaitable<bool> NextTurn(Clock::time_point& intended) {
    if (interval_ != Clock::duration::zero()) {
      intended += interval_;
      if (intended >= stop_) co_return false;
      if (intended > Clock::now()) {
        asio::steady_timer wait(io_, intended);
        co_await wait.async_wait(kAwait);
      }
    } else {
      intended = Clock::now();
    }
    co_return TakeFromBudget();
  }

  // --new-connection: connect, handshake, one request, close; the
  // request's latency runs from its intended start, handshake included.
  asio::awaitable<void> RunNewConnectionEach() {
    Clock::time_point intended = Clock::now();
    while (Clock::now() < stop_) {
      if (!co_await NextTurn(intended)) break;
      if (!co_await Connect()) continue;
      co_await OneRequest(intended);
      if (stream_) {
        beast::get_lowest_layer(*stream_).expires_after(std::chrono::seconds(2));
        co_await stream_->async_shutdown(kAwait);
        stream_.reset();
      }
    }
  }

  asio::awaitable<bool> Connect() {
    stream_.emplace(io_, context_);
    // SSL_set_tlsext_host_name is a macro with a C cast; this is its expansion.
    SSL_ctrl(stream_->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             server_name_.data());
    SSL_set1_host(stream_->native_handle(), options_.server_name.c_str());
    auto& layer = beast::get_lowest_layer(*stream_);
    layer.expires_after(kIoTimeout);
    auto [connect_error] = co_await layer.async_connect(
        tcp::endpoint(asio::ip::make_address(options_.host), options_.port), kAwait);
    if (connect_error) {
      Fail("connect");
      co_return false;
    }
    // Requests go out as several TLS records: do not let Nagle hold the last.
    boost::system::error_code no_delay_error;
    layer.socket().set_option(tcp::no_delay(true), no_delay_error);
    layer.expires_after(kIoTimeout);
    auto [handshake_error] = co_await stream_->async_handshake(ssl::stream_base::client, kAwait);
    if (handshake_error) {
      Fail("tls_handshake");
      co_return false;
    }
    ++tally_.connects;
    co_return true;
  }

  bool TakeFromBudget() {
    std::uint64_t left = budget_.load();
    do {
      if (left == 0) return false;
    } while (!budget_.compare_exchange_weak(left, left - 1));
    return true;
  }

  void Fail(const std::string& kind) {
    ++tally_.errors[kind];
    stream_.reset();
  }

  asio::awaitable<void> OneRequest(Clock::time_point intended) {
    http::request<http::string_body> request;
    request.method_string(options_.method);
    request.target(options_.path);
    request.version(11);
    request.set(http::field::host, options_.server_name);
    request.keep_alive(!options_.new_connection);
    if (options_.vary) {
      const std::string n = std::to_string(workload_.next.fetch_add(1));
      std::string& body = request.body();
      body.reserve(workload_.body.size() + workload_.body_parts.size() * n.size());
      body = workload_.body_parts.front();
      for (std::size_t i = 1; i < workload_.body_parts.size(); ++i) {
        body += n;
        body += workload_.body_parts[i];
      }
      request.set("Idempotency-Key", options_.run_id + "-" + n);
    } else {
      request.body() = workload_.body;
    }
    if (!request.body().empty() || options_.method == "POST") {
      request.set(http::field::content_type, options_.content_type);
      request.prepare_payload();
    }
    auto& layer = beast::get_lowest_layer(*stream_);
    layer.expires_after(kIoTimeout);
    auto [write_error, written] = co_await http::async_write(*stream_, request, kAwait);
    if (write_error) {
      Fail(write_error == beast::error::timeout ? "timeout" : "write");
      co_return;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    layer.expires_after(kIoTimeout);
    auto [read_error, read] = co_await http::async_read(*stream_, buffer_, parser, kAwait);
    if (read_error) {
      Fail(read_error == beast::error::timeout ? "timeout" : "read");
      co_return;
    }
    tally_.bytes_received += read;
    const auto& response = parser.get();
    const int status = static_cast<int>(response.result_int());
    ++tally_.statuses[status];
    const bool success = options_.expect_status != 0 ? status == options_.expect_status
                                                     : status >= 200 && status < 300;
    if (!success) ++tally_.unexpected;
    if (success) {
      tally_.latencies_ms.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - intended).count());
    }
    if (!response.keep_alive()) stream_.reset();
  }

  asio::io_context& io_;
  ssl::context& context_;
  const Options& options_;
  Workload& workload_;
  std::string server_name_;  // a mutable copy: OpenSSL's SNI call takes void*
  Clock::time_point start_;
  Clock::time_point stop_;
  std::atomic<std::uint64_t>& budget_;
  Clock::duration interval_;
  std::optional<ssl::stream<beast::tcp_stream>> stream_;
  beast::flat_buffer buffer_;
  Tally tally_;
};

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double rank = p / 100.0 * static_cast<double>(sorted.size() - 1);
  const auto low = static_cast<std::size_t>(std::floor(rank));
  const auto high = static_cast<std::size_t>(std::ceil(rank));
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - static_cast<double>(low));
}

int Run(const Options& options) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(options.host, ec);
  if (ec || !address.is_loopback()) {
    std::cerr << "isagw-loadgen: --host must be a loopback IP address (127.0.0.0/8 or ::1)\n";
    return 2;
  }
  Workload workload;
  std::string& body = workload.body;
  if (!options.body_file.empty()) {
    std::ifstream in(options.body_file, std::ios::binary);
    if (!in) {
      std::cerr << "isagw-loadgen: cannot read " << options.body_file << "\n";
      return 2;
    }
    std::ostringstream text;
    text << in.rdbuf();
    body = text.str();
  }
  workload.body_parts = SplitAtCounter(body);
  workload.next = options.vary_start;
  if (options.vary && workload.body_parts.size() < 2) {
    std::cerr << "isagw-loadgen: --vary needs {{n}} in the body\n";
    return 2;
  }

  ssl::context context(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  context.set_verify_mode(ssl::verify_peer);
  context.load_verify_file(options.ca, ec);
  if (!ec) context.use_certificate_chain_file(options.cert, ec);
  if (!ec) context.use_private_key_file(options.key, ssl::context::pem, ec);
  if (ec) {
    std::cerr << "isagw-loadgen: TLS files: " << ec.message() << "\n";
    return 2;
  }

  const int threads = std::max(1, std::min(options.threads, options.connections));
  std::vector<std::unique_ptr<asio::io_context>> ios;
  for (int t = 0; t < threads; ++t) ios.push_back(std::make_unique<asio::io_context>(1));
  const auto start = Clock::now();
  const auto stop = start + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(options.duration));
  std::atomic<std::uint64_t> budget{options.max_requests};
  const double per_connection_rate = options.rate / options.connections;
  std::vector<std::unique_ptr<Connection>> connections;
  for (int i = 0; i < options.connections; ++i) {
    auto& io = *ios[static_cast<std::size_t>(i % threads)];
    connections.push_back(std::make_unique<Connection>(io, context, options, workload, start, stop,
                                                       budget, per_connection_rate));
    asio::co_spawn(io, connections.back()->Run(), asio::detached);
  }
  std::vector<std::thread> workers;
  for (auto& io : ios) workers.emplace_back([&io] { io->run(); });
  for (auto& worker : workers) worker.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  Tally total;
  for (const auto& connection : connections) {
    const Tally& t = connection->tally();
    total.latencies_ms.insert(total.latencies_ms.end(), t.latencies_ms.begin(),
                              t.latencies_ms.end());
    for (const auto& [status, n] : t.statuses) total.statuses[status] += n;
    for (const auto& [kind, n] : t.errors) total.errors[kind] += n;
    total.unexpected += t.unexpected;
    total.connects += t.connects;
    total.bytes_received += t.bytes_received;
  }
  std::sort(total.latencies_ms.begin(), total.latencies_ms.end());
  std::uint64_t responses = 0;
  for (const auto& [status, n] : total.statuses) responses += n;
  const double throughput = static_cast<double>(total.latencies_ms.size()) / elapsed;

  nlohmann::json result = {
      {"label", options.label},
      {"target", options.host + ":" + std::to_string(options.port) + options.path},
      {"method", options.method},
      {"mode", options.rate > 0 ? "open_loop" : "closed_loop"},
      {"rate", options.rate},
      {"connections", options.connections},
      {"duration_s", elapsed},
      {"requests_ok", total.latencies_ms.size()},
      {"responses", responses},
      {"expect_status", options.expect_status},
      {"unexpected", total.unexpected},
      {"throughput_rps", throughput},
      {"latency_ms",
       {{"p50", Percentile(total.latencies_ms, 50)},
        {"p90", Percentile(total.latencies_ms, 90)},
        {"p99", Percentile(total.latencies_ms, 99)},
        {"max", total.latencies_ms.empty() ? 0.0 : total.latencies_ms.back()}}},
      {"connects", total.connects},
      {"vary", options.vary},
      {"new_connection", options.new_connection},
      {"bytes_received", total.bytes_received},
  };
  nlohmann::json statuses = nlohmann::json::object();
  for (const auto& [status, n] : total.statuses) statuses[std::to_string(status)] = n;
  result["statuses"] = statuses;
  result["errors"] = total.errors;

  char rate_text[64];
  std::snprintf(rate_text, sizeof rate_text, "open loop at %g req/s", options.rate);
  std::string mode = options.rate > 0 ? rate_text : "closed loop";
  if (options.new_connection) mode += ", a new connection per request";
  std::printf("%s: %s %s, %d connections, %s, %.1f s\n", options.label.c_str(),
              options.method.c_str(), result["target"].get<std::string>().c_str(),
              options.connections, mode.c_str(), elapsed);
  std::printf("  ok requests  %llu (%.1f req/s), responses %llu, connects %llu\n",
              static_cast<unsigned long long>(total.latencies_ms.size()), throughput,  // NOLINT
              static_cast<unsigned long long>(responses),                              // NOLINT
              static_cast<unsigned long long>(total.connects));                        // NOLINT
  std::printf("  latency ms   p50 %.3f  p90 %.3f  p99 %.3f  max %.3f\n",
              result["latency_ms"]["p50"].get<double>(), result["latency_ms"]["p90"].get<double>(),
              result["latency_ms"]["p99"].get<double>(), result["latency_ms"]["max"].get<double>());
  if (options.vary) {
    std::printf("  varied       {{n}} %llu..%llu, Idempotency-Key %s-<n>\n",
                static_cast<unsigned long long>(options.vary_start),        // NOLINT
                static_cast<unsigned long long>(workload.next.load() - 1),  // NOLINT
                options.run_id.c_str());
  }
  std::printf("  unexpected   %llu (not %s)\n",
              static_cast<unsigned long long>(total.unexpected),  // NOLINT
              options.expect_status != 0 ? std::to_string(options.expect_status).c_str() : "2xx");
  std::printf("  statuses     %s\n  errors       %s\n", statuses.dump().c_str(),
              result["errors"].dump().c_str());
  if (!options.json_file.empty()) {
    std::ofstream out(options.json_file);
    out << result.dump(2) << "\n";
    if (!out) {
      std::cerr << "isagw-loadgen: cannot write " << options.json_file << "\n";
      return 1;
    }
  }
  return total.latencies_ms.empty() ? 1 : 0;
}

}  // namespace
}  // namespace isagw::bench

int main(int argc, char** argv) {
  isagw::bench::Options options;
  CLI::App app{"isagw-loadgen: mutual-TLS keep-alive HTTP load generator (loopback only)"};
  app.add_option("--host", options.host, "loopback IP address of the server");
  app.add_option("--port", options.port, "server port");
  app.add_option("--server-name", options.server_name, "TLS server name (SNI and check)");
  app.add_option("--ca", options.ca, "CA bundle that issued the server certificate")->required();
  app.add_option("--cert", options.cert, "client certificate (PEM)")->required();
  app.add_option("--key", options.key, "client private key (PEM)")->required();
  app.add_option("-c,--connections", options.connections, "keep-alive connections")
      ->check(CLI::Range(1, 10000));
  app.add_option("-t,--threads", options.threads, "client threads")->check(CLI::Range(1, 64));
  app.add_option("-r,--rate", options.rate,
                 "total requests per second (open loop); 0 sends as fast as answered")
      ->check(CLI::Range(0.0, 1e7));
  app.add_option("-d,--duration", options.duration, "seconds to run (at most 600)")
      ->check(CLI::Range(0.1, static_cast<double>(isagw::bench::kMaxDurationSeconds)));
  app.add_option("--max-requests", options.max_requests, "stop after this many requests");
  app.add_option("-m,--method", options.method,
                 "HTTP method (default: POST with a body, else GET)");
  app.add_option("--path", options.path, "request target");
  app.add_option("--body", options.body_file, "file sent as the request body");
  app.add_option("--content-type", options.content_type, "Content-Type of the body");
  app.add_option("--json", options.json_file, "also write the results as JSON to this file");
  app.add_option("--label", options.label, "name of this run in the output");
  app.add_flag("--vary", options.vary,
               "make every request a new message: {{n}} in the body becomes a counter, "
               "and Idempotency-Key is <run-id>-<n>");
  app.add_option("--run-id", options.run_id,
                 "with --vary: Idempotency-Key prefix (default: from the time and pid)");
  app.add_option("--vary-start", options.vary_start, "with --vary: the first {{n}}");
  app.add_option("--expect-status", options.expect_status,
                 "count only this status as success (default: any 2xx)")
      ->check(CLI::Range(100, 599));
  app.add_flag("--new-connection", options.new_connection,
               "open a new connection (TCP + full TLS handshake) for every request");
  CLI11_PARSE(app, argc, argv);
  if (options.method.empty()) options.method = options.body_file.empty() ? "GET" : "POST";
  if (options.run_id.empty()) {
    options.run_id = "lg" + std::to_string(::getpid()) + "-" +
                     std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
  }
  return isagw::bench::Run(options);
}
