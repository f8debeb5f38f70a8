#include "gateway/policy/key_provider.h"

#include <sodium.h>

#include <fstream>

namespace isagw::policy {

void KeyRing::Add(std::string isa_id, const PseudonymKey& key) {
  keys_.insert_or_assign(std::move(isa_id), key);
}

std::optional<PseudonymKey> KeyRing::KeyFor(std::string_view isa_id) const {
  auto it = keys_.find(isa_id);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

Result<KeyRing, PolicyErrors> LoadKeyDirectory(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  PolicyErrors errors;
  KeyRing ring;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    errors.push_back({dir.string(), 0, 0, "", "io", "the key directory cannot be read"});
    return Fail(std::move(errors));
  }
  for (const auto& entry : it) {
    if (entry.path().extension() != ".key") continue;
    const std::string name = entry.path().filename().string();
    const std::string isa_id = entry.path().stem().string();
    const fs::perms perms = entry.status(ec).permissions();
    if (ec || !entry.is_regular_file(ec)) {
      errors.push_back({name, 0, 0, "", "io", "not a readable regular file"});
      continue;
    }
    if ((perms & (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none) {
      errors.push_back({name, 0, 0, "", "key_permissions",
                        "a key file must be readable by its owner only (chmod 600)"});
      continue;
    }
    // A key file is 64 hex digits and a newline: read a little more than
    // that, so a longer file is refused rather than cut short.
    char buffer[2 * PseudonymKey::kBytes + 2];
    std::ifstream in(entry.path(), std::ios::binary);
    in.read(buffer, sizeof buffer);
    std::string text(buffer, static_cast<std::size_t>(in.gcount()));
    sodium_memzero(buffer, sizeof buffer);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    unsigned char bytes[PseudonymKey::kBytes];
    // libsodium's decoder takes constant time: the key's digits do not
    // show in how long reading it took.
    std::size_t decoded = 0;
    const char* end = nullptr;
    bool ok = text.size() == 2 * PseudonymKey::kBytes &&
              sodium_hex2bin(bytes, sizeof bytes, text.data(), text.size(), nullptr, &decoded,
                             &end) == 0 &&
              decoded == PseudonymKey::kBytes && end == text.data() + text.size();
    sodium_memzero(text.data(), text.size());
    if (!ok) {
      errors.push_back({name, 0, 0, "", "key_format", "a key file holds 64 hex digits"});
      sodium_memzero(bytes, sizeof bytes);
      continue;
    }
    ring.Add(isa_id, PseudonymKey(bytes));
    sodium_memzero(bytes, sizeof bytes);
  }
  if (!errors.empty()) return Fail(std::move(errors));
  return ring;
}

}  // namespace isagw::policy
