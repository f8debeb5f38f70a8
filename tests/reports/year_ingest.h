// Feeds a generated year (year_generator.h) through the real ingest
// pipeline, for tests and benchmarks (no GoogleTest here).
//
// The generator writes canonical JSON for every agency, but the example
// registry lets only la-bradford send canonical: the pipeline's first step
// (format among the agency's `sends`) would refuse the rest with 415. So
// each message is decoded here as canonical, strictly, and handed to
// IngestPipeline::SubmitDecoded, which runs every later step (idempotency,
// kind and sender checks, correlation, routing, ISAs, redaction, encoding,
// timers, audit, commit) exactly as for a message that arrived in the
// sender's own format. The native formats could not carry the year as it
// is: compact police records have no NHS number, which is the key a
// placement notification's link is stored under (docs/pipeline.md).
#pragma once

#include <string>

#include "gateway/common/result.h"
#include "gateway/pipeline/gateway_state.h"
#include "gateway/pipeline/ingest_pipeline.h"
#include "tests/reports/year_generator.h"

namespace isagw::reports::testing {

// One message, received at its received_at, under the idempotency key
// "year:" + its header message_id. A decode failure is answered 400 with
// the field errors, as the pipeline would.
pipeline::IngestAnswer SubmitGenerated(pipeline::IngestPipeline& pipeline,
                                       const pipeline::GatewayState& state,
                                       const GeneratedMessage& message);

// Every message in order. The number accepted (202), or at the first
// other answer a description: its index, sender, status and problem body
// (which never holds a value from the message).
Result<int, std::string> IngestYear(pipeline::IngestPipeline& pipeline,
                                    const pipeline::GatewayState& state, const GeneratedYear& year);

}  // namespace isagw::reports::testing
