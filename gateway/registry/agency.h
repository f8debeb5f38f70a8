// Agency: one organisation that exchanges messages through the gateway (a
// police force, a local authority, a commissioned RHI provider), as its
// registry entry describes it. Its client certificate is its identity.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.h"
#include "gateway/common/code_map.h"

namespace isagw::registry {

enum class AgencyKind { kPoliceForce, kLocalAuthority, kProvider };
inline constexpr auto kAgencyKindNames = MakeCodeMap<AgencyKind>(
    std::pair{AgencyKind::kPoliceForce, std::string_view{"police_force"}},
    std::pair{AgencyKind::kLocalAuthority, std::string_view{"local_authority"}},
    std::pair{AgencyKind::kProvider, std::string_view{"provider"}});

// The word a kind's SAN URIs carry: urn:isagw:agency:<word>:<name>.
std::string_view SanUriKindWord(AgencyKind kind);

// How an agency receives what is meant for it.
enum class DeliveryMode {
  kMailbox,  // it pulls: GET /v1/inbox
  kPush,     // the gateway POSTs to its endpoint over mutual TLS
};
inline constexpr auto kDeliveryModeNames =
    MakeCodeMap<DeliveryMode>(std::pair{DeliveryMode::kMailbox, std::string_view{"mailbox"}},
                              std::pair{DeliveryMode::kPush, std::string_view{"push"}});

// The host of an https:// URL ("https://host[:port][/path]"), or nullopt
// when the URL is not one the gateway will push to (another scheme, user
// info, a fragment, a bad port, spaces).
std::optional<std::string> PushUrlHost(std::string_view url);

struct PushEndpoint {
  std::string url;                // https://host[:port]/path
  std::filesystem::path ca_file;  // the CA bundle trusted for that endpoint (absolute)
  std::string server_name;        // SNI and the name checked in its certificate
  friend bool operator==(const PushEndpoint&, const PushEndpoint&) = default;
};

// A token bucket: `burst` requests at once, refilled at
// `requests_per_second`.
struct RateLimit {
  double requests_per_second = 0;
  int burst = 0;
  friend bool operator==(const RateLimit&, const RateLimit&) = default;
};

struct Agency {
  std::string id;  // "police-derbys": stable, used in logs, metrics and policies
  AgencyKind kind = AgencyKind::kPoliceForce;
  std::string name;  // display name

  // Codes; which are set depends on the kind.
  std::string force_code;  // police force: "DERBYS"
  std::string la_number;   // local authority: DfE number, "831"
  std::string gss_code;    // local authority: ONS GSS code, "E06000015"

  // Certificate identity: the SAN URI its client certificate must carry,
  // and optionally the one certificate (SHA-256 of its DER, lowercase hex)
  // it must present.
  std::string san_uri;
  std::optional<std::string> sha256_pin;

  std::vector<adapters::Format> sends;
  std::vector<adapters::Format> receives;
  DeliveryMode delivery = DeliveryMode::kMailbox;
  std::optional<PushEndpoint> push;  // set exactly when delivery is kPush

  // Unknown fields from this sender are dropped and listed, not refused.
  bool lenient = false;
  std::optional<RateLimit> rate_limit;  // absent: the gateway's default

  // Routing facts.
  std::vector<std::string> covers_las;          // police force: LA numbers in its area
  std::vector<std::string> postcode_districts;  // LA: "DE22", or a whole area "WS"
  std::vector<std::string> commissioned_by;     // provider: LA numbers that commission it

  // Urgent alerts (docs/safeguarding.md, urgent_alerts): where a copy this
  // agency has not acknowledged in time goes next, in order: ids of the
  // agency's own duty endpoints (entries whose duty_for names it).
  std::vector<std::string> duty_contacts;
  // Set on a duty endpoint: the agency it stands in for. It receives that
  // agency's copies as they are (same format, same ISA decision); routing
  // never chooses it, and it has no codes of its own.
  std::optional<std::string> duty_for;

  bool Sends(adapters::Format format) const;
  bool Receives(adapters::Format format) const;

  friend bool operator==(const Agency&, const Agency&) = default;
};

}  // namespace isagw::registry
