// Canonical events for the compact adapter's tests, read from the
// canonical examples (docs/examples/canonical/) with the canonical adapter.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "adapters/canonical/canonical.h"

namespace isagw::adapters::compact::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline model::Event CanonicalEvent(const std::string& text) {
  auto decoded = canonical::Decode(text, {});
  if (!decoded.ok()) {
    std::string errors;
    for (const auto& e : decoded.error()) errors += e.pointer + " " + e.code + "; ";
    ADD_FAILURE() << "canonical decode failed: " << errors;
    return {};
  }
  return decoded->event;
}

// docs/examples/canonical/all-fields.json: every field of the model set.
inline model::Event AllFieldsEvent() {
  return CanonicalEvent(
      ReadFile(std::string(ISAGW_SOURCE_DIR) + "/docs/examples/canonical/all-fields.json"));
}

// Every leaf of a JSON document by its JSON Pointer.
inline void Flatten(const nlohmann::json& value, const std::string& pointer,
                    std::map<std::string, nlohmann::json>& out) {
  if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      Flatten(member, JoinPointer(pointer, key), out);
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      Flatten(value[i], pointer + "/" + std::to_string(i), out);
    }
  } else {
    out[pointer] = value;
  }
}

}  // namespace isagw::adapters::compact::testing
