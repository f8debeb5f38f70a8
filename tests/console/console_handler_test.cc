#include "console/console_handler.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "console/console_data.h"
#include "gateway/audit/subject_report.h"
#include "gateway/model/time.h"
#include "gateway/server/http_message.h"

namespace isagw::console {
namespace {

using server::HttpRequest;
using server::HttpResponse;

// Hostile text as it could come from a registry, a store or a report: it
// must reach the page as text, never as markup.
constexpr const char* kHostile = "<script>alert(1)</script> \"q\" 'a' & co";
constexpr const char* kHostileEscaped = "&lt;script&gt;alert(1)&lt;/script&gt;";
// An identifier as an auditor types it into the search form: it goes to
// SearchAudit and nowhere else, never back into a page or a refusal.
constexpr const char* kTypedIdentifier = "9434765919";

model::Timestamp At(std::int64_t seconds) {
  return model::Timestamp{std::chrono::seconds{seconds}};
}

// Fixed facts, and a record of every call.
class FakeConsoleData final : public ConsoleData {
 public:
  // Facts.
  std::string agency_name = "Derby City Council";
  // Returned whatever the viewer's role: the handler, not the data, must
  // keep reports away from operators' pages.
  std::vector<std::string> reports = {"daily", "kpis", "repeats"};
  reports::ReportDocument document;
  std::optional<Problem> report_problem;
  std::vector<RecipientView> recipients;
  std::vector<store::DeadLetter> dead_letters;
  std::string replay_id = "dl-new-7";
  std::optional<Problem> replay_problem;
  PolicyView policy;
  AuditResults audit_results;
  std::optional<Problem> audit_problem;
  AuditCheck audit_check;
  std::vector<reports::LineChart> metrics_charts;
  int metrics_calls = 0;
  nlohmann::json explanation = nlohmann::json::object();
  std::optional<Problem> explain_problem;
  std::vector<ExplainForm> explain_calls;
  std::optional<Problem> verify_problem;
  std::vector<NoticeView> notices;
  HealthView health;
  std::vector<AlertView> alerts;
  std::optional<Problem> alerts_problem;
  std::optional<Problem> action_problem;

  // Calls.
  mutable std::vector<std::string> agency_name_calls;
  mutable std::vector<Viewer> reports_for_calls;
  struct ReportCall {
    Viewer viewer;
    std::string report;
    std::string query;
  };
  std::vector<ReportCall> report_calls;
  int recipients_calls = 0;
  int dead_letters_calls = 0;
  struct ReplayCall {
    Viewer viewer;
    std::string id;
  };
  std::vector<ReplayCall> replay_calls;
  int policy_calls = 0;
  struct AuditCall {
    Viewer viewer;
    AuditQuery query;
  };
  std::vector<AuditCall> audit_calls;
  int verify_calls = 0;
  int notices_calls = 0;
  int health_calls = 0;
  std::vector<Viewer> alerts_calls;
  struct ActionCall {
    Viewer viewer;
    std::string id;
    ActionForm form;
  };
  std::vector<ActionCall> action_calls;

  FakeConsoleData() {
    document.report = "kpis";
    document.title = "KPIs";
    document.agency = "la-derby";
    document.agency_name = "Derby City Council";
    document.period = "2026-04-01 to 2027-03-31";
    document.generated_at = "2026-11-23T08:00:00Z";
    document.notes = {"Episodes still open are counted in the month they began."};
    document.tables.push_back(
        {"kpis",
         "Key figures",
         {"Month", "Episodes", "Children"},
         {{"2026-04", "12", "9"}, {"2026-05", "15", "11"}, {"2026-06", "", "0"}}});
    document.tables.push_back({"late_rhis", "Late return interviews", {"Child", "Due"}, {}});

    RecipientView derby;
    derby.queue.recipient = "la-derby";
    derby.queue.pending = 3;
    derby.queue.oldest_pending = At(1'790'000'000);
    derby.queue.available = 0;
    derby.queue.dead = 2;
    derby.name = "Derby City Council";
    derby.mode = "push";
    derby.circuit = "open";
    RecipientView notts;
    notts.queue.recipient = "la-notts";
    notts.queue.pending = 0;
    notts.queue.available = 4;
    notts.queue.dead = 0;
    notts.name = "Nottinghamshire County Council";
    notts.mode = "mailbox";
    notts.circuit = "closed";
    recipients = {derby, notts};

    store::DeadLetter waiting;
    waiting.delivery_id = "dl-1";
    waiting.message_id = "msg-1";
    waiting.recipient = "la-derby";
    waiting.format = "compact";
    waiting.attempts = 12;
    waiting.last_error = "HTTP 503 from the recipient";
    waiting.created_at = At(1'790'000'000);
    waiting.finished_at = At(1'790'086'400);
    store::DeadLetter done = waiting;
    done.delivery_id = "dl-2";
    done.message_id = "msg-2";
    done.replayed_as = "dl-9";
    dead_letters = {waiting, done};

    policy.hash = "sha256:0123abcd";
    policy.isas = {"isa-derbyshire-missing", "isa-notts-missing"};
    policy.history = {{"2026-11-22T10:00:00Z", "applied", "sha256:0123abcd"},
                      {"2026-11-01T09:00:00Z", "loaded", "sha256:ffff0000"}};

    audit::SubjectDisclosure told;
    told.seq = 4711;
    told.at = At(1'790'000'000);
    told.message_id = "msg-1";
    told.delivery_id = "dl-1";
    told.sender = "police-staffs";
    told.recipient = "la-derby";
    told.event_kind = "missing_reported";
    told.flow = {"isa-derbyshire-missing", "4.2"};
    told.fields_sent = {{"/child/forename", "sent", "4.2"},
                        {"/episode/reported_at", "sent", "4.2"}};
    told.fields_withheld = {{"/child/health", "withheld_condition", "4.3", "condition_not_met"}};
    audit::SubjectDisclosure answered;
    answered.seq = 4812;
    answered.at = At(1'790'086'400);
    answered.message_id = "msg-2";
    answered.delivery_id = "dl-2";
    answered.sender = "la-derby";
    answered.recipient = "police-staffs";
    answered.event_kind = "return_interview";
    answered.flow = {"isa-derbyshire-missing", "5.1"};
    answered.fields_sent = {{"/rhi/summary", "sent", "5.1"}};
    audit_results.disclosures = {told, answered};

    audit_check.ok = true;
    audit_check.entries = 120;
    audit_check.checkpoints = 3;
    audit_check.last_signed_seq = 117;
    audit_check.unsigned_entries = 3;

    NoticeView notice;
    notice.notice_id = "dl-1-ndn";
    notice.to = "police-staffs";
    notice.about_delivery = "dl-1";
    notice.recipient = "la-derby";
    notice.message_id = "msg-1";
    notice.reason = "http_410";
    notice.attempts = 3;
    notice.made_at = At(1'790'086'400);
    notice.state = "available";
    notices = {notice};

    health.store_answers = true;
    health.policy_hash = "sha256:0123abcd";
    health.recipients = 2;
    health.pending = 3;
    health.oldest_pending = At(1'790'000'000);

    AlertView due_soon;
    due_soon.delivery_id = "dv-alert-1";
    due_soon.message_id = "msg-7";
    due_soon.police_ref = "DB/21/2026/000777";
    due_soon.message_kind = "missing_reported";
    due_soon.recipient = "la-derby";
    due_soon.recipient_name = "Derby City Council";
    due_soon.delivery = "available";
    due_soon.acknowledgement = "business";
    due_soon.received_at = At(1'790'000'000);
    due_soon.due_at = At(1'790'001'800);
    due_soon.minutes_left = 12;
    due_soon.status = "waiting";
    due_soon.may_action = true;
    AlertView escalated = due_soon;
    escalated.delivery_id = "dv-alert-2";
    escalated.police_ref = "DB/21/2026/000778";
    escalated.minutes_left = -40;
    escalated.status = "escalated";
    escalated.escalated_to = "Derby Emergency Duty Team";
    AlertView pushing = due_soon;
    pushing.delivery_id = "dv-alert-3";
    pushing.delivery = "pending";
    pushing.acknowledgement = "transport";
    pushing.minutes_left = -3;
    pushing.status = "overdue";
    pushing.may_action = false;
    alerts = {due_soon, escalated, pushing};
  }

  std::string AgencyName(std::string_view agency_id) const override {
    agency_name_calls.emplace_back(agency_id);
    return agency_name;
  }
  std::vector<std::string> ReportsFor(const Viewer& viewer) const override {
    reports_for_calls.push_back(viewer);
    return reports;
  }
  Result<reports::ReportDocument, Problem> RunReport(const Viewer& viewer, std::string_view report,
                                                     std::string_view period) override {
    report_calls.push_back({viewer, std::string(report), std::string(period)});
    if (report_problem) return Fail(*report_problem);
    reports::ReportDocument out = document;
    out.report = std::string(report);
    return out;
  }
  Result<std::vector<RecipientView>, Problem> Recipients() override {
    ++recipients_calls;
    return recipients;
  }
  Result<std::vector<store::DeadLetter>, Problem> DeadLetters() override {
    ++dead_letters_calls;
    return dead_letters;
  }
  Result<std::string, Problem> Replay(const Viewer& viewer, std::string_view delivery_id) override {
    replay_calls.push_back({viewer, std::string(delivery_id)});
    if (replay_problem) return Fail(*replay_problem);
    return replay_id;
  }
  PolicyView Policy() override {
    ++policy_calls;
    return policy;
  }
  Result<nlohmann::json, Problem> Explain(const Viewer& /*viewer*/,
                                          const ExplainForm& form) override {
    explain_calls.push_back(form);
    if (explain_problem) return Fail(*explain_problem);
    return explanation;
  }
  std::vector<reports::LineChart> MetricsCharts() override {
    ++metrics_calls;
    return metrics_charts;
  }
  Result<AuditResults, Problem> SearchAudit(const Viewer& viewer,
                                            const AuditQuery& query) override {
    audit_calls.push_back({viewer, query});
    if (audit_problem) return Fail(*audit_problem);
    return audit_results;
  }
  Result<AuditCheck, Problem> VerifyAudit(const Viewer& /*viewer*/) override {
    ++verify_calls;
    if (verify_problem) return Fail(*verify_problem);
    return audit_check;
  }

  Result<std::vector<NoticeView>, Problem> Notices() override {
    ++notices_calls;
    return notices;
  }
  HealthView Health() override {
    ++health_calls;
    return health;
  }
  Result<std::vector<AlertView>, Problem> Alerts(const Viewer& viewer) override {
    alerts_calls.push_back(viewer);
    if (alerts_problem) return Fail(*alerts_problem);
    return alerts;
  }
  Result<Ok, Problem> ActionAlert(const Viewer& viewer, std::string_view delivery_id,
                                  const ActionForm& form) override {
    action_calls.push_back({viewer, std::string(delivery_id), form});
    if (action_problem) return Fail(*action_problem);
    return Ok{};
  }

  // Anything that fetches a page's facts (not the layout's name and menu,
  // nor the operators' home page's health).
  std::size_t PageFetches() const {
    return report_calls.size() + alerts_calls.size() + action_calls.size() +
           static_cast<std::size_t>(notices_calls) + static_cast<std::size_t>(recipients_calls) +
           static_cast<std::size_t>(dead_letters_calls) + replay_calls.size() +
           static_cast<std::size_t>(policy_calls) + audit_calls.size() +
           static_cast<std::size_t>(verify_calls) + static_cast<std::size_t>(metrics_calls) +
           explain_calls.size();
  }
};

HttpRequest PersonRequest(std::string role, std::string method, std::string target,
                          bool html = false) {
  HttpRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.person_role = role;
  if (role == "coordinator") {
    request.person_id = "p-coord-1";
    request.agency_id = "la-derby";
  } else if (role == "auditor") {
    // Auditors work for an agency, as coordinators do (the registry
    // refuses one without).
    request.person_id = "p-audit-1";
    request.agency_id = "la-derby";
  } else {
    request.person_id = "p-op-1";
    request.agency_id = "";
  }
  request.headers.push_back({"Host", "gw.example.org"});
  if (html) request.headers.push_back({"Accept", "text/html,application/xhtml+xml;q=0.9"});
  return request;
}

HttpRequest Get(std::string role, std::string target, bool html = true) {
  return PersonRequest(std::move(role), "GET", std::move(target), html);
}

// A replay as the console's own form sends it.
HttpRequest ReplayPost(std::string id, std::string role = "operator") {
  HttpRequest request =
      PersonRequest(std::move(role), "POST", "/console/dead-letters/" + id + "/replay", true);
  request.headers.push_back({"Sec-Fetch-Site", "same-origin"});
  request.headers.push_back({"Origin", "https://gw.example.org"});
  request.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  request.content_length = 0;
  return request;
}

// An audit search as the console's own form posts it.
HttpRequest AuditPost(std::string form, bool html = true, std::string role = "auditor") {
  HttpRequest request = PersonRequest(std::move(role), "POST", "/console/audit", html);
  request.headers.push_back({"Sec-Fetch-Site", "same-origin"});
  request.headers.push_back({"Origin", "https://gw.example.org"});
  request.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  request.content_length = form.size();
  request.body = std::move(form);
  return request;
}

// As the server does it: Admit on the head, then Handle on the whole.
HttpResponse Serve(ConsoleHandler& handler, const HttpRequest& request) {
  if (auto refusal = handler.Admit(request)) return std::move(*refusal);
  return handler.Handle(request);
}

std::size_t Count(std::string_view text, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

void ExpectConsoleHeaders(const HttpResponse& response, const std::string& what) {
  SCOPED_TRACE(what);
  const std::string* csp = response.Header("content-security-policy");
  ASSERT_NE(csp, nullptr);
  EXPECT_NE(csp->find("script-src 'self'"), std::string::npos) << *csp;
  EXPECT_NE(csp->find("default-src 'none'"), std::string::npos) << *csp;
  EXPECT_NE(csp->find("frame-ancestors 'none'"), std::string::npos) << *csp;
  EXPECT_EQ(csp->find("unsafe-inline"), std::string::npos) << *csp;
  EXPECT_EQ(csp->find("unsafe-eval"), std::string::npos) << *csp;
  EXPECT_EQ(Count(*csp, "script-src"), 1U) << *csp;
  ASSERT_NE(response.Header("X-Content-Type-Options"), nullptr);
  EXPECT_EQ(*response.Header("X-Content-Type-Options"), "nosniff");
  ASSERT_NE(response.Header("X-Frame-Options"), nullptr);
  EXPECT_EQ(*response.Header("X-Frame-Options"), "DENY");
  ASSERT_NE(response.Header("Cache-Control"), nullptr);
  EXPECT_EQ(*response.Header("Cache-Control"), "no-store");
}

void ExpectProblem(const HttpResponse& response, int status, const char* type,
                   const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(response.status, status);
  ASSERT_NE(response.Header("Content-Type"), nullptr);
  EXPECT_EQ(*response.Header("Content-Type"), "application/problem+json");
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  ASSERT_FALSE(body.is_discarded()) << response.body;
  EXPECT_EQ(body.value("status", 0), status);
  EXPECT_EQ(body.value("type", ""), type);
  ExpectConsoleHeaders(response, what);
}

void ExpectHtmlPage(const HttpResponse& response, int status, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(response.status, status) << response.body;
  ASSERT_NE(response.Header("Content-Type"), nullptr);
  EXPECT_EQ(response.Header("Content-Type")->rfind("text/html", 0), 0U)
      << *response.Header("Content-Type");
  EXPECT_EQ(response.body.rfind("<!DOCTYPE html>", 0), 0U);
  ExpectConsoleHeaders(response, what);
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// One start tag as a browser reads it: its name and its attributes, with
// quoted values taken whole (so an escaped quote inside one stays inside).
struct Tag {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
};

std::vector<Tag> Tags(const std::string& html) {
  std::vector<Tag> out;
  std::size_t i = 0;
  const auto space = [&](std::size_t at) {
    return at < html.size() && std::isspace(static_cast<unsigned char>(html[at]));
  };
  while ((i = html.find('<', i)) != std::string::npos) {
    ++i;
    if (i >= html.size() || !std::isalpha(static_cast<unsigned char>(html[i]))) continue;
    Tag tag;
    while (i < html.size() && !space(i) && html[i] != '>' && html[i] != '/') tag.name += html[i++];
    while (i < html.size() && html[i] != '>') {
      while (space(i) || (i < html.size() && html[i] == '/')) ++i;
      std::string name;
      while (i < html.size() && !space(i) && html[i] != '=' && html[i] != '>' && html[i] != '/') {
        name += html[i++];
      }
      while (space(i)) ++i;
      std::string value;
      if (i < html.size() && html[i] == '=') {
        ++i;
        while (space(i)) ++i;
        if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
          const char quote = html[i++];
          const std::size_t end = html.find(quote, i);
          value = html.substr(i, end == std::string::npos ? std::string::npos : end - i);
          i = end == std::string::npos ? html.size() : end + 1;
        } else {
          while (i < html.size() && !space(i) && html[i] != '>') value += html[i++];
        }
      }
      if (!name.empty()) tag.attributes.emplace_back(std::move(name), std::move(value));
    }
    out.push_back(std::move(tag));
  }
  return out;
}

// Every <script> loads a file and holds nothing; no tag carries an event
// handler attribute or a javascript: URL.
void ExpectNoInlineScript(const std::string& page, const std::string& what) {
  SCOPED_TRACE(what);
  const std::string lower = Lower(page);
  std::size_t scripts = 0;
  for (std::size_t at = lower.find("<script"); at != std::string::npos;
       at = lower.find("<script", at + 1)) {
    ++scripts;
    const std::size_t close = lower.find('>', at);
    ASSERT_NE(close, std::string::npos);
    const std::string tag = lower.substr(at, close + 1 - at);
    EXPECT_NE(tag.find(" src=\"/console/assets/"), std::string::npos) << tag;
    EXPECT_EQ(lower.compare(close + 1, 9, "</script>"), 0)
        << "a script element with a body: " << page.substr(at, 80);
  }
  EXPECT_GE(scripts, 1U) << "the layout loads console.js";
  for (const Tag& tag : Tags(lower)) {
    for (const auto& [name, value] : tag.attributes) {
      EXPECT_FALSE(name.starts_with("on"))
          << "event handler attribute " << name << " in <" << tag.name << ">";
      EXPECT_NE(name, "style") << "inline style (blocked by the CSP) in <" << tag.name << ">";
      std::string compact;
      for (char c : value) {
        if (!std::isspace(static_cast<unsigned char>(c))) compact += c;
      }
      EXPECT_FALSE(compact.starts_with("javascript:")) << name << "=" << value;
    }
  }
  EXPECT_EQ(lower.find("<style"), std::string::npos) << "inline <style> is blocked by the CSP";
}

// The check above is only as good as what it catches.
TEST(NoInlineScriptCheck, CatchesWhatTheCspWouldBlock) {
  const std::string head =
      "<!DOCTYPE html><script src=\"/console/assets/console.js\" defer></script>";
  EXPECT_NONFATAL_FAILURE(
      ExpectNoInlineScript(head + "<script src=\"/console/assets/console.js\">alert(1)</script>",
                           "body"),
      "</script>");
  EXPECT_NONFATAL_FAILURE(ExpectNoInlineScript(head + "<SCRIPT></SCRIPT>", "upper"), "src=");
  EXPECT_NONFATAL_FAILURE(ExpectNoInlineScript(head + "<button onclick=\"x()\">", "onclick"),
                          "onclick");
  EXPECT_NONFATAL_FAILURE(ExpectNoInlineScript(head + "<img src=x onerror=x()>", "onerror"),
                          "onerror");
  EXPECT_NONFATAL_FAILURE(ExpectNoInlineScript(head + "<svg><g/onload=x()></svg>", "slash"),
                          "onload");
  EXPECT_NONFATAL_FAILURE(ExpectNoInlineScript(head + "<a href=\" javascript:x()\">", "url"),
                          "javascript:");
  EXPECT_NONFATAL_FAILURE(ExpectNoInlineScript(head + "<p style=\"color:red\">", "style"), "style");
  // Text and escaped values are not markup.
  ExpectNoInlineScript(head + "<p data-x=\"a&quot; onclick=&quot;x()\">on=1 &lt;script&gt;</p>",
                       "escaped");
}

class ConsoleHandlerTest : public ::testing::Test {
 protected:
  std::shared_ptr<FakeConsoleData> data = std::make_shared<FakeConsoleData>();
  ConsoleHandler handler{data};
};

// --- Role gating -----------------------------------------------------------

TEST_F(ConsoleHandlerTest, ACoordinatorIsRefusedOperatorPagesInAdmitBeforeAnythingIsFetched) {
  const std::vector<HttpRequest> requests = {
      Get("coordinator", "/console/recipients"),
      Get("coordinator", "/console/dead-letters"),
      Get("coordinator", "/console/dead-letters?replayed=dl-1"),
      Get("coordinator", "/console/policy"),
      ReplayPost("dl-1", "coordinator"),
  };
  for (const HttpRequest& request : requests) {
    for (bool html : {false, true}) {
      HttpRequest r = request;
      if (!html) std::erase_if(r.headers, [](const auto& h) { return h.name == "Accept"; });
      const auto refusal = handler.Admit(r);
      ASSERT_TRUE(refusal.has_value()) << r.method << " " << r.target;
      EXPECT_EQ(refusal->status, 403) << r.target;
      if (!html) ExpectProblem(*refusal, 403, problem_type::kForbidden, r.target);
      // Handle alone refuses too.
      EXPECT_EQ(handler.Handle(r).status, 403) << r.target;
    }
  }
  EXPECT_EQ(data->recipients_calls, 0);
  EXPECT_EQ(data->dead_letters_calls, 0);
  EXPECT_TRUE(data->replay_calls.empty());
  EXPECT_EQ(data->policy_calls, 0);
  EXPECT_TRUE(data->report_calls.empty());
}

TEST_F(ConsoleHandlerTest, AnOperatorIsRefusedReportsInAdmitAndNoReportRuns) {
  for (const char* target : {"/console/reports/daily", "/console/reports/kpis",
                             "/console/reports/kpis?period=2026-Q3"}) {
    for (bool html : {false, true}) {
      const HttpRequest request = Get("operator", target, html);
      const auto refusal = handler.Admit(request);
      ASSERT_TRUE(refusal.has_value()) << target;
      if (html) {
        ExpectHtmlPage(*refusal, 403, target);
      } else {
        ExpectProblem(*refusal, 403, problem_type::kForbidden, target);
      }
      EXPECT_EQ(handler.Handle(request).status, 403) << target;
    }
  }
  EXPECT_TRUE(data->report_calls.empty());
  EXPECT_EQ(data->PageFetches(), 0U);
}

TEST_F(ConsoleHandlerTest, AnAuditorGetsOnlyTheHomePageAndAssets) {
  const std::vector<HttpRequest> refused = {
      Get("auditor", "/console/reports/daily"), Get("auditor", "/console/reports/kpis"),
      Get("auditor", "/console/recipients"),    Get("auditor", "/console/dead-letters"),
      Get("auditor", "/console/policy"),        ReplayPost("dl-1", "auditor"),
  };
  for (const HttpRequest& request : refused) {
    const auto refusal = handler.Admit(request);
    ASSERT_TRUE(refusal.has_value()) << request.target;
    ExpectHtmlPage(*refusal, 403, request.target);
  }
  EXPECT_EQ(data->PageFetches(), 0U);

  for (const char* target :
       {"/console/", "/console", "/console/assets/console.css", "/console/assets/console.js"}) {
    const HttpRequest request = Get("auditor", target);
    EXPECT_FALSE(handler.Admit(request).has_value()) << target;
    EXPECT_EQ(handler.Handle(request).status, 200) << target;
  }
  EXPECT_EQ(data->PageFetches(), 0U);
}

TEST_F(ConsoleHandlerTest, EveryPersonGetsTheHomePageAndAssets) {
  for (const char* role : {"operator", "coordinator", "auditor"}) {
    const HttpResponse home = Serve(handler, Get(role, "/console/"));
    ExpectHtmlPage(home, 200, role);
    EXPECT_NE(home.body.find("<span id=\"viewer-role\">" + std::string(role) + "</span>"),
              std::string::npos)
        << role;

    const HttpResponse css = Serve(handler, Get(role, "/console/assets/console.css"));
    EXPECT_EQ(css.status, 200);
    ASSERT_NE(css.Header("Content-Type"), nullptr);
    EXPECT_EQ(css.Header("Content-Type")->rfind("text/css", 0), 0U);
    EXPECT_NE(css.body.find("font"), std::string::npos) << "the stylesheet's text";
    ExpectConsoleHeaders(css, "css");

    const HttpResponse js = Serve(handler, Get(role, "/console/assets/console.js"));
    EXPECT_EQ(js.status, 200);
    ASSERT_NE(js.Header("Content-Type"), nullptr);
    EXPECT_EQ(js.Header("Content-Type")->rfind("text/javascript", 0), 0U);
    EXPECT_NE(js.body.find("addEventListener"), std::string::npos) << "the script's text";
    ExpectConsoleHeaders(js, "js");

    const HttpResponse icon = Serve(handler, Get(role, "/console/assets/favicon.svg"));
    EXPECT_EQ(icon.status, 200);
    ASSERT_NE(icon.Header("Content-Type"), nullptr);
    EXPECT_EQ(icon.Header("Content-Type")->rfind("image/svg+xml", 0), 0U);
    EXPECT_NE(icon.body.find("<svg"), std::string::npos);
    EXPECT_EQ(Lower(icon.body).find("<script"), std::string::npos);
    ExpectConsoleHeaders(icon, "favicon");
  }
}

TEST_F(ConsoleHandlerTest, PeopleGetTheirRolesPages) {
  ExpectHtmlPage(Serve(handler, Get("coordinator", "/console/reports/kpis")), 200, "report");
  ExpectHtmlPage(Serve(handler, Get("operator", "/console/recipients")), 200, "recipients");
  ExpectHtmlPage(Serve(handler, Get("operator", "/console/dead-letters")), 200, "dead letters");
  ExpectHtmlPage(Serve(handler, Get("operator", "/console/policy")), 200, "policy");
  EXPECT_EQ(data->report_calls.size(), 1U);
  EXPECT_EQ(data->recipients_calls, 1);
  EXPECT_EQ(data->dead_letters_calls, 1);
  EXPECT_EQ(data->policy_calls, 1);
}

// --- Home page -------------------------------------------------------------

TEST_F(ConsoleHandlerTest, ACoordinatorsHomePageListsExactlyTheReportsTheirAgencyMayRun) {
  data->reports = {"kpis", "annex-a"};
  const HttpResponse home = Serve(handler, Get("coordinator", "/console/"));
  ExpectHtmlPage(home, 200, "home");

  ASSERT_FALSE(data->reports_for_calls.empty());
  for (const Viewer& viewer : data->reports_for_calls) {
    EXPECT_EQ(viewer.person_id, "p-coord-1");
    EXPECT_EQ(viewer.role, "coordinator");
    EXPECT_EQ(viewer.agency_id, "la-derby");
  }
  // Each listed report in the page's list and in the menu; no other.
  EXPECT_EQ(Count(home.body, "href=\"/console/reports/kpis\""), 2U);
  EXPECT_EQ(Count(home.body, "href=\"/console/reports/annex-a\""), 2U);
  EXPECT_EQ(Count(home.body, "href=\"/console/reports/"), 4U);
  for (const char* other : {"daily", "repeats", "hotspots", "ssda903"}) {
    EXPECT_EQ(home.body.find("/console/reports/" + std::string(other)), std::string::npos) << other;
  }
  EXPECT_NE(home.body.find(">KPIs</a>"), std::string::npos);
  EXPECT_NE(home.body.find(">Ofsted Annex A</a>"), std::string::npos);
  EXPECT_NE(home.body.find("Derby City Council"), std::string::npos);
  // No operator links on a coordinator's page.
  EXPECT_EQ(home.body.find("/console/recipients"), std::string::npos);
  EXPECT_EQ(home.body.find("/console/dead-letters"), std::string::npos);
  EXPECT_EQ(data->PageFetches(), 0U);
}

TEST_F(ConsoleHandlerTest, ACoordinatorWhoseAgencyMayRunNoReportSeesNoReportLinks) {
  data->reports = {};
  const HttpResponse home = Serve(handler, Get("coordinator", "/console/"));
  ExpectHtmlPage(home, 200, "home");
  EXPECT_EQ(home.body.find("/console/reports/"), std::string::npos);
}

TEST_F(ConsoleHandlerTest, AnOperatorsHomePageHasNoReportLinks) {
  // The fake lists reports for anyone: the page must not show them.
  const HttpResponse home = Serve(handler, Get("operator", "/console/"));
  ExpectHtmlPage(home, 200, "home");
  EXPECT_EQ(home.body.find("/console/reports/"), std::string::npos);
  EXPECT_NE(home.body.find("href=\"/console/recipients\""), std::string::npos);
  EXPECT_NE(home.body.find("href=\"/console/dead-letters\""), std::string::npos);
  EXPECT_NE(home.body.find("href=\"/console/policy\""), std::string::npos);
}

TEST_F(ConsoleHandlerTest, AnAuditorsHomePageHasNoReportOrOperatorLinks) {
  const HttpResponse home = Serve(handler, Get("auditor", "/console/"));
  ExpectHtmlPage(home, 200, "home");
  EXPECT_EQ(home.body.find("/console/reports/"), std::string::npos);
  EXPECT_EQ(home.body.find("/console/recipients"), std::string::npos);
  EXPECT_EQ(home.body.find("/console/dead-letters"), std::string::npos);
  EXPECT_EQ(home.body.find("/console/policy"), std::string::npos);
}

// The gateway's own operators belong to no agency: their pages name none.
TEST_F(ConsoleHandlerTest, AnOperatorsPagesNameNoAgency) {
  const HttpResponse home = Serve(handler, Get("operator", "/console/"));
  ExpectHtmlPage(home, 200, "home");
  EXPECT_TRUE(data->agency_name_calls.empty());
  EXPECT_EQ(home.body.find("id=\"viewer-agency\""), std::string::npos)
      << "an empty agency name must not render \" of <span id=viewer-agency></span>\"";
  // A coordinator's pages do.
  const HttpResponse theirs = Serve(handler, Get("coordinator", "/console/"));
  EXPECT_NE(theirs.body.find("<span id=\"viewer-agency\">Derby City Council</span>"),
            std::string::npos);
}

// --- Routes, methods, queries ------------------------------------------------

TEST_F(ConsoleHandlerTest, UnknownPathsAre404InAdmit) {
  for (const char* target : {"/console/nope",
                             "/consolex",
                             "/console/reports/",
                             "/console/reports/a/b",
                             "/console/reports/%2e%2e",
                             "/console/reports/kpis%3Fperiod",
                             "/console/assets/other.js",
                             "/console/assets/../templates/home.mustache",
                             "/console/templates/home.mustache",
                             "/console/dead-letters/",
                             "/console/dead-letters/dl-1",
                             "/console/dead-letters//replay",
                             "/console/dead-letters/a/b/replay",
                             "/console/dead-letters/dl-1/replay/x",
                             "/console/recipients/",
                             "/v1/messages",
                             "/",
                             "/console/audit/",
                             "/console/audits",
                             "/console/audit/verify/",
                             "/console/audit/verify/x",
                             "/console/audit/search",
                             "/console/audit%2Fverify"}) {
    for (const char* role : {"operator", "coordinator"}) {
      HttpRequest request = Get(role, target, false);
      const auto refusal = handler.Admit(request);
      ASSERT_TRUE(refusal.has_value()) << target;
      ExpectProblem(*refusal, 404, problem_type::kNotFound, target);
      EXPECT_EQ(handler.Handle(request).status, 404) << target;
      request.method = "POST";
      EXPECT_EQ(Serve(handler, request).status, 404) << "POST " << target;
    }
  }
  EXPECT_EQ(data->PageFetches(), 0U);
}

TEST_F(ConsoleHandlerTest, AWrongMethodIs405WithAllow) {
  struct Case {
    const char* method;
    const char* target;
    const char* role;
    const char* allow;
  };
  for (const Case& c : {
           Case{"POST", "/console/", "operator", "GET"},
           Case{"PUT", "/console/recipients", "operator", "GET"},
           Case{"DELETE", "/console/dead-letters", "operator", "GET"},
           Case{"POST", "/console/policy", "operator", "GET"},
           Case{"POST", "/console/reports/kpis", "coordinator", "GET"},
           Case{"POST", "/console/assets/console.js", "auditor", "GET"},
           Case{"get", "/console/", "auditor", "GET"},
           Case{"GET", "/console/dead-letters/dl-1/replay", "operator", "POST"},
           Case{"PUT", "/console/dead-letters/dl-1/replay", "operator", "POST"},
           Case{"PUT", "/console/audit", "auditor", "GET, POST"},
           Case{"DELETE", "/console/audit", "auditor", "GET, POST"},
           Case{"post", "/console/audit", "auditor", "GET, POST"},
           Case{"POST", "/console/audit/verify", "auditor", "GET"},
           Case{"PATCH", "/console/audit/verify", "auditor", "GET"},
       }) {
    const std::string what = std::string(c.method) + " " + c.target;
    HttpRequest request = PersonRequest(c.role, c.method, c.target);
    request.headers.push_back({"Sec-Fetch-Site", "same-origin"});
    const auto refusal = handler.Admit(request);
    ASSERT_TRUE(refusal.has_value()) << what;
    ExpectProblem(*refusal, 405, problem_type::kMethodNotAllowed, what);
    ASSERT_NE(refusal->Header("Allow"), nullptr) << what;
    EXPECT_EQ(*refusal->Header("Allow"), c.allow) << what;
    const HttpResponse handled = handler.Handle(request);
    EXPECT_EQ(handled.status, 405) << what;
    ASSERT_NE(handled.Header("Allow"), nullptr) << what;
  }
  // An HTML refusal keeps its Allow.
  HttpRequest browser = Get("operator", "/console/dead-letters/dl-1/replay");
  const HttpResponse page = Serve(handler, browser);
  ExpectHtmlPage(page, 405, "GET replay in a browser");
  ASSERT_NE(page.Header("Allow"), nullptr);
  EXPECT_EQ(*page.Header("Allow"), "POST");
  EXPECT_TRUE(data->replay_calls.empty());
  EXPECT_EQ(data->PageFetches(), 0U);
}

TEST_F(ConsoleHandlerTest, AReportPageTakesOnlyPeriod) {
  for (const char* target : {"/console/reports/kpis?top=5", "/console/reports/kpis?format=csv",
                             "/console/reports/kpis?period=2026-Q3&format=csv",
                             "/console/reports/kpis?period=2026-Q3&period=2026-Q4",
                             "/console/reports/daily?x", "/console/reports/kpis?Period=2026-Q3"}) {
    EXPECT_FALSE(handler.Admit(Get("coordinator", target)).has_value()) << target;
    ExpectProblem(handler.Handle(Get("coordinator", target, false)), 400, problem_type::kMalformed,
                  target);
    ExpectHtmlPage(handler.Handle(Get("coordinator", target, true)), 400, target);
  }
  EXPECT_TRUE(data->report_calls.empty());
}

TEST_F(ConsoleHandlerTest, PeriodReachesRunReportDecoded) {
  struct Case {
    const char* target;
    const char* query;
  };
  for (const Case& c : {
           Case{"/console/reports/kpis?period=2026-04-01%2F2027-03-31", "2026-04-01/2027-03-31"},
           Case{"/console/reports/kpis?period=2026-04-01%2f2027-03-31", "2026-04-01/2027-03-31"},
           Case{"/console/reports/kpis?period=2026+Q3", "2026 Q3"},
           Case{"/console/reports/kpis?period=2026-Q3", "2026-Q3"},
           // Decoded once: an encoded '&' stays in the period, never a parameter.
           Case{"/console/reports/kpis?period=2026-Q3%26top%3D1", "2026-Q3&top=1"},
           Case{"/console/reports/kpis", ""},
           Case{"/console/reports/kpis?period=", ""},
           Case{"/console/reports/kpis?", ""},
       }) {
    data->report_calls.clear();
    const HttpResponse page = Serve(handler, Get("coordinator", c.target));
    ExpectHtmlPage(page, 200, c.target);
    ASSERT_EQ(data->report_calls.size(), 1U) << c.target;
    EXPECT_EQ(data->report_calls[0].query, c.query) << c.target;
    EXPECT_EQ(data->report_calls[0].report, "kpis");
    EXPECT_EQ(data->report_calls[0].viewer.person_id, "p-coord-1");
    EXPECT_EQ(data->report_calls[0].viewer.role, "coordinator");
    EXPECT_EQ(data->report_calls[0].viewer.agency_id, "la-derby");
  }
}

// What the form shows back is the decoded period, escaped.
TEST_F(ConsoleHandlerTest, TheFormShowsThePeriodAsked) {
  const HttpResponse page =
      Serve(handler, Get("coordinator", "/console/reports/kpis?period=2026-04-01%2F2027-03-31"));
  EXPECT_NE(page.body.find("value=\"2026-04-01/2027-03-31\""), std::string::npos);
  const HttpResponse quoted =
      Serve(handler, Get("coordinator", "/console/reports/kpis?period=%22%3E%3Cb%3E"));
  EXPECT_NE(quoted.body.find("value=\"&quot;&gt;&lt;b&gt;\""), std::string::npos);
  EXPECT_EQ(quoted.body.find("\"><b>"), std::string::npos);
}

TEST_F(ConsoleHandlerTest, AMalformedEscapeIs400AndNoReportRuns) {
  for (const char* target :
       {"/console/reports/kpis?period=%2", "/console/reports/kpis?period=%",
        "/console/reports/kpis?period=abc%", "/console/reports/kpis?period=%zz",
        "/console/reports/kpis?period=%g1", "/console/reports/kpis?period=2026%2",
        "/console/reports/kpis?period=%%41"}) {
    ExpectProblem(Serve(handler, Get("coordinator", target, false)), 400, problem_type::kMalformed,
                  target);
  }
  // Too long to be a period.
  ExpectProblem(Serve(handler, Get("coordinator",
                                   "/console/reports/kpis?period=" + std::string(101, '1'), false)),
                400, problem_type::kMalformed, "long period");
  EXPECT_TRUE(data->report_calls.empty());
}

TEST_F(ConsoleHandlerTest, AReportsProblemIsTheRefusal) {
  data->report_problem = server::ForbiddenProblem("your agency may not run this report");
  ExpectProblem(Serve(handler, Get("coordinator", "/console/reports/ssda903", false)), 403,
                problem_type::kForbidden, "403");
  data->report_problem = server::NotFoundProblem();
  ExpectHtmlPage(Serve(handler, Get("coordinator", "/console/reports/nonesuch", true)), 404, "404");
  data->report_problem = server::UnavailableProblem("try again shortly");
  ExpectProblem(Serve(handler, Get("coordinator", "/console/reports/kpis", false)), 503,
                problem_type::kUnavailable, "503");
  EXPECT_EQ(data->report_calls.size(), 3U);
}

// --- Headers and scripts on every answer ---------------------------------------

std::vector<std::pair<std::string, HttpRequest>> EveryKindOfRequest() {
  std::vector<std::pair<std::string, HttpRequest>> out = {
      {"home operator", Get("operator", "/console/")},
      {"home coordinator", Get("coordinator", "/console/")},
      {"home auditor", Get("auditor", "/console/")},
      {"css", Get("auditor", "/console/assets/console.css")},
      {"js", Get("auditor", "/console/assets/console.js")},
      {"favicon", Get("coordinator", "/console/assets/favicon.svg")},
      {"report kpis", Get("coordinator", "/console/reports/kpis?period=2026-Q3")},
      {"report daily", Get("coordinator", "/console/reports/daily")},
      {"recipients", Get("operator", "/console/recipients")},
      {"dead letters", Get("operator", "/console/dead-letters")},
      {"dead letters replayed", Get("operator", "/console/dead-letters?replayed=dl-9")},
      {"policy", Get("operator", "/console/policy")},
      {"replay 303", ReplayPost("dl-1")},
      {"404 html", Get("operator", "/console/nope", true)},
      {"404 json", Get("operator", "/console/nope", false)},
      {"405 html", PersonRequest("operator", "DELETE", "/console/policy", true)},
      {"405 json", PersonRequest("operator", "DELETE", "/console/policy", false)},
      {"403 html", Get("coordinator", "/console/policy", true)},
      {"403 json", Get("operator", "/console/reports/daily", false)},
      {"400 html", Get("coordinator", "/console/reports/kpis?top=1", true)},
      {"400 json", Get("coordinator", "/console/reports/kpis?period=%zz", false)},
  };
  HttpRequest cross = ReplayPost("dl-1");
  cross.headers = {{"Host", "gw.example.org"}, {"Sec-Fetch-Site", "cross-site"}};
  out.emplace_back("replay cross-site", cross);
  const std::string search =
      std::string("identifier_kind=nhs_number&identifier=") + kTypedIdentifier;
  out.emplace_back("audit form", Get("auditor", "/console/audit"));
  out.emplace_back("audit results", AuditPost(search));
  out.emplace_back("audit results, no Accept", AuditPost("recipient=la-stoke", false));
  out.emplace_back("audit csv", AuditPost(search + "&format=csv"));
  out.emplace_back("audit verify", Get("auditor", "/console/audit/verify"));
  out.emplace_back("audit 400 html", AuditPost(std::string("identifier=") + kTypedIdentifier));
  out.emplace_back("audit 400 json",
                   AuditPost(std::string("identifier=") + kTypedIdentifier, false));
  out.emplace_back("audit query 400",
                   Get("auditor", std::string("/console/audit?identifier=") + kTypedIdentifier));
  out.emplace_back("audit 403 html", Get("operator", "/console/audit"));
  out.emplace_back("audit verify 403 json", Get("coordinator", "/console/audit/verify", false));
  HttpRequest cross_search = AuditPost(search);
  std::erase_if(cross_search.headers,
                [](const auto& h) { return h.name == "Sec-Fetch-Site" || h.name == "Origin"; });
  cross_search.headers.push_back({"Sec-Fetch-Site", "cross-site"});
  out.emplace_back("audit search cross-site", cross_search);
  return out;
}

TEST_F(ConsoleHandlerTest, EveryAnswerCarriesTheSecurityHeaders) {
  for (const auto& [what, request] : EveryKindOfRequest()) {
    const HttpResponse response = Serve(handler, request);
    ExpectConsoleHeaders(response, what);
    EXPECT_EQ(Count(response.body, "Content-Security-Policy"), 0U);
    std::size_t csps = 0;
    for (const auto& header : response.headers) {
      if (Lower(header.name) == "content-security-policy") ++csps;
    }
    EXPECT_EQ(csps, 1U) << what << ": one policy, not two to be intersected";
  }
}

TEST_F(ConsoleHandlerTest, AddConsoleHeadersGivesTheSameHeaders) {
  HttpResponse response;
  AddConsoleHeaders(response);
  ExpectConsoleHeaders(response, "AddConsoleHeaders");
}

TEST_F(ConsoleHandlerTest, NoPageHasInlineScript) {
  data->document.line_charts.push_back(
      {"Episodes by month", {"2026-04", "2026-05", "2026-06"}, {{"Episodes", {12, 15, 9}}}});
  data->document.bar_charts.push_back({"Places named", {{"Bus station", 4}, {"Park", 2}}});
  for (const auto& [what, request] : EveryKindOfRequest()) {
    const HttpResponse response = Serve(handler, request);
    const std::string* type = response.Header("Content-Type");
    if (type == nullptr || type->rfind("text/html", 0) != 0) continue;
    ExpectNoInlineScript(response.body, what);
  }
}

// The same pages with hostile facts: escaping keeps them free of script too.
TEST_F(ConsoleHandlerTest, NoPageHasInlineScriptEvenWithHostileFacts) {
  const std::string attribute_breaker = "x\" onmouseover=\"alert(1)";
  data->agency_name = attribute_breaker;
  data->document.title = kHostile;
  data->document.tables[0].rows.push_back(
      {attribute_breaker, kHostile, "<img src=x onerror=alert(1)>"});
  data->recipients[0].name = attribute_breaker;
  data->recipients[0].circuit = attribute_breaker;
  data->dead_letters[0].recipient = attribute_breaker;
  data->dead_letters[0].last_error = "<img src=x onerror=alert(1)>";
  data->policy.isas.push_back(attribute_breaker);
  data->reports.push_back(attribute_breaker);
  data->audit_results.disclosures[0].sender = attribute_breaker;
  data->audit_results.disclosures[0].recipient = kHostile;
  data->audit_results.disclosures[0].event_kind = "<img src=x onerror=alert(1)>";
  data->audit_results.disclosures[0].flow = {attribute_breaker, kHostile};
  data->audit_results.disclosures[0].fields_sent[0].pointer = attribute_breaker;
  data->audit_results.disclosures[0].fields_withheld[0].fate = "<img src=x onerror=alert(1)>";
  data->audit_check.ok = false;
  data->audit_check.failure = attribute_breaker;
  for (const auto& [what, request] : EveryKindOfRequest()) {
    const HttpResponse response = Serve(handler, request);
    const std::string* type = response.Header("Content-Type");
    if (type == nullptr || type->rfind("text/html", 0) != 0) continue;
    ExpectNoInlineScript(response.body, what);
  }
}

// --- Escaping -------------------------------------------------------------------

TEST_F(ConsoleHandlerTest, AReportsTextIsEscaped) {
  data->agency_name = kHostile;
  data->document.title = kHostile;
  data->document.agency_name = kHostile;
  data->document.period = kHostile;
  data->document.notes = {kHostile};
  data->document.tables[0].title = kHostile;
  data->document.tables[0].columns[1] = kHostile;
  data->document.tables[0].rows[0][1] = kHostile;
  data->document.line_charts.push_back({kHostile, {"2026-04", kHostile}, {{kHostile, {1, 2}}}});
  const HttpResponse page = Serve(handler, Get("coordinator", "/console/reports/kpis"));
  ExpectHtmlPage(page, 200, "report");
  EXPECT_EQ(page.body.find("<script>alert(1)"), std::string::npos) << page.body;
  EXPECT_EQ(Count(Lower(page.body), "<script"), 1U) << "only the layout's console.js";
  EXPECT_NE(page.body.find(std::string("<td>") + kHostileEscaped), std::string::npos);
  EXPECT_NE(page.body.find(std::string("<th scope=\"col\">") + kHostileEscaped), std::string::npos);
  EXPECT_NE(page.body.find(std::string("<p class=\"note\">") + kHostileEscaped), std::string::npos);
  EXPECT_NE(page.body.find(std::string("<title>") + kHostileEscaped), std::string::npos);
  EXPECT_NE(page.body.find("&quot;q&quot;"), std::string::npos);
  EXPECT_EQ(page.body.find("\"q\""), std::string::npos);
  EXPECT_EQ(page.body.find("'a'"), std::string::npos);
  EXPECT_EQ(page.body.find("& co"), std::string::npos) << "a bare & is escaped too";
}

TEST_F(ConsoleHandlerTest, AnAgencyNameIsEscaped) {
  data->agency_name = kHostile;
  for (const char* target : {"/console/", "/console/recipients", "/console/nope"}) {
    const HttpResponse page = Serve(
        handler, Get(std::string_view(target) == "/console/recipients" ? "operator" : "coordinator",
                     target));
    EXPECT_EQ(page.body.find("<script>alert(1)"), std::string::npos) << target;
  }
  const HttpResponse home = Serve(handler, Get("coordinator", "/console/"));
  EXPECT_NE(home.body.find(std::string("<span id=\"viewer-agency\">") + kHostileEscaped),
            std::string::npos);
  EXPECT_NE(home.body.find(std::string("The reports of ") + kHostileEscaped), std::string::npos);
}

TEST_F(ConsoleHandlerTest, ADeadLettersErrorAndRecipientAreEscaped) {
  data->dead_letters[0].last_error = kHostile;
  data->dead_letters[0].recipient = kHostile;
  data->recipients[0].name = kHostile;
  const HttpResponse dead = Serve(handler, Get("operator", "/console/dead-letters"));
  ExpectHtmlPage(dead, 200, "dead letters");
  EXPECT_EQ(dead.body.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(dead.body.find(std::string("<td>") + kHostileEscaped), std::string::npos);
  EXPECT_EQ(dead.body.find("\"q\""), std::string::npos);
  const HttpResponse recipients = Serve(handler, Get("operator", "/console/recipients"));
  EXPECT_EQ(recipients.body.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(recipients.body.find(std::string("<th scope=\"row\">") + kHostileEscaped),
            std::string::npos);
}

TEST_F(ConsoleHandlerTest, PolicyTextIsEscaped) {
  data->policy.hash = kHostile;
  data->policy.isas = {kHostile};
  data->policy.history = {{kHostile, kHostile, kHostile}};
  const HttpResponse page = Serve(handler, Get("operator", "/console/policy"));
  ExpectHtmlPage(page, 200, "policy");
  EXPECT_EQ(page.body.find("<script>alert(1)"), std::string::npos);
  EXPECT_GE(Count(page.body, kHostileEscaped), 5U);
}

// Facts are text, not template: mustache tags in them are not expanded
// (the page body goes into the layout unescaped, so this would matter).
TEST_F(ConsoleHandlerTest, MustacheTagsInFactsStayText) {
  data->document.notes = {"{{viewer.person_id}} {{{body}}} {{#nav}}x{{/nav}}"};
  const HttpResponse page = Serve(handler, Get("coordinator", "/console/reports/kpis"));
  ExpectHtmlPage(page, 200, "report");
  EXPECT_NE(page.body.find("{{viewer.person_id}} {{{body}}} {{#nav}}x{{/nav}}"), std::string::npos);
}

// --- Replay ---------------------------------------------------------------------

TEST_F(ConsoleHandlerTest, ASameOriginReplayRedirectsToTheDeadLetters) {
  const HttpRequest request = ReplayPost("dl-1");
  EXPECT_FALSE(handler.Admit(request).has_value());
  const HttpResponse response = handler.Handle(request);
  EXPECT_EQ(response.status, 303);
  ASSERT_NE(response.Header("Location"), nullptr);
  EXPECT_EQ(*response.Header("Location"), "/console/dead-letters?replayed=dl-new-7");
  ExpectConsoleHeaders(response, "303");
  ASSERT_EQ(data->replay_calls.size(), 1U);
  EXPECT_EQ(data->replay_calls[0].id, "dl-1");
  EXPECT_EQ(data->replay_calls[0].viewer.person_id, "p-op-1");
  EXPECT_EQ(data->replay_calls[0].viewer.role, "operator");
  EXPECT_EQ(data->replay_calls[0].viewer.agency_id, "");
}

HttpRequest ReplayWith(std::vector<server::HttpHeader> headers) {
  HttpRequest request =
      PersonRequest("operator", "POST", "/console/dead-letters/dl-1/replay", true);
  request.headers = std::move(headers);
  return request;
}

TEST_F(ConsoleHandlerTest, AReplayFromAnotherSiteIsRefusedInAdmit) {
  const std::vector<std::pair<std::string, HttpRequest>> refused = {
      {"cross-site", ReplayWith({{"Host", "gw.example.org"}, {"Sec-Fetch-Site", "cross-site"}})},
      {"cross-site, matching Origin", ReplayWith({{"Host", "gw.example.org"},
                                                  {"Sec-Fetch-Site", "cross-site"},
                                                  {"Origin", "https://gw.example.org"}})},
      {"same-site", ReplayWith({{"Host", "gw.example.org"}, {"Sec-Fetch-Site", "same-site"}})},
      {"none", ReplayWith({{"Host", "gw.example.org"}, {"Sec-Fetch-Site", "none"}})},
      {"other Origin",
       ReplayWith({{"Host", "gw.example.org"}, {"Origin", "https://evil.example.net"}})},
      {"http Origin",
       ReplayWith({{"Host", "gw.example.org"}, {"Origin", "http://gw.example.org"}})},
      {"Origin null", ReplayWith({{"Host", "gw.example.org"}, {"Origin", "null"}})},
      {"Origin prefix",
       ReplayWith({{"Host", "gw.example.org"}, {"Origin", "https://gw.example.org.evil.net"}})},
      {"Origin without Host", ReplayWith({{"Origin", "https://gw.example.org"}})},
      {"neither", ReplayWith({{"Host", "gw.example.org"}})},
  };
  for (const auto& [what, request] : refused) {
    const auto refusal = handler.Admit(request);
    ASSERT_TRUE(refusal.has_value()) << what;
    EXPECT_EQ(refusal->status, 403) << what;
    ExpectConsoleHeaders(*refusal, what);
    EXPECT_EQ(handler.Handle(request).status, 403) << what;
    HttpRequest json = request;
    json.headers.push_back({"Accept", "application/json"});
    ExpectProblem(*handler.Admit(json), 403, problem_type::kForbidden, what);
  }
  EXPECT_TRUE(data->replay_calls.empty());
}

TEST_F(ConsoleHandlerTest, AReplayWithoutSecFetchSiteButItsOwnOriginIsAllowed) {
  const HttpRequest request =
      ReplayWith({{"Host", "gw.example.org"}, {"Origin", "https://gw.example.org"}});
  EXPECT_FALSE(handler.Admit(request).has_value());
  const HttpResponse response = Serve(handler, request);
  EXPECT_EQ(response.status, 303);
  ASSERT_EQ(data->replay_calls.size(), 1U);
  EXPECT_EQ(data->replay_calls[0].id, "dl-1");
}

TEST_F(ConsoleHandlerTest, ReplayingACopyThatIsNotDeadIs404) {
  data->replay_problem = server::NotFoundProblem();
  const HttpResponse page = Serve(handler, ReplayPost("dl-gone"));
  ExpectHtmlPage(page, 404, "replay 404");
  EXPECT_EQ(page.Header("Location"), nullptr);
  EXPECT_NE(page.body.find("urn:isagw:problem:not-found"), std::string::npos);
  HttpRequest json = ReplayPost("dl-gone");
  std::erase_if(json.headers, [](const auto& h) { return h.name == "Accept"; });
  ExpectProblem(Serve(handler, json), 404, problem_type::kNotFound, "replay 404 json");
  ASSERT_EQ(data->replay_calls.size(), 2U);
  EXPECT_EQ(data->replay_calls[0].id, "dl-gone");
}

// --- Refusals: problem+json or a page ---------------------------------------------

TEST_F(ConsoleHandlerTest, RefusalsAreProblemJsonUnlessTheBrowserAsksForHtml) {
  struct Case {
    HttpRequest request;
    int status;
    const char* type;
  };
  const std::vector<Case> cases = {
      {Get("operator", "/console/nope"), 404, problem_type::kNotFound},
      {PersonRequest("operator", "POST", "/console/policy"), 405, problem_type::kMethodNotAllowed},
      {Get("coordinator", "/console/recipients"), 403, problem_type::kForbidden},
      {Get("coordinator", "/console/reports/kpis?top=1"), 400, problem_type::kMalformed},
  };
  for (const Case& c : cases) {
    const std::string what = c.request.method + " " + c.request.target;
    for (const char* accept : {"", "application/json", "application/problem+json", "*/*"}) {
      HttpRequest request = c.request;
      std::erase_if(request.headers, [](const auto& h) { return h.name == "Accept"; });
      if (*accept != '\0') request.headers.push_back({"Accept", accept});
      ExpectProblem(Serve(handler, request), c.status, c.type, what + " Accept: " + accept);
    }
    HttpRequest browser = c.request;
    std::erase_if(browser.headers, [](const auto& h) { return h.name == "Accept"; });
    browser.headers.push_back({"accept", "text/html"});
    const HttpResponse page = Serve(handler, browser);
    ExpectHtmlPage(page, c.status, what + " html");
    EXPECT_NE(page.body.find("<dd id=\"problem-status\">" + std::to_string(c.status) + "</dd>"),
              std::string::npos)
        << what;
    EXPECT_NE(page.body.find(c.type), std::string::npos) << what;
    ExpectNoInlineScript(page.body, what);
  }
}

// --- Report page ------------------------------------------------------------------

TEST_F(ConsoleHandlerTest, AReportPageShowsTablesNotesAndThePeriodForm) {
  const HttpResponse page =
      Serve(handler, Get("coordinator", "/console/reports/kpis?period=2026-Q3"));
  ExpectHtmlPage(page, 200, "kpis");
  const std::string& body = page.body;
  EXPECT_NE(body.find("<title>KPIs"), std::string::npos);
  EXPECT_NE(body.find("<table data-table=\"kpis\">"), std::string::npos);
  EXPECT_NE(body.find("<h2 id=\"table-kpis\">Key figures</h2>"), std::string::npos);
  EXPECT_NE(body.find("<thead><tr><th scope=\"col\">Month</th><th scope=\"col\">Episodes</th>"
                      "<th scope=\"col\">Children</th></tr></thead>"),
            std::string::npos);
  EXPECT_NE(body.find("<tr><td>2026-04</td><td>12</td><td>9</td></tr>"), std::string::npos);
  EXPECT_NE(body.find("<tr><td>2026-05</td><td>15</td><td>11</td></tr>"), std::string::npos);
  // An empty cell keeps its place, and a 0 is shown.
  EXPECT_NE(body.find("<tr><td>2026-06</td><td></td><td>0</td></tr>"), std::string::npos);
  // The empty table says so and draws no table.
  EXPECT_NE(body.find("<h2 id=\"table-late_rhis\">Late return interviews</h2>"), std::string::npos);
  EXPECT_EQ(body.find("data-table=\"late_rhis\""), std::string::npos);
  EXPECT_NE(body.find("<p class=\"empty\">None.</p>"), std::string::npos);
  EXPECT_NE(body.find("<p class=\"note\">Episodes still open are counted in the month they began."
                      "</p>"),
            std::string::npos);
  EXPECT_NE(body.find("2026-04-01 to 2027-03-31"), std::string::npos);
  EXPECT_NE(body.find("Derby City Council"), std::string::npos);
  EXPECT_NE(body.find("<form class=\"period\" method=\"get\" action=\"/console/reports/kpis\">"),
            std::string::npos);
  EXPECT_NE(body.find("name=\"period\" value=\"2026-Q3\""), std::string::npos);
  // The menu marks this page.
  EXPECT_NE(body.find("<a href=\"/console/reports/kpis\" aria-current=\"page\">"),
            std::string::npos);
  EXPECT_EQ(Count(body, "aria-current"), 1U);
  EXPECT_EQ(body.find("<svg"), std::string::npos) << "no chart in the document, none drawn";
}

TEST_F(ConsoleHandlerTest, TheDailyReportHasNoPeriodForm) {
  const HttpResponse page = Serve(handler, Get("coordinator", "/console/reports/daily"));
  ExpectHtmlPage(page, 200, "daily");
  EXPECT_EQ(page.body.find("<form"), std::string::npos);
  EXPECT_EQ(page.body.find("name=\"period\""), std::string::npos);
  ASSERT_EQ(data->report_calls.size(), 1U);
  EXPECT_EQ(data->report_calls[0].report, "daily");
  EXPECT_EQ(data->report_calls[0].query, "");
}

TEST_F(ConsoleHandlerTest, ALineChartIsDrawnAsInlineSvg) {
  data->document.line_charts.push_back(
      {"Episodes by month", {"2026-04", "2026-05", "2026-06"}, {{"Episodes", {12, 15, 9}}}});
  const HttpResponse page = Serve(handler, Get("coordinator", "/console/reports/kpis"));
  ExpectHtmlPage(page, 200, "chart");
  const std::size_t figure = page.body.find("<figure class=\"chart\"><svg");
  ASSERT_NE(figure, std::string::npos) << page.body;
  const std::size_t end = page.body.find("</svg>", figure);
  ASSERT_NE(end, std::string::npos);
  EXPECT_EQ(page.body.find_first_not_of(" \n", end + 6), page.body.find("</figure>", end + 6))
      << "the figure holds the one svg";
  EXPECT_EQ(Count(page.body, "<svg"), 1U);
  EXPECT_EQ(page.body.find("<?xml"), std::string::npos) << "inline, not a standalone document";
  EXPECT_EQ(page.body.find("&lt;svg"), std::string::npos) << "the SVG is markup, not text";
  EXPECT_NE(page.body.find("Episodes by month"), std::string::npos);
  EXPECT_EQ(page.body.find("<img"), std::string::npos);
  ExpectNoInlineScript(page.body, "chart");
}

TEST_F(ConsoleHandlerTest, ABarChartIsDrawnAsInlineSvgToo) {
  data->document.bar_charts.push_back({"Places named", {{"Bus station", 4}, {"Park", 2}}});
  const HttpResponse page = Serve(handler, Get("coordinator", "/console/reports/hotspots"));
  EXPECT_NE(page.body.find("<figure class=\"chart\"><svg"), std::string::npos);
  EXPECT_NE(page.body.find("Bus station"), std::string::npos);
}

// --- Operator pages ------------------------------------------------------------------

TEST_F(ConsoleHandlerTest, DeadLettersOfferReplayOnlyForCopiesNotYetReplayed) {
  const HttpResponse page = Serve(handler, Get("operator", "/console/dead-letters"));
  ExpectHtmlPage(page, 200, "dead letters");
  const std::string& body = page.body;
  EXPECT_NE(body.find("<tr data-delivery=\"dl-1\">"), std::string::npos);
  EXPECT_NE(body.find("<tr data-delivery=\"dl-2\">"), std::string::npos);
  EXPECT_NE(body.find("<td>HTTP 503 from the recipient</td>"), std::string::npos);
  EXPECT_NE(body.find("<td>12</td>"), std::string::npos);
  // dl-1 has not been replayed: it has the form, and dl-2 has not.
  EXPECT_NE(body.find("<form method=\"post\" action=\"/console/dead-letters/dl-1/replay\""),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("id=\"replay-dl-1\""), std::string::npos);
  EXPECT_EQ(body.find("/console/dead-letters/dl-2/replay"), std::string::npos);
  EXPECT_EQ(Count(body, "<form"), 1U);
  EXPECT_NE(body.find("replayed as <code>dl-9</code>"), std::string::npos);
  EXPECT_EQ(Count(body, "replayed as"), 1U) << "only dl-2 says it was replayed";
  // No confirmation without ?replayed=.
  EXPECT_EQ(body.find("id=\"replayed\""), std::string::npos) << body;
  EXPECT_EQ(body.find("replayed.</p>"), std::string::npos);
}

TEST_F(ConsoleHandlerTest, DeadLettersConfirmAReplay) {
  const HttpResponse page =
      Serve(handler, Get("operator", "/console/dead-letters?replayed=dl-new-7"));
  ExpectHtmlPage(page, 200, "replayed");
  EXPECT_NE(page.body.find("<p class=\"done\" role=\"status\" id=\"replayed\">Copy dl-new-7 "
                           "replayed.</p>"),
            std::string::npos)
      << page.body;
  // Not an id: no confirmation, and never echoed.
  const HttpResponse odd =
      Serve(handler, Get("operator", "/console/dead-letters?replayed=%3Cscript%3Ealert(1)"));
  EXPECT_EQ(odd.status, 200);
  EXPECT_EQ(odd.body.find("alert(1)"), std::string::npos);
  EXPECT_EQ(odd.body.find("id=\"replayed\""), std::string::npos);
  // The page takes no other parameter.
  ExpectProblem(Serve(handler, Get("operator", "/console/dead-letters?x=1", false)), 400,
                problem_type::kMalformed, "other parameter");
  ExpectProblem(Serve(handler, Get("operator", "/console/dead-letters?replayed=%4", false)), 400,
                problem_type::kMalformed, "bad escape");
}

TEST_F(ConsoleHandlerTest, NoDeadLettersSaysSo) {
  data->dead_letters.clear();
  const HttpResponse page = Serve(handler, Get("operator", "/console/dead-letters"));
  EXPECT_NE(page.body.find("No dead letters."), std::string::npos);
  EXPECT_EQ(page.body.find("<table"), std::string::npos);
}

TEST_F(ConsoleHandlerTest, TheRecipientsPageShowsQueuesAndCircuits) {
  const HttpResponse page = Serve(handler, Get("operator", "/console/recipients"));
  ExpectHtmlPage(page, 200, "recipients");
  const std::string& body = page.body;
  EXPECT_NE(body.find("<tr data-recipient=\"la-derby\"><th scope=\"row\">Derby City Council<br>"
                      "<code>la-derby</code></th><td>push</td><td><span class=\"state "
                      "state-open\">open</span></td><td>3</td><td>2026-09-21T"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("<td class=\"dead\">2</td>"), std::string::npos);
  EXPECT_NE(body.find("<tr data-recipient=\"la-notts\">"), std::string::npos);
  EXPECT_NE(body.find("state-closed"), std::string::npos);
  EXPECT_NE(body.find("<td>mailbox</td>"), std::string::npos);
  // Zero is shown as 0, not left out.
  EXPECT_NE(body.find("<td>0</td><td></td><td>4</td><td class=\"dead\">0</td>"), std::string::npos)
      << body;
}

TEST_F(ConsoleHandlerTest, AnEmptyOutboxSaysSo) {
  data->recipients.clear();
  const HttpResponse page = Serve(handler, Get("operator", "/console/recipients"));
  EXPECT_NE(page.body.find("The outbox is empty."), std::string::npos);
  EXPECT_EQ(page.body.find("<table"), std::string::npos);
}

TEST_F(ConsoleHandlerTest, ThePolicyPageShowsTheSetInForceAndItsHistory) {
  const HttpResponse page = Serve(handler, Get("operator", "/console/policy"));
  ExpectHtmlPage(page, 200, "policy");
  EXPECT_NE(page.body.find("<code id=\"policy-hash\">sha256:0123abcd</code>"), std::string::npos);
  EXPECT_NE(page.body.find("<code>isa-derbyshire-missing</code>"), std::string::npos);
  EXPECT_NE(page.body.find("<code>isa-notts-missing</code>"), std::string::npos);
  EXPECT_NE(page.body.find("<tr><td>2026-11-22T10:00:00Z</td><td>applied</td><td><code>"
                           "sha256:0123abcd</code></td></tr>"),
            std::string::npos);
  EXPECT_LT(page.body.find("2026-11-22T10:00:00Z"), page.body.find("2026-11-01T09:00:00Z"))
      << "newest first, as given";
}

// --- Audit pages -------------------------------------------------------------------

// The pointers of a problem+json body's errors, in order.
std::vector<std::string> ErrorPointers(const HttpResponse& response) {
  std::vector<std::string> out;
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_discarded() || !body.contains("errors")) return out;
  for (const auto& error : body["errors"]) out.push_back(error.value("pointer", ""));
  return out;
}

// The start tag whose id is `id`; nullopt when the page has none.
std::optional<Tag> TagWithId(const std::string& html, std::string_view id) {
  for (const Tag& tag : Tags(html)) {
    for (const auto& [name, value] : tag.attributes) {
      if (name == "id" && value == id) return tag;
    }
  }
  return std::nullopt;
}

std::optional<std::string> Attribute(const Tag& tag, std::string_view name) {
  for (const auto& [n, value] : tag.attributes) {
    if (n == name) return value;
  }
  return std::nullopt;
}

std::string WithIdentifier(std::string_view rest = "") {
  return std::string("identifier_kind=nhs_number&identifier=") + kTypedIdentifier +
         std::string(rest);
}

HttpRequest AuditPostWith(std::vector<server::HttpHeader> headers) {
  HttpRequest request = AuditPost(WithIdentifier());
  request.headers = std::move(headers);
  request.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  return request;
}

TEST_F(ConsoleHandlerTest, OnlyAuditorsReachTheAuditPagesAndNothingIsFetchedForOthers) {
  for (const char* role : {"operator", "coordinator"}) {
    const std::vector<HttpRequest> requests = {
        Get(role, "/console/audit"),
        Get(role, "/console/audit/verify"),
        AuditPost(WithIdentifier(), true, role),
        AuditPost("recipient=la-stoke&format=csv", true, role),
    };
    for (const HttpRequest& request : requests) {
      const std::string what = std::string(role) + " " + request.method + " " + request.target;
      for (bool html : {false, true}) {
        HttpRequest r = request;
        if (!html) std::erase_if(r.headers, [](const auto& h) { return h.name == "Accept"; });
        const auto refusal = handler.Admit(r);
        ASSERT_TRUE(refusal.has_value()) << what;
        if (html) {
          ExpectHtmlPage(*refusal, 403, what);
          EXPECT_NE(refusal->body.find("urn:isagw:problem:forbidden"), std::string::npos) << what;
        } else {
          ExpectProblem(*refusal, 403, problem_type::kForbidden, what);
        }
        EXPECT_EQ(refusal->body.find(kTypedIdentifier), std::string::npos) << what;
        // Handle alone refuses too.
        EXPECT_EQ(handler.Handle(r).status, 403) << what;
      }
    }
  }
  EXPECT_TRUE(data->audit_calls.empty());
  EXPECT_EQ(data->verify_calls, 0);
  EXPECT_EQ(data->PageFetches(), 0U);
}

TEST_F(ConsoleHandlerTest, AnAuditorReachesTheAuditPages) {
  EXPECT_FALSE(handler.Admit(Get("auditor", "/console/audit")).has_value());
  EXPECT_FALSE(handler.Admit(Get("auditor", "/console/audit/verify")).has_value());
  EXPECT_FALSE(handler.Admit(AuditPost(WithIdentifier())).has_value());
  ExpectHtmlPage(Serve(handler, Get("auditor", "/console/audit")), 200, "form");
  ExpectHtmlPage(Serve(handler, Get("auditor", "/console/audit/verify")), 200, "verify");
  ExpectHtmlPage(Serve(handler, AuditPost(WithIdentifier())), 200, "results");
  EXPECT_EQ(data->audit_calls.size(), 1U);
  EXPECT_EQ(data->verify_calls, 1);
}

TEST_F(ConsoleHandlerTest, AnAuditorsMenuHasTheAuditPagesAndOnlyThose) {
  for (const char* target : {"/console/", "/console/audit", "/console/audit/verify"}) {
    const HttpResponse page = Serve(handler, Get("auditor", target));
    ExpectHtmlPage(page, 200, target);
    const std::size_t nav = page.body.find("<nav");
    const std::size_t end = page.body.find("</nav>");
    ASSERT_NE(nav, std::string::npos);
    ASSERT_NE(end, std::string::npos);
    const std::string menu = page.body.substr(nav, end - nav);
    const bool search = std::string_view(target) == "/console/audit";
    const bool verify = std::string_view(target) == "/console/audit/verify";
    EXPECT_NE(menu.find(std::string("<a href=\"/console/audit\"") +
                        (search ? " aria-current=\"page\"" : "") + ">Audit search</a>"),
              std::string::npos)
        << target << menu;
    EXPECT_NE(menu.find(std::string("<a href=\"/console/audit/verify\"") +
                        (verify ? " aria-current=\"page\"" : "") + ">Audit verification</a>"),
              std::string::npos)
        << target << menu;
    EXPECT_EQ(Count(menu, "<a href="), 3U) << "Home and the two audit pages: " << menu;
    EXPECT_EQ(Count(page.body, "aria-current"), 1U) << target;
    EXPECT_EQ(menu.find("/console/reports/"), std::string::npos) << target;
    EXPECT_EQ(menu.find("/console/recipients"), std::string::npos) << target;
  }
  // Nobody else's menu offers them.
  for (const char* role : {"operator", "coordinator"}) {
    const HttpResponse home = Serve(handler, Get(role, "/console/"));
    EXPECT_EQ(home.body.find("/console/audit"), std::string::npos) << role;
    EXPECT_EQ(home.body.find("Audit search"), std::string::npos) << role;
  }
  EXPECT_TRUE(data->audit_calls.empty()) << "the menu searches nothing";
  EXPECT_EQ(data->verify_calls, 1) << "the verify page's own check";
}

TEST_F(ConsoleHandlerTest, TheAuditSearchFormPostsAndShowsNoResults) {
  const HttpResponse page = Serve(handler, Get("auditor", "/console/audit"));
  ExpectHtmlPage(page, 200, "form");
  EXPECT_NE(page.body.find("<form class=\"search\" method=\"post\" action=\"/console/audit\">"),
            std::string::npos)
      << page.body;
  EXPECT_NE(page.body.find("What Derby City Council disclosed and received"), std::string::npos);
  EXPECT_EQ(page.body.find("id=\"results\""), std::string::npos) << "nothing searched yet";
  EXPECT_EQ(page.body.find("No disclosure matches."), std::string::npos);
  EXPECT_EQ(page.body.find("<table"), std::string::npos);
  const auto identifier = TagWithId(page.body, "identifier");
  ASSERT_TRUE(identifier.has_value());
  EXPECT_EQ(Attribute(*identifier, "name"), "identifier");
  EXPECT_FALSE(Attribute(*identifier, "value").has_value());
  ExpectNoInlineScript(page.body, "form");
  EXPECT_TRUE(data->audit_calls.empty());
  EXPECT_EQ(data->PageFetches(), 0U);
}

// A search in a URL would put a child's identifier in logs and history.
TEST_F(ConsoleHandlerTest, TheAuditSearchPageTakesNoQuery) {
  for (const std::string& target : std::vector<std::string>{
           std::string("/console/audit?identifier_kind=nhs_number&identifier=") + kTypedIdentifier,
           std::string("/console/audit?identifier=") + kTypedIdentifier,
           std::string("/console/audit?recipient=la-stoke"),
           std::string("/console/audit?x"),
       }) {
    EXPECT_FALSE(handler.Admit(Get("auditor", target)).has_value()) << target;
    const HttpResponse json = Serve(handler, Get("auditor", target, false));
    ExpectProblem(json, 400, problem_type::kMalformed, target);
    EXPECT_EQ(ErrorPointers(json), std::vector<std::string>{"/query"}) << json.body;
    EXPECT_EQ(json.body.find(kTypedIdentifier), std::string::npos) << json.body;
    const HttpResponse page = Serve(handler, Get("auditor", target, true));
    ExpectHtmlPage(page, 400, target);
    EXPECT_EQ(page.body.find(kTypedIdentifier), std::string::npos) << page.body;
  }
  EXPECT_TRUE(data->audit_calls.empty());
}

TEST_F(ConsoleHandlerTest, AnAuditSearchFromAnotherSiteIsRefusedInAdmit) {
  const std::vector<std::pair<std::string, HttpRequest>> refused = {
      {"cross-site", AuditPostWith({{"Host", "gw.example.org"}, {"Sec-Fetch-Site", "cross-site"}})},
      {"cross-site, matching Origin", AuditPostWith({{"Host", "gw.example.org"},
                                                     {"Sec-Fetch-Site", "cross-site"},
                                                     {"Origin", "https://gw.example.org"}})},
      {"same-site", AuditPostWith({{"Host", "gw.example.org"}, {"Sec-Fetch-Site", "same-site"}})},
      {"none", AuditPostWith({{"Host", "gw.example.org"}, {"Sec-Fetch-Site", "none"}})},
      {"other Origin",
       AuditPostWith({{"Host", "gw.example.org"}, {"Origin", "https://evil.example.net"}})},
      {"http Origin",
       AuditPostWith({{"Host", "gw.example.org"}, {"Origin", "http://gw.example.org"}})},
      {"Origin null", AuditPostWith({{"Host", "gw.example.org"}, {"Origin", "null"}})},
      {"Origin prefix",
       AuditPostWith({{"Host", "gw.example.org"}, {"Origin", "https://gw.example.org.evil.net"}})},
      {"Origin without Host", AuditPostWith({{"Origin", "https://gw.example.org"}})},
      {"neither", AuditPostWith({{"Host", "gw.example.org"}})},
  };
  for (const auto& [what, request] : refused) {
    const auto refusal = handler.Admit(request);
    ASSERT_TRUE(refusal.has_value()) << what;
    EXPECT_EQ(refusal->status, 403) << what;
    ExpectConsoleHeaders(*refusal, what);
    EXPECT_EQ(refusal->body.find(kTypedIdentifier), std::string::npos) << what;
    EXPECT_EQ(handler.Handle(request).status, 403) << what;
    HttpRequest json = request;
    json.headers.push_back({"Accept", "application/json"});
    ExpectProblem(*handler.Admit(json), 403, problem_type::kForbidden, what);
    HttpRequest page = request;
    page.headers.push_back({"Accept", "text/html"});
    ExpectHtmlPage(*handler.Admit(page), 403, what);
  }
  EXPECT_TRUE(data->audit_calls.empty());
}

TEST_F(ConsoleHandlerTest, AnAuditSearchFromItsOwnPageIsAllowed) {
  for (const auto& [what, request] : std::vector<std::pair<std::string, HttpRequest>>{
           {"Sec-Fetch-Site", AuditPostWith({{"Host", "gw.example.org"},
                                             {"Sec-Fetch-Site", "same-origin"},
                                             {"Accept", "text/html"}})},
           {"Origin alone", AuditPostWith({{"Host", "gw.example.org"},
                                           {"Origin", "https://gw.example.org"},
                                           {"Accept", "text/html"}})},
       }) {
    EXPECT_FALSE(handler.Admit(request).has_value()) << what;
    ExpectHtmlPage(Serve(handler, request), 200, what);
  }
  EXPECT_EQ(data->audit_calls.size(), 2U);
}

TEST_F(ConsoleHandlerTest, TheSearchFormReachesSearchAuditDecoded) {
  struct Case {
    std::string form;
    AuditQuery query;
  };
  const std::vector<Case> cases = {
      {WithIdentifier(), {"nhs_number", kTypedIdentifier, "", "", "", "page"}},
      {"identifier_kind=nhs_number&identifier=943+476+5919",
       {"nhs_number", "943 476 5919", "", "", "", "page"}},
      {"identifier_kind=nhs_number&identifier=%394%334765919",
       {"nhs_number", "9434765919", "", "", "", "page"}},
      // Decoded once: an encoded '&' or '=' stays in the value, never a field.
      {"identifier_kind=police_ref&identifier=SF%2F2026%2f00123%26format%3Dcsv",
       {"police_ref", "SF/2026/00123&format=csv", "", "", "", "page"}},
      {"identifier=943%2B476&identifier_kind=police_ref",
       {"police_ref", "943+476", "", "", "", "page"}},
      {"identifier_kind=person_id&identifier=373%3AC12345&recipient=la-stoke&from=2026-04-01&to="
       "2026-06-30&format=csv",
       {"person_id", "373:C12345", "la-stoke", "2026-04-01", "2026-06-30", "csv"}},
      {"recipient=la-stoke", {"", "", "la-stoke", "", "", "page"}},
      {"from=2026-04-01&to=2026-06-30&format=page",
       {"", "", "", "2026-04-01", "2026-06-30", "page"}},
      {"identifier_kind=&identifier=&recipient=la-stoke&from=&to=&format=csv",
       {"", "", "la-stoke", "", "", "csv"}},
      {"&recipient=la-stoke&&", {"", "", "la-stoke", "", "", "page"}},
  };
  for (const Case& c : cases) {
    data->audit_calls.clear();
    const HttpResponse response = Serve(handler, AuditPost(c.form));
    EXPECT_EQ(response.status, 200) << c.form << "\n" << response.body;
    ASSERT_EQ(data->audit_calls.size(), 1U) << c.form;
    const AuditQuery& got = data->audit_calls[0].query;
    EXPECT_EQ(got.identifier_kind, c.query.identifier_kind) << c.form;
    EXPECT_EQ(got.identifier, c.query.identifier) << c.form;
    EXPECT_EQ(got.recipient, c.query.recipient) << c.form;
    EXPECT_EQ(got.from, c.query.from) << c.form;
    EXPECT_EQ(got.to, c.query.to) << c.form;
    EXPECT_EQ(got.format, c.query.format) << c.form;
    const Viewer& viewer = data->audit_calls[0].viewer;
    EXPECT_EQ(viewer.person_id, "p-audit-1");
    EXPECT_EQ(viewer.role, "auditor");
    EXPECT_EQ(viewer.agency_id, "la-derby");
  }
}

// Refused as a whole, naming the field; SearchAudit never sees it and
// neither refusal (problem+json or page) shows what was typed.
void ExpectFormRefused(ConsoleHandler& handler, FakeConsoleData& data, const std::string& form,
                       const std::vector<std::string>& pointers) {
  SCOPED_TRACE(form);
  const HttpResponse json = Serve(handler, AuditPost(form, false));
  ExpectProblem(json, 400, problem_type::kMalformed, "json");
  const std::vector<std::string> got = ErrorPointers(json);
  if (pointers.empty()) {
    ASSERT_FALSE(got.empty()) << json.body;
    for (const std::string& pointer : got) EXPECT_TRUE(pointer.starts_with("/form")) << pointer;
  } else {
    EXPECT_EQ(got, pointers) << json.body;
  }
  EXPECT_EQ(json.body.find(kTypedIdentifier), std::string::npos) << json.body;
  EXPECT_EQ(json.body.find("943 476"), std::string::npos) << json.body;
  const HttpResponse page = Serve(handler, AuditPost(form, true));
  ExpectHtmlPage(page, 400, "html");
  EXPECT_EQ(page.body.find(kTypedIdentifier), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find("943 476"), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find("id=\"results\""), std::string::npos);
  ExpectNoInlineScript(page.body, "html");
  EXPECT_TRUE(data.audit_calls.empty());
}

TEST_F(ConsoleHandlerTest, UnknownOrRepeatedFormFieldsAre400) {
  const std::string id = kTypedIdentifier;
  for (const std::string& form : std::vector<std::string>{
           WithIdentifier("&name=x"),
           WithIdentifier("&identifier=") + id,
           WithIdentifier("&identifier_kind=nhs_number"),
           WithIdentifier("&format=page&format=csv"),
           WithIdentifier("&recipient=la-stoke&recipient=la-derby"),
           "from=2026-04-01&to=2026-06-30&from=2026-04-01",
           "identifier_kind=nhs_number&Identifier=" + id,
           "identifier_kind=nhs_number&identifier=" + id + "&period=2026-Q3",
           "identifier_kind=nhs_number&identifier=" + id + "&=x",
       }) {
    ExpectFormRefused(handler, *data, form, {"/form"});
  }
}

TEST_F(ConsoleHandlerTest, AnIdentifierNeedsItsKindAndAKindItsIdentifier) {
  const std::string id = kTypedIdentifier;
  for (const std::string& form : std::vector<std::string>{
           std::string("identifier_kind=nhs_number"),
           std::string("identifier_kind=nhs_number&identifier="),
           std::string("identifier_kind=police_ref&recipient=la-stoke"),
           "identifier=" + id,
           "identifier_kind=&identifier=" + id,
           "identifier=" + id + "&recipient=la-stoke&from=2026-04-01&to=2026-06-30",
           std::string("identifier=943+476+5919"),
       }) {
    ExpectFormRefused(handler, *data, form, {"/form/identifier"});
  }
  for (const std::string& form : std::vector<std::string>{
           "identifier_kind=nhs&identifier=" + id,
           "identifier_kind=NHS_NUMBER&identifier=" + id,
           "identifier_kind=nhs_number%20&identifier=" + id,
           "identifier_kind=child_id&identifier=" + id + "&recipient=la-stoke",
       }) {
    ExpectFormRefused(handler, *data, form, {"/form/identifier_kind"});
  }
}

TEST_F(ConsoleHandlerTest, BadDatesOrHalfAPeriodAre400OnTheField) {
  const std::string id = kTypedIdentifier;
  struct Case {
    std::string form;
    std::vector<std::string> pointers;
  };
  for (const Case& c : {
           Case{"from=2026-4-01&to=2026-06-30", {"/form/from"}},
           Case{"from=2026-04-01&to=30%2F06%2F2026", {"/form/to"}},
           Case{"from=2026-04-0a&to=2026-06-30", {"/form/from"}},
           Case{"from=2026-04-01T00%3A00&to=2026-06-30", {"/form/from"}},
           Case{"from=2026%2F04%2F01&to=2026-06-30", {"/form/from"}},
           Case{"from=2026-04-01", {"/form/to"}},
           Case{"to=2026-06-30", {"/form/from"}},
           Case{"from=&to=2026-06-30", {"/form/from"}},
           Case{WithIdentifier("&from=2026-04-01"), {"/form/to"}},
           Case{WithIdentifier("&to=2026-06-30"), {"/form/from"}},
           Case{WithIdentifier("&from=yesterday&to=2026-06-30"), {"/form/from"}},
           Case{"recipient=la-stoke&from=2026-04-01&to=", {"/form/to"}},
       }) {
    ExpectFormRefused(handler, *data, c.form, c.pointers);
  }
}

TEST_F(ConsoleHandlerTest, ARecipientMustBeAnAgencyId) {
  ExpectFormRefused(handler, *data, WithIdentifier("&recipient=la+stoke"), {"/form/recipient"});
  ExpectFormRefused(handler, *data, "recipient=la-stoke%22%3E%3Cb%3E", {"/form/recipient"});
}

TEST_F(ConsoleHandlerTest, ASearchWithNoCriterionIs400) {
  for (const char* form :
       {"", "&", "format=page", "format=csv", "identifier_kind=&identifier=&recipient=&from=&to=",
        "identifier_kind=&identifier=&recipient=&from=&to=&format=page"}) {
    ExpectFormRefused(handler, *data, form, {});
  }
}

TEST_F(ConsoleHandlerTest, AFormatOtherThanPageOrCsvIs400) {
  for (const char* format : {"pdf", "", "CSV", "json", "page%20", "csv,page"}) {
    ExpectFormRefused(handler, *data, WithIdentifier("&format=") + format, {"/form/format"});
  }
}

TEST_F(ConsoleHandlerTest, AMalformedOrOverlongValueIs400OnItsField) {
  const std::string id = kTypedIdentifier;
  std::string long_identifier;
  while (long_identifier.size() <= 100) long_identifier += id;
  struct Case {
    std::string form;
    std::vector<std::string> pointers;
  };
  for (const Case& c : {
           Case{"identifier_kind=nhs_number&identifier=%zz" + id, {"/form/identifier"}},
           Case{"identifier_kind=nhs_number&identifier=" + id + "%2", {"/form/identifier"}},
           Case{"identifier_kind=nhs_number&identifier=" + id + "%", {"/form/identifier"}},
           Case{"identifier_kind=nhs_number&identifier=" + long_identifier, {"/form/identifier"}},
           Case{"identifier_kind=nhs%zznumber&identifier=" + id, {"/form/identifier_kind"}},
           Case{"identifier_kind=nhs_number&identifier=" + id + "&recipient=%G1",
                {"/form/recipient"}},
       }) {
    ExpectFormRefused(handler, *data, c.form, c.pointers);
  }
}

TEST_F(ConsoleHandlerTest, TheResultsPageShowsEachDisclosure) {
  const HttpResponse page = Serve(handler, AuditPost(WithIdentifier()));
  ExpectHtmlPage(page, 200, "results");
  const std::string& body = page.body;
  EXPECT_NE(body.find("<h2 id=\"results\">2 disclosures</h2>"), std::string::npos) << body;
  EXPECT_NE(body.find("<table id=\"disclosures\">"), std::string::npos);
  EXPECT_NE(body.find("<tr><td>4711</td><td>" + model::FormatTimestamp(At(1'790'000'000)) +
                      "</td><td>police-staffs</td><td>la-derby</td><td>missing_reported</td>"
                      "<td>isa-derbyshire-missing 4.2</td><td>/child/forename (sent), "
                      "/episode/reported_at (sent)</td><td>/child/health (withheld_condition)"
                      "</td></tr>"),
            std::string::npos)
      << body;
  // No field withheld: an empty cell, in its place.
  EXPECT_NE(body.find("<tr><td>4812</td><td>" + model::FormatTimestamp(At(1'790'086'400)) +
                      "</td><td>la-derby</td><td>police-staffs</td><td>return_interview</td>"
                      "<td>isa-derbyshire-missing 5.1</td><td>/rhi/summary (sent)</td><td></td>"
                      "</tr>"),
            std::string::npos)
      << body;
  EXPECT_LT(body.find("<td>4711</td>"), body.find("<td>4812</td>")) << "in the order given";
  EXPECT_EQ(body.find("No disclosure matches."), std::string::npos);
  EXPECT_EQ(body.find("More matched"), std::string::npos) << "not truncated";
  EXPECT_NE(body.find("<a href=\"/console/audit\" aria-current=\"page\">"), std::string::npos);
  // The form is there again, to search once more.
  EXPECT_NE(body.find("<form class=\"search\" method=\"post\" action=\"/console/audit\">"),
            std::string::npos);
  ExpectNoInlineScript(body, "results");
}

// A clause that already names its ISA is shown as it is; one that does
// not is shown after its ISA.
TEST_F(ConsoleHandlerTest, TheResultsPageNamesEachDisclosuresIsaOnce) {
  data->audit_results.disclosures[0].flow = {"ISA-DERBY-2026", "ISA-DERBY-2026 §3.1"};
  const HttpResponse page = Serve(handler, AuditPost(WithIdentifier()));
  ExpectHtmlPage(page, 200, "flow");
  EXPECT_NE(page.body.find("<td>ISA-DERBY-2026 §3.1</td>"), std::string::npos) << page.body;
  EXPECT_EQ(Count(page.body, "ISA-DERBY-2026"), 1U);
  EXPECT_NE(page.body.find("<td>isa-derbyshire-missing 5.1</td>"), std::string::npos);
}

TEST_F(ConsoleHandlerTest, TruncatedResultsSaySo) {
  data->audit_results.truncated = true;
  const HttpResponse page = Serve(handler, AuditPost("recipient=la-stoke"));
  ExpectHtmlPage(page, 200, "truncated");
  EXPECT_NE(page.body.find("<p class=\"note\">More matched: these are the first 2."),
            std::string::npos)
      << page.body;
  EXPECT_NE(page.body.find("<td>4711</td>"), std::string::npos);
}

TEST_F(ConsoleHandlerTest, NoMatchingDisclosureSaysSo) {
  data->audit_results.disclosures.clear();
  const HttpResponse page = Serve(handler, AuditPost(WithIdentifier()));
  ExpectHtmlPage(page, 200, "none");
  EXPECT_NE(page.body.find("<h2 id=\"results\">0 disclosures</h2>"), std::string::npos)
      << page.body;
  EXPECT_NE(page.body.find("<p class=\"empty\">No disclosure matches.</p>"), std::string::npos);
  EXPECT_EQ(page.body.find("<table"), std::string::npos);
  EXPECT_EQ(page.body.find("More matched"), std::string::npos);
}

// The recipient and period come back in the form; the identifier never
// does, in any shape it was typed.
TEST_F(ConsoleHandlerTest, TheResultsPageNeverShowsTheIdentifierBack) {
  for (const std::string& form : std::vector<std::string>{
           WithIdentifier("&recipient=la-stoke&from=2026-04-01&to=2026-06-30"),
           std::string("identifier_kind=nhs_number&identifier=943+476+5919&recipient=la-stoke&"
                       "from=2026-04-01&to=2026-06-30"),
           std::string("identifier_kind=nhs_number&identifier=%39%34%33%34%37%36%35%39%31%39&"
                       "recipient=la-stoke&from=2026-04-01&to=2026-06-30"),
       }) {
    const HttpResponse page = Serve(handler, AuditPost(form));
    ExpectHtmlPage(page, 200, form);
    EXPECT_EQ(page.body.find(kTypedIdentifier), std::string::npos) << form;
    EXPECT_EQ(page.body.find("943 476 5919"), std::string::npos) << form;
    EXPECT_EQ(page.body.find("%39"), std::string::npos) << form;
    const auto identifier = TagWithId(page.body, "identifier");
    ASSERT_TRUE(identifier.has_value()) << form;
    EXPECT_FALSE(Attribute(*identifier, "value").has_value()) << form;
    // The kind is not chosen back either: no option is selected.
    EXPECT_EQ(page.body.find("selected"), std::string::npos) << form;
    const auto recipient = TagWithId(page.body, "recipient");
    ASSERT_TRUE(recipient.has_value());
    EXPECT_EQ(Attribute(*recipient, "value"), "la-stoke");
    const auto from = TagWithId(page.body, "from");
    ASSERT_TRUE(from.has_value());
    EXPECT_EQ(Attribute(*from, "value"), "2026-04-01");
    const auto to = TagWithId(page.body, "to");
    ASSERT_TRUE(to.has_value());
    EXPECT_EQ(Attribute(*to, "value"), "2026-06-30");
  }
  EXPECT_EQ(data->audit_calls.size(), 3U);
}

TEST_F(ConsoleHandlerTest, AResultsPageWithoutAPeriodLeavesItsFieldsEmpty) {
  const HttpResponse page = Serve(handler, AuditPost(WithIdentifier()));
  ExpectHtmlPage(page, 200, "no period");
  for (const char* id : {"recipient", "from", "to"}) {
    const auto tag = TagWithId(page.body, id);
    ASSERT_TRUE(tag.has_value()) << id;
    EXPECT_EQ(Attribute(*tag, "value").value_or(""), "") << id;
  }
}

TEST_F(ConsoleHandlerTest, ADisclosuresTextIsEscaped) {
  audit::SubjectDisclosure& d = data->audit_results.disclosures[0];
  d.sender = kHostile;
  d.recipient = kHostile;
  d.event_kind = kHostile;
  d.flow = {kHostile, kHostile};
  d.fields_sent = {{kHostile, kHostile, "4.2"}};
  d.fields_withheld = {{kHostile, kHostile, "4.3", kHostile}};
  data->agency_name = kHostile;
  const HttpResponse page = Serve(handler, AuditPost(WithIdentifier()));
  ExpectHtmlPage(page, 200, "hostile results");
  EXPECT_EQ(page.body.find("<script>alert(1)"), std::string::npos) << page.body;
  EXPECT_EQ(Count(Lower(page.body), "<script"), 1U) << "only the layout's console.js";
  EXPECT_NE(page.body.find(std::string("<td>") + kHostileEscaped), std::string::npos);
  // sender, recipient, event, flow, sent (twice), withheld (twice), and
  // the agency in the page and the header.
  EXPECT_GE(Count(page.body, kHostileEscaped), 10U);
  EXPECT_EQ(page.body.find("\"q\""), std::string::npos);
  EXPECT_EQ(page.body.find("'a'"), std::string::npos);
  ExpectNoInlineScript(page.body, "hostile results");
}

TEST_F(ConsoleHandlerTest, ACsvExportIsAnAttachmentOfTheDisclosures) {
  for (bool html : {true, false}) {
    data->audit_calls.clear();
    const HttpResponse csv =
        Serve(handler, AuditPost(WithIdentifier("&recipient=la-stoke&format=csv"), html));
    EXPECT_EQ(csv.status, 200) << csv.body;
    ASSERT_NE(csv.Header("Content-Type"), nullptr);
    EXPECT_EQ(csv.Header("Content-Type")->rfind("text/csv", 0), 0U) << *csv.Header("Content-Type");
    ASSERT_NE(csv.Header("Content-Disposition"), nullptr);
    EXPECT_EQ(csv.Header("Content-Disposition")->rfind("attachment", 0), 0U);
    EXPECT_NE(csv.Header("Content-Disposition")->find(".csv"), std::string::npos);
    EXPECT_EQ(csv.Header("Content-Disposition")->find(kTypedIdentifier), std::string::npos);
    EXPECT_EQ(csv.body, audit::RenderCsv(data->audit_results.disclosures));
    EXPECT_NE(csv.body.find("4711"), std::string::npos);
    EXPECT_EQ(csv.body.find("<!DOCTYPE"), std::string::npos);
    EXPECT_EQ(csv.body.find(kTypedIdentifier), std::string::npos);
    ExpectConsoleHeaders(csv, "csv");
    ASSERT_EQ(data->audit_calls.size(), 1U);
    EXPECT_EQ(data->audit_calls[0].query.format, "csv");
  }
  // No disclosure: the header row alone, still an attachment.
  data->audit_results.disclosures.clear();
  const HttpResponse empty = Serve(handler, AuditPost("recipient=la-stoke&format=csv"));
  EXPECT_EQ(empty.status, 200);
  EXPECT_EQ(empty.body, audit::RenderCsv({}));
  ASSERT_NE(empty.Header("Content-Disposition"), nullptr);
  EXPECT_EQ(empty.Header("Content-Disposition")->rfind("attachment", 0), 0U);
}

TEST_F(ConsoleHandlerTest, ASearchProblemIsTheRefusal) {
  data->audit_problem = server::UnavailableProblem("the search could not be recorded in the audit");
  const HttpResponse page = Serve(handler, AuditPost(WithIdentifier(), true));
  ExpectHtmlPage(page, 503, "503 html");
  EXPECT_NE(page.body.find("<dd id=\"problem-status\">503</dd>"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find(problem_type::kUnavailable), std::string::npos);
  EXPECT_EQ(page.body.find("id=\"results\""), std::string::npos);
  EXPECT_EQ(page.body.find(kTypedIdentifier), std::string::npos);
  const HttpResponse json = Serve(handler, AuditPost(WithIdentifier(), false));
  ExpectProblem(json, 503, problem_type::kUnavailable, "503 json");
  EXPECT_EQ(json.body.find(kTypedIdentifier), std::string::npos);
  // Nor a CSV of nothing.
  const HttpResponse csv = Serve(handler, AuditPost(WithIdentifier("&format=csv"), false));
  ExpectProblem(csv, 503, problem_type::kUnavailable, "503 csv");
  EXPECT_EQ(csv.Header("Content-Disposition"), nullptr);

  // The data's own 400 keeps its field.
  Problem bad = server::MalformedRequestProblem("the identifier is not one");
  bad.errors.push_back({"/form/identifier", "pattern", "an NHS number is 10 digits"});
  data->audit_problem = bad;
  const HttpResponse refused = Serve(handler, AuditPost(WithIdentifier(), false));
  ExpectProblem(refused, 400, problem_type::kMalformed, "400 json");
  EXPECT_EQ(ErrorPointers(refused), std::vector<std::string>{"/form/identifier"});
  ExpectHtmlPage(Serve(handler, AuditPost(WithIdentifier(), true)), 400, "400 html");
  EXPECT_EQ(data->audit_calls.size(), 5U);
}

TEST_F(ConsoleHandlerTest, TheVerifyPageSaysTheAuditVerifies) {
  const HttpResponse page = Serve(handler, Get("auditor", "/console/audit/verify"));
  ExpectHtmlPage(page, 200, "verify ok");
  const std::string& body = page.body;
  EXPECT_NE(body.find("<p class=\"done\" id=\"verify-result\" role=\"status\">The audit verifies"),
            std::string::npos)
      << body;
  EXPECT_EQ(body.find("does not verify"), std::string::npos);
  EXPECT_EQ(body.find("role=\"alert\""), std::string::npos);
  EXPECT_NE(body.find("<dd id=\"verify-entries\">120</dd>"), std::string::npos);
  EXPECT_NE(body.find("<dd>3, the latest signing entry 117</dd>"), std::string::npos) << body;
  EXPECT_NE(body.find("<dt>Entries since the latest checkpoint</dt><dd>3</dd>"), std::string::npos);
  EXPECT_EQ(body.find("No signed checkpoint"), std::string::npos);
  EXPECT_NE(body.find("<a href=\"/console/audit/verify\" aria-current=\"page\">"),
            std::string::npos);
  EXPECT_EQ(data->verify_calls, 1);
  EXPECT_TRUE(data->audit_calls.empty());
  ExpectNoInlineScript(body, "verify");
}

TEST_F(ConsoleHandlerTest, TheVerifyPageShowsAFailureEscaped) {
  data->audit_check.ok = false;
  data->audit_check.failure = std::string("hash_mismatch at entry 42: ") + kHostile;
  const HttpResponse page = Serve(handler, Get("auditor", "/console/audit/verify"));
  ExpectHtmlPage(page, 200, "verify failed");
  EXPECT_NE(page.body.find(std::string("<p class=\"problem\" id=\"verify-result\" role=\"alert\">"
                                       "The audit does not verify: hash_mismatch at entry 42: ") +
                           kHostileEscaped),
            std::string::npos)
      << page.body;
  EXPECT_EQ(page.body.find("The audit verifies"), std::string::npos);
  EXPECT_EQ(page.body.find("<script>alert(1)"), std::string::npos);
  EXPECT_EQ(page.body.find("\"q\""), std::string::npos);
  ExpectNoInlineScript(page.body, "verify failed");
}

TEST_F(ConsoleHandlerTest, TheVerifyPageSaysWhenNoCheckpointCoversTheAudit) {
  data->audit_check.checkpoints = 0;
  data->audit_check.last_signed_seq.reset();
  data->audit_check.unsigned_entries = 120;
  const HttpResponse page = Serve(handler, Get("auditor", "/console/audit/verify"));
  ExpectHtmlPage(page, 200, "no checkpoint");
  EXPECT_NE(page.body.find("<p class=\"note\">No signed checkpoint covers the audit yet"),
            std::string::npos)
      << page.body;
  EXPECT_NE(page.body.find("<dt>Checkpoints</dt><dd>0</dd>"), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find("the latest signing entry"), std::string::npos);
  EXPECT_NE(page.body.find("<dt>Entries since the latest checkpoint</dt><dd>120</dd>"),
            std::string::npos);
  // An empty audit: zeros shown as 0.
  data->audit_check = AuditCheck{};
  data->audit_check.ok = true;
  const HttpResponse empty = Serve(handler, Get("auditor", "/console/audit/verify"));
  EXPECT_NE(empty.body.find("<dd id=\"verify-entries\">0</dd>"), std::string::npos) << empty.body;
  EXPECT_NE(empty.body.find("No signed checkpoint covers"), std::string::npos);
}

TEST_F(ConsoleHandlerTest, AVerifyProblemIsTheRefusal) {
  data->verify_problem = server::UnavailableProblem("the audit cannot be read now");
  const HttpResponse page = Serve(handler, Get("auditor", "/console/audit/verify", true));
  ExpectHtmlPage(page, 503, "verify 503 html");
  EXPECT_EQ(page.body.find("The audit verifies"), std::string::npos);
  EXPECT_EQ(page.body.find("id=\"verify-result\""), std::string::npos);
  ExpectProblem(Serve(handler, Get("auditor", "/console/audit/verify", false)), 503,
                problem_type::kUnavailable, "verify 503 json");
  EXPECT_EQ(data->verify_calls, 2);
}

// --- Route labels and limits ---------------------------------------------------------

TEST_F(ConsoleHandlerTest, RouteLabelsAreTemplatesNeverRawIds) {
  struct Case {
    const char* method;
    const char* target;
    const char* label;
  };
  for (const Case& c : {
           Case{"GET", "/console", "/console/"},
           Case{"GET", "/console/", "/console/"},
           Case{"GET", "/console/?x=1", "/console/"},
           Case{"GET", "/console/assets/console.css", "/console/assets/{file}"},
           Case{"GET", "/console/assets/console.js", "/console/assets/{file}"},
           Case{"GET", "/console/assets/favicon.svg", "/console/assets/{file}"},
           Case{"GET", "/console/reports/kpis", "/console/reports/{name}"},
           Case{"GET", "/console/reports/secret-name-123?period=2026-Q3",
                "/console/reports/{name}"},
           Case{"GET", "/console/recipients", "/console/recipients"},
           Case{"GET", "/console/dead-letters?replayed=dl-5", "/console/dead-letters"},
           Case{"POST", "/console/dead-letters/dl-12345/replay",
                "/console/dead-letters/{id}/replay"},
           Case{"GET", "/console/policy", "/console/policy"},
           Case{"GET", "/console/audit", "/console/audit"},
           Case{"POST", "/console/audit", "/console/audit"},
           Case{"GET", "/console/audit?identifier_kind=nhs_number&identifier=9434765919",
                "/console/audit"},
           Case{"GET", "/console/audit/verify", "/console/audit/verify"},
           Case{"GET", "/console/audit/verify?x=1", "/console/audit/verify"},
           Case{"GET", "/console/audit/9434765919", "unmatched"},
           Case{"GET", "/console/dl-12345", "unmatched"},
           Case{"GET", "/console/reports/a/b", "unmatched"},
           Case{"GET", "/console/alerts?actioned=dv-12345", "/console/alerts"},
           Case{"POST", "/console/alerts/dv-12345/action", "/console/alerts/{id}/action"},
           Case{"GET", "/console/alerts/dv-12345", "unmatched"},
           Case{"GET", "/console/rhi", "/console/rhi"},
           Case{"GET", "/console/notices", "/console/notices"},
       }) {
    const HttpRequest request = PersonRequest("operator", c.method, c.target);
    const std::string label = handler.RouteLabel(request);
    EXPECT_EQ(label, c.label) << c.target;
    EXPECT_EQ(label.find("12345"), std::string::npos) << c.target;
    EXPECT_EQ(label.find("kpis"), std::string::npos) << c.target;
    EXPECT_EQ(label.find('?'), std::string::npos) << c.target;
    EXPECT_EQ(label.find(kTypedIdentifier), std::string::npos) << c.target;
  }
  EXPECT_EQ(data->PageFetches(), 0U);
}

TEST_F(ConsoleHandlerTest, TheBodyLimitIsAFormsFewBytes) {
  const auto limit = handler.BodyLimit(ReplayPost("dl-1"));
  ASSERT_TRUE(limit.has_value());
  EXPECT_GT(*limit, 0U);
  EXPECT_LE(*limit, 4096U);
  ASSERT_TRUE(handler.BodyLimit(Get("operator", "/console/")).has_value());
}

// An export that hit the limit would look complete: it is refused, and the
// search (already audited) shows nothing.
TEST_F(ConsoleHandlerTest, AnExportThatWouldStopShortIsRefused) {
  data->audit_results.truncated = true;
  const HttpResponse refusal = Serve(handler, AuditPost("recipient=la-stoke&format=csv"));
  ExpectHtmlPage(refusal, 400, "truncated export");
  EXPECT_EQ(refusal.body.find("4711"), std::string::npos);
  ASSERT_EQ(data->audit_calls.size(), 1U);

  data->audit_results.truncated = false;
  const HttpResponse csv = Serve(handler, AuditPost("recipient=la-stoke&format=csv"));
  EXPECT_EQ(csv.status, 200);
}

// The form's fields go in the body: one smuggled into the URL is refused,
// not ignored, and never searched for.
TEST_F(ConsoleHandlerTest, ASearchPostedWithAQueryIsRefused) {
  HttpRequest request = AuditPost("recipient=la-stoke");
  request.target = "/console/audit?identifier_kind=nhs_number&identifier=9434765919";
  const HttpResponse refusal = Serve(handler, request);
  ExpectHtmlPage(refusal, 400, "query on a post");
  EXPECT_EQ(refusal.body.find("9434765919"), std::string::npos);
  EXPECT_TRUE(data->audit_calls.empty());
}

// A browser user is told which field is wrong, as a client reading the
// problem+json is.
TEST_F(ConsoleHandlerTest, AnHtmlRefusalNamesTheFieldAndWhy) {
  const HttpResponse refusal = Serve(handler, AuditPost("from=2026-04-01"));
  ExpectHtmlPage(refusal, 400, "half a period");
  EXPECT_NE(refusal.body.find("<code>/form/to</code>"), std::string::npos) << refusal.body;
  EXPECT_NE(refusal.body.find("a period needs both its dates"), std::string::npos);
  const HttpResponse none = Serve(handler, Get("operator", "/console/nowhere"));
  EXPECT_EQ(none.body.find("problem-errors"), std::string::npos);
}

// The operators' charts: drawn inline (no script, no image fetched), and
// refused to everyone else before anything is sampled.
TEST_F(ConsoleHandlerTest, TheMetricsPageDrawsTheChartsForOperatorsOnly) {
  const HttpResponse empty = Serve(handler, Get("operator", "/console/metrics"));
  ExpectHtmlPage(empty, 200, "no samples");
  EXPECT_NE(empty.body.find("metrics-empty"), std::string::npos);

  reports::LineChart chart;
  chart.title = "Requests per minute";
  chart.x_labels = {"10:00", "10:01"};
  chart.series = {{"answered", {12, 30}}};
  data->metrics_charts = {chart};
  const HttpResponse page = Serve(handler, Get("operator", "/console/metrics"));
  ExpectHtmlPage(page, 200, "charts");
  EXPECT_NE(page.body.find("<svg"), std::string::npos);
  EXPECT_NE(page.body.find("Requests per minute"), std::string::npos);
  EXPECT_EQ(page.body.find("metrics-empty"), std::string::npos);

  const int sampled = data->metrics_calls;
  for (const char* role : {"coordinator", "auditor"}) {
    EXPECT_EQ(Serve(handler, Get(role, "/console/metrics")).status, 403) << role;
  }
  EXPECT_EQ(data->metrics_calls, sampled);
  EXPECT_EQ(handler.RouteLabel(Get("operator", "/console/metrics")), "/console/metrics");
}

// An explain form as the console's own page posts it.
HttpRequest ExplainPost(std::string form, std::string role = "operator") {
  HttpRequest request = PersonRequest(std::move(role), "POST", "/console/explain", true);
  request.headers.push_back({"Sec-Fetch-Site", "same-origin"});
  request.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  request.content_length = form.size();
  request.body = std::move(form);
  return request;
}

// The decision field by field, with clauses; the pasted message is never
// shown back, whatever it holds.
TEST_F(ConsoleHandlerTest, PolicyExplainShowsTheDecisionButNeverTheMessage) {
  data->explanation = nlohmann::json::parse(R"({
    "allowed": true, "kind": "missing_reported", "sender": "police-derbys",
    "recipient": "la-derby", "decided_at": "2026-07-14T22:20:00Z", "policy_set_hash": "abc123",
    "flows": [{"isa": "ISA-DERBY-2026", "clause": "ISA-DERBY-2026 \u00a73.1", "purpose": "safeguarding"}],
    "fields": [{"pointer": "/child/forename", "fate": "sent", "clause": "ISA-DERBY-2026 \u00a73.1"},
               {"pointer": "/child/date_of_birth", "fate": "generalised", "generalise": "year",
                "clause": "ISA-DERBY-2026 \u00a73.2"},
               {"pointer": "/child/ethnicity/code", "fate": "dropped", "note": "<b>no rule</b>"}],
    "withheld_at_redaction": [{"pointer": "/rhi/with_whom/0/name", "reason": "key_missing"}],
    "notes": ["the router would not send this message to la-derby"]})");
  const std::string message = R"({"MisperForename":"Zebedee","MisperSurname":"Quillfeather"})";
  std::string encoded;
  for (char c : message) {
    const bool plain = std::isalnum(static_cast<unsigned char>(c)) != 0;
    encoded += plain ? std::string(1, c)
                     : "%" + std::string(1, "0123456789ABCDEF"[(c >> 4) & 15]) +
                           std::string(1, "0123456789ABCDEF"[c & 15]);
  }
  const HttpResponse page = Serve(
      handler, ExplainPost("format=compact&from=police-derbys&to=la-derby&message=" + encoded));
  ExpectHtmlPage(page, 200, "explained");
  ASSERT_EQ(data->explain_calls.size(), 1U);
  EXPECT_EQ(data->explain_calls[0].message, message);
  EXPECT_EQ(data->explain_calls[0].from, "police-derbys");
  EXPECT_EQ(page.body.find("Zebedee"), std::string::npos);
  EXPECT_EQ(page.body.find("Quillfeather"), std::string::npos);
  EXPECT_NE(page.body.find("Allowed: police-derbys to la-derby"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("<code>/child/date_of_birth</code></td><td>generalised (year)"),
            std::string::npos);
  EXPECT_NE(page.body.find("&lt;b&gt;no rule&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(page.body.find("key_missing"), std::string::npos);
  EXPECT_NE(page.body.find("the router would not send this message"), std::string::npos);
  EXPECT_EQ(page.body.find("<b>no rule</b>"), std::string::npos);
}

// Only operators explain; the form comes from the console's own page; a
// refused decision says why; the service's problem is the page's.
TEST_F(ConsoleHandlerTest, PolicyExplainIsForOperatorsFromTheirOwnPage) {
  for (const char* role : {"coordinator", "auditor"}) {
    EXPECT_EQ(Serve(handler, ExplainPost("format=compact", role)).status, 403) << role;
    EXPECT_EQ(Serve(handler, Get(role, "/console/explain")).status, 403) << role;
  }
  HttpRequest cross = ExplainPost("format=compact&from=a&to=b&message=x");
  cross.headers = {{"Accept", "text/html"}, {"Sec-Fetch-Site", "cross-site"}};
  EXPECT_EQ(Serve(handler, cross).status, 403);
  EXPECT_TRUE(data->explain_calls.empty());

  ExpectHtmlPage(Serve(handler, Get("operator", "/console/explain")), 200, "form");
  EXPECT_EQ(Serve(handler, Get("operator", "/console/explain?message=x")).status, 400);
  EXPECT_EQ(Serve(handler, ExplainPost("format=compact&colour=red")).status, 400);
  EXPECT_TRUE(data->explain_calls.empty());

  data->explanation = {{"allowed", false},
                       {"sender", "police-staffs"},
                       {"recipient", "police-derbys"},
                       {"refusal", "no_flow"},
                       {"refusal_reason", "no ISA lets police-staffs send this to police-derbys"}};
  const HttpResponse refused =
      Serve(handler, ExplainPost("format=compact&from=police-staffs&to=police-derbys&message=x"));
  ExpectHtmlPage(refused, 200, "refused");
  EXPECT_NE(refused.body.find("Refused: police-staffs to police-derbys"), std::string::npos);
  EXPECT_NE(refused.body.find("<code>no_flow</code>"), std::string::npos);

  Problem problem = server::MalformedRequestProblem("the explain form is not one this page takes");
  problem.errors.push_back({"/form/to", "unknown_agency", "is not an agency in the registry"});
  data->explain_problem = problem;
  const HttpResponse bad = Serve(handler, ExplainPost("format=compact&from=a&to=zz&message=x"));
  ExpectHtmlPage(bad, 400, "bad form");
  EXPECT_NE(bad.body.find("<code>/form/to</code>"), std::string::npos);
  EXPECT_GT(handler.BodyLimit(ExplainPost("")).value_or(0), 100U * 1024);
  EXPECT_EQ(handler.RouteLabel(ExplainPost("")), "/console/explain");
}

}  // namespace
}  // namespace isagw::console

// --- Alerts awaiting action, RHIs due, notices, health ---------------------

namespace isagw::console {
namespace {

// An action as the alerts page's own form posts it.
HttpRequest ActionPost(std::string id, std::string form, std::string role = "coordinator") {
  HttpRequest request =
      PersonRequest(std::move(role), "POST", "/console/alerts/" + id + "/action", true);
  request.headers.push_back({"Sec-Fetch-Site", "same-origin"});
  request.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  request.content_length = form.size();
  request.body = std::move(form);
  return request;
}

TEST_F(ConsoleHandlerTest, AlertsAndRhisAreForCoordinatorsAndNoticesForOperators) {
  const std::vector<HttpRequest> refused = {
      Get("operator", "/console/alerts"),
      Get("auditor", "/console/alerts"),
      Get("operator", "/console/rhi"),
      Get("auditor", "/console/rhi"),
      ActionPost("dv-alert-1", "team=EDT", "operator"),
      ActionPost("dv-alert-1", "team=EDT", "auditor"),
      Get("coordinator", "/console/notices"),
      Get("auditor", "/console/notices"),
  };
  for (const HttpRequest& request : refused) {
    const auto refusal = handler.Admit(request);
    ASSERT_TRUE(refusal.has_value()) << request.person_role << " " << request.target;
    ExpectHtmlPage(*refusal, 403, request.target);
    EXPECT_EQ(handler.Handle(request).status, 403) << request.target;
  }
  EXPECT_EQ(data->PageFetches(), 0U);

  ExpectHtmlPage(Serve(handler, Get("coordinator", "/console/alerts")), 200, "alerts");
  ExpectHtmlPage(Serve(handler, Get("coordinator", "/console/rhi")), 200, "rhi");
  ExpectHtmlPage(Serve(handler, Get("operator", "/console/notices")), 200, "notices");
  EXPECT_EQ(data->alerts_calls.size(), 1U);
  EXPECT_EQ(data->report_calls.size(), 1U);
  EXPECT_EQ(data->notices_calls, 1);
}

TEST_F(ConsoleHandlerTest, TheAlertsPageShowsEachAlertsDeadlineAndOffersAnActionOnceDelivered) {
  const HttpResponse page = Serve(handler, Get("coordinator", "/console/alerts"));
  ExpectHtmlPage(page, 200, "alerts");
  ASSERT_EQ(data->alerts_calls.size(), 1U);
  EXPECT_EQ(data->alerts_calls[0].person_id, "p-coord-1");
  EXPECT_EQ(data->alerts_calls[0].agency_id, "la-derby");
  for (const char* text : {"DB/21/2026/000777", "DB/21/2026/000778", "due in 12 minutes",
                           "escalated to Derby Emergency Duty Team", "overdue by 3 minutes",
                           "not yet delivered", "delivery or an action"}) {
    EXPECT_NE(page.body.find(text), std::string::npos) << text;
  }
  // A form for each delivered copy, none for the one still being pushed.
  EXPECT_NE(page.body.find("action=\"/console/alerts/dv-alert-1/action\""), std::string::npos);
  EXPECT_NE(page.body.find("action=\"/console/alerts/dv-alert-2/action\""), std::string::npos);
  EXPECT_EQ(page.body.find("/console/alerts/dv-alert-3/action"), std::string::npos);
  EXPECT_EQ(Count(page.body, "<button type=\"submit\" id=\"action-"), 2U);
  // Every field labelled.
  EXPECT_NE(page.body.find("<label for=\"team-dv-alert-1\">"), std::string::npos);
  EXPECT_NE(page.body.find("<label for=\"reference-dv-alert-1\">"), std::string::npos);
  // Past its deadline, marked.
  EXPECT_EQ(Count(page.body, "class=\"late\""), 2U);
  EXPECT_EQ(page.body.find("id=\"actioned\""), std::string::npos);
  ExpectNoInlineScript(page.body, "alerts");
}

TEST_F(ConsoleHandlerTest, NoAlertSaysSoAndAnAlertsProblemIsTheRefusal) {
  data->alerts.clear();
  const HttpResponse none = Serve(handler, Get("coordinator", "/console/alerts"));
  ExpectHtmlPage(none, 200, "no alerts");
  EXPECT_NE(none.body.find("No alert is awaiting action."), std::string::npos);
  EXPECT_EQ(none.body.find("<table"), std::string::npos);

  data->alerts_problem = server::UnavailableProblem("the view could not be recorded in the audit");
  const HttpResponse refused = Serve(handler, Get("coordinator", "/console/alerts"));
  ExpectHtmlPage(refused, 503, "alerts 503");
  EXPECT_NE(refused.body.find("could not be recorded"), std::string::npos);
  EXPECT_EQ(refused.body.find("DB/21/2026"), std::string::npos);
}

TEST_F(ConsoleHandlerTest, TheAlertsPageTakesOnlyActioned) {
  const HttpResponse shown =
      Serve(handler, Get("coordinator", "/console/alerts?actioned=dv-alert-1"));
  ExpectHtmlPage(shown, 200, "actioned");
  EXPECT_NE(shown.body.find("Alert dv-alert-1 recorded as actioned."), std::string::npos);
  // Not an id: not echoed.
  const HttpResponse odd =
      Serve(handler, Get("coordinator", "/console/alerts?actioned=%3Cb%3Ex%3C%2Fb%3E"));
  ExpectHtmlPage(odd, 200, "odd actioned");
  EXPECT_EQ(odd.body.find("id=\"actioned\""), std::string::npos);
  EXPECT_EQ(odd.body.find("<b>x"), std::string::npos);
  ExpectHtmlPage(Serve(handler, Get("coordinator", "/console/alerts?team=x")), 400, "other query");
  EXPECT_EQ(data->alerts_calls.size(), 2U) << "a refused query fetches nothing";
}

TEST_F(ConsoleHandlerTest, AnActionFromItsOwnPageIsRecordedDecodedAndRedirects) {
  const HttpRequest request =
      ActionPost("dv-alert-1", "team=Missing+coordinator&reference=LA%2F42");
  EXPECT_FALSE(handler.Admit(request).has_value());
  const HttpResponse response = handler.Handle(request);
  EXPECT_EQ(response.status, 303);
  ASSERT_NE(response.Header("Location"), nullptr);
  EXPECT_EQ(*response.Header("Location"), "/console/alerts?actioned=dv-alert-1");
  ExpectConsoleHeaders(response, "303");
  ASSERT_EQ(data->action_calls.size(), 1U);
  EXPECT_EQ(data->action_calls[0].id, "dv-alert-1");
  EXPECT_EQ(data->action_calls[0].form.team, "Missing coordinator");
  EXPECT_EQ(data->action_calls[0].form.reference, "LA/42");
  EXPECT_EQ(data->action_calls[0].viewer.person_id, "p-coord-1");
  EXPECT_EQ(data->action_calls[0].viewer.agency_id, "la-derby");
  EXPECT_EQ(data->alerts_calls.size(), 0U) << "the redirect's page is fetched by the browser";
}

TEST_F(ConsoleHandlerTest, AnActionFromAnotherSiteOrByGetIsRefusedBeforeAnythingIsRecorded) {
  HttpRequest cross = ActionPost("dv-alert-1", "team=EDT");
  std::erase_if(cross.headers, [](const auto& h) { return h.name == "Sec-Fetch-Site"; });
  cross.headers.push_back({"Sec-Fetch-Site", "cross-site"});
  ExpectHtmlPage(*handler.Admit(cross), 403, "cross-site");
  HttpRequest no_origin = ActionPost("dv-alert-1", "team=EDT");
  std::erase_if(no_origin.headers, [](const auto& h) { return h.name == "Sec-Fetch-Site"; });
  ExpectHtmlPage(*handler.Admit(no_origin), 403, "no Sec-Fetch-Site, no Origin");
  const auto get = handler.Admit(Get("coordinator", "/console/alerts/dv-alert-1/action"));
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ(get->status, 405);
  ASSERT_NE(get->Header("Allow"), nullptr);
  EXPECT_EQ(*get->Header("Allow"), "POST");
  const auto post_list = handler.Admit(ActionPost("", "team=EDT"));
  ASSERT_TRUE(post_list.has_value());
  EXPECT_EQ(post_list->status, 404) << "no id: no such page";
  EXPECT_TRUE(data->action_calls.empty());
}

TEST_F(ConsoleHandlerTest, AnActionFormWithOtherFieldsOrAQueryIs400AndRecordsNothing) {
  for (const std::string& form : {std::string("team=EDT&note=child+seen+at+home"),
                                  std::string("team=EDT&team=EDT"), std::string("team=%ZZ")}) {
    const HttpResponse refused = Serve(handler, ActionPost("dv-alert-1", form));
    ExpectHtmlPage(refused, 400, form);
    EXPECT_EQ(refused.body.find("child seen"), std::string::npos) << "never echoes a value";
  }
  HttpRequest with_query = ActionPost("dv-alert-1", "team=EDT");
  with_query.target += "?team=EDT";
  ExpectHtmlPage(Serve(handler, with_query), 400, "query");
  EXPECT_TRUE(data->action_calls.empty());
}

TEST_F(ConsoleHandlerTest, AnActionsProblemIsTheRefusalNamingTheField) {
  Problem invalid = server::MalformedRequestProblem("the action is not one the gateway records");
  invalid.errors.push_back({"/form/team", "pattern", "must start with a letter or digit"});
  data->action_problem = invalid;
  const HttpResponse refused = Serve(handler, ActionPost("dv-alert-1", "team=%3Cx%3E"));
  ExpectHtmlPage(refused, 400, "invalid team");
  EXPECT_NE(refused.body.find("/form/team"), std::string::npos);
  EXPECT_NE(refused.body.find("must start with a letter or digit"), std::string::npos);
  EXPECT_EQ(refused.body.find("<x>"), std::string::npos);
  EXPECT_EQ(refused.Header("Location"), nullptr);

  data->action_problem = server::NotFoundProblem();
  HttpRequest json = ActionPost("dv-other", "team=EDT");
  std::erase_if(json.headers, [](const auto& h) { return h.name == "Accept"; });
  ExpectProblem(Serve(handler, json), 404, problem_type::kNotFound, "not the agency's");
}

TEST_F(ConsoleHandlerTest, TheRhiPageIsTheDailyReportsInterviewTableAlone) {
  data->document.tables.clear();
  data->document.tables.push_back(
      {"missing_now", "Children missing now", {"police_ref", "child"}, {{"DB/1", "Ada Lovelace"}}});
  data->document.tables.push_back({"rhi_due",
                                   "Return home interviews due or overdue",
                                   {"police_ref", "child", "status"},
                                   {{"DB/2", "Grace Hopper", "overdue"}}});
  const HttpResponse page = Serve(handler, Get("coordinator", "/console/rhi"));
  ExpectHtmlPage(page, 200, "rhi");
  ASSERT_EQ(data->report_calls.size(), 1U);
  EXPECT_EQ(data->report_calls[0].report, "daily");
  EXPECT_EQ(data->report_calls[0].query, "");
  EXPECT_NE(page.body.find("data-table=\"rhi_due\""), std::string::npos);
  EXPECT_NE(page.body.find("Grace Hopper"), std::string::npos);
  EXPECT_EQ(page.body.find("missing_now"), std::string::npos);
  EXPECT_EQ(page.body.find("Ada Lovelace"), std::string::npos);
  EXPECT_EQ(page.body.find("name=\"period\""), std::string::npos) << "always as at now";
  ExpectHtmlPage(Serve(handler, Get("coordinator", "/console/rhi?period=2026-Q3")), 400, "query");
  EXPECT_EQ(data->report_calls.size(), 1U);
  data->report_problem = server::ForbiddenProblem("your agency may not run this report");
  ExpectHtmlPage(Serve(handler, Get("coordinator", "/console/rhi")), 403, "police force");
}

TEST_F(ConsoleHandlerTest, ACoordinatorsMenuHasAlertsAndRhisOnlyWhenTheirAgencyRunsTheDaily) {
  const HttpResponse council = Serve(handler, Get("coordinator", "/console/"));
  EXPECT_NE(council.body.find("href=\"/console/alerts\""), std::string::npos);
  EXPECT_NE(council.body.find("href=\"/console/rhi\""), std::string::npos);
  data->reports = {"hotspots"};  // a police force
  const HttpResponse force = Serve(handler, Get("coordinator", "/console/"));
  EXPECT_NE(force.body.find("href=\"/console/alerts\""), std::string::npos);
  EXPECT_EQ(force.body.find("href=\"/console/rhi\""), std::string::npos);
  for (const char* role : {"operator", "auditor"}) {
    const HttpResponse home = Serve(handler, Get(role, "/console/"));
    EXPECT_EQ(home.body.find("/console/alerts"), std::string::npos) << role;
    EXPECT_EQ(home.body.find("/console/rhi"), std::string::npos) << role;
  }
}

TEST_F(ConsoleHandlerTest, TheNoticesPageListsWhomEachNoticeToldAndWhy) {
  const HttpResponse page = Serve(handler, Get("operator", "/console/notices"));
  ExpectHtmlPage(page, 200, "notices");
  for (const char* text :
       {"dl-1-ndn", "msg-1", "http_410", "<td><code>dl-1</code></td>", "<td>available</td>"}) {
    EXPECT_NE(page.body.find(text), std::string::npos) << text;
  }
  EXPECT_NE(Serve(handler, Get("operator", "/console/")).body.find("href=\"/console/notices\""),
            std::string::npos);
  ExpectHtmlPage(Serve(handler, Get("operator", "/console/notices?x=1")), 400, "query");
  data->notices.clear();
  EXPECT_NE(
      Serve(handler, Get("operator", "/console/notices")).body.find("No non-delivery notices."),
      std::string::npos);
  EXPECT_EQ(data->notices_calls, 2);
}

TEST_F(ConsoleHandlerTest, TheOperatorsHomePageSaysWhatNeedsThemOrThatNothingDoes) {
  const HttpResponse calm = Serve(handler, Get("operator", "/console/"));
  EXPECT_NE(calm.body.find("Nothing needs you now."), std::string::npos);
  EXPECT_NE(calm.body.find("<dd id=\"health-pending\">3, the oldest made "), std::string::npos);
  EXPECT_NE(calm.body.find("<dd id=\"health-store\">answers</dd>"), std::string::npos);
  EXPECT_EQ(data->health_calls, 1);

  data->health.store_answers = false;
  data->health.open_circuits = {"Derby City Council", "Stoke <EDT>"};
  data->health.dead = 1;
  data->health.last_reload = "refused at 2026-11-22T10:00:00Z";
  const HttpResponse alarmed = Serve(handler, Get("operator", "/console/"));
  EXPECT_EQ(alarmed.body.find("Nothing needs you now."), std::string::npos);
  for (const char* text : {"The store does not answer.",
                           "Circuit open (this replica) to: Derby City Council, Stoke &lt;EDT&gt;.",
                           "1 dead letter not replayed.", "The last policy reload was refused"}) {
    EXPECT_NE(alarmed.body.find(text), std::string::npos) << text;
  }
  ExpectNoInlineScript(alarmed.body, "health");

  for (const char* role : {"coordinator", "auditor"}) {
    const HttpResponse home = Serve(handler, Get(role, "/console/"));
    EXPECT_EQ(home.body.find("id=\"health\""), std::string::npos) << role;
  }
  EXPECT_EQ(data->health_calls, 2) << "only operators' home pages ask";
}

TEST_F(ConsoleHandlerTest, AlertAndNoticeFactsAreEscaped) {
  data->alerts[0].police_ref = "<script>x()</script>";
  data->alerts[1].escalated_to = "\" onmouseover=\"x()";
  data->notices[0].reason = "<img src=x onerror=x()>";
  const HttpResponse alerts = Serve(handler, Get("coordinator", "/console/alerts"));
  EXPECT_EQ(alerts.body.find("<script>x()"), std::string::npos);
  EXPECT_NE(alerts.body.find("&lt;script&gt;x()"), std::string::npos);
  ExpectNoInlineScript(alerts.body, "alerts");
  const HttpResponse notices = Serve(handler, Get("operator", "/console/notices"));
  EXPECT_EQ(notices.body.find("<img"), std::string::npos);
  ExpectNoInlineScript(notices.body, "notices");
}

}  // namespace
}  // namespace isagw::console
