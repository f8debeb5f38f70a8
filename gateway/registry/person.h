// Person: someone who signs in to the web console with a client
// certificate of their own (docs/console.md). A person is not an agency:
// their certificate never reaches the message API, and what they see is
// fixed by their role and, for agency staff, their agency.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/common/code_map.h"

namespace isagw::registry {

enum class PersonRole {
  kOperator,     // the gateway's own staff: queues, deliveries, health; never a child's data
  kCoordinator,  // an agency's missing coordinator: that agency's reports and alerts
  kAuditor,      // an agency's auditor: the audit of that agency's disclosures
};
inline constexpr auto kPersonRoleNames =
    MakeCodeMap<PersonRole>(std::pair{PersonRole::kOperator, std::string_view{"operator"}},
                            std::pair{PersonRole::kCoordinator, std::string_view{"coordinator"}},
                            std::pair{PersonRole::kAuditor, std::string_view{"auditor"}});

// The SAN URIs of people: urn:isagw:user:<agency id>:<person id>, where the
// gateway's own operators have "gateway" for an agency id.
inline constexpr std::string_view kPersonUriPrefix = "urn:isagw:user:";
inline constexpr std::string_view kGatewayStaff = "gateway";

struct Person {
  std::string id;  // "derby-coordinator": stable, in the audit and logs (no name)
  PersonRole role = PersonRole::kCoordinator;
  std::string agency_id;  // the agency they work for; empty for an operator
  std::string san_uri;    // what their certificate carries
  std::optional<std::string> sha256_pin;

  friend bool operator==(const Person&, const Person&) = default;
};

// The SAN URI a person's certificate must carry.
std::string PersonSanUri(std::string_view agency_id, std::string_view person_id);

}  // namespace isagw::registry
