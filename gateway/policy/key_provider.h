// Where pseudonymisation keys come from: one key per ISA, kept outside
// the policy files (a policy file is reviewed and shared; a key must not
// be). A field whose ISA has no key is withheld, never sent in clear.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/common/result.h"
#include "gateway/policy/policy_error.h"
#include "gateway/policy/transforms.h"

namespace isagw::policy {

class KeyProvider {
 public:
  virtual ~KeyProvider() = default;
  // The key of ISA `isa_id`, or nullopt when there is none.
  virtual std::optional<PseudonymKey> KeyFor(std::string_view isa_id) const = 0;
};

// Keys held in memory. Immutable once handed to the pipeline.
class KeyRing final : public KeyProvider {
 public:
  void Add(std::string isa_id, const PseudonymKey& key);
  std::optional<PseudonymKey> KeyFor(std::string_view isa_id) const override;
  std::size_t size() const { return keys_.size(); }

 private:
  std::map<std::string, PseudonymKey, std::less<>> keys_;
};

// Reads every "<ISA id>.key" file directly inside `dir`: 64 hex digits
// (32 bytes) and an optional final newline. A key file that group or
// others may read, or that is malformed, refuses the whole directory, so
// a mistake is found at start-up rather than as missing fields later.
// Errors never quote a key.
Result<KeyRing, PolicyErrors> LoadKeyDirectory(const std::filesystem::path& dir);

}  // namespace isagw::policy
