#include "adapters/compact/record_decoder.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "adapters/common/uk_time.h"
#include "adapters/common/validators.h"
#include "adapters/compact/compact_codes.h"
#include "adapters/compact/compact_fields.h"
#include "adapters/compact/police_time.h"
#include "gateway/common/utf8.h"

namespace isagw::adapters::compact {
namespace {

using nlohmann::json;

template <typename E, std::size_t N>
std::string CodeList(const CodeMap<E, N>& map) {
  std::string out;
  for (const auto& [value, name] : map.entries) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

bool IsForceCode(std::string_view text) {
  return text.size() >= 2 && text.size() <= 12 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// Reads typed values out of one record, recording every refusal.
class RecordReader {
 public:
  RecordReader(const json& record, RecordSyntax syntax) : record_(record), syntax_(syntax) {}

  FieldErrors& errors() { return errors_; }

  void Error(std::string_view field, std::string code, std::string reason) {
    errors_.push_back({JoinPointer("", std::string(field)), std::move(code), std::move(reason)});
  }

  [[nodiscard]] bool Present(std::string_view field) const { return record_.contains(field); }

  // A non-empty string of at most `max_chars` characters; nullopt when
  // absent or refused. `empty_is_absent`: "" means "not given".
  std::optional<std::string> Text(std::string_view field, std::size_t max_chars,
                                  bool empty_is_absent = false) {
    const auto it = record_.find(field);
    if (it == record_.end()) return std::nullopt;
    if (!it->is_string()) {
      Error(field, "type", std::string(field) + " must be a string");
      return std::nullopt;
    }
    const std::string& text = it->get_ref<const std::string&>();
    if (text.empty()) {
      if (!empty_is_absent) Error(field, "empty", std::string(field) + " must not be empty");
      return std::nullopt;
    }
    if (FindInvalidUtf8(text)) {
      Error(field, "invalid_utf8", std::string(field) + " is not valid UTF-8");
      return std::nullopt;
    }
    if (CountCodePoints(text) > max_chars) {
      Error(field, "too_long",
            std::string(field) + " is longer than " + std::to_string(max_chars) + " characters");
      return std::nullopt;
    }
    return text;
  }

  template <typename E, std::size_t N>
  std::optional<E> Code(std::string_view field, const CodeMap<E, N>& map) {
    const auto text = Text(field, 64);
    if (!text) return std::nullopt;
    const auto value = map.Find(*text);
    if (!value) Error(field, "enum", std::string(field) + " must be one of " + CodeList(map));
    return value;
  }

  std::optional<int> Integer(std::string_view field, std::int64_t min, std::int64_t max) {
    const auto it = record_.find(field);
    if (it == record_.end()) return std::nullopt;
    std::optional<std::int64_t> number;
    if (syntax_.integers_as_text && it->is_string()) {
      const std::string& text = it->get_ref<const std::string&>();
      if (text.empty()) return std::nullopt;  // an empty cell is an absent field
      if (FindInvalidUtf8(text)) {
        Error(field, "invalid_utf8", std::string(field) + " is not valid UTF-8");
        return std::nullopt;
      }
      std::int64_t parsed = 0;
      const char* end = text.data() + text.size();
      const auto [ptr, ec] = std::from_chars(text.data(), end, parsed);  // no '+', no spaces
      if (ptr == end && ec == std::errc()) {
        number = parsed;
      } else if (ptr == end && ec == std::errc::result_out_of_range) {
        // More digits than 64 bits hold: out of range, not the wrong type.
        number = text.front() == '-' ? std::numeric_limits<std::int64_t>::min()
                                     : std::numeric_limits<std::int64_t>::max();
      }
    } else if (it->is_number_unsigned()) {
      const std::uint64_t u = it->get<std::uint64_t>();
      number = u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                   ? std::numeric_limits<std::int64_t>::max()
                   : static_cast<std::int64_t>(u);
    } else if (it->is_number_integer()) {
      number = it->get<std::int64_t>();
    }
    if (!number) {
      Error(field, "type", std::string(field) + " must be an integer");
      return std::nullopt;
    }
    if (*number < min || *number > max) {
      Error(field, "range",
            std::string(field) + " must be between " + std::to_string(min) + " and " +
                std::to_string(max));
      return std::nullopt;
    }
    return static_cast<int>(*number);
  }

  std::optional<model::Timestamp> DateTime(std::string_view field) {
    const auto text = Text(field, 64);
    if (!text) return std::nullopt;
    const auto local = ParsePoliceLocalTime(*text);
    if (!local) {
      Error(field, "datetime",
            std::string(field) + " must be a real date and time as dd/mm/yyyy HH:MM");
      return std::nullopt;
    }
    auto utc = UkLocalToUtc(*local);
    if (!utc.ok()) {
      Error(field, "nonexistent_local_time",
            std::string(field) + " falls in the hour skipped when UK clocks go forward");
      return std::nullopt;
    }
    return *utc;
  }

  std::optional<model::Date> Date(std::string_view field) {
    const auto text = Text(field, 64);
    if (!text) return std::nullopt;
    const auto date = ParsePoliceDate(*text);
    if (!date) Error(field, "date", std::string(field) + " must be a real date as dd/mm/yyyy");
    return date;
  }

  std::optional<model::Location> Place(std::string_view field) {
    auto text = Text(field, kMaxPlaceChars);
    if (!text) return std::nullopt;
    model::Location place;
    place.postcode = FindPostcodeInText(*text);
    place.description = std::move(text);
    return place;
  }

 private:
  const json& record_;
  RecordSyntax syntax_;
  FieldErrors errors_;
};

void DecodeChild(RecordReader& in, model::Child& child) {
  child.forename = in.Text("MisperForename", kMaxNameChars);
  child.surname = in.Text("MisperSurname", kMaxNameChars);
  child.date_of_birth = in.Date("MisperDOB");
  child.sex = in.Code("Gender", kGenders);
  if (auto code = in.Text("SelfDefinedEthnicity", 64)) {
    if (IsPoliceEthnicityCode(*code)) {
      child.ethnicity = model::Ethnicity{model::EthnicityScheme::kPolice16Plus1, *code};
    } else {
      in.Error("SelfDefinedEthnicity", "enum",
               "SelfDefinedEthnicity must be a police 16+1 code such as W1 or NS");
    }
  }
  if (auto nhs = in.Text("NHSNumber", 64)) {
    const bool ten_digits = nhs->size() == 10 && std::all_of(nhs->begin(), nhs->end(), [](char c) {
                              return c >= '0' && c <= '9';
                            });
    if (!ten_digits) {
      in.Error("NHSNumber", "pattern", "NHSNumber must be 10 digits without spaces");
    } else if (!IsValidNhsNumber(*nhs)) {
      in.Error("NHSNumber", "nhs_checksum", "NHSNumber fails the modulus-11 check");
    } else {
      child.nhs_number = std::move(nhs);
    }
  }
  auto address = in.Text("HomeAddress", kMaxPlaceChars);
  std::optional<std::string> postcode;
  if (auto text = in.Text("HomePostcode", 64)) {
    postcode = NormalisePostcode(*text);
    if (!postcode) in.Error("HomePostcode", "postcode", "HomePostcode is not a UK postcode");
  } else if (address) {
    postcode = FindPostcodeInText(*address);
  }
  if (address || postcode) child.home = model::Address{std::move(address), std::move(postcode)};
  child.looked_after = in.Code("LookedAfter", kAnswers);
  if (auto la = in.Text("ResponsibleLA", 64, /*empty_is_absent=*/true)) {
    if (IsValidLaNumber(*la)) {
      child.responsible_la = std::move(la);
    } else {
      in.Error("ResponsibleLA", "la_number", "ResponsibleLA must be a 3-digit DfE LA number");
    }
  }
}

void DecodeEpisode(RecordReader& in, model::EpisodeFacts& episode) {
  if (auto force = in.Text("ForceCode", 64)) {
    if (IsForceCode(*force)) {
      episode.force_code = std::move(force);
    } else {
      in.Error("ForceCode", "pattern", "ForceCode must be 2 to 12 capital letters");
    }
  }
  if (auto ref = in.Text("OccurrenceRef", 64)) {
    if (IsValidOccurrenceRef(*ref)) {
      episode.police_ref = std::move(ref);
    } else {
      in.Error("OccurrenceRef", "pattern", "OccurrenceRef must look like DB/21/2026/004512");
    }
  }
  episode.record_version = in.Integer("RecordVersion", 1, std::numeric_limits<std::int32_t>::max());
  episode.reported_at = in.DateTime("ReportedDateTime");
  episode.last_seen_at = in.DateTime("LastSeenDateTime");
  episode.found_at = in.DateTime("FoundDateTime");
  episode.safe_and_well_at = in.DateTime("SafeAndWellDateTime");
  episode.missing_from = in.Code("MissingFrom", kMissingFrom);
  const auto level = in.Code("RiskGrading", kRiskGradings);
  auto rationale = in.Text("RiskRationale", kMaxNarrativeChars);
  if (level) episode.risk = model::RiskAssessment{*level, std::move(rationale)};
  for (const auto& [concern, field] : kConcernFields.entries) {
    episode.exploitation.For(concern) = in.Code(field, kYesNo);
  }
  episode.circumstances = in.Text("Circumstances", kMaxNarrativeChars);
  episode.last_seen_location = in.Place("LastSeenLocation");
  episode.found_location = in.Place("FoundLocation");
  episode.found_by = in.Code("FoundBy", kFoundBy);
  episode.safe_and_well_completed = in.Code("SafeAndWellCompleted", kYesNo);
  episode.officer_in_case = in.Text("OfficerInCase", kMaxNameChars);
  episode.previous_episodes =
      in.Integer("PreviousEpisodes", 0, std::numeric_limits<std::int32_t>::max());
}

// Fields a record of each type cannot do without (docs/formats/compact.md).
void CheckRequired(RecordReader& in, std::optional<model::EventKind> kind) {
  auto require = [&](std::string_view field, std::string_view why) {
    if (!in.Present(field)) {
      in.Error(field, "required", std::string(field) + " is required" + std::string(why));
    }
  };
  for (std::string_view field : {"RecordType", "ForceCode", "OccurrenceRef", "RecordVersion"}) {
    require(field, "");
  }
  if (!kind) return;
  switch (*kind) {
    case model::EventKind::kMissingReported:
      require("ReportedDateTime", " in a MISSING_REPORT record");
      require("LastSeenDateTime", " in a MISSING_REPORT record");
      break;
    case model::EventKind::kRiskReviewed:
      require("RiskGrading", " in a RISK_REVIEW record");
      break;
    case model::EventKind::kFound:
      require("FoundDateTime", " in a FOUND record");
      break;
    default:
      break;
  }
  if (in.Present("RiskRationale")) require("RiskGrading", " when RiskRationale is given");
}

void CheckConsistency(RecordReader& in, const model::EpisodeFacts& e) {
  if (e.found_at && e.last_seen_at && *e.found_at < *e.last_seen_at) {
    in.Error("FoundDateTime", "inconsistent", "FoundDateTime is before LastSeenDateTime");
  }
  if (e.safe_and_well_at && e.found_at && *e.safe_and_well_at < *e.found_at) {
    in.Error("SafeAndWellDateTime", "inconsistent", "SafeAndWellDateTime is before FoundDateTime");
  }
  if (e.safe_and_well_at && e.safe_and_well_completed == false) {
    in.Error("SafeAndWellCompleted", "inconsistent",
             "SafeAndWellCompleted is N but SafeAndWellDateTime is given");
  }
}

}  // namespace

Result<Decoded, FieldErrors> DecodeRecord(const nlohmann::json& record, RecordSyntax syntax) {
  if (!record.is_object()) {
    return Fail(FieldErrors{{"", "type", "a record must be a JSON object"}});
  }
  RecordReader in(record, syntax);
  Decoded out;
  model::Event& event = out.event;

  std::optional<model::EventKind> kind;
  if (auto type = in.Text("RecordType", 64)) {
    if (*type == kIntelligence) {
      // Only ever sent to police; accepting one would let a sender forge
      // intelligence "from" a provider.
      return Fail(FieldErrors{{"/RecordType", "enum", "INTELLIGENCE records only flow to police"}});
    }
    kind = kRecordTypes.Find(*type);
    if (!kind) {
      in.Error("RecordType", "enum",
               "RecordType must be one of MISSING_REPORT, RISK_REVIEW, FOUND, CLOSED");
    }
  }
  event.kind = kind.value_or(model::EventKind::kMissingReported);
  DecodeEpisode(in, event.episode);
  DecodeChild(in, event.child);

  for (const auto& [key, value] : record.items()) {
    if (FindRecordField(key)) continue;
    if (syntax.lenient) {
      out.dropped_fields.push_back(JoinPointer("", key));
    } else {
      in.Error(key, "unknown_field", "the field is not part of the compact format");
    }
  }
  CheckRequired(in, kind);
  CheckConsistency(in, event.episode);
  if (auto fault = CheckBirthDate(event)) {
    in.Error("MisperDOB", std::string(fault->code), "MisperDOB " + std::string(fault->reason));
  }

  if (!in.errors().empty()) {
    // Report in the export's field order, whatever order the checks ran in.
    auto rank = [](const FieldError& e) {
      const std::string_view name = std::string_view(e.pointer).substr(e.pointer.empty() ? 0 : 1);
      for (std::size_t i = 0; i < kRecordFields.size(); ++i) {
        if (kRecordFields[i].name == name) return i;
      }
      return kRecordFields.size();
    };
    std::stable_sort(in.errors().begin(), in.errors().end(),
                     [&](const FieldError& a, const FieldError& b) { return rank(a) < rank(b); });
    return Fail(std::move(in.errors()));
  }
  return out;
}

}  // namespace isagw::adapters::compact
