#include "console/console_handler.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <utility>

#include "console/console_assets.h"
#include "console/page_template.h"
#include "gateway/model/time.h"
#include "gateway/reports/render/svg_chart.h"
#include "gateway/reports/report_period.h"
#include "gateway/server/api_router.h"

namespace isagw::console {
namespace {

using server::HttpRequest;
using server::HttpResponse;

constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
constexpr std::uint64_t kFormBodyLimit = 1024;
// A pasted message: a batch's record at most, form-encoded (which may
// triple it).
constexpr std::uint64_t kExplainBodyLimit = std::uint64_t{768} * 1024;
constexpr std::size_t kExplainMessageLimit = std::size_t{256} * 1024;

enum class RouteKind {
  kHome,
  kAsset,
  kReport,
  kRecipients,
  kDeadLetters,
  kReplay,
  kPolicy,
  kMetrics,
  kExplain,
  kAudit,
  kAuditVerify,
  kAlerts,
  kAction,
  kRhi,
  kNotices,
  kNone
};

struct Route {
  RouteKind kind = RouteKind::kNone;
  std::string param;  // the asset's file, the report's name, the copy's id
};

Route MatchRoute(std::string_view path) {
  if (path == "/console" || path == "/console/") return {RouteKind::kHome, ""};
  constexpr std::string_view kBase = "/console/";
  if (!path.starts_with(kBase)) return {};
  std::string_view rest = path.substr(kBase.size());
  if (rest == "recipients") return {RouteKind::kRecipients, ""};
  if (rest == "dead-letters") return {RouteKind::kDeadLetters, ""};
  if (rest == "policy") return {RouteKind::kPolicy, ""};
  if (rest == "metrics") return {RouteKind::kMetrics, ""};
  if (rest == "explain") return {RouteKind::kExplain, ""};
  if (rest == "audit") return {RouteKind::kAudit, ""};
  if (rest == "audit/verify") return {RouteKind::kAuditVerify, ""};
  if (rest == "alerts") return {RouteKind::kAlerts, ""};
  if (rest == "rhi") return {RouteKind::kRhi, ""};
  if (rest == "notices") return {RouteKind::kNotices, ""};
  if (rest == "assets/console.css" || rest == "assets/console.js" || rest == "assets/favicon.svg") {
    return {RouteKind::kAsset, std::string(rest)};
  }
  constexpr std::string_view kReports = "reports/";
  if (rest.starts_with(kReports)) {
    std::string_view name = rest.substr(kReports.size());
    if (server::IsValidResourceId(name)) return {RouteKind::kReport, std::string(name)};
    return {};
  }
  constexpr std::string_view kDead = "dead-letters/";
  constexpr std::string_view kReplay = "/replay";
  if (rest.starts_with(kDead) && rest.ends_with(kReplay) &&
      rest.size() > kDead.size() + kReplay.size()) {
    std::string_view id = rest.substr(kDead.size(), rest.size() - kDead.size() - kReplay.size());
    if (server::IsValidResourceId(id)) return {RouteKind::kReplay, std::string(id)};
  }
  constexpr std::string_view kAlerts = "alerts/";
  constexpr std::string_view kAction = "/action";
  if (rest.starts_with(kAlerts) && rest.ends_with(kAction) &&
      rest.size() > kAlerts.size() + kAction.size()) {
    std::string_view id =
        rest.substr(kAlerts.size(), rest.size() - kAlerts.size() - kAction.size());
    if (server::IsValidResourceId(id)) return {RouteKind::kAction, std::string(id)};
  }
  return {};
}

// The role a route is for; "" for every person.
std::string_view RoleFor(RouteKind kind) {
  switch (kind) {
    case RouteKind::kReport:
    case RouteKind::kAlerts:
    case RouteKind::kAction:
    case RouteKind::kRhi:
      return "coordinator";
    case RouteKind::kRecipients:
    case RouteKind::kDeadLetters:
    case RouteKind::kReplay:
    case RouteKind::kPolicy:
    case RouteKind::kMetrics:
    case RouteKind::kExplain:
    case RouteKind::kNotices:
      return "operator";
    case RouteKind::kAudit:
    case RouteKind::kAuditVerify:
      return "auditor";
    default:
      return "";
  }
}

Viewer ViewerOf(const HttpRequest& request) {
  return Viewer{request.person_id, request.person_role, request.agency_id};
}

struct ReportLabel {
  std::string_view name;
  std::string_view label;
  std::string_view about;
};
constexpr std::array kReportLabels = {
    ReportLabel{"daily", "Daily missing report", "children missing now, and RHIs due or overdue"},
    ReportLabel{"kpis", "KPIs", "episodes, children, RHIs and delivery times by month"},
    ReportLabel{"repeats", "Repeat missing", "children with 3, 5 or 9 episodes in 90 days"},
    ReportLabel{"hotspots", "Hot spots", "places and adults of concern named in more than one RHI"},
    ReportLabel{"ssda903", "SSDA903 return", "the missing table for looked-after children"},
    ReportLabel{"annex-a", "Ofsted Annex A", "return interviews offered and accepted"},
};

const ReportLabel* LabelOf(std::string_view name) {
  for (const ReportLabel& l : kReportLabels) {
    if (l.name == name) return &l;
  }
  return nullptr;
}

bool WantsHtml(const HttpRequest& request) {
  const std::string* accept = request.Header("Accept");
  return accept != nullptr && accept->find("text/html") != std::string::npos;
}

// The one parameter a page takes (`name`), or a problem naming the query.
Result<std::optional<std::string>, Problem> QueryParameter(std::string_view query,
                                                           std::string_view name) {
  std::optional<std::string> value;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    Problem problem = server::MalformedRequestProblem("the page's query is not one it takes");
    if (key != name || value) {
      problem.errors.push_back(
          {"/query", "unknown", "takes one parameter, " + std::string(name) + ", at most once"});
      return Fail(std::move(problem));
    }
    auto decoded = server::DecodeFormValue(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!decoded || decoded->size() > 100) {
      problem.errors.push_back({"/query/" + std::string(name), "pattern", "is not well-formed"});
      return Fail(std::move(problem));
    }
    value = std::move(*decoded);
  }
  return value;
}

bool IsDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  return std::ranges::all_of(std::array<std::size_t, 8>{0, 1, 2, 3, 5, 6, 8, 9},
                             [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9'; });
}

// The audit search form (application/x-www-form-urlencoded). Errors point
// at the field ("/form/from") and never repeat what was typed.
// One form field: where its value goes and how long it may be.
struct FormField {
  std::string_view name;
  std::string* value;
  std::size_t max_size = 100;
};

// An application/x-www-form-urlencoded body into `fields`, each at most
// once; unknown fields are refused, not dropped (a form of ours never
// sends one). Errors point at the field and never repeat its value.
Result<Ok, Problem> ReadForm(std::string_view body, const std::vector<FormField>& fields,
                             Problem problem) {
  std::set<std::string, std::less<>> seen;
  while (!body.empty()) {
    const std::size_t amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    const std::string key(pair.substr(0, eq));
    const auto field = std::find_if(fields.begin(), fields.end(),
                                    [&](const FormField& f) { return f.name == key; });
    if (field == fields.end() || !seen.insert(key).second) {
      std::string names;
      for (const FormField& f : fields) names += (names.empty() ? "" : ", ") + std::string(f.name);
      problem.errors.push_back({"/form", "unknown", "takes " + names + ", each once"});
      return Fail(std::move(problem));
    }
    auto value = server::DecodeFormValue(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!value || value->size() > field->max_size) {
      problem.errors.push_back({"/form/" + key, "pattern", "is not well-formed"});
      return Fail(std::move(problem));
    }
    *field->value = std::move(*value);
  }
  return Ok{};
}

Result<AuditQuery, Problem> ParseAuditForm(std::string_view body) {
  AuditQuery query;
  query.format = "page";
  Problem problem = server::MalformedRequestProblem("the search form is not one this page takes");
  if (auto read = ReadForm(body,
                           {{"identifier_kind", &query.identifier_kind},
                            {"identifier", &query.identifier},
                            {"recipient", &query.recipient},
                            {"from", &query.from},
                            {"to", &query.to},
                            {"format", &query.format}},
                           problem);
      !read.ok()) {
    return Fail(std::move(read).error());
  }
  auto error = [&](const std::string& key, std::string code, std::string reason) {
    problem.errors.push_back({"/form/" + key, std::move(code), std::move(reason)});
  };
  if (!query.identifier_kind.empty() && query.identifier_kind != "nhs_number" &&
      query.identifier_kind != "police_ref" && query.identifier_kind != "person_id") {
    error("identifier_kind", "enum", "must be nhs_number, police_ref or person_id");
  }
  if (query.identifier_kind.empty() != query.identifier.empty()) {
    error("identifier", "required", "give both the kind of identifier and its value, or neither");
  }
  if (!query.recipient.empty() && !server::IsValidResourceId(query.recipient)) {
    error("recipient", "pattern", "must be an agency id such as la-stoke");
  }
  for (auto [key, text] : {std::pair{"from", &query.from}, std::pair{"to", &query.to}}) {
    if (!text->empty() && !IsDate(*text)) error(key, "pattern", "must be a date, YYYY-MM-DD");
  }
  if (query.from.empty() != query.to.empty()) {
    error(query.from.empty() ? "from" : "to", "required", "a period needs both its dates");
  }
  if (query.format != "page" && query.format != "csv") {
    error("format", "enum", "must be page or csv");
  }
  if (problem.errors.empty() && query.identifier.empty() && query.recipient.empty() &&
      query.from.empty()) {
    error("identifier", "required", "give a child, a recipient or a period to search for");
  }
  if (!problem.errors.empty()) return Fail(std::move(problem));
  return query;
}

nlohmann::json Nav(const Viewer& viewer, const ConsoleData& data, std::string_view current) {
  nlohmann::json nav = nlohmann::json::array();
  auto add = [&](std::string href, std::string_view label) {
    nav.push_back({{"href", href}, {"label", label}, {"current", href == current}});
  };
  add("/console/", "Home");
  if (viewer.role == "operator") {
    add("/console/recipients", "Recipients");
    add("/console/dead-letters", "Dead letters");
    add("/console/notices", "Non-delivery notices");
    add("/console/policy", "Policy set");
    add("/console/metrics", "Metrics");
    add("/console/explain", "Policy explain");
  } else if (viewer.role == "auditor") {
    add("/console/audit", "Audit search");
    add("/console/audit/verify", "Audit verification");
  } else if (viewer.role == "coordinator") {
    const std::vector<std::string> reports = data.ReportsFor(viewer);
    add("/console/alerts", "Alerts awaiting action");
    if (std::ranges::find(reports, "daily") != reports.end()) add("/console/rhi", "RHIs due");
    for (const std::string& name : reports) {
      const ReportLabel* label = LabelOf(name);
      add("/console/reports/" + name, label != nullptr ? label->label : name);
    }
  }
  return nav;
}

nlohmann::json Layout(const Viewer& viewer, const ConsoleData& data, std::string_view title,
                      std::string_view current) {
  return {{"title", title},
          {"viewer",
           {{"person_id", viewer.person_id},
            {"role", viewer.role},
            {"agency_name", viewer.agency_id.empty() ? "" : data.AgencyName(viewer.agency_id)}}},
          {"nav", Nav(viewer, data, current)}};
}

HttpResponse Html(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.headers.push_back({"Content-Type", "text/html; charset=utf-8"});
  response.body = std::move(body);
  AddConsoleHeaders(response);
  return response;
}

std::string TimeText(const std::optional<model::Timestamp>& at) {
  return at ? model::FormatTimestamp(*at) : "";
}

// A report's charts, tables and notes as the report template takes them.
nlohmann::json ReportValues(const reports::ReportDocument& document) {
  nlohmann::json values = {
      {"agency_name", document.agency_name},   {"period", document.period},
      {"generated_at", document.generated_at}, {"notes", document.notes},
      {"charts", nlohmann::json::array()},     {"tables", nlohmann::json::array()}};
  for (const auto& chart : document.line_charts) {
    values["charts"].push_back(
        {{"svg", reports::RenderLineChartSvg(chart, reports::SvgEmbedding::kInline)}});
  }
  for (const auto& chart : document.bar_charts) {
    values["charts"].push_back(
        {{"svg", reports::RenderBarChartSvg(chart, reports::SvgEmbedding::kInline)}});
  }
  for (const auto& table : document.tables) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& row : table.rows) rows.push_back({{"cells", row}});
    values["tables"].push_back({{"name", table.name},
                                {"title", table.title},
                                {"columns", table.columns},
                                {"rows", std::move(rows)},
                                {"empty", table.rows.empty()}});
  }
  return values;
}

// The operators' home page summary. Each line says "ok" or what is wrong,
// in words the engineer on call can act on.
nlohmann::json HealthValues(const HealthView& health) {
  nlohmann::json problems = nlohmann::json::array();
  if (!health.store_answers) problems.push_back("The store does not answer.");
  if (!health.open_circuits.empty()) {
    std::string names;
    for (const std::string& name : health.open_circuits) {
      names += (names.empty() ? "" : ", ") + name;
    }
    problems.push_back("Circuit open (this replica) to: " + names + ".");
  }
  if (health.dead > 0) {
    problems.push_back(std::to_string(health.dead) + " dead " +
                       (health.dead == 1 ? "letter" : "letters") + " not replayed.");
  }
  if (health.last_reload.starts_with("refused")) {
    problems.push_back("The last policy reload was refused: the previous set is still in force.");
  }
  return {{"ok", problems.empty()},
          {"problems", std::move(problems)},
          {"store", health.store_answers ? "answers" : "does not answer"},
          {"policy_hash", health.policy_hash},
          {"last_reload", health.last_reload.empty() ? "none since start" : health.last_reload},
          {"recipients", health.recipients},
          {"pending", health.pending},
          {"oldest_pending", TimeText(health.oldest_pending)},
          {"available", health.available},
          {"dead", health.dead},
          {"notices_last_day", health.notices_last_day}};
}

}  // namespace

void AddConsoleHeaders(HttpResponse& response) {
  response.headers.push_back({"Content-Security-Policy", std::string(kContentSecurityPolicy)});
  response.headers.push_back({"X-Content-Type-Options", "nosniff"});
  response.headers.push_back({"X-Frame-Options", "DENY"});
  response.headers.push_back({"Referrer-Policy", "no-referrer"});
  response.headers.push_back({"Cross-Origin-Opener-Policy", "same-origin"});
  response.headers.push_back({"Cross-Origin-Resource-Policy", "same-origin"});
  response.headers.push_back({"Cache-Control", "no-store"});
}

ConsoleHandler::ConsoleHandler(std::shared_ptr<ConsoleData> data) : data_(std::move(data)) {}

namespace {

// The refusal as the client asked for it: a page for a browser, or
// problem+json.
HttpResponse Refuse(const HttpRequest& request, const ConsoleData& data, const Problem& problem) {
  if (!WantsHtml(request) || request.person_id.empty()) {
    HttpResponse response = server::ProblemResponse(problem);
    AddConsoleHeaders(response);
    return response;
  }
  const Viewer viewer = ViewerOf(request);
  nlohmann::json errors = nlohmann::json::array();
  for (const FieldError& e : problem.errors) {
    errors.push_back({{"pointer", e.pointer}, {"reason", e.reason}});
  }
  nlohmann::json values = {{"detail", problem.detail.empty() ? problem.title : problem.detail},
                           {"status", problem.status},
                           {"type", problem.type},
                           {"has_errors", !errors.empty()},
                           {"errors", errors}};
  return Html(problem.status,
              RenderPage("problem", values, Layout(viewer, data, problem.title, "")));
}

// A form (a replay changes something; a search or an explanation carries
// what must not be in a URL) must come from the console's own page.
// Browsers send Sec-Fetch-Site (and Origin) with every POST; a form on
// another site, which the person's certificate would otherwise sign in
// for, says cross-site.
bool FromOwnPage(const HttpRequest& head) {
  if (const std::string* site = head.Header("Sec-Fetch-Site")) return *site == "same-origin";
  const std::string* origin = head.Header("Origin");
  const std::string* host = head.Header("Host");
  return origin != nullptr && host != nullptr && *origin == "https://" + *host;
}

}  // namespace

std::optional<HttpResponse> ConsoleHandler::Admit(const HttpRequest& head) {
  const Route route = MatchRoute(head.Path());
  if (route.kind == RouteKind::kNone) return Refuse(head, *data_, server::NotFoundProblem());
  const bool form_page = route.kind == RouteKind::kAudit || route.kind == RouteKind::kExplain;
  const bool post_only = route.kind == RouteKind::kReplay || route.kind == RouteKind::kAction;
  const std::string_view allow = post_only ? "POST" : form_page ? "GET, POST" : "GET";
  const bool method_allowed = head.method == "POST"  ? post_only || form_page
                              : head.method == "GET" ? !post_only
                                                     : false;
  if (!method_allowed) {
    HttpResponse refusal = Refuse(head, *data_, server::MethodNotAllowedProblem());
    refusal.headers.push_back({"Allow", std::string(allow)});
    return refusal;
  }
  const std::string_view role = RoleFor(route.kind);
  if (!role.empty() && head.person_role != role) {
    return Refuse(head, *data_,
                  server::ForbiddenProblem("this page is for " + std::string(role) +
                                           "s; you are signed in as " + head.person_role));
  }
  if (head.method == "POST" && !FromOwnPage(head)) {
    return Refuse(head, *data_,
                  server::ForbiddenProblem("a form must be sent from the console's own page"));
  }
  return std::nullopt;
}

std::optional<std::uint64_t> ConsoleHandler::BodyLimit(const HttpRequest& head) const {
  if (MatchRoute(head.Path()).kind == RouteKind::kExplain) return kExplainBodyLimit;
  return kFormBodyLimit;
}

std::string ConsoleHandler::RouteLabel(const HttpRequest& head) const {
  switch (MatchRoute(head.Path()).kind) {
    case RouteKind::kHome:
      return "/console/";
    case RouteKind::kAsset:
      return "/console/assets/{file}";
    case RouteKind::kReport:
      return "/console/reports/{name}";
    case RouteKind::kRecipients:
      return "/console/recipients";
    case RouteKind::kDeadLetters:
      return "/console/dead-letters";
    case RouteKind::kReplay:
      return "/console/dead-letters/{id}/replay";
    case RouteKind::kPolicy:
      return "/console/policy";
    case RouteKind::kMetrics:
      return "/console/metrics";
    case RouteKind::kExplain:
      return "/console/explain";
    case RouteKind::kAudit:
      return "/console/audit";
    case RouteKind::kAuditVerify:
      return "/console/audit/verify";
    case RouteKind::kAlerts:
      return "/console/alerts";
    case RouteKind::kAction:
      return "/console/alerts/{id}/action";
    case RouteKind::kRhi:
      return "/console/rhi";
    case RouteKind::kNotices:
      return "/console/notices";
    case RouteKind::kNone:
      break;
  }
  return "unmatched";
}

HttpResponse ConsoleHandler::Handle(const HttpRequest& request) {
  // Admit has passed this request; checking again costs nothing and keeps
  // Handle safe on its own.
  if (auto refusal = Admit(request)) return std::move(*refusal);
  const Route route = MatchRoute(request.Path());
  const Viewer viewer = ViewerOf(request);
  const std::string path(request.Path());

  switch (route.kind) {
    case RouteKind::kAsset: {
      HttpResponse response;
      std::string_view type = "text/javascript; charset=utf-8";
      if (route.param.ends_with(".css")) type = "text/css; charset=utf-8";
      if (route.param.ends_with(".svg")) type = "image/svg+xml";
      response.headers.push_back({"Content-Type", std::string(type)});
      response.body = std::string(ConsoleAssetText(route.param).value_or(""));
      AddConsoleHeaders(response);
      return response;
    }
    case RouteKind::kHome: {
      nlohmann::json values = {
          {"is_operator", viewer.role == "operator"},
          {"is_coordinator", viewer.role == "coordinator"},
          {"is_auditor", viewer.role == "auditor"},
          {"agency_name", viewer.agency_id.empty() ? "" : data_->AgencyName(viewer.agency_id)},
          {"reports", nlohmann::json::array()}};
      if (viewer.role == "operator") values["health"] = HealthValues(data_->Health());
      const std::vector<std::string> reports = data_->ReportsFor(viewer);
      values["has_daily"] = std::ranges::find(reports, "daily") != reports.end();
      for (const std::string& name : reports) {
        const ReportLabel* label = LabelOf(name);
        values["reports"].push_back({{"name", name},
                                     {"label", label ? label->label : name},
                                     {"about", label ? label->about : ""}});
      }
      return Html(200, RenderPage("home", values, Layout(viewer, *data_, "Home", "/console/")));
    }
    case RouteKind::kReport: {
      auto period = QueryParameter(request.Query(), "period");
      if (!period.ok()) return Refuse(request, *data_, period.error());
      auto document = data_->RunReport(viewer, route.param, period->value_or(""));
      if (!document.ok()) return Refuse(request, *data_, document.error());
      nlohmann::json values = ReportValues(*document);
      values["report"] = route.param;
      values["period_value"] = period->value_or("");
      values["has_period_form"] = route.param != "daily";
      return Html(200, RenderPage("report", values, Layout(viewer, *data_, document->title, path)));
    }
    case RouteKind::kRhi: {
      if (!request.Query().empty()) {
        Problem problem = server::MalformedRequestProblem("the page takes no query");
        problem.errors.push_back({"/query", "unknown", "interviews due are always as at now"});
        return Refuse(request, *data_, problem);
      }
      // The daily report's second table: the same rules, the same audit.
      auto document = data_->RunReport(viewer, "daily", "");
      if (!document.ok()) return Refuse(request, *data_, document.error());
      std::erase_if(document->tables,
                    [](const reports::ReportTable& t) { return t.name != "rhi_due"; });
      document->notes = {
          "Interviews due within the area's time after each return (72 hours unless its rules "
          "say otherwise), and those overdue for up to a week. Times are UK local."};
      nlohmann::json values = ReportValues(*document);
      values["report"] = "rhi";
      values["has_period_form"] = false;
      return Html(200, RenderPage("report", values,
                                  Layout(viewer, *data_, "Return home interviews due", path)));
    }
    case RouteKind::kAlerts:
      return AlertsPage(request, viewer);
    case RouteKind::kAction: {
      ActionForm form;
      Problem problem =
          server::MalformedRequestProblem("the action form is not one this page takes");
      if (!request.Query().empty()) {
        problem.errors.push_back({"/query", "unknown", "the form's fields go in its body"});
        return Refuse(request, *data_, problem);
      }
      if (auto read = ReadForm(request.body, {{"team", &form.team}, {"reference", &form.reference}},
                               problem);
          !read.ok()) {
        return Refuse(request, *data_, read.error());
      }
      auto actioned = data_->ActionAlert(viewer, route.param, form);
      if (!actioned.ok()) return Refuse(request, *data_, actioned.error());
      // Post/redirect/get, as for a replay.
      HttpResponse response;
      response.status = 303;
      response.headers.push_back({"Location", "/console/alerts?actioned=" + route.param});
      AddConsoleHeaders(response);
      return response;
    }
    case RouteKind::kNotices: {
      if (!request.Query().empty()) {
        Problem problem = server::MalformedRequestProblem("the page takes no query");
        problem.errors.push_back({"/query", "unknown", "the page lists the latest notices"});
        return Refuse(request, *data_, problem);
      }
      auto notices = data_->Notices();
      if (!notices.ok()) return Refuse(request, *data_, notices.error());
      nlohmann::json rows = nlohmann::json::array();
      for (const NoticeView& n : *notices) {
        rows.push_back({{"id", n.notice_id},
                        {"to", n.to},
                        {"to_name", data_->AgencyName(n.to)},
                        {"about", n.about_delivery},
                        {"recipient", n.recipient},
                        {"message_id", n.message_id},
                        {"reason", n.reason},
                        {"attempts", n.attempts},
                        {"made_at", model::FormatTimestamp(n.made_at)},
                        {"state", n.state}});
      }
      nlohmann::json values = {{"rows", rows}, {"empty", rows.empty()}};
      return Html(
          200, RenderPage("notices", values, Layout(viewer, *data_, "Non-delivery notices", path)));
    }
    case RouteKind::kRecipients: {
      auto recipients = data_->Recipients();
      if (!recipients.ok()) return Refuse(request, *data_, recipients.error());
      nlohmann::json rows = nlohmann::json::array();
      for (const RecipientView& r : *recipients) {
        rows.push_back({{"id", r.queue.recipient},
                        {"name", r.name},
                        {"mode", r.mode},
                        {"circuit", r.circuit},
                        {"pending", r.queue.pending},
                        {"oldest_pending", TimeText(r.queue.oldest_pending)},
                        {"available", r.queue.available},
                        {"dead", r.queue.dead},
                        {"last_delivered", TimeText(r.queue.last_delivered)}});
      }
      nlohmann::json values = {{"rows", rows}, {"empty", rows.empty()}};
      return Html(200,
                  RenderPage("recipients", values, Layout(viewer, *data_, "Recipients", path)));
    }
    case RouteKind::kDeadLetters: {
      auto replayed = QueryParameter(request.Query(), "replayed");
      if (!replayed.ok()) return Refuse(request, *data_, replayed.error());
      auto dead = data_->DeadLetters();
      if (!dead.ok()) return Refuse(request, *data_, dead.error());
      nlohmann::json rows = nlohmann::json::array();
      for (const store::DeadLetter& d : *dead) {
        rows.push_back({{"id", d.delivery_id},
                        {"message_id", d.message_id},
                        {"recipient", d.recipient},
                        {"format", d.format},
                        {"attempts", d.attempts},
                        {"last_error", d.last_error},
                        {"created_at", model::FormatTimestamp(d.created_at)},
                        {"finished_at", model::FormatTimestamp(d.finished_at)},
                        {"replayed_as", d.replayed_as.value_or("")}});
      }
      nlohmann::json values = {{"rows", rows}, {"empty", rows.empty()}, {"replayed", ""}};
      if (*replayed && server::IsValidResourceId(**replayed)) values["replayed"] = **replayed;
      return Html(200,
                  RenderPage("dead_letters", values, Layout(viewer, *data_, "Dead letters", path)));
    }
    case RouteKind::kReplay: {
      auto replayed = data_->Replay(viewer, route.param);
      if (!replayed.ok()) return Refuse(request, *data_, replayed.error());
      // Post/redirect/get: reloading the page that follows replays nothing.
      HttpResponse response;
      response.status = 303;
      response.headers.push_back({"Location", "/console/dead-letters?replayed=" + *replayed});
      AddConsoleHeaders(response);
      return response;
    }
    case RouteKind::kPolicy: {
      const PolicyView policy = data_->Policy();
      nlohmann::json history = nlohmann::json::array();
      for (const PolicyEvent& e : policy.history) {
        history.push_back({{"at", e.at}, {"outcome", e.outcome}, {"hash", e.hash}});
      }
      nlohmann::json values = {{"hash", policy.hash}, {"isas", policy.isas}, {"history", history}};
      return Html(200, RenderPage("policy", values, Layout(viewer, *data_, "Policy set", path)));
    }
    case RouteKind::kMetrics: {
      nlohmann::json charts = nlohmann::json::array();
      for (const auto& chart : data_->MetricsCharts()) {
        charts.push_back(
            {{"svg", reports::RenderLineChartSvg(chart, reports::SvgEmbedding::kInline)}});
      }
      nlohmann::json values = {{"interval", "15 seconds"}, {"empty", charts.empty()}};
      values["charts"] = std::move(charts);
      return Html(200, RenderPage("metrics", values, Layout(viewer, *data_, "Metrics", path)));
    }
    case RouteKind::kExplain:
      return ExplainPage(request, viewer);
    case RouteKind::kAudit:
      return AuditPage(request, viewer);
    case RouteKind::kAuditVerify: {
      auto check = data_->VerifyAudit(viewer);
      if (!check.ok()) return Refuse(request, *data_, check.error());
      nlohmann::json values = {
          {"ok", check->ok},
          {"failure", check->failure},
          {"entries", check->entries},
          {"checkpoints", check->checkpoints},
          {"last_signed_seq",
           check->last_signed_seq ? std::to_string(*check->last_signed_seq) : ""},
          {"unsigned_entries", check->unsigned_entries},
          {"no_checkpoint", check->checkpoints == 0}};
      return Html(200, RenderPage("audit_verify", values,
                                  Layout(viewer, *data_, "Audit verification", path)));
    }
    case RouteKind::kNone:
      break;
  }
  return Refuse(request, *data_, server::NotFoundProblem());
}

HttpResponse ConsoleHandler::ExplainPage(const HttpRequest& request, const Viewer& viewer) {
  const std::string title = "Policy explain";
  ExplainForm form;
  form.format = "compact";
  if (request.method == "POST") {
    Problem problem =
        server::MalformedRequestProblem("the explain form is not one this page takes");
    if (!request.Query().empty()) {
      problem.errors.push_back({"/query", "unknown", "the form's fields go in its body"});
      return Refuse(request, *data_, problem);
    }
    if (auto read = ReadForm(request.body,
                             {{"format", &form.format},
                              {"from", &form.from},
                              {"to", &form.to},
                              {"host_la", &form.host_la},
                              {"placing_la", &form.placing_la},
                              {"message", &form.message, kExplainMessageLimit}},
                             problem);
        !read.ok()) {
      return Refuse(request, *data_, read.error());
    }
  } else if (!request.Query().empty()) {
    Problem problem = server::MalformedRequestProblem("the explain page takes no query");
    problem.errors.push_back({"/query", "unknown", "explain with the form, which posts it"});
    return Refuse(request, *data_, problem);
  }
  nlohmann::json values = {{"from", form.from},
                           {"to", form.to},
                           {"host_la", form.host_la},
                           {"placing_la", form.placing_la},
                           {"is_compact", form.format == "compact"},
                           {"is_council_xml", form.format == "council-xml"},
                           {"is_rhi", form.format == "rhi"},
                           {"is_canonical", form.format == "canonical"},
                           {"explained", false}};
  if (request.method == "POST") {
    auto explained = data_->Explain(viewer, form);
    if (!explained.ok()) return Refuse(request, *data_, explained.error());
    const nlohmann::json& d = *explained;
    nlohmann::json fields = nlohmann::json::array();
    for (const auto& f : d.value("fields", nlohmann::json::array())) {
      std::string fate = f.value("fate", "");
      if (f.contains("mask")) fate += " (" + f.value("mask", "") + ")";
      if (f.contains("generalise")) fate += " (" + f.value("generalise", "") + ")";
      fields.push_back({{"pointer", f.value("pointer", "")},
                        {"fate", fate},
                        {"clause", f.value("clause", "")},
                        {"note", f.value("note", "")}});
    }
    const nlohmann::json withheld = d.value("withheld_at_redaction", nlohmann::json::array());
    values["explained"] = true;
    values["allowed"] = d.value("allowed", false);
    values["kind"] = d.value("kind", "");
    values["sender"] = d.value("sender", "");
    values["recipient"] = d.value("recipient", "");
    values["refusal"] = d.value("refusal", "");
    values["refusal_reason"] = d.value("refusal_reason", "");
    values["decided_at"] = d.value("decided_at", "");
    values["policy_set_hash"] = d.value("policy_set_hash", "");
    values["flows"] = d.value("flows", nlohmann::json::array());
    values["notes"] = d.value("notes", nlohmann::json::array());
    values["has_fields"] = !fields.empty();
    values["fields"] = std::move(fields);
    values["has_withheld"] = !withheld.empty();
    values["withheld"] = withheld;
  }
  return Html(200,
              RenderPage("explain", values, Layout(viewer, *data_, title, "/console/explain")));
}

HttpResponse ConsoleHandler::AuditPage(const HttpRequest& request, const Viewer& viewer) {
  const std::string title = "Audit search";
  nlohmann::json values = {{"agency_name", data_->AgencyName(viewer.agency_id)},
                           {"searched", false}};
  if (request.method == "GET") {
    if (!request.Query().empty()) {
      Problem problem = server::MalformedRequestProblem("the search page takes no query");
      problem.errors.push_back({"/query", "unknown", "search with the form, which posts it"});
      return Refuse(request, *data_, problem);
    }
    return Html(200, RenderPage("audit", values, Layout(viewer, *data_, title, "/console/audit")));
  }
  if (!request.Query().empty()) {
    Problem problem = server::MalformedRequestProblem("the search takes no query");
    problem.errors.push_back({"/query", "unknown", "the form's fields go in its body"});
    return Refuse(request, *data_, problem);
  }
  auto query = ParseAuditForm(request.body);
  if (!query.ok()) return Refuse(request, *data_, query.error());
  auto results = data_->SearchAudit(viewer, *query);
  if (!results.ok()) return Refuse(request, *data_, results.error());
  if (query->format == "csv") {
    // A file that looks complete must be: an export never stops short.
    if (results->truncated) {
      Problem problem = server::MalformedRequestProblem(
          "more disclosures match than an export holds; narrow the search, or run isagw audit "
          "subject on the gateway host");
      problem.errors.push_back({"/form", "too_many", "narrow the search"});
      return Refuse(request, *data_, problem);
    }
    HttpResponse response;
    response.headers.push_back({"Content-Type", "text/csv; charset=utf-8"});
    response.headers.push_back(
        {"Content-Disposition", "attachment; filename=\"isagw-audit-search.csv\""});
    response.body = audit::RenderCsv(results->disclosures);
    AddConsoleHeaders(response);
    return response;
  }
  nlohmann::json rows = nlohmann::json::array();
  auto fields = [](const auto& list) {
    std::string out;
    for (const auto& field : list) {
      if (!out.empty()) out += ", ";
      out += field.pointer + " (" + field.fate + ")";
    }
    return out;
  };
  for (const audit::SubjectDisclosure& d : results->disclosures) {
    rows.push_back({{"seq", std::to_string(d.seq)},
                    {"at", model::FormatTimestamp(d.at)},
                    {"sender", d.sender},
                    {"recipient", d.recipient},
                    {"event", d.event_kind},
                    // A clause names its ISA ("ISA-DERBY-2026 §3.1").
                    {"flow", d.flow.clause.starts_with(d.flow.isa_id + " ")
                                 ? d.flow.clause
                                 : d.flow.isa_id + " " + d.flow.clause},
                    {"sent", fields(d.fields_sent)},
                    {"withheld", fields(d.fields_withheld)}});
  }
  values["searched"] = true;
  values["count"] = std::to_string(rows.size());
  values["none"] = rows.empty();
  values["truncated"] = results->truncated;
  values["rows"] = std::move(rows);
  values["recipient"] = query->recipient;
  values["from"] = query->from;
  values["to"] = query->to;
  return Html(200, RenderPage("audit", values, Layout(viewer, *data_, title, "/console/audit")));
}

HttpResponse ConsoleHandler::AlertsPage(const HttpRequest& request, const Viewer& viewer) {
  auto actioned = QueryParameter(request.Query(), "actioned");
  if (!actioned.ok()) return Refuse(request, *data_, actioned.error());
  auto alerts = data_->Alerts(viewer);
  if (!alerts.ok()) return Refuse(request, *data_, alerts.error());
  nlohmann::json rows = nlohmann::json::array();
  for (const AlertView& a : *alerts) {
    const std::int64_t minutes = a.minutes_left;
    std::string status;
    if (a.status == "waiting") {
      status = "due in " + std::to_string(minutes) + (minutes == 1 ? " minute" : " minutes");
    } else if (a.status == "overdue") {
      status = "overdue by " + std::to_string(-minutes) + (minutes == -1 ? " minute" : " minutes");
    } else if (a.status == "escalated") {
      status = "escalated to " + a.escalated_to;
    } else {
      status = "unanswered: the sender was told";
    }
    rows.push_back({{"id", a.delivery_id},
                    {"message_id", a.message_id},
                    {"police_ref", a.police_ref},
                    {"kind", a.message_kind},
                    {"recipient_name", a.recipient_name},
                    {"delivery", a.delivery},
                    {"acknowledgement",
                     a.acknowledgement == "business" ? "an action" : "delivery or an action"},
                    // Coordinators read UK local time, as in their reports.
                    {"received_at", reports::UkDateTime(a.received_at)},
                    {"due_at", reports::UkDateTime(a.due_at)},
                    {"status", status},
                    {"late", a.status != "waiting"},
                    {"may_action", a.may_action}});
  }
  nlohmann::json values = {{"rows", rows},
                           {"empty", rows.empty()},
                           {"agency_name", data_->AgencyName(viewer.agency_id)},
                           {"actioned", ""}};
  if (*actioned && server::IsValidResourceId(**actioned)) values["actioned"] = **actioned;
  return Html(200, RenderPage("alerts", values,
                              Layout(viewer, *data_, "Alerts awaiting action", "/console/alerts")));
}

}  // namespace isagw::console
