#include "gateway/reports/render/png.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "gateway/reports/render/rsvg_library.h"

namespace isagw::reports {
namespace {

// Deleters through the library's functions (it is opened at run time).
struct GObjectUnref {
  const RsvgLibrary* library;
  void operator()(gpointer object) const { library->object_unref(object); }
};
struct GErrorFree {
  const RsvgLibrary* library;
  void operator()(GError* error) const { library->error_free(error); }
};
struct CairoSurfaceDestroy {
  const RsvgLibrary* library;
  void operator()(cairo_surface_t* surface) const { library->surface_destroy(surface); }
};
struct CairoDestroy {
  const RsvgLibrary* library;
  void operator()(cairo_t* cr) const { library->destroy(cr); }
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
bool IntrinsicSize(const RsvgLibrary& rsvg, RsvgHandle* handle, double& width, double& height) {
  if (rsvg.handle_get_intrinsic_size_in_pixels(handle, &width, &height) && width > 0 &&
      height > 0) {
    return true;
  }
  gboolean has_viewbox = FALSE;
  RsvgRectangle viewbox{};
  rsvg.handle_get_intrinsic_dimensions(handle, nullptr, nullptr, nullptr, nullptr, &has_viewbox,
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
  const RsvgLibrary* library = RsvgLibrary::Get();
  if (library == nullptr) return Fail(std::string("librsvg could not be loaded"));
  const RsvgLibrary& rsvg = *library;

  // GError messages can quote the document, so they are dropped, not passed on.
  GError* raw_error = nullptr;
  SvgHandle handle(rsvg.handle_new_from_data(reinterpret_cast<const guint8*>(svg.data()),
                                             svg.size(), &raw_error),
                   GObjectUnref{library});
  ErrorPtr load_error(raw_error, GErrorFree{library});
  if (!handle) return Fail(std::string("SVG could not be read"));

  double svg_width = 0;
  double svg_height = 0;
  if (!IntrinsicSize(rsvg, handle.get(), svg_width, svg_height)) {
    return Fail(std::string("SVG has no size (no width and height or viewBox)"));
  }
  // At least one pixel: a wide, flat chart drawn very small is still drawn.
  const double height = std::max(1.0, std::round(svg_height * width_px / svg_width));
  if (!(height <= kMaxPngSidePx)) {
    return Fail("PNG would be taller than " + std::to_string(kMaxPngSidePx) + " pixels");
  }
  const int height_px = static_cast<int>(height);

  Surface surface(rsvg.image_surface_create(CAIRO_FORMAT_RGB24, width_px, height_px),
                  CairoSurfaceDestroy{library});
  if (rsvg.surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Fail(std::string("no memory for the PNG image"));
  }
  Context cr(rsvg.create(surface.get()), CairoDestroy{library});
  if (rsvg.status(cr.get()) != CAIRO_STATUS_SUCCESS) {
    return Fail(std::string("no memory for the PNG image"));
  }
  rsvg.set_source_rgb(cr.get(), 1, 1, 1);
  rsvg.paint(cr.get());

  const RsvgRectangle viewport{0, 0, static_cast<double>(width_px), height};
  raw_error = nullptr;
  const gboolean drawn = rsvg.handle_render_document(handle.get(), cr.get(), &viewport, &raw_error);
  ErrorPtr render_error(raw_error, GErrorFree{library});
  if (!drawn) return Fail(std::string("SVG could not be drawn"));
  rsvg.surface_flush(surface.get());

  std::string png;
  if (rsvg.surface_write_to_png_stream(surface.get(), &AppendToString, &png) !=
      CAIRO_STATUS_SUCCESS) {
    return Fail(std::string("PNG could not be written"));
  }
  return png;
}

}  // namespace isagw::reports
