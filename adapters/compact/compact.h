// The police "Compact-style" missing-person format (docs/formats/compact.md):
// one flat JSON record per event (application/vnd.isagw.compact+json), or
// batches of the same records as NDJSON (application/x-ndjson) or CSV with
// the record's field names as columns (text/csv).
//
// Police send MISSING_REPORT, RISK_REVIEW, FOUND and CLOSED records; the
// gateway sends those on, plus INTELLIGENCE records made from return home
// interviews. INTELLIGENCE only flows to police, so Decode refuses it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.h"
#include "gateway/common/field_error.h"
#include "gateway/common/result.h"
#include "gateway/model/event.h"

namespace isagw::adapters::compact {

inline constexpr std::string_view kRecordMediaType = "application/vnd.isagw.compact+json";
inline constexpr std::string_view kNdjsonMediaType = "application/x-ndjson";
inline constexpr std::string_view kCsvMediaType = "text/csv";

// One record. Field errors point into the record ("/NHSNumber").
Result<Decoded, FieldErrors> Decode(std::string_view bytes, const DecodeOptions& options);
// One event as one record. Refuses kinds the format cannot carry
// (not_representable) and events it would write as a record the decoder
// refuses; errors point into the canonical event ("/episode/police_ref").
Result<std::string, FieldErrors> Encode(const model::Event& event);

// Batches are all-or-nothing: one bad record refuses the whole batch, and
// the errors of every record are returned, each pointer prefixed with the
// record's place: "/3/NHSNumber" is NDJSON line 3, or CSV row 3 counting
// the header as row 1. Batch-wide errors have an empty pointer.
struct BatchLimits {
  std::size_t max_bytes = 16 * 1024 * 1024;  // the whole batch
  std::size_t max_records = 10'000;
  std::size_t max_errors = 1'000;  // then one "too_many_errors" and stop
};
// Each NDJSON line and each CSV row must also fit DecodeOptions::limits.
Result<std::vector<Decoded>, FieldErrors> DecodeNdjson(std::string_view bytes,
                                                       const DecodeOptions& options,
                                                       const BatchLimits& batch = {});
Result<std::vector<Decoded>, FieldErrors> DecodeCsv(std::string_view bytes,
                                                    const DecodeOptions& options,
                                                    const BatchLimits& batch = {});

// Events as a batch: NDJSON lines ending in LF; CSV with CRLF line ends
// and a header naming the columns any record uses, in the format's order.
// Errors point into the events as a JSON array ("/0/episode/police_ref").
Result<std::string, FieldErrors> EncodeNdjson(const std::vector<model::Event>& events);
Result<std::string, FieldErrors> EncodeCsv(const std::vector<model::Event>& events);

}  // namespace isagw::adapters::compact
