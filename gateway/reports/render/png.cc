#include "gateway/reports/render/png.h"

#include <cairo.h>
#include <librsvg/rsvg.h>

#include <algorithm>
#include <cmath>
#include <memory>

namespace isagw::reports {
namespace {

struct GObjectUnref {
  void operator()(gpointer object) const { g_object_unref(object); }
};
struct GErrorFree {
  void operator()(GError* error) const { g_error_free(error); }
};
struct CairoSurfaceDestroy {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct CairoDestroy {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};

using SvgHandle = std::unique_ptr<RsvgHandle, GObjectUnref>;
using ErrorPtr = std::unique_ptr<GError, GErrorFree>;
using Surface = std::unique_ptr<cairo_surface_t, CairoSurfaceDestroy>;
using Context = std::unique_ptr<cairo_t, CairoDestroy>;

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// The SVG's own size in pixels: width and height when it has them in
// absolute units, else its viewBox.
bool IntrinsicSize(RsvgHandle* handle, double& width, double& height) {
  if (rsvg_handle_get_intrinsic_size_in_pixels(handle, &width, &height) && width > 0 &&
      height > 0) {
    return true;
  }
  gboolean has_viewbox = FALSE;
  RsvgRectangle viewbox{};
  rsvg_handle_get_intrinsic_dimensions(handle, nullptr, nullptr, nullptr, nullptr, &has_viewbox,
                                       &viewbox);
  width = viewbox.width;
  height = viewbox.height;
  return has_viewbox && width > 0 && height > 0;
}

}  // namespace

Result<std::string, std::string> RenderSvgToPng(std::string_view svg, int width_px) {
  if (width_px < 1 || width_px > kMaxPngSidePx) {
    return Fail("PNG width must be from 1 to " + std::to_string(kMaxPngSidePx) + " pixels");
  }
  if (svg.empty()) return Fail(std::string("SVG is empty"));

  // GError messages can quote the document, so they are dropped, not passed on.
  GError* raw_error = nullptr;
  SvgHandle handle(rsvg_handle_new_from_data(reinterpret_cast<const guint8*>(svg.data()),
                                             svg.size(), &raw_error));
  ErrorPtr load_error(raw_error);
  if (!handle) return Fail(std::string("SVG could not be read"));

  double svg_width = 0;
  double svg_height = 0;
  if (!IntrinsicSize(handle.get(), svg_width, svg_height)) {
    return Fail(std::string("SVG has no size (no width and height or viewBox)"));
  }
  // At least one pixel: a wide, flat chart drawn very small is still drawn.
  const double height = std::max(1.0, std::round(svg_height * width_px / svg_width));
  if (!(height <= kMaxPngSidePx)) {
    return Fail("PNG would be taller than " + std::to_string(kMaxPngSidePx) + " pixels");
  }
  const int height_px = static_cast<int>(height);

  Surface surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width_px, height_px));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Fail(std::string("no memory for the PNG image"));
  }
  Context cr(cairo_create(surface.get()));
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
    return Fail(std::string("no memory for the PNG image"));
  }
  cairo_set_source_rgb(cr.get(), 1, 1, 1);
  cairo_paint(cr.get());

  const RsvgRectangle viewport{0, 0, static_cast<double>(width_px), height};
  raw_error = nullptr;
  const gboolean drawn = rsvg_handle_render_document(handle.get(), cr.get(), &viewport, &raw_error);
  ErrorPtr render_error(raw_error);
  if (!drawn) return Fail(std::string("SVG could not be drawn"));
  cairo_surface_flush(surface.get());

  std::string png;
  if (cairo_surface_write_to_png_stream(surface.get(), &AppendToString, &png) !=
      CAIRO_STATUS_SUCCESS) {
    return Fail(std::string("PNG could not be written"));
  }
  return png;
}

}  // namespace isagw::reports
