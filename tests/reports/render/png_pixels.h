// What a PNG shows, counted, so a test can say a picture is not blank:
// its size, how many pixels are visibly not white and which colours it
// holds. Shared by the PNG tests and the png_not_blank tool.
#pragma once

#include <cairo.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string_view>

namespace isagw::reports::testing {

struct PngSummary {
  int width = 0;
  int height = 0;
  long non_white = 0;                     // some channel below 245 of 255
  std::map<std::uint32_t, long> colours;  // every colour but pure white: 0xRRGGBB -> pixels
  long CountOf(std::uint32_t rgb) const {
    const auto it = colours.find(rgb);
    return it == colours.end() ? 0 : it->second;
  }
};

namespace png_detail {
struct Reader {
  std::string_view rest;
};
inline cairo_status_t Read(void* closure, unsigned char* data, unsigned int length) {
  auto* reader = static_cast<Reader*>(closure);
  if (reader->rest.size() < length) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(data, reader->rest.data(), length);
  reader->rest.remove_prefix(length);
  return CAIRO_STATUS_SUCCESS;
}
struct SurfaceDestroy {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
}  // namespace png_detail

// Decodes `png` with cairo; nullopt when it is not a PNG cairo can read.
// Translucent pixels are counted as drawn over white.
inline std::optional<PngSummary> SummarizePng(std::string_view png) {
  png_detail::Reader reader{png};
  std::unique_ptr<cairo_surface_t, png_detail::SurfaceDestroy> surface(
      cairo_image_surface_create_from_png_stream(&png_detail::Read, &reader));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) return std::nullopt;
  const cairo_format_t format = cairo_image_surface_get_format(surface.get());
  if (format != CAIRO_FORMAT_ARGB32 && format != CAIRO_FORMAT_RGB24) return std::nullopt;
  cairo_surface_flush(surface.get());

  PngSummary summary;
  summary.width = cairo_image_surface_get_width(surface.get());
  summary.height = cairo_image_surface_get_height(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  const unsigned char* data = cairo_image_surface_get_data(surface.get());
  for (int y = 0; y < summary.height; ++y) {
    for (int x = 0; x < summary.width; ++x) {
      std::uint32_t pixel;
      std::memcpy(&pixel, data + static_cast<std::ptrdiff_t>(y) * stride + x * 4, 4);
      // Premultiplied alpha: over white each channel gains 255 - alpha.
      const std::uint32_t alpha = format == CAIRO_FORMAT_ARGB32 ? pixel >> 24 : 255;
      const std::uint32_t r = ((pixel >> 16) & 0xFF) + 255 - alpha;
      const std::uint32_t g = ((pixel >> 8) & 0xFF) + 255 - alpha;
      const std::uint32_t b = (pixel & 0xFF) + 255 - alpha;
      const std::uint32_t rgb = (r << 16) | (g << 8) | b;
      if (rgb == 0xFFFFFF) continue;
      ++summary.colours[rgb];
      if (r < 245 || g < 245 || b < 245) ++summary.non_white;
    }
  }
  return summary;
}

}  // namespace isagw::reports::testing
