// CSV batches: a header row naming the columns, then one record per row
// (docs/formats/compact.md, "Batches"). Every cell is text; an empty cell
// is an absent field.
#include <set>
#include <string>

#include "adapters/compact/batch_errors.h"
#include "adapters/compact/compact.h"
#include "adapters/compact/compact_fields.h"
#include "adapters/compact/csv_reader.h"
#include "adapters/compact/csv_writer.h"
#include "adapters/compact/record_decoder.h"
#include "adapters/compact/record_encoder.h"
#include "gateway/common/utf8.h"

namespace isagw::adapters::compact {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::size_t kMaxColumns = 200;

FieldError RowError(std::size_t row, const std::string& token, std::string code,
                    std::string reason) {
  std::string pointer = "/" + std::to_string(row);
  if (!token.empty()) pointer = JoinPointer(pointer, token);
  return {std::move(pointer), std::move(code), std::move(reason)};
}

// The header's columns; an unknown column a lenient sender may use is
// kept with `known` false so its cells can be dropped and listed.
struct Column {
  std::string name;
  bool known = false;
};

Result<std::vector<Column>, FieldErrors> ReadHeader(const CsvRow& header, bool lenient) {
  FieldErrors errors;
  std::vector<Column> columns;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < header.cells.size(); ++i) {
    const std::string& name = header.cells[i];
    const std::string position = "column " + std::to_string(i + 1);
    if (FindInvalidUtf8(name)) {
      errors.push_back(RowError(1, "", "invalid_utf8", position + "'s name is not valid UTF-8"));
    } else if (name.empty()) {
      errors.push_back(RowError(1, "", "empty", position + " has no name"));
    } else if (!seen.insert(name).second) {
      errors.push_back(RowError(1, name, "duplicate_key", "the column appears more than once"));
    } else if (!FindRecordField(name) && !lenient) {
      errors.push_back(
          RowError(1, name, "unknown_field", "the column is not part of the compact format"));
    }
    columns.push_back({name, FindRecordField(name).has_value()});
  }
  if (!errors.empty()) return Fail(std::move(errors));
  return columns;
}

}  // namespace

Result<std::vector<Decoded>, FieldErrors> DecodeCsv(std::string_view bytes,
                                                    const DecodeOptions& options,
                                                    const BatchLimits& batch) {
  if (bytes.size() > batch.max_bytes) {
    return Fail(
        FieldErrors{{"", "too_large",
                     "the batch is larger than " + std::to_string(batch.max_bytes) + " bytes"}});
  }
  // Spreadsheets often start UTF-8 CSV with a byte order mark.
  if (bytes.substr(0, kUtf8Bom.size()) == kUtf8Bom) bytes.remove_prefix(kUtf8Bom.size());

  CsvReader reader(bytes, {options.limits.max_bytes, kMaxColumns});
  auto header = reader.Next();
  if (!header.ok()) {
    return Fail(
        FieldErrors{RowError(header.error().row, "", header.error().code, header.error().reason)});
  }
  if (!header->has_value() || (*header)->blank) {
    return Fail(FieldErrors{{"", "empty", "the batch has no header row"}});
  }
  auto columns = ReadHeader(**header, options.lenient);
  if (!columns.ok()) return Fail(std::move(columns).error());
  reader.set_max_cells(columns->size());

  BatchErrors errors(batch.max_errors);
  std::vector<Decoded> out;
  std::size_t records = 0;
  std::size_t first_blank = 0;  // the first blank row since the last record
  const RecordSyntax syntax{.integers_as_text = true, .lenient = options.lenient};
  while (true) {
    auto next = reader.Next();
    if (!next.ok()) {
      const CsvError& e = next.error();
      errors.Add(RowError(e.row, "", e.code, e.reason));
      break;  // after a syntax error the rest cannot be read reliably
    }
    if (!next->has_value()) break;
    const CsvRow& row = **next;
    if (row.blank) {
      if (first_blank == 0) first_blank = row.number;
      continue;
    }
    if (first_blank != 0) {
      if (!errors.Add(RowError(first_blank, "", "empty", "a blank line inside the batch"))) break;
      first_blank = 0;
    }
    if (++records > batch.max_records) {
      return Fail(FieldErrors{
          {"", "too_large",
           "the batch holds more than " + std::to_string(batch.max_records) + " records"}});
    }
    if (row.cells.size() != columns->size()) {
      if (!errors.Add(RowError(row.number, "", "syntax",
                               "row " + std::to_string(row.number) + " has " +
                                   std::to_string(row.cells.size()) + " cells; the header has " +
                                   std::to_string(columns->size())))) {
        break;
      }
      continue;
    }
    nlohmann::json record = nlohmann::json::object();
    std::vector<std::string> dropped;
    for (std::size_t i = 0; i < row.cells.size(); ++i) {
      if (row.cells[i].empty()) continue;  // an empty cell is an absent field
      const Column& column = (*columns)[i];
      if (column.known) {
        record[column.name] = row.cells[i];
      } else {
        dropped.push_back(JoinPointer("/" + std::to_string(row.number), column.name));
      }
    }
    auto decoded = DecodeRecord(record, syntax);
    if (!decoded.ok()) {
      if (!errors.Add(row.number, decoded.error())) break;
      continue;
    }
    decoded->dropped_fields = std::move(dropped);
    out.push_back(std::move(decoded).value());
  }
  if (!errors.empty()) return Fail(errors.Take());
  if (out.empty()) return Fail(FieldErrors{{"", "empty", "the batch holds no records"}});
  return out;
}

Result<std::string, FieldErrors> EncodeCsv(const std::vector<model::Event>& events) {
  if (events.empty()) return Fail(FieldErrors{{"", "empty", "there are no events to encode"}});
  FieldErrors errors;
  std::vector<nlohmann::ordered_json> records;
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto record = EncodeRecord(events[i]);
    if (!record.ok()) {
      for (const FieldError& e : record.error()) {
        errors.push_back({"/" + std::to_string(i) + e.pointer, e.code, e.reason});
      }
      continue;
    }
    records.push_back(std::move(record).value());
  }
  if (!errors.empty()) return Fail(std::move(errors));

  // The columns any record uses, in the format's order: police record
  // fields first, then the INTELLIGENCE-only ones.
  std::vector<std::string> header;
  auto use = [&](std::string_view name) {
    for (const std::string& h : header) {
      if (h == name) return;
    }
    for (const auto& r : records) {
      if (r.contains(name)) {
        header.emplace_back(name);
        return;
      }
    }
  };
  for (const RecordField& f : kRecordFields) use(f.name);
  for (const RecordField& f : kIntelligenceFields) use(f.name);

  std::string out = CsvRowText(header);
  for (std::size_t i = 0; i < records.size(); ++i) {
    auto text = RecordText(records[i]);  // refuses invalid UTF-8
    if (!text.ok()) {
      for (const FieldError& e : text.error()) {
        errors.push_back({"/" + std::to_string(i) + e.pointer, e.code, e.reason});
      }
      continue;
    }
    std::vector<std::string> cells;
    for (const std::string& column : header) {
      const auto it = records[i].find(column);
      if (it == records[i].end()) {
        cells.emplace_back();
      } else if (it->is_string()) {
        cells.push_back(it->get<std::string>());
      } else {
        cells.push_back(it->dump());  // RecordVersion, PreviousEpisodes
      }
    }
    out += CsvRowText(cells);
  }
  if (!errors.empty()) return Fail(std::move(errors));
  return out;
}

}  // namespace isagw::adapters::compact
