// Loading the agency registry from YAML (certs-example/registry.yaml is the
// example; docs/operations.md lists every key). Everything is checked before
// anything is returned: a registry with any error is refused whole, and
// every error names the file, line and key.
#pragma once

#include <filesystem>

#include "gateway/common/result.h"
#include "gateway/config/config_error.h"
#include "gateway/registry/agency_registry.h"

namespace isagw::registry {

// Relative paths in the file (push endpoints' ca_file) are taken from the
// file's own directory.
Result<AgencyRegistry, config::ConfigErrors> LoadAgencyRegistry(const std::filesystem::path& path);

}  // namespace isagw::registry
