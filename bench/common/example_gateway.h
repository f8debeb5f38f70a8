// The example deployment's decision state (certs-example/registry.yaml,
// policies/) with fixed keys, for benchmarks: what tests/pipeline's
// fixture builds, without GoogleTest. Dies on a broken example.
#pragma once

#include <memory>

#include "gateway/crypto/sealer.h"
#include "gateway/pipeline/gateway_state.h"

namespace isagw::bench {

const pipeline::GatewayState& ExampleGatewayState();

// A sealer holding a fixed key for every scope the example ISAs use.
std::shared_ptr<const crypto::Sealer> ExampleSealer();

}  // namespace isagw::bench
