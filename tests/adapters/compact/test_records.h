// Records and helpers shared by the compact adapter's tests.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "adapters/compact/compact.h"
#include "tests/common/field_errors_text.h"

namespace isagw::adapters::compact::testing {

// The example from docs/formats.md section 1: a valid MISSING_REPORT.
inline nlohmann::json FormatsExample() {
  return nlohmann::json::parse(R"({"RecordType":"MISSING_REPORT","ForceCode":"DERBYS",
    "OccurrenceRef":"DB/21/2026/004512","RecordVersion":1,
    "ReportedDateTime":"22/11/2026 21:40","LastSeenDateTime":"22/11/2026 19:05",
    "MisperForename":"Alex","MisperSurname":"Example","MisperDOB":"04/05/2010","Gender":"M",
    "MissingFrom":"RESIDENTIAL","LookedAfter":"Y","ResponsibleLA":"860","RiskGrading":"HIGH",
    "RiskRationale":"Previous CCE concerns","CCEConcern":"Y","CSEConcern":"N",
    "LastSeenLocation":"Derby Bus Station DE1 2AY",
    "Circumstances":"Left the home after an argument","HomePostcode":"DE22 3AB",
    "OfficerInCase":"PC 1234"})");
}

// A change to a record: the field's raw JSON value, or kRemove.
struct Change {
  std::string field;
  std::string raw;
};
inline const std::string kRemove = "<remove>";

// `base` with `changes` applied, as text. A raw value is written as given,
// so it may be invalid JSON, or repeat a key already in the record.
inline std::string Apply(nlohmann::json base, const std::vector<Change>& changes) {
  std::string extra;
  for (const Change& c : changes) {
    base.erase(c.field);
  }
  for (const Change& c : changes) {
    if (c.raw == kRemove) continue;
    extra += "," + nlohmann::json(c.field).dump() + ":" + c.raw;
  }
  std::string text = base.dump();
  text.insert(text.size() - 1, extra);
  return text;
}

inline std::string Quoted(const std::string& s) { return nlohmann::json(s).dump(); }

using ::isagw::testing::Describe;

// The events of a decoded batch; a refused batch fails the test.
inline std::vector<model::Event> Events(const Result<std::vector<Decoded>, FieldErrors>& decoded) {
  std::vector<model::Event> out;
  if (!decoded.ok()) {
    ADD_FAILURE() << Describe(decoded.error());
    return out;
  }
  for (const Decoded& d : *decoded) out.push_back(d.event);
  return out;
}

// The single error of a refused result (fails the test otherwise).
template <typename T>
FieldError OnlyError(const Result<T, FieldErrors>& result) {
  if (result.ok()) {
    ADD_FAILURE() << "accepted, but an error was expected";
    return {};
  }
  EXPECT_EQ(result.error().size(), 1u) << Describe(result.error());
  return result.error().front();
}

}  // namespace isagw::adapters::compact::testing
