#include "adapters/compact/csv_reader.h"

#include <utility>

#include "gateway/common/utf8.h"

namespace isagw::adapters::compact {

CsvReader::CsvReader(std::string_view text, Limits limits) : text_(text), limits_(limits) {}

Result<std::optional<CsvRow>, CsvError> CsvReader::Next() {
  if (pos_ >= text_.size()) return std::optional<CsvRow>{};
  ++row_;
  CsvRow row;
  row.number = row_;
  row.line = line_;
  const std::size_t start = pos_;
  auto fail = [&](std::string code, std::string reason) {
    return Fail(CsvError{row_, std::move(code), std::move(reason)});
  };
  const std::string row_name = "row " + std::to_string(row_);
  const std::size_t size = text_.size();
  bool quoted = false;  // whether the current cell was quoted

  while (true) {
    std::string cell;
    quoted = false;
    if (pos_ < size && text_[pos_] == '"') {
      quoted = true;
      const std::size_t opened_on = line_;
      ++pos_;
      while (true) {
        if (pos_ >= size) {
          return fail("syntax", row_name + ": a quoted field opened on line " +
                                    std::to_string(opened_on) + " is never closed");
        }
        const char c = text_[pos_];
        if (c == '"') {
          if (pos_ + 1 < size && text_[pos_ + 1] == '"') {
            cell.push_back('"');
            pos_ += 2;
            continue;
          }
          ++pos_;
          break;
        }
        if (c == '\n') ++line_;
        cell.push_back(c);
        ++pos_;
      }
      if (pos_ < size && text_[pos_] != ',' && text_[pos_] != '\r' && text_[pos_] != '\n') {
        return fail("syntax", row_name + ": unexpected character after a closing quote on line " +
                                  std::to_string(line_));
      }
    } else {
      while (pos_ < size && text_[pos_] != ',' && text_[pos_] != '\r' && text_[pos_] != '\n') {
        if (text_[pos_] == '"') {
          return fail("syntax", row_name + ": a quote inside an unquoted field on line " +
                                    std::to_string(line_));
        }
        cell.push_back(text_[pos_]);
        ++pos_;
      }
    }
    if (pos_ - start > limits_.max_row_bytes) {
      return fail("too_large",
                  row_name + " is longer than " + std::to_string(limits_.max_row_bytes) + " bytes");
    }
    if (HasControlCharacter(cell)) {
      return fail("control_character",
                  row_name +
                      ": a cell holds a control character (only tab and line breaks are "
                      "allowed)");
    }
    row.cells.push_back(std::move(cell));
    if (row.cells.size() > limits_.max_cells) {
      return fail("syntax",
                  row_name + " has more than " + std::to_string(limits_.max_cells) + " cells");
    }
    if (pos_ >= size) break;  // end of input ends the row
    const char delimiter = text_[pos_++];
    if (delimiter == ',') continue;
    if (delimiter == '\r') {
      if (pos_ >= size || text_[pos_] != '\n') {
        return fail("syntax", row_name + ": a carriage return without a line feed on line " +
                                  std::to_string(line_));
      }
      ++pos_;
    }
    ++line_;  // the delimiter was a line break
    break;
  }
  row.blank = row.cells.size() == 1 && !quoted && row.cells.front().empty();
  return std::optional<CsvRow>{std::move(row)};
}

}  // namespace isagw::adapters::compact
