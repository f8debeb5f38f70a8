// png_not_blank FILE.png MIN_NOT_WHITE MIN_COLOURS [RRGGBB:MIN_PIXELS...]
//
// Exits 0 only when the PNG has at least MIN_NOT_WHITE pixels visibly not
// white, at least MIN_COLOURS distinct colours, and each RRGGBB given on
// at least MIN_PIXELS pixels; prints what it found either way. For checking
// a screenshot shows a drawn page, not an empty or error one.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/reports/render/png_pixels.h"

namespace {

bool ParseNumber(std::string_view text, long& value, int base = 10) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  return ec == std::errc() && end == text.data() + text.size() && value >= 0;
}

std::string Hex(std::uint32_t rgb) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "#%06X", static_cast<unsigned>(rgb));
  return buffer;
}

}  // namespace

int main(int argc, char** argv) {
  long min_not_white = 0;
  long min_colours = 0;
  if (argc < 4 || !ParseNumber(argv[2], min_not_white) || !ParseNumber(argv[3], min_colours)) {
    std::cerr << "usage: png_not_blank FILE.png MIN_NOT_WHITE MIN_COLOURS [RRGGBB:MIN_PIXELS...]\n";
    return 2;
  }
  std::vector<std::pair<long, long>> needed;  // colour, pixels
  for (int i = 4; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const std::size_t colon = arg.find(':');
    long rgb = 0;
    long pixels = 0;
    if (colon != 6 || !ParseNumber(arg.substr(0, 6), rgb, 16) ||
        !ParseNumber(arg.substr(7), pixels)) {
      std::cerr << "png_not_blank: bad colour requirement '" << arg << "' (want RRGGBB:PIXELS)\n";
      return 2;
    }
    needed.emplace_back(rgb, pixels);
  }

  std::ifstream in(argv[1], std::ios::binary);
  const std::string png((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto summary = isagw::reports::testing::SummarizePng(png);
  if (!summary) {
    std::cerr << "png_not_blank: " << argv[1] << " is missing or not a PNG (" << png.size()
              << " bytes)\n";
    return 1;
  }

  std::vector<std::pair<long, std::uint32_t>> common;
  for (const auto& [rgb, count] : summary->colours) common.emplace_back(count, rgb);
  std::sort(common.rbegin(), common.rend());
  std::cout << argv[1] << ": " << summary->width << "x" << summary->height << ", "
            << summary->non_white << " pixels not white, " << summary->colours.size()
            << " colours besides white; most common:";
  for (std::size_t i = 0; i < common.size() && i < 8; ++i) {
    std::cout << " " << Hex(common[i].second) << " (" << common[i].first << ")";
  }
  std::cout << "\n";

  bool ok = true;
  if (summary->non_white < min_not_white) {
    std::cout << "FAIL: fewer than " << min_not_white << " pixels not white\n";
    ok = false;
  }
  if (static_cast<long>(summary->colours.size()) < min_colours) {
    std::cout << "FAIL: fewer than " << min_colours << " colours\n";
    ok = false;
  }
  for (const auto& [rgb, pixels] : needed) {
    const long found = summary->CountOf(static_cast<std::uint32_t>(rgb));
    std::cout << Hex(static_cast<std::uint32_t>(rgb)) << ": " << found << " pixels (want " << pixels
              << ")\n";
    if (found < pixels) ok = false;
  }
  if (!ok) std::cout << "FAIL: the image looks blank or unlike the page\n";
  return ok ? 0 : 1;
}
