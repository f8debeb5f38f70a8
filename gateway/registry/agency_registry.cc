#include "gateway/registry/agency_registry.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <utility>

#include "gateway/common/ascii.h"

namespace isagw::registry {
namespace {

constexpr std::string_view kSanUriPrefix = "urn:isagw:agency:";
constexpr std::size_t kMaxNameLength = 200;

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool AllDigits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), IsAsciiDigit);
}

bool IsAgencyId(std::string_view id) {
  if (id.size() < 2 || id.size() > 63) return false;
  if (id.front() < 'a' || id.front() > 'z') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool IsForceCode(std::string_view code) {
  return code.size() >= 2 && code.size() <= 10 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool IsLaNumber(std::string_view text) { return text.size() == 3 && AllDigits(text); }

// ONS GSS code: a country letter and eight digits ("E06000015").
bool IsGssCode(std::string_view text) {
  return text.size() == 9 &&
         std::string_view("ENSW").find(text.front()) != std::string_view::npos &&
         AllDigits(text.substr(1));
}

// A postcode area ("WS") or district ("DE22", "WS7", "EC1A"), upper case.
bool IsPostcodeDistrictOrArea(std::string_view text) {
  std::size_t letters = 0;
  while (letters < text.size() && IsUpper(text[letters])) ++letters;
  if (letters < 1 || letters > 2) return false;
  std::string_view rest = text.substr(letters);
  if (rest.empty()) return true;  // a whole area
  if (!IsAsciiDigit(rest.front())) return false;
  if (rest.size() == 1) return true;
  if (rest.size() == 2) return IsAsciiDigit(rest[1]) || IsUpper(rest[1]);
  return false;
}

// The part of a SAN URI after "urn:isagw:agency:<kind word>:".
bool IsSanUriName(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
  });
}

std::string AgencyPointer(std::size_t index, std::string_view rest) {
  return "/agencies/" + std::to_string(index) + std::string(rest);
}

// Checks one agency's own values; appends errors.
void CheckAgency(const Agency& a, std::size_t i, FieldErrors& errors) {
  auto add = [&](std::string_view rest, std::string code, std::string reason) {
    errors.push_back({AgencyPointer(i, rest), std::move(code), std::move(reason)});
  };

  if (!IsAgencyId(a.id)) {
    add("/id", "pattern",
        "must be 2 to 63 lower-case letters, digits or hyphens, starting with a letter");
  }
  if (a.name.empty()) add("/name", "empty", "must not be empty");
  if (a.name.size() > kMaxNameLength) add("/name", "too_long", "must be at most 200 characters");

  // A duty endpoint stands in for the agency in duty_for: codes and routing
  // facts are that agency's, never its own, so no lookup can answer it.
  const bool duty = a.duty_for.has_value();
  const bool police = !duty && a.kind == AgencyKind::kPoliceForce;
  const bool la = !duty && a.kind == AgencyKind::kLocalAuthority;
  const bool provider = !duty && a.kind == AgencyKind::kProvider;
  if (duty) {
    const std::pair<std::string_view, const std::string*> codes[] = {
        {"/codes/force_code", &a.force_code},
        {"/codes/la_number", &a.la_number},
        {"/codes/gss_code", &a.gss_code}};
    for (const auto& [pointer, value] : codes) {
      if (!value->empty()) {
        add(pointer, "inconsistent", "a duty endpoint has no codes: they are its principal's");
      }
    }
  } else {
    if (police) {
      if (a.force_code.empty()) {
        add("/codes/force_code", "required", "is required for a police force");
      } else if (!IsForceCode(a.force_code)) {
        add("/codes/force_code", "pattern", "must be 2 to 10 upper-case letters");
      }
    } else if (!a.force_code.empty()) {
      add("/codes/force_code", "inconsistent", "only police forces have a force code");
    }
    if (la) {
      if (a.la_number.empty()) {
        add("/codes/la_number", "required", "is required for a local authority");
      } else if (!IsLaNumber(a.la_number)) {
        add("/codes/la_number", "la_number", "must be three digits");
      }
      if (a.gss_code.empty()) {
        add("/codes/gss_code", "required", "is required for a local authority");
      } else if (!IsGssCode(a.gss_code)) {
        add("/codes/gss_code", "pattern", "must be a country letter and eight digits");
      }
    } else {
      if (!a.la_number.empty()) {
        add("/codes/la_number", "inconsistent", "only local authorities have an LA number");
      }
      if (!a.gss_code.empty()) {
        add("/codes/gss_code", "inconsistent", "only local authorities have a GSS code");
      }
    }
  }

  const std::string kind_prefix =
      std::string(kSanUriPrefix) + std::string(SanUriKindWord(a.kind)) + ":";
  if (a.san_uri.empty()) {
    add("/identity/san_uri", "required", "is required");
  } else if (a.san_uri.size() > kMaxNameLength) {
    add("/identity/san_uri", "too_long", "must be at most 200 characters");
  } else if (a.san_uri.compare(0, kSanUriPrefix.size(), kSanUriPrefix) != 0) {
    add("/identity/san_uri", "pattern", "must start with urn:isagw:agency:");
  } else if (a.san_uri.compare(0, kind_prefix.size(), kind_prefix) != 0) {
    add("/identity/san_uri", "inconsistent",
        "must name this agency's kind: urn:isagw:agency:" + std::string(SanUriKindWord(a.kind)) +
            ":<name>");
  } else if (!IsSanUriName(std::string_view(a.san_uri).substr(kind_prefix.size()))) {
    add("/identity/san_uri", "pattern",
        "the name after the kind must be lower-case letters, digits, '-', '.' or '_'");
  }
  if (a.sha256_pin && NormaliseSha256Fingerprint(*a.sha256_pin) != *a.sha256_pin) {
    add("/identity/sha256", "pattern", "must be 64 lower-case hexadecimal digits");
  }

  auto check_formats = [&](const std::vector<adapters::Format>& formats, std::string_view key) {
    std::set<adapters::Format> seen;
    for (std::size_t j = 0; j < formats.size(); ++j) {
      if (!seen.insert(formats[j]).second) {
        add(std::string(key) + "/" + std::to_string(j), "duplicate", "format is listed twice");
      }
    }
  };
  check_formats(a.sends, "/formats/sends");
  check_formats(a.receives, "/formats/receives");
  if (duty) {
    // It gets its principal's copies as they are (checked across agencies).
    if (!a.sends.empty()) add("/formats/sends", "inconsistent", "a duty endpoint never sends");
    if (a.receives.empty()) {
      add("/formats/receives", "required",
          "a duty endpoint receives the first format its principal receives");
    }
  } else if (a.sends.empty() && a.receives.empty()) {
    add("/formats", "empty", "must list at least one format sent or received");
  }

  if (a.delivery == DeliveryMode::kPush) {
    if (!a.push) {
      add("/delivery/url", "required", "is required for push delivery");
    } else {
      if (!PushUrlHost(a.push->url)) {
        add("/delivery/url", "pattern", "must be an https:// URL with a host");
      }
      if (a.push->ca_file.empty())
        add("/delivery/ca_file", "required", "is required for push delivery");
      if (a.push->server_name.empty()) {
        add("/delivery/server_name", "required", "is required for push delivery");
      }
    }
  } else if (a.push) {
    add("/delivery/url", "inconsistent", "only push delivery has an endpoint");
  }

  if (a.rate_limit) {
    if (!(a.rate_limit->requests_per_second > 0 && a.rate_limit->requests_per_second <= 100000)) {
      add("/rate_limit/requests_per_second", "range", "must be above 0 and at most 100000");
    }
    if (a.rate_limit->burst < 1 || a.rate_limit->burst > 1000000) {
      add("/rate_limit/burst", "range", "must be between 1 and 1000000");
    }
  }

  auto check_list = [&](const std::vector<std::string>& list, std::string_view key, bool wanted,
                        std::string_view kind_text, bool (*valid)(std::string_view),
                        std::string_view valid_code, std::string_view valid_reason) {
    const std::string pointer = "/routing/" + std::string(key);
    if (!wanted) {
      if (!list.empty()) {
        add(pointer, "inconsistent", "only " + std::string(kind_text) + " have this routing fact");
      }
      return;
    }
    if (list.empty()) {
      add(pointer, "required", "is required for " + std::string(kind_text));
      return;
    }
    std::set<std::string_view> seen;
    for (std::size_t j = 0; j < list.size(); ++j) {
      const std::string item = pointer + "/" + std::to_string(j);
      if (!valid(list[j])) {
        add(item, std::string(valid_code), std::string(valid_reason));
      } else if (!seen.insert(list[j]).second) {
        add(item, "duplicate", "is listed twice");
      }
    }
  };
  if (duty) {
    const std::pair<std::string_view, const std::vector<std::string>*> routing[] = {
        {"/routing/covers_las", &a.covers_las},
        {"/routing/postcode_districts", &a.postcode_districts},
        {"/routing/commissioned_by", &a.commissioned_by}};
    for (const auto& [pointer, list] : routing) {
      if (!list->empty()) {
        add(pointer, "inconsistent",
            "a duty endpoint has no routing facts: routing never chooses it");
      }
    }
    return;
  }
  check_list(a.covers_las, "covers_las", police, "police forces", IsLaNumber, "la_number",
             "must be three digits");
  check_list(a.postcode_districts, "postcode_districts", la, "local authorities",
             IsPostcodeDistrictOrArea, "postcode",
             "must be an upper-case postcode district (DE22) or area (WS)");
  check_list(a.commissioned_by, "commissioned_by", provider, "providers", IsLaNumber, "la_number",
             "must be three digits");
}

// Urgent alerts' duty contacts, across agencies: an agency's contacts are
// its own duty endpoints, in order; a duty endpoint stands in for one
// agency of its kind that is not itself a duty endpoint, receives that
// agency's copies as they are (its first receives format), and is one of
// its contacts (else nothing would ever reach it). `by_id` holds each id's
// first entry.
void CheckDutyContacts(const std::vector<Agency>& agencies,
                       const std::map<std::string, std::size_t, std::less<>>& by_id,
                       FieldErrors& errors) {
  auto find = [&](std::string_view id) -> const Agency* {
    auto it = by_id.find(id);
    return it == by_id.end() ? nullptr : &agencies[it->second];
  };
  for (std::size_t i = 0; i < agencies.size(); ++i) {
    const Agency& a = agencies[i];
    auto add = [&](const std::string& rest, std::string code, std::string reason) {
      errors.push_back({AgencyPointer(i, rest), std::move(code), std::move(reason)});
    };

    if (a.duty_for) {
      if (!a.duty_contacts.empty()) {
        add("/duty_contacts", "inconsistent", "a duty endpoint has no duty contacts of its own");
      }
      const Agency* principal = find(*a.duty_for);
      if (*a.duty_for == a.id) {
        add("/duty_for", "inconsistent", "must name another agency, not this duty endpoint");
      } else if (principal == nullptr) {
        add("/duty_for", "unknown_reference", "no agency in the registry has this id");
      } else if (principal->duty_for) {
        add("/duty_for", "inconsistent",
            "names another duty endpoint: name the agency both stand in for");
      } else if (principal->kind != a.kind) {
        add("/duty_for", "inconsistent", "must name an agency of this entry's kind");
      } else {
        if (!a.receives.empty()) {
          if (principal->receives.empty()) {
            add("/formats/receives", "inconsistent",
                "the agency in duty_for receives no format, so has no copies to pass on");
          } else if (a.receives != std::vector<adapters::Format>{principal->receives.front()}) {
            add("/formats/receives", "inconsistent",
                "must be exactly the first format the agency in duty_for receives: its copies "
                "come as they are");
          }
        }
        if (std::find(principal->duty_contacts.begin(), principal->duty_contacts.end(), a.id) ==
            principal->duty_contacts.end()) {
          add("/duty_for", "inconsistent",
              "the agency in duty_for does not list this endpoint in duty_contacts, so nothing "
              "would reach it");
        }
      }
      continue;
    }

    if (a.duty_contacts.size() > kMaxDutyContacts) {
      add("/duty_contacts", "range",
          "must list at most " + std::to_string(kMaxDutyContacts) + " agency ids");
    }
    std::set<std::string_view> seen;
    for (std::size_t j = 0; j < a.duty_contacts.size(); ++j) {
      const std::string& id = a.duty_contacts[j];
      const std::string rest = "/duty_contacts/" + std::to_string(j);
      const Agency* contact = nullptr;
      if (id == a.id) {
        add(rest, "inconsistent", "must name one of this agency's duty endpoints, not itself");
      } else if (!seen.insert(id).second) {
        add(rest, "duplicate", "is listed twice");
      } else if ((contact = find(id)) == nullptr) {
        add(rest, "unknown_reference", "no agency in the registry has this id");
      } else if (contact->duty_for != a.id) {
        add(rest, "inconsistent", "must name a duty endpoint whose duty_for is this agency");
      }
    }
  }
}

// People's entries: their own values, and their agency (by_id indexes
// `agencies`). Uniqueness is checked by Create with the indexes.
void CheckPeople(const std::vector<Person>& people, const std::vector<Agency>& agencies,
                 const std::map<std::string, std::size_t, std::less<>>& by_id,
                 FieldErrors& errors) {
  for (std::size_t i = 0; i < people.size(); ++i) {
    const Person& p = people[i];
    auto add = [&](std::string_view rest, std::string code, std::string reason) {
      errors.push_back(
          {"/people/" + std::to_string(i) + std::string(rest), std::move(code), std::move(reason)});
    };
    if (!IsAgencyId(p.id)) {
      add("/id", "pattern", "must be 2-63 of a-z, 0-9 and '-', starting with a letter");
    }
    if (p.role == PersonRole::kOperator) {
      if (!p.agency_id.empty()) {
        add("/agency", "inconsistent", "an operator is the gateway's own staff: leave agency out");
      }
    } else if (p.agency_id.empty()) {
      add("/agency", "required", "coordinators and auditors work for an agency: name it");
    } else if (auto it = by_id.find(p.agency_id); it == by_id.end()) {
      add("/agency", "unknown_reference", "no agency in the registry has this id");
    } else if (agencies[it->second].duty_for) {
      add("/agency", "inconsistent",
          "a duty endpoint stands in for an agency: name the agency itself");
    }
    if (p.sha256_pin && NormaliseSha256Fingerprint(*p.sha256_pin) != *p.sha256_pin) {
      add("/identity/sha256", "pattern", "must be 64 lower-case hexadecimal digits");
    }
    if (p.san_uri.empty()) {
      add("/identity/san_uri", "required", "is required");
    } else if (p.san_uri != PersonSanUri(p.agency_id, p.id)) {
      add("/identity/san_uri", "inconsistent",
          "must be urn:isagw:user:<agency>:<id> with this entry's agency (gateway for an "
          "operator) and id");
    }
  }
}

}  // namespace

Result<AgencyRegistry, FieldErrors> AgencyRegistry::Create(std::vector<Agency> agencies,
                                                           std::vector<Person> people) {
  FieldErrors errors;
  AgencyRegistry registry;

  // Puts `key` -> agency i in `index`, or reports the clash at `pointer`.
  auto claim = [&](Index& index, const std::string& key, std::size_t i, std::string_view rest,
                   std::string_view what) {
    if (key.empty()) return;
    auto [it, inserted] = index.emplace(key, i);
    if (!inserted) {
      errors.push_back({AgencyPointer(i, rest), "duplicate",
                        std::string(what) + " is already claimed by agencies[" +
                            std::to_string(it->second) + "]"});
    }
  };

  Index by_pin;
  for (std::size_t i = 0; i < agencies.size(); ++i) {
    const Agency& a = agencies[i];
    CheckAgency(a, i, errors);
    claim(registry.by_id_, a.id, i, "/id", "this id");
    claim(registry.by_san_uri_, a.san_uri, i, "/identity/san_uri", "this SAN URI");
    if (a.sha256_pin) claim(by_pin, *a.sha256_pin, i, "/identity/sha256", "this fingerprint");
    // A duty endpoint's codes and routing facts are already refused; left out
    // of the indexes, no routing lookup can ever answer it.
    if (a.duty_for) continue;
    claim(registry.by_force_code_, a.force_code, i, "/codes/force_code", "this force code");
    claim(registry.by_la_number_, a.la_number, i, "/codes/la_number", "this LA number");
    for (std::size_t j = 0; j < a.covers_las.size(); ++j) {
      claim(registry.force_for_la_, a.covers_las[j], i, "/routing/covers_las/" + std::to_string(j),
            "this LA");
    }
    for (std::size_t j = 0; j < a.postcode_districts.size(); ++j) {
      claim(registry.la_for_district_, a.postcode_districts[j], i,
            "/routing/postcode_districts/" + std::to_string(j), "this postcode district");
    }
    for (std::size_t j = 0; j < a.commissioned_by.size(); ++j) {
      claim(registry.provider_for_la_, a.commissioned_by[j], i,
            "/routing/commissioned_by/" + std::to_string(j), "this LA's RHI commission");
    }
  }

  // GSS codes are unique too, though nothing looks agencies up by them.
  Index by_gss;
  for (std::size_t i = 0; i < agencies.size(); ++i) {
    if (!agencies[i].duty_for) {
      claim(by_gss, agencies[i].gss_code, i, "/codes/gss_code", "this GSS code");
    }
  }

  // A provider's commissioners must be LAs here: they send its referrals.
  // Skipped while some LA's own number is wrong: that error says it all.
  const bool la_numbers_valid = std::all_of(agencies.begin(), agencies.end(), [](const Agency& a) {
    return a.kind != AgencyKind::kLocalAuthority || a.duty_for || IsLaNumber(a.la_number);
  });
  for (std::size_t i = 0; la_numbers_valid && i < agencies.size(); ++i) {
    const Agency& a = agencies[i];
    for (std::size_t j = 0; j < a.commissioned_by.size(); ++j) {
      if (registry.by_la_number_.find(a.commissioned_by[j]) == registry.by_la_number_.end()) {
        errors.push_back({AgencyPointer(i, "/routing/commissioned_by/" + std::to_string(j)),
                          "unknown_reference",
                          "no local authority in the registry has this number"});
      }
    }
  }

  CheckDutyContacts(agencies, registry.by_id_, errors);

  CheckPeople(people, agencies, registry.by_id_, errors);
  Index person_by_pin;
  for (std::size_t i = 0; i < people.size(); ++i) {
    const Person& p = people[i];
    auto claim_person = [&](Index& index, const std::string& key, std::string_view rest,
                            std::string_view what) {
      if (key.empty()) return;
      auto [it, inserted] = index.emplace(key, i);
      if (!inserted) {
        errors.push_back({"/people/" + std::to_string(i) + std::string(rest), "duplicate",
                          std::string(what) + " is already claimed by people[" +
                              std::to_string(it->second) + "]"});
      }
    };
    claim_person(registry.person_by_id_, p.id, "/id", "this id");
    claim_person(registry.person_by_san_uri_, p.san_uri, "/identity/san_uri", "this SAN URI");
    if (p.sha256_pin) {
      // One certificate is one identity: never an agency's and a person's.
      if (auto it = by_pin.find(*p.sha256_pin); it != by_pin.end()) {
        errors.push_back({"/people/" + std::to_string(i) + "/identity/sha256", "duplicate",
                          "this fingerprint is already claimed by agencies[" +
                              std::to_string(it->second) + "]"});
      } else {
        claim_person(person_by_pin, *p.sha256_pin, "/identity/sha256", "this fingerprint");
      }
    }
  }

  if (!errors.empty()) return Fail(std::move(errors));
  registry.agencies_ = std::move(agencies);
  registry.people_ = std::move(people);
  return registry;
}

const Agency* AgencyRegistry::Lookup(const Index& index, std::string_view key) const {
  auto it = index.find(key);
  return it == index.end() ? nullptr : &agencies_[it->second];
}

const Agency* AgencyRegistry::FindById(std::string_view id) const { return Lookup(by_id_, id); }

const Agency* AgencyRegistry::FindBySanUri(std::string_view san_uri) const {
  return Lookup(by_san_uri_, san_uri);
}

const Person* AgencyRegistry::FindPersonById(std::string_view id) const {
  auto it = person_by_id_.find(id);
  return it == person_by_id_.end() ? nullptr : &people_[it->second];
}

const Person* AgencyRegistry::FindPersonBySanUri(std::string_view san_uri) const {
  auto it = person_by_san_uri_.find(san_uri);
  return it == person_by_san_uri_.end() ? nullptr : &people_[it->second];
}

const Agency* AgencyRegistry::FindByForceCode(std::string_view force_code) const {
  return Lookup(by_force_code_, force_code);
}

const Agency* AgencyRegistry::FindByLaNumber(std::string_view la_number) const {
  return Lookup(by_la_number_, la_number);
}

const Agency* AgencyRegistry::ForceCoveringLa(std::string_view la_number) const {
  return Lookup(force_for_la_, la_number);
}

const Agency* AgencyRegistry::LaOwningPostcodeDistrict(
    std::string_view district_or_postcode) const {
  std::string district(district_or_postcode.substr(0, district_or_postcode.find(' ')));
  for (char& c : district) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (const Agency* a = Lookup(la_for_district_, district)) return a;
  std::size_t letters = 0;
  while (letters < district.size() && IsUpper(district[letters])) ++letters;
  if (letters == 0 || letters == district.size()) return nullptr;
  return Lookup(la_for_district_, std::string_view(district).substr(0, letters));
}

const Agency* AgencyRegistry::ProviderCommissionedBy(std::string_view la_number) const {
  return Lookup(provider_for_la_, la_number);
}

const Agency* AgencyRegistry::DutyContact(const Agency& principal, std::size_t step) const {
  if (step >= principal.duty_contacts.size()) return nullptr;
  return FindById(principal.duty_contacts[step]);
}

std::string NormaliseSha256Fingerprint(std::string_view text) {
  std::string hex;
  hex.reserve(64);
  for (char c : text) {
    if (c == ':') continue;
    const auto u = static_cast<unsigned char>(c);
    if (std::isxdigit(u) == 0) return "";
    hex.push_back(static_cast<char>(std::tolower(u)));
  }
  return hex.size() == 64 ? hex : "";
}

}  // namespace isagw::registry
