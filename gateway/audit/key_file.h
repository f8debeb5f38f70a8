// Small secret files for the audit's own keys: one base64 line, owner-only
// (mode 0600), written with O_EXCL so an existing key is never replaced.
// Shared by the audit key (audit_key.h) and the checkpoint signing key
// (signing_key.h). Errors name the file, never its content.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "gateway/common/result.h"

namespace isagw::audit {

struct KeyFileError {
  std::string path;
  std::string reason;  // never contains key material
};

// Reads exactly `size` bytes of base64 from `path` into `out`. Refuses files
// that group or others can read, and anything but exactly `size` bytes.
Result<Ok, KeyFileError> ReadKeyFile(const std::filesystem::path& path, unsigned char* out,
                                     std::size_t size);

// Writes `bytes` as one base64 line to a new file `path`, mode `mode`.
Result<Ok, KeyFileError> WriteNewKeyFile(const std::filesystem::path& path,
                                         const unsigned char* bytes, std::size_t size,
                                         unsigned mode);

std::string Base64Of(const unsigned char* bytes, std::size_t size);
// Decodes base64 of exactly `size` bytes; false otherwise.
bool FromBase64(std::string_view text, unsigned char* out, std::size_t size);

}  // namespace isagw::audit
