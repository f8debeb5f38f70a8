#include "gateway/registry/agency.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace isagw::registry {

std::string_view SanUriKindWord(AgencyKind kind) {
  switch (kind) {
    case AgencyKind::kPoliceForce:
      return "police";
    case AgencyKind::kLocalAuthority:
      return "la";
    case AgencyKind::kProvider:
      return "provider";
  }
  return "";
}

std::optional<std::string> PushUrlHost(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  std::string_view rest = url.substr(kScheme.size());
  for (char c : rest) {
    const auto u = static_cast<unsigned char>(c);
    if (std::iscntrl(u) != 0 || c == ' ' || c == '#' || c == '@' || c == '\\') return std::nullopt;
  }
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
      if (port.empty()) return std::nullopt;
    }
  } else if (const std::size_t colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) return std::nullopt;
  }
  if (host.empty()) return std::nullopt;
  const bool bracketed = host.front() == '[';
  if (bracketed) {
    // An IPv6 literal; the name to check is the address inside.
    host = host.substr(1, host.size() - 2);
    if (host.empty()) return std::nullopt;
    for (char c : host) {
      if (std::isxdigit(static_cast<unsigned char>(c)) == 0 && c != ':' && c != '.') {
        return std::nullopt;
      }
    }
  } else {
    for (char c : host) {
      if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '.' && c != '-') {
        return std::nullopt;
      }
    }
  }
  if (!port.empty()) {
    int number = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (ec != std::errc() || end != port.data() + port.size() || number < 1 || number > 65535) {
      return std::nullopt;
    }
  }
  return std::string(host);
}

bool Agency::Sends(adapters::Format format) const {
  return std::find(sends.begin(), sends.end(), format) != sends.end();
}

bool Agency::Receives(adapters::Format format) const {
  return std::find(receives.begin(), receives.end(), format) != receives.end();
}

}  // namespace isagw::registry
