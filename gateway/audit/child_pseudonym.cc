#include "gateway/audit/child_pseudonym.h"

#include <sodium.h>

#include <algorithm>

namespace isagw::audit {
namespace {

constexpr std::string_view kPrefix = "cp:";
constexpr std::size_t kHashBytes = 16;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

ChildIdentifiers IdentifiersOf(const model::Event& event) {
  ChildIdentifiers ids;
  ids.nhs_number = event.child.nhs_number;
  if (event.child.council_person_id) {
    ids.council_person = ChildIdentifiers::CouncilPerson{
        event.child.council_person_id->la.value_or(""), event.child.council_person_id->person_id};
  }
  if (event.episode.police_ref) ids.police_refs.push_back(*event.episode.police_ref);
  if (event.rhi) {
    for (const std::string& ref : event.rhi->police_refs) ids.police_refs.push_back(ref);
  }
  return ids;
}

std::optional<ChildPseudonym> ChildPseudonym::Parse(std::string_view text) {
  if (text.size() != kPrefix.size() + 2 * kHashBytes || !text.starts_with(kPrefix)) {
    return std::nullopt;
  }
  if (!std::all_of(text.begin() + kPrefix.size(), text.end(), IsLowerHex)) return std::nullopt;
  return ChildPseudonym(std::string(text));
}

ChildPseudonym ChildPseudonymizer::Of(std::string_view labelled) const {
  const auto hash = key_.KeyedHash(KeyPurpose::kChildPseudonym, labelled);
  std::string hex(2 * kHashBytes + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), hash.data(), kHashBytes);
  hex.pop_back();
  return ChildPseudonym(std::string(kPrefix) + hex);
}

Result<ChildPseudonym, std::string> ChildPseudonymizer::OfIdentifier(std::string_view kind,
                                                                     std::string_view text) const {
  const auto all_digits = [](std::string_view t) {
    return std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (kind == "nhs_number") {
    std::string digits;
    for (char c : text) {
      if (c != ' ' && c != '-') digits.push_back(c);
    }
    if (digits.size() != 10 || !all_digits(digits)) {
      return Fail(std::string("an NHS number is 10 digits"));
    }
    return OfNhsNumber(digits);
  }
  if (kind == "police_ref") {
    if (text.empty()) return Fail(std::string("the police reference is empty"));
    return OfPoliceRef(text);
  }
  if (kind == "person_id") {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon + 1 == text.size() ||
        !(colon == 0 || (colon == 3 && all_digits(text.substr(0, 3))))) {
      return Fail(std::string("a council person id is LA:ID, LA a DfE 3-digit LA number"));
    }
    return OfCouncilPerson(text.substr(0, colon), text.substr(colon + 1));
  }
  return Fail(std::string("the identifier is an NHS number, a police reference or a person id"));
}

ChildPseudonym ChildPseudonymizer::OfNhsNumber(std::string_view nhs_number) const {
  std::string digits = "nhs:";
  for (char c : nhs_number) {
    if (c != ' ' && c != '-') digits.push_back(c);
  }
  return Of(digits);
}

ChildPseudonym ChildPseudonymizer::OfCouncilPerson(std::string_view la,
                                                   std::string_view person_id) const {
  // The LA number has no ':', so "council:<la>:<id>" reads back one way only.
  std::string labelled = "council:";
  labelled += Trim(la);
  labelled += ':';
  labelled += Trim(person_id);
  return Of(labelled);
}

ChildPseudonym ChildPseudonymizer::OfPoliceRef(std::string_view police_ref) const {
  std::string labelled = "police:";
  for (char c : Trim(police_ref)) {
    labelled.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return Of(labelled);
}

std::optional<ChildPseudonym> ChildPseudonymizer::Primary(const ChildIdentifiers& ids) const {
  if (ids.nhs_number) return OfNhsNumber(*ids.nhs_number);
  if (ids.council_person) {
    return OfCouncilPerson(ids.council_person->la, ids.council_person->person_id);
  }
  if (!ids.police_refs.empty()) return OfPoliceRef(ids.police_refs.front());
  return std::nullopt;
}

std::vector<ChildPseudonym> ChildPseudonymizer::All(const ChildIdentifiers& ids) const {
  std::vector<ChildPseudonym> out;
  const auto add = [&out](ChildPseudonym p) {
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(std::move(p));
  };
  if (ids.nhs_number) add(OfNhsNumber(*ids.nhs_number));
  if (ids.council_person)
    add(OfCouncilPerson(ids.council_person->la, ids.council_person->person_id));
  for (const std::string& ref : ids.police_refs) add(OfPoliceRef(ref));
  return out;
}

}  // namespace isagw::audit
