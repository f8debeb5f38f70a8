// Text from report data made safe to place in HTML or SVG. Agency names,
// hot-spot names and table cells come from councils and police systems:
// none of it may become markup, and one stray byte must not make a chart
// unreadable to an XML parser.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace isagw::reports {

// `text` as HTML/XML character data or a quoted attribute value: & < > " '
// become references; bytes that are not valid UTF-8, and characters XML
// forbids (C0 controls other than tab, LF and CR; U+FFFE, U+FFFF), become
// U+FFFD.
std::string EscapeMarkup(std::string_view text);

// `text` cut to at most `max_chars` characters (code points, never split),
// the last being "…" when anything was cut. Not escaped; invalid UTF-8 is
// replaced as in EscapeMarkup.
std::string Abbreviate(std::string_view text, std::size_t max_chars);

}  // namespace isagw::reports
