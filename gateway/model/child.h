// Child: who the message is about. Every field is optional because each
// agency knows a different part of the picture; the ISA decides which
// parts travel on.
#pragma once

#include <optional>
#include <string>

#include "gateway/model/codes.h"
#include "gateway/model/time.h"

namespace isagw::model {

struct Ethnicity {
  EthnicityScheme scheme = EthnicityScheme::kDfE;  // whose code list
  std::string code;                                // "W1" (police) or "WBRI" (DfE)
  friend bool operator==(const Ethnicity&, const Ethnicity&) = default;
};

struct Address {
  std::optional<std::string> text;      // free text, may be several lines
  std::optional<std::string> postcode;  // normalised "DE22 3AB"
  friend bool operator==(const Address&, const Address&) = default;
};

// A council's own identifier for the child in its case system.
struct CouncilPersonId {
  std::optional<std::string> la;  // DfE 3-digit LA number, when known
  std::string person_id;          // "LCS-778812"
  friend bool operator==(const CouncilPersonId&, const CouncilPersonId&) = default;
};

struct Placement {
  std::optional<std::string> type;      // SSDA903 placement code, e.g. "K2"
  std::optional<std::string> postcode;  // the placement's postcode
  std::optional<std::string> provider;  // the home's or agency's name
  friend bool operator==(const Placement&, const Placement&) = default;
};

struct SocialWorker {
  std::optional<std::string> name;
  std::optional<std::string> team;
  std::optional<std::string> phone;
  std::optional<std::string> email;
  friend bool operator==(const SocialWorker&, const SocialWorker&) = default;
};

struct Child {
  std::optional<std::string> forename;
  std::optional<std::string> surname;
  std::optional<Date> date_of_birth;
  std::optional<Sex> sex;
  std::optional<Ethnicity> ethnicity;  // special category (UK GDPR Art. 9)
  std::optional<std::string> nhs_number;  // 10 digits, modulus-11 valid
  std::optional<CouncilPersonId> council_person_id;
  std::optional<Address> home;
  std::optional<Answer> looked_after;
  std::optional<std::string> legal_status;    // SSDA903 legal status, e.g. "C2"
  std::optional<std::string> responsible_la;  // DfE LA number of the placing authority
  std::optional<Placement> placement;
  std::optional<SocialWorker> social_worker;
  friend bool operator==(const Child&, const Child&) = default;
};

}  // namespace isagw::model
