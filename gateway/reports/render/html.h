// RenderHtml: one report run as a self-contained HTML5 page: its title,
// agency, period and time of generation, the notes, every chart (inline
// SVG) and every table. The page refers to nothing outside itself (no
// fonts, scripts, images or URLs) and its Content-Security-Policy lets a
// browser load nothing else, so it reads the same mailed, archived or
// opened offline. Every string from the document is escaped.
#pragma once

#include <string>

#include "gateway/reports/report_document.h"

namespace isagw::reports {

std::string RenderHtml(const ReportDocument& document);

}  // namespace isagw::reports
