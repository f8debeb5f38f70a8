// Domain checks shared by every adapter. Each returns a verdict only;
// adapters turn a failed check into a FieldError in their own terms.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/model/event.h"

namespace isagw::adapters {

// 10 digits whose tenth is the modulus-11 check digit of the first nine
// (a remainder giving check value 10 is never issued, so it is invalid).
bool IsValidNhsNumber(std::string_view text);

// Police occurrence reference: ^[A-Z]{2,4}/\d{2}/\d{4}/\d{4,6}$
bool IsValidOccurrenceRef(std::string_view text);

// DfE local authority number: exactly three digits.
bool IsValidLaNumber(std::string_view text);

// A UK postcode in any case, with or without the space between outward
// and inward codes. Returns the normalised form ("DE22 3AB"), or nullopt.
std::optional<std::string> NormalisePostcode(std::string_view text);

// The outward code (postcode district) of a normalised postcode: "DE22".
std::string PostcodeDistrict(std::string_view normalised_postcode);

// The last valid postcode written in free text ("Derby Bus Station DE1
// 2AY" -> "DE1 2AY"), normalised; nullopt when the text has none.
std::optional<std::string> FindPostcodeInText(std::string_view text);

// A date of birth no child of this service can have, judged against the
// earliest time the event itself gives (last seen, reported, found,
// returned, sent): born after it, usually a mistyped year (2099 for 2009),
// or 26 or more years before it, past the age care leavers are supported
// to. Such a record would be matched to the wrong child or to none.
struct BirthDateFault {
  std::string_view code;    // "inconsistent" or "implausible"
  std::string_view reason;  // names no value
};
std::optional<BirthDateFault> CheckBirthDate(const model::Event& event);

// SSDA903 code lists.
bool IsLegalStatusCode(std::string_view code);
bool IsPlacementTypeCode(std::string_view code);

// Ethnicity code lists and the mapping between them. The mapping loses
// detail (DfE distinguishes Gypsy/Roma and Irish Traveller; police 16+1
// do not): docs/formats/mapping.md.
bool IsPoliceEthnicityCode(std::string_view code);
bool IsDfeEthnicityCode(std::string_view code);
std::string_view PoliceToDfeEthnicity(std::string_view police_code);
std::string_view DfeToPoliceEthnicity(std::string_view dfe_code);

}  // namespace isagw::adapters
