#include "gateway/pipeline/episode_snapshot.h"

#include <nlohmann/json.hpp>

namespace isagw::pipeline {
namespace {

using nlohmann::json;

constexpr int kSnapshotVersion = 1;

std::optional<model::Timestamp> OptionalTime(const json& doc, const char* key, bool& ok) {
  const auto it = doc.find(key);
  if (it == doc.end()) return std::nullopt;
  if (!it->is_string()) {
    ok = false;
    return std::nullopt;
  }
  auto t = model::ParseRfc3339(it->get<std::string>());
  if (!t) ok = false;
  return t;
}

}  // namespace

std::string EpisodeToJson(const model::Episode& episode) {
  json doc = json::object();
  doc["v"] = kSnapshotVersion;
  doc["police_ref"] = episode.police_ref();
  doc["state"] = std::string(*model::kEpisodeStateNames.Name(episode.state()));
  doc["latest_record_version"] = episode.latest_record_version();
  json history = json::array();
  for (const model::RiskHistoryEntry& entry : episode.risk_history()) {
    json e = json::object();
    e["level"] = std::string(*model::kRiskLevelNames.Name(entry.assessment.level));
    if (entry.assessment.rationale) e["rationale"] = *entry.assessment.rationale;
    e["record_version"] = entry.record_version;
    if (entry.recorded_at) e["recorded_at"] = model::FormatTimestamp(*entry.recorded_at);
    history.push_back(std::move(e));
  }
  doc["risk_history"] = std::move(history);
  if (episode.missing_since()) doc["missing_since"] = model::FormatTimestamp(*episode.missing_since());
  if (episode.found_at()) doc["found_at"] = model::FormatTimestamp(*episode.found_at());
  return doc.dump();
}

Result<model::Episode, std::string> EpisodeFromJson(std::string_view text) {
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  const auto bad = [] { return Fail(std::string("the episode snapshot is not one the gateway wrote")); };
  if (!doc.is_object() || doc.value("v", 0) != kSnapshotVersion) return bad();
  if (!doc.contains("police_ref") || !doc["police_ref"].is_string()) return bad();
  if (!doc.contains("state") || !doc["state"].is_string()) return bad();
  if (!doc.contains("latest_record_version") || !doc["latest_record_version"].is_number_integer()) {
    return bad();
  }
  const auto state = model::kEpisodeStateNames.Find(doc["state"].get<std::string>());
  if (!state) return bad();
  bool ok = true;
  std::vector<model::RiskHistoryEntry> history;
  const auto it = doc.find("risk_history");
  if (it != doc.end()) {
    if (!it->is_array()) return bad();
    for (const json& e : *it) {
      if (!e.is_object() || !e.contains("level") || !e["level"].is_string() ||
          !e.contains("record_version") || !e["record_version"].is_number_integer()) {
        return bad();
      }
      const auto level = model::kRiskLevelNames.Find(e["level"].get<std::string>());
      if (!level) return bad();
      model::RiskHistoryEntry entry;
      entry.assessment.level = *level;
      if (e.contains("rationale")) {
        if (!e["rationale"].is_string()) return bad();
        entry.assessment.rationale = e["rationale"].get<std::string>();
      }
      entry.record_version = e["record_version"].get<int>();
      entry.recorded_at = OptionalTime(e, "recorded_at", ok);
      history.push_back(std::move(entry));
    }
  }
  const auto missing_since = OptionalTime(doc, "missing_since", ok);
  const auto found_at = OptionalTime(doc, "found_at", ok);
  if (!ok) return bad();
  return model::Episode::Restore(doc["police_ref"].get<std::string>(), *state,
                                 doc["latest_record_version"].get<int>(), std::move(history),
                                 missing_since, found_at);
}

}  // namespace isagw::pipeline
