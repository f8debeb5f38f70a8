#include "gateway/server/api_router.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/server/fake_api_service.h"

namespace isagw::server {
namespace {

using testing::FakeApiService;

HttpRequest Request(std::string method, std::string target, std::string agency = "la-derby",
                    std::string content_type = "") {
  HttpRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.agency_id = std::move(agency);
  if (!content_type.empty()) request.headers.push_back({"Content-Type", std::move(content_type)});
  return request;
}

class ApiRouterTest : public ::testing::Test {
 protected:
  std::shared_ptr<FakeApiService> service = std::make_shared<FakeApiService>();
  ApiRouter router{service, 4096};
};

void ExpectProblem(const HttpResponse& response, int status, const char* type) {
  EXPECT_EQ(response.status, status);
  ASSERT_NE(response.Header("content-type"), nullptr);
  EXPECT_EQ(*response.Header("content-type"), "application/problem+json");
  const auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["status"], status);
  EXPECT_EQ(body["type"], type);
}

TEST_F(ApiRouterTest, RoutesEachPathToItsServiceMethod) {
  struct Case {
    HttpRequest request;
    const char* method;
    const char* id;
  };
  const std::vector<Case> cases = {
      {Request("POST", "/v1/messages", "la-derby", "application/vnd.isagw.compact+json"),
       "SubmitMessage", "compact"},
      {Request("POST", "/v1/batches", "la-derby", "text/csv"), "SubmitBatch", "csv"},
      {Request("GET", "/v1/messages/msg-derby-1"), "GetMessageStatus", "msg-derby-1"},
      {Request("GET", "/v1/inbox?limit=5"), "ListInbox", ""},
      {Request("GET", "/v1/inbox/inbox-derby-1"), "GetInboxItem", "inbox-derby-1"},
      {Request("POST", "/v1/inbox/inbox-derby-1/ack"), "AckInboxItem", "inbox-derby-1"},
      {Request("POST", "/v1/inbox/inbox-derby-1/action", "la-derby", "application/json"),
       "ActionInboxItem", "inbox-derby-1"},
  };
  for (const auto& c : cases) {
    ASSERT_FALSE(router.Admit(c.request).has_value()) << c.request.target;
    router.Handle(c.request);
  }
  const auto calls = service->Calls();
  ASSERT_EQ(calls.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(calls[i].method, cases[i].method);
    EXPECT_EQ(calls[i].id, cases[i].id);
  }
}

// The store down (PostgreSQL restarting): nothing was stored, and the
// agency is told when to try again.
TEST_F(ApiRouterTest, AnUnavailableAnswerSaysWhenToTryAgain) {
  service->store_down = true;
  HttpRequest request =
      Request("POST", "/v1/messages", "police-derbys", "application/vnd.isagw.compact+json");
  const HttpResponse response = router.Handle(request);
  ExpectProblem(response, 503, "urn:isagw:problem:unavailable");
  ASSERT_NE(response.Header("Retry-After"), nullptr);
  EXPECT_GE(std::stoi(*response.Header("Retry-After")), 1);
  service->store_down = false;
  EXPECT_EQ(router.Handle(request).Header("Retry-After"), nullptr) << "only on 503";
}

TEST_F(ApiRouterTest, PassesTheAuthenticatedAgencyToTheService) {
  router.Handle(Request("GET", "/v1/inbox", "police-staffs"));
  ASSERT_EQ(service->Calls().size(), 1u);
  EXPECT_EQ(service->Calls()[0].agency_id, "police-staffs");
}

TEST_F(ApiRouterTest, AgencyCannotReadAnotherAgencysInboxItemOrMessage) {
  EXPECT_EQ(router.Handle(Request("GET", "/v1/inbox/inbox-stoke-1", "la-derby")).status, 404);
  EXPECT_EQ(router.Handle(Request("GET", "/v1/messages/msg-stoke-1", "la-derby")).status, 404);
  EXPECT_EQ(router.Handle(Request("GET", "/v1/inbox/inbox-stoke-1", "la-stoke")).status, 200);
}

TEST_F(ApiRouterTest, RoutesAnActionWithItsJsonBodyToTheCallersOwnCopy) {
  HttpRequest request =
      Request("POST", "/v1/inbox/inbox-derby-1/action", "la-derby", "application/json");
  request.body = R"({"team":"MASH"})";
  const HttpResponse response = router.Handle(request);
  EXPECT_EQ(response.status, 204);
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ(response.Header("Content-Type"), nullptr);
  ASSERT_EQ(service->Calls().size(), 1u);
  EXPECT_EQ(service->Calls()[0].method, "ActionInboxItem");
  EXPECT_EQ(service->Calls()[0].agency_id, "la-derby");
  EXPECT_EQ(service->Calls()[0].body, R"({"team":"MASH"})");
  EXPECT_EQ(service->Calls()[0].media_type, "application/json");

  // Another agency's copy looks like a missing one.
  request.agency_id = "la-stoke";
  EXPECT_EQ(router.Handle(request).status, 404);
}

TEST_F(ApiRouterTest, AnActionTakesOnlyJsonAndOnlyByPost) {
  for (const char* type :
       {"", "text/plain", "application/x-www-form-urlencoded", "application/problem+json"}) {
    ExpectProblem(
        router.Handle(Request("POST", "/v1/inbox/inbox-derby-1/action", "la-derby", type)), 415,
        isagw::problem_type::kUnsupportedFormat);
  }
  EXPECT_FALSE(router
                   .Admit(Request("POST", "/v1/inbox/inbox-derby-1/action", "la-derby",
                                  "Application/JSON; charset=utf-8"))
                   .has_value());
  const HttpResponse get = router.Handle(Request("GET", "/v1/inbox/inbox-derby-1/action"));
  ExpectProblem(get, 405, problem_type::kMethodNotAllowed);
  EXPECT_EQ(*get.Header("Allow"), "POST");
  for (const char* target : {"/v1/inbox/a%2Fb/action", "/v1/inbox//action", "/v1/inbox/x/action/",
                             "/v1/inbox/x/actions"}) {
    ExpectProblem(router.Handle(Request("POST", target, "la-derby", "application/json")), 404,
                  problem_type::kNotFound);
  }
  EXPECT_EQ(service->CallCount(), 0);
}

TEST_F(ApiRouterTest, AnswersNotFoundWithProblemForUnknownPaths) {
  for (const char* target : {"/", "/v1", "/v1/messages/", "/v2/messages", "/v1/inbox/a/b",
                             "/v1/inbox/%2e%2e", "/v1/messages/a%2Fb", "/v1/inbox/x/ack/"}) {
    ExpectProblem(router.Handle(Request("GET", target)), 404, problem_type::kNotFound);
  }
  EXPECT_EQ(service->CallCount(), 0);
}

TEST_F(ApiRouterTest, AnswersMethodNotAllowedWithAllowHeader) {
  const HttpResponse response = router.Handle(Request("DELETE", "/v1/inbox"));
  ExpectProblem(response, 405, problem_type::kMethodNotAllowed);
  ASSERT_NE(response.Header("Allow"), nullptr);
  EXPECT_EQ(*response.Header("Allow"), "GET");
  EXPECT_EQ(*router.Handle(Request("GET", "/v1/messages")).Header("Allow"), "POST");
  EXPECT_EQ(service->CallCount(), 0);
}

TEST_F(ApiRouterTest, AnswersUnsupportedMediaTypeForUnknownOrMissingContentType) {
  ExpectProblem(router.Handle(Request("POST", "/v1/messages", "la-derby", "text/plain")), 415,
                isagw::problem_type::kUnsupportedFormat);
  ExpectProblem(router.Handle(Request("POST", "/v1/messages")), 415,
                isagw::problem_type::kUnsupportedFormat);
  ExpectProblem(router.Handle(Request("POST", "/v1/batches", "la-derby", "application/json")), 415,
                isagw::problem_type::kUnsupportedFormat);
  EXPECT_EQ(service->CallCount(), 0);
}

TEST_F(ApiRouterTest, ChoosesTheFormatFromTheMediaTypeIgnoringParametersAndCase) {
  router.Handle(Request("POST", "/v1/messages", "la-derby", "Application/JSON; charset=utf-8"));
  router.Handle(Request("POST", "/v1/messages", "la-derby", "application/vnd.isagw.council+xml"));
  router.Handle(Request("POST", "/v1/messages", "la-derby", "application/vnd.isagw.rhi+json"));
  router.Handle(Request("POST", "/v1/batches", "la-derby", "application/x-ndjson"));
  const auto calls = service->Calls();
  ASSERT_EQ(calls.size(), 4u);
  EXPECT_EQ(calls[0].id, "canonical");
  EXPECT_EQ(calls[1].id, "council-xml");
  EXPECT_EQ(calls[2].id, "rhi");
  EXPECT_EQ(calls[3].id, "ndjson");
}

TEST_F(ApiRouterTest, PassesIdempotencyKeyAndRefusesMalformedOnes) {
  HttpRequest request = Request("POST", "/v1/messages", "la-derby", "application/json");
  request.headers.push_back({"Idempotency-Key", "key-123"});
  router.Handle(request);
  ASSERT_EQ(service->Calls().size(), 1u);
  EXPECT_EQ(service->Calls()[0].idempotency_key, "key-123");

  HttpRequest bad = Request("POST", "/v1/messages", "la-derby", "application/json");
  bad.headers.push_back({"Idempotency-Key", std::string(300, 'k')});
  const HttpResponse response = router.Handle(bad);
  ExpectProblem(response, 400, isagw::problem_type::kMalformed);
  EXPECT_EQ(nlohmann::json::parse(response.body)["errors"][0]["code"], "too_long");
  EXPECT_EQ(service->CallCount(), 1);
}

TEST_F(ApiRouterTest, GivesBatchesTheirOwnBodyLimit) {
  EXPECT_EQ(router.BodyLimit(Request("POST", "/v1/batches")), 4096u);
  EXPECT_FALSE(router.BodyLimit(Request("POST", "/v1/messages")).has_value());
}

TEST_F(ApiRouterTest, LabelsRoutesByTemplateNeverByRawPath) {
  EXPECT_EQ(router.RouteLabel(Request("GET", "/v1/inbox/inbox-derby-1")), "/v1/inbox/{id}");
  EXPECT_EQ(router.RouteLabel(Request("POST", "/v1/inbox/x/ack")), "/v1/inbox/{id}/ack");
  EXPECT_EQ(router.RouteLabel(Request("POST", "/v1/inbox/x/action")), "/v1/inbox/{id}/action");
  EXPECT_EQ(router.RouteLabel(Request("GET", "/v1/messages/abc?x=1")), "/v1/messages/{id}");
  EXPECT_EQ(router.RouteLabel(Request("GET", "/secret/Alex-Example")), "unmatched");
}

TEST(ResourceId, AcceptsOnlyShortPlainIds) {
  EXPECT_TRUE(IsValidResourceId("msg-2026.11_22"));
  EXPECT_FALSE(IsValidResourceId(""));
  EXPECT_FALSE(IsValidResourceId(std::string(129, 'a')));
  EXPECT_FALSE(IsValidResourceId("a b"));
  EXPECT_FALSE(IsValidResourceId("a%20b"));
}

TEST(HttpRequest, SplitsPathAndQueryAndFindsHeadersIgnoringCase) {
  HttpRequest request;
  request.target = "/v1/inbox?limit=10&after=x";
  request.headers.push_back({"content-TYPE", " Application/Vnd.Isagw.Compact+JSON ; q=1"});
  EXPECT_EQ(request.Path(), "/v1/inbox");
  EXPECT_EQ(request.Query(), "limit=10&after=x");
  EXPECT_EQ(request.MediaType(), "application/vnd.isagw.compact+json");
  EXPECT_EQ(request.Header("X-Missing"), nullptr);
}

// One decoder serves the report API's query and the console's forms.
TEST(DecodeFormValue, DecodesEscapesAndPlusAndRefusesWhatIsNotAnEscape) {
  EXPECT_EQ(DecodeFormValue("2026-04-01%2F2027-03-31"), "2026-04-01/2027-03-31");
  EXPECT_EQ(DecodeFormValue("2026-04-01%2f2027"), "2026-04-01/2027");
  EXPECT_EQ(DecodeFormValue("2026+Q3"), "2026 Q3");
  EXPECT_EQ(DecodeFormValue("%2B%25"), "+%");
  EXPECT_EQ(DecodeFormValue(""), "");
  // from_chars took a sign: "%-1" once decoded to a byte.
  for (const char* bad : {"%", "%2", "abc%", "%zz", "%g1", "%-1", "%+1", "%%41"}) {
    EXPECT_FALSE(DecodeFormValue(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace isagw::server
