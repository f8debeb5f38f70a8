// RenderPage: one console page as HTML, from the mustache templates in
// console/templates (kainjow-mustache, Debian's libkainjow-mustache-dev).
// Values come as JSON so no template type leaks past this file; every
// {{value}} is HTML-escaped by the template engine, and only the page
// body (our own rendering) and SVG charts (escaped by the report
// renderer) are inserted unescaped.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace isagw::console {

// `page` names a template ("home" for templates/home.mustache); `values`
// are its values, and `layout` the layout's (title, viewer, nav). Throws
// std::logic_error for a template that does not exist or does not parse:
// templates are compiled in, so that is a programming error.
std::string RenderPage(std::string_view page, const nlohmann::json& values,
                       const nlohmann::json& layout);

}  // namespace isagw::console
