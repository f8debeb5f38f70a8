// The console's templates, stylesheet and script, compiled into the
// binary (console/embed_assets.cmake writes the definition).
#pragma once

#include <optional>
#include <string_view>

namespace isagw::console {

// The file's text by its path under console/ ("templates/home.mustache",
// "assets/console.css"), or nullopt when there is none.
std::optional<std::string_view> ConsoleAssetText(std::string_view name);

}  // namespace isagw::console
