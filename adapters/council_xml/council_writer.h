// WriteCouncilEvent: a canonical Event as council XML text
// (docs/formats/council-xml.md, "Encoding"). Refuses, with
// "not_representable" at the canonical JSON pointer, what the format has
// no place for: the kind closed, the interview's narratives, the names of
// the people the child was with, an ethnicity with no DfE code, and text
// XML 1.0 cannot hold (control characters). It does not check values
// against the XSD: the adapter validates what it writes (Encode).
//
// Internal to the council-xml adapter.
#pragma once

#include <map>
#include <string>

#include "gateway/common/field_error.h"
#include "gateway/common/result.h"
#include "gateway/model/event.h"

namespace isagw::adapters::council_xml {

// Element path (as in Decode's errors) -> the canonical JSON pointer of
// the field written there, so that an XSD refusal can name the field.
using Origins = std::map<std::string, std::string>;

// `origins`, when given, is filled for every element and attribute
// written. Only a refusal needs it, so the adapter asks for it then.
Result<std::string, FieldErrors> WriteCouncilEvent(const model::Event& event,
                                                   Origins* origins = nullptr);

}  // namespace isagw::adapters::council_xml
