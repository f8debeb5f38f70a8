// CsvReader: a small, strict RFC 4180 reader for batch uploads.
//
// Accepted: fields separated by commas; rows ended by CRLF or LF; fields
// in double quotes may hold commas, line breaks and doubled quotes ("").
// Refused: a quote inside an unquoted field, anything but a comma or line
// break after a closing quote, an unterminated quoted field, a bare CR
// outside quotes, rows over a byte or cell limit. The reader cannot guess
// where a row ends after a syntax error, so the first one ends the read.
//
// Cells are returned as raw bytes; checking UTF-8 is the caller's job
// (a comma, quote or line break never occurs inside a multi-byte UTF-8
// sequence, so splitting first is safe).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/result.h"

namespace isagw::adapters::compact {

struct CsvRow {
  std::size_t number = 0;  // 1-based: the first row (a header, if any) is row 1
  std::size_t line = 0;    // 1-based physical line where the row starts
  std::vector<std::string> cells;
  // True for an empty line: a single unquoted empty cell.
  bool blank = false;
};

struct CsvError {
  std::size_t row = 0;  // the row being read when the error was found
  std::string code;     // "syntax" or "too_large"
  std::string reason;   // positions only, never cell content
};

class CsvReader {
 public:
  struct Limits {
    std::size_t max_row_bytes = 256 * 1024;
    std::size_t max_cells = 1000;
  };

  CsvReader(std::string_view text, Limits limits);

  // The next row, nullopt at the end of the input, or the error that
  // stopped the read. A line break after the last row does not start
  // another row.
  Result<std::optional<CsvRow>, CsvError> Next();

  // Tightens the cell limit, e.g. to the header's width once it is known.
  void set_max_cells(std::size_t max_cells) { limits_.max_cells = max_cells; }

 private:
  std::string_view text_;
  Limits limits_;
  std::size_t pos_ = 0;
  std::size_t row_ = 0;
  std::size_t line_ = 1;
};

}  // namespace isagw::adapters::compact
