// Files a tool writes about children (reports, subject searches) are read
// by the person who ran it and nobody else: mode 0600 whatever the umask,
// narrowed if the file existed with a wider mode.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "gateway/common/result.h"

namespace isagw::cli {

// Replaces the content of `path` with `bytes`, owner read/write only.
// Refuses a symbolic link at `path`. The error names the file and the
// system's reason, never the content.
Result<Ok, std::string> WritePrivateFile(const std::filesystem::path& path, std::string_view bytes);

}  // namespace isagw::cli
