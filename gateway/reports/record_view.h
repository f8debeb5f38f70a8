// RecordView: one stored record as a given agency may see it. A report is
// a disclosure like any other, so each record goes through the same ISA
// decision and redaction a copy to that agency would (pipeline/router.h
// for the roles, policy/engine.h, policy/redactor.h); a record the
// agency sent itself it sees whole. Records no flow lets it receive are
// not seen at all.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "gateway/model/time.h"
#include "gateway/pipeline/gateway_state.h"

namespace isagw::reports {

// The agencies of one episode, by id; empty when not known.
struct EpisodeAgencies {
  std::string host_la;
  std::string placing_la;
  std::string force;
};

class RecordView {
 public:
  // `state` must outlive the view. ISAs are judged as in force at `now`.
  RecordView(const pipeline::GatewayState& state, std::string viewer, model::Timestamp now);

  // The record as the viewer may see it, or nullopt.
  std::optional<nlohmann::json> See(const std::string& sender, const nlohmann::json& record,
                                    const EpisodeAgencies& agencies) const;

  const std::string& viewer() const { return viewer_; }

 private:
  const pipeline::GatewayState& state_;
  std::string viewer_;
  model::Timestamp now_;
};

}  // namespace isagw::reports
