#include "gateway/delivery/push_url.h"

#include <charconv>

#include "gateway/registry/agency.h"

namespace isagw::delivery {

std::optional<PushUrl> ParsePushUrl(std::string_view url) {
  // The registry decides which URLs are acceptable; this only splits them.
  auto host = registry::PushUrlHost(url);
  if (!host) return std::nullopt;
  std::string_view rest = url.substr(std::string_view("https://").size());
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);

  PushUrl out;
  out.host = *host;
  out.authority = std::string(authority);
  const std::size_t bracket = authority.rfind(']');
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    const std::string_view port = authority.substr(colon + 1);
    unsigned number = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (ec != std::errc() || end != port.data() + port.size() || number < 1 || number > 65535) {
      return std::nullopt;
    }
    out.port = static_cast<std::uint16_t>(number);
  }
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  return out;
}

}  // namespace isagw::delivery
