// Shared helpers for the council-xml adapter tests.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gateway/common/field_error.h"
#include "gateway/model/event.h"
#include "tests/common/field_errors_text.h"

namespace isagw::adapters::council_xml::testing {

std::filesystem::path SourceDir();
std::filesystem::path CouncilExamplesDir();  // docs/examples/council-xml
std::string ReadFile(const std::filesystem::path& path);
// docs/examples/council-xml/*.xml, sorted.
std::vector<std::filesystem::path> CouncilExamples();

// An Event from canonical JSON text or file (the canonical adapter's
// full checks); fails the test when it does not decode.
model::Event EventFromCanonical(const nlohmann::json& document);
model::Event EventFromCanonicalFile(const std::filesystem::path& path);
nlohmann::json CanonicalJson(const model::Event& event);

// Every leaf of a JSON document by its JSON Pointer.
std::map<std::string, nlohmann::json> Leaves(const nlohmann::json& document);

// Small valid documents for tests to change one thing in.
std::string MissingNotificationXml();
std::string RhiSummaryXml();
std::string EscalationXml();

// Printable form of errors for failure messages.
using ::isagw::testing::Describe;

// `text` with `from` replaced by `to`; fails the test unless `from`
// occurs exactly once.
std::string ReplaceOnce(const std::string& text, const std::string& from, const std::string& to);

}  // namespace isagw::adapters::council_xml::testing
