// Child keys: how the gateway recognises the same child across messages
// from different agencies without storing who the child is. Each key is a
// keyed BLAKE2b-256 (the GatewayState's child-linking key) of one
// identifier, labelled so identifiers never collide:
//   "nhs:"  + hex  of the NHS number (digits only)
//   "ndob:" + hex  of normalised surname|forename|date of birth
// A link stored under one key is found by any message yielding that key.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "gateway/model/event.h"

namespace isagw::pipeline {

using ChildLinkKey = std::array<std::uint8_t, 32>;

// Every key the event's child yields, NHS key first; empty when the event
// names no child well enough.
std::vector<std::string> ChildKeysOf(const model::Child& child, const ChildLinkKey& key);

}  // namespace isagw::pipeline
