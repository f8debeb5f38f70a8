// NDJSON batches: one record per line (docs/formats/compact.md, "Batches").
#include <string>

#include "adapters/compact/batch_errors.h"
#include "adapters/compact/compact.h"
#include "adapters/compact/record_decoder.h"
#include "gateway/common/strict_json.h"

namespace isagw::adapters::compact {
namespace {

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

struct Line {
  std::size_t number;
  std::string_view text;
};

}  // namespace

Result<std::vector<Decoded>, FieldErrors> DecodeNdjson(std::string_view bytes,
                                                       const DecodeOptions& options,
                                                       const BatchLimits& batch) {
  if (bytes.size() > batch.max_bytes) {
    return Fail(
        FieldErrors{{"", "too_large",
                     "the batch is larger than " + std::to_string(batch.max_bytes) + " bytes"}});
  }
  BatchErrors errors(batch.max_errors);
  std::vector<Line> lines;
  std::size_t number = 0;
  std::size_t first_blank = 0;  // the first blank line since the last record
  for (std::size_t pos = 0; pos < bytes.size();) {
    std::size_t end = bytes.find('\n', pos);
    if (end == std::string_view::npos) end = bytes.size();
    const std::string_view text = bytes.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    if (IsBlank(text)) {
      if (first_blank == 0) first_blank = number;
      continue;
    }
    if (first_blank != 0) {
      // Blank lines are allowed only at the end: inside a batch they hint
      // at a file cut and pasted together.
      errors.Add({"/" + std::to_string(first_blank), "empty", "a blank line inside the batch"});
      first_blank = 0;
    }
    if (lines.size() == batch.max_records) {
      return Fail(FieldErrors{
          {"", "too_large",
           "the batch holds more than " + std::to_string(batch.max_records) + " records"}});
    }
    lines.push_back({number, text});
  }
  if (lines.empty()) {
    return Fail(FieldErrors{{"", "empty", "the batch holds no records"}});
  }

  std::vector<Decoded> out;
  out.reserve(lines.size());
  const RecordSyntax syntax{.integers_as_text = false, .lenient = options.lenient};
  for (const Line& line : lines) {
    auto parsed = ParseStrictJson(line.text, options.limits);
    if (!parsed.ok()) {
      if (!errors.Add(line.number, parsed.error())) break;
      continue;
    }
    auto decoded = DecodeRecord(*parsed, syntax);
    if (!decoded.ok()) {
      if (!errors.Add(line.number, decoded.error())) break;
      continue;
    }
    PlaceDroppedFields(line.number, decoded->dropped_fields);
    out.push_back(std::move(decoded).value());
  }
  if (!errors.empty()) return Fail(errors.Take());
  return out;
}

Result<std::string, FieldErrors> EncodeNdjson(const std::vector<model::Event>& events) {
  if (events.empty()) return Fail(FieldErrors{{"", "empty", "there are no events to encode"}});
  FieldErrors errors;
  std::string out;
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto text = Encode(events[i]);
    if (!text.ok()) {
      for (const FieldError& e : text.error()) {
        errors.push_back({"/" + std::to_string(i) + e.pointer, e.code, e.reason});
      }
      continue;
    }
    out += *text;
    out.push_back('\n');
  }
  if (!errors.empty()) return Fail(std::move(errors));
  return out;
}

}  // namespace isagw::adapters::compact
