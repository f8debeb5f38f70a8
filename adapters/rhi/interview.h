// The "return-home-interview" form: the provider's record of one Return
// Home Interview, offered, declined, completed or not possible. It decodes
// to an Event of kind rhi_recorded (docs/formats/rhi.md).
#pragma once

#include <nlohmann/json.hpp>

#include "adapters/rhi/field_reader.h"
#include "gateway/common/field_error.h"
#include "gateway/model/event.h"

namespace isagw::adapters::rhi {

// Reads every field after "form" and "version" (which the caller has
// checked and claimed), recording problems in the reader's log.
model::Event ReadInterview(FieldReader& document);

// The document for an rhi_recorded event. What the event lacks for the
// form is recorded in `errors` as not_representable, by canonical pointer.
nlohmann::ordered_json WriteInterview(const model::Event& event, FieldErrors& errors);

}  // namespace isagw::adapters::rhi
