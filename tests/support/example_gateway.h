// The example deployment's decision state (certs-example/registry.yaml,
// policies/) with fixed keys, for tests, fuzz targets and benchmarks.
// Without GoogleTest, so a fuzzer or a benchmark can use it; dies on a
// broken example, which no test could start from.
#pragma once

#include <memory>

#include "gateway/crypto/sealer.h"
#include "gateway/pipeline/gateway_state.h"

namespace isagw::testing {

// Made once per process and shared.
std::shared_ptr<const pipeline::GatewayState> ExampleGatewayState();

// A sealer holding a fixed key for every scope the example ISAs use.
std::shared_ptr<const crypto::Sealer> ExampleSealer();

}  // namespace isagw::testing
