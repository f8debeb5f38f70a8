#include "gateway/registry/person.h"

namespace isagw::registry {

std::string PersonSanUri(std::string_view agency_id, std::string_view person_id) {
  std::string uri(kPersonUriPrefix);
  uri.append(agency_id.empty() ? kGatewayStaff : agency_id).append(":").append(person_id);
  return uri;
}

}  // namespace isagw::registry
