#include "adapters/common/validators.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <utility>
#include <vector>

namespace isagw::adapters {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit); }

constexpr std::array<std::string_view, 13> kLegalStatus = {
    "C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"};

constexpr std::array<std::string_view, 22> kPlacementType = {
    "U1", "U2", "U3", "U4", "U5", "U6", "K1", "K2", "H5", "P1", "P2",
    "R1", "R2", "R3", "R5", "S1", "T0", "T1", "T2", "T3", "T4", "Z1"};

// Police 16+1 self-defined ethnicity -> DfE (SSDA903) code.
constexpr std::array<std::pair<std::string_view, std::string_view>, 17> kPoliceToDfe = {{
    {"W1", "WBRI"}, {"W2", "WIRI"}, {"W9", "WOTH"}, {"M1", "MWBC"}, {"M2", "MWBA"},
    {"M3", "MWAS"}, {"M9", "MOTH"}, {"A1", "AIND"}, {"A2", "APKN"}, {"A3", "ABAN"},
    {"A9", "AOTH"}, {"B1", "BCRB"}, {"B2", "BAFR"}, {"B9", "BOTH"}, {"O1", "CHNE"},
    {"O9", "OOTH"}, {"NS", "NOBT"},
}};

// DfE codes with no police counterpart of their own, and where they go.
constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kDfeOnly = {{
    {"WIRT", "W9"}, {"WROM", "W9"}, {"REFU", "NS"},
}};

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

}  // namespace

bool IsValidNhsNumber(std::string_view text) {
  if (text.size() != 10 || !IsDigits(text)) return false;
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (text[static_cast<std::size_t>(i)] - '0') * (10 - i);
  int check = 11 - (sum % 11);
  if (check == 11) check = 0;
  if (check == 10) return false;
  return check == text[9] - '0';
}

bool IsValidOccurrenceRef(std::string_view t) {
  // ^[A-Z]{2,4}/\d{2}/\d{4}/\d{4,6}$ without std::regex (slow, and its
  // recursion is a stack risk on hostile input).
  std::size_t i = 0;
  while (i < t.size() && IsUpper(t[i])) ++i;
  if (i < 2 || i > 4 || i >= t.size() || t[i] != '/') return false;
  const std::string_view rest = t.substr(i + 1);
  if (rest.size() < 12 || rest.size() > 14) return false;
  return IsDigits(rest.substr(0, 2)) && rest[2] == '/' && IsDigits(rest.substr(3, 4)) &&
         rest[7] == '/' && IsDigits(rest.substr(8));
}

bool IsValidLaNumber(std::string_view text) { return text.size() == 3 && IsDigits(text); }

std::optional<std::string> NormalisePostcode(std::string_view text) {
  std::string compact;
  compact.reserve(8);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ') {
      // at most one space, and only between outward and inward codes
      if (i + 4 != text.size()) return std::nullopt;
      continue;
    }
    if (!std::isalnum(static_cast<unsigned char>(c))) return std::nullopt;
    compact.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  // Inward code: digit letter letter. Outward: 2-4 characters, A9, A99,
  // AA9, AA99, A9A, AA9A.
  if (compact.size() < 5 || compact.size() > 7) return std::nullopt;
  const std::string_view inward = std::string_view(compact).substr(compact.size() - 3);
  const std::string_view outward = std::string_view(compact).substr(0, compact.size() - 3);
  if (!IsDigit(inward[0]) || !IsUpper(inward[1]) || !IsUpper(inward[2])) return std::nullopt;
  if (!IsUpper(outward[0])) return std::nullopt;
  const bool shape_ok = [&] {
    switch (outward.size()) {
      case 2: return IsDigit(outward[1]);                                        // A9
      case 3: return (IsDigit(outward[1]) && IsDigit(outward[2])) ||            // A99
                     (IsUpper(outward[1]) && IsDigit(outward[2])) ||            // AA9
                     (IsDigit(outward[1]) && IsUpper(outward[2]));              // A9A
      case 4: return IsUpper(outward[1]) && IsDigit(outward[2]) &&
                     (IsDigit(outward[3]) || IsUpper(outward[3]));              // AA99, AA9A
      default: return false;
    }
  }();
  if (!shape_ok) return std::nullopt;
  return std::string(outward) + " " + std::string(inward);
}

std::string PostcodeDistrict(std::string_view normalised_postcode) {
  const auto space = normalised_postcode.find(' ');
  return std::string(normalised_postcode.substr(0, space));
}

std::optional<std::string> FindPostcodeInText(std::string_view text) {
  // Look at each pair of adjacent words, last pair first.
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && !IsAlnum(text[pos])) ++pos;
    std::size_t end = pos;
    while (end < text.size() && IsAlnum(text[end])) ++end;
    if (end > pos) words.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  for (std::size_t i = words.size(); i-- > 0;) {
    if (i > 0 && words[i].size() == 3 && words[i - 1].size() <= 4) {
      std::string joined = std::string(words[i - 1]) + " " + std::string(words[i]);
      if (auto pc = NormalisePostcode(joined)) return pc;
    }
  }
  return std::nullopt;
}

bool IsLegalStatusCode(std::string_view code) {
  return std::find(kLegalStatus.begin(), kLegalStatus.end(), code) != kLegalStatus.end();
}

bool IsPlacementTypeCode(std::string_view code) {
  return !code.empty() &&
         std::find(kPlacementType.begin(), kPlacementType.end(), code) != kPlacementType.end();
}

bool IsPoliceEthnicityCode(std::string_view code) {
  return std::any_of(kPoliceToDfe.begin(), kPoliceToDfe.end(),
                     [&](const auto& e) { return e.first == code; });
}

bool IsDfeEthnicityCode(std::string_view code) {
  return std::any_of(kPoliceToDfe.begin(), kPoliceToDfe.end(),
                     [&](const auto& e) { return e.second == code; }) ||
         std::any_of(kDfeOnly.begin(), kDfeOnly.end(),
                     [&](const auto& e) { return e.first == code; });
}

std::string_view PoliceToDfeEthnicity(std::string_view police_code) {
  for (const auto& [police, dfe] : kPoliceToDfe) {
    if (police == police_code) return dfe;
  }
  return {};
}

std::string_view DfeToPoliceEthnicity(std::string_view dfe_code) {
  for (const auto& [police, dfe] : kPoliceToDfe) {
    if (dfe == dfe_code) return police;
  }
  for (const auto& [dfe, police] : kDfeOnly) {
    if (dfe == dfe_code) return police;
  }
  return {};
}

std::optional<BirthDateFault> CheckBirthDate(const model::Event& event) {
  if (!event.child.date_of_birth) return std::nullopt;
  std::optional<model::Timestamp> earliest;
  auto consider = [&](const std::optional<model::Timestamp>& t) {
    if (t && (!earliest || *t < *earliest)) earliest = t;
  };
  consider(event.episode.last_seen_at);
  consider(event.episode.reported_at);
  consider(event.episode.found_at);
  consider(event.episode.safe_and_well_at);
  if (event.rhi) consider(event.rhi->returned_at);
  consider(event.header.sent_at);
  if (!earliest) return std::nullopt;

  using std::chrono::years;
  constexpr int kOldestAge = 25;  // care leavers are supported to 25
  const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(*earliest)};
  const std::chrono::year_month_day born = *event.child.date_of_birth;
  if (std::chrono::sys_days{born} > std::chrono::sys_days{day}) {
    return BirthDateFault{"inconsistent", "is after the earliest time the message gives"};
  }
  // Birthdays on 29 February fall on 1 March in other years.
  const auto birthday = born + years{kOldestAge + 1};
  const std::chrono::sys_days turns_too_old =
      birthday.ok() ? std::chrono::sys_days{birthday}
                    : std::chrono::sys_days{birthday.year() / std::chrono::March / 1};
  if (std::chrono::sys_days{day} >= turns_too_old) {
    return BirthDateFault{"implausible",
                          "makes the child older than 25 at the time the message gives"};
  }
  return std::nullopt;
}

}  // namespace isagw::adapters
