// The "rhi-referral" form: what a host council sends its commissioned
// provider when a child returns, so that an interview can be offered — who
// the child is, how to reach them, when they returned, the known risks.
// It decodes to an Event of kind rhi_referred (docs/formats/rhi.md).
#pragma once

#include <nlohmann/json.hpp>

#include "adapters/rhi/field_reader.h"
#include "gateway/common/field_error.h"
#include "gateway/model/event.h"

namespace isagw::adapters::rhi {

// Reads every field after "form" and "version" (which the caller has
// checked and claimed), recording problems in the reader's log.
model::Event ReadReferral(FieldReader& document);

// The document for an rhi_referred event. What the event lacks for the
// form is recorded in `errors` as not_representable, by canonical pointer.
nlohmann::ordered_json WriteReferral(const model::Event& event, FieldErrors& errors);

}  // namespace isagw::adapters::rhi
