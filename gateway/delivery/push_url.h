// PushUrl: the parts of an agency's https:// push endpoint URL that a
// connection needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace isagw::delivery {

struct PushUrl {
  std::string host;  // name or address to connect to (IPv6 without brackets)
  std::uint16_t port = 443;
  std::string authority;  // for the Host header: "host[:port]" as written
  std::string target;     // path and query, at least "/"
  friend bool operator==(const PushUrl&, const PushUrl&) = default;
};

// nullopt when the URL is not one the gateway pushes to (the registry's
// rules: https only, no user info, no fragment, a valid port).
std::optional<PushUrl> ParsePushUrl(std::string_view url);

}  // namespace isagw::delivery
