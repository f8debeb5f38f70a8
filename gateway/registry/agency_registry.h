// AgencyRegistry: every agency the gateway knows, and the lookups the
// identity check and the router need. Immutable once made; a reload makes
// a new one and swaps it in whole.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/field_error.h"
#include "gateway/common/result.h"
#include "gateway/registry/agency.h"
#include "gateway/registry/person.h"

namespace isagw::registry {

// An agency has at most this many duty contacts (issue 11: a duty team,
// then a second contact).
inline constexpr std::size_t kMaxDutyContacts = 2;

class AgencyRegistry {
 public:
  // An empty registry: every lookup answers nullptr.
  AgencyRegistry() = default;

  // Checks every agency's values (codes, SAN URI shape, routing facts for
  // its kind) and what spans agencies (unique ids, SAN URIs, pins and
  // codes; one force per LA, one LA per postcode district, one provider per
  // commissioning LA; providers commissioned by LAs in the registry; duty
  // contacts that are this agency's own duty endpoints, and duty endpoints
  // that stand in for an agency of their kind and receive its format).
  // People (console users) have unique ids, SAN URIs and pins, none shared
  // with an agency; staff of an agency in the registry (not a duty
  // endpoint), operators of no agency; and the SAN URI PersonSanUri gives.
  // Errors point into the registry file's layout ("/agencies/3/codes/la_number",
  // "/people/0/agency") so the loader can name the line.
  static Result<AgencyRegistry, FieldErrors> Create(std::vector<Agency> agencies,
                                                    std::vector<Person> people = {});

  const std::vector<Agency>& agencies() const { return agencies_; }
  const std::vector<Person>& people() const { return people_; }

  const Agency* FindById(std::string_view id) const;
  const Agency* FindBySanUri(std::string_view san_uri) const;
  const Person* FindPersonById(std::string_view id) const;
  const Person* FindPersonBySanUri(std::string_view san_uri) const;
  // These by code, and the routing lookups below, never answer a duty
  // endpoint: it has no codes and no routing facts.
  const Agency* FindByForceCode(std::string_view force_code) const;
  const Agency* FindByLaNumber(std::string_view la_number) const;

  // The police force whose area holds the LA (which need not be an agency
  // here: Derbyshire police cover Derbyshire, 830, as well as Derby).
  const Agency* ForceCoveringLa(std::string_view la_number) const;
  // The LA that owns a postcode district. Takes a district ("DE22") or a
  // normalised postcode ("DE22 3AB"); a district listed by an LA wins over
  // its whole area ("WS7" over "WS").
  const Agency* LaOwningPostcodeDistrict(std::string_view district_or_postcode) const;
  // The RHI provider an LA commissions.
  const Agency* ProviderCommissionedBy(std::string_view la_number) const;
  // Where an urgent copy `principal` has not acknowledged goes at
  // escalation `step` (0 = its first duty contact), or nullptr when it has
  // no contact that far. A duty endpoint has no contacts of its own.
  const Agency* DutyContact(const Agency& principal, std::size_t step) const;

 private:
  using Index = std::map<std::string, std::size_t, std::less<>>;
  const Agency* Lookup(const Index& index, std::string_view key) const;

  // Indexes hold positions, not pointers, so copies stay valid.
  std::vector<Agency> agencies_;
  std::vector<Person> people_;
  Index person_by_id_;
  Index person_by_san_uri_;
  Index by_id_;
  Index by_san_uri_;
  Index by_force_code_;
  Index by_la_number_;
  Index force_for_la_;
  Index la_for_district_;
  Index provider_for_la_;
};

// "AB:CD:..." or "abcd..." in any case -> 64 lowercase hex digits, or ""
// when the text is not a SHA-256 fingerprint.
std::string NormaliseSha256Fingerprint(std::string_view text);

}  // namespace isagw::registry
