// ReadCouncilEvent: a council document whose structure and values the
// XSD has already checked, to a canonical Event, applying the rules the
// XSD cannot express (docs/formats/council-xml.md, "Decoding rules"):
// NHS check digits, real dates, UK local times, postcodes, what each
// event type must carry, and times that cannot come in the order given.
//
// Internal to the council-xml adapter.
#pragma once

#include <libxml/tree.h>

#include "adapters/council_xml/error_log.h"
#include "gateway/model/event.h"

namespace isagw::adapters::council_xml {

// `root` is the CouncilEvent element. Errors go to `log` (one per path:
// a value the XSD already refused is not refused twice).
model::Event ReadCouncilEvent(const xmlNode* root, ErrorLog& log);

}  // namespace isagw::adapters::council_xml
