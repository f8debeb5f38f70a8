#include "gateway/reports/render/rsvg_library.h"

#include <dlfcn.h>

#include <memory>

namespace isagw::reports {
namespace {

// librsvg's soname: its dependencies (cairo, gobject, glib) load with it,
// and dlsym on its handle finds their functions too.
constexpr const char* kLibrary = "librsvg-2.so.2";

template <typename Function>
bool Find(void* library, const char* name, Function& function) {
  function = reinterpret_cast<Function>(::dlsym(library, name));
  return function != nullptr;
}

std::unique_ptr<RsvgLibrary> Open() {
  void* library = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) return nullptr;
  auto found = std::make_unique<RsvgLibrary>();
  RsvgLibrary& f = *found;
  const bool complete =
      Find(library, "rsvg_handle_new_from_data", f.handle_new_from_data) &&
      Find(library, "rsvg_handle_get_intrinsic_size_in_pixels",
           f.handle_get_intrinsic_size_in_pixels) &&
      Find(library, "rsvg_handle_get_intrinsic_dimensions", f.handle_get_intrinsic_dimensions) &&
      Find(library, "rsvg_handle_render_document", f.handle_render_document) &&
      Find(library, "g_object_unref", f.object_unref) &&
      Find(library, "g_error_free", f.error_free) &&
      Find(library, "cairo_image_surface_create", f.image_surface_create) &&
      Find(library, "cairo_surface_status", f.surface_status) &&
      Find(library, "cairo_surface_flush", f.surface_flush) &&
      Find(library, "cairo_surface_write_to_png_stream", f.surface_write_to_png_stream) &&
      Find(library, "cairo_surface_destroy", f.surface_destroy) &&
      Find(library, "cairo_create", f.create) && Find(library, "cairo_status", f.status) &&
      Find(library, "cairo_set_source_rgb", f.set_source_rgb) &&
      Find(library, "cairo_paint", f.paint) && Find(library, "cairo_destroy", f.destroy);
  // Never dlclose'd: the functions stay valid for the process's life.
  if (!complete) return nullptr;
  return found;
}

}  // namespace

const RsvgLibrary* RsvgLibrary::Get() {
  // Immutable once made (a magic static: made once, under a lock).
  static const std::unique_ptr<RsvgLibrary> library = Open();
  return library.get();
}

}  // namespace isagw::reports
