#include "gateway/pipeline/child_key.h"

#include <sodium.h>

#include <cctype>

#include "gateway/common/hex.h"
namespace isagw::pipeline {
namespace {

std::string KeyedHex(std::string_view label, std::string_view data, const ChildLinkKey& key) {
  std::array<unsigned char, 32> out{};
  const std::string input = std::string(label) + std::string(data);
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(input.data()),
                     input.size(), key.data(), key.size());
  std::string text(label);
  AppendHex(text, out);
  return text;
}

// Case, spaces and punctuation vary between systems ("O'Neil", "o neil"):
// keep letters and digits only, lower-cased. Non-ASCII bytes are kept.
std::string NormaliseName(std::string_view name) {
  std::string out;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      out.push_back(c);
    } else if (std::isalnum(u) != 0) {
      out.push_back(static_cast<char>(std::tolower(u)));
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> ChildKeysOf(const model::Child& child, const ChildLinkKey& key) {
  std::vector<std::string> keys;
  if (child.nhs_number) {
    std::string digits;
    for (char c : *child.nhs_number) {
      if (std::isdigit(static_cast<unsigned char>(c)) != 0) digits.push_back(c);
    }
    if (digits.size() == 10) keys.push_back(KeyedHex("nhs:", digits, key));
  }
  if (child.surname && child.forename && child.date_of_birth) {
    const std::string surname = NormaliseName(*child.surname);
    const std::string forename = NormaliseName(*child.forename);
    if (!surname.empty() && !forename.empty()) {
      keys.push_back(KeyedHex(
          "ndob:", surname + "|" + forename + "|" + model::FormatDate(*child.date_of_birth), key));
    }
  }
  return keys;
}

}  // namespace isagw::pipeline
