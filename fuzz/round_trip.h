// The property every decoder's fuzz target checks (issue 15): decode; a
// refusal is well formed (fuzz_check.h); a success re-encodes in the same
// format, and that decodes to the same canonical value. An adapter may
// refuse to encode only what its format cannot carry ("not_representable").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.h"
#include "adapters/canonical/canonical.h"
#include "fuzz/fuzz_check.h"

namespace isagw::fuzz {

// `decode` as a Refuse: its errors, or none when it accepts.
template <typename Decode>
Refuse RefusalOf(Decode decode) {
  return [decode](std::string_view bytes) {
    auto decoded = decode(bytes, adapters::DecodeOptions{});
    return decoded.ok() ? FieldErrors{} : decoded.error();
  };
}

inline void RequireOnlyNotRepresentable(const FieldErrors& errors) {
  for (const FieldError& e : errors) {
    Require(e.code == "not_representable",
            "a decoded event re-encodes in its own format, or is not_representable");
  }
}

inline void RequireSameCanonical(const model::Event& first, const model::Event& second) {
  Require(adapters::canonical::ToJson(first) == adapters::canonical::ToJson(second),
          "decode(encode(decode(x))) is decode(x)");
}

// The steps every shape shares: `events_of` lists the events a decode
// gave, `encode_events` encodes such a list back in the same format.
template <typename Decode, typename EventsOf, typename EncodeEvents, typename Values>
void CheckRoundTripWith(std::string_view bytes, Decode decode, EventsOf events_of,
                        EncodeEvents encode_events, Values values) {
  const adapters::DecodeOptions options;
  auto first = decode(bytes, options);
  if (!first.ok()) {
    RequireWellFormedRefusal(bytes, first.error(), values(bytes), RefusalOf(decode));
    return;
  }
  const std::vector<model::Event> events = events_of(*first);
  auto encoded = encode_events(events);
  if (!encoded.ok()) {
    RequireOnlyNotRepresentable(encoded.error());
    return;
  }
  auto second = decode(*encoded, options);
  Require(second.ok(), "what an adapter encoded, it decodes");
  const std::vector<model::Event> again = events_of(*second);
  Require(again.size() == events.size(), "a re-encoded batch keeps every record");
  for (std::size_t i = 0; i < events.size(); ++i) RequireSameCanonical(events[i], again[i]);
}

// One event per input (compact record, council XML, RHI, canonical).
template <typename Decode, typename Encode, typename Values>
void CheckRoundTrip(std::string_view bytes, Decode decode, Encode encode, Values values) {
  CheckRoundTripWith(
      bytes, decode, [](const auto& decoded) { return std::vector<model::Event>{decoded.event}; },
      [&encode](const std::vector<model::Event>& events) { return encode(events.front()); },
      values);
}

// A batch per input (NDJSON, CSV): all or nothing, in order.
template <typename Decode, typename Encode, typename Values>
void CheckBatchRoundTrip(std::string_view bytes, Decode decode, Encode encode, Values values) {
  CheckRoundTripWith(
      bytes, decode,
      [](const auto& batch) {
        std::vector<model::Event> events;
        for (const auto& decoded : batch) events.push_back(decoded.event);
        return events;
      },
      encode, values);
}

}  // namespace isagw::fuzz
