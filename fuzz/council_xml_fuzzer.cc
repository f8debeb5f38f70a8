// Fuzz target: the council case-system XML decoder (adapters/council_xml),
// with the round-trip and refusal properties of round_trip.h. The dictionary
// (dict/xml.dict) brings DTDs, entities and XInclude to it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/council_xml/council_xml.h"
#include "fuzz/round_trip.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  isagw::fuzz::CheckRoundTrip(
      bytes,
      [](std::string_view b, const isagw::adapters::DecodeOptions& o) {
        return isagw::adapters::council_xml::Decode(b, o);
      },
      [](const isagw::model::Event& e) { return isagw::adapters::council_xml::Encode(e); },
      isagw::fuzz::XmlValues);
  return 0;
}
