#include "gateway/server/filter_chain.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gateway/metrics/metrics_registry.h"
#include "gateway/server/static_agency_identifier.h"

namespace isagw::server {
namespace {

// A handler that answers 200 and counts what reached it.
class CountingHandler final : public RequestHandler {
 public:
  int handled = 0;
  std::optional<std::uint64_t> limit;
  HttpResponse Handle(const HttpRequest& /*request*/) override {
    ++handled;
    return {200, {}, "ok"};
  }
  std::optional<std::uint64_t> BodyLimit(const HttpRequest& /*head*/) const override {
    return limit;
  }
};

// A filter that notes its name when consulted and refuses when told to.
class NoteFilter final : public RequestFilter {
 public:
  NoteFilter(std::vector<std::string>& seen, std::string name, bool refuse)
      : seen_(seen), name_(std::move(name)), refuse_(refuse) {}
  std::optional<HttpResponse> OnHeaders(const HttpRequest& /*head*/) override {
    seen_.push_back(name_);
    if (!refuse_) return std::nullopt;
    return HttpResponse{418, {}, name_};
  }

 private:
  std::vector<std::string>& seen_;
  std::string name_;
  bool refuse_;
};

HttpRequest Head(std::string agency = "police-staffs") {
  HttpRequest head;
  head.method = "POST";
  head.target = "/v1/messages";
  head.agency_id = std::move(agency);
  return head;
}

TEST(FilterChain, RunsFiltersInOrderAndStopsAtTheFirstRefusal) {
  std::vector<std::string> seen;
  std::vector<std::unique_ptr<RequestFilter>> filters;
  filters.push_back(std::make_unique<NoteFilter>(seen, "first", false));
  filters.push_back(std::make_unique<NoteFilter>(seen, "second", true));
  filters.push_back(std::make_unique<NoteFilter>(seen, "third", false));
  FilterChain chain(std::move(filters), std::make_shared<CountingHandler>());
  const auto refusal = chain.Admit(Head());
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->body, "second");
  EXPECT_EQ(seen, (std::vector<std::string>{"first", "second"}));
}

TEST(IdentityFilter, RefusesARequestWithoutAnAgency) {
  IdentityFilter filter;
  EXPECT_FALSE(filter.OnHeaders(Head()).has_value());
  const auto refusal = filter.OnHeaders(Head(""));
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->status, 403);
  EXPECT_EQ(*refusal->Header("Content-Type"), "application/problem+json");
}

// The console's requests as a person's certificate makes them.
HttpRequest PersonHead(std::string target, std::string agency = "la-derby") {
  HttpRequest head;
  head.method = "GET";
  head.target = std::move(target);
  head.agency_id = std::move(agency);
  head.person_id = "la-derby-coordinator";
  head.person_role = "coordinator";
  return head;
}

TEST(IdentityFilter, KeepsPeopleToTheConsoleAndAgenciesToTheApi) {
  IdentityFilter filter;
  EXPECT_FALSE(filter.OnHeaders(PersonHead("/console/")).has_value());
  EXPECT_FALSE(filter.OnHeaders(PersonHead("/console")).has_value());
  EXPECT_FALSE(filter.OnHeaders(PersonHead("/console/reports/daily?x=1")).has_value());
  // An operator works for no agency, and still reaches the console.
  EXPECT_FALSE(filter.OnHeaders(PersonHead("/console/", "")).has_value());

  for (const char* target : {"/v1/inbox", "/v1/messages", "/consoles", "/", "/v1/console/"}) {
    const auto refusal = filter.OnHeaders(PersonHead(target));
    ASSERT_TRUE(refusal.has_value()) << target;
    EXPECT_EQ(refusal->status, 403) << target;
  }

  HttpRequest agency = Head();
  agency.method = "GET";
  agency.target = "/console/";
  const auto refusal = filter.OnHeaders(agency);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->status, 403);
  EXPECT_EQ(*refusal->Header("Content-Type"), "application/problem+json");
}

TEST(RateLimitFilter, KeepsAPersonsRateApartFromTheirAgencys) {
  metrics::MetricsRegistry metrics;
  auto limiter = std::make_shared<TokenBucketRateLimiter>(RateLimit{0.5, 1.0});
  RateLimitFilter filter(limiter, metrics);
  EXPECT_FALSE(filter.OnHeaders(PersonHead("/console/")).has_value());
  // The agency's own bucket is untouched by its coordinator's request...
  EXPECT_FALSE(filter.OnHeaders(Head("la-derby")).has_value());
  // ...and the coordinator's is spent.
  EXPECT_TRUE(filter.OnHeaders(PersonHead("/console/")).has_value());
  EXPECT_EQ(RateLimitKey(PersonHead("/console/")), "person:la-derby-coordinator");
}

TEST(RateLimitFilter, Answers429WithRetryAfterAndCountsIt) {
  metrics::MetricsRegistry metrics;
  auto limiter = std::make_shared<TokenBucketRateLimiter>(RateLimit{0.5, 1.0});
  RateLimitFilter filter(limiter, metrics);
  EXPECT_FALSE(filter.OnHeaders(Head()).has_value());
  const auto refusal = filter.OnHeaders(Head());
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->status, 429);
  ASSERT_NE(refusal->Header("Retry-After"), nullptr);
  EXPECT_GE(std::stoi(*refusal->Header("Retry-After")), 1);
  EXPECT_EQ(nlohmann::json::parse(refusal->body)["type"], problem_type::kRateLimited);
  EXPECT_EQ(
      metrics.GetCounter("isagw_rate_limited_total", "", {{"agency", "police-staffs"}}).Value(),
      1u);
}

TEST(ContentFilter, RefusesADeclaredBodyOverTheRoutesLimit) {
  auto handler = std::make_shared<CountingHandler>();
  ContentFilter filter(100,
                       [handler](const HttpRequest& head) { return handler->BodyLimit(head); });
  HttpRequest head = Head();
  head.content_length = 100;
  EXPECT_FALSE(filter.OnHeaders(head).has_value());
  head.content_length = 101;
  const auto refusal = filter.OnHeaders(head);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->status, 413);
  handler->limit = 1000;  // the route allows more
  EXPECT_FALSE(filter.OnHeaders(head).has_value());
}

TEST(ContentFilter, RefusesCompressedBodies) {
  ContentFilter filter(100, nullptr);
  HttpRequest head = Head();
  head.headers.push_back({"Content-Encoding", "gzip"});
  const auto refusal = filter.OnHeaders(head);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->status, 415);
}

TEST(ApiFilterChain, PutsIdentityBeforeRateLimitSoAnonymousRequestsSpendNoTokens) {
  metrics::MetricsRegistry metrics;
  auto limiter = std::make_shared<TokenBucketRateLimiter>(RateLimit{0.001, 1.0});
  auto handler = std::make_shared<CountingHandler>();
  auto chain = MakeApiFilterChain(handler, limiter, metrics, 1024);
  EXPECT_EQ(chain->Admit(Head(""))->status, 403);
  EXPECT_FALSE(chain->Admit(Head()).has_value());  // the one token is still there
  EXPECT_EQ(chain->Admit(Head())->status, 429);
  EXPECT_EQ(chain->Handle(Head()).status, 200);
  EXPECT_EQ(handler->handled, 1);
}

TEST(StaticAgencyIdentifier, NamesTheAgencyOfAKnownSanUri) {
  StaticAgencyIdentifier identifier({{"police-derbys", AgencySanUri("police-derbys"), ""}});
  PeerCertificate certificate;
  certificate.san_uris = {"urn:isagw:agency:police:derbys"};
  auto agency = identifier.Identify(certificate);
  ASSERT_TRUE(agency.ok());
  EXPECT_EQ(agency.value().agency_id, "police-derbys");
  EXPECT_FALSE(agency.value().IsPerson());
}

TEST(StaticAgencyIdentifier, RefusesUnknownPinnedMismatchAndAmbiguousCertificates) {
  StaticAgencyIdentifier identifier({{"police-derbys", AgencySanUri("police-derbys"), "aa11"},
                                     {"la-derby", AgencySanUri("la-derby"), ""}});
  PeerCertificate unknown;
  unknown.san_uris = {"urn:isagw:agency:police:kent"};
  EXPECT_EQ(identifier.Identify(unknown).error().code, "unknown_agency");

  PeerCertificate wrong_pin;
  wrong_pin.san_uris = {"urn:isagw:agency:police:derbys"};
  wrong_pin.sha256_fingerprint = "bb22";
  EXPECT_EQ(identifier.Identify(wrong_pin).error().code, "fingerprint_mismatch");

  PeerCertificate both;
  both.san_uris = {"urn:isagw:agency:la:derby", "urn:isagw:agency:police:derbys"};
  EXPECT_EQ(identifier.Identify(both).error().code, "ambiguous_identity");
}

TEST(AgencySanUri, FollowsTheExampleCertificatesConvention) {
  EXPECT_EQ(AgencySanUri("provider-brighter-futures"),
            "urn:isagw:agency:provider:brighter-futures");
}

}  // namespace
}  // namespace isagw::server
