// LoadReportData: reads what one agency may see of its episodes in a
// period from the store, through the key ring (sealed payloads) and the
// ISAs (record_view.h), into the rows every report works over.
#pragma once

#include <string>

#include "gateway/common/result.h"
#include "gateway/model/time.h"
#include "gateway/pipeline/gateway_state.h"
#include "gateway/reports/report_data.h"
#include "gateway/store/store.h"

namespace isagw::reports {

struct LoadRequest {
  std::string viewer;  // agency id
  // Episodes that began in [from, to).
  model::Timestamp from{};
  model::Timestamp to{};
  model::Timestamp now{};  // ISAs are judged as in force now
};

Result<ReportData, store::StoreError> LoadReportData(store::Store& store,
                                                     const pipeline::GatewayState& state,
                                                     const LoadRequest& request);

// The same from records already read (what LoadReportData does after its
// one store call): pure, for tests and the benchmark.
ReportData BuildReportData(const store::ReportRecords& records, const pipeline::GatewayState& state,
                           const LoadRequest& request);

// "DE22 3AB" -> "DE22"; "" when it does not look like a UK postcode.
std::string PostcodeDistrict(std::string_view postcode);

}  // namespace isagw::reports
