// The value transforms a field rule can ask for. Pure functions: each
// returns nullopt when a value lacks the shape the transform needs, and
// the redactor then withholds the field rather than send it unchanged.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/model/time.h"
#include "gateway/policy/agreement.h"
#include "gateway/policy/canonical_fields.h"

namespace isagw::policy {

// What a masked free-text field becomes.
inline constexpr std::string_view kRedactedMarker = "[redacted]";
// Pseudonyms look like "psn:" + 32 lower-case hex digits.
inline constexpr std::string_view kPseudonymPrefix = "psn:";

// Whether a rule's action (with its mask or generalisation) can apply to a
// field of `type`. Allow and drop apply to everything.
bool TransformApplies(Action action, std::optional<MaskKind> mask,
                      std::optional<GeneraliseKind> generalise, FieldType type);

// "DE22 3AB" -> "DE22". Only normalised postcodes are accepted.
std::optional<std::string> PostcodeDistrict(std::string_view postcode);

// "01785 276543" -> "***** ***543": digits but the last three become "*".
// Refused when the value has fewer than 7 digits or anything but digits,
// spaces, "+", "(", ")" and "-".
std::optional<std::string> MaskPhone(std::string_view phone);

// "j.smith@staffordshire.gov.uk" -> "***@staffordshire.gov.uk".
std::optional<std::string> MaskEmail(std::string_view email);

// Whole years from `date_of_birth` to `on`; nullopt when born after `on`.
std::optional<int> AgeInYears(model::Date date_of_birth, model::Date on);

// The UK (Europe/London) calendar date of an instant.
model::Date UkDate(model::Timestamp instant);

// The UK calendar date "YYYY-MM-DD" of an RFC 3339 timestamp.
std::optional<std::string> UkDateOfTimestamp(std::string_view rfc3339);

// A pseudonymisation key: 32 bytes, wiped when destroyed.
class PseudonymKey {
 public:
  static constexpr std::size_t kBytes = 32;
  PseudonymKey();
  explicit PseudonymKey(const unsigned char (&bytes)[kBytes]);
  PseudonymKey(const PseudonymKey& other);
  PseudonymKey& operator=(const PseudonymKey& other);
  ~PseudonymKey();

  const unsigned char* data() const { return bytes_; }

 private:
  unsigned char bytes_[kBytes];
};

// "psn:" + hex of keyed BLAKE2b-128 of `value`: stable for one key, so one
// ISA's recipients can link records about the same person without
// learning who it is, and unlinkable across ISAs (different keys).
std::string Pseudonym(const PseudonymKey& key, std::string_view value);

}  // namespace isagw::policy
