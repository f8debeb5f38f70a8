#include "gateway/policy/transforms.h"

#include <date/tz.h>
#include <sodium.h>

#include <cstring>

#include "gateway/common/ascii.h"
#include "gateway/common/hex.h"
namespace isagw::policy {
namespace {

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

void EnsureSodium() {
  // sodium_init is idempotent and thread-safe; the static runs it once.
  static const int ready = sodium_init();
  (void)ready;
}

}  // namespace

bool TransformApplies(Action action, std::optional<MaskKind> mask,
                      std::optional<GeneraliseKind> generalise, FieldType type) {
  switch (action) {
    case Action::kAllow:
    case Action::kDrop:
      return true;
    case Action::kMask:
      if (!mask) return false;
      switch (*mask) {
        case MaskKind::kPostcodeDistrict:
          return type == FieldType::kPostcode;
        case MaskKind::kPhone:
          return type == FieldType::kPhone;
        case MaskKind::kEmail:
          return type == FieldType::kEmail;
        case MaskKind::kMarker:
          return type == FieldType::kText || type == FieldType::kName;
      }
      return false;
    case Action::kGeneralise:
      if (!generalise) return false;
      switch (*generalise) {
        case GeneraliseKind::kAgeYears:
          return type == FieldType::kDate;
        case GeneraliseKind::kDate:
          return type == FieldType::kTimestamp;
      }
      return false;
    case Action::kPseudonymise:
      return type == FieldType::kName || type == FieldType::kIdentifier ||
             type == FieldType::kDate || type == FieldType::kPostcode ||
             type == FieldType::kPhone || type == FieldType::kEmail;
  }
  return false;
}

std::optional<std::string> PostcodeDistrict(std::string_view postcode) {
  // Normalised: outward code (2-4 characters), one space, inward code
  // digit-letter-letter.
  const std::size_t space = postcode.find(' ');
  if (space == std::string_view::npos || space < 2 || space > 4) return std::nullopt;
  const std::string_view outward = postcode.substr(0, space);
  const std::string_view inward = postcode.substr(space + 1);
  if (inward.size() != 3 || !IsAsciiDigit(inward[0]) || !IsUpper(inward[1]) ||
      !IsUpper(inward[2])) {
    return std::nullopt;
  }
  if (!IsUpper(outward[0])) return std::nullopt;
  for (char c : outward) {
    if (!IsUpper(c) && !IsAsciiDigit(c)) return std::nullopt;
  }
  if (!IsAsciiDigit(outward[1]) && !(outward.size() > 2 && IsAsciiDigit(outward[2])))
    return std::nullopt;
  return std::string(outward);
}

std::optional<std::string> MaskPhone(std::string_view phone) {
  int digits = 0;
  for (char c : phone) {
    if (IsAsciiDigit(c)) {
      ++digits;
    } else if (c != ' ' && c != '+' && c != '(' && c != ')' && c != '-') {
      return std::nullopt;
    }
  }
  if (digits < 7) return std::nullopt;
  std::string out(phone);
  int seen = 0;
  for (char& c : out) {
    if (IsAsciiDigit(c)) {
      if (seen < digits - 3) c = '*';
      ++seen;
    } else if (c == '+') {
      c = '*';  // the country code is part of the number
    }
  }
  return out;
}

std::optional<std::string> MaskEmail(std::string_view email) {
  const std::size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 ||
      email.find('@', at + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view domain = email.substr(at + 1);
  if (domain.empty() || domain.find('.') == std::string_view::npos) return std::nullopt;
  for (char c : domain) {
    const bool ok = IsAsciiDigit(c) || (c >= 'a' && c <= 'z') || IsUpper(c) || c == '.' || c == '-';
    if (!ok) return std::nullopt;
  }
  return "***@" + std::string(domain);
}

std::optional<int> AgeInYears(model::Date date_of_birth, model::Date on) {
  if (!date_of_birth.ok() || !on.ok() || on < date_of_birth) return std::nullopt;
  int years = static_cast<int>(on.year()) - static_cast<int>(date_of_birth.year());
  const auto birthday_this_year =
      std::chrono::month_day{date_of_birth.month(), date_of_birth.day()};
  const auto today = std::chrono::month_day{on.month(), on.day()};
  if (today < birthday_this_year) --years;
  return years;
}

model::Date UkDate(model::Timestamp instant) {
  // locate_zone caches inside the date library; the pointer is stable.
  static const date::time_zone* london = date::locate_zone("Europe/London");
  const date::sys_seconds as_date{instant.time_since_epoch()};
  const auto local = london->to_local(as_date);
  const auto day = date::floor<date::days>(local);
  return model::Date{std::chrono::local_days{std::chrono::days{day.time_since_epoch().count()}}};
}

std::optional<std::string> UkDateOfTimestamp(std::string_view rfc3339) {
  const auto instant = model::ParseRfc3339(rfc3339);
  if (!instant) return std::nullopt;
  return model::FormatDate(UkDate(*instant));
}

PseudonymKey::PseudonymKey() { std::memset(bytes_, 0, kBytes); }

PseudonymKey::PseudonymKey(const unsigned char (&bytes)[kBytes]) {
  std::memcpy(bytes_, bytes, kBytes);
}

PseudonymKey::PseudonymKey(const PseudonymKey& other) { std::memcpy(bytes_, other.bytes_, kBytes); }

PseudonymKey& PseudonymKey::operator=(const PseudonymKey& other) {
  std::memcpy(bytes_, other.bytes_, kBytes);
  return *this;
}

PseudonymKey::~PseudonymKey() { sodium_memzero(bytes_, kBytes); }

std::string Pseudonym(const PseudonymKey& key, std::string_view value) {
  EnsureSodium();
  unsigned char hash[16];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(value.data()),
                     value.size(), key.data(), PseudonymKey::kBytes);
  std::string out(kPseudonymPrefix);
  AppendHex(out, hash);
  return out;
}

}  // namespace isagw::policy
