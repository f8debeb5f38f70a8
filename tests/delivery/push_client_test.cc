#include "gateway/delivery/push_client.h"

#include <gtest/gtest.h>

#include <future>
#include <set>

#include "gateway/metrics/metrics_registry.h"
#include "tests/delivery/test_certs.h"
#include "tests/delivery/webhook_receiver.h"

namespace isagw::delivery {
namespace {

using namespace std::chrono_literals;
using Kind = PushResult::Kind;
using testing::ExampleCert;
using testing::ScriptedAnswer;
using testing::WebhookReceiver;

PushClientOptions GatewayClientOptions() {
  PushClientOptions options;
  options.certificate_chain = ExampleCert("gateway-client.crt");
  options.private_key = ExampleCert("gateway-client.key");
  return options;
}

class PushClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto receiver = WebhookReceiver::Start(
        {ExampleCert("receiver.crt"), ExampleCert("receiver.key"), ExampleCert("ca.crt")});
    ASSERT_TRUE(receiver.ok()) << receiver.error()
                               << " (run `ctest -R 'make_example_certs|make_gateway_client_cert'`)";
    receiver_ = std::move(*receiver);
    PushClientOptions options = GatewayClientOptions();
    options.metrics = &metrics_;
    auto client = PushClient::Create(options);
    ASSERT_TRUE(client.ok()) << client.error();
    client_ = std::move(*client);
  }

  registry::PushEndpoint Endpoint() const {
    return {receiver_->Url(), ExampleCert("receiver-ca.crt"), "localhost"};
  }

  PushRequest Request(const std::string& delivery_id) const {
    return PushRequest{Endpoint(), delivery_id, "m-" + delivery_id,
                       "application/vnd.isagw.council+xml",
                       "<CouncilEvent>" + delivery_id + "</CouncilEvent>"};
  }

  metrics::MetricsRegistry metrics_;
  std::unique_ptr<WebhookReceiver> receiver_;
  std::unique_ptr<PushClient> client_;
};

TEST_F(PushClientTest, DeliversOnceWithTheDeliveryHeaders) {
  const PushResult result = client_->PushAndWait(Request("d-1"));
  EXPECT_EQ(result.kind, Kind::kDelivered) << result.error;
  EXPECT_EQ(result.http_status, 200);

  const auto requests = receiver_->requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& request = requests[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/isagw/v1/deliveries");
  EXPECT_EQ(request.host, "127.0.0.1:" + std::to_string(receiver_->port()));
  EXPECT_EQ(request.content_type, "application/vnd.isagw.council+xml");
  EXPECT_EQ(request.delivery_id, "d-1");
  EXPECT_EQ(request.idempotency_key, "d-1");
  EXPECT_EQ(request.message_id, "m-d-1");
  EXPECT_EQ(request.body, "<CouncilEvent>d-1</CouncilEvent>");
  EXPECT_EQ(request.server_name, "localhost");  // SNI
}

TEST_F(PushClientTest, RefusesARecipientWhoseCertificateIsNotForTheServerName) {
  PushRequest request = Request("d-1");
  request.endpoint.server_name = "receiver.example.org";
  const PushResult result = client_->PushAndWait(request);
  EXPECT_EQ(result.kind, Kind::kRetry);
  EXPECT_EQ(result.error, "hostname_mismatch");
  EXPECT_EQ(result.http_status, 0);
  EXPECT_TRUE(receiver_->requests().empty());
}

TEST_F(PushClientTest, ChecksAnAddressServerNameAsAnAddress) {
  PushRequest request = Request("d-1");
  request.endpoint.server_name = "127.0.0.1";  // in the receiver certificate's SAN
  const PushResult result = client_->PushAndWait(request);
  EXPECT_EQ(result.kind, Kind::kDelivered) << result.error;
  ASSERT_EQ(receiver_->requests().size(), 1u);
  EXPECT_EQ(receiver_->requests()[0].server_name, "");  // no SNI for an address

  request.endpoint.server_name = "127.0.0.2";
  const PushResult refused = client_->PushAndWait(request);
  EXPECT_EQ(refused.kind, Kind::kRetry);
  EXPECT_EQ(refused.error, "hostname_mismatch");
  EXPECT_EQ(receiver_->requests().size(), 1u);
}

TEST_F(PushClientTest, RefusesARecipientCertifiedByAnotherCa) {
  PushRequest request = Request("d-1");
  request.endpoint.ca_file = ExampleCert("ca.crt");  // the agencies' CA, not the receiver's
  const PushResult result = client_->PushAndWait(request);
  EXPECT_EQ(result.kind, Kind::kRetry);
  EXPECT_EQ(result.error, "untrusted_certificate");
  EXPECT_TRUE(receiver_->requests().empty());
}

TEST_F(PushClientTest, IsRefusedByARecipientThatDoesNotTrustItsCertificate) {
  // A client certificate from another CA: the receiver trusts only the
  // example CA that issued the gateway's, so the handshake fails and
  // nothing is sent.
  PushClientOptions options;
  options.certificate_chain = ExampleCert("wrong-ca.crt");
  options.private_key = ExampleCert("wrong-ca.key");
  auto stranger = PushClient::Create(options);
  ASSERT_TRUE(stranger.ok()) << stranger.error();
  const PushResult result = (*stranger)->PushAndWait(Request("d-1"));
  EXPECT_EQ(result.kind, Kind::kRetry);
  EXPECT_NE(result.error, "");
  EXPECT_TRUE(receiver_->requests().empty());
}

TEST_F(PushClientTest, KeepsOneConnectionForManyDeliveries) {
  constexpr int kDeliveries = 10;
  for (int i = 0; i < kDeliveries; ++i) {
    const PushResult result = client_->PushAndWait(Request("d-" + std::to_string(i)));
    ASSERT_EQ(result.kind, Kind::kDelivered) << result.error;
  }
  EXPECT_EQ(client_->stats().handshakes, 1u);
  EXPECT_EQ(client_->stats().requests, static_cast<std::uint64_t>(kDeliveries));
  EXPECT_EQ(client_->stats().reused, static_cast<std::uint64_t>(kDeliveries - 1));
  EXPECT_EQ(receiver_->handshakes(), 1);
  const auto requests = receiver_->requests();
  ASSERT_EQ(requests.size(), static_cast<std::size_t>(kDeliveries));
  for (const auto& request : requests) EXPECT_EQ(request.connection, 1);
  const std::string metrics = metrics_.RenderPrometheus();
  EXPECT_NE(metrics.find("isagw_delivery_tls_handshakes_total 1"), std::string::npos) << metrics;
}

TEST_F(PushClientTest, OpensOneConnectionPerConcurrentDeliveryUpToItsLimit) {
  PushClientOptions options = GatewayClientOptions();
  options.max_connections_per_endpoint = 2;
  auto client = PushClient::Create(options);
  ASSERT_TRUE(client.ok()) << client.error();
  std::vector<std::future<PushResult>> results;
  for (int i = 0; i < 6; ++i) {
    auto promise = std::make_shared<std::promise<PushResult>>();
    results.push_back(promise->get_future());
    (*client)->Push(Request("d-" + std::to_string(i)),
                    [promise](PushResult result) { promise->set_value(std::move(result)); });
  }
  for (auto& result : results) EXPECT_EQ(result.get().kind, Kind::kDelivered);
  EXPECT_LE((*client)->stats().handshakes, 2u);
  EXPECT_EQ(receiver_->requests().size(), 6u);
}

TEST_F(PushClientTest, ReadsRetryAfterFromAnUnavailableRecipient) {
  receiver_->Script({ScriptedAnswer{503, "7", false}});
  const PushResult result = client_->PushAndWait(Request("d-1"));
  EXPECT_EQ(result.kind, Kind::kRetry);
  EXPECT_EQ(result.http_status, 503);
  EXPECT_EQ(result.error, "http_503");
  EXPECT_EQ(result.retry_after, std::chrono::seconds(7));
  // The connection survives an error answer.
  EXPECT_EQ(client_->PushAndWait(Request("d-1")).kind, Kind::kDelivered);
  EXPECT_EQ(client_->stats().handshakes, 1u);
}

TEST_F(PushClientTest, TreatsABadRequestAnswerAsPermanent) {
  receiver_->Script({ScriptedAnswer{400, "", false}});
  const PushResult result = client_->PushAndWait(Request("d-1"));
  EXPECT_EQ(result.kind, Kind::kPermanent);
  EXPECT_EQ(result.http_status, 400);
  EXPECT_EQ(result.error, "http_400");
}

// A receiver's answer body is read and dropped (threat PUSH-I2): whatever
// it says never reaches the result, and so never a notice, log or audit.
TEST_F(PushClientTest, KeepsNothingOfARefusalsBody) {
  const std::string canary = "CANARY-Alex-Example-04/05/2010";
  ScriptedAnswer refusal;
  refusal.status = 422;
  refusal.body = "refused: " + canary;
  receiver_->Script({refusal});
  const PushResult result = client_->PushAndWait(Request("d-1"));
  EXPECT_EQ(result.kind, Kind::kPermanent);
  EXPECT_EQ(result.http_status, 422);
  EXPECT_EQ(result.error, "http_422");
  EXPECT_EQ(result.error.find("CANARY"), std::string::npos);
}

// A huge answer is cut off at max_response_bytes, or at the header limit,
// and retried (threat PUSH-D5); the client keeps delivering afterwards.
TEST_F(PushClientTest, RetriesWhenTheAnswerIsTooLarge) {
  ScriptedAnswer huge_body_answer, huge_header_answer;
  huge_body_answer.body = std::string(128 * 1024, 'x');
  huge_header_answer.padding_header_bytes = 32 * 1024;  // the limit is 16 KiB
  receiver_->Script({huge_body_answer, huge_header_answer});
  const PushResult huge_body = client_->PushAndWait(Request("d-1"));
  EXPECT_EQ(huge_body.kind, Kind::kRetry);
  EXPECT_EQ(huge_body.error, "response_too_large");
  const PushResult huge_header = client_->PushAndWait(Request("d-1"));
  EXPECT_EQ(huge_header.kind, Kind::kRetry);
  EXPECT_EQ(huge_header.error, "response_too_large");
  EXPECT_EQ(client_->PushAndWait(Request("d-1")).kind, Kind::kDelivered);
}

// A receiver that never answers holds a connection for read_timeout only,
// then the copy is retried (threat PUSH-D4).
TEST_F(PushClientTest, RetriesWhenTheRecipientDoesNotAnswerInTime) {
  PushClientOptions options = GatewayClientOptions();
  options.read_timeout = 200ms;
  auto client = PushClient::Create(options);
  ASSERT_TRUE(client.ok()) << client.error();
  ScriptedAnswer silent;
  silent.delay = 30s;
  receiver_->Script({silent});
  const PushResult result = (*client)->PushAndWait(Request("d-1"));
  EXPECT_EQ(result.kind, Kind::kRetry);
  EXPECT_EQ(result.error, "read_timeout");
}

TEST_F(PushClientTest, ReconnectsWhenTheRecipientClosesEveryConnection) {
  receiver_->SetCloseAfterEachAnswer(true);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(client_->PushAndWait(Request("d-" + std::to_string(i))).kind, Kind::kDelivered);
  }
  EXPECT_EQ(receiver_->requests().size(), 3u);
  EXPECT_EQ(client_->stats().handshakes, 3u);
  EXPECT_EQ(client_->stats().reused, 0u);
}

TEST_F(PushClientTest, ReplacesAKeptAliveConnectionTheRecipientCut) {
  ASSERT_EQ(client_->PushAndWait(Request("d-1")).kind, Kind::kDelivered);
  receiver_->GoDown();
  ASSERT_TRUE(receiver_->ComeBack());
  const PushResult result = client_->PushAndWait(Request("d-2"));
  EXPECT_EQ(result.kind, Kind::kDelivered) << result.error;
  EXPECT_EQ(client_->stats().handshakes, 2u);
  EXPECT_EQ(receiver_->requests().size(), 2u);
}

TEST_F(PushClientTest, RetriesWhenTheRecipientDropsTheRequestUnanswered) {
  receiver_->Script({ScriptedAnswer{200, "", true}});
  const PushResult result = client_->PushAndWait(Request("d-1"));
  EXPECT_EQ(result.kind, Kind::kRetry);
  EXPECT_EQ(result.error, "connection_closed");
  EXPECT_EQ(result.http_status, 0);
}

TEST_F(PushClientTest, RetriesWhenTheRecipientIsDown) {
  receiver_->GoDown();
  const PushResult result = client_->PushAndWait(Request("d-1"));
  EXPECT_EQ(result.kind, Kind::kRetry);
  EXPECT_EQ(result.error, "connect_refused");
  ASSERT_TRUE(receiver_->ComeBack());
  EXPECT_EQ(client_->PushAndWait(Request("d-1")).kind, Kind::kDelivered);
}

TEST_F(PushClientTest, RetriesWhenTheEndpointsCaFileIsMissing) {
  PushRequest request = Request("d-1");
  request.endpoint.ca_file = "/nonexistent/receiver-ca.crt";
  const PushResult result = client_->PushAndWait(request);
  EXPECT_EQ(result.kind, Kind::kRetry);
  EXPECT_EQ(result.error, "ca_file_unusable");
}

TEST_F(PushClientTest, RefusesNewAttemptsOnceStopped) {
  ASSERT_EQ(client_->PushAndWait(Request("d-1")).kind, Kind::kDelivered);
  client_->Stop();
  const PushResult result = client_->PushAndWait(Request("d-2"));
  EXPECT_EQ(result.kind, Kind::kRetry);
  EXPECT_EQ(result.error, "client_stopped");
  EXPECT_EQ(receiver_->requests().size(), 1u);
}

TEST(PushClientCreate, RefusesAKeyThatDoesNotMatchTheCertificate) {
  PushClientOptions options = GatewayClientOptions();
  options.private_key = ExampleCert("police-derbys.key");
  auto client = PushClient::Create(options);
  ASSERT_FALSE(client.ok());
  EXPECT_NE(client.error().find("does not match"), std::string::npos) << client.error();
}

TEST(PushClientCreate, RefusesAMissingCertificate) {
  PushClientOptions options = GatewayClientOptions();
  options.certificate_chain = "/nonexistent/gateway.crt";
  auto client = PushClient::Create(options);
  ASSERT_FALSE(client.ok());
  EXPECT_NE(client.error().find("/nonexistent/gateway.crt"), std::string::npos);
}

}  // namespace
}  // namespace isagw::delivery
