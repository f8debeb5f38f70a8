// Encodes one Event as one police record: MISSING_REPORT, RISK_REVIEW,
// FOUND and CLOSED from the police kinds, INTELLIGENCE from rhi_recorded.
#pragma once

#include <nlohmann/json.hpp>

#include "gateway/common/field_error.h"
#include "gateway/common/result.h"
#include "gateway/model/event.h"

namespace isagw::adapters::compact {

// Fields in the export's order. Errors point into the canonical event.
Result<nlohmann::ordered_json, FieldErrors> EncodeRecord(const model::Event& event);

// The INTELLIGENCE record for an rhi_recorded event (intelligence_record.cc).
Result<nlohmann::ordered_json, FieldErrors> EncodeIntelligence(const model::Event& event);

// Shared by both record kinds: MisperForename, MisperSurname, MisperDOB,
// Gender, SelfDefinedEthnicity and NHSNumber from the child.
void PutChildIdentity(nlohmann::ordered_json& record, const model::Child& child,
                      FieldErrors& errors);

// Writes a record as compact JSON text; refuses invalid UTF-8 rather than
// throwing (pointer: the canonical field behind the column).
Result<std::string, FieldErrors> RecordText(const nlohmann::ordered_json& record);

}  // namespace isagw::adapters::compact
