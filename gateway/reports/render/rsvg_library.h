// RsvgLibrary: librsvg and cairo, opened the first time a PNG is drawn.
//
// Why not link them: librsvg brings cairo, pango, fontconfig, glib and a
// dozen more, whose pages the loader touches at start-up: about 5 MB of
// every gateway's resident memory (docs/benchmarks.md, "Memory"), and
// code that runs in a process that never draws a PNG. dlopen defers all
// of it to the first chart asked for as PNG.
#pragma once

#include <cairo.h>
#include <librsvg/rsvg.h>

namespace isagw::reports {

struct RsvgLibrary {
  // Opened once, never closed; null when librsvg cannot be opened (not
  // installed, or a function missing). Thread-safe.
  static const RsvgLibrary* Get();

  decltype(&::rsvg_handle_new_from_data) handle_new_from_data = nullptr;
  decltype(&::rsvg_handle_get_intrinsic_size_in_pixels) handle_get_intrinsic_size_in_pixels =
      nullptr;
  decltype(&::rsvg_handle_get_intrinsic_dimensions) handle_get_intrinsic_dimensions = nullptr;
  decltype(&::rsvg_handle_render_document) handle_render_document = nullptr;
  decltype(&::g_object_unref) object_unref = nullptr;
  decltype(&::g_error_free) error_free = nullptr;
  decltype(&::cairo_image_surface_create) image_surface_create = nullptr;
  decltype(&::cairo_surface_status) surface_status = nullptr;
  decltype(&::cairo_surface_flush) surface_flush = nullptr;
  decltype(&::cairo_surface_write_to_png_stream) surface_write_to_png_stream = nullptr;
  decltype(&::cairo_surface_destroy) surface_destroy = nullptr;
  decltype(&::cairo_create) create = nullptr;
  decltype(&::cairo_status) status = nullptr;
  decltype(&::cairo_set_source_rgb) set_source_rgb = nullptr;
  decltype(&::cairo_paint) paint = nullptr;
  decltype(&::cairo_destroy) destroy = nullptr;
};

}  // namespace isagw::reports
