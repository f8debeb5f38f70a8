#include "tests/reports/year_ingest.h"

#include <utility>

#include "adapters/translator.h"
#include "gateway/common/problem.h"

namespace isagw::reports::testing {

pipeline::IngestAnswer SubmitGenerated(pipeline::IngestPipeline& pipeline,
                                       const pipeline::GatewayState& state,
                                       const GeneratedMessage& message) {
  pipeline::IngestRequest request{message.sender, adapters::Format::kCanonical,
                                  message.canonical_json, std::nullopt, message.received_at};
  auto decoded = adapters::DecodeAs(adapters::Format::kCanonical, message.canonical_json, {});
  if (!decoded.ok()) {
    Problem problem;
    problem.type = problem_type::kInvalidMessage;
    problem.title = "Invalid message";
    problem.status = 400;
    problem.detail = "the generated message is not valid canonical JSON";
    problem.errors = decoded.error();
    return pipeline::IngestAnswer{400, problem.ToJson(), std::nullopt};
  }
  if (decoded->event.header.message_id) {
    request.idempotency_key = "year:" + *decoded->event.header.message_id;
  }
  return pipeline.SubmitDecoded(state, request, *decoded);
}

Result<int, std::string> IngestYear(pipeline::IngestPipeline& pipeline,
                                    const pipeline::GatewayState& state,
                                    const GeneratedYear& year) {
  int accepted = 0;
  for (std::size_t i = 0; i < year.messages.size(); ++i) {
    const GeneratedMessage& message = year.messages[i];
    const pipeline::IngestAnswer answer = SubmitGenerated(pipeline, state, message);
    if (answer.status != 202) {
      return Fail("message " + std::to_string(i) + " from " + message.sender + " at " +
                  model::FormatTimestamp(message.received_at) + " answered " +
                  std::to_string(answer.status) + ": " + answer.body.dump());
    }
    ++accepted;
  }
  return accepted;
}

}  // namespace isagw::reports::testing
