// A deterministic year of missing episodes, for the reports' golden tests
// and benchmarks: children in the example registry's areas who go missing
// (most once or twice, a few a dozen times), are found and interviewed,
// some of them placed by other councils. GenerateYear gives the canonical
// JSON messages the agencies would send, in the order the gateway receives
// them, and the truth the generator kept of its own model, so a test can
// compare what the gateway stored (and the reports show) with what really
// happened without reading anything back.
//
// Deterministic for a seed on every platform: std::mt19937_64 with the
// generator's own integer distributions (the standard distributions differ
// between standard libraries).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/model/time.h"

namespace isagw::reports::testing {

struct YearOptions {
  std::uint64_t seed = 20260401;
  model::Timestamp start = std::chrono::sys_days{std::chrono::year{2026} / 4 / 1};
  int days = 365;
  int children_per_area = 60;  // children who go missing, per host area
  // Host areas (agency ids of the example registry), each with its force:
  // la-derby (police-derbys), la-staffordshire and la-stoke (police-staffs),
  // la-croydon (police-met), la-nottingham (police-notts). Any other id is a
  // programming error (std::invalid_argument).
  std::vector<std::string> areas = {"la-derby", "la-staffordshire", "la-stoke", "la-croydon",
                                    "la-nottingham"};
};

struct GeneratedMessage {
  std::string sender;          // agency id from certs-example/registry.yaml
  std::string canonical_json;  // an isagw.canonical/1 document
  model::Timestamp received_at;
};

// One episode as the generator made it.
struct TruthEpisode {
  std::string police_ref;
  std::string child;       // the generator's child id ("C-derby-017"), also the
                           // council person id in placement notifications
  std::string host_la;     // agency id of the area the child was in
  std::string placing_la;  // agency id of the placing LA; empty when not placed from elsewhere
  bool looked_after = false;
  model::Timestamp missing_since;            // last seen
  std::optional<model::Timestamp> found_at;  // none: still missing at the end of the year
  bool closed = false;
  std::string risk;                      // the final level: "very_low", "low", "medium", "high"
  std::vector<std::string> risk_levels;  // every level graded, in order (consecutive levels differ)
  // "missing"/"away" where a council record stated it. The pipeline takes
  // no missing record from a council (docs/pipeline.md step a') and a
  // police report carries no M/A (docs/reports.md), so this is always empty.
  std::optional<std::string> missing_type;
  std::string last_seen_postcode;
  std::string last_seen_place;                // the location's description: a named place
  std::optional<std::string> found_postcode;  // none: found at home or placement, no postcode given
  std::string found_place;                    // empty when not found
  // "completed", "declined", "no_contact", "not_offered"; none: no RHI
  // record (not found, no provider commissioned, or none sent in the year).
  std::optional<std::string> rhi_outcome;
  std::optional<model::Timestamp> rhi_offered_at, rhi_completed_at;
};

struct GeneratedYear {
  std::vector<GeneratedMessage> messages;  // in received_at order
  std::vector<TruthEpisode> episodes;      // by missing_since, then police_ref
};

GeneratedYear GenerateYear(const YearOptions& options);

}  // namespace isagw::reports::testing
