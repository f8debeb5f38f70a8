// Role: the part an agency plays for one message (the router works it
// out per episode), and Party: an agency with the roles it holds for that
// message. ISA flows name parties by agency id or by role.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "gateway/common/code_map.h"

namespace isagw::policy {

enum class Role {
  kPoliceForce,           // the force for the area, or the one that owns the episode
  kHostLa,                // the council where the child is
  kPlacingLa,             // the council that placed a looked-after child elsewhere
  kCommissionedProvider,  // the provider commissioned for return home interviews
};
inline constexpr auto kRoleNames = MakeCodeMap<Role>(
    std::pair{Role::kPoliceForce, std::string_view{"police_force"}},
    std::pair{Role::kHostLa, std::string_view{"host_la"}},
    std::pair{Role::kPlacingLa, std::string_view{"placing_la"}},
    std::pair{Role::kCommissionedProvider, std::string_view{"commissioned_provider"}});

struct Party {
  std::string agency_id;  // registry id, e.g. "police-staffs"
  std::set<Role> roles;   // what the router says this agency is for this message
};

}  // namespace isagw::policy
