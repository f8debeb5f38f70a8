// Helpers the reports share over ReportData: who a row is about, which
// interview answers an episode, and how times are shown.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "gateway/reports/report_data.h"
#include "gateway/reports/report_period.h"

namespace isagw::reports {

// The viewer is the episode's host or placing authority.
bool ResponsibleFor(const EpisodeRow& episode, std::string_view viewer);

// "host", "placing" or "host, placing".
std::string RoleOf(const EpisodeRow& episode, std::string_view viewer);

// The episode began in the period: what puts it in a month's figures.
bool BeganIn(const EpisodeRow& episode, const ReportPeriod& period);

// "Forename Surname" as the viewer may see it; "" when withheld.
std::string ChildName(const ChildDetails& details);

// The latest interview record of each episode, by police_ref.
std::map<std::string, const InterviewRow*, std::less<>> InterviewsByEpisode(const ReportData& data);

// Hours from `from` to `to`, whole, never negative.
long long WholeHours(model::Timestamp from, model::Timestamp to);

// Offered: the provider gave an offer date, or the child took it up or
// declined it. Accepted: completed (yes), declined (no), else unknown.
bool Offered(const InterviewRow& interview);
std::string AcceptedAnswer(const InterviewRow& interview);  // "Yes", "No", "Unknown"

// A percentage to one decimal place, "" when the base is zero.
std::string Percent(long long part, long long whole);

}  // namespace isagw::reports
