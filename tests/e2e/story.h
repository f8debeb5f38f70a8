// The example story both end-to-end suites tell: Derby police report a
// child looked after by Staffordshire (ResponsibleLA 860) and placed in
// Derby (DE22) missing, then found; Derby's commissioned provider
// (Brighter Futures) holds the return home interview. The child's names
// and the circumstances are distinctive words, so any leak into logs,
// metrics or the audit is found by search.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/common/temp_dir.h"

namespace isagw::e2e {

inline constexpr const char* kCompact = "application/vnd.isagw.compact+json";
inline constexpr const char* kRhi = "application/vnd.isagw.rhi+json";
inline constexpr const char* kCouncilXml = "application/vnd.isagw.council+xml";

// Polls `condition` until it holds or 20 s pass; the bound is only so a
// broken gateway fails a test instead of hanging it, never a timing check.
inline bool WaitUntil(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return condition();
}

inline constexpr const char* kRef = "DB/21/2026/004512";
// Distinctive, so that a leak anywhere is found by searching for them.
inline constexpr const char* kForename = "Quillonbrae";
inline constexpr const char* kSurname = "Vexmortain";
inline constexpr const char* kCircumstances = "Marzipan-Lighthouse-Seventeen";
inline constexpr const char* kNhsNumber = "9434765919";
// The family home: the placing council's agreement keeps it from them.
inline constexpr const char* kHomeText = "Oakfield House, 1 Sample Road, Derby";

inline nlohmann::json ReadExample(const std::string& relative) {
  return nlohmann::json::parse(
      testing::ReadText(std::filesystem::path(ISAGW_SOURCE_DIR) / relative));
}

// Derby police: the child looked after by Staffordshire, placed in Derby.
inline nlohmann::json DerbyMissing(int version = 1) {
  nlohmann::json r = ReadExample("docs/examples/compact/missing-report.json");
  r["ForceCode"] = "DERBYS";
  r["OccurrenceRef"] = kRef;
  r["RecordVersion"] = version;
  r["ReportedDateTime"] = "22/11/2026 23:20";
  r["LastSeenDateTime"] = "22/11/2026 21:45";
  r["MisperForename"] = kForename;
  r["MisperSurname"] = kSurname;
  r["NHSNumber"] = kNhsNumber;
  r["HomeAddress"] = kHomeText;
  r["HomePostcode"] = "DE22 3AB";
  r["ResponsibleLA"] = "860";
  r["Circumstances"] = kCircumstances;
  r["LastSeenLocation"] = "Outside the Westfield centre, Derby";
  return r;
}

inline nlohmann::json DerbyRiskReview(int version, const std::string& grading) {
  nlohmann::json r = DerbyMissing(version);
  r["RecordType"] = "RISK_REVIEW";
  r["RiskGrading"] = grading;
  return r;
}

inline nlohmann::json DerbyFound(int version = 2) {
  nlohmann::json r = DerbyMissing(version);
  r["RecordType"] = "FOUND";
  r["FoundDateTime"] = "23/11/2026 06:30";
  r["FoundLocation"] = "Derby bus station DE1 2AB";
  r["FoundBy"] = "POLICE";
  return r;
}

inline nlohmann::json ProviderInterview() {
  nlohmann::json r = ReadExample("docs/examples/rhi/full.json");
  r["police_reference"] = kRef;
  r["child"]["first_name"] = kForename;
  r["child"]["last_name"] = kSurname;
  return r;
}

}  // namespace isagw::e2e
