// Fuzz target: police ndjson batches (adapters/compact), all or nothing,
// with the batch round-trip and refusal properties of round_trip.h.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/compact/compact.h"
#include "fuzz/round_trip.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  isagw::fuzz::CheckBatchRoundTrip(
      bytes,
      [](std::string_view b, const isagw::adapters::DecodeOptions& o) {
        return isagw::adapters::compact::DecodeNdjson(b, o);
      },
      [](const std::vector<isagw::model::Event>& e) {
        return isagw::adapters::compact::EncodeNdjson(e);
      },
      isagw::fuzz::NdjsonValues);
  return 0;
}
