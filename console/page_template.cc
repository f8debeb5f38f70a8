#include "console/page_template.h"

#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "console/console_assets.h"

namespace isagw::console {
namespace {

namespace mustache = kainjow::mustache;

mustache::data ToData(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object: {
      mustache::data out{mustache::data::type::object};
      for (const auto& [key, item] : value.items()) out.set(key, ToData(item));
      return out;
    }
    case nlohmann::json::value_t::array: {
      mustache::data out{mustache::data::type::list};
      for (const auto& item : value) out.push_back(ToData(item));
      return out;
    }
    case nlohmann::json::value_t::string:
      // Empty is false, as in mustache.js: {{#note}}...{{/note}} shows
      // nothing for no note (kainjow counts "" as true), and {{note}}
      // renders false as "".
      if (value.get_ref<const std::string&>().empty()) return mustache::data{false};
      return mustache::data{value.get<std::string>()};
    case nlohmann::json::value_t::boolean:
      return mustache::data{value.get<bool>()};
    case nlohmann::json::value_t::null:
      return mustache::data{false};
    default:
      return mustache::data{value.dump()};  // numbers
  }
}

std::string Render(std::string_view name, const nlohmann::json& values) {
  const std::string path = "templates/" + std::string(name) + ".mustache";
  const auto text = ConsoleAssetText(path);
  if (!text) throw std::logic_error("no console template " + path);
  mustache::mustache tmpl{std::string(*text)};
  if (!tmpl.is_valid()) throw std::logic_error(path + ": " + tmpl.error_message());
  std::string out = tmpl.render(ToData(values));
  if (!tmpl.is_valid()) throw std::logic_error(path + ": " + tmpl.error_message());
  return out;
}

}  // namespace

std::string RenderPage(std::string_view page, const nlohmann::json& values,
                       const nlohmann::json& layout) {
  nlohmann::json whole = layout;
  whole["body"] = Render(page, values);
  return Render("layout", whole);
}

}  // namespace isagw::console
