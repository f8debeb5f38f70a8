// Writes CSV rows as RFC 4180 says: CRLF line ends, and a cell in double
// quotes (its quotes doubled) when it holds a comma, quote or line break.
#pragma once

#include <string>
#include <vector>

namespace isagw::adapters::compact {

// One row, ending in CRLF.
std::string CsvRowText(const std::vector<std::string>& cells);

}  // namespace isagw::adapters::compact
