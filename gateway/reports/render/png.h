// RenderSvgToPng: an SVG document drawn to PNG with librsvg and cairo, for
// a chart pasted into a document or sent where SVG is not shown.
#pragma once

#include <string>
#include <string_view>

#include "gateway/common/result.h"

namespace isagw::reports {

// Widest PNG drawn, and tallest: a bound on the memory one request takes.
inline constexpr int kMaxPngSidePx = 8000;

// The PNG bytes of `svg` drawn `width_px` wide (1 to kMaxPngSidePx), as
// tall as its aspect ratio makes it, on a white background. External
// resources are never loaded. The error says what failed, never what the
// SVG held.
Result<std::string, std::string> RenderSvgToPng(std::string_view svg, int width_px);

}  // namespace isagw::reports
