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

// One event per input (compact record, council XML, RHI, canonical).
template <typename Decode, typename Encode, typename Values>
void CheckRoundTrip(std::string_view bytes, Decode decode, Encode encode, Values values) {
  const adapters::DecodeOptions options;
  auto first = decode(bytes, options);
  if (!first.ok()) {
    RequireWellFormedRefusal(bytes, first.error(), values(bytes), RefusalOf(decode));
    return;
  }
  auto encoded = encode(first->event);
  if (!encoded.ok()) {
    RequireOnlyNotRepresentable(encoded.error());
    return;
  }
  auto second = decode(*encoded, options);
  Require(second.ok(), "what an adapter encoded, it decodes");
  RequireSameCanonical(first->event, second->event);
}

// A batch per input (NDJSON, CSV): all or nothing, in order.
template <typename Decode, typename Encode, typename Values>
void CheckBatchRoundTrip(std::string_view bytes, Decode decode, Encode encode, Values values) {
  const adapters::DecodeOptions options;
  auto first = decode(bytes, options);
  if (!first.ok()) {
    RequireWellFormedRefusal(bytes, first.error(), values(bytes), RefusalOf(decode));
    return;
  }
  std::vector<model::Event> events;
  for (const auto& decoded : *first) events.push_back(decoded.event);
  auto encoded = encode(events);
  if (!encoded.ok()) {
    RequireOnlyNotRepresentable(encoded.error());
    return;
  }
  auto second = decode(*encoded, options);
  Require(second.ok(), "what an adapter encoded, it decodes");
  Require(second->size() == first->size(), "a re-encoded batch keeps every record");
  for (std::size_t i = 0; i < first->size(); ++i) {
    RequireSameCanonical((*first)[i].event, (*second)[i].event);
  }
}

}  // namespace isagw::fuzz
