// Fuzz target: the canonical decoder (adapters/canonical), with the round-trip
// and refusal properties of round_trip.h.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/canonical/canonical.h"
#include "fuzz/round_trip.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  isagw::fuzz::CheckRoundTrip(
      bytes,
      [](std::string_view b, const isagw::adapters::DecodeOptions& o) {
        return isagw::adapters::canonical::Decode(b, o);
      },
      [](const isagw::model::Event& e) { return isagw::adapters::canonical::Encode(e); },
      isagw::fuzz::JsonValues);
  return 0;
}
