#include "adapters/compact/record_encoder.h"

#include <string>

#include "adapters/common/validators.h"
#include "adapters/compact/compact_codes.h"
#include "adapters/compact/compact_fields.h"
#include "adapters/compact/police_time.h"
#include "adapters/compact/record_decoder.h"
#include "gateway/common/utf8.h"

namespace isagw::adapters::compact {
namespace {

using nlohmann::ordered_json;

std::string CanonicalPointer(std::string_view column) {
  for (const RecordField& f : kRecordFields) {
    if (f.name == column) return std::string(f.canonical);
  }
  for (const RecordField& f : kIntelligenceFields) {
    if (f.name == column) return std::string(f.canonical);
  }
  return "";
}

void Put(ordered_json& r, const char* field, const std::optional<std::string>& value) {
  if (value) r[field] = *value;
}

void Put(ordered_json& r, const char* field, const std::optional<model::Timestamp>& value) {
  if (value) r[field] = FormatPoliceDateTime(*value);
}

void Put(ordered_json& r, const char* field, const std::optional<bool>& value) {
  if (value) r[field] = *kYesNo.Name(*value);
}

template <typename E, std::size_t N>
void Put(ordered_json& r, const char* field, const std::optional<E>& value,
         const CodeMap<E, N>& codes) {
  if (!value) return;
  if (const auto code = codes.Name(*value)) r[field] = *code;
}

// A place as the police write it: the description, with the postcode
// appended when the description does not already end with it.
std::optional<std::string> PlaceText(const std::optional<model::Location>& place) {
  if (!place) return std::nullopt;
  if (!place->description) return place->postcode;
  if (place->postcode && FindPostcodeInText(*place->description) != place->postcode) {
    return *place->description + " " + *place->postcode;
  }
  return place->description;
}

}  // namespace

void PutChildIdentity(ordered_json& r, const model::Child& child, FieldErrors& errors) {
  Put(r, "MisperForename", child.forename);
  Put(r, "MisperSurname", child.surname);
  if (child.date_of_birth) r["MisperDOB"] = FormatPoliceDate(*child.date_of_birth);
  if (child.sex) {
    // The police codes have no "not stated": it travels as U (unknown).
    r["Gender"] = kGenders.Name(*child.sex).value_or("U");
  }
  if (child.ethnicity) {
    std::string_view code = child.ethnicity->code;
    if (child.ethnicity->scheme == model::EthnicityScheme::kDfE) {
      code = DfeToPoliceEthnicity(code);  // lossy: docs/formats/compact.md
    }
    if (code.empty()) {
      errors.push_back({"/child/ethnicity/code", "enum",
                        "the DfE ethnicity code has no police 16+1 counterpart"});
    } else {
      r["SelfDefinedEthnicity"] = code;
    }
  }
  Put(r, "NHSNumber", child.nhs_number);
}

Result<ordered_json, FieldErrors> EncodeRecord(const model::Event& event) {
  if (event.kind == model::EventKind::kRhiRecorded) return EncodeIntelligence(event);
  const auto type = kRecordTypes.Name(event.kind);
  if (!type) {
    return Fail(FieldErrors{{"/kind", "not_representable",
                             "the compact format carries only police records and RHI "
                             "intelligence"}});
  }
  const model::EpisodeFacts& e = event.episode;
  const model::Child& c = event.child;
  FieldErrors errors;
  ordered_json r = ordered_json::object();
  r["RecordType"] = *type;
  Put(r, "ForceCode", e.force_code);
  Put(r, "OccurrenceRef", e.police_ref);
  if (e.record_version) r["RecordVersion"] = *e.record_version;
  Put(r, "ReportedDateTime", e.reported_at);
  Put(r, "LastSeenDateTime", e.last_seen_at);
  Put(r, "FoundDateTime", e.found_at);
  Put(r, "SafeAndWellDateTime", e.safe_and_well_at);
  PutChildIdentity(r, c, errors);
  if (c.home) {
    Put(r, "HomeAddress", c.home->text);
    Put(r, "HomePostcode", c.home->postcode);
  }
  Put(r, "MissingFrom", e.missing_from, kMissingFrom);
  Put(r, "LookedAfter", c.looked_after, kAnswers);
  Put(r, "ResponsibleLA", c.responsible_la);
  if (e.risk) {
    r["RiskGrading"] = *kRiskGradings.Name(e.risk->level);
    Put(r, "RiskRationale", e.risk->rationale);
  }
  for (const auto& [concern, field] : kConcernFields.entries) {
    Put(r, std::string(field).c_str(), e.exploitation.For(concern));
  }
  Put(r, "Circumstances", e.circumstances);
  Put(r, "LastSeenLocation", PlaceText(e.last_seen_location));
  Put(r, "FoundLocation", PlaceText(e.found_location));
  Put(r, "FoundBy", e.found_by, kFoundBy);
  Put(r, "SafeAndWellCompleted", e.safe_and_well_completed);
  Put(r, "OfficerInCase", e.officer_in_case);
  if (e.previous_episodes) r["PreviousEpisodes"] = *e.previous_episodes;

  // Never send what we would refuse to receive: read the record back with
  // the decoder's rules (required fields, patterns, lengths, and times
  // that the repeated autumn hour would put out of order).
  auto check = DecodeRecord(nlohmann::json(r), RecordSyntax{});
  if (!check.ok()) {
    for (const FieldError& error : check.error()) {
      const std::string column = error.pointer.empty() ? "" : error.pointer.substr(1);
      errors.push_back(
          {CanonicalPointer(column), error.code, "in the compact record: " + error.reason});
    }
  }
  if (!errors.empty()) return Fail(std::move(errors));
  return r;
}

Result<std::string, FieldErrors> RecordText(const ordered_json& record) {
  for (const auto& [column, value] : record.items()) {
    if (value.is_string() && FindInvalidUtf8(value.get_ref<const std::string&>())) {
      return Fail(FieldErrors{{CanonicalPointer(column), "invalid_utf8",
                               "the value for " + column + " is not valid UTF-8"}});
    }
  }
  return record.dump();
}

}  // namespace isagw::adapters::compact
