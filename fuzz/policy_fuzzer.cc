// Fuzz target: the ISA policy loader (gateway/policy/loader.h) on one
// policy document, judged against the example registry's agencies.
// A refusal names code, reason, file and line, and is the same each time
// (policy files hold no personal data, so reasons may quote them); an
// accepted set names only known agencies and loads again to the same
// hash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "gateway/policy/loader.h"
#include "tests/support/example_gateway.h"

namespace {

const std::set<std::string>& KnownAgencies() {
  static const std::set<std::string> ids = [] {
    std::set<std::string> out;
    for (const auto& a : isagw::testing::ExampleGatewayState()->registry.agencies()) {
      out.insert(a.id);
    }
    return out;
  }();
  return ids;
}

auto Load(std::string_view text) {
  return isagw::policy::LoadPolicyDocuments({{"fuzz.yaml", std::string(text)}}, KnownAgencies());
}

void RequireWellFormed(const isagw::policy::PolicyErrors& errors) {
  using isagw::fuzz::Require;
  Require(!errors.empty(), "a refusal gives at least one reason");
  for (const auto& e : errors) {
    Require(!e.code.empty() && !e.reason.empty(), "every policy error has a code and a reason");
    Require(e.line >= 0 && e.column >= 0, "a policy error's line is not negative");
    Require(e.file.empty() || e.file == "fuzz.yaml", "a policy error names the file it is about");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using isagw::fuzz::Require;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto loaded = Load(text);
  // For triage: ISAGW_FUZZ_TRACE=1 prints the outcome.
  if (std::getenv("ISAGW_FUZZ_TRACE") != nullptr) {
    if (loaded.ok()) std::fprintf(stderr, "accepted %zu ISAs\n", loaded->agreements().size());
    for (const auto& e : loaded.ok() ? isagw::policy::PolicyErrors{} : loaded.error()) {
      std::fprintf(stderr, "refused %d %s: %s\n", e.line, e.code.c_str(), e.reason.c_str());
    }
  }
  if (!loaded.ok()) {
    RequireWellFormed(loaded.error());
    auto again = Load(text);
    Require(!again.ok() && again.error() == loaded.error(), "a policy is refused the same twice");
    return 0;
  }
  for (const auto& isa : loaded->agreements()) {
    for (const auto& party : isa.parties) {
      Require(KnownAgencies().contains(party.agency_id),
              "an accepted ISA names known agencies only");
    }
  }
  auto again = Load(text);
  Require(again.ok() && again->hash() == loaded->hash(), "a policy set loads the same twice");
  return 0;
}
