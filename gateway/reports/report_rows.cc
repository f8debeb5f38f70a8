#include "gateway/reports/report_rows.h"

#include <chrono>
#include <cstdio>

namespace isagw::reports {

bool ResponsibleFor(const EpisodeRow& episode, std::string_view viewer) {
  return !viewer.empty() && (episode.host_la == viewer || episode.placing_la == viewer);
}

std::string RoleOf(const EpisodeRow& episode, std::string_view viewer) {
  std::string role;
  if (episode.host_la == viewer) role = "host";
  if (episode.placing_la == viewer) role += role.empty() ? "placing" : ", placing";
  return role;
}

bool BeganIn(const EpisodeRow& episode, const ReportPeriod& period) {
  return episode.missing_since >= period.from && episode.missing_since < period.to;
}

std::string ChildName(const ChildDetails& details) {
  if (details.forename.empty()) return details.surname;
  if (details.surname.empty()) return details.forename;
  return details.forename + " " + details.surname;
}

std::map<std::string, const InterviewRow*, std::less<>> InterviewsByEpisode(
    const ReportData& data) {
  std::map<std::string, const InterviewRow*, std::less<>> latest;
  for (const InterviewRow& interview : data.interviews) {  // in received order
    for (const std::string& ref : interview.police_refs) latest[ref] = &interview;
  }
  return latest;
}

long long WholeHours(model::Timestamp from, model::Timestamp to) {
  if (to <= from) return 0;
  return std::chrono::duration_cast<std::chrono::hours>(to - from).count();
}

bool Offered(const InterviewRow& interview) {
  return interview.offered_at.has_value() || interview.outcome == "completed" ||
         interview.outcome == "declined";
}

std::string AcceptedAnswer(const InterviewRow& interview) {
  if (interview.outcome == "completed") return "Yes";
  if (interview.outcome == "declined") return "No";
  return "Unknown";
}

std::string Percent(long long part, long long whole) {
  if (whole <= 0) return "";
  char text[16];
  std::snprintf(text, sizeof text, "%.1f",
                100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return text;
}

}  // namespace isagw::reports
